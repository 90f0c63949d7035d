"""Hostile files stay bounded: each is refused (or read) in a child process whose peak
memory is measured, within a 1 GB budget and in time proportional to the file.

The files are made here (tests/hostile_files.py): a few KB or MB on disk, claiming a
sheet of 17 billion cells, holding a 1 GB string, or never closing a row. The child
runs `cims import FILE --dry-run` under an address-space limit, so a reader that
tries to allocate the claimed size fails there instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hostile_files as hostile
from cims_xl.importer import limits, readers
from cims_xl.importer.errors import ImportRefused
from conftest import ADMIN_PASSWORD, REPO

BUDGET_MB = 1024
ADDRESS_LIMIT = 3 * 1024 ** 3   # a runaway allocation fails in the child, not the machine
CPU_SECONDS = 120               # a hang is killed; no test relies on being faster than this

_CHILD = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
resource.setrlimit(resource.RLIMIT_CPU, (int(sys.argv[4]), int(sys.argv[4])))
from cims_xl.cli import main
code = main(["import", sys.argv[1], "--kind", "customers", "--dry-run"])
# VmHWM is this program's own peak; ru_maxrss also keeps the parent's RSS from before
# exec (Linux), so a test run that has grown would be measured instead.
hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
peak_mb = int(hwm[0]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
open(sys.argv[2], "w").write(json.dumps({"code": code, "peak_mb": peak_mb}))
"""


def import_in_child(path: Path, store_path: Path, tmp_path: Path) -> dict:
    """Exit code, peak RSS (MB) and stderr of `cims import PATH --dry-run` in a child."""
    result = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "CIMS_STORE": str(store_path), "CIMS_USER": "admin", "CIMS_PASSWORD": ADMIN_PASSWORD}
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(result), str(ADDRESS_LIMIT),
                           str(CPU_SECONDS)], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and result.exists(), \
        f"the child died (exit {proc.returncode}): {proc.stderr[-800:]}"
    out = json.loads(result.read_text())
    out["stderr"] = proc.stderr
    return out


def assert_refused(outcome: dict, *words: str) -> None:
    assert outcome["code"] == 4, outcome
    lines = outcome["stderr"].strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in outcome["stderr"], outcome["stderr"]
    for w in words:
        assert w in lines[0], lines[0]
    assert outcome["peak_mb"] < BUDGET_MB, outcome


# ----- cells far away: calamine would allocate the whole range ----------------------------

@pytest.mark.parametrize("far", ["XFD1048576", "CZ1048576"])
def test_a_tiny_xlsx_with_a_cell_at_the_far_corner_is_read_within_the_memory_budget(
        store_path, tmp_path, far):
    path = hostile.two_cells(tmp_path / f"corner-{far}.xlsx", far)
    assert path.stat().st_size < 4096
    outcome = import_in_child(path, store_path, tmp_path)
    # Read, not crashed: the far row is one more (rejected) row of the dry run.
    assert outcome["code"] == 0, outcome["stderr"]
    assert outcome["peak_mb"] < BUDGET_MB, outcome


def test_the_far_corner_is_read_row_by_row_with_its_values_in_the_right_columns(tmp_path):
    path = hostile.two_cells(tmp_path / "corner.xlsx", "CZ1048576")
    assert not limits.calamine_safe(path)
    with readers.open_sheet(path) as sheet:
        rows = list(sheet.rows())
    assert sheet.streamed
    assert [n for n, _ in rows] == [1, 1048576]
    assert rows[0][1] == ["Name"] and len(rows[1][1]) == 104 and rows[1][1][103] == "x"


@pytest.mark.parametrize("ref", ["ABCDEFG1", "XFE1", "A1048577"])
def test_a_cell_outside_the_sheet_grid_is_refused_in_one_line(store_path, tmp_path, ref):
    path = hostile.two_cells(tmp_path / "outside.xlsx", ref)
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "beyond the last")


def test_a_sheet_whose_dimension_claims_the_whole_grid_is_not_given_to_calamine(tmp_path):
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Zoë</t></is></c></row>'
    path = hostile.xlsx(tmp_path / "dimension.xlsx", hostile.sheet(rows, dimension="A1:XFD1048576"))
    assert not limits.calamine_safe(path)
    with readers.open_sheet(path) as sheet:
        assert [v for _, v in sheet.rows()] == [["Name"], ["Zoë"]]


def test_an_ordinary_workbook_still_goes_to_calamine(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>客户{r}</t></is></c>'
                   f'<c r="B{r}"><v>{r}</v></c></row>' for r in range(2, 200))
    path = hostile.xlsx(tmp_path / "ordinary.xlsx", hostile.sheet(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + rows, dimension="A1:B199"))
    assert limits.calamine_safe(path)
    with readers.open_sheet(path) as sheet:
        assert not sheet.streamed and len(list(sheet.rows())) == 199


# ----- strings and rows without end --------------------------------------------------------

def test_a_one_gigabyte_shared_string_in_a_small_zip_is_refused_within_the_budget(store_path, tmp_path):
    path = hostile.huge_shared_string(tmp_path / "sst-1g.xlsx", 1 << 30)
    assert path.stat().st_size < 8 * 1024 ** 2
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "shared string")


@pytest.mark.parametrize("make, what", [(hostile.endless_shared_string, "shared string"),
                                        (hostile.endless_row, "row 2")])
def test_a_string_or_row_that_never_closes_is_refused_within_the_budget(store_path, tmp_path, make, what):
    path = make(tmp_path / "endless.xlsx", 160 * 1024 ** 2)
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, what)


def test_the_streaming_reader_refuses_a_never_closing_row_after_reading_about_the_limit(tmp_path, monkeypatch):
    """Linear, not quadratic: with a small limit only a little more than the limit is read."""
    monkeypatch.setattr(limits, "MAX_ROW_XML", 2 * 1024 ** 2)
    path = hostile.endless_row(tmp_path / "endless-row.xlsx", 64 * 1024 ** 2)
    read = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, *a, **kw):
        f = real_open(self, name, *a, **kw)
        if str(getattr(name, "filename", name)).endswith("sheet1.xml"):
            orig = f.read
            f.read = lambda n=-1: (lambda b: (read.append(len(b)), b)[1])(orig(n))
        return f

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    with pytest.raises(ImportRefused, match="row 2 is longer than 2 MB"):
        with readers.open_sheet(path) as sheet:
            list(sheet.rows())
    # the merged-cell scan reads the part once; the row reader stops near the limit
    # (reading it to the end again would add another 64 MB)
    assert sum(read) < 64 * 1024 ** 2 + 16 * 1024 ** 2


def test_a_row_with_more_cells_than_a_sheet_has_columns_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(limits.MAX_COLUMNS + 5))
    path = hostile.xlsx(tmp_path / "wide.xlsx", hostile.sheet(f'<row r="1">{cells}</row>'))
    with pytest.raises(ImportRefused, match="16,389 columns"):
        with readers.open_sheet(path) as sheet:
            list(sheet.rows())


# ----- text files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_ten_megabyte_csv_line_of_columns_is_refused_within_the_budget(store_path, tmp_path, delimiter):
    path = tmp_path / "wide.csv"
    line = delimiter.join("c" for _ in range(5 * 1024 ** 2))     # 5 million columns
    path.write_text(f"Name{delimiter}Email\n{line}\n", encoding="utf-8")
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "row 2 has 5,242,880 columns; a sheet has at most 16,384")


def test_a_ten_megabyte_csv_field_is_read_within_the_budget(store_path, tmp_path):
    path = tmp_path / "long-note.csv"
    path.write_text("Name,Notes\nАнна," + "заметка " * (10 * 1024 ** 2 // 16) + "\n", encoding="utf-8")
    outcome = import_in_child(path, store_path, tmp_path)
    assert outcome["code"] in (0, 4) and "Traceback" not in outcome["stderr"], outcome
    assert outcome["peak_mb"] < BUDGET_MB, outcome


def test_merged_cells_over_the_whole_sheet_are_refused_before_filling_them():
    from cims_xl.importer.table import MergeFiller
    with pytest.raises(ImportRefused, match="merged cells cover more than"):
        MergeFiller([((1, 0), (1048575, 16383))], 0)
    assert MergeFiller([((1, 0), (5000, 2))], 0)   # an ordinary merged column still works


# ----- OpenDocument: repeated rows and cells ---------------------------------------------------

def test_an_ods_whose_repeated_cells_expand_to_ninety_million_values_is_refused_within_the_budget(
        store_path, tmp_path):
    path = hostile.ods(tmp_path / "repeated.ods", hostile.ods_row("Nome")
                       + hostile.ods_row("x", repeat_last=9000, rows_repeated=10_000))
    assert path.stat().st_size < 4096
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "10,001 rows × 9,000 columns")


def test_an_ods_as_libreoffice_saves_it_with_a_million_empty_rows_still_reads(tmp_path):
    empty_tail = ('<table:table-row table:number-rows-repeated="1048573">'
                  '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    data = "".join(hostile.ods_row(*vals).replace(
        "</table:table-row>", '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>')
        for vals in (("Nome", "Email"), ("João Silva", "joao@example.pt"), ("Inês Costa", "ines@example.pt")))
    path = hostile.ods(tmp_path / "clientes.ods", data + empty_tail)
    limits.check_ods(path)
    with readers.open_sheet(path) as sheet:
        rows = [[v for v in values if v != ""] for _n, values in sheet.rows()]
    assert [r for r in rows if r] == [["Nome", "Email"], ["João Silva", "joao@example.pt"],
                                      ["Inês Costa", "ines@example.pt"]]


def test_more_shared_strings_than_the_budget_holds_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 50_000)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sst = hostile.repeated(f'<?xml version="1.0"?><sst xmlns="{ns}">'.encode(), b"<si><t>\xe5\x90\x8d</t></si>",
                           2 * 1024 ** 2, b"</sst>")
    path = hostile.xlsx(tmp_path / "strings.xlsx", hostile.sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                        sst)
    with pytest.raises(ImportRefused, match="more than 50,000 different texts"):
        with readers.open_sheet(path) as sheet:
            list(sheet.rows())


# ----- one long text counted many times -----------------------------------------------------------

def test_an_ods_cell_of_one_megabyte_repeated_over_rows_and_columns_is_refused_within_the_budget(
        store_path, tmp_path):
    path = hostile.ods(tmp_path / "rep.ods", hostile.ods_row("Name", "City")
                       + hostile.ods_row("B" * 1_000_000, repeat_last=2, rows_repeated=1000))
    assert path.stat().st_size < 8192
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "more than 250 million characters of text", "number-rows-repeated")


def test_an_ods_greek_text_repeated_over_columns_only_is_refused_within_the_budget(store_path, tmp_path):
    path = hostile.ods(tmp_path / "columns.ods", hostile.ods_row("Όνομα")
                       + hostile.ods_row("Αθήνα " * 4000, repeat_last=16_000))
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "more than 250 million characters of text")


def test_an_ods_space_run_of_three_hundred_million_is_counted_as_text(tmp_path):
    row = hostile.ods_row("Name") + hostile.ods_row(
        'x<text:s text:c="300000000"/>y').replace("&lt;", "<")
    path = hostile.ods(tmp_path / "spaces.ods", row)
    with pytest.raises(ImportRefused, match="more than 250 million characters of text"):
        limits.check_ods(path)


def test_an_xlsx_shared_string_of_one_megabyte_named_by_three_thousand_cells_is_refused_within_the_budget(
        store_path, tmp_path):
    path = hostile.shared_text_repeated(tmp_path / "sst.xlsx", ["A" * 1_000_000], rows=1500)
    assert path.stat().st_size < 64 * 1024
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "shared texts", "more than 250 million characters of text")


def test_an_xlsx_of_many_distinct_hundred_kilobyte_strings_is_refused_within_the_budget(store_path, tmp_path):
    strings = [f"{i:04d} " + "Müller-Lüdenscheidt " * 5000 for i in range(500)]     # 100 KB each
    path = hostile.shared_text_repeated(tmp_path / "distinct.xlsx", strings, rows=1800, columns=3)
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "more than 250 million characters of text")


def test_an_xlsx_of_one_megabyte_inline_strings_is_refused_within_the_budget(store_path, tmp_path):
    path = hostile.inline_text_repeated(tmp_path / "inline.xlsx", "東京都 " * 250_000, rows=300)
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "more than 250 million characters of text")


def test_every_reader_counts_the_text_it_yields_against_the_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_TOTAL", 10_000)
    path = tmp_path / "notes.csv"
    path.write_text("Name;Notes\n" + "".join(f"Kowalski {i};{'zażółć ' * 50}\n" for i in range(40)),
                    encoding="utf-8")
    with pytest.raises(ImportRefused, match="notes.csv: its cells expand to"):
        with readers.open_sheet(path) as sheet:
            list(sheet.rows())


def test_a_workbook_with_a_few_long_notes_still_goes_to_calamine_and_reads(tmp_path):
    notes = ["Notiz " * 6000, "備考" * 16_000]          # over the longest field: rejected per row later
    path = hostile.shared_text_repeated(tmp_path / "notes.xlsx", notes, rows=20)
    assert limits.calamine_safe(path)
    with readers.open_sheet(path) as sheet:
        rows = list(sheet.rows())
    assert not sheet.streamed and len(rows) == 21
    assert {len(v) for v in rows[5][1]} == {len(n.strip()) for n in notes}


def test_shared_string_references_are_counted_with_a_namespace_prefix_and_single_quotes(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_TOTAL", 50_000)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    cells = "".join(f"""<x:row r="{r}"><x:c r="A{r}" t='s'><x:v> 1 </x:v></x:c></x:row>""" for r in range(2, 40))
    sheet = [f"<?xml version='1.0'?><x:worksheet xmlns:x='{ns}'><x:sheetData>"
             f'<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v>'
             f"</x:c></x:row>{cells}</x:sheetData></x:worksheet>".encode()]
    sst = [f"<?xml version='1.0'?><x:sst xmlns:x='{ns}'><x:si><x:t>Nom</x:t></x:si>"
           f"<x:si><x:r><x:t>Éloïse </x:t></x:r><x:r><x:t>{'à la ligne ' * 200}</x:t></x:r></x:si></x:sst>".encode()]
    path = hostile.xlsx(tmp_path / "prefixed.xlsx", sheet, sst)
    with pytest.raises(ImportRefused, match="prefixed.xlsx: its cells refer to long shared texts"):
        limits.calamine_safe(path)
    monkeypatch.setattr(limits, "MAX_TEXT_TOTAL", 200_000)       # 38 × 2,207 characters fit
    assert limits.calamine_safe(path)


def test_a_macro_workbook_gets_the_checks_of_an_xlsx_not_waved_through_as_binary(store_path, tmp_path):
    # An .xlsm holds xl/vbaProject.bin: it had been taken for an .xlsb, which skipped
    # every check, and a cell at XFD1048576 made calamine abort the process.
    import zipfile

    from cims_xl.importer import readers

    far = hostile.two_cells(tmp_path / "far.xlsx", "XFD1048576")
    macro = tmp_path / "far.xlsm"
    with zipfile.ZipFile(far) as src, zipfile.ZipFile(macro, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 508)
    assert readers.sniff_format(macro) == "xlsx"
    src = readers.open_sheet(macro)          # the streaming reader, as for the .xlsx
    try:
        assert src.streamed
    finally:
        src.close()
    outcome = import_in_child(macro, store_path, tmp_path)
    assert outcome["code"] == 0, outcome["stderr"]
    assert outcome["peak_mb"] < BUDGET_MB, outcome


# ----- .xlsb: the binary workbook, walked before calamine opens it --------------------------

@pytest.mark.parametrize("dim", [(0, 1, 0, 1), (0, 1048575, 0, 16383)], ids=["small claim", "whole grid claim"])
def test_a_tiny_xlsb_with_a_cell_at_the_far_corner_is_refused_within_the_memory_budget(store_path, tmp_path, dim):
    part = hostile.xlsb_sheet([(0, [(0, "Name")]), (1048575, [(16383, "far")])], dim)
    path = hostile.xlsb(tmp_path / "corner.xlsb", [("Kunden", part)])
    assert path.stat().st_size < 4096
    outcome = import_in_child(path, store_path, tmp_path)
    assert outcome["code"] != 0 and "more than can be read safely" in outcome["stderr"], outcome
    assert "Traceback" not in outcome["stderr"] and outcome["peak_mb"] < BUDGET_MB, outcome


def test_an_xlsb_whose_cells_repeat_one_long_shared_text_is_refused_before_calamine_copies_it(tmp_path):
    from cims_xl.importer import readers

    rows = [(0, [(0, "Name"), (1, "Notes")])] + [(r, [(0, f"P{r}"), (1, ("sst", 0))]) for r in range(1, 3001)]
    path = hostile.xlsb(tmp_path / "repeat.xlsb", [("Kunden", hostile.xlsb_sheet(rows, (0, 3000, 0, 1)))],
                        strings=["x" * 100_000])
    with pytest.raises(ImportRefused, match="250 million characters"):
        readers.open_sheet(path)


def test_a_damaged_xlsb_record_is_refused_in_one_line(tmp_path):
    from cims_xl.importer import readers

    part = hostile.xlsb_sheet([(0, [(0, "Name")])], (0, 0, 0, 0))
    path = hostile.xlsb(tmp_path / "cut.xlsb", [("Kunden", part[:-3] + b"\x06\xff\x7f")])   # a size past the end
    with pytest.raises(ImportRefused, match="damaged"):
        readers.open_sheet(path)


def test_an_ordinary_xlsb_imports_with_its_values(admin, tmp_path):
    from cims_xl.importer import import_file
    from cims_xl.services import records

    rows = [(0, [(0, "Name"), (1, "Email"), (2, "City")]),
            (1, [(0, "Ada Stone"), (1, "ada@example.com"), (2, ("sst", 0))]),
            (2, [(0, "王小明"), (1, "wxm@example.cn"), (2, ("sst", 1))])]
    path = hostile.xlsb(tmp_path / "people.xlsb", [("Kunden", hostile.xlsb_sheet(rows, (0, 2, 0, 2)))],
                        strings=["Berlin", "上海"])
    assert import_file(admin, path).created == 2
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert (got["王小明"]["city"], got["Ada Stone"]["email"]) == ("上海", "ada@example.com")


# ----- web pages saved as .xls and JSON: the same cell budget as a workbook --------------

def test_a_web_page_saved_as_xls_whose_column_spans_expand_to_millions_of_cells_is_refused(store_path, tmp_path):
    row = "<tr>" + '<td colspan="1000">x</td>' * 100 + "</tr>"
    path = tmp_path / "spans.xls"
    path.write_text("<html><body><table>" + row * 1500 + "</table></body></html>", encoding="utf-8")
    assert_refused(import_in_child(path, store_path, tmp_path), "spans.xls", "columns")


def test_a_web_page_of_many_narrow_rows_past_the_cell_budget_is_refused(store_path, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "CALAMINE_MAX_CELLS", 5_000)
    path = tmp_path / "tall.xls"
    path.write_text("<table>" + "<tr><td>Name</td><td>Email</td></tr>" * 3_000 + "</table>", encoding="utf-8")
    with pytest.raises(ImportRefused, match="more than 5,000 cells"):
        readers.open_sheet(path)


@pytest.mark.parametrize("keys", [5_000, 20_000])
@pytest.mark.parametrize("lines", [False, True])
def test_json_records_each_with_its_own_key_are_refused_before_the_rows_times_columns_scan(
        store_path, tmp_path, keys, lines):
    records = [{"Name": "A", f"k{i}": 1} for i in range(keys)]
    path = tmp_path / ("wide.jsonl" if lines else "wide.json")
    path.write_text("\n".join(json.dumps(r) for r in records) if lines else json.dumps(records), encoding="utf-8")
    assert_refused(import_in_child(path, store_path, tmp_path), path.name)


def test_an_ordinary_json_export_still_imports(admin, tmp_path):
    from cims_xl.importer import import_file
    path = tmp_path / "ok.json"
    path.write_text(json.dumps([{"Name": f"N{i}", "City": "Paris"} for i in range(50)]), encoding="utf-8")
    assert import_file(admin, path).created == 50
