#!/usr/bin/env bash
# Installs bubblewrap (the process executor's sandbox) and sets up a container engine for the
# container-executor tests on a CI machine of this kind (Debian 12, root, no systemd, hard
# RLIMIT_NOFILE 20000, cgroup v1 hybrid): Podman with the runc runtime, a config whose rlimits fit
# inside the machine's hard limits, a tiny image `local/busybox` built from Debian's busybox-static
# with no registry, and Podman's Docker-compatible API socket in the background.
# See /work/shared/reference/containers.md for why each piece is there.
#
# Usage: scripts/ci-containers.sh WORKDIR
# Leaves: WORKDIR/containers.conf, WORKDIR/podman.sock (DOCKER_HOST=unix://WORKDIR/podman.sock),
#         WORKDIR/podman-service.pid (stop it with: kill "$(cat WORKDIR/podman-service.pid)").
set -euo pipefail
WORK=${1:?usage: scripts/ci-containers.sh WORKDIR}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cd "$WORK"
t0=$(date +%s.%N)
export DEBIAN_FRONTEND=noninteractive
if ! command -v podman >/dev/null || ! command -v runc >/dev/null || ! command -v curl >/dev/null || ! command -v bwrap >/dev/null; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends podman runc catatonit curl ca-certificates bubblewrap >/dev/null
fi
t1=$(date +%s.%N)
echo "ci-containers: podman + runc + bubblewrap installed in $(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s (apt-get update + install)"

# rlimits no higher than this machine's hard limits (podman asks for nofile=1048576 otherwise, and
# sets its own NPROC to 32768, so any container value above that fails).
NOFILE=$(ulimit -Hn); [ "$NOFILE" = unlimited ] && NOFILE=1048576; [ "$NOFILE" -gt 65536 ] && NOFILE=65536
cat > "$WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$WORK/containers.conf"

if ! podman image exists local/busybox; then
  rm -rf deb rootfs && mkdir -p deb rootfs/bin rootfs/etc rootfs/tmp rootfs/proc rootfs/sys rootfs/dev rootfs/home/job
  (cd deb && apt-get download -qq -o APT::Sandbox::User=root busybox-static && dpkg-deb -x busybox-static_*.deb x)
  cp deb/x/bin/busybox rootfs/bin/busybox
  for a in sh echo sleep cat ls id env true false dd wc ip ps seq hostname wget nc head tr yes printf; do ln -sf busybox "rootfs/bin/$a"; done
  chmod 1777 rootfs/tmp
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home/job:/bin/sh\n' > rootfs/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' > rootfs/etc/group
  tar -C rootfs -c . | podman import -q - local/busybox >/dev/null
fi

# The Docker-compatible API (for dockerode). Started in the background; the caller stops it by pid.
if [ -f "$WORK/podman-service.pid" ] && kill -0 "$(cat "$WORK/podman-service.pid")" 2>/dev/null; then
  echo "ci-containers: the API service is already running (pid $(cat "$WORK/podman-service.pid"))"
else
  rm -f "$WORK/podman.sock"
  # setsid + closed stdin: the service must not hold the caller's terminal or pipes open.
  setsid podman system service --time=0 "unix://$WORK/podman.sock" </dev/null >"$WORK/podman-service.log" 2>&1 &
  echo $! > "$WORK/podman-service.pid"
fi
for _ in $(seq 1 100); do
  [ -S "$WORK/podman.sock" ] && curl -sf --unix-socket "$WORK/podman.sock" http://d/_ping >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf --unix-socket "$WORK/podman.sock" http://d/_ping >/dev/null || { echo "ci-containers: the podman API service did not come up:" >&2; cat "$WORK/podman-service.log" >&2; exit 1; }

# Smoke test: both streams apart, the exit code kept, no network.
rc=0
podman run --rm --network none local/busybox sh -c 'echo out; echo err >&2; exit 3' >"$WORK/o" 2>"$WORK/e" || rc=$?
if [ "$rc" != 3 ] || [ "$(cat "$WORK/o")" != out ] || [ "$(cat "$WORK/e")" != err ]; then
  echo "ci-containers: smoke test failed (rc $rc, stdout '$(cat "$WORK/o")', stderr '$(cat "$WORK/e")')" >&2
  exit 1
fi
t2=$(date +%s.%N)
echo "ci-containers: engine ready at unix://$WORK/podman.sock in $(awk "BEGIN{printf \"%.1f\", $t2-$t0}") s total"
