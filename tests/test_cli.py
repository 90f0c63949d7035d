"""The `cims` command line: the contract in PRODUCT.md, run in-process and as a real command."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import click


from cims_xl.cli import cli, main

from conftest import ADMIN_PASSWORD, realworld


def _commands(group: click.Group, prefix=()):
    for name, cmd in group.commands.items():
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


def test_every_command_has_help_text():
    missing = [" ".join(path) for path, cmd in _commands(cli) if not (cmd.help or "").strip()]
    assert missing == []


def test_the_commands_product_md_names_all_exist():
    paths = {" ".join(p) for p, _ in _commands(cli)}
    for name in ("init", "user add", "user list", "user role", "user passwd", "user disable", "user totp",
                 "customer add", "customer show", "customer search", "customer edit", "customer delete",
                 "customer merge", "contact add", "interaction add", "order add", "opportunity add", "ticket add",
                 "import", "import undo", "report", "sync", "workbook build", "backup", "restore", "rekey",
                 "audit show", "audit verify", "gdpr export", "gdpr erase", "demo"):
        assert name in paths, name


def test_json_output_is_valid_json_and_nothing_else(run):
    code, out, err = run("--format", "json", "customer", "add", "--name", "钱七", "--mobile", "139 1234 5678",
                         "--email", "qian@Example.COM", "--postal-code", "010020")
    assert code == 0, err
    created = json.loads(out)
    assert created["mobile"] == "+8613912345678" and created["email"] == "qian@example.com"
    assert created["postal_code"] == "010020"
    code, out, _ = run("--format", "json", "customer", "search", "13912345678")
    page = json.loads(out)
    assert page["total"] == 1 and page["rows"][0]["name"] == "钱七"
    code, out, _ = run("--format", "json", "customer", "list")
    assert isinstance(json.loads(out), list)


def test_a_user_error_is_one_line_on_stderr_with_a_nonzero_exit_and_no_traceback(run):
    code, out, err = run("customer", "add", "--name", "Bad", "--email", "not-an-email")
    assert code != 0 and out == ""
    assert err.strip().splitlines() == ["Error: Email: not an email address: no @ ('not-an-email')"]
    code, _out, err = run("customer", "show", "C-999999")
    assert code == 3 and err.strip() == "Error: no customer C-999999"


def test_a_wrong_password_is_refused_in_one_line(run, monkeypatch):
    monkeypatch.setenv("CIMS_PASSWORD", "wrong-password-here")
    code, out, err = run("customer", "list")
    assert code == 7 and "Traceback" not in err
    assert err.startswith("Error: wrong user name or password")


def test_the_password_can_come_from_stdin(store_path, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CIMS_STORE": str(store_path)}
    import os
    env["PATH"] = os.environ["PATH"]
    out = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--user", "admin", "--password-stdin",
                          "--format", "json", "user", "list"], input=ADMIN_PASSWORD + "\n",
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert [u["username"] for u in json.loads(out.stdout)] == ["admin"]


def test_csv_output_neutralises_formula_looking_text(run):
    run("customer", "add", "--name", "=HYPERLINK(\"http://x\")", "--city", "@SUM(A1)")
    code, out, _ = run("--format", "csv", "customer", "list")
    line = out.splitlines()[1]
    assert "'=HYPERLINK" in line


def test_edit_with_a_stale_version_reports_a_conflict(run):
    run("customer", "add", "--name", "Versioned")
    assert run("customer", "edit", "C-000001", "--city", "A", "--expected-version", "1")[0] == 0
    code, _out, err = run("customer", "edit", "C-000001", "--city", "B", "--expected-version", "1")
    assert code == 6 and "was changed by admin" in err


def test_audit_verify_passes_on_an_honest_store(run):
    run("customer", "add", "--name", "Audited")
    code, out, _ = run("--format", "json", "audit", "verify")
    assert code == 0 and json.loads(out)["ok"] is True


def test_import_shows_which_rows_were_not_imported_and_why(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Phone\nAnn,ann@example.com,\nBob,not-an-email,\nAnn again, ANN@example.com ,\n",
                    encoding="utf-8")
    code, out, err = run("import", str(path), "--dry-run")
    assert code == 0, err
    assert "Rows not imported" in out
    lines = [" ".join(line.replace("│", " ").split()) for line in out.splitlines()]
    # an unreadable optional field: the row is kept, the field left empty (issue 14)
    assert any(line.startswith("3 created with a warning Email:") for line in lines), out
    assert "4 duplicate duplicate of row 2 (same email)" in lines, out


def test_a_long_list_of_rows_not_imported_is_cut_and_points_to_the_report(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    path = tmp_path / "bad.csv"
    path.write_text("Name,Email\n" + "".join(f",bad{i}\n" for i in range(60)), encoding="utf-8")
    code, out, err = run("import", str(path), "--dry-run")
    assert code == 0, err
    listed = [line for line in out.splitlines() if re.match(r"│ +\d+ +│ rejected", line)]
    assert len(listed) == 50
    assert "… and 10 more; --report OUT.xlsx lists them all with their values" in out + err


def test_import_prints_counts_that_add_up_and_undo_reverts_it(run):
    path = realworld("chinese", "hutool_test_bean.csv")
    code, out, err = run("--format", "json", "import", str(path))
    assert code == 0, err
    result = json.loads(out)
    assert result["created"] + result["updated"] + result["duplicates"] + result["rejected"] == result["rows"]
    assert result["batch"]
    code, out, err = run("--format", "json", "import", "undo", result["batch"])
    assert code == 0, err
    assert json.loads(out)["removed"] == result["created"]
    assert json.loads(run("--format", "json", "customer", "list")[1]) == []


def test_an_orders_import_takes_the_currency_given_and_a_bad_one_is_one_line_on_stderr(run, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Order ID,Order Date,Customer Name,Sales\nUS-1,2024-01-05,Claire Gute,261.96\n", encoding="utf-8")
    code, out, err = run("--format", "json", "import", str(path), "--kind", "orders", "--currency", "USD")
    assert code == 0, err
    assert json.loads(out)["created"] == 1
    (order,) = json.loads(run("--format", "json", "order", "list")[1])
    assert order["currency"] == "USD"
    code, out, err = run("import", str(path), "--kind", "orders", "--currency", "dollars")
    assert code != 0 and "did you mean USD" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_backup_then_restore_brings_back_the_old_state(run, tmp_path):
    run("customer", "add", "--name", "Before backup")
    code, out, _ = run("--format", "json", "backup", "--dir", str(tmp_path / "bk"))
    backup_file = json.loads(out)["backup"]
    run("customer", "add", "--name", "After backup")
    code, out, err = run("--format", "json", "restore", backup_file, "--yes")
    assert code == 0, err
    names = [c["name"] for c in json.loads(run("--format", "json", "customer", "list")[1])]
    assert names == ["Before backup"]


def test_gdpr_export_writes_the_customer_and_erase_removes_the_name(run, tmp_path):
    run("customer", "add", "--name", "孙八", "--email", "sun@example.com")
    out_file = tmp_path / "person.json"
    assert run("gdpr", "export", "C-000001", "--out", str(out_file))[0] == 0
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert doc["customer"]["name"] == "孙八" and doc["history"]["C-000001"][0]["action"] == "create"
    assert run("gdpr", "erase", "C-000001", "--yes")[0] == 0
    shown = json.loads(run("--format", "json", "customer", "show", "C-000001")[1])
    assert shown["name"] == "[erased]" and shown["email"] is None


def test_the_installed_cims_command_runs():
    out = subprocess.run(["cims", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "customer" in out.stdout


def test_the_demo_builds_a_store_and_a_refreshed_workbook(tmp_path, capsys):
    import openpyxl

    code = main(["--format", "json", "demo", "--dir", str(tmp_path / "demo"), "--customers", "60"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    assert result["customer"] == 60 and result["order"] > 0 and result["ticket"] > 0
    wb = openpyxl.load_workbook(result["workbook"])
    ws = wb["Customers"]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert len([i for i in ids if i]) == 60 and ids[0] == "C-000001"
    assert wb["Report - Sales"].tables  # reports were written
    from cims_xl.demo import DEMO_USERS
    from cims_xl.services import auth, records

    for user, (role, password) in DEMO_USERS.items():
        s = auth.sign_in(result["store"], user, password)
        assert s.role == role
        s.close()
    s = auth.sign_in(result["store"], "mei", DEMO_USERS["mei"][1])
    stages = {o["stage"] for o in records.list_records(s, "opportunity")}
    assert stages == {"Lead", "Qualified", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost"}
    s.close()


def test_report_tables_show_months_as_the_workbook_does(run, admin, monkeypatch):
    from cims_xl.services import records

    monkeypatch.setenv("COLUMNS", "200")
    cid = records.create(admin, "customer", {"name": "Ann"})["id"]
    records.create(admin, "order", {"customer_id": cid, "order_date": "2024-03-05", "amount": 12})
    code, out, err = run("report")
    assert code == 0, err
    assert "│ 2024-03 " in out and "2024-03-01" not in out
    code, out, err = run("--format", "json", "report")
    months = json.loads(out)["Report - Sales"]["tables"]["tblSalesByMonth"]
    assert months[0]["Month"].startswith("2024-03-01")        # JSON keeps the full date


def test_customer_show_takes_the_id_from_the_old_system_too(run, admin, tmp_path):
    f = tmp_path / "orders.csv"
    f.write_text("Order ID,Order Date,Customer ID,Customer Name,Sales\nCA-1,2024-01-02,CG-12520,Claire Gute,10\n",
                 encoding="utf-8")
    assert run("import", str(f), "--kind", "orders")[0] == 0
    code, out, err = run("--format", "json", "customer", "show", "cg-12520")
    assert code == 0, err
    assert json.loads(out)["name"] == "Claire Gute"
    assert json.loads(run("--format", "json", "customer", "show", "c-1")[1])["name"] == "Claire Gute"
    code, out, err = run("customer", "show", "CG-125")          # part of an old id is not one
    assert code != 0 and "not a record id" in err


def test_demo_does_not_replace_an_existing_demo_store_in_a_script_without_yes(tmp_path, capsys):
    from cims_xl.cli import main

    folder = tmp_path / "demo"
    assert main(["--format", "json", "demo", "--dir", str(folder), "--customers", "20"]) == 0
    before = (folder / "demo.cims").read_bytes()
    capsys.readouterr()
    assert main(["demo", "--dir", str(folder), "--customers", "20"]) != 0
    err = capsys.readouterr().err
    assert "add --yes" in err and "Traceback" not in err
    assert (folder / "demo.cims").read_bytes() == before                 # left as it was
    assert main(["--format", "json", "demo", "--dir", str(folder), "--customers", "20", "--yes"]) == 0
