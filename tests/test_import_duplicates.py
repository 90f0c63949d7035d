"""Duplicates inside the file and against the store; dry runs; undo; who may import."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from cims_xl.excel.import_report import error_report
from cims_xl.errors import PermissionDenied
from cims_xl.importer import import_file
from cims_xl.services import batches, records


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    import csv
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


HEADER = ["姓名", "公司", "邮箱", "手机", "电话", "城市"]


def test_the_same_email_written_with_other_case_and_spaces_is_one_customer(admin, tmp_path):
    f = write_csv(tmp_path / "a.csv", [HEADER,
                                       ["张三", "华信", "zhang.san@Example.com", "", "", "上海"],
                                       ["张三丰", "", "  ZHANG.SAN@example.COM ", "", "", ""],
                                       ["李四", "", "li.si@example.com", "", "", ""]])
    result = import_file(admin, f)
    assert (result.created, result.duplicates) == (2, 1)
    dup = result.outcomes[1]
    assert dup.duplicate_of_row == 2 and dup.matched_by == "email"
    assert "duplicate of row 2" in dup.reason


def test_a_phone_written_three_ways_is_one_customer(admin, tmp_path):
    f = write_csv(tmp_path / "p.csv", [HEADER,
                                       ["王五", "", "", "138 0013 8000", "", ""],
                                       ["王五(2)", "", "", "+86-138-0013-8000", "", ""],
                                       ["王五(3)", "", "", "", "008613800138000", ""]])
    result = import_file(admin, f)
    assert (result.created, result.duplicates) == (1, 2)
    assert [o.matched_by for o in result.outcomes[1:]] == ["phone", "phone"]
    (stored,) = records.list_records(admin, "customer")
    assert stored["mobile"] == "+8613800138000"


def test_name_and_company_together_find_a_duplicate(admin, tmp_path):
    f = write_csv(tmp_path / "n.csv", [HEADER,
                                       ["赵六", "东方公司", "", "", "", ""],
                                       ["赵六", "东方公司", "", "", "", "北京"],
                                       ["赵六", "西方公司", "", "", "", ""]])
    result = import_file(admin, f)
    assert (result.created, result.duplicates) == (2, 1)
    assert result.outcomes[1].matched_by == "name+company"


def test_rows_matching_the_store_are_skipped_and_name_the_record(admin, tmp_path):
    existing = records.create(admin, "customer", {"name": "Alice", "email": "alice@example.com"})
    f = write_csv(tmp_path / "s.csv", [["Name", "Email", "City"],
                                       ["Alice B.", "ALICE@example.com", "Paris"],
                                       ["Bob", "bob@example.com", "Rome"]])
    result = import_file(admin, f, dry_run=True)
    assert (result.created, result.duplicates) == (1, 1)
    assert result.outcomes[0].record == existing["id"]
    assert result.as_dict()["problems"][0]["record"] == existing["id"]


def test_update_fill_only_fills_empty_fields_and_overwrite_replaces(admin, tmp_path):
    existing = records.create(admin, "customer", {"name": "Alice", "email": "alice@example.com",
                                                  "city": "Lyon"})
    f = write_csv(tmp_path / "u.csv", [["Name", "Email", "City", "Mobile"],
                                       ["Alice", "alice@example.com", "Paris", "13800138000"]])
    filled = import_file(admin, f, on_duplicate="update")
    assert (filled.updated, filled.created) == (1, 0)
    rec = records.get(admin, existing["id"])
    assert (rec["city"], rec["mobile"]) == ("Lyon", "+8613800138000")
    assert rec["batch_id"] == filled.batch
    over = import_file(admin, f, on_duplicate="update", update_mode="overwrite")
    assert over.updated == 1 and over.outcomes[0].changed == ["City"]
    assert records.get(admin, existing["id"])["city"] == "Paris"
    again = import_file(admin, f, on_duplicate="update", update_mode="overwrite")
    assert (again.updated, again.duplicates) == (0, 1)      # nothing new: not an update


def test_on_duplicate_create_creates_every_row(admin, tmp_path):
    f = write_csv(tmp_path / "c.csv", [["Name", "Email"], ["A", "a@example.com"], ["A", "a@example.com"]])
    result = import_file(admin, f, on_duplicate="create")
    assert result.created == 2


def test_a_dry_run_leaves_the_store_file_byte_for_byte_unchanged(admin, store_path, tmp_path):
    f = write_csv(tmp_path / "d.csv", [["Name", "Email"], ["A", "a@example.com"], ["B", "b@example.com"]])
    records.create(admin, "customer", {"name": "A", "email": "a@example.com"})
    admin.store.checkpoint()

    def digest():
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in store_path.parent.iterdir() if p.name.startswith(store_path.name)}

    before = digest()
    result = import_file(admin, f, dry_run=True, error_report=error_report(tmp_path / "r.xlsx"))
    assert (result.created, result.duplicates, result.batch) == (1, 1, None)
    assert digest() == before
    assert len(records.list_records(admin, "customer")) == 1


def test_undoing_an_older_batch_restores_exactly_the_state_before_it(admin, tmp_path):
    a = write_csv(tmp_path / "a.csv", [["Name", "Email", "City"],
                                       ["Ann", "ann@example.com", ""], ["Ben", "ben@example.com", "Oslo"]])
    b = write_csv(tmp_path / "b.csv", [["Name", "Email", "City"], ["Cat", "cat@example.com", "Rome"]])
    c = write_csv(tmp_path / "c.csv", [["Name", "Email", "City"],
                                       ["Ann", "ann@example.com", "Bergen"], ["Dan", "dan@example.com", ""]])
    import_file(admin, a)
    state_before_b = {r["id"]: r for r in records.list_records(admin, "customer")}
    first = import_file(admin, b)
    import_file(admin, c, on_duplicate="update")           # Ann gets a city, Dan is created
    assert len(records.list_records(admin, "customer")) == 4

    undone = batches.undo_batch(admin, first.batch)          # not the last batch
    assert undone["removed"] == 1
    after = {r["id"]: r for r in records.list_records(admin, "customer")}
    assert "Cat" not in {r["name"] for r in after.values()}
    assert {r["name"] for r in after.values()} == {"Ann", "Ben", "Dan"}
    for rid, rec in state_before_b.items():
        if rec["name"] == "Ben":
            assert after[rid] == rec                          # untouched since


def test_undoing_an_update_batch_restores_the_previous_values(admin, tmp_path):
    a = write_csv(tmp_path / "a.csv", [["Name", "Email", "City"], ["Ann", "ann@example.com", "Oslo"]])
    c = write_csv(tmp_path / "c.csv", [["Name", "Email", "City", "Mobile"],
                                       ["Ann", "ann@example.com", "Bergen", "13800138000"]])
    import_file(admin, a)
    before = records.list_records(admin, "customer")[0]
    upd = import_file(admin, c, on_duplicate="update", update_mode="overwrite")
    assert upd.updated == 1
    batches.undo_batch(admin, upd.batch)
    after = records.list_records(admin, "customer")[0]
    business = [k for k in before if k not in ("version", "updated_at", "updated_by", "batch_id")]
    assert {k: after[k] for k in business} == {k: before[k] for k in business}


def test_reimporting_the_same_customers_creates_nothing(admin, tmp_path):
    f = write_csv(tmp_path / "r.csv", [["Name", "Email", "Mobile"], ["A", "a@example.com", ""],
                                       ["B", "", "13800138000"], ["C", "", ""]])
    first = import_file(admin, f)
    second = import_file(admin, f)
    assert first.created == 3
    assert (second.created, second.duplicates) == (0, 3)


def test_the_error_report_lists_rejected_rows_with_original_values_and_reason(admin, tmp_path):
    # A row without its required Name is rejected; with only optional fields unreadable
    # it would be imported with a warning (issue 14).
    f = write_csv(tmp_path / "e.csv", [["Name", "City", "Email", "Phone"],
                                       ["", "=HYPERLINK(\"http://x\")", "not-an-email", "-1692"],
                                       ["Ok", "", "ok@example.com", ""]])
    result = import_file(admin, f, error_report=error_report(tmp_path / "out.xlsx"))
    assert (result.created, result.rejected) == (1, 1)
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    ws = wb["Import Errors"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    assert header == ["Row", "Reason", "Name", "City", "Email", "Phone"]
    assert row[0].value == 2 and "Email" in row[1].value and "formula" in row[1].value
    assert [c.value for c in row[3:]] == ['=HYPERLINK("http://x")', "not-an-email", "-1692"]
    assert all(c.data_type == "s" for c in row[3:])          # text, never a live formula


def test_the_error_report_keeps_control_characters_and_line_breaks_exactly(admin, tmp_path):
    import python_calamine
    bad = ["Bell\x07Name", "two\r\nlines\x01", "_x0041_ stays"]
    f = tmp_path / "ctl.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Notes", "Company"])
    from cims_xl.excel.safe import ooxml_escape
    wb.active.append([ooxml_escape(v) for v in bad])     # as Excel stores them
    wb.save(f)
    result = import_file(admin, f, error_report=error_report(tmp_path / "out.xlsx"))
    assert result.rejected == 1 and "control character" in result.outcomes[0].reason
    rows = python_calamine.CalamineWorkbook.from_path(str(tmp_path / "out.xlsx")) \
        .get_sheet_by_name("Import Errors").to_python()
    assert rows[0][2:] == ["Name", "Notes", "Company"]
    assert rows[1][2:] == bad                              # re-importable as it was


def test_the_error_report_fixed_by_hand_imports_again_without_its_bookkeeping(admin, tmp_path):
    f = write_csv(tmp_path / "p.csv", [["Name", "Email", "City"], ["Ann", "ann@example.com", "上海"],
                                       ["", "bob(at)example.com", "北京"], ["", "cy@", "杭州"]])
    first = import_file(admin, f, error_report=error_report(tmp_path / "errors.xlsx"))
    assert (first.created, first.rejected) == (1, 2)
    wb = openpyxl.load_workbook(tmp_path / "errors.xlsx")
    ws = wb["Import Errors"]
    assert [c.value for c in ws[1]] == ["Row", "Reason", "Name", "Email", "City"]
    ws["C2"], ws["D2"] = "Bob", "bob@example.com"    # Bob fixed; Cy left as it was
    wb.save(tmp_path / "errors.xlsx")
    again = import_file(admin, tmp_path / "errors.xlsx", error_report=error_report(tmp_path / "errors2.xlsx"))
    assert (again.rows, again.created, again.rejected) == (2, 1, 1)
    assert again.ignored == ["Row", "Reason"] and again.unmapped == []
    bob = records.list_records(admin, "customer", email="bob@example.com")[0]
    assert (bob["name"], bob["city"], bob["notes"]) == ("Bob", "北京", None)
    left = openpyxl.load_workbook(tmp_path / "errors2.xlsx")["Import Errors"]
    assert [c.value for c in left[1]] == ["Row", "Reason", "Name", "Email", "City"]
    assert [c.value for c in left[2]][3:] == ["cy@", "杭州"]


def test_a_password_column_is_left_out_everywhere(admin, tmp_path):
    # A user-account template (JeecgBoot's has 登录密码) must not put passwords in Notes,
    # on the Import sheet or in the error report.
    f = write_csv(tmp_path / "users.csv", [["用户名", "登录密码", "邮箱", "Password Hint"],
                                           ["张伟", "S3cret-One", "zw@example.com", "pet"],
                                           ["李娜", "S3cret-Two", "bad-email", "car"]])
    result = import_file(admin, f, error_report=error_report(tmp_path / "errors.xlsx"))
    assert (result.created, result.rejected, result.warnings) == (2, 0, 1)   # bad email: kept in Notes
    assert result.ignored == ["登录密码", "Password Hint"] and result.unmapped == []
    how = {m["column"]: m["how"] for m in result.mapping}
    assert how["登录密码"] == how["Password Hint"] == "secret"
    assert result.samples[1] == [] and result.samples[3] == [] and result.samples[0] == ["张伟", "李娜"]
    saved = {c["name"]: c for c in records.list_records(admin, "customer")}
    assert saved["张伟"]["notes"] is None and saved["李娜"]["notes"] == "邮箱: bad-email"
    rows = [[c.value for c in r] for r in
            openpyxl.load_workbook(tmp_path / "errors.xlsx")["Imported With Warnings"].iter_rows()]
    assert rows[0] == ["Row", "Warning", "用户名", "登录密码", "邮箱", "Password Hint"]
    assert rows[1][2:] == ["李娜", None, "bad-email", None]
    assert "S3cret" not in repr(result.as_dict(outcomes=True))


def test_only_managers_and_admins_may_import(session_as, tmp_path):
    f = write_csv(tmp_path / "x.csv", [["Name"], ["A"]])
    for role in ("sales", "support", "viewer"):
        with pytest.raises(PermissionDenied):
            import_file(session_as(role), f)
    assert import_file(session_as("manager"), f).created == 1


@pytest.mark.parametrize("header", ["PIN", "Kennwort", "API Key", "apiKey", "Access Token", "Token", "Secret",
                                    "Pass", "Wachtwoord", "Hasło", "Senha", "비밀번호", "Пароль", "暗証番号",
                                    "TOTP Secret", "CVV", "Pin Code"])
def test_a_credential_column_in_any_language_or_shape_is_never_kept(admin, tmp_path, header):
    f = write_csv(tmp_path / "creds.csv", [["Name", "Shipping Address", "Passport No", header],
                                           ["Ann Lee", "1 Pin St", "X1234567", "Top-S3cret-9"]])
    result = import_file(admin, f)
    assert result.created == 1 and header in result.ignored
    saved = records.list_records(admin, "customer")[0]
    assert "Top-S3cret-9" not in repr(saved) and "Top-S3cret-9" not in repr(result.as_dict(outcomes=True))
    assert saved["address"] == "1 Pin St"                   # "pin" inside a word is no credential
    assert "Passport No: X1234567" in (saved["notes"] or "")
