"""The README's notebook example runs as printed and does what its comments say."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_notebook_example_races_100_starts_at_once():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Using the core from a notebook", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    shape, rosenbrock, ravine, latex = out.stdout.splitlines()
    assert shape == "(501, 100, 2)"
    median_loss, diverged = rosenbrock.split()
    assert float(median_loss) < 0.1 and diverged == "0"
    assert float(ravine) < 1e-6 and r"\mu v" in latex
