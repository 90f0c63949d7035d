"""What a small-business owner meets at the command line (issue 11's siblings): restore
after a password change, users enabled again, clear refusals instead of crashes, help
text, and output that is not cut."""

from __future__ import annotations

import io
import json
import sys

import pytest

from cims_xl.cli import main
from cims_xl.security.keys import KeyFile
from cims_xl.services import auth

from conftest import ADMIN_PASSWORD, FAST_KDF, USER_PASSWORD

NEW_PASSWORD = "Mango-Lighthouse-Violet-88"


@pytest.fixture
def run(store_path, monkeypatch, capsys):
    monkeypatch.setenv("CIMS_STORE", str(store_path))
    monkeypatch.setenv("CIMS_USER", "admin")
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("CIMS_BACKUP_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))     # a script: no terminal

    def invoke(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return invoke


def _names(run) -> list[str]:
    return sorted(c["name"] for c in json.loads(run("--format", "json", "customer", "list")[1]))


def _failed(store_path, who: str = "admin") -> int:
    return KeyFile.load(store_path).lockout(who).get("failed", 0)


# ----- A. restore after a password change -------------------------------------------------

@pytest.fixture
def backup_then_new_password(run, admin, store_path, tmp_path, monkeypatch):
    """A backup made with ADMIN_PASSWORD; then the admin's password became NEW_PASSWORD."""
    run("customer", "add", "--name", "Zoë Ångström")
    backup_file = json.loads(run("--format", "json", "backup", "--dir", str(tmp_path / "bk"))[1])["backup"]
    auth.change_password(admin, "admin", NEW_PASSWORD, kdf=FAST_KDF)
    admin.close()
    monkeypatch.setenv("CIMS_PASSWORD", NEW_PASSWORD)
    run("customer", "add", "--name", "Олег Петров")
    return backup_file


def test_a_backup_made_before_a_password_change_restores_with_its_own_password(
        run, backup_then_new_password, store_path, monkeypatch):
    monkeypatch.setenv("CIMS_BACKUP_PASSWORD", ADMIN_PASSWORD)
    code, out, err = run("restore", backup_then_new_password, "--yes")
    assert code == 0, err
    assert "password you had when the backup was made" in out + err
    monkeypatch.setenv("CIMS_PASSWORD", ADMIN_PASSWORD)     # the restored store holds the old one
    assert _names(run) == ["Zoë Ångström"]


def test_the_backup_password_can_be_the_second_line_of_stdin(run, backup_then_new_password, monkeypatch):
    monkeypatch.delenv("CIMS_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{NEW_PASSWORD}\n{ADMIN_PASSWORD}\n"))
    code, _out, err = run("--password-stdin", "restore", backup_then_new_password, "--yes")
    assert code == 0, err


def test_a_wrong_backup_password_names_the_backup_and_does_not_count_toward_the_store_lockout(
        run, backup_then_new_password, store_path, monkeypatch):
    code, out, err = run("restore", backup_then_new_password, "--yes")    # today's password: not the backup's
    assert code == 7 and out == ""
    assert "CIMS_BACKUP_PASSWORD" in err and "when the backup was made" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("CIMS_BACKUP_PASSWORD", "Not-The-Right-One-99")
    for _ in range(4):
        code, _out, err = run("restore", backup_then_new_password, "--yes")
        assert code == 7 and "does not open" in err
    assert _failed(store_path) == 0
    assert _names(run) == ["Zoë Ångström", "Олег Петров"]       # nothing was restored


def test_a_backup_made_with_todays_password_restores_without_asking(run, store_path, tmp_path):
    run("customer", "add", "--name", "Before")
    backup_file = json.loads(run("--format", "json", "backup", "--dir", str(tmp_path / "bk"))[1])["backup"]
    run("customer", "add", "--name", "After")
    code, out, err = run("restore", backup_file, "--yes")
    assert code == 0, err
    assert "password you had" not in out + err
    assert _names(run) == ["Before"]


def test_in_a_terminal_the_backup_password_is_asked_for_masked_when_todays_does_not_open_it(
        admin, store_path, tmp_path):
    from cims_xl.services import backup, records

    from test_cli_terminal import finish, spawn_cims

    records.create(admin, "customer", {"name": "Ngozi Okafor"})
    backup_file = backup.backup(admin, tmp_path / "bk")
    auth.change_password(admin, "admin", NEW_PASSWORD, kdf=FAST_KDF)
    admin.close()
    child = spawn_cims(["--store", str(store_path), "--user", "admin", "restore", str(backup_file), "--yes"],
                       cwd=tmp_path, password=NEW_PASSWORD)
    child.expect("Password for admin in the backup")
    child.sendline(ADMIN_PASSWORD)
    shown = finish(child)
    assert child.exitstatus == 0, shown
    assert ADMIN_PASSWORD not in shown and "Restored" in shown
    assert _failed(store_path) == 0
    auth.sign_in(store_path, "admin", ADMIN_PASSWORD).close()


# ----- B. users: enable, and the refusals around disable ------------------------------------

def _audit(run, entity_id: str) -> list[dict]:
    return json.loads(run("--format", "json", "audit", "show", "--id", entity_id)[1])


def test_a_disabled_user_is_enabled_again_with_a_new_password_and_the_trail_still_verifies(
        run, session_as, store_path, monkeypatch):
    session_as("sales", "mei").close()
    assert run("user", "disable", "mei")[0] == 0
    monkeypatch.setenv("CIMS_NEW_PASSWORD", NEW_PASSWORD)
    code, _out, err = run("user", "enable", "Mei")
    assert code == 0, err
    enable = [e for e in _audit(run, "mei") if e["action"] == "user.enable"]
    assert len(enable) == 1 and enable[0]["changes"] == {"disabled": [True, False]}
    users = {u["username"]: u for u in json.loads(run("--format", "json", "user", "list")[1])}
    assert users["mei"]["disabled"] is False and users["mei"]["can_sign_in"] is True
    auth.sign_in(store_path, "mei", NEW_PASSWORD).close()
    with pytest.raises(Exception):
        auth.sign_in(store_path, "mei", USER_PASSWORD)
    code, out, err = run("--format", "json", "audit", "verify")
    assert code == 0 and json.loads(out)["ok"] is True, out + err


def test_enabling_a_user_who_is_not_disabled_or_by_a_non_admin_is_refused(run, session_as, monkeypatch):
    session_as("sales", "mei").close()
    monkeypatch.setenv("CIMS_NEW_PASSWORD", NEW_PASSWORD)
    code, _out, err = run("user", "enable", "mei")
    assert code == 4 and "not disabled" in err
    session_as("support", "rui").close()
    run("user", "disable", "mei")
    monkeypatch.setenv("CIMS_USER", "rui")
    monkeypatch.setenv("CIMS_PASSWORD", USER_PASSWORD)
    code, _out, err = run("user", "enable", "mei")
    assert code == 5, err


def test_an_administrator_cannot_disable_themselves_nor_the_last_enabled_administrator(run, session_as):
    session_as("admin", "ines").close()
    code, _out, err = run("user", "disable", "admin")
    assert code == 4 and "yourself" in err and len(err.strip().splitlines()) == 1
    session_as("manager", "olu").close()
    assert run("user", "disable", "ines")[0] == 0
    code, _out, err = run("user", "role", "admin", "manager")      # the last enabled admin: refused
    assert code == 4 and "last administrator" in err
    users = {u["username"]: u for u in json.loads(run("--format", "json", "user", "list")[1])}
    assert users["admin"]["role"] == "admin"


def test_a_disabled_user_learns_it_only_with_the_right_password(run, session_as, store_path):
    from cims_xl.errors import AccountDisabled, WrongPassword

    session_as("support", "Łukasz".lower()).close()
    run("user", "disable", "łukasz")
    with pytest.raises(WrongPassword) as wrong:
        auth.sign_in(store_path, "łukasz", "Wrong-Horse-Battery-00")
    assert "disabled" not in wrong.value.message
    with pytest.raises(AccountDisabled) as right:
        auth.sign_in(store_path, "łukasz", USER_PASSWORD)
    assert "disabled" in right.value.message and "user enable" in right.value.message
    with pytest.raises(WrongPassword) as unknown:
        auth.sign_in(store_path, "nobody", USER_PASSWORD)
    assert "disabled" not in unknown.value.message


# ----- C. refusals instead of "an unexpected problem occurred" -------------------------------

@pytest.mark.parametrize("name, content", [
    ("customers.csv", "Name,Email\nSigrún Jónsdóttir,sigrun@example.is\n".encode()),
    ("alt.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),      # an old binary Excel file
    ("kunden.ods", b"PK\x03\x04not really"),
    ("notes", b"plain words"),
])
@pytest.mark.parametrize("action", ["refresh", "save", "reports"])
def test_sync_on_a_file_that_is_not_a_workbook_says_what_sync_takes(run, tmp_path, name, content, action):
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run("sync", str(path), action)
    assert code not in (0, 70) and out == ""
    assert len(err.strip().splitlines()) == 1 and ".xlsm" in err and "cims import" in err
    assert path.read_bytes() == content


@pytest.mark.parametrize("args", [
    ["report", "--out", "{missing}/bericht.xlsx"],
    ["gdpr", "export", "C-000001", "--out", "{missing}/person.json"],
    ["workbook", "build", "--out", "{missing}/shop.xlsm"],
    ["import", "{src}", "--report", "{missing}/rejected.xlsx"],
])
def test_an_output_file_in_a_missing_folder_is_refused_and_no_folder_is_made(run, tmp_path, args):
    run("customer", "add", "--name", "Kwame Mensah")
    src = tmp_path / "in.csv"
    src.write_text("Name\nAma Owusu\n", encoding="utf-8")
    missing = tmp_path / "nicht-da" / "tief"
    code, out, err = run(*[a.format(missing=missing, src=src) for a in args])
    assert code == 4 and out == ""
    assert "does not exist" in err and str(missing) in err and "create it first" in err
    assert not (tmp_path / "nicht-da").exists()
    assert _names(run) == ["Kwame Mensah"]


def test_an_output_file_whose_folder_is_a_file_is_refused(run, tmp_path):
    (tmp_path / "taken.txt").write_text("x", encoding="utf-8")
    code, _out, err = run("report", "--out", str(tmp_path / "taken.txt" / "r.xlsx"))
    assert code == 4 and "not a folder" in err


def test_a_backup_folder_that_cannot_be_made_names_the_folder_and_the_reason(run, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for folder in (blocker / "backups", "/proc/no-such-place"):
        code, out, err = run("backup", "--dir", str(folder))
        assert code == 10 and out == "" and str(folder) in err
        assert "Not a directory" in err or "No such file" in err
        assert len(err.strip().splitlines()) == 1
    actions = [e["action"] for e in json.loads(run("--format", "json", "audit", "show")[1])]
    assert "backup" not in actions                    # refused before anything was audited


def test_an_os_error_that_reaches_the_edge_names_the_file_and_the_reason_not_a_crash(run, tmp_path, monkeypatch):
    from cims_xl.services import backup

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device", str(tmp_path / "bk" / "x.cimsbak"))
    monkeypatch.setattr(backup, "backup", full_disk)
    code, _out, err = run("backup", "--dir", str(tmp_path / "bk"))
    assert code == 74 and "No space left on device" in err and "x.cimsbak" in err
    assert "unexpected" not in err


# ----- E. help and messages ----------------------------------------------------------------

def _help(run, *command: str) -> str:
    code, out, _err = run(*command, "--help")
    assert code == 0
    return " ".join(out.split())


def test_import_help_explains_the_duplicate_choices_and_what_the_report_holds(run):
    text = _help(run, "import", "file")
    for words in ("skip = leave the record", "update = change the record", "create = add it as a new record",
                  "fill = only fields that are empty", "overwrite = every field", "rejected rows",
                  "skipped as duplicates", "two-letter code"):
        assert words in text, words


def test_an_update_import_that_filled_nothing_says_how_to_overwrite(run, tmp_path):
    run("customer", "add", "--name", "Ana Souza", "--email", "ana@example.br", "--city", "Recife")
    src = tmp_path / "clientes.csv"
    src.write_text("Nome,E-mail,Cidade\nAna Souza,ana@example.br,Salvador\n", encoding="utf-8")
    code, out, err = run("import", str(src), "--map", "Nome=name", "--map", "E-mail=email", "--map", "Cidade=city",
                         "--on-duplicate", "update")
    assert code == 0, err
    assert "1 duplicate not updated" in out + err and "--update-mode overwrite" in out + err
    code, out, err = run("import", str(src), "--map", "Nome=name", "--map", "E-mail=email", "--map", "Cidade=city",
                         "--on-duplicate", "update", "--update-mode", "overwrite")
    assert code == 0, err
    assert "not updated" not in out + err
    assert json.loads(run("--format", "json", "customer", "show", "C-000001")[1])["city"] == "Salvador"


def test_the_import_report_holds_duplicates_too_with_what_they_matched(run, tmp_path):
    import openpyxl

    run("customer", "add", "--name", "Ана Иванова", "--email", "ana@example.ru")
    src = tmp_path / "клиенты.csv"
    src.write_text("Name,Email\nАна Иванова,ana@example.ru\n,\u200b\nБорис,not-an-email\n", encoding="utf-8")
    out_file = tmp_path / "report.xlsx"
    code, _out, err = run("import", str(src), "--report", str(out_file))
    assert code == 0, err
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook(out_file).worksheets
                    for row in ws.iter_rows() for c in row if c.value is not None)
    assert "C-000001" in text and "not-an-email" in text


def test_sync_refusing_unsaved_rows_names_force(run, tmp_path):
    from test_sync_support import Editor, new_workbook

    run("customer", "add", "--name", "Fatima Zahra")
    book = new_workbook(tmp_path / "shop.xlsx")
    assert run("sync", str(book), "refresh")[0] == 0
    with Editor(book) as ed:
        ed.set("C-000001", "City", "Rabat")
    code, _out, err = run("sync", str(book), "refresh")
    assert code != 0 and "--force" in err and "unsaved" in err


def test_sync_sheet_names_are_taken_in_any_case(run, tmp_path):
    from test_sync_support import new_workbook

    run("customer", "add", "--name", "Nguyễn Văn An")
    book = new_workbook(tmp_path / "shop.xlsx")
    code, out, err = run("--format", "json", "sync", str(book), "refresh", "--sheet", "customers")
    assert code == 0, err
    assert list(json.loads(out)["sheets"]) == ["Customers"]


def test_a_report_period_that_ends_before_it_starts_is_refused(run):
    code, out, err = run("report", "--from", "2025-06-30", "--to", "2025-01-01")
    assert code == 4 and out == "" and "--from 2025-06-30 is after --to 2025-01-01" in err
    assert run("report", "--from", "2025-01-01", "--to", "2025-01-01")[0] == 0


@pytest.mark.parametrize("args", [
    ["customer", "list", "--limit", "-1"],
    ["customer", "search", "--limit", "0"],
    ["customer", "search", "--offset", "-5"],
    ["audit", "show", "--limit", "-3"],
    ["backup", "--keep", "0"],
])
def test_negative_or_zero_counts_are_refused_by_the_option(run, args):
    code, out, err = run(*args)
    assert code == 2 and out == "" and args[-2] in err


@pytest.mark.parametrize("region, expected", [("XX", None), ("Germny", "DE"), ("ZZ", "ZA")])
def test_an_unknown_phone_region_is_refused_with_the_nearest_regions(run, tmp_path, region, expected):
    src = tmp_path / "k.csv"
    src.write_text("Name,Phone\nHans Müller,030 1234567\n", encoding="utf-8")
    code, out, err = run("import", str(src), "--region", region)
    assert code != 0 and "phone region" in err and region in err
    if expected:
        assert expected in err
    assert _names(run) == []


@pytest.mark.parametrize("region", ["de", "Deutschland", "Germany"])
def test_a_phone_region_is_taken_in_any_case_or_as_a_country_name(run, tmp_path, region):
    src = tmp_path / "k.csv"
    src.write_text("Name,Phone\nHans Müller,030 1234567\n", encoding="utf-8")
    code, _out, err = run("import", str(src), "--region", region)
    assert code == 0, err
    rows = json.loads(run("--format", "json", "customer", "list")[1])
    assert rows[0]["phone"] == "+49301234567"


def test_role_names_are_taken_in_any_case(run, monkeypatch):
    monkeypatch.setenv("CIMS_NEW_PASSWORD", NEW_PASSWORD)
    assert run("user", "add", "lin", "--role", "Sales")[0] == 0
    assert run("user", "role", "lin", "MANAGER")[0] == 0
    users = {u["username"]: u for u in json.loads(run("--format", "json", "user", "list")[1])}
    assert users["lin"]["role"] == "manager"


def test_an_imported_customers_old_id_works_wherever_a_customer_is_typed(run, tmp_path):
    src = tmp_path / "superstore.csv"
    src.write_text("Customer ID,Customer Name,City\nCG-12520,Claire Gute,Henderson\n"
                   "DV-13045,Darrin Van Huff,Los Angeles\n", encoding="utf-8")
    assert run("import", str(src))[0] == 0
    ours = {c["name"]: c["id"] for c in json.loads(run("--format", "json", "customer", "list")[1])}
    code, out, err = run("--format", "json", "order", "add", "--customer-id", "cg-12520", "--order-number", "US-1",
                         "--order-date", "2024-03-01", "--product", "Chair", "--quantity", "1", "--amount", "9.50")
    assert code == 0, err
    assert json.loads(out)["customer_id"] == ours["Claire Gute"]
    for args in (["contact", "add", "--customer-id", "DV-13045", "--name", "Dana"],
                 ["order", "list", "--customer", "CG-12520"],
                 ["customer", "edit", "DV-13045", "--city", "Pasadena"],
                 ["customer", "history", "DV-13045"],
                 ["gdpr", "export", "CG-12520"]):
        code, out, err = run("--format", "json", *args)
        assert code == 0, (args, err)
    orders = json.loads(run("--format", "json", "order", "list", "--customer", "CG-12520")[1])
    assert [o["order_number"] for o in orders] == ["US-1"]
    assert json.loads(run("--format", "json", "customer", "show", ours["Darrin Van Huff"])[1])["city"] == "Pasadena"


# ----- D. output people read ---------------------------------------------------------------

def _value_column(out: str) -> str:
    """The text of a field/value table's value column, folded lines joined; of a summary
    shown as lines (too wide for its table), every line joined."""
    parts = [line.split("│")[2].strip() for line in out.splitlines() if line.count("│") >= 3]
    lines = [line.strip() for line in out.splitlines() if not line.startswith(("│", "┃", "┏", "┡", "└", "┌", "├"))]
    return "".join(parts) + "\n" + "".join(lines)


def test_the_backup_path_is_shown_whole_and_the_counts_as_a_small_table(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    run("customer", "add", "--name", "Søren Kierkegaard")
    run("order", "add", "--customer-id", "C-000001", "--order-number", "DK-7", "--order-date", "2024-05-01",
        "--product", "Bog", "--quantity", "2", "--amount", "120")
    deep = tmp_path / "sikkerhedskopier" / "ein-sehr-langer-ordnername-für-die-sicherungen" / "每日备份"
    code, out, err = run("backup", "--dir", str(deep))
    assert code == 0, err
    made = next(deep.glob("*.cimsbak"))
    assert "…" not in out and str(made) in _value_column(out)
    counts = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in out.splitlines()
              if line.count("│") == 3 and line.split("│")[1].strip() in ("customer", "order", "ticket")}
    assert counts == {"customer": "1", "order": "1", "ticket": "0"}
    code, out, err = run("restore", str(made), "--yes")
    assert code == 0, err
    assert "…" not in out and str(made) in _value_column(out)


def test_ids_in_a_narrow_table_are_never_cut(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    for name in ("Maximilian Alexander von Hohenzollern-Sigmaringen", "Thandiwe Nokuthula Mthembu-Dlamini"):
        run("customer", "add", "--name", name, "--email", name.split()[0].lower() + "@a-long-domain.example.org",
            "--city", "Johannesburg", "--company", "Acme Holdings International")
    code, out, err = run("customer", "list")
    assert code == 0, err
    assert "C-000001" in out and "C-000002" in out and "…" not in out


def test_user_list_headers_read_as_words(run):
    code, out, err = run("user", "list")
    assert code == 0, err
    assert "signing key" in out and "key seen here" in out
    assert "key_on_this_computer" not in out and "signing_key" not in out
    users = json.loads(run("--format", "json", "user", "list")[1])
    assert "signing_key" in users[0]                          # scripts keep the keys


def test_history_and_audit_tables_show_changes_as_old_to_new_lines(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    run("customer", "add", "--name", "Ελένη Παπαδοπούλου", "--city", "Αθήνα")
    run("customer", "edit", "C-000001", "--city", "Θεσσαλονίκη")
    code, out, err = run("customer", "history", "C-000001")
    assert code == 0, err
    assert "city: Αθήνα → Θεσσαλονίκη" in out and "city: – → Αθήνα" in out
    assert '["' not in out and "{" not in out
    code, out, err = run("audit", "show", "--id", "C-000001")
    assert code == 0, err
    assert "city: Αθήνα → Θεσσαλονίκη" in out
    history = json.loads(run("--format", "json", "customer", "history", "C-000001")[1])
    assert history[-1]["changes"]["city"] == ["Αθήνα", "Θεσσαλονίκη"]   # JSON keeps the structure


def test_the_totp_uri_is_printed_whole_on_its_own_line(run):
    code, out, err = run("user", "totp", "admin")
    assert code == 0, err
    uris = [line for line in out.splitlines() if line.startswith("otpauth://")]
    assert len(uris) == 1 and "secret=" in uris[0] and uris[0].endswith("period=30")
    assert "cims user totp admin --confirm CODE" in out


def test_in_a_terminal_the_totp_enrolment_shows_a_qr_code_and_the_whole_uri(store_path, tmp_path):
    from test_cli_terminal import finish, spawn_cims

    child = spawn_cims(["--store", str(store_path), "--user", "admin", "user", "totp", "admin"],
                       cwd=tmp_path, password=ADMIN_PASSWORD)
    raw = finish(child)
    assert child.exitstatus == 0, raw
    assert sum(ch in "▀▄█" for ch in raw) > 100                 # the QR code, in half blocks
    uri = next(line for line in raw.splitlines() if line.startswith("otpauth://"))
    assert "secret=" in uri and uri.endswith("period=30")


# ----- F. what the workbook and the docs say -------------------------------------------------

def test_the_home_sheet_says_to_install_from_the_source_folder():
    import openpyxl

    from conftest import REPO

    ws = openpyxl.load_workbook(REPO / "workbook" / "cims.xlsm", keep_vba=False)["Home"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "pip install -e ." in text and "source folder" in text
    assert "pip install cims_xl" not in text


def test_the_owner_docs_say_where_failed_sign_ins_are_counted_and_how_to_restore_after_a_password_change():
    from conftest import REPO

    text = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "A failed sign-in cannot be written there" in text and "key file's lockout" in text
    assert "CIMS_BACKUP_PASSWORD" in text and "cims user enable NAME" in text
