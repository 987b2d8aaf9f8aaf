"""The folder in which every process of one server launch writes its Prometheus figures.

``prometheus_client`` reads ``PROMETHEUS_MULTIPROC_DIR`` once, when it is first imported, so
``codincod serve`` calls ``use_folder`` before anything imports it (this module imports
nothing of it); the workers inherit the variable.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

FOLDER_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def use_folder() -> Path:
    """A fresh folder for this launch (removed by ``forget_folder`` when the server stops)."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its folder was chosen")
    folder = Path(tempfile.mkdtemp(prefix="codincod-metrics-"))
    os.environ[FOLDER_VARIABLE] = str(folder)
    return folder


def forget_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
