"""Reading files: encodings, delimiters, decimal commas, headers, dates, mapping, profiles,
and the streaming reader for very large sheets."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cims_xl.domain.schema import CUSTOMER
from cims_xl.importer import AmbiguousDates, ImportRefused, import_file
from cims_xl.importer import mapping as mp
from cims_xl.importer import readers, xlsx_stream
from cims_xl.services import records

from conftest import realworld

ROWS = [["客户名称", "手机号码", "邮箱", "邮编", "城市"],
        ["张伟", "13800138000", "zw@example.com", "010020", "北京"],
        ["李娜", "13900139000", "ln@example.com", "200001", "上海"]]


def csv_bytes(rows, delimiter=",") -> str:
    return "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5"])
def test_chinese_csv_in_any_common_encoding_reads_the_same(admin, tmp_path, encoding):
    rows = ROWS if encoding != "big5" else [
        ["客戶名稱", "手機號碼", "郵箱", "郵編", "城市"],
        ["張偉", "13800138000", "zw@example.com", "010020", "臺北"],
        ["李娜", "13900139000", "ln@example.com", "200001", "香港"]]
    path = tmp_path / f"c-{encoding}.csv"
    path.write_bytes(csv_bytes(rows).encode(encoding))
    result = import_file(admin, path)
    assert result.created == 2
    names = {c["name"]: c for c in records.list_records(admin, "customer")}
    first = names[rows[1][0]]
    assert first["postal_code"] == "010020"
    assert first["mobile"] == "+8613800138000"
    assert first["city"] == rows[1][4]


def test_cp1252_semicolon_file_with_decimal_commas_reads_amounts_exactly(admin, tmp_path):
    path = tmp_path / "eu.csv"
    text = csv_bytes([["Order ID", "Order Date", "Customer Name", "Product", "Sales", "Quantity"],
                      ["A-1", "2024-01-05", "Ren\u00e9e M\u00fcller", "Caf\u00e9 \u201cNoir\u201d", "1,234", "1"],
                      ["A-2", "2024-01-06", "Ren\u00e9e M\u00fcller", "Th\u00e9", "12,50", "2"],
                      ["A-3", "2024-01-06", "Ren\u00e9e M\u00fcller", "Tasse", "1.234,56", "3"]], ";")
    path.write_bytes(text.encode("cp1252"))
    result = import_file(admin, path, kind="orders")
    assert (result.encoding, result.delimiter, result.created) == ("cp1252", ";", 3)
    amounts = sorted(o["amount"] for o in records.list_records(admin, "order"))
    assert amounts == [Decimal("1.234"), Decimal("12.5"), Decimal("1234.56")]
    assert records.list_records(admin, "customer")[0]["name"] == "Renée Müller"


def test_tab_separated_text_with_a_csv_name_is_read(admin, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(csv_bytes(ROWS, "\t"), encoding="utf-8")
    assert import_file(admin, path).created == 2


def test_an_ambiguous_date_column_stops_before_writing_and_shows_examples(admin, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(csv_bytes([["Name", "Consent Date"], ["A", "03/04/2024"], ["B", "05/06/2024"]]))
    with pytest.raises(AmbiguousDates) as exc:
        import_file(admin, path)
    assert "'Consent Date'" in exc.value.message and "03/04/2024" in exc.value.message
    assert "--date-order" in exc.value.message
    assert records.list_records(admin, "customer") == []
    import_file(admin, path, date_order="DMY")
    a = next(c for c in records.list_records(admin, "customer") if c["name"] == "A")
    assert a["marketing_consent_at"] == dt.date(2024, 4, 3)


def test_one_day_first_value_decides_the_whole_column(admin, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(csv_bytes([["Name", "Consent Date"], ["A", "03/04/2024"], ["B", "25/06/2024"]]))
    result = import_file(admin, path)
    assert result.date_orders == {"Consent Date": "DMY"}
    a = next(c for c in records.list_records(admin, "customer") if c["name"] == "A")
    assert a["marketing_consent_at"] == dt.date(2024, 4, 3)


def test_a_header_below_title_and_instruction_rows_is_found(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["客户导入模板"])
    ws.merge_cells("A1:E1")
    ws.append(["说明：带 * 的为必填项。手机号请填写 11 位。"])
    ws.append([])
    for r in ROWS:
        ws.append(r)
    ws.append([])
    ws.append([])
    ws["D4"].value = "010020"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    result = import_file(admin, path)
    assert (result.header_row, result.rows, result.created) == (4, 2, 2)


def test_phone_numbers_stored_as_numbers_and_codes_stored_as_text_keep_their_digits(admin, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Mobile", "Postal Code"])
    ws.append(["A", 13800138000, "01067"])
    ws.append(["B", 13800138001.0, 94523])
    path = tmp_path / "n.xlsx"
    wb.save(path)
    import_file(admin, path)
    got = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert got["A"]["mobile"] == "+8613800138000" and got["A"]["postal_code"] == "01067"
    assert got["B"]["mobile"] == "+8613800138001" and got["B"]["postal_code"] == "94523"


def test_outlook_google_and_odoo_headers_map_automatically():
    m = mp.build_mapping(CUSTOMER, ["E-mail 1 - Value", "Given Name", "Family Name", "Mobile Phone",
                                    "Business Phone", "Address 1 - Postal Code", "is_company",
                                    "company_name", "省/自治区", "详细地址", "Website"])
    assert m.mapped == {"E-mail 1 - Value": "email", "Given Name": "first_name",
                        "Family Name": "last_name", "Mobile Phone": "mobile",
                        "Business Phone": "phone", "Address 1 - Postal Code": "postal_code",
                        "is_company": "is_company", "company_name": "company",
                        "省/自治区": "province", "详细地址": "address"}
    assert m.unmapped == ["Website"]


def test_unmapped_columns_are_kept_in_notes(admin, tmp_path):
    path = tmp_path / "n.csv"
    path.write_text(csv_bytes([["Name", "Website", "Birthday"], ["A", "http://a.example", "1990-01-01"]]))
    result = import_file(admin, path)
    assert result.unmapped == ["Website", "Birthday"]
    notes = records.list_records(admin, "customer")[0]["notes"]
    assert "Website: http://a.example" in notes and "Birthday: 1990-01-01" in notes


def test_map_overrides_win_and_a_named_profile_is_saved_by_the_import_not_the_dry_run_and_reused(
        admin, tmp_path, monkeypatch):
    monkeypatch.setenv("CIMS_CONFIG_DIR", str(tmp_path / "config"))
    path = tmp_path / "p.csv"
    path.write_text(csv_bytes([["Kürzel", "Tel", "Website"], ["A", "13800138000", "x"]]))
    with pytest.raises(ImportRefused, match="Name"):
        import_file(admin, path, dry_run=True)
    profile_file = tmp_path / "config" / "import-profiles" / "shop.json"
    first = import_file(admin, path, mapping=["Kürzel=Name", "Tel=Mobile", "Website=-"],
                        profile="shop", dry_run=True)
    assert first.created == 1 and first.ignored == ["Website"]
    assert not profile_file.exists()            # "Dry run: nothing was written"
    said = [i for i in first.inferences if i["what"] == "profile 'shop'"]
    assert said and said[0]["decided"] == "not saved by a dry run"
    import_file(admin, path, mapping=["Kürzel=Name", "Tel=Mobile", "Website=-"], profile="shop")
    records.delete(admin, records.list_records(admin, "customer")[0]["id"])
    saved = json.loads(profile_file.read_text())
    assert saved["map"] == {"Kürzel": "name", "Tel": "mobile", "Website": "-"}
    again = import_file(admin, path, profile="shop")
    assert again.created == 1
    assert records.list_records(admin, "customer")[0]["mobile"] == "+8613800138000"


def test_map_naming_a_column_the_file_lacks_is_refused(admin, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(csv_bytes(ROWS))
    with pytest.raises(ImportRefused, match="no such column"):
        import_file(admin, path, mapping=["Nope=Name"])
    with pytest.raises(ImportRefused, match="not a customer field"):
        import_file(admin, path, mapping=["城市=Shoe Size"])


def test_files_that_are_not_spreadsheets_are_refused_clearly(admin, tmp_path):
    html = tmp_path / "export.xls"
    html.write_text("<html><body><p>Session expired, please sign in again</p></body></html>")
    with pytest.raises(ImportRefused, match="web page without a table"):
        import_file(admin, html)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    with pytest.raises(ImportRefused):
        import_file(admin, broken)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportRefused, match="empty"):
        import_file(admin, empty)
    with pytest.raises(ImportRefused, match="no such file"):
        import_file(admin, tmp_path / "missing.csv")


def test_a_file_that_cannot_be_opened_is_refused_with_the_reason(admin, tmp_path, monkeypatch):
    path = tmp_path / "locked.csv"
    path.write_text(csv_bytes(ROWS), encoding="utf-8")
    real_open = open

    def locked(file, *args, **kwargs):   # what Windows says while another program locks it
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", locked)
    with pytest.raises(ImportRefused, match=r"locked.csv could not be opened \(Permission denied\); "
                                            r"if another program has it open, close it"):
        import_file(admin, path)
    monkeypatch.undo()
    assert records.list_records(admin, "customer") == []


def test_a_sheet_can_be_chosen_by_name_and_a_missing_one_is_named(admin, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["just some text"])
    ws = wb.create_sheet("客户")
    for r in ROWS:
        ws.append(r)
    path = tmp_path / "two.xlsx"
    wb.save(path)
    assert import_file(admin, path, sheet="客户", dry_run=True).created == 2
    with pytest.raises(ImportRefused, match="'Notes', '客户'"):
        import_file(admin, path, sheet="Kunden")


def _both_readers(wb, path, monkeypatch):
    """The workbook saved, opened by calamine and by the streaming reader."""
    wb.save(path)
    plain = readers.open_sheet(path)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    streamed = readers.open_sheet(path)
    assert streamed.streamed and not plain.streamed
    return plain, streamed


def test_the_streaming_reader_gives_the_same_rows_as_calamine(tmp_path, monkeypatch):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Name", "When", "Amount", "Flag", "Code", "Note"])
    ws.append(["A & B <x>", dt.datetime(2024, 1, 2, 3, 4, 5), 12.5, True, "007", None])
    ws.append(["第二", dt.date(2024, 2, 29), 3, False, "=1+1", "x"])
    ws.merge_cells("F2:F3")
    plain, streamed = _both_readers(wb, tmp_path / "s.xlsx", monkeypatch)
    a, b = list(plain.rows()), list(streamed.rows())
    assert [n for n, _ in a] == [n for n, _ in b]
    for (_, ra), (_, rb) in zip(a, b):
        ra = [v for v in ra]
        rb = rb + [""] * (len(ra) - len(rb))
        assert ra == rb
    assert streamed.merged == plain.merged
    streamed.close()
    plain.close()


def test_the_streaming_reader_decodes_excels_escaped_characters_as_calamine_does(tmp_path, monkeypatch):
    # Excel writes a CR in a cell as _x000D_ and protects a literal "_x0041_" as
    # "_x005F_x0041_"; read back, the cell is the text that was typed.
    from cims_xl.excel.safe import ooxml_escape
    typed = ["line 1\r\nline 2", "a_x0041_b", "_x0000\r", "bell\x07", "plain & <ok>"]
    wb = openpyxl.Workbook()
    wb.active.append(["Name"])
    for text in typed:
        wb.active.append([ooxml_escape(text)])
    plain, streamed = _both_readers(wb, tmp_path / "escaped.xlsx", monkeypatch)
    assert [v[0] for _, v in plain.rows()][1:] == typed
    assert [v[0] for _, v in streamed.rows()][1:] == typed
    streamed.close()
    plain.close()


def test_a_large_sheet_imports_through_the_streaming_reader(admin, tmp_path, monkeypatch):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_import import generate_xlsx
    path = generate_xlsx(tmp_path / "big.xlsx", 3000)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    result = import_file(admin, path, chunk_rows=700)
    assert result.rows == 3000
    assert result.created + result.duplicates + result.rejected == 3000
    assert result.duplicates > 0 and result.created > 2900


def test_encoding_detection_tells_gbk_from_shift_jis_and_cp1252():
    assert readers.detect_encoding("客户名称,手机".encode("gbk"), complete=True) == "gb18030"
    assert readers.detect_encoding("名無しの権兵衛,メール".encode("shift_jis"), complete=True) == "cp932"
    assert readers.detect_encoding("Caf\u00e9 \u201cNoir\u201d;12,50".encode("cp1252"), complete=True) == "cp1252"
    assert readers.detect_encoding("plain".encode("utf-16-le"), complete=True) == "utf-16-le"
    assert xlsx_stream._is_date_format("yyyy-mm-dd") and not xlsx_stream._is_date_format("0.00")


def test_the_key_index_keeps_the_first_row_for_a_key_across_merged_runs():
    from cims_xl.importer.plan import KeyIndex
    idx = KeyIndex()
    for i in range(200_000):
        idx.add(i % 150_000, i + 2)          # keys 0..49,999 come twice
    assert idx.lookup([0, 49_999, 149_999, 150_000]) == {0: 2, 49_999: 50_001, 149_999: 150_001}


def test_keys_added_many_at_a_time_are_found_as_when_added_one_by_one():
    from cims_xl.importer.plan import KeyIndex
    one, many = KeyIndex(), KeyIndex()
    for start in range(0, 120_000, 5_000):                 # chunks, keys seen again later
        pairs = {(start + i) % 70_001 * 7919 - 2**40: start + i for i in range(5_000)}
        for k, v in pairs.items():
            one.add(k, v)
        many.add_many(pairs)
        probe = [k for k in list(pairs)[::97]] + [-1, 2**62]
        assert one.lookup(probe) == many.lookup(probe)
    assert len(one) == len(many)


@pytest.mark.parametrize("name", [
    "superstore/superstore_us_classic_2014-2017.xlsx",
    "messy/jeecg_report_export_title_rows.xlsx",
    "messy/easyexcel_dates_numbers_as_text.xlsx",
    "messy/easyexcel_t04_vertical_merged_cells.xlsx",
    "contacts/odoo_contacts_import_template.xlsx",
])
def test_the_streaming_reader_reads_real_workbooks_cell_for_cell_as_calamine(name, monkeypatch):
    path = realworld(*name.split("/"))
    plain = readers.open_sheet(path)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    for unix_only in ("pread", "pwrite"):   # as on Windows, where Excel users are
        monkeypatch.delattr(xlsx_stream.os, unix_only, raising=False)
    streamed = readers.open_sheet(path, plain.sheet)
    try:
        assert streamed.streamed
        a, b = list(plain.rows()), list(streamed.rows())
        a = [(n, row) for n, row in a if any(v != "" for v in row)]
        b = [(n, row) for n, row in b if any(v != "" for v in row)]
        assert [n for n, _ in a] == [n for n, _ in b]
        for (n, ra), (_, rb) in zip(a, b):
            width = max(len(ra), len(rb))
            ra, rb = ra + [""] * (width - len(ra)), rb + [""] * (width - len(rb))
            for x, y in zip(ra, rb):
                assert x == y or (isinstance(x, float) and isinstance(y, float) and abs(x - y) < 1e-9), (n, x, y)
    finally:
        streamed.close()
        plain.close()


def test_shared_strings_spilled_to_disk_are_not_there_in_clear(tmp_path, monkeypatch):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_import import generate_xlsx
    path = generate_xlsx(tmp_path / "people.xlsx", 300)   # shared strings, as Excel writes them
    spilled = []
    real_mkstemp = xlsx_stream.tempfile.mkstemp

    def watching(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        spilled.append(name)
        return fd, name

    monkeypatch.setattr(xlsx_stream.tempfile, "mkstemp", watching)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    sheet = readers.open_sheet(path)
    rows = [values for _n, values in sheet.rows()]
    names, emails = [r[0] for r in rows[1:]], [r[2].strip() for r in rows[1:] if r[2]]
    assert len(names) == 300 and all(names) and len(emails) > 250
    # the shared strings, and the rows kept for the importer's second pass
    assert len(spilled) == 2
    for spill in spilled:
        data = Path(spill).read_bytes()
        assert len(data) > 10_000
        for needle in names[:50] + emails[:50] + ["@example"]:
            assert needle.encode("utf-8") not in data and needle.encode("utf-16-le") not in data, needle
    assert [values for _n, values in sheet.rows()] == rows   # the second pass replays the first
    sheet.close()
    assert not any(Path(spill).exists() for spill in spilled)


def test_rows_kept_for_the_second_pass_are_refused_if_the_file_was_changed(tmp_path, monkeypatch):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_import import generate_xlsx
    path = generate_xlsx(tmp_path / "people.xlsx", 50)
    monkeypatch.setattr(readers, "STREAM_THRESHOLD", 0)
    with readers.open_sheet(path) as sheet:
        assert len(list(sheet.rows())) == 51
        spill = sheet._rows_factory.__self__._spill
        with open(spill._tmp, "r+b") as f:
            f.seek(40)
            byte = f.read(1)
            f.seek(40)
            f.write(bytes([byte[0] ^ 1]))
        with pytest.raises(ImportRefused, match="changed while it was being read"):
            list(sheet.rows())
