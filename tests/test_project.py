"""The project's set-up promises: the Dockerfile, pinned requirements, the CI entry point."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_installs_requirements_and_serves_the_app_healthily():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY requirements\.txt", dockerfile, re.M)
    assert re.search(r"pip install .*-r requirements\.txt", dockerfile)
    assert re.search(r"^EXPOSE 8501$", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*/_stcore/health", dockerfile, re.M)
    assert re.search(r'^CMD \["streamlit", "run", "app\.py"', dockerfile, re.M)
    assert "--server.headless=true" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0"), "the app must not run as root"


def test_requirements_are_pinned_exactly_and_torch_is_2_13_without_torchvision():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][^\s]*", pin) for pin in pins), pins
    assert "torch==2.13.0" in pins
    assert not any(pin.startswith(("torchvision", "torchaudio")) for pin in pins)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make run" in readme
    assert re.search(r"^make test$", ci, re.M)


def test_core_modules_import_without_streamlit():
    code = ("import sys, playground.optim, playground.surfaces, playground.trajectories, "
            "playground.schedules, playground.datasets, playground.regularization, "
            "playground.train, playground.backprop; "
            "assert 'streamlit' not in sys.modules, 'core imported streamlit'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_pip_install_builds_one_package_with_the_pinned_dependencies_and_the_cli(tmp_path):
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(ROOT / "playground", source / "playground", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "requirements.txt", "requirements-ray.txt"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"playground"}
    assert "playground/train/__main__.py" in names
    pins = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(re.findall(r"^Requires-Dist: (\S+)$", metadata, re.M)) == sorted(p for p in pins if p)
    assert "playground-train = playground.train.__main__:main" in entry_points
    assert 'Requires-Dist: ray==2.60.0; extra == "ray"' in metadata  # pip install .[ray]


def test_ray_is_pinned_in_its_own_file_that_make_test_and_the_image_can_install():
    pins = [line.strip() for line in (ROOT / "requirements-ray.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert pins == ["ray==2.60.0"]
    assert "-r requirements-ray.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r'if \[ "\$WITH_RAY" = 1 \]; then pip install .*-r requirements-ray\.txt', dockerfile)
