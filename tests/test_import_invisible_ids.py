"""An id is what a person reads: invisible characters and width forms are no part of it.

A customer id copied from a web page or a chat brings a zero-width space, a no-break
space, a direction mark or a byte-order mark; a file typed on a Chinese or Japanese
keyboard writes it in full-width letters. Read as written, "C001" followed by a
zero-width space was another customer than C001: a customer named "C001" was created
and the orders went to it, without a word (issue 14). Such ids are one id (NFKC, no
format characters, trimmed, case aside: domain.invisible.code_key), against the store's
src: tags and within one file, for customer ids and order numbers alike; a customer is
never named after its id.
"""

from __future__ import annotations

import json

import pytest

from cims_xl.domain.invisible import FORMAT_CHARS, code_key, code_text
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

WRITERS = [("csv", write_csv), ("xlsx", write_xlsx)]

# The same id as people's tools write it: zero-width space, joiner, non-joiner, word
# joiner, BOM, no-break space, LRM/RLM, an embedding, an isolate, a soft hyphen inside,
# full width, lower case.
WRITTEN = {
    "zwsp": "{}\u200b", "zwj": "\u200d{}", "zwnj": "{}\u200c", "wj": "\u2060{}", "bom": "\ufeff{}",
    "nbsp": "{}\u00a0", "lrm": "\u200e{}", "rlm": "{}\u200f", "embedding": "\u202a{}\u202c",
    "isolate": "\u2066{}\u2069", "full width": None, "lower case": None,
}


def written(ref: str, how: str) -> str:
    if how == "full width":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in ref)
    if how == "lower case":
        return ref.lower()
    return WRITTEN[how].format(ref)


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


def orders(session) -> dict[str, str]:
    return {o["order_number"]: o["customer_id"] for o in records.list_records(session, "order")}


@pytest.mark.parametrize("how", list(WRITTEN))
@pytest.mark.parametrize("ref,name", [("C001", "Anna Schmidt"), ("KD-4711", "Jürgen Weiß"),
                                      ("客户7", "王芳"), ("M-12", "محمد علي")])
def test_an_order_whose_customer_id_has_an_invisible_or_width_form_links_to_the_stored_customer(
        admin, tmp_path, how, ref, name):
    write_csv(tmp_path / "customers.csv", [["Customer ID", "Name"], [ref, name]])
    import_file(admin, tmp_path / "customers.csv")
    path = write_csv(tmp_path / "orders.csv", [
        ["Order ID", "Customer ID", "Order Date", "Amount", "Currency"],
        ["A1", written(ref, how), "2024-03-05", "10", "EUR"],
        ["A2", ref, "2024-03-06", "20", "EUR"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    (stored,) = customers(admin)
    assert stored["name"] == name and stored["tags"] == f"src:{ref}"
    assert set(orders(admin).values()) == {stored["id"]}


@pytest.mark.parametrize("ext,write", WRITERS)
def test_one_file_writing_one_customer_id_five_ways_makes_one_customer(admin, tmp_path, ext, write):
    path = write(tmp_path / f"orders.{ext}", [
        ["Order ID", "Customer ID", "Customer Name", "Order Date", "Amount", "Currency"],
        ["L1", "C001", "Anna Schmidt", "2024-03-05", "10", "EUR"],
        ["L2", "C001\u200b", "Anna Schmidt", "2024-03-06", "20", "EUR"],
        ["L3", "C001\u00a0", "Anna Schmidt ", "2024-03-07", "30", "EUR"],
        ["L4", "Ｃ００１", "Anna Schmidt", "2024-03-08", "40", "EUR"],
        ["L5", "c001", "ANNA SCHMIDT", "2024-03-09", "50", "EUR"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (5, 0, 1)
    (made,) = customers(admin)
    assert (made["name"], made["tags"]) == ("Anna Schmidt", "src:C001")
    assert set(orders(admin).values()) == {made["id"]}


def test_a_contacts_file_links_its_rows_by_an_id_written_with_a_direction_mark(admin, tmp_path):
    write_csv(tmp_path / "c.csv", [["Kundennr", "Name", "Email"], ["K-12", "Acme GmbH", "info@acme.de"]])
    import_file(admin, tmp_path / "c.csv", mapping={"Kundennr": "Customer Ref"})
    path = write_xlsx(tmp_path / "p.xlsx", [["Kundennr", "Name", "Email"],
                                            ["\u200fK-12", "Eva Braun", "eva@acme.de"],
                                            ["Ｋ－１２", "Otto Lenz", "otto@acme.de"]])
    result = import_file(admin, path, kind="contacts", mapping={"Kundennr": "Customer Ref"})
    assert (result.created, result.rejected, result.customers_created) == (2, 0, 0)
    (acme,) = customers(admin)
    assert {c["customer_id"] for c in records.list_records(admin, "contact")} == {acme["id"]}


def test_a_new_customer_made_from_an_id_written_with_invisible_characters_is_tagged_with_the_clean_id(
        admin, tmp_path):
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Customer ID", "Customer Name", "Order Date", "Amount"],
                                          ["B1", "\ufeffＣＧ－１２５２０\u200b", "Claire Gute", "2024-01-02", "5"]])
    assert import_file(admin, path, kind="orders").customers_created == 1
    assert customers(admin)[0]["tags"] == "src:CG-12520"


def test_an_unknown_customer_id_with_no_name_makes_no_customer_named_after_it(admin, tmp_path):
    write_csv(tmp_path / "c.csv", [["Customer ID", "Name"], ["C001", "Anna Schmidt"]])
    import_file(admin, tmp_path / "c.csv")
    path = write_csv(tmp_path / "o.csv", [["Order ID", "Customer ID", "Order Date", "Amount", "Currency"],
                                          ["N1", "C001\u200b", "2024-03-05", "10", "EUR"],
                                          ["N2", "K-99", "2024-03-05", "10", "EUR"],
                                          ["N3", "K-99", "2024-03-06", "12", "EUR"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (1, 2, 0)
    assert [c["name"] for c in customers(admin)] == ["Anna Schmidt"]
    reasons = [o.reason for o in result.outcomes if o.action == "rejected"]
    assert len(reasons) == 2 and all("K-99" in r and "Customer Name" in r for r in reasons)
    assert list(orders(admin)) == ["N1"]


@pytest.mark.parametrize("ext,write", WRITERS)
def test_a_payment_export_with_ids_and_emails_but_no_names_names_new_customers_by_their_email(
        admin, tmp_path, ext, write):
    path = write(tmp_path / f"p.{ext}", [["id", "Created (UTC)", "Amount", "Currency", "Customer ID", "Customer Email"],
                                         ["ch_1", "2026-03-05 14:22:10", "49.00", "eur", "cus_PqR1", "liam@example.ie"],
                                         ["ch_2", "2026-03-06 09:00:00", "19.00", "eur", "cus_PqR1\u200b", ""],
                                         ["ch_3", "2026-03-06 10:00:00", "9.00", "eur", "cus_Zz9", "ＳＯＦＩＡ@example.es"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.rejected, result.customers_created) == (3, 0, 2)
    made = {c["name"]: c["tags"] for c in customers(admin)}
    assert made == {"liam@example.ie": "src:cus_PqR1", "SOFIA@example.es": "src:cus_Zz9"}
    (said,) = [i for i in result.inferences if i["what"] == "new customers without a name"]
    assert said["decided"] == "2 named after their email address" and "liam@example.ie" in said["evidence"]


def test_an_order_number_with_an_invisible_character_is_the_same_order_when_imported_again(admin, tmp_path):
    rows = [["Order ID", "Customer Name", "Order Date", "Amount", "Currency"],
            ["SO-1001", "Anna Schmidt", "2024-03-05", "10", "EUR"],
            ["ＳＯ－１００２\u200b", "Anna Schmidt", "2024-03-06", "20", "EUR"]]
    import_file(admin, write_csv(tmp_path / "a.csv", rows), kind="orders")
    assert sorted(orders(admin)) == ["SO-1001", "SO-1002"]
    again = [rows[0], ["\u200eSO-1001", "Anna Schmidt", "2024-03-05", "10", "EUR"],
             ["so-1002", "Anna Schmidt", "2024-03-06", "20", "EUR"]]
    result = import_file(admin, write_xlsx(tmp_path / "b.xlsx", again), kind="orders")
    assert (result.created, result.duplicates) == (0, 2)


def test_a_customer_is_found_by_its_old_id_typed_with_an_invisible_character(run, admin, tmp_path):
    write_csv(tmp_path / "c.csv", [["Customer ID", "Name"], ["CG-12520", "Claire Gute"]])
    import_file(admin, tmp_path / "c.csv")
    code, out, err = run("--format", "json", "customer", "show", "cg-12520\u200b")
    assert code == 0, out + err
    assert json.loads(out)["name"] == "Claire Gute"


def test_an_order_number_typed_in_the_cli_is_stored_without_invisible_characters(run, admin):
    cid = records.create(admin, "customer", {"name": "Anna"})["id"]
    code, out, err = run("--format", "json", "order", "add", "--customer-id", cid, "--order-number",
                         "\u200bＳＯ－７", "--order-date", "2024-03-05", "--amount", "5")
    assert code == 0, out + err
    assert json.loads(out)["order_number"] == "SO-7"


def test_format_characters_are_every_character_of_unicode_category_cf():
    import sys
    import unicodedata

    every = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert all(FORMAT_CHARS.fullmatch(c) for c in every)
    assert not any(FORMAT_CHARS.fullmatch(c) for c in ("a", " ", "\u00a0", "\u3000", "-", "é", "中"))


@pytest.mark.parametrize("text,shown,key", [
    ("C001\u200b", "C001", "c001"), ("Ｃ００１", "C001", "c001"), (" c\u00ad001\u00a0", "c001", "c001"),
    ("KD  4711", "KD 4711", "kd 4711"), ("\u202bМ-12\u202c", "М-12", "м-12"), ("\u200b", None, "")])
def test_an_id_is_kept_as_read_and_compared_case_aside(text, shown, key):
    assert (code_text(text), code_key(text)) == (shown, key)
