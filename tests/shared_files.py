"""Where the workplace's shared files are: ../shared beside the repository (real-world
spreadsheets under data/realworld, the ECMA-376 schemas under ooxml-schemas).

A clone somewhere else (a CI checkout in /tmp) finds them through CIMS_SHARED_DIR, or in
the nearest ancestor directory that has a "shared" directory with those files."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    if given := os.environ.get("CIMS_SHARED_DIR"):
        return Path(given)
    for folder in REPO.parents:
        candidate = folder / "shared"
        if (candidate / "data").is_dir() or (candidate / "ooxml-schemas").is_dir():
            return candidate
    for candidate in (Path("/work/shared"),):       # this workplace's machines
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared"


SHARED = _shared()
REALWORLD = SHARED / "data" / "realworld"
SHARED_DATA = SHARED / "data"
SCHEMAS = SHARED / "ooxml-schemas"
