"""Every ribbon button, run headless on a real workbook file with a scripted user.

Excel is the only thing faked: `FakeUI` answers the prompts a person would answer;
the workbook is a real file, the store a real encrypted one.
"""

from __future__ import annotations

import re

import openpyxl
import pytest

from cims_xl.excel import live_session, ribbon
from cims_xl.excel.adapter import FileWorkbook
from cims_xl.excel.build import REPO_ROOT
from cims_xl.services import auth, records
from conftest import ADMIN_PASSWORD, USER_PASSWORD
from test_sync_support import Editor, new_workbook, row_of, table_rows

CONTROL_IDS = {"btnSignIn", "btnSignOut", "btnRefreshSheet", "btnRefreshAll", "btnSave", "btnDelete",
               "btnFind", "btn360", "btnNewTicket", "btnLogInteraction", "btnImport", "btnReports",
               "btnBackup", "btnUsers"}


class FakeUI:
    """A person at the keyboard: answers prompts by their first words, says yes or no."""

    def __init__(self, answers: dict[str, str] | None = None, confirm: bool = True):
        self.answers = dict(answers or {})
        self.confirm_answer = confirm
        self.messages: list[str] = []
        self.questions: list[str] = []
        self.prompts: list[str] = []
        self.progressed = 0

    def message(self, text, title="CIMS"):
        self.messages.append(text)

    def confirm(self, text, title="CIMS"):
        self.questions.append(text)
        return self.confirm_answer

    def ask(self, prompt, title="CIMS", default=""):
        self.prompts.append(prompt)
        for start, answer in self.answers.items():
            if prompt.startswith(start):
                return answer
        return default or None

    def ask_password(self, prompt, title="CIMS"):
        return self.ask(prompt, title)

    def progress(self, done, total, text):
        self.progressed += 1

    def clear_progress(self):
        pass


@pytest.fixture(autouse=True)
def signed_out():
    live_session.use(None)
    yield
    live_session.use(None)


@pytest.fixture
def path(tmp_path, store_path):
    p = new_workbook(tmp_path / "cims.xlsx")
    book = FileWorkbook(p)
    book.set_name("CIMS_StorePath", str(store_path))
    book.save()
    return p


@pytest.fixture
def signed_in(admin):
    live_session.use(admin)
    return admin


@pytest.fixture
def customers(admin):
    return [records.create(admin, "customer", {"name": n, "city": c})["id"]
            for n, c in (("Alice Wang", "Shanghai"), ("Bob Li", "Beijing"))]


def press(control_id, path, ui=None, **kw):
    ui = ui or FakeUI()
    line = ribbon.dispatch(control_id, FileWorkbook(path, ui=ui, **kw))
    return line, ui


def home(path, name):
    return FileWorkbook(path).get_name(name)


# ----- the contract ------------------------------------------------------------------------

def test_every_button_of_the_ribbon_has_a_handler():
    xml = (REPO_ROOT / "vba" / "customUI14.xml").read_text(encoding="utf-8")
    ids = set(re.findall(r'<button id="(\w+)"', xml))
    assert ids == CONTROL_IDS == set(ribbon.DISPATCH)
    assert all(callable(h) for h in ribbon.DISPATCH.values())


def test_an_unknown_button_gets_a_message_not_an_error(path):
    line, ui = press("btnNope", path)
    assert line is None and "btnNope" in ui.messages[0]


# ----- sign in / out --------------------------------------------------------------------------

def test_sign_in_asks_for_name_and_masked_password_and_shows_the_user_on_home(path, store_path):
    ui = FakeUI({"User name": "admin", "Password": ADMIN_PASSWORD})
    line, _ = press("btnSignIn", path, ui)
    assert line == "Signed in as admin (admin)."
    assert live_session.current().username == "admin"
    assert home(path, "CIMS_SignedInUser") == "admin (admin)"
    assert home(path, "CIMS_StorePath") == str(store_path)
    assert home(path, "CIMS_StatusLine") == line


def test_a_wrong_password_is_a_plain_message_and_no_one_is_signed_in(path):
    ui = FakeUI({"User name": "admin", "Password": "wrong"})
    line, _ = press("btnSignIn", path, ui)
    assert line is None and live_session.peek() is None
    assert ui.messages[0].startswith("Wrong user name or password")
    assert "Traceback" not in ui.messages[0]


def test_cancelling_the_sign_in_prompt_does_nothing(path):
    line, ui = press("btnSignIn", path, FakeUI({"User name": ""}))
    assert line is None and ui.messages == [] and live_session.peek() is None


def test_sign_out_ends_the_session_and_home_says_so(path, signed_in):
    line, _ = press("btnSignOut", path)
    assert line == "Signed out." and live_session.peek() is None
    assert home(path, "CIMS_SignedInUser") == "Not signed in"


def test_buttons_need_a_signed_in_user(path):
    line, ui = press("btnRefreshAll", path)
    assert line is None and ui.messages == ["Sign in first: use Sign in on the CIMS tab."]


# ----- refresh, save, delete -----------------------------------------------------------------------

def test_refresh_sheet_loads_the_active_data_sheet(path, signed_in, customers):
    line, ui = press("btnRefreshSheet", path, active="Customers")
    assert line == "Refreshed Customers (2 rows)"
    assert [r["_key"] for r in table_rows(path)] == customers
    assert ui.progressed > 0


def test_refresh_sheet_on_a_sheet_without_data_says_where_to_go(path, signed_in):
    line, ui = press("btnRefreshSheet", path, active="Home")
    assert line is None and ui.messages[0].startswith("Go to a data sheet first")


def test_refresh_with_unsaved_changes_asks_and_keeps_them_when_told_no(path, signed_in, customers):
    press("btnRefreshAll", path)
    with Editor(path) as ed:
        ed.set(customers[0], "City", "Hangzhou")
    line, ui = press("btnRefreshSheet", path, FakeUI(confirm=False), active="Customers")
    assert line is None and "unsaved" in ui.questions[0]
    assert row_of(path, customers[0])["City"] == "Hangzhou"
    press("btnRefreshSheet", path, FakeUI(confirm=True), active="Customers")
    assert row_of(path, customers[0])["City"] == "Shanghai"


def test_save_sends_the_edits_of_the_active_sheet(path, signed_in, customers):
    press("btnRefreshAll", path)
    with Editor(path) as ed:
        ed.set(customers[1], "City", "Tianjin")
    line, ui = press("btnSave", path, active="Customers")
    assert line == "Saved Customers: 1 updated" and ui.messages == []
    assert records.get(signed_in, customers[1])["city"] == "Tianjin"
    assert row_of(path, customers[1])["Status"] == "Updated"


def test_save_tells_the_user_when_rows_were_not_saved(path, signed_in, customers):
    press("btnRefreshAll", path)
    with Editor(path) as ed:
        ed.set(customers[1], "Email", "nope")
    line, ui = press("btnSave", path, active="Customers")
    assert line == "Saved Customers: 1 invalid"
    assert ui.messages == ["Saved Customers: 1 invalid. The Status column says why for each row."]


def test_save_says_how_many_new_rows_were_duplicates_and_not_saved(path, signed_in, customers):
    press("btnRefreshAll", path)
    records.update(signed_in, customers[0], {"mobile": "+86 139 1234 5678"})
    press("btnRefreshSheet", path, active="Customers")
    with Editor(path) as ed:
        ed.add_row({"Name": "Alice Wang", "Mobile": "13912345678"})
        ed.add_row({"Name": "Zhou Xun", "Email": "zhou.xun@example.cn"})
    line, ui = press("btnSave", path, active="Customers")
    assert line == "Saved Customers: 1 created, 1 duplicate not saved"
    assert ui.messages == [line + ". The Status column says why for each row."]


def test_delete_selected_asks_then_deletes_the_selected_customers(path, signed_in, customers):
    press("btnRefreshAll", path)
    line, ui = press("btnDelete", path, active="Customers", selection={"Customers": [0]})
    assert line == "Deleted 1 record(s) on Customers."
    assert customers[0] in ui.questions[0]
    assert [r["_key"] for r in table_rows(path)] == [customers[1]]
    assert [r["id"] for r in records.list_records(signed_in, "customer")] == [customers[1]]


def test_delete_selected_without_a_selection_says_what_to_do(path, signed_in, customers):
    press("btnRefreshAll", path)
    line, ui = press("btnDelete", path, active="Customers", selection={"Customers": []})
    assert line is None and ui.messages[0].startswith("Select one or more rows")


# ----- customer actions ------------------------------------------------------------------------

def test_find_writes_the_matches_to_a_results_sheet(path, signed_in, customers):
    line, _ = press("btnFind", path, FakeUI({"Find customers": "city:Beijing"}))
    assert line == "Find 'city:Beijing': 1 customer(s) on the Find Results sheet."
    ws = openpyxl.load_workbook(path)["Find Results"]
    assert ws["A1"].value == "ID" and ws["A2"].value == customers[1] and ws["A3"].value is None


def test_customer_360_shows_everything_about_the_selected_customer(path, signed_in, customers):
    records.create(signed_in, "order", {"customer_id": customers[0], "order_date": "2024-01-02", "amount": 88})
    press("btnRefreshAll", path)
    line, _ = press("btn360", path, active="Customers", selection={"Customers": [0]})
    assert line == f"Customer 360 for {customers[0]} on the Customer 360 sheet."
    ws = openpyxl.load_workbook(path)["Customer 360"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Alice Wang" in values and "Orders (1)" in values and 88 in values


def test_customer_actions_need_a_selected_customer_row(path, signed_in, customers):
    line, ui = press("btn360", path, active="Home")
    assert line is None and ui.messages[0].startswith("Select a customer's row first")


def test_new_ticket_opens_a_ticket_for_the_selected_customer_and_shows_it(path, signed_in, customers):
    press("btnRefreshAll", path)
    ui = FakeUI({"New ticket": "Printer jams", "Priority": "P2"})
    line, _ = press("btnNewTicket", path, ui, active="Customers", selection={"Customers": [1]})
    ticket = records.list_records(signed_in, "ticket")[0]
    assert line == f"Ticket {ticket['id']} opened for {customers[1]}."
    assert (ticket["customer_id"], ticket["subject"], ticket["priority"]) == (customers[1], "Printer jams", "P2")
    assert row_of(path, ticket["id"], "Tickets")["Subject"] == "Printer jams"


def test_new_ticket_from_a_sheet_with_a_customer_id_column(path, signed_in, customers):
    records.create(signed_in, "order", {"customer_id": customers[0], "order_date": "2024-01-02", "amount": 1})
    press("btnRefreshAll", path)
    ui = FakeUI({"New ticket": "Wrong invoice", "Priority": "P3"})
    press("btnNewTicket", path, ui, active="Orders", selection={"Orders": [0]})
    assert records.list_records(signed_in, "ticket")[0]["customer_id"] == customers[0]


def test_log_interaction_records_a_call_for_the_selected_customer(path, signed_in, customers):
    press("btnRefreshAll", path)
    ui = FakeUI({"Interaction with": "Call", "Subject": "Follow-up", "Notes": "wants a quote"})
    line, _ = press("btnLogInteraction", path, ui, active="Customers", selection={"Customers": [0]})
    rec = records.list_records(signed_in, "interaction")[0]
    assert line == f"Interaction {rec['id']} logged for {customers[0]}."
    assert (rec["kind"], rec["subject"], rec["notes"]) == ("Call", "Follow-up", "wants a quote")


def test_cancelling_a_prompt_creates_nothing(path, signed_in, customers):
    press("btnRefreshAll", path)
    line, ui = press("btnNewTicket", path, FakeUI({"New ticket": ""}), active="Customers",
                     selection={"Customers": [0]})
    assert line is None and ui.messages == [] and records.list_records(signed_in, "ticket") == []


# ----- import, reports, admin --------------------------------------------------------------------

def test_import_reads_the_file_named_on_the_import_sheet_after_confirmation(path, signed_in, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("Name,Email,City\nZhao Lei,zhao@example.cn,Nanjing\nQian Yu,qian@example.cn,Wuxi\n",
                      encoding="utf-8")
    book = FileWorkbook(path)
    book.set_name("CIMS_ImportFile", str(source))
    book.save()
    line, ui = press("btnImport", path, active="Import")
    assert line is not None and line.startswith("Imported people.csv: 2 created"), ui.messages
    assert "Import 2 rows from people.csv?" in ui.questions[0]
    assert sorted(r["city"] for r in records.list_records(signed_in, "customer")) == ["Nanjing", "Wuxi"]


def test_import_declined_writes_nothing(path, signed_in, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("Name,City\nZhao Lei,Nanjing\n", encoding="utf-8")
    line, ui = press("btnImport", path, FakeUI({"File to import": str(source)}, confirm=False), active="Import")
    assert line == "Import cancelled; nothing was written."
    assert records.list_records(signed_in, "customer") == []


def test_refresh_reports_fills_the_report_sheets(path, signed_in, customers):
    line, ui = press("btnReports", path)
    assert line == "Refreshed 4 report sheet(s).", ui.messages


def test_backup_now_writes_a_backup_and_says_where(path, signed_in, store_path):
    line, ui = press("btnBackup", path)
    assert line.startswith("Backup written: ")
    written = ui.messages[0].split("\n", 1)[1]
    assert written.startswith(str(store_path.parent)) and (store_path.parent / "backups").is_dir()


def test_backup_is_refused_to_a_non_admin(path, session_as):
    live_session.use(session_as("manager"))
    line, ui = press("btnBackup", path)
    assert line is None and "may not" in ui.messages[0]


def test_users_lists_the_users_and_adds_one(path, signed_in, store_path):
    ui = FakeUI({"Add a user": "carol", "Role for": "support", "Password for": USER_PASSWORD,
                 "Type the password again": USER_PASSWORD})
    line, _ = press("btnUsers", path, ui)
    assert line == "User carol (support) added."
    ws = openpyxl.load_workbook(path)["Users"]
    assert [ws["A1"].value, ws["A2"].value] == ["User", "admin"]
    assert auth.sign_in(store_path, "carol", USER_PASSWORD).role == "support"


def test_users_with_mismatched_passwords_adds_no_one(path, signed_in):
    ui = FakeUI({"Add a user": "carol", "Role for": "support", "Password for": USER_PASSWORD,
                 "Type the password again": "other"})
    line, _ = press("btnUsers", path, ui)
    assert line is None and ui.messages[0].startswith("The passwords differ")
    assert [u["username"] for u in auth.list_users(signed_in)] == ["admin"]


def test_users_is_for_admins_only(path, session_as):
    live_session.use(session_as("manager"))
    line, ui = press("btnUsers", path)
    assert line is None and ui.messages == ["manager1 (manager) may not do this (administrators only)"]


# ----- errors -------------------------------------------------------------------------------------

def test_an_unexpected_error_shows_a_short_message_and_logs_the_traceback(path, signed_in, monkeypatch, tmp_path):
    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "logs"))

    data = "customer 张伟 +8613800138000"

    def broken(*a, **kw):
        raise RuntimeError(data)

    monkeypatch.setattr("cims_xl.excel.sync.refresh_book", broken)
    line, ui = press("btnRefreshAll", path)
    assert line is None
    assert ui.messages[0].startswith("Something went wrong (RuntimeError). The details are in ")
    assert "张伟" not in ui.messages[0]
    log = (tmp_path / "logs" / "excel.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "btnRefreshAll" in log and "in broken" in log
    assert "RuntimeError: (message left out of the log: 26 characters" in log
    assert "张伟" not in log and "8613800138000" not in log


def test_a_full_disk_behind_a_button_is_named_not_something_went_wrong(path, signed_in, monkeypatch, tmp_path):
    import sqlcipher3

    monkeypatch.setenv("CIMS_LOG_DIR", str(tmp_path / "logs"))
    conn = sqlcipher3.connect(":memory:")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute("PRAGMA max_page_count = 2")       # SQLite then answers as a full disk does
    try:
        conn.execute("INSERT INTO t SELECT hex(randomblob(9000))")
    except sqlcipher3.Error as exc:
        full = exc

    def save_on_a_full_disk(*a, **kw):
        raise full

    monkeypatch.setattr("cims_xl.excel.sync.refresh_book", save_on_a_full_disk)
    line, ui = press("btnRefreshAll", path)
    assert line is None
    assert ui.messages[0].startswith("The store could not be written: the disk holding it is full")


def test_a_damaged_key_file_is_named_in_the_message_as_it_is_spelt(path, store_path):
    keys = store_path.with_name(store_path.name + ".keys")
    keys.write_bytes(b"not a key file at all")
    ui = FakeUI({"User name": "admin", "Password": ADMIN_PASSWORD})
    line, _ = press("btnSignIn", path, ui)
    assert line is None and live_session.peek() is None
    assert ui.messages[0].startswith(keys.name + " is damaged"), ui.messages


@pytest.mark.parametrize("message, shown", [
    ("the store is locked by another program", "The store is locked by another program"),
    ("s.cims.keys is damaged", "s.cims.keys is damaged"),
    ("li.wei@example.com is already a user", "li.wei@example.com is already a user"),
    ("/home/ann/s.cims is not a cims store", "/home/ann/s.cims is not a cims store"),
    ("", ""),
])
def test_a_message_box_capitalises_a_sentence_but_never_a_file_name_or_email(message, shown):
    assert ribbon.as_sentence(message) == shown
