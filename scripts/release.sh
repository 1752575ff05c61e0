#!/usr/bin/env bash
# Cross-builds wslocal for release: linux, darwin and windows on amd64 and
# arm64, static (CGO_ENABLED=0), -trimpath, the version stamped, into
#   dist/release/wslocal_<version>_<os>_<arch>[.exe]
# with SHA256SUMS beside them (check with `sha256sum -c SHA256SUMS`).
#
#   VERSION=v1.2.3 scripts/release.sh          default VERSION: git describe
#   TARGETS="linux/amd64 darwin/arm64" ...     a subset
set -euo pipefail
cd "$(dirname "$0")/.."

version=${VERSION:-$(git describe --tags --always --dirty --abbrev=12 2>/dev/null || echo dev)}
targets=${TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}
out=dist/release
rm -rf "$out"
mkdir -p "$out"

for target in $targets; do
  os=${target%/*}
  arch=${target#*/}
  name=wslocal_${version}_${os}_${arch}
  [ "$os" = windows ] && name=$name.exe
  start=$(date +%s)
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=auto \
    -ldflags "-s -w -X github.com/wslocal/wslocal/server.Version=$version" \
    -o "$out/$name" ./cmd/wslocal
  echo "$name: $(( $(date +%s) - start ))s, $(( $(stat -c %s "$out/$name") / 1024 )) KiB"
done

(cd "$out" && sha256sum wslocal_* > SHA256SUMS)
echo "dist/release: $(echo $targets | wc -w) binaries and SHA256SUMS for wslocal $version"
