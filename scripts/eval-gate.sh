#!/usr/bin/env bash
# Runs `debugbot eval` over the given scenario folders and fails when a scenario
# that passed in the recorded baseline (bench/eval-baseline.json) now fails.
set -euo pipefail
bin=$1; shift
if ! "$bin" eval --help >/dev/null 2>&1; then
  echo "eval-gate: debugbot eval is not available yet"; exit 0
fi
mkdir -p eval-out
"$bin" eval "$@" --jobs 2 --json eval-out/eval.json --baseline bench/eval-baseline.json
