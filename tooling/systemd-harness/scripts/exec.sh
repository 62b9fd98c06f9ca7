#!/usr/bin/env bash
# exec.sh [--state=DIR] [--user] COMMAND [ARG...]: runs COMMAND inside the harness container.
# Meant as a command prefix (`exec.sh systemctl show mc-demo.service`): stdin, stdout, stderr
# and the exit status are the command's own, and killing exec.sh ends the command inside.
#   default  as root, with root's user-manager session, so `systemctl --user` works as well
#   --user   as the test user mctest (uid 1000), with its session
#   --state  the harness's state directory, when it is not the default of MC_HARNESS_MACHINE
# Exit 125 when the harness is not up, 2 on bad usage.
set -euo pipefail
if [[ ${1:-} == --state=* ]]; then
  MC_HARNESS_STATE=${1#--state=}
  shift
fi
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"

as_user=0
if [[ ${1:-} == --user ]]; then as_user=1; shift; fi
if [[ ${1:-} == -- ]]; then shift; fi
(($#)) || { echo "usage: exec.sh [--state=DIR] [--user] COMMAND [ARG...]" >&2; exit 2; }
harness_up || { note "harness '$MACHINE' is not up (state: $STATE); run up.sh first"; exit 125; }

if ((as_user)); then
  uid=$H_USER_UID name=$H_USER home=/home/$H_USER who=(--reuid="$H_USER_UID" --regid="$H_USER_UID" --init-groups)
else
  uid=0 name=root home=/root who=()
fi
# Locale, terminal and systemd output settings of the caller still apply inside.
passed=()
for name in $(compgen -e); do
  case $name in LANG | LANGUAGE | LC_* | TZ | TERM | COLUMNS | LINES | NO_COLOR | SYSTEMD_*)
    passed+=("$name=${!name}") ;;
  esac
done
# With fd 0 closed, the first file nsenter opens would become the command's stdin.
[[ -e /dev/fd/0 ]] || exec </dev/null
# nsenter forks the command into the container and does not forward signals. The parent-death
# signal (set last by setpriv, after the identity change that would clear it) ends the command
# when nsenter dies, e.g. when a runner's timeout kills exec.sh.
exec nsenter --target="$H_LEADER" --all \
  setpriv "${who[@]}" --pdeathsig=TERM \
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  HOME="$home" USER="$name" LOGNAME="$name" \
  XDG_RUNTIME_DIR="/run/user/$uid" DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" \
  "${passed[@]}" "$@"
