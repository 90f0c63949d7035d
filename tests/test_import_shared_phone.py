"""A landline several people share (a switchboard, a family's phone) is not a duplicate.

Duplicates by phone are still found when the name is the same (written another way),
when the number is a mobile, and against the store when several stored customers share
the number; every row that shares a number is imported with a warning naming the other.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cims_xl.domain.duplicates import may_be_shared, name_key
from cims_xl.importer import import_file, parallel
from cims_xl.services import records


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def stored(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "customer")}


@pytest.mark.parametrize("landline", ["+44 20 7946 0000", "+86 21 6232 3735", "+49 30 1234567",
                                      "(415) 555-0132"])
def test_colleagues_sharing_a_switchboard_number_are_each_imported_with_a_warning(admin, tmp_path, landline):
    path = write_csv(tmp_path / "acme.csv", [
        ["Name", "Company", "Email", "Phone", "Country"],
        ["Alice Chen", "Acme", "alice@acme.example", landline, "US" if landline.startswith("(") else ""],
        ["Bob Li", "Acme", "bob@acme.example", landline, "US" if landline.startswith("(") else ""],
        ["Carol Wu", "Acme", "", landline, "US" if landline.startswith("(") else ""],
    ])
    result = import_file(admin, path)
    assert (result.created, result.duplicates, result.warnings) == (3, 0, 2)
    for out in result.outcomes[1:]:
        assert out.action == "created"
        (column, why), = out.warnings.items()
        assert column == "Phone" and "same phone as row 2 under another name" in why
    people = stored(admin)
    assert len({p["phone"] for p in people.values()}) == 1 and set(people) == {"Alice Chen", "Bob Li", "Carol Wu"}
    (said,) = [i for i in result.inferences if i["what"] == "shared phone numbers"]
    assert said["decided"].startswith("2 row(s) imported as customers of their own")


@pytest.mark.parametrize("again", ["alice chen", "Chen, Alice", "ALICE  CHEN"])
def test_the_same_name_written_another_way_with_the_same_landline_is_still_a_duplicate(admin, tmp_path, again):
    path = write_csv(tmp_path / "a.csv", [["Name", "Phone"], ["Alice Chen", "+44 20 7946 0000"],
                                          [again, "+44 (0)20 7946 0000"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (1, 1)
    assert result.outcomes[1].duplicate_of_row == 2 and result.outcomes[1].matched_by == "phone"


def test_a_chinese_name_with_spaces_between_its_characters_is_the_same_name(admin, tmp_path):
    path = write_csv(tmp_path / "w.csv", [["姓名", "电话"], ["王伟", "021-62323735"], ["王 伟", "021 6232 3735"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (1, 1)
    assert name_key("王 伟") == name_key("王伟") != name_key("王五")


def test_a_mobile_under_two_names_is_one_customer_written_two_ways(admin, tmp_path):
    path = write_csv(tmp_path / "m.csv", [["姓名", "手机"], ["王五", "13800138000"], ["王先生", "138 0013 8000"],
                                          ["Tom Hardy", "+44 7400 123456"], ["Mr Hardy", "+44 (0)7400 123456"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (2, 2)
    assert [o.action for o in result.outcomes] == ["created", "duplicate", "created", "duplicate"]


def test_against_the_store_the_shared_number_finds_the_customer_of_the_same_name(admin, tmp_path):
    first = write_csv(tmp_path / "1.csv", [["Name", "Phone"], ["Alice Chen", "+44 20 7946 0000"],
                                           ["Bob Li", "+44 20 7946 0000"], ["Carol Wu", "+44 20 7946 0000"]])
    import_file(admin, first)
    ids = {n: r["id"] for n, r in stored(admin).items()}
    second = write_csv(tmp_path / "2.csv", [["Name", "Phone"], ["carol wu", "020 7946 0000"],
                                            ["Bob Li", "+44 20 7946 0000"], ["Dan Xu", "+44 20 7946 0000"]])
    result = import_file(admin, second, region="GB")
    assert [o.action for o in result.outcomes] == ["duplicate", "duplicate", "created"]
    assert [o.record for o in result.outcomes[:2]] == [ids["Carol Wu"], ids["Bob Li"]]
    (why,) = result.outcomes[2].warnings.values()
    assert f"same phone as {ids['Alice Chen']} under another name" in why
    assert len(stored(admin)) == 4


def test_updating_duplicates_never_writes_one_persons_values_over_a_colleague_sharing_the_number(admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "1.csv", [["Name", "Phone", "City"], ["Alice Chen", "+44 20 7946 0000", "London"]]))
    result = import_file(admin, write_csv(tmp_path / "2.csv", [["Name", "Phone", "City"],
                                                               ["Bob Li", "+44 20 7946 0000", "Leeds"]]),
                         on_duplicate="update", update_mode="overwrite")
    assert (result.created, result.updated) == (1, 0)
    people = stored(admin)
    assert people["Alice Chen"]["city"] == "London" and people["Bob Li"]["city"] == "Leeds"


def test_shared_numbers_are_found_the_same_way_when_a_second_process_prepares_the_rows(admin, tmp_path, monkeypatch):
    rows = [["Name", "Phone", "Mobile"]]
    for i in range(300):
        rows.append([f"Person {i}", f"+44 20 7946 {i % 7:04d}", ""])        # seven switchboards
    rows.append(["Person 3", "+44 20 7946 0003", ""])                        # a real duplicate
    rows.append(["Someone Else", "", "13800138000"])
    rows.append(["Another Name", "", "+86 138 0013 8000"])                   # the same mobile
    path = write_csv(tmp_path / "many.csv", rows)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 10)
    result = import_file(admin, path, chunk_rows=40)
    assert (result.created, result.duplicates) == (301, 2)
    assert result.warnings == 300 - 7


def test_which_numbers_may_be_shared_follows_the_numbering_plan():
    assert may_be_shared("+442079460000") and may_be_shared("+862162323735") and may_be_shared("+14155550132")
    assert not may_be_shared("+8613800138000") and not may_be_shared("+447400123456")


def test_contacts_of_one_company_sharing_its_switchboard_are_each_imported(admin, tmp_path):
    path = write_csv(tmp_path / "contacts.csv", [
        ["Customer", "Contact Name", "Email", "Phone"],
        ["Acme Ltd", "Alice Chen", "alice@acme.example", "+44 20 7946 0000"],
        ["Acme Ltd", "Bob Li", "bob@acme.example", "+44 20 7946 0000"],
        ["Acme Ltd", "alice chen", "", "+44 20 7946 0000"],          # Alice again
    ])
    result = import_file(admin, path, kind="contacts")
    assert [o.action for o in result.outcomes] == ["created", "created", "duplicate"]
    (why,) = result.outcomes[1].warnings.values()
    assert "same phone as row 2 under another name" in why and why.endswith("imported as a separate contact")
    again = write_csv(tmp_path / "again.csv", [["Customer", "Contact Name", "Phone"],
                                               ["Acme Ltd", "Bob Li", "020 7946 0000"],
                                               ["Acme Ltd", "Carol Wu", "020 7946 0000"]])
    second = import_file(admin, again, kind="contacts", region="GB")
    assert [o.action for o in second.outcomes] == ["duplicate", "created"]
    names = sorted(r["name"] for r in records.list_records(admin, "contact"))
    assert names == ["Alice Chen", "Bob Li", "Carol Wu"]


def test_the_error_report_lists_rows_that_share_a_number_on_its_warnings_sheet(admin, tmp_path):
    import openpyxl

    from cims_xl.excel.import_report import WARNINGS_SHEET, error_report

    path = write_csv(tmp_path / "acme.csv", [["Name", "Phone"], ["Alice Chen", "+44 20 7946 0000"],
                                             ["Bob Li", "+44 20 7946 0000"]])
    result = import_file(admin, path, error_report=error_report(tmp_path / "report.xlsx"))
    ws = openpyxl.load_workbook(result.report)[WARNINGS_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[1][:2] == [3, "Phone: the same phone as row 2 under another name (a shared number): "
                              "imported as a separate customer"]
    assert rows[1][2:4] == ["Bob Li", "+44 20 7946 0000"]


def test_updating_a_customer_from_a_row_does_not_drop_the_next_row_sharing_their_landline(admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "1.csv", [["Name", "Phone"], ["Alice Chen", "+44 20 7946 0000"]]))
    result = import_file(admin, write_csv(tmp_path / "2.csv", [
        ["Name", "Phone", "Email"],
        ["Alice Chen", "+44 20 7946 0000", "alice@acme.example"],      # updates Alice
        ["Bob Li", "+44 20 7946 0000", ""],                            # shares her switchboard
        ["bob li", "020 7946 0000", ""]]), on_duplicate="update", region="GB")
    assert [o.action for o in result.outcomes] == ["updated", "created", "duplicate"]
    assert result.outcomes[2].duplicate_of_row == 3
    assert "under another name" in result.outcomes[1].warning
    assert set(stored(admin)) == {"Alice Chen", "Bob Li"}


@pytest.mark.parametrize("one, other", [("मीना शर्मा", "मीनू शर्मा"),      # Meena and Meenu: only a vowel sign differs
                                        ("राम", "रमा"),                    # Ram and Rama
                                        ("สมชาย ใจดี", "สมชัย ใจดี")])
def test_family_members_whose_names_differ_only_in_a_vowel_sign_are_both_imported(admin, tmp_path, one, other):
    path = write_csv(tmp_path / "family.csv", [["Name", "Phone"], [one, "+91 11 2345 6789"],
                                               [other, "+91 11 2345 6789"]])
    result = import_file(admin, path)
    assert [o.action for o in result.outcomes] == ["created", "created"]
    assert set(stored(admin)) == {one, other}


@pytest.mark.parametrize("once, again", [("王小明", "王 小明"), ("山田太郎", "山田 太郎"), ("김민준", "김 민준"),
                                         ("مُحَمَّد علي", "محمد علي"), ("Ａｌｉｃｅ Ｃｈｅｎ", "alice chen")])
def test_a_name_written_with_or_without_optional_spaces_or_vowel_marks_is_still_a_duplicate(admin, tmp_path,
                                                                                              once, again):
    path = write_csv(tmp_path / "again.csv", [["Name", "Phone"], [once, "+852 2123 4567"],
                                              [again, "+852 2123 4567"]])
    result = import_file(admin, path)
    assert [o.action for o in result.outcomes] == ["created", "duplicate"]
    assert name_key(once) == name_key(again) != name_key("王五")


@pytest.mark.parametrize("one, other", [("Li Wei", "Wei Li"), ("Wang Fang", "FANG WANG"), ("Lee Morgan", "Morgan Lee")])
def test_colleagues_whose_names_are_the_same_words_in_another_order_are_both_imported(admin, tmp_path, one, other):
    first, last = other.split()
    path = write_csv(tmp_path / "switchboard.csv", [["Name", "Company", "Phone"], [one, "Acme", "+86 21 6232 3735"],
                                                    [other, "Acme", "+86 21 6232 3735"],
                                                    [f"{last}, {first}", "Acme", "021 6232 3735"]])
    result = import_file(admin, path)
    assert [o.action for o in result.outcomes] == ["created", "created", "duplicate"]
    assert result.outcomes[2].duplicate_of_row == 3        # "Last, First" is the same person as row 3
    assert len(stored(admin)) == 2


def test_a_company_name_with_a_comma_before_its_legal_form_is_the_same_company(admin, tmp_path):
    path = write_csv(tmp_path / "co.csv", [["Company", "Phone"], ["Acme, Inc.", "+44 20 7946 0000"],
                                           ["ACME Inc", "+44 20 7946 0000"], ["Acme Holdings", "+44 20 7946 0000"]])
    result = import_file(admin, path)
    assert [o.action for o in result.outcomes] == ["created", "duplicate", "created"]
    assert name_key("John Smith, Jr.") == name_key("john smith jr") != name_key("Smith, John")


@pytest.mark.parametrize("written", ["Chen, Alice", "ALICE  CHEN", "alice chen."])
def test_an_order_naming_a_stored_customer_last_name_first_links_to_them_instead_of_a_new_customer(
        admin, tmp_path, written):
    import_file(admin, write_csv(tmp_path / "c.csv", [["Name", "Phone"], ["Alice Chen", "+44 20 7946 0000"],
                                                      ["王小明", "+86 21 6232 3735"]]))
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer", "Customer Phone", "Product", "Amount"],
                                          ["1", "2024-01-02", written, "+44 20 7946 0000", "Tea", "10"],
                                          ["2", "2024-01-02", "王 小明", "", "Tea", "10"],
                                          ["3", "2024-01-03", "Bob Li", "+44 20 7946 0000", "Tea", "10"]])
    result = import_file(admin, path, kind="orders")
    assert [o.action for o in result.outcomes] == ["created"] * 3
    assert (result.customers_created, result.customers_created_names, result.customers_linked) == (1, ["Bob Li"], 2)
    assert sorted(stored(admin)) == sorted(["Alice Chen", "王小明", "Bob Li"])


def _outcomes(result) -> list[dict]:
    return [{k: v for k, v in o.as_dict().items() if k != "record"} for o in result.outcomes]


def test_contacts_of_a_customer_the_import_creates_are_checked_the_same_in_every_chunk_and_in_a_dry_run(admin, tmp_path):
    rows = [["Customer", "Contact Name", "Email", "Phone"], ["NewCo", "Alice Chen", "alice@newco.example", "+44 20 7946 0000"]]
    rows += [["NewCo", f"Person {i}", "", f"+44 20 7947 {i:04d}"] for i in range(40)]
    rows += [["NewCo", "alice chen", "", "020 7946 0000"],                     # Alice again, a later chunk
             ["NewCo", "Bob Li", "", "020 7946 0000"],                         # shares the switchboard
             ["NewCo", "Carol Wu", "alice@newco.example", ""]]                 # Alice's email
    path = write_csv(tmp_path / "contacts.csv", rows)
    dry = import_file(admin, path, kind="contacts", region="GB", chunk_rows=16, dry_run=True)
    real = import_file(admin, path, kind="contacts", region="GB", chunk_rows=16)
    assert [o.action for o in real.outcomes[-3:]] == ["duplicate", "created", "duplicate"]
    assert real.outcomes[-3].duplicate_of_row == 2 and "same phone as row 2" in real.outcomes[-2].warning
    assert _outcomes(real) == _outcomes(dry)
    assert len(records.list_records(admin, "contact")) == 42


def test_an_order_of_a_new_customer_split_over_chunks_keeps_its_line_numbers_and_imports_once(admin, tmp_path):
    rows = [["Order ID", "Order Date", "Customer", "Customer Phone", "Product", "Amount"]]
    rows += [["A-1", "2024-03-01", "NewCo", "+44 20 7946 0000", f"Item {i}", "5"] for i in range(20)]
    path = write_csv(tmp_path / "orders.csv", rows)
    dry = import_file(admin, path, kind="orders", region="GB", chunk_rows=8, dry_run=True)
    first = import_file(admin, path, kind="orders", region="GB", chunk_rows=8)
    assert _outcomes(first) == _outcomes(dry) and first.created == 20
    assert sorted(o["line_no"] for o in records.list_records(admin, "order")) == list(range(1, 21))
    again = import_file(admin, path, kind="orders", region="GB", chunk_rows=8)
    assert (again.created, again.duplicates) == (0, 20)


@pytest.mark.parametrize("placeholder", ["🌸", "★", "#1"])
def test_a_customer_named_only_with_signs_does_not_swallow_everyone_sharing_their_landline(admin, tmp_path, placeholder):
    # ("N/A", "-", "???" say there is no name: such rows are refused, test_import_placeholders.py)
    path = write_csv(tmp_path / "signs.csv", [["Name", "Phone"], [placeholder, "+44 20 7946 0000"],
                                              ["Alice Chen", "+44 20 7946 0000"], [placeholder, "020 7946 0000"]])
    result = import_file(admin, path, region="GB")
    assert [o.action for o in result.outcomes] == ["created", "created", "duplicate"]
    assert set(stored(admin)) == {placeholder, "Alice Chen"}
    again = import_file(admin, write_csv(tmp_path / "again.csv", [["Name", "Phone"], ["Bob Li", "+44 20 7946 0000"]]))
    assert again.created == 1 and "under another name" in again.outcomes[0].warning


def test_an_order_naming_a_customer_exactly_as_stored_links_to_that_one_when_another_is_written_the_other_way(
        admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "c.csv", [["Name", "Email"], ["Alice Chen", "alice@one.example"]]))
    import_file(admin, write_csv(tmp_path / "d.csv", [["Name", "Email"], ["Chen, Alice", "alice@two.example"]]))
    ids = {n: r["id"] for n, r in stored(admin).items()}
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Order Date", "Customer", "Product", "Amount"],
                                          ["1", "2024-01-02", "Alice Chen", "Tea", "10"],
                                          ["2", "2024-01-02", "Chen, Alice", "Tea", "10"],
                                          ["3", "2024-01-02", "CHEN, ALICE", "Tea", "10"]])
    result = import_file(admin, path, kind="orders")
    assert result.customers_created == 0
    by_number = {o["order_number"]: o["customer_id"] for o in records.list_records(admin, "order")}
    assert by_number == {"1": ids["Alice Chen"], "2": ids["Chen, Alice"], "3": ids["Chen, Alice"]}


def test_a_mobile_under_another_name_and_another_email_is_a_second_person(admin, tmp_path):
    path = write_csv(tmp_path / "m.csv", [
        ["客户编号", "姓名", "邮箱", "手机"],
        ["K001", "张伟", "zhangwei@example.cn", "13912345678"],
        ["K008", "陈静", "chenjing@example.cn", "139 1234 5678"],     # her own email: two people
        ["K009", "张先生", "", "+86 139 1234 5678"],                   # no email to tell: the same
        ["K010", "Wei Zhang", "ZHANGWEI@example.cn", "13912345678"],  # his email: the same
    ])
    result = import_file(admin, path)
    assert [o.action for o in result.outcomes] == ["created", "created", "duplicate", "duplicate"]
    (why,) = result.outcomes[1].warnings.values()
    assert "same phone as row 2 under another name" in why
    again = write_csv(tmp_path / "again.csv", [["姓名", "邮箱", "手机"],
                                               ["李娜", "lina@example.cn", "13912345678"],
                                               ["陈静", "chenjing@example.cn", "13912345678"]])
    second = import_file(admin, again)
    assert [o.action for o in second.outcomes] == ["created", "duplicate"]
    assert len(records.list_records(admin, "customer")) == 3
