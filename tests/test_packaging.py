"""What `pip install pathgrad` gets: a wheel and an sdist that install and draw on their own."""

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = "import autograd, nn, viz; print(autograd.__version__, nn.__version__, viz.__version__)"


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def test_the_sdist_holds_the_packages_readme_license_and_metadata_only(dist):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = [n.split("/", 1)[1] for n in archive.getnames() if "/" in n]
    top = {n.split("/")[0] for n in names}
    assert top <= {"autograd", "nn", "viz", "pathgrad.egg-info", "README.md", "LICENSE",
                   "pyproject.toml", "PKG-INFO", "setup.cfg", "MANIFEST.in"}  # fmt: skip
    assert {"LICENSE", "README.md", "pyproject.toml", "autograd", "nn", "viz"} <= top


def test_the_wheel_carries_the_license_and_type_markers(dist):
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert {"autograd/py.typed", "nn/py.typed", "viz/py.typed"} <= set(names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA")))
    assert b"Classifier: Topic :: Scientific/Engineering :: Artificial Intelligence" in metadata
    assert b"Requires-Dist: graphviz-pure" in metadata


def test_the_wheel_installs_and_draws_from_outside_the_repository(dist, tmp_path):
    (wheel,) = dist.glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PATHGRAD_RENDERER": "graphviz-pure", "PYTHONPATH": ""}
    imported = subprocess.run(
        [str(python), "-c", VERSIONS],
        cwd=elsewhere, capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    assert imported.stdout.split() == ["0.1.0"] * 3
    drawn = subprocess.run(
        [str(venv / "bin" / "gradviz"), "(a+b)*(b+1)", "a=2", "b=1", "-o", "e.png"],
        cwd=elsewhere, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert drawn.returncode == 0, drawn.stderr
    assert (elsewhere / "e.png").read_bytes().startswith(b"\x89PNG")
