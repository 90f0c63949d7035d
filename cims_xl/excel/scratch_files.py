"""Where workbook writes keep their temporary files, so that a killed process leaves
no plain-text copy of customer data behind for longer than the next cims run.

Two kinds of temporary file hold a workbook's values while it is written:

* our own: the whole new workbook, written beside the target and then renamed over
  it (atomic save). It is named `.cims-save-<pid>-*` (`cims_xl.scratch`), so the next
  save into that folder removes any that a killed process left;
* openpyxl's: it writes every worksheet to `tempfile` (`/tmp/openpyxl.*`) before zipping
  it, for the whole life of a write-only workbook (an import's error report). Those
  go into one `.cims-openpyxl-<pid>-*` folder per process in the temp folder, removed
  at exit and swept by the next cims process that writes a workbook after a kill.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Callable

from ..crashpoints import crash_point
from ..scratch import prefix, scratch_file, sweep

_lock = threading.Lock()
_folder: Path | None = None


def route_openpyxl_temp_files() -> Path:
    """Make openpyxl put its worksheet temp files in this process's scratch folder.

    Idempotent; returns the folder. openpyxl has no setting for this, so its module
    function `openpyxl.worksheet._writer.create_temporary_file` (3.1) is replaced by
    one that does the same in our folder.
    """
    global _folder
    from openpyxl.worksheet import _writer

    with _lock:
        if _folder is not None and _folder.is_dir() and getattr(_writer.create_temporary_file, "cims", False):
            return _folder
        sweep(tempfile.gettempdir(), "openpyxl")
        folder = Path(tempfile.mkdtemp(prefix=prefix("openpyxl")))
        atexit.register(shutil.rmtree, folder, True)

        def create_temporary_file(suffix: str = "") -> str:
            fd, name = tempfile.mkstemp(suffix=suffix, prefix="openpyxl.", dir=folder)
            os.close(fd)
            _writer.ALL_TEMP_FILES.append(name)
            return name

        create_temporary_file.cims = True  # type: ignore[attr-defined]
        _writer.create_temporary_file = create_temporary_file
        _folder = folder
        return folder


def save_workbook(wb, target: str | os.PathLike, *, fixup: Callable[[Path], None] | None = None) -> None:
    """Write an openpyxl workbook to `target` atomically, readable by its owner only (0600).

    The new file is written to a `.cims-save-<pid>-*` scratch file beside the target
    (`fixup(tmp)` may edit it there), then renamed over the target: a crash leaves the
    old file whole, and the scratch file is swept by the next save into that folder.
    """
    target = Path(target)
    route_openpyxl_temp_files()
    tmp = scratch_file(target.parent, "save", target.suffix)
    try:
        wb.save(tmp)
        if fixup is not None:
            fixup(tmp)
        os.chmod(tmp, 0o600)
        crash_point("workbook.temp-written")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
