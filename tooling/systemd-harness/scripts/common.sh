# shellcheck shell=bash
# Shared by up.sh, exec.sh and down.sh (sourced, not run): where things live and how a harness
# is recognised and stopped.

SCRIPTS=${BASH_SOURCE[0]%/*}   # the callers source this by an absolute, resolved path
MACHINE=${MC_HARNESS_MACHINE:-mcproject}
if [[ ! $MACHINE =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]]; then
  echo "[mc-harness] MC_HARNESS_MACHINE='$MACHINE' is not a valid name (a-z, 0-9, -; at most 31)" >&2
  exit 2
fi
# exec.sh runs under mc's runner, which hands children almost no environment (no HOME, no
# TMPDIR): the state path therefore must not depend on either.
STATE=${MC_HARNESS_STATE:-/tmp/mc-harness-$MACHINE}
STATE=${STATE%/}
ENV_FILE=$STATE/harness.env
CACHE=${MC_HARNESS_CACHE:-${HOME:-/root}/.cache/mc-harness}
ROOTFS=$CACHE/bookworm
TEST_USER=mctest
TEST_UID=1000

note() { echo "[mc-harness] $*" >&2; }

# Field 22 of /proc/PID/stat (start time in clock ticks), or nothing when PID is gone or a
# zombie. A PID is only trusted together with this, so a recycled PID is never taken for ours.
start_of() {
  local stat fields
  { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 0
  read -r -a fields <<<"${stat##*) }"   # the command name may contain spaces and parentheses
  [[ ${fields[0]} == [ZX] ]] || echo "${fields[19]}"
}
# still_running PID START: PID is alive and is the process recorded with START.
still_running() { [[ -n ${1:-} && -n ${2:-} && "$(start_of "$1")" == "$2" ]]; }

# Reads harness.env into H_* variables without executing it (it is read as root, and /tmp is
# shared): only MC_HARNESS_<NAME>=value lines count, and only from a file and directory of our
# own (up.sh creates both with mode 755/644, so nobody else can have written them).
read_env() {
  local key value
  [[ -d $STATE && ! -L $STATE && -O $STATE && -f $ENV_FILE && ! -L $ENV_FILE && -O $ENV_FILE ]] || return 1
  while IFS='=' read -r key value; do
    [[ $key =~ ^MC_HARNESS_[A-Z_]+$ ]] && printf -v "H_${key#MC_HARNESS_}" '%s' "$value"
  done <"$ENV_FILE"
  return 0
}

# True when harness.env describes a booted harness whose processes are still ours.
harness_up() {
  read_env && [[ ${H_READY:-} == 1 ]] &&
    still_running "${H_LEADER:-}" "${H_LEADER_START:-}" &&
    still_running "${H_NSPAWN_PID:-}" "${H_NSPAWN_START:-}"
}

# One cgroup directory per hierarchy (unified, and v1 name=systemd on hybrid hosts) below the
# caller's own cgroup. nspawn splits the cgroup it starts in into payload/ and supervisor/:
# a cgroup of its own per machine keeps harnesses apart and lists exactly what to kill.
cgroup_dirs() {
  local line own own_v2='' own_v1='' root mountpoint rest fstype options
  while IFS= read -r line; do
    case $line in
      0::*) own_v2=${line#0::} ;;
      *:name=systemd:*) own_v1=${line#*:name=systemd:} ;;
    esac
  done </proc/self/cgroup
  while read -r _ _ _ root mountpoint rest; do
    rest=${rest#* - }
    read -r fstype _ options <<<"$rest"
    if [[ $fstype == cgroup2 && -n $own_v2 ]]; then
      own=$own_v2 own_v2=''
    elif [[ $fstype == cgroup && ,$options, == *,name=systemd,* && -n $own_v1 ]]; then
      own=$own_v1 own_v1=''
    else
      continue
    fi
    [[ $root == / ]] || own=${own#"$root"}
    echo "$mountpoint${own%/}/mc-harness-$MACHINE"
  done </proc/self/mountinfo
}

# Stops what H_* describes: nspawn gets SIGTERM (the container powers off cleanly), then
# whatever is still alive after MC_HARNESS_STOP_TIMEOUT gets SIGKILL, including anything left
# in the harness cgroups. Returns 1 if a process survives.
stop_harness() {
  local limit=${MC_HARNESS_STOP_TIMEOUT:-10} tries pid left dir
  if still_running "${H_NSPAWN_PID:-}" "${H_NSPAWN_START:-}"; then
    kill -TERM "$H_NSPAWN_PID" 2>/dev/null || true
    for ((tries = limit * 20; tries > 0; tries--)); do
      still_running "$H_NSPAWN_PID" "$H_NSPAWN_START" || break
      sleep 0.05
    done
  fi
  # SIGKILL to the container's PID 1 takes its whole PID namespace with it.
  if still_running "${H_LEADER:-}" "${H_LEADER_START:-}"; then kill -KILL "$H_LEADER" 2>/dev/null || true; fi
  if still_running "${H_NSPAWN_PID:-}" "${H_NSPAWN_START:-}"; then kill -KILL "$H_NSPAWN_PID" 2>/dev/null || true; fi
  for ((tries = 100; tries > 0; tries--)); do
    left=''
    for dir in ${H_CGROUPS//:/ }; do
      [[ -d $dir ]] || continue
      for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do
        [[ -n $(start_of "$pid") ]] || continue   # a zombie is dead already
        left+=" $pid"
        kill -KILL "$pid" 2>/dev/null || true
      done
    done
    [[ -z $left ]] && break
    sleep 0.05
  done
  if [[ -n $left ]]; then
    note "could not stop:$left"
    return 1
  fi
  for dir in ${H_CGROUPS//:/ }; do
    # Zombies keep a cgroup busy until their reaper gets to them.
    for ((tries = 60; tries > 0; tries--)); do
      [[ -d $dir ]] || break
      find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null && break
      sleep 0.05
    done
  done
  return 0
}
