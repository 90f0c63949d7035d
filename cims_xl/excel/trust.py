"""The workbook is a trust boundary: settings and code in it that cims did not write.

Whoever can write a workbook file another person opens can plant what Excel and xlwings
obey when that person opens it and signs in:

- rows in the `xlwings.conf` sheet's active block (xlwings reads A1 down to the first
  empty cell in column A, keys case-insensitive: `GetConfigFromSheet` in xlwings.bas).
  `PYTHONPATH`, `Interpreter_Win`/`_Mac`, `Conda Path`/`Env` or another `UDF Modules`
  make Excel run Python code from wherever they point, with the signed-in password;
- an `xlwings.conf` file next to the workbook (xlwings' directory config, read when the
  sheet has no such key: `GetDirectoryConfigFilePath`);
- VBA: a module cims does not ship, one whose code differs from cims's, or code in a
  sheet's document module (event handlers run on open, on a click, on a recalculation);
  an Excel 4.0 macro sheet (`xl/macrosheets/`) runs too.

`inspect(book)` lists them (`Finding`s, each a sentence naming the place and the value);
`cims sync` refuses a workbook with any before writing anything, and `--restore-settings`
puts back cims's own: the `xlwings.conf` block as `build.XLWINGS_CONF` writes it, the sheet
visible, and the VBA project cims builds for the same sheets (`restore`). The ribbon XML
and custom document properties are not read here: the ribbon only calls the VBA checked
above, and the xlwings VBA reads no document properties.

VBA is compared as source code (oletools' `VBA_Parser`), Attribute lines and trailing
blanks aside (Excel rewrites those when it saves). What runs in Excel can still differ
from the source (the compiled p-code of a project saved by another Excel, "VBA
stomping"), which only Excel's own macro security covers: see the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CimsError

CONF_SHEET = "xlwings.conf"
VBA_PART = "xl/vbaProject.bin"


class UntrustedWorkbook(CimsError):
    """The workbook holds settings or code cims did not write; nothing was written."""
    exit_code = 14


@dataclass(frozen=True)
class Finding:
    text: str                 # names the place and the value
    restorable: bool = True   # `--restore-settings` puts back cims's own


def _conf_sheet(wb):
    """The xlwings.conf sheet (Excel's sheet names are case-insensitive), or None."""
    for ws in wb.worksheets:
        if ws.title.casefold() == CONF_SHEET:
            return ws
    return None


_BOOL_FORMULA = re.compile(r"=?\s*(true|false)\s*(\(\s*\))?", re.I)


def _norm(value: Any) -> str:
    """A setting's value as xlwings reads it (Range.Value): a cell LibreOffice saved as
    the formula =TRUE() reads as TRUE."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = "" if value is None else str(value).strip()
    m = _BOOL_FORMULA.fullmatch(text)
    return m.group(1).casefold() if m else text.casefold()


def _value(ws, row: int, col: int) -> Any:
    """A cell's value without creating the cell (ws.cell would, and the save would write it)."""
    cell = ws._cells.get((row, col))
    return None if cell is None else cell.value


def _active_rows(ws) -> list[tuple[int, Any, Any]]:
    """(row, key, value) of the block xlwings reads: A1 down to the first empty A."""
    rows = []
    r = 1
    while _value(ws, r, 1) not in (None, ""):
        rows.append((r, _value(ws, r, 1), _value(ws, r, 2)))
        r += 1
    return rows


def _conf_findings(wb) -> list[Finding]:
    from .build import XLWINGS_CONF

    ws = _conf_sheet(wb)
    if ws is None:
        return []
    ours = {key.upper(): value for key, (value, _note) in XLWINGS_CONF.items()}
    found = []
    if ws.sheet_state != "visible":
        found.append(Finding(f"the {ws.title} sheet is {ws.sheet_state} (cims leaves it visible)"))
    for row, key, value in _active_rows(ws):
        name = str(key).strip().upper()
        if name not in ours:
            found.append(Finding(f"{ws.title} row {row}: {key} = {_shown(value)} (cims does not write "
                                 f"this setting; xlwings obeys it)"))
        elif _norm(value) != _norm(ours[name]):
            found.append(Finding(f"{ws.title} row {row}: {key} = {_shown(value)} (cims writes "
                                 f"{_shown(ours[name])})"))
    return found


def _shown(value: Any) -> str:
    from ..terminal import shown

    text = "(empty)" if value in (None, "") else str(value)
    return shown(text if len(text) <= 120 else text[:119] + "…")


def _code_lines(code: str) -> list[str]:
    lines = [ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
             if not ln.lstrip().lower().startswith("attribute ")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def vba_modules_of(data: bytes) -> dict[str, str] | None:
    """Module name -> source code of a vbaProject.bin (None when it does not read)."""
    import warnings

    with warnings.catch_warnings():         # oletools' pyparsing use warns on import
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    import logging

    logging.getLogger("olevba").setLevel(logging.ERROR)     # "stomping cannot be detected in memory"
    try:
        parser = VBA_Parser("vbaProject.bin", data=data)
        try:
            return {stream.split("/")[-1]: code for _f, stream, _n, code in parser.extract_macros()}
        finally:
            parser.close()
    except Exception:     # oletools raises its own and OLE errors for a damaged part
        return None


def _vba_findings(parts: dict[str, bytes]) -> list[Finding]:
    from .build import WORKBOOK_CODE_NAME, vba_modules

    found = [Finding(f"an Excel 4.0 macro sheet ({name}): cims writes none", restorable=False)
             for name in sorted(parts) if name.startswith("xl/macrosheets/")]
    if VBA_PART not in parts:
        return found
    modules = vba_modules_of(parts[VBA_PART])
    if modules is None:
        return found + [Finding("the VBA project (xl/vbaProject.bin) cannot be read, so its code cannot be "
                                "compared with what cims ships")]
    shipped = {name: (kind, src) for kind, name, src in vba_modules(0)}
    for name, code in sorted(modules.items()):
        kind, src = shipped.get(name, (None, None))
        if src is not None and name != WORKBOOK_CODE_NAME:
            if _code_lines(code) != _code_lines(src):
                found.append(Finding(f"VBA module {name} differs from the one cims ships"))
        elif name == WORKBOOK_CODE_NAME or _document_name(name):
            if _code_lines(code):
                found.append(Finding(f"VBA code in the document module {name} (cims leaves it empty): "
                                     f"{_shown(_code_lines(code)[0].strip())}"))
        else:
            found.append(Finding(f"VBA module {name} is not one cims ships"))
    return found


def _document_name(name: str) -> bool:
    return name.startswith("Sheet") and name[5:].isdigit()


def _directory_conf(path: Path) -> list[Finding]:
    conf = path.parent / CONF_SHEET
    if conf.exists():
        return [Finding(f"{conf} sits next to the workbook: xlwings reads its settings when the workbook "
                        "is opened in Excel; cims does not write it (remove it, or check what it says)",
                        restorable=False)]
    return []


def inspect(book) -> list[Finding]:
    """What in a `FileWorkbook` cims did not write (see the module's docstring)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(book.original_bytes)) as z:
        names = z.namelist()
        parts = {n: z.read(n) for n in names if n == VBA_PART} | {n: b"" for n in names
                                                                   if n.startswith("xl/macrosheets/")}
    found = _conf_findings(book.wb)
    if book.path.suffix.lower() in (".xlsm", ".xltm"):
        found += _vba_findings(parts)
    return found + _directory_conf(book.path)


_NOTHING = {"save": "Nothing was saved", "refresh": "Nothing was refreshed", "reports": "Nothing was written",
            "check": "Found", "restore": "Nothing was written"}


def refusal(path: Path, found: list[Finding], action: str) -> UntrustedWorkbook:
    lines = "\n".join(f"  - {f.text}" for f in found)
    fixable = all(f.restorable for f in found)
    advice = (f"if you did not put them there, someone who can write this file did: `cims sync {path.name} "
              f"{'refresh' if action in ('check', 'restore') else action} --restore-settings` puts back cims's own settings and VBA"
              if fixable else "remove what cims cannot put back (marked above) and run the sync again; "
              "--restore-settings puts back the rest")
    return UntrustedWorkbook(f"{path.name} holds settings or code cims did not write; in Excel they would run "
                             f"with the password of whoever signs in there. {_NOTHING.get(action, 'Nothing was written')}:\n"
                             f"{lines}\n"
                             + advice)


def restore(book, found: list[Finding]) -> list[str]:
    """Put back cims's own settings and VBA in `book` (written by its next save()).
    Returns what was restored, one sentence each; raises UntrustedWorkbook when a finding
    cannot be put back."""
    from .build import XLWINGS_CONF

    left = [f for f in found if not f.restorable]
    if left:
        raise refusal(book.path, left, "restore")
    done = []
    ws = _conf_sheet(book.wb)
    if ws is not None and any(f.text.startswith(ws.title) or f.text.startswith(f"the {ws.title}") for f in found):
        block = _active_rows(ws)
        for r, (key, (value, note)) in enumerate(XLWINGS_CONF.items(), start=1):
            if (_value(ws, r, 1), _value(ws, r, 2)) != (key, value):
                ws.cell(r, 1).value, ws.cell(r, 2).value = key, value
                ws.cell(r, 3).value = note
        for r in range(len(XLWINGS_CONF) + 1, len(block) + 1):
            for c in (1, 2, 3):
                ws.cell(r, c).value = None
        if ws.sheet_state != "visible":
            book.after_save_edits.append(lambda pkg, title=ws.title: _show_sheet(pkg, title))
        done.append(f"the {ws.title} sheet as cims writes it, visible")
    if any(f.text.startswith("VBA") or "VBA project" in f.text for f in found):
        book.after_save_edits.append(lambda pkg: pkg.write(VBA_PART, _our_vba(book)))
        done.append("the VBA project cims ships")
    return done


def _our_vba(book) -> bytes:
    from .build import vba_modules, vba_project_bin

    modules = vba_modules_of(book.original_bytes_of(VBA_PART)) or {}
    sheets = sum(1 for name in modules if _document_name(name))
    want = {f"Sheet{i}" for i in range(1, sheets + 1)}
    if {name for name in modules if _document_name(name)} != want:
        raise UntrustedWorkbook(f"{book.path.name}: its VBA sheet modules are not Sheet1..Sheet{sheets}, so cims "
                                "cannot put back its VBA project here; build a new workbook (cims workbook build) "
                                "and refresh it")
    return vba_project_bin(vba_modules(sheets))


def _show_sheet(pkg, title: str) -> None:
    from .package import SML_NS

    book = pkg.xml("xl/workbook.xml", edit=True)
    for el in book.iter(f"{{{SML_NS}}}sheet"):
        if el.get("name") == title and "state" in el.attrib:
            del el.attrib["state"]
