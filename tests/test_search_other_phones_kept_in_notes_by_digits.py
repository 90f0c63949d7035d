"""The other phone numbers of a cell that listed several (the first went to Phone) are
kept in Notes in E.164, as Phone holds its number, so a search by their digits, in any
spacing, with or without the country code, finds the customer; a number with more than
its digits (an extension) keeps its text beside it."""

from __future__ import annotations

from cims_xl.importer import import_file
from cims_xl.services import records
from cims_xl.services.search import search_customers


def people(session) -> dict[str, dict]:
    return {r["name"]: r for r in records.list_records(session, "customer")}


def found(session, query: str) -> set[str]:
    return {r["name"] for r in search_customers(session, query).rows}


def test_a_second_phone_in_notes_is_found_by_its_digits_in_any_spacing(admin, tmp_path):
    path = tmp_path / "lists.csv"
    path.write_text("Name,Email,Phone,Country\n"
                    'Bob Roe,bob@example.com,"(415) 555-0111, 415 555 0112",US\n'
                    "王晓明,wang@example.cn,138 0013 8000；139 0013 9000,CN\n"
                    "Ann Lee,ann@example.com,+1 415 555 0100 +1 415 555 0120,\n", encoding="utf-8")
    import_file(admin, path)
    got = people(admin)
    assert got["Bob Roe"]["notes"] == "Phone: +14155550112"
    assert got["王晓明"]["notes"] == "Phone: +8613900139000"
    for query, name in [("4155550112", "Bob Roe"), ("415 555 0112", "Bob Roe"), ("(415) 555-0112", "Bob Roe"),
                        ("+1 415 555 0112", "Bob Roe"), ("+86 139 0013 9000", "王晓明"),
                        ("13900139000", "王晓明"), ("139 0013 9000", "王晓明"), ("+14155550120", "Ann Lee"),
                        ("415-555-0120", "Ann Lee")]:
        assert found(admin, query) == {name}, query


def test_a_second_number_with_an_extension_keeps_its_text_beside_the_e164(admin, tmp_path):
    path = tmp_path / "ext.csv"
    path.write_text('Name,Phone,Country\nAnn Lee,"+49 30 1234567; 030 7654321 Durchwahl 12",DE\n',
                    encoding="utf-8")
    import_file(admin, path)
    ann = people(admin)["Ann Lee"]
    assert ann["phone"] == "+49301234567"
    assert ann["notes"] == "Phone: +49307654321 (030 7654321 Durchwahl 12)"


def test_other_numbers_of_a_file_without_countries_and_of_a_google_list_are_e164_too(admin, tmp_path):
    path = tmp_path / "cn.csv"
    path.write_text("姓名,电话,邮箱\n王一,138 0013 8001、139 0013 9001,w1@example.cn\n"
                    "王二,+86 138 0013 8002 ::: 010 6552 9988,w2@example.cn\n", encoding="utf-8")
    import_file(admin, path)
    got = people(admin)
    assert (got["王一"]["phone"], got["王一"]["notes"]) == ("+8613800138001", "电话: +8613900139001")
    assert (got["王二"]["phone"], got["王二"]["notes"]) == ("+8613800138002", "电话: +861065529988")
    assert found(admin, "+86 139 0013 9001") == {"王一"} and found(admin, "139-0013-9001") == {"王一"}
    assert found(admin, "010 6552 9988") == {"王二"} and found(admin, "+86 10 6552 9988") == {"王二"}
