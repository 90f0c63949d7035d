"""Whether two rows are one person or one company (issue 14, "never silently wrong").

A title, a name's order, case, width, marks or a middle initial do not make a second
person; a title beside a family name alone does not make the same one either: such
rows are kept apart and the row and the summary say so. A contact's company finds the
customer of that company written another way, and a company of several customers is
named, never picked.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from cims_xl.domain.duplicates import SAME, UNSURE, OTHER, email_key, name_key, name_match, same_company
from cims_xl.importer import import_file
from cims_xl.services import records
from table_files import write_csv, write_xlsx

LANDLINE = "+44 20 7946 0000"


def customers(session) -> list[dict]:
    return records.list_records(session, "customer")


def contacts(session) -> list[dict]:
    return records.list_records(session, "contact")


def said(result, what: str) -> dict:
    (found,) = [i for i in result.inferences if i["what"] == what]
    return found


# ----- people: one person written two ways ------------------------------------------------

ONE_PERSON = [
    ("John Smith", "Mr. John Smith"),
    ("Mrs. Jane Doe", "Jane Doe"),
    ("Dr. John Smith", "JOHN SMITH"),
    ("Smith, John", "John Smith"),
    ("Ms Jane Doe", "Doe, Jane"),
    ("John A. Smith", "John Smith"),
    ("John Andrew Smith", "Mr John A. Smith"),
    ("Prof. Dr. Hans Müller", "Herr Hans Müller"),
    ("Frau Anna Schmidt", "Anna Schmidt"),
    ("M. Jean Dupont", "Jean Dupont"),
    ("Mme Marie Curie", "marie curie"),
    ("Sr. José García", "Jose Garcia"),
    ("Sra. Ana López", "ANA LOPEZ"),
    ("Nguyễn Văn An", "Nguyen Van An"),
    ("ＪＯＨＮ　ＳＭＩＴＨ", "John   Smith"),
    ("王伟先生", "王伟"),
    ("王 伟", "王伟女士"),
    ("山田太郎様", "山田 太郎"),
    ("김민수 씨", "김민수"),
    ("John Smith, PhD", "John Smith"),
]


@pytest.mark.parametrize("first, again", ONE_PERSON)
def test_one_person_written_two_ways_on_one_landline_is_a_duplicate(admin, tmp_path, first, again):
    path = write_csv(tmp_path / "people.csv", [["Name", "Phone"], [first, LANDLINE], [again, "020 7946 0000"]])
    result = import_file(admin, path, region="GB")
    assert (result.created, result.duplicates) == (1, 1), result.outcomes[1].as_dict()
    assert result.outcomes[1].duplicate_of_row == 2
    assert len(customers(admin)) == 1


def test_the_same_holds_for_an_xlsx_file_and_against_the_store(admin, tmp_path):
    import_file(admin, write_xlsx(tmp_path / "first.xlsx", [["Name", "Phone"], ["Mrs. Jane Doe", LANDLINE],
                                                            ["Alice Chen", LANDLINE]]))
    (jane,) = [c["id"] for c in customers(admin) if c["name"] == "Mrs. Jane Doe"]
    result = import_file(admin, write_xlsx(tmp_path / "again.xlsx", [["Name", "Phone"], ["DOE, Jane", LANDLINE],
                                                                    ["Jane Doe", LANDLINE]]))
    assert [(o.action, o.record) for o in result.outcomes] == [("duplicate", jane), ("duplicate", jane)]
    assert len(customers(admin)) == 2


def test_a_later_row_meets_the_holder_it_may_be_not_only_the_first_holder(admin, tmp_path):
    path = write_csv(tmp_path / "house.csv", [["Name", "Phone"],
                                              ["Alice Chen", LANDLINE], ["Jane Smith", LANDLINE],
                                              ["John Smith", LANDLINE], ["Jane A. Smith", LANDLINE],
                                              ["Mr John Smith", LANDLINE]])
    result = import_file(admin, path)
    assert [(o.action, o.duplicate_of_row) for o in result.outcomes] == [
        ("created", None), ("created", None), ("created", None), ("duplicate", 3), ("duplicate", 4)]


# ----- people: two people ---------------------------------------------------------------

TWO_PEOPLE = [
    ("John A. Smith", "John B. Smith"),
    ("Mr. Sam Lee", "Ms. Sam Lee"),
    ("John Smith Jr.", "John Smith Sr."),
    ("王先生", "王女士"),
    ("Herr Müller", "Frau Müller"),
    ("Ana Sá", "Ana"),
    ("王伟", "王伟明"),
    ("Acme Inc", "Acme Ltd"),
]


@pytest.mark.parametrize("first, second", TWO_PEOPLE)
def test_two_people_on_one_landline_are_each_imported_with_a_warning(admin, tmp_path, first, second):
    path = write_csv(tmp_path / "two.csv", [["Name", "Phone"], [first, LANDLINE], [second, LANDLINE]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (2, 0)
    (why,) = result.outcomes[1].warnings.values()
    assert "same phone as row 2 under another name" in why
    assert sorted(c["name"] for c in customers(admin)) == sorted([first, second])


# ----- people: the names do not say ---------------------------------------------------------

UNDECIDED = [
    ("王伟", "王先生"),
    ("欧阳娜娜", "欧阳女士"),
    ("山田太郎", "山田様"),
    ("John Smith", "Mr Smith"),
    ("Hans Müller", "Herr Müller"),
    ("John Smith", "J. Smith"),
    ("John Smith", "John Smith Jr."),
]


@pytest.mark.parametrize("full, partial", UNDECIDED)
def test_a_name_that_may_be_the_same_person_is_kept_apart_and_said(admin, tmp_path, full, partial):
    path = write_csv(tmp_path / "maybe.csv", [["姓名", "电话"], [full, LANDLINE], [partial, LANDLINE]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates, result.warnings) == (2, 0, 1)
    (column, why), = result.outcomes[1].warnings.items()
    assert column == "姓名"
    assert f"may be the same person as row 2 ({full})" in why and f"'{partial}'" in why
    assert "cims customer merge" in why and "under another name" not in why
    summary = said(result, "possibly the same person")
    assert summary["decided"].startswith("1 row(s) kept as customers of their own")
    assert f"row 3 '{partial}' / row 2 ({full})" in summary["evidence"]
    assert sorted(c["name"] for c in customers(admin)) == sorted([full, partial])


def test_a_name_that_may_be_a_stored_customer_names_that_customer(admin, tmp_path):
    import_file(admin, write_csv(tmp_path / "1.csv", [["姓名", "电话"], ["王伟", "021-62323735"]]))
    (wang,) = [c["id"] for c in customers(admin)]
    result = import_file(admin, write_csv(tmp_path / "2.csv", [["姓名", "电话"], ["王先生", "021 6232 3735"]]))
    assert result.created == 1
    (why,) = result.outcomes[0].warnings.values()
    assert f"may be the same person as {wang} (王伟)" in why


def test_a_mobile_stays_one_persons_whatever_the_title(admin, tmp_path):
    path = write_csv(tmp_path / "m.csv", [["姓名", "手机"], ["王伟", "13800138000"], ["王先生", "138 0013 8000"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (1, 1)


def test_the_dry_run_says_what_the_import_would_keep_apart(admin, tmp_path):
    path = write_csv(tmp_path / "maybe.csv", [["Name", "Phone"], ["John Smith", LANDLINE], ["Mr Smith", LANDLINE]])
    result = import_file(admin, path, dry_run=True)
    assert said(result, "possibly the same person")["decided"].startswith("1 row(s)")
    assert customers(admin) == []


def test_contacts_of_one_company_written_with_titles_are_one_contact(admin, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Company", "Contact Name", "Phone"],
                                          ["Acme Ltd", "Bob Li", LANDLINE],
                                          ["Acme Ltd", "Mr. Bob Li", LANDLINE],
                                          ["Acme Ltd", "Mrs Li", LANDLINE]])
    result = import_file(admin, path, kind="contacts")
    assert [o.action for o in result.outcomes] == ["created", "duplicate", "created"]
    (why,) = result.outcomes[2].warnings.values()
    assert "may be the same person as row 2 (Bob Li)" in why and "cims contact edit" in why


# ----- companies: a contact's company finds its customer -------------------------------------

@pytest.mark.parametrize("written", ["ACME Limited", "acme ltd.", "Acme", "Acme Co., Ltd.", "ＡＣＭＥ ＬＴＤ"])
def test_a_contacts_company_written_another_way_links_to_the_stored_customer(admin, tmp_path, written):
    acme = records.create(admin, "customer", {"name": "Acme Ltd", "type": "Company"})["id"]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name", "Email"],
                                                 [written, "Alice Chen", "alice@acme.example"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.customers_created) == (1, 0)
    assert [c["customer_id"] for c in contacts(admin)] == [acme]
    assert len(customers(admin)) == 1
    if name_key(written) != name_key("Acme Ltd"):      # not only case, width, punctuation
        assert f"'{written}' -> {acme}" in said(result, "customers found by a name written another way")["evidence"]


def test_a_company_written_exactly_as_one_of_two_stored_customers_links_to_that_one(admin, tmp_path):
    # as orders do for "Alice Chen" beside "Chen, Alice": the name as written is evidence
    ids = [records.create(admin, "customer", {"name": n, "type": "Company"})["id"] for n in ("Acme Ltd", "ACME Limited")]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name"], ["ACME Limited", "Alice Chen"]])
    import_file(admin, path, kind="contacts")
    assert [c["customer_id"] for c in contacts(admin)] == [ids[1]]


def test_a_contact_links_to_the_customer_whose_company_field_is_its_company(admin, tmp_path):
    smith = records.create(admin, "customer", {"name": "John Smith", "company": "Beta GmbH"})["id"]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name"], ["BETA GmbH", "Eva Braun"]])
    result = import_file(admin, path, kind="contacts")
    assert result.customers_created == 0
    assert [c["customer_id"] for c in contacts(admin)] == [smith]
    assert "Company 'Beta GmbH'" in said(result, "customers found by a name written another way")["evidence"]


def test_a_customer_of_that_name_wins_over_a_customer_who_works_there(admin, tmp_path):
    records.create(admin, "customer", {"name": "John Smith", "company": "Beta GmbH"})
    beta = records.create(admin, "customer", {"name": "Beta GmbH", "type": "Company"})["id"]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name"], ["Beta GmbH", "Eva Braun"]])
    import_file(admin, path, kind="contacts")
    assert [c["customer_id"] for c in contacts(admin)] == [beta]


@pytest.mark.parametrize("stored, written", [(("Acme Ltd", "ACME Limited"), "Acme"),
                                             (("Acme Ltd", "Acme Ltd"), "Acme Ltd"),
                                             (("Acme Ltd", "acme ltd"), "ACME LTD."),
                                             (("北京恒通有限公司", "北京恒通有限责任公司"), "北京恒通")])
def test_a_company_of_two_stored_customers_is_named_and_not_linked(admin, tmp_path, stored, written):
    ids = [records.create(admin, "customer", {"name": n, "type": "Company"})["id"] for n in stored]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name"], [written, "Alice Chen"],
                                                 [written, "Bob Li"]])
    result = import_file(admin, path, kind="contacts")
    assert (result.created, result.rejected, result.customers_created) == (0, 2, 0)
    (why,) = result.outcomes[0].problems.values()
    assert ids[0] in why and ids[1] in why and "Customer ID column" in why
    assert said(result, "customer names of several customers")["decided"].startswith("2 row(s) not linked")
    assert contacts(admin) == [] and len(customers(admin)) == 2
    # what the message names settles it
    settled = write_csv(tmp_path / "settled.csv", [["Customer ID", "Company", "Contact Name"],
                                                   [ids[1], written, "Alice Chen"]])
    again = import_file(admin, settled, kind="contacts")
    assert again.created == 1 and [c["customer_id"] for c in contacts(admin)] == [ids[1]]


def test_two_customers_who_work_at_the_company_are_named_and_not_linked(admin, tmp_path):
    ids = [records.create(admin, "customer", {"name": n, "company": "Gamma AG"})["id"]
           for n in ("John Smith", "Mary Major")]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name"], ["Gamma AG", "Alice Chen"]])
    result = import_file(admin, path, kind="contacts")
    assert result.rejected == 1
    (why,) = result.outcomes[0].problems.values()
    assert ids[0] in why and ids[1] in why


@pytest.mark.parametrize("written, links", [("北京恒通", True), ("北京恒通有限责任公司", True),
                                             ("北京恒通股份有限公司", False), ("北京恒通科技有限公司", False)])
def test_a_chinese_company_with_or_without_its_legal_form(admin, tmp_path, written, links):
    hengtong = records.create(admin, "customer", {"name": "北京恒通有限公司", "type": "Company"})["id"]
    path = write_csv(tmp_path / "联系人.csv", [["公司", "联系人"], [written, "李四"]])
    result = import_file(admin, path, kind="contacts")
    assert result.created == 1
    (linked,) = [c["customer_id"] for c in contacts(admin)]
    assert (linked == hengtong) is links
    assert len(customers(admin)) == (1 if links else 2)


def test_another_legal_form_is_another_company(admin, tmp_path):
    acme = records.create(admin, "customer", {"name": "Acme Ltd", "type": "Company"})["id"]
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name"], ["Acme Inc", "Alice Chen"]])
    result = import_file(admin, path, kind="contacts")
    assert result.customers_created == 1
    assert [c["customer_id"] for c in contacts(admin)] != [acme]


@pytest.mark.parametrize("chunk_rows", [1, 1000])
def test_a_company_created_earlier_in_the_same_file_is_found_written_another_way(admin, tmp_path, chunk_rows):
    path = write_csv(tmp_path / "contacts.csv", [["Company", "Contact Name", "Email"],
                                                 ["Gamma Ltd", "Alice Chen", "alice@gamma.example"],
                                                 ["GAMMA LIMITED", "Bob Li", "bob@gamma.example"],
                                                 ["Gamma", "Carol Wu", "carol@gamma.example"],
                                                 ["Gamma Inc", "Dan Xu", "dan@gamma.example"]])
    result = import_file(admin, path, kind="contacts", chunk_rows=chunk_rows)
    assert (result.created, result.customers_created) == (4, 2)
    by_name = {c["name"]: c["customer_id"] for c in contacts(admin)}
    assert by_name["Alice Chen"] == by_name["Bob Li"] == by_name["Carol Wu"] != by_name["Dan Xu"]
    assert sorted(c["name"] for c in customers(admin)) == ["Gamma Inc", "Gamma Ltd"]


def test_an_order_for_a_titled_name_links_to_the_stored_customer(admin, tmp_path):
    smith = records.create(admin, "customer", {"name": "John Smith"})["id"]
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Customer", "Order Date", "Amount", "Currency"],
                                               ["A-1", "Mr. John Smith", "2024-03-05", "10.00", "EUR"]])
    result = import_file(admin, path, kind="orders")
    assert result.customers_created == 0
    assert [o["customer_id"] for o in records.list_records(admin, "order")] == [smith]


# ----- email addresses ---------------------------------------------------------------------

@pytest.mark.parametrize("first, again, same", [
    ("john.smith@gmail.com", "JohnSmith+shop@googlemail.com", True),
    ("Jane.Doe@Example.COM", "jane.doe@example.com", True),
    ("john.smith@example.com", "johnsmith@example.com", False),
    ("john+shop@example.com", "john@example.com", False),
])
def test_one_mailbox_written_two_ways_is_one_customer(admin, tmp_path, first, again, same):
    path = write_csv(tmp_path / "e.csv", [["Name", "Email"], ["Ana", first], ["Ana Souza", again]])
    result = import_file(admin, path)
    assert result.duplicates == (1 if same else 0)
    assert len(customers(admin)) == (1 if same else 2)


def test_adding_a_customer_with_a_gmail_address_written_another_way_is_refused(run):
    assert run("customer", "add", "--name", "Ana", "--email", "ana.souza@gmail.com")[0] == 0
    code, _out, err = run("customer", "add", "--name", "Ana Souza", "--email", "AnaSouza+crm@gmail.com")
    assert code != 0 and "C-000001 already has this mailbox" in err and "--allow-duplicate" in err
    assert "Traceback" not in err and "anasouza" not in err.casefold()
    assert run("customer", "add", "--name", "Ana Souza", "--email", "AnaSouza+crm@gmail.com",
               "--allow-duplicate")[0] == 0
    assert run("customer", "add", "--name", "Bo", "--email", "ana.souza@example.com")[0] == 0
    listed = json.loads(run("--format", "json", "customer", "list")[1])
    assert len(listed) == 3


# ----- the rules themselves ----------------------------------------------------------------

def test_the_name_rules_read_as_the_docs_say():
    assert name_key("Mr Smith") != name_key("Mrs Smith") != name_key("Smith")
    assert name_key("王先生") != name_key("王女士")
    assert name_match("मीना", "मीनू") == OTHER and name_match("Йорк", "Иорк") == OTHER
    assert name_match("ガク", "カク") == OTHER
    assert name_match("王伟", "") == SAME and name_match("J. Smith", "John Smith") == UNSURE
    assert same_company("Müller & Söhne GmbH & Co. KG", "MUELLER") is False
    assert same_company("Müller & Söhne GmbH & Co. KG", "Muller & Sohne GmbH")
    assert email_key("a.b@gmail.com") == email_key("ab@gmail.com") != email_key("ab@example.com")


@pytest.mark.parametrize("stored, written", [("王伟", "王先生"), ("John Smith", "Mr Smith"), ("John Smith", "J. Smith")])
def test_an_order_naming_a_customer_who_may_be_a_stored_one_creates_a_customer_and_says_so(
        admin, tmp_path, stored, written):
    rid = records.create(admin, "customer", {"name": stored})["id"]
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Customer", "Order Date", "Amount", "Currency"],
                                               ["A-1", written, "2024-03-05", "10.00", "EUR"],
                                               ["A-2", written, "2024-03-06", "12.00", "EUR"]])
    result = import_file(admin, path, kind="orders")
    assert (result.created, result.customers_created) == (2, 1)
    (why,) = result.outcomes[0].warnings.values()
    assert f"a new customer '{written}', who may be {rid} ({stored})" in why and "Customer ID column" in why
    assert f"'{written}' / {rid} ({stored})" in said(result, "new customers who may be another")["evidence"]
    assert sorted(c["name"] for c in customers(admin)) == sorted([stored, written])


def test_new_customers_of_one_file_who_may_be_one_another_are_said(admin, tmp_path):
    path = write_csv(tmp_path / "orders.csv", [["Order ID", "Customer", "Order Date", "Amount", "Currency"],
                                               ["A-1", "王伟", "2024-03-05", "10.00", "CNY"],
                                               ["A-2", "王先生", "2024-03-06", "12.00", "CNY"],
                                               ["A-3", "李娜", "2024-03-06", "12.00", "CNY"]])
    result = import_file(admin, path, kind="orders")
    assert result.customers_created == 3
    assert "'王伟' of this file" in result.outcomes[1].warning
    assert not result.outcomes[2].warnings


def test_an_address_whose_domain_is_written_in_its_ascii_form_is_the_same_mailbox(admin, tmp_path):
    path = write_csv(tmp_path / "e.csv", [["姓名", "邮箱"], ["王伟", "wang@例子.中国"],
                                          ["王伟", "WANG@xn--fsqu00a.xn--fiqs8s"]])
    result = import_file(admin, path)
    assert (result.created, result.duplicates) == (1, 1)


@pytest.mark.parametrize("rows", [
    [["Mr. John Smith", "Acme Ltd"], ["SMITH, John", "ACME Limited"]],
    [["", "Acme Ltd"], ["", "ACME LIMITED"]],
    [["", "北京恒通有限公司"], ["", "北京恒通有限责任公司"]],
])
def test_customers_known_only_by_name_and_company_are_found_written_another_way(admin, tmp_path, rows):
    result = import_file(admin, write_csv(tmp_path / "c.csv", [["Name", "Company"], *rows]))
    assert (result.created, result.duplicates) == (1, 1)


# ----- the rules on many names --------------------------------------------------------------


_GIVEN = st.sampled_from(["John", "Jane", "José", "Anna", "Hans-Peter", "Marie", "Sam", "Li", "Ngọc"])
_FAMILY = st.sampled_from(["Smith", "Müller", "García", "Dupont", "Nguyễn", "O'Brien", "Lee", "Chen"])
_TITLE = st.sampled_from(["Mr.", "Mrs", "Ms", "Dr.", "Prof.", "Herr", "Frau", "M.", "Mme", "Sr.", "Sra.", "Sig.ra"])


def _shown(name: str, how: int) -> str:
    import unicodedata
    if how == 1:
        return name.upper()
    if how == 2:      # full width, as a Chinese input method types Latin letters
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in name)
    if how == 3:
        return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return name.replace(" ", "  ")


@settings(max_examples=300, deadline=None)
@given(_GIVEN, _FAMILY, _TITLE, st.integers(0, 3), st.booleans())
def test_a_title_case_width_marks_or_list_order_never_make_another_person(given_name, family, title, how, listed):
    plain = f"{given_name} {family}"
    written = f"{family}, {title} {given_name}" if listed else f"{title} {given_name} {family}"
    assert name_match(plain, _shown(written, how)) == SAME
    assert name_key(plain) == name_key(_shown(written, how))


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_the_name_rule_answers_the_same_whichever_name_comes_first(a, b):
    assert name_match(a, b) == name_match(b, a) in (SAME, OTHER, UNSURE)
