"""Legacy .xls files (BIFF8 records in an OLE2 compound file) stay bounded like .xlsx:
a tiny file whose cells lie far apart, whose DIMENSIONS claims billions of rows, or
whose shared string is named by thousands of cells is refused in one line before
calamine allocates anything, within the memory budget measured in a child process;
a damaged stream is refused as damaged; an ordinary .xls still imports.

The files are made here (tests/hostile_files.py writes the BIFF records and the
compound file), never copied from elsewhere.
"""

from __future__ import annotations

import csv
import shutil
import struct
import subprocess

import pytest

import hostile_files as hostile
from cims_xl.importer import import_file, readers
from cims_xl.importer.errors import ImportRefused
from cims_xl.importer.xls_limits import check_xls
from cims_xl.services import records
from test_import_hostile import assert_refused, import_in_child

HEADER = ["Name", "Email", "City"]


def customers(session) -> dict[str, dict]:
    return {c["name"]: c for c in records.list_records(session, "customer")}


def far_cell(kind: str, row: int, col: int) -> bytes:
    """One cell record of the given kind at (row, col), 0-based."""
    if kind == "NUMBER":
        return hostile.number(row, col, 7.0)
    if kind == "LABEL":
        return hostile.label(row, col, "ß")
    if kind == "RK":
        return hostile.biff(0x027E, struct.pack("<HHHI", row, col, 0, (7 << 2) | 2))
    if kind == "MULRK":
        return hostile.biff(0x00BD, struct.pack("<HHHIHIH", row, col, 0, (1 << 2) | 2, 0, (2 << 2) | 2, col + 1))
    if kind == "FORMULA":       # =1+1 with its cached number 2
        formula = b"\x1e\x01\x00\x1e\x01\x00\x03"             # PtgInt 1, PtgInt 1, PtgAdd
        return hostile.biff(0x0006, struct.pack("<HHHdHIH", row, col, 0, 2.0, 0, 0, len(formula)) + formula)
    raise AssertionError(kind)


def header_cells() -> bytes:
    return b"".join(hostile.label_sst(0, c, c) for c in range(len(HEADER)))


# ----- cells far apart: calamine would allocate the whole range ---------------------------------

@pytest.mark.parametrize("kind", ["NUMBER", "LABEL", "RK", "MULRK", "FORMULA"])
def test_a_tiny_xls_with_a_cell_at_row_and_column_65536_is_refused_within_the_memory_budget(
        store_path, tmp_path, kind):
    path = hostile.xls(tmp_path / f"corner-{kind}.xls",
                       [("Kunden", header_cells() + far_cell(kind, 65535, 65534))], HEADER)
    assert path.stat().st_size < 8192
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "sheet 'Kunden'", "65,536 rows", "columns", ".xlsx or .csv")


def test_a_far_row_in_an_ordinary_width_is_refused_before_calamine_and_nothing_is_stored(admin, tmp_path):
    cells = header_cells() + hostile.label(1, 0, "Agnieszka Nowak") + far_cell("NUMBER", 65535, 200)
    path = hostile.xls(tmp_path / "klienci.xls", [("Klienci", cells)], HEADER)
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path)
    message = refused.value.message
    assert len(message.splitlines()) == 1
    assert "klienci.xls" in message and "65,536 rows × 201 columns" in message and "row 1 to 65,536" in message
    assert customers(admin) == {}


def test_sheets_that_are_each_within_the_budget_but_not_together_are_refused(tmp_path):
    # calamine holds every sheet of an .xls at once: 3 × 3.3 million cells
    sheets = [(f"Blatt{i}", header_cells() + far_cell("NUMBER", 65535, 50)) for i in range(3)]
    path = hostile.xls(tmp_path / "drei.xls", sheets, HEADER)
    with pytest.raises(ImportRefused, match=r"its sheets together span 10,027,008 cells \(up to sheet 'Blatt2'\)"):
        check_xls(path)


def test_a_dimensions_record_claiming_four_billion_rows_is_refused_within_the_memory_budget(store_path, tmp_path):
    cells = hostile.dimensions(0, 0xFFFFFFFF, 0, 3) + header_cells()
    path = hostile.xls(tmp_path / "dimensions.xls", [("Clients", cells)], HEADER)
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "4,294,967,295 rows × 3 columns", "DIMENSIONS")


def test_a_dimensions_record_that_ends_before_it_starts_is_refused_as_damaged(tmp_path):
    path = hostile.xls(tmp_path / "upside-down.xls", [("Clients", hostile.dimensions(500, 10, 0, 3) + header_cells())],
                       HEADER)
    with pytest.raises(ImportRefused, match="upside-down.xls: sheet 'Clients' claims a range that ends before it "
                                            "starts; the file is damaged"):
        readers.open_sheet(path)


def test_formatted_blank_cells_far_away_cost_nothing_and_the_sheet_still_reads(store_path, tmp_path):
    """BLANK and MULBLANK (formatted empty cells) are not counted: calamine keeps no
    cell for them, as the child's peak memory shows."""
    blank = hostile.biff(0x0201, struct.pack("<HHH", 65535, 255, 0))
    mulblank = hostile.biff(0x00BE, struct.pack("<HH", 40000, 0) + b"\0\0" * 256 + struct.pack("<H", 255))
    cells = header_cells() + hostile.label(1, 0, "Søren Kierkegaard") + blank + mulblank
    path = hostile.xls(tmp_path / "kunder.xls", [("Kunder", cells)], HEADER)
    check_xls(path)
    outcome = import_in_child(path, store_path, tmp_path)
    assert outcome["code"] == 0, outcome["stderr"]
    assert outcome["peak_mb"] < 300, outcome
    with readers.open_sheet(path) as sheet:
        assert [v for _n, v in sheet.rows()] == [HEADER, ["Søren Kierkegaard", "", ""]]


def test_an_excel_95_workbook_with_a_far_cell_is_refused_naming_its_sheet(tmp_path):
    """Excel 5/95 (BIFF5): a "Book" stream, 16-bit DIMENSIONS, 8-bit texts without flags."""
    def text(row: int, col: int, value: str) -> bytes:
        raw = value.encode("cp1252")
        return hostile.biff(0x0204, struct.pack("<HHHH", row, col, 0, len(raw)) + raw)

    bof = lambda kind: hostile.biff(0x0809, struct.pack("<HHHH", 0x0500, kind, 0x0DBB, 0x07CC))  # noqa: E731
    name = "Kundenüberblick".encode("cp1252")
    head = bof(0x0005) + hostile.biff(0x0042, struct.pack("<H", 1252))
    globals_size = len(head) + 4 + 7 + len(name) + 4
    sheet = hostile.biff(0x0085, struct.pack("<IBBB", globals_size, 0, 0, len(name)) + name)
    body = (bof(0x0010) + hostile.biff(0x0200, struct.pack("<HHHHH", 0, 2, 0, 1, 0)) + text(0, 0, "Name")
            + text(1, 0, "Jürgen Groß"))
    ordinary = head + sheet + hostile.biff(0x000A) + body + hostile.biff(0x000A)
    assert len(head + sheet + hostile.biff(0x000A)) == globals_size
    path = hostile.compound_file(tmp_path / "kunden95.xls", {"Book": ordinary.ljust(4096, b"\0")})
    with readers.open_sheet(path) as read:
        assert [v for _n, v in read.rows()] == [["Name"], ["Jürgen Groß"]]
    far = head + sheet + hostile.biff(0x000A) + body + text(60000, 250, "x") + hostile.biff(0x000A)
    path = hostile.compound_file(tmp_path / "kunden95-far.xls", {"Book": far.ljust(4096, b"\0")})
    with pytest.raises(ImportRefused, match="kunden95-far.xls: sheet 'Kundenüberblick' spreads its cells over "
                                            "60,001 rows × 251 columns"):
        readers.open_sheet(path)


# ----- one long shared string named by many cells -------------------------------------------------

def test_a_shared_string_named_by_thousands_of_cells_is_refused_within_the_memory_budget(store_path, tmp_path):
    long_text = "Θεσσαλονίκη " * 5400                  # 64,800 characters, the most a cell holds is 65,535
    cells = header_cells() + b"".join(hostile.label_sst(r, 1, 3) for r in range(1, 4000))
    path = hostile.xls(tmp_path / "sst.xls", [("Πελάτες", cells)], HEADER + [long_text])
    assert path.stat().st_size < 256 * 1024
    outcome = import_in_child(path, store_path, tmp_path)
    assert_refused(outcome, path.name, "more than 250 million characters of text")


def test_long_shared_texts_are_counted_over_every_sheet_together(tmp_path, monkeypatch):
    from cims_xl.importer import limits
    monkeypatch.setattr(limits, "MAX_TEXT_TOTAL", 100_000)
    text = "東京都千代田区" * 1000                  # 7,000 characters
    sheet = header_cells() + b"".join(hostile.label_sst(r, 2, 3) for r in range(1, 8))     # 49,000 each
    path = hostile.xls(tmp_path / "zwei.xls", [("A", sheet), ("B", sheet)], HEADER + [text])
    check_xls(path)                                    # 98,000 + the header: within
    path = hostile.xls(tmp_path / "drei.xls", [("A", sheet), ("B", sheet), ("C", sheet)], HEADER + [text])
    with pytest.raises(ImportRefused, match="drei.xls: its cells refer to long shared texts"):
        check_xls(path)


# ----- damaged containers and streams ------------------------------------------------------------

def _ordinary_stream(globals_extra: bytes = b"") -> bytes:
    """A valid stream of more than 4,096 bytes without padding (a WRITEACCESS record of
    4 KB in the globals), so that what follows its last record is the stream's end."""
    cells = header_cells() + hostile.label_sst(1, 0, 3) + hostile.label_sst(1, 1, 4)
    filler = hostile.biff(0x005C, b" " * 4200)
    return hostile.workbook_stream([("Clientes", cells)], HEADER + ["João Silva", "joao@example.pt"],
                                   globals_extra=filler + globals_extra)


def _record_offsets(stream: bytes, typ: int) -> list[int]:
    found, pos = [], 0
    while pos + 4 <= len(stream):
        t, n = struct.unpack_from("<HH", stream, pos)
        if t == typ:
            found.append(pos)
        pos += 4 + n
    return found


def _cut_inside_a_record(stream: bytes) -> bytes:
    at = _record_offsets(stream, 0x00FD)[-1]
    return stream[:at + 7]


def _length_past_the_end(stream: bytes) -> bytes:
    at = _record_offsets(stream, 0x00FD)[-1]
    return stream[:at + 2] + struct.pack("<H", 0xFFF0) + stream[at + 4:]


def _sheet_past_the_end(stream: bytes) -> bytes:
    at = _record_offsets(stream, 0x0085)[0]
    return stream[:at + 4] + struct.pack("<I", 50_000_000) + stream[at + 8:]


def _sst_claiming_a_billion_strings(stream: bytes) -> bytes:
    at = _record_offsets(stream, 0x00FC)[0]
    return stream[:at + 8] + struct.pack("<I", 1 << 30) + stream[at + 12:]


def _merged_ranges_the_record_does_not_hold(stream: bytes) -> bytes:
    at = _record_offsets(stream, 0x000A)[-1]          # before the sheet's EOF
    return stream[:at] + hostile.biff(0x00E5, struct.pack("<H", 9000) + b"\0" * 16) + stream[at:]


@pytest.mark.parametrize("damage, what", [
    (_cut_inside_a_record, "claims 10 bytes past the end of its workbook stream"),
    (_length_past_the_end, "claims 65,520 bytes past the end of its workbook stream"),
    (_sheet_past_the_end, "a sheet starts at byte 50,000,000, past the end"),
    (_sst_claiming_a_billion_strings, "shared-string table claims 1,073,741,824 texts"),
    (_merged_ranges_the_record_does_not_hold, "more merged ranges than its record holds"),
])
def test_a_damaged_workbook_stream_is_refused_in_one_line_and_nothing_is_stored(admin, tmp_path, damage, what):
    path = hostile.compound_file(tmp_path / "beschädigt.xls", {"Workbook": damage(_ordinary_stream())})
    with pytest.raises(ImportRefused, match=what) as refused:
        import_file(admin, path)
    message = refused.value.message
    assert len(message.splitlines()) == 1 and "beschädigt.xls" in message and "damaged" in message
    assert customers(admin) == {}


@pytest.mark.parametrize("record", [
    hostile.biff(0x0018, b"\0\0\0\x05"),                                  # NAME (2.4.150) of 4 bytes
    hostile.biff(0x0018, b"\0\0\0\x01\x40\0" + b"\0" * 9),                 # NAME whose formula is missing
    hostile.biff(0x0042, b""),                                              # CODEPAGE without its code page
])
def test_a_record_shorter_than_its_fields_is_refused_as_damaged_instead_of_a_rust_panic(admin, tmp_path, record):
    path = hostile.compound_file(tmp_path / "namen.xls", {"Workbook": _ordinary_stream(globals_extra=record)})
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path)
    message = refused.value.message
    assert len(message.splitlines()) == 1
    assert message.startswith("namen.xls: its record 0x00") and "is shorter than what it holds" in message
    assert "the file is damaged" in message
    assert customers(admin) == {}


def test_a_panic_inside_calamine_becomes_the_damaged_file_refusal(admin, tmp_path, monkeypatch):
    """The safety net for records the walker does not inspect: pyo3's PanicException
    (a BaseException) is turned into the one-line refusal."""
    from cims_xl.importer import xls_limits
    monkeypatch.setattr(xls_limits, "check_xls", lambda path: None)
    short_name = hostile.biff(0x0018, b"\0\0\0\x05")
    path = hostile.compound_file(tmp_path / "namen.xls", {"Workbook": _ordinary_stream(globals_extra=short_name)})
    with pytest.raises(ImportRefused) as refused:
        import_file(admin, path)
    message = refused.value.message
    assert len(message.splitlines()) == 1
    assert message.startswith("namen.xls: its records cannot be read (") and "the file is damaged" in message
    assert customers(admin) == {}


def test_many_sheet_entries_pointing_into_one_run_of_records_are_refused_after_one_walk(tmp_path, monkeypatch):
    """Linear, not quadratic: 3,000 entries into one sheet of 40,000 records would be
    120 million records walked; the walk stops once the stream's length is passed."""
    from cims_xl.importer import xls_limits

    body = header_cells() + hostile.number(1, 0, 1.0) * 40_000
    stream = bytearray(hostile.workbook_stream([("Данные", body)] + [(f"Лист{i}", b"") for i in range(2999)],
                                               HEADER))
    entries = _record_offsets(bytes(stream), 0x0085)
    first = stream[entries[0] + 4:entries[0] + 8]
    for at in entries:                                  # every entry: the first sheet's records
        stream[at + 4:at + 8] = first
    path = hostile.compound_file(tmp_path / "кольцо.xls", {"Workbook": bytes(stream)})
    walked = []
    real = xls_limits._records

    def counting(data, start, name):
        for record in real(data, start, name):
            walked.append(1)
            yield record

    monkeypatch.setattr(xls_limits, "_records", counting)
    with pytest.raises(ImportRefused, match="кольцо.xls: its sheets overlap in the workbook stream"):
        check_xls(path)
    assert len(walked) < 2 * 40_000 + 3000 + 100


def test_a_workbook_stream_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from cims_xl.importer import xls_limits

    monkeypatch.setattr(xls_limits, "MAX_STREAM", 4096)
    path = hostile.compound_file(tmp_path / "gross.xls", {"Workbook": _ordinary_stream()})
    with pytest.raises(ImportRefused, match="gross.xls: its workbook stream is 0 MB, more than can be read safely; "
                                            "nothing was imported. Open it in Excel or LibreOffice and save it as"):
        check_xls(path)


def test_a_container_claiming_a_stream_larger_than_the_file_is_refused_as_damaged(tmp_path):
    path = hostile.compound_file(tmp_path / "container.xls", {"Workbook": _ordinary_stream()})
    data = bytearray(path.read_bytes())
    entry = data.index("Workbook".encode("utf-16-le"))
    data[entry + 120:entry + 128] = struct.pack("<Q", 3 << 30)      # the stream's size field
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="container.xls: .*(3,221,225,472 bytes|cannot be read).*damaged"):
        check_xls(path)


def test_a_workbook_entry_outside_the_directory_tree_is_refused_as_damaged(tmp_path):
    """calamine takes the first entry named "Workbook" whether or not the tree links
    it; olefile only the linked one: an unlinked first entry must not slip past."""
    path = hostile.compound_file(tmp_path / "versteckt.xls", {"Filler": b"\0" * 4096,
                                                              "Workbook": _ordinary_stream()})
    data = bytearray(path.read_bytes())
    root = data.index("Root Entry".encode("utf-16-le"))
    data[root + 76:root + 80] = struct.pack("<I", 2)          # the root's child: the real Workbook only
    filler = data.index("Filler".encode("utf-16-le"))
    data[filler:filler + 18] = "Workbook\0".encode("utf-16-le")   # entry 1, unlinked, named Workbook
    data[filler + 64:filler + 66] = struct.pack("<H", 18)
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="versteckt.xls: its Workbook stream is not in the container's "
                                            "directory tree"):
        check_xls(path)
    data[filler + 120:filler + 124] = struct.pack("<I", 3 << 30)   # and claims 3 GB
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="versteckt.xls: its container claims a stream 'Workbook' of "
                                            "3,221,225,472 bytes, more than the file's"):
        check_xls(path)


def test_a_file_with_only_the_compound_file_signature_is_refused_as_damaged(tmp_path):
    path = tmp_path / "alt.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(ImportRefused, match="alt.xls: its compound-file container cannot be read"):
        readers.open_sheet(path)


# ----- passwords ---------------------------------------------------------------------------------

def test_an_xls_with_a_password_says_so(tmp_path):
    # FILEPASS (2.4.117) with RC4 encryption: everything after it is unreadable
    filepass = hostile.biff(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x11" * 48)
    path = hostile.compound_file(tmp_path / "geheim.xls", {"Workbook": _ordinary_stream(globals_extra=filepass)})
    with pytest.raises(ImportRefused, match="geheim.xls is protected with a password; open it in Excel, remove"):
        readers.open_sheet(path)


def test_an_encrypted_xlsx_in_a_compound_file_says_it_has_a_password(tmp_path):
    path = hostile.compound_file(tmp_path / "kunden.xlsx", {"EncryptionInfo": b"\x04\0\x04\0" + b"\0" * 4092,
                                                          "EncryptedPackage": b"\x07" * 8192})
    with pytest.raises(ImportRefused, match="kunden.xlsx is protected with a password"):
        readers.open_sheet(path)


# ----- ordinary files still import ---------------------------------------------------------------

def test_an_ordinary_xls_with_chinese_and_accented_customers_imports_with_its_values(admin, tmp_path):
    people = [("王小明", "wang.xm@example.cn", "上海"), ("Zoë Müller", "zoe@example.de", "Köln"),
              ("Łukasz Żółć", "lukasz@example.pl", "Wrocław"), ("佐藤 花子", "hanako@example.jp", "大阪")]
    strings = HEADER + [v for p in people for v in p]
    cells = hostile.dimensions(0, len(people) + 1, 0, 3) + header_cells() + b"".join(
        hostile.label_sst(r, c, 3 + (r - 1) * 3 + c) for r in range(1, len(people) + 1) for c in range(3))
    sheets = [("客户", cells), ("说明", hostile.label(0, 0, "导入说明"))]
    path = hostile.xls(tmp_path / "客户.xls", sheets, strings)
    check_xls(path)
    result = import_file(admin, path)
    assert result.sheet == "客户" and result.created == len(people) and result.rejected == 0
    stored = customers(admin)
    for name, email, city in people:
        assert stored[name]["email"] == email and stored[name]["city"] == city


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_an_xls_saved_by_libreoffice_has_its_text_counted_exactly_and_imports(admin, tmp_path, monkeypatch):
    """A real writer's .xls (SST over dozens of CONTINUE records, texts switching
    between 8- and 16-bit characters): the text `check_xls` counts equals the text
    xlrd reads from every cell, to the character."""
    import xlrd

    from cims_xl.importer import limits

    src = tmp_path / "kunden.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Email", "City", "Notes"])
        for i in range(600):
            w.writerow([f"王小明 {i}" if i % 3 else f"Zoë Brontë {i}", f"kunde{i}@example.cn",
                        "上海" if i % 2 else "Köln", ("备注 note " * (i % 40)) + str(i)])
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--infilter=CSV:44,34,76", "--convert-to", "xls", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, text=True, timeout=300)
    path = tmp_path / "kunden.xls"
    assert done.returncode == 0 and path.exists(), done.stderr
    book = xlrd.open_workbook(str(path))
    total = sum(len(v) for s in book.sheets() for r in range(s.nrows) for v in s.row_values(r) if isinstance(v, str))
    monkeypatch.setattr(limits, "MAX_TEXT_TOTAL", total)
    check_xls(path)
    monkeypatch.setattr(limits, "MAX_TEXT_TOTAL", total - 1)
    with pytest.raises(ImportRefused, match="kunden.xls: its cells refer to long shared texts that expand"):
        check_xls(path)
    monkeypatch.undo()
    result = import_file(admin, path)
    assert result.created == 600
    assert customers(admin)["王小明 1"]["city"] == "上海" and customers(admin)["Zoë Brontë 0"]["city"] == "Köln"
