#!/usr/bin/env bash
# Builds the wslocal container image without pulling anything: the static
# binary is compiled on this machine (CGO_ENABLED=0, -trimpath, the version
# stamped) into dist/docker/, with the /data and /tmp folders the image
# copies, then `docker build` puts it on an empty (FROM scratch) base.
#
#   scripts/docker-build.sh [IMAGE]        default IMAGE: wslocal:latest
#
# VERSION (default: git describe) is stamped into the binary and the image's
# labels; GOARCH (default: this machine's) picks the image's architecture.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:-wslocal:latest}
version=${VERSION:-$(git describe --tags --always --dirty --abbrev=12 2>/dev/null || echo dev)}
arch=${GOARCH:-$(go env GOARCH)}

ctx=dist/docker
rm -rf "$ctx"
mkdir -p "$ctx/data" "$ctx/tmp"
chmod 0755 "$ctx/data"
chmod 1777 "$ctx/tmp"
CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath -buildvcs=auto \
  -ldflags "-s -w -X github.com/wslocal/wslocal/server.Version=$version" \
  -o "$ctx/wslocal" ./cmd/wslocal

docker build --platform "linux/$arch" --build-arg VERSION="$version" -t "$image" .
echo "built $image (wslocal $version, linux/$arch)"
