#!/usr/bin/env bash
# down.sh: stops the harness of MC_HARNESS_MACHINE, kills what is left of it and removes its
# state directory. Exit 0 also when nothing was running; 1 when a process could not be stopped.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/common.sh"

[[ -e $STATE ]] || exit 0
[[ $(id -u) == 0 ]] || { note "down.sh needs root"; exit 1; }
exec 8>"$STATE.lock"
flock -w "${MC_HARNESS_LOCK_TIMEOUT:-600}" 8 || { note "waited too long for $STATE.lock"; exit 1; }

# Without harness.env (up.sh killed early) the cgroups of this machine still name its processes.
read_env || H_CGROUPS=$(cgroup_dirs | paste -sd: -)
stop_harness
rm -rf --one-file-system "$STATE"
# nspawn outlived up.sh, so the host's init reaps it, possibly lazily: wait a little, so callers
# that check for leftover processes find none, not even a zombie.
if [[ -n ${H_NSPAWN_PID:-} ]]; then
  for ((tries = 100; tries > 0; tries--)); do
    [[ -e /proc/$H_NSPAWN_PID ]] || break
    [[ $(awk '{print $22}' "/proc/$H_NSPAWN_PID/stat" 2>/dev/null) == "${H_NSPAWN_START:-}" ]] || break
    sleep 0.05
  done
fi
exit 0
