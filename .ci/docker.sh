#!/usr/bin/env bash
# A Docker daemon of CI's own, for the container image's tests:
#   .ci/docker.sh start DIR   starts dockerd on DIR/docker.sock (data, exec
#                             root and log under DIR); prints the DOCKER_HOST
#   .ci/docker.sh stop DIR    removes its containers, stops it, unmounts what
#                             it mounted, deletes the docker0 bridge and DIR
# Debian's docker.io; no registry is reachable, so nothing is ever pulled.
# --iptables=false and --ip-forward=false: the machine's firewall and
# forwarding are left as they were; a published port is served by
# docker-proxy on the host, which reaches the container over docker0.
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?a folder for the daemon}
sock=unix://$dir/docker.sock

case $cmd in
start)
  # docker-compose (Debian's, 1.29) for the compose examples' test.
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io docker-compose >/dev/null
  fi
  mkdir -p "$dir"
  dockerd --host "$sock" --data-root "$dir/root" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    --iptables=false --ip-forward=false >"$dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    DOCKER_HOST=$sock docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    sleep 0.5
  done
  if ! DOCKER_HOST=$sock docker version --format 'dockerd {{.Server.Version}}' >&2; then
    tail -n 30 "$dir/dockerd.log" >&2
    exit 1
  fi
  echo "$sock"
  ;;
stop)
  if [ -S "$dir/docker.sock" ]; then
    ids=$(DOCKER_HOST=$sock docker ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || DOCKER_HOST=$sock docker rm -f $ids >/dev/null 2>&1 || true
  fi
  if [ -f "$dir/docker.pid" ]; then
    pid=$(cat "$dir/docker.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # What dockerd left mounted (the netns files, overlays, its data root),
  # deepest first.
  for m in $(grep -o " $dir/[^ ]*" /proc/mounts | sort -r || true); do umount -l "$m" 2>/dev/null || true; done
  if ip link show docker0 >/dev/null 2>&1; then ip link delete docker0; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
