"""Rebuild every scenb_* scenario (and the bazaar scale scenario), then run the official checker and scenb_verify on them."""
from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHECKER = ROOT.parent / "shared" / "tools" / "check_scenario.py"
SKIP = {"scenb_kit.py", "scenb_verify.py", "scenb_build_all.py", "scenb_base.py", "scenb_shapes.py", "scenb_yaml.py",
        "scenb_nodes.py", "scenb_pods.py", "scenb_workloads.py"}


def scripts() -> list[Path]:
    return sorted(p for p in HERE.glob("scenb_*.py") if p.name not in SKIP) + [HERE / "gen_scale_bazaar.py"]


def main() -> int:
    sys.path.insert(0, str(HERE))
    written: list[str] = []
    for s in scripts():
        ns = runpy.run_path(str(s), run_name="__build__")
        path = ns["sc"].write()
        written.append(str(path))
        print(f"built {path.name}")
    rc = subprocess.call([sys.executable, str(CHECKER), *written])
    rc |= subprocess.call([sys.executable, str(HERE / "scenb_verify.py"), *written])
    return rc


if __name__ == "__main__":
    sys.exit(main())
