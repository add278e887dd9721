#!/bin/bash
f=$1
/work/main/.venv/bin/python /work/shared/tools/check_scenario.py $f && cd /work/main && .venv/bin/python -c "from sandbox.scenario import load_scenario; load_scenario('$f')" && echo LOADED && wc -l $f
