#!/usr/bin/env bash
# Install and start REAL container engines for the tests (Debian bookworm, root, no container
# registry reachable; only Debian's package archive and the npm registry).
#   up   : install packages (idempotent), start dockerd + the podman Docker-compatible API service
#   down : stop what "up" started (by PID), remove Clawplane-managed and CI containers
# Host networking only: no bridge, no iptables/NAT, no ip_forward.
# See docs/adr/0008-docker-runtime.md and /work/shared/reference/container-runtimes.md.
set -euo pipefail
RT=${CI_RT_DIR:-/var/lib/clawplane-ci}
DOCKER_SOCK=/var/run/docker.sock
PODMAN_SOCK=/run/podman/podman.sock
# Any accidental registry pull is sent to a dead loopback proxy instead of the network.
GUARD=(HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1,::1)
WITH_COMPOSE_V2=${WITH_COMPOSE_V2:-1}
PKGS=(docker.io docker-compose podman catatonit busybox-static curl)

ping_sock() { curl -sf --max-time 2 --unix-socket "$1" http://d/_ping >/dev/null 2>&1; }

wait_sock() { # $1=socket $2=seconds
  for _ in $(seq 1 $(( $2 * 10 ))); do ping_sock "$1" && return 0; sleep 0.1; done
  echo "container-runtimes: timeout waiting for $1" >&2; return 1
}

need_packages() {
  local p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 0
  done
  return 1
}

install_packages() {
  export DEBIAN_FRONTEND=noninteractive
  if need_packages; then
    apt-get update -qq
    # docker.io 20.10 (+containerd, runc, tini as docker-init), compose v1, podman 4.3,
    # catatonit (podman's init and kube-play pause image), busybox-static (base rootfs)
    apt-get install -y -qq "${PKGS[@]}" >/dev/null
  fi
  if [ "$WITH_COMPOSE_V2" = 1 ] && ! docker compose version >/dev/null 2>&1; then
    # Compose v2 + buildx are not in bookworm; trixie's packages are static Go binaries.
    # Extract only the CLI plugins (private apt lists; the system's sources are not changed).
    local A="$RT/apt-trixie"; mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/x"
    local M; M=$(apt-get indextargets --format '$(REPO_URI)' | grep -m1 '/debian/$' || true)
    if [ -n "$M" ]; then
      echo "deb $M trixie main" > "$A/sources.list"
      local O=(-o Dir::Etc::sourcelist="$A/sources.list" -o Dir::Etc::sourceparts=-
               -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache")
      if apt-get "${O[@]}" update -qq && (cd "$A" && apt-get "${O[@]}" download docker-compose docker-buildx >/dev/null); then
        for d in "$A"/*.deb; do dpkg-deb -x "$d" "$A/x"; done
        mkdir -p /usr/local/lib/docker/cli-plugins
        cp "$A"/x/usr/libexec/docker/cli-plugins/docker-{compose,buildx} /usr/local/lib/docker/cli-plugins/
      else
        echo "container-runtimes: compose v2 not available (trixie download failed); compose v1 only" >&2
      fi
    fi
  fi
}

configure_podman() {
  # rootful podman's default rlimits exceed the sandbox's hard limits and raising them needs
  # CAP_SYS_RESOURCE ("error setting rlimit type 7"): pin them. Host netns by default (no bridge).
  local nofile nproc; nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  if [ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ]; then nofile=1048576; fi
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
  mkdir -p /etc/containers/registries.conf.d
  cat > /etc/containers/containers.conf <<EOF
[containers]
netns = "host"
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  cat > /etc/containers/registries.conf.d/99-ci-offline.conf <<'EOF'
unqualified-search-registries = []
[[registry]]
location = "docker.io"
blocked = true
[[registry]]
location = "quay.io"
blocked = true
[[registry]]
location = "ghcr.io"
blocked = true
[[registry]]
location = "registry.k8s.io"
blocked = true
EOF
}

start_dockerd() {
  ping_sock $DOCKER_SOCK && return 0
  # a stale socket / pidfile from a killed daemon blocks the start
  if [ -s "$RT/dockerd.pid" ] && ! kill -0 "$(cat "$RT/dockerd.pid")" 2>/dev/null; then rm -f "$RT/dockerd.pid"; fi
  env "${GUARD[@]}" nohup dockerd \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
    --storage-driver=overlay2 --data-root="$RT/docker" --exec-root="$RT/docker-exec" \
    --pidfile="$RT/dockerd.pid" -H unix://$DOCKER_SOCK >>"$RT/dockerd.log" 2>&1 &
  wait_sock $DOCKER_SOCK 30
}

start_podman() {
  ping_sock $PODMAN_SOCK && return 0
  mkdir -p "$(dirname $PODMAN_SOCK)"
  rm -f $PODMAN_SOCK
  env "${GUARD[@]}" nohup podman system service --time=0 unix://$PODMAN_SOCK \
    >>"$RT/podman-service.log" 2>&1 &
  echo $! > "$RT/podman-service.pid"
  wait_sock $PODMAN_SOCK 30
}

up() {
  mkdir -p "$RT"
  local t0; t0=$(date +%s.%N)
  install_packages
  configure_podman
  start_dockerd
  start_podman
  local t1; t1=$(date +%s.%N)
  echo "container-runtimes: docker $(curl -sf --unix-socket $DOCKER_SOCK http://d/version | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -c 20) on unix://$DOCKER_SOCK; podman API on unix://$PODMAN_SOCK ($(awk "BEGIN{printf \"%.1f\", $t1-$t0}") s)"
}

down() {
  # only containers we own: Clawplane's label and the compose/kube test projects use host networking
  if ping_sock $DOCKER_SOCK; then
    docker ps -aq --filter label=clawplane.dev/managed=true | xargs -r docker rm -f >/dev/null || true
  fi
  if command -v podman >/dev/null; then
    podman ps -aq --filter label=clawplane.dev/managed=true | xargs -r podman rm -f >/dev/null || true
  fi
  for f in "$RT/podman-service.pid" "$RT/dockerd.pid"; do
    [ -s "$f" ] || continue
    local p; p=$(cat "$f")
    if kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p"
      for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$f"
  done
  # dockerd leaves its default-netns bind mount behind
  if mountpoint -q "$RT/docker-exec/netns/default" 2>/dev/null; then umount "$RT/docker-exec/netns/default" || true; fi
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
