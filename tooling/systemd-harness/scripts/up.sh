#!/usr/bin/env bash
# up.sh: boots a Debian bookworm systemd in a systemd-nspawn container (system manager, journald,
# user managers of root and of the test user) and prints harness.env as KEY=value lines.
# A running harness of the same name is reused; a dead one is cleaned up first.
# Progress goes to stderr. Exit 0 up, 77 this machine cannot run it (reason on stderr), 1 failed.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"

umask 022
BOOT_TIMEOUT=${MC_HARNESS_BOOT_TIMEOUT:-90}
LOCK_TIMEOUT=${MC_HARNESS_LOCK_TIMEOUT:-600}
ms() { echo $(($(date +%s%N) / 1000000)); }
# The machine, not the harness, is at fault: exit 77 so callers can tell "cannot" from "broken".
unsupported() { note "unavailable: $*"; exit 77; }
failed() { note "failed: $*"; exit 1; }

[[ $(id -u) == 0 ]] || unsupported "needs root (systemd-nspawn and nsenter)"
for tool in flock nsenter setsid pgrep timeout sha256sum; do
  command -v "$tool" >/dev/null || unsupported "$tool is missing (util-linux, procps, coreutils)"
done
[[ -d /sys/fs/cgroup ]] || unsupported "no /sys/fs/cgroup"
[[ $STATE$CACHE != *[[:space:]:]* ]] || unsupported "MC_HARNESS_STATE and MC_HARNESS_CACHE must not contain spaces or ':'"

# One up.sh/down.sh per machine at a time. The lock file sits next to the state directory,
# because down.sh removes that directory.
mkdir -p "$(dirname "$STATE")"
exec 8>"$STATE.lock"
flock -w "$LOCK_TIMEOUT" 8 || failed "waited ${LOCK_TIMEOUT}s for $STATE.lock"

fixtures_hash=$(sha256sum "$SCRIPTS/fixtures.sh" | cut -d' ' -f1)
if harness_up; then
  if [[ ${H_FIXTURES:-} == "$fixtures_hash" ]]; then
    cat "$ENV_FILE"
    exit 0
  fi
  note "fixtures.sh changed since harness '$MACHINE' booted: restarting it"
  stop_harness || failed "could not stop the running harness"
elif read_env; then
  note "cleaning up harness '$MACHINE', which is no longer running"
  stop_harness || failed "could not clean up the old harness"
fi
rm -rf --one-file-system "$STATE"
mkdir -m 755 "$STATE" "$STATE/share"
unset "${!H_@}"

# --- host packages ------------------------------------------------------------------------------
missing=()
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
command -v debootstrap >/dev/null || missing+=(debootstrap)
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || unsupported "needs ${missing[*]} and there is no apt-get to install them"
  note "installing ${missing[*]} (log: $STATE/apt.log)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
    </dev/null >"$STATE/apt.log" 2>&1 || unsupported "apt-get could not install ${missing[*]} (see $STATE/apt.log)"
fi

# --- rootfs: built once, fixtures re-applied when fixtures.sh changes ----------------------------
# Running harnesses hold a shared lock on the cache (nspawn inherits fd 9); building or changing
# the rootfs takes it exclusively, so a rootfs is never changed under a running container.
mirror_url() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*; do
    [[ -f $file ]] || continue
    grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' "$file" | head -n 1 | tr -d '[:space:]' && return 0
  done
  return 1
}
build_rootfs() {
  local mirror staging=$ROOTFS.partial started unit
  mirror=${MC_HARNESS_MIRROR:-$(mirror_url || echo http://deb.debian.org/debian)}
  started=$(ms)
  note "building the rootfs in $ROOTFS from $mirror, once (log: $STATE/debootstrap.log)"
  rm -rf --one-file-system "$staging" "$ROOTFS"
  if ! debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,procps \
    bookworm "$staging" "$mirror" </dev/null >"$STATE/debootstrap.log" 2>&1; then
    rm -rf --one-file-system "$staging"
    unsupported "debootstrap failed; no network or mirror? (see $STATE/debootstrap.log)"
  fi
  # Nothing in the tests reads documentation, locales or package lists.
  rm -rf "$staging"/usr/share/{doc,man,info,locale}/* "$staging"/var/lib/apt/lists/* \
    "$staging"/var/cache/apt/*.bin "$staging"/var/cache/apt/archives/*.deb
  # The machine name becomes the hostname; no getty on the console, no timers that wake up
  # during tests; a stuck unit must not hold up a shutdown for long.
  rm -f "$staging/etc/hostname"
  for unit in console-getty.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer; do
    ln -sfn /dev/null "$staging/etc/systemd/system/$unit"
  done
  mkdir -p "$staging/etc/systemd/system.conf.d" "$staging/etc/systemd/user.conf.d"
  printf '[Manager]\nDefaultTimeoutStopSec=5s\n' >"$staging/etc/systemd/system.conf.d/mc-harness.conf"
  cp "$staging/etc/systemd/system.conf.d/mc-harness.conf" "$staging/etc/systemd/user.conf.d/"
  touch "$staging/.mc-harness-built"
  mv "$staging" "$ROOTFS"
  note "rootfs built in $((($(ms) - started) / 1000)) s ($(du -sh "$ROOTFS" | cut -f1))"
}

mkdir -p "$CACHE"
rootfs_ready() { [[ -f $ROOTFS/.mc-harness-built && "$(cat "$ROOTFS/.mc-harness-fixtures" 2>/dev/null)" == "$fixtures_hash" ]]; }
exec 9>"$CACHE/.lock"
if [[ ${MC_HARNESS_REBUILD:-0} == 1 ]] || ! rootfs_ready; then
  if ! flock -x -n 9; then
    note "waiting for other harnesses on $ROOTFS to stop (the rootfs must change)"
    flock -x -w "$LOCK_TIMEOUT" 9 || failed "the rootfs is in use by another harness; run its down.sh first"
  fi
  if [[ ${MC_HARNESS_REBUILD:-0} == 1 ]]; then rm -f "$ROOTFS/.mc-harness-built"; fi
  [[ -f $ROOTFS/.mc-harness-built ]] || build_rootfs
  if ! rootfs_ready; then
    note "applying fixtures.sh"
    "$SCRIPTS/fixtures.sh" "$ROOTFS" "$TEST_USER" "$TEST_UID" >"$STATE/fixtures.log" 2>&1 ||
      failed "fixtures.sh failed (see $STATE/fixtures.log)"
    echo "$fixtures_hash" >"$ROOTFS/.mc-harness-fixtures"
  fi
fi
flock -s -w "$LOCK_TIMEOUT" 9 || failed "could not share $CACHE/.lock"

# --- boot ---------------------------------------------------------------------------------------
H_MACHINE=$MACHINE H_STATE=$STATE H_SHARE=$STATE/share H_ROOTFS=$ROOTFS H_USER=$TEST_USER
H_USER_UID=$TEST_UID H_EXEC=$SCRIPTS/exec.sh H_FIXTURES=$fixtures_hash H_READY=0
H_CGROUPS=$(cgroup_dirs | paste -sd: -)
[[ -n $H_CGROUPS ]] || unsupported "found no cgroup hierarchy for systemd-nspawn"
write_env() {
  local key variable
  for key in MACHINE READY STATE SHARE EXEC USER USER_UID ROOTFS FIXTURES NSPAWN_PID NSPAWN_START LEADER LEADER_START CGROUPS BOOT_MS; do
    variable=H_$key
    [[ -n ${!variable:-} ]] && echo "MC_HARNESS_$key=${!variable}"
  done >"$ENV_FILE.new"
  mv -f "$ENV_FILE.new" "$ENV_FILE"
}
# Leftovers of a run whose harness.env got lost.
stop_harness || failed "could not clear the harness cgroups"
for dir in ${H_CGROUPS//:/ }; do mkdir -p "$dir" || unsupported "cannot create cgroup $dir"; done
write_env

abort() { stop_harness || true; rm -f "$ENV_FILE"; "$@"; }
trap 'abort failed "interrupted"' INT TERM HUP

started=$(ms)
(
  exec </dev/null >"$STATE/console.log" 2>&1
  for dir in ${H_CGROUPS//:/ }; do echo "$BASHPID" >"$dir/cgroup.procs"; done
  # The container lives on after up.sh: it must not keep the caller's pipes (a test runner
  # waits for EOF on them) or the per-machine lock open. Only stdio and the shared rootfs
  # lock (fd 9) stay.
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    [[ $fd == [0129] ]] || eval "exec $fd>&-" 2>/dev/null || true
  done
  # A session of its own: a Ctrl-C or a killed process group of the caller leaves it alone.
  exec setsid systemd-nspawn --quiet --boot --directory="$ROOTFS" --machine="$MACHINE" \
    --volatile=overlay --private-network --register=no --keep-unit --link-journal=no \
    --console=read-only --bind="$H_SHARE"
) &
H_NSPAWN_PID=$!
H_NSPAWN_START=$(start_of "$H_NSPAWN_PID")
exec 9>&-
write_env

deadline=$((SECONDS + BOOT_TIMEOUT))
still_booting() {
  still_running "$H_NSPAWN_PID" "$H_NSPAWN_START" ||
    abort unsupported "systemd-nspawn exited while booting: $(tail -n 5 "$STATE/console.log" | tr '\n' ' ')"
  ((SECONDS < deadline)) || abort failed "not booted after ${BOOT_TIMEOUT}s (see $STATE/console.log)"
}
until H_LEADER=$(pgrep -P "$H_NSPAWN_PID" -x systemd); do
  still_booting
  sleep 0.02
done
H_LEADER_START=$(start_of "$H_LEADER")
write_env

# is-system-running of the system manager, then of the user managers that lingering starts.
manager_up() { # system | UID
  local command state
  if [[ $1 == system ]]; then
    command=(systemctl)
  else
    command=(setpriv --reuid="$1" --regid="$1" --init-groups env "XDG_RUNTIME_DIR=/run/user/$1"
      "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$1/bus" systemctl --user)
  fi
  state=$(timeout 15 nsenter --target="$H_LEADER" --all "${command[@]}" is-system-running --wait 2>/dev/null) || true
  [[ $state == running || $state == degraded ]]
}
for manager in system 0 "$TEST_UID"; do
  until manager_up "$manager"; do
    still_booting
    sleep 0.05
  done
done

H_BOOT_MS=$(($(ms) - started)) H_READY=1
write_env
trap - INT TERM HUP
note "harness '$MACHINE' booted in $H_BOOT_MS ms"
cat "$ENV_FILE"
