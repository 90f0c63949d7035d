"""Stop 26: the safety scan of an .xlsx sheet (limits.scan_sheet) reads its cell references
all at once (numpy) instead of by regular expressions; anything unusual goes to the regular
expressions. Same extents and the same refusals either way."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cims_xl.importer import ImportRefused, limits


class _NoRegex:
    def findall(self, *_a):
        raise AssertionError("a regular expression read the references")


def _sheet(path, rows: list[list], dimension: str | None = None) -> zipfile.ZipInfo:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        return z.getinfo("xl/worksheets/sheet1.xml")


def _scan_both(monkeypatch, path, info):
    """(extent or refusal text) by the fast path, and by the regular expressions alone."""
    def scan():
        try:
            with zipfile.ZipFile(path) as z:
                return limits.scan_sheet(z, info, path.name)
        except ImportRefused as exc:
            return str(exc)
    fast = scan()
    with monkeypatch.context() as m:
        m.setattr(limits, "_references", lambda chunk: None)
        slow = scan()
    return fast, slow


def test_an_ordinary_sheet_is_scanned_without_regular_expressions(tmp_path, monkeypatch):
    path = tmp_path / "people.xlsx"
    info = _sheet(path, [["Name", "Email", "Phone"]] + [[f"N{i}", f"n{i}@example.com", f"555-{i:04d}"]
                                                        for i in range(3000)])
    monkeypatch.setattr(limits, "_COLUMNS", _NoRegex())
    monkeypatch.setattr(limits, "_CELL_ROWS", _NoRegex())
    monkeypatch.setattr(limits, "_ROW_REF", _NoRegex())
    with zipfile.ZipFile(path) as z:
        extent = limits.scan_sheet(z, info, path.name)
    assert extent.cells == 3001 * 3 and extent.calamine_safe


@pytest.mark.parametrize("shape", ["wide", "far down", "starts at C7", "one cell"])
def test_real_sheets_give_the_extent_the_regular_expressions_gave(tmp_path, monkeypatch, shape):
    path = tmp_path / f"{shape}.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    if shape == "wide":
        for r in range(1, 40):
            for c in range(1, 700, 37):
                ws.cell(r, c, f"v{r}.{c}")
    elif shape == "far down":
        ws.cell(1, 1, "top")
        ws.cell(1_048_576, 3, "bottom")
    elif shape == "starts at C7":
        for r in range(7, 2000):
            ws.cell(r, 3, r)
            ws.cell(r, 5, f"x{r}")
    else:
        ws.cell(5, 2, "alone")
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    fast, slow = _scan_both(monkeypatch, path, info)
    assert fast == slow


_REF = st.one_of(
    st.builds(lambda c, r: f"{c}{r}", st.text("ABCDXYZabcxfd", min_size=1, max_size=4),
              st.integers(0, 12_000_000).map(str)),
    st.integers(0, 2_000_000).map(str),
    st.text("AZaz09$:!- \u00e9", max_size=12),
    st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["XFD", "XFE", "A", "ZZZ", "AAAA"]),
              st.sampled_from(["1", "1048576", "1048577", "0", "0007", "99999999"])),
)


def _xml(refs: list[tuple[str, str]]) -> bytes:
    return "".join(f'<{tag} r="{ref}" s="1"><v>1</v></{tag}>' if tag == "c" else f'<row r="{ref}" spans="1:2">'
                   for tag, ref in refs).encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["c", "row"]), _REF), max_size=40))
def test_generated_references_read_all_at_once_as_the_regular_expressions_read_them(refs):
    chunk = _xml(refs)
    fast = limits._references(chunk)
    try:
        slow = limits._references_by_regex(chunk, "f.xlsx")
    except ImportRefused:
        assert fast is None          # a column beyond the grid: the regular expressions refuse
        return
    assert fast is None or fast == slow


def test_ordinary_references_take_the_fast_path():
    chunk = _xml([("row", "2"), ("c", "A2"), ("c", "xfd2"), ("row", "1048576"), ("c", "B1048576")])
    assert limits._references(chunk) == limits._references_by_regex(chunk, "f.xlsx") == \
        (3, (1, 16384), ((2, 1048576), (2, 1048576)))


@pytest.mark.parametrize("bad", ['<c r="XFE1"/>', '<c r="A1048577"/>', '<row r="0"/>', '<c r="ABCD5"/>',
                                 '<c r="A10000000"/>'])
def test_a_reference_outside_the_grid_is_refused_as_before(tmp_path, monkeypatch, bad):
    path = tmp_path / "bad.xlsx"
    _sheet(path, [["Name"], ["Ann"]])
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</sheetData>", bad.encode() + b"</sheetData>")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    fast, slow = _scan_both(monkeypatch, path, info)
    assert fast == slow
    assert isinstance(fast, str) and "beyond" in fast
