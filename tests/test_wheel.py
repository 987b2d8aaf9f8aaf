"""The built wheel is enough: installed into a fresh virtual environment, ``codincod db upgrade``
and ``codincod serve`` work from any folder, with the migrations it ships."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from pathlib import Path

import httpx

from tests.support import ROOT, free_port


def _build_wheel(into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(into), str(ROOT)],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return next(into.glob("codincod-*.whl"))


def _fresh_venv(folder: Path, wheel: Path) -> Path:
    venv.create(folder, with_pip=False)
    python = folder / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    with zipfile.ZipFile(wheel) as archive:  # what pip does for a pure wheel, without pip
        archive.extractall(site)
    # The dependencies come from the test environment; a plain path line adds no .pth of its
    # own, so the editable checkout stays out of sight.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def test_the_wheel_installs_migrates_and_serves(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert any(n.startswith("codincod/_migrations/sqlite/models/0_") for n in names)
    assert any(n.startswith("codincod/_migrations/postgres/models/") for n in names)
    python = _fresh_venv(tmp_path / "venv", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "CODINCOD_DATA_DIR": str(tmp_path / "data"),
        "CODINCOD_PORT": str(port := free_port()),
    }
    where = subprocess.run(
        [python, "-c", "import codincod; print(codincod.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    assert where.stdout.startswith(str(tmp_path / "venv"))
    cli = [python, "-m", "codincod.cli"]
    upgraded = subprocess.run(
        [*cli, "db", "upgrade"], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120
    )
    assert upgraded.returncode == 0, upgraded.stderr + upgraded.stdout
    assert "applied" in upgraded.stdout
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*cli, "serve"], cwd=elsewhere, env=env, start_new_session=True, stdout=log, stderr=log
    )
    try:
        _wait_until_ready(f"http://127.0.0.1:{port}", server, tmp_path / "server.log")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        log.close()


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited:\n" + log.read_text(errors="replace")
        try:
            if httpx.get(f"{url}/api/v1/health/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server from the wheel is not ready:\n" + log.read_text())
