#!/usr/bin/env bash
# Builds the release binaries of cockpit into dist/: stripped, static (CGO_ENABLED=0, -tags
# nosim: no simulation, no DuckDB, no libc), for linux/amd64, linux/arm64 and darwin/arm64,
# each stamped with its version, commit and build date, and dist/SHA256SUMS over them.
#
#   scripts/release.sh [VERSION]     VERSION defaults to `git describe --tags --always --dirty`
#   PLATFORMS="linux/amd64" DIST=/tmp/out scripts/release.sh   fewer platforms, another directory
#
# Verify a download with: sha256sum --check --ignore-missing SHA256SUMS
set -euo pipefail
cd "$(dirname "$0")/.."

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
version=${1:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
platforms=${PLATFORMS:-"linux/amd64 linux/arm64 darwin/arm64"}
ldflags="-s -w -X main.version=${version} -X main.commit=${commit} -X main.date=${date}"

dist=${DIST:-dist}
rm -rf "$dist"
mkdir -p "$dist"
for p in $platforms; do
  os=${p%/*} arch=${p#*/}
  out="${dist}/cockpit-${version}-${os}-${arch}"
  echo "== ${out}"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -tags nosim -trimpath -buildvcs=false \
    -ldflags "$ldflags" -o "$out" ./cmd/cockpit
done
(
  cd "$dist"
  if command -v sha256sum >/dev/null; then sha256sum cockpit-*; else shasum -a 256 cockpit-*; fi > SHA256SUMS
)
cat "$dist/SHA256SUMS"
