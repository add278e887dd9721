#!/usr/bin/env bash
# Build the image and smoke-test it where a Docker engine runs (the test suite replays the
# Dockerfile's install steps offline instead: tests/deploy/test_dockerfile.py).
#   scripts/dockerfile_check.sh [IMAGE_TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-debugbot:check}"

docker build -t "$tag" .
uid="$(docker run --rm --entrypoint id "$tag" -u)"
[ "$uid" = 10001 ] || { echo "image runs as uid $uid, want 10001" >&2; exit 1; }
docker run --rm "$tag" --help >/dev/null
for cmd in serve worker sim; do docker run --rm "$tag" "$cmd" --help >/dev/null; done
[ "$(docker inspect -f '{{json .Config.Healthcheck.Test}}' "$tag")" != "null" ] || { echo "no HEALTHCHECK" >&2; exit 1; }
if docker compose version >/dev/null 2>&1; then
  tmp_env=""
  if [ ! -f .env ]; then cp .env.example .env; tmp_env=1; fi
  docker compose config -q
  docker compose --profile sandbox config -q
  [ -z "$tmp_env" ] || rm -f .env
fi
echo "image $tag: ok (uid 10001, serve/worker/sim present, healthcheck set)"
