#!/usr/bin/env bash
# fixtures.sh ROOTFS USER UID: writes the units and the test user that mc's tests rely on into
# a rootfs. Safe to run again. up.sh stores a hash of this file in the rootfs and runs it anew
# whenever the file changes, so edits here need no rootfs rebuild.
set -euo pipefail
[[ $# == 3 ]] || { echo "usage: fixtures.sh ROOTFS USER UID" >&2; exit 2; }
root=$1 user=$2 uid=$3

# put PATH-IN-ROOTFS < content
put() { mkdir -p "$(dirname "$root/$1")"; cat >"$root/$1"; }
# wanted_by TARGET-WANTS-DIR UNIT: the symlink `systemctl enable` would make.
wanted_by() { mkdir -p "$root/$1"; ln -sfn "../$2" "$root/$1/$2"; }

# --- system manager ---------------------------------------------------------------------------
put etc/systemd/system/mc-demo.service <<'UNIT'
[Unit]
Description=mc fixture: runs forever, cannot reload

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
UNIT

put etc/systemd/system/mc-reload.service <<'UNIT'
[Unit]
Description=mc fixture: runs forever, reloads

[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/true

[Install]
WantedBy=multi-user.target
UNIT

# Failing at boot also leaves the system "degraded", which up.sh accepts as booted.
put etc/systemd/system/mc-broken.service <<'UNIT'
[Unit]
Description=mc fixture: fails at boot

[Service]
Type=oneshot
ExecStart=/bin/false

[Install]
WantedBy=multi-user.target
UNIT

# A steady trickle of journal entries, so journal readers have fresh lines to wait for.
put etc/systemd/system/mc-logger.service <<'UNIT'
[Unit]
Description=mc fixture: logs a tick every second

[Service]
ExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "mc-logger tick $i"; sleep 1; done'

[Install]
WantedBy=multi-user.target
UNIT

for unit in mc-demo mc-reload mc-broken mc-logger; do
  wanted_by etc/systemd/system/multi-user.target.wants "$unit.service"
done

# --- every user manager (root's and the test user's) -------------------------------------------
put etc/systemd/user/mc-user-demo.service <<'UNIT'
[Unit]
Description=mc fixture: user service that runs forever and reloads

[Service]
ExecStart=/bin/sleep infinity
ExecReload=/bin/true

[Install]
WantedBy=default.target
UNIT

put etc/systemd/user/mc-user-broken.service <<'UNIT'
[Unit]
Description=mc fixture: user service that fails

[Service]
Type=oneshot
ExecStart=/bin/false

[Install]
WantedBy=default.target
UNIT

for unit in mc-user-demo mc-user-broken; do
  wanted_by etc/systemd/user/default.target.wants "$unit.service"
done

# --- the test user; lingering makes logind start user@UID.service at boot, for root too --------
if ! chroot "$root" id -u "$user" >/dev/null 2>&1; then
  chroot "$root" useradd --create-home --uid "$uid" --user-group --shell /bin/sh "$user"
fi
mkdir -p "$root/var/lib/systemd/linger"
touch "$root/var/lib/systemd/linger/root" "$root/var/lib/systemd/linger/$user"
