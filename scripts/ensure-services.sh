#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing:
# redis-server, prometheus + promtool, kubectl and jq. The tests start their own
# redis-server and prometheus processes on free loopback ports.
set -euo pipefail
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v jq >/dev/null || need+=(jq)
# kubectl: this machine kind ships one; Debian's `kubectl` package otherwise
# (not `kubernetes-client`, which conflicts with it).
command -v kubectl >/dev/null || need+=(kubectl)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi
# prometheus' Debian package starts a system service on :9090; the tests use their own.
redis-server --version | head -1
prometheus --version 2>&1 | head -1
kubectl version --client 2>/dev/null | head -1 || true
