"""What a command did (the summary of `cims sync WORKBOOK save|refresh`, of `cims import`
and its dry run, of `cims backup`, `cims restore`, `cims init`) in a terminal 40, 50, 60
or 80 cells wide (a real pseudo-terminal of that size, and $COLUMNS on a pipe): every
line fits, no word is broken across lines (every word shown is a word of the summary,
unless it is longer than a line), and nothing is lost (every field and value is there,
beside its record). A summary whose table fits prints as it always did, byte for byte."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from cims_xl.services import records

from conftest import ADMIN_PASSWORD
from terminal_screen import ANSI as _ANSI, in_terminal

pexpect = pytest.importorskip("pexpect")

WIDTHS = (40, 50, 60, 80)
_BOX = "│┃┏┓┗┛┡┩├┤┼┬┴┝┥━─╇╋┳┻└┘┌┐╍"


def _env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") and k not in ("COLUMNS", "LINES")}
    env.update({"CIMS_LOG_DIR": str(tmp_path), "TERM": "xterm", "CIMS_PASSWORD": ADMIN_PASSWORD,
                "CIMS_NEW_PASSWORD": ADMIN_PASSWORD, "CIMS_TRUST_DIR": str(tmp_path / "trust"),
                "CIMS_TZ": "UTC"})
    env.update(extra)
    return env


def _in_terminal(args: list[str], width: int, tmp_path) -> list[str]:
    return in_terminal(args, width, tmp_path, _env(tmp_path))


def _one_word(cells: int, end: str = "", script: str = "latin") -> str:
    """A name with no space, at most `cells` wide with `end`: too long for a table's value
    column, short enough for a line of its own (Chinese: two cells a character)."""
    words = {"latin": "northern-sales-region-of-the-company-and-all-its-shops-and-customers-in-every-town",
             "cjk": "上海分公司华东区客户资料二〇二六年第四季度更新版本含全部门店与客户明细"}[script]
    name = ""
    for c in words:
        if cell_len(name + c + end) > cells:
            break
        name += c
    return name.rstrip("-") + end


def _on_a_pipe(args: list[str], width: int, tmp_path) -> list[str]:
    """What `cims ARGS` writes to a pipe with COLUMNS=width."""
    done = subprocess.run([sys.executable, "-m", "cims_xl.cli", *args], env=_env(tmp_path, COLUMNS=str(width)),
                          cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.rstrip("\n").split("\n")


def _json(args: list[str], tmp_path) -> dict | list:
    done = subprocess.run([sys.executable, "-m", "cims_xl.cli", "--format", "json", *args], env=_env(tmp_path),
                          cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def _words(text: str) -> list[str]:
    """The words of `text`: runs between spaces and table rules, without the commas and
    colons that join a field to its value."""
    for c in _BOX:
        text = text.replace(c, " ")
    return [w.strip(",:") for w in text.split() if w.strip(",:")]


def _assert_no_word_broken(lines: list[str], message_words: set[str], width: int) -> None:
    screen = "\n".join(lines)
    assert all(cell_len(line) <= width for line in lines), screen
    for word in _words(screen):
        assert word in message_words or any(word in m for m in message_words if cell_len(m) > width), \
            (width, word, screen)                  # a word longer than a line is broken anywhere


def _fields(lines: list[str]) -> dict[str, str]:
    """{field: value} of the first summary in `lines`, shown either way: as a field/value
    table (┌) or a table with a column each (┏), folded pieces joined, or as "field: value"
    lines (a line that goes on indented is part of the one before)."""
    text = [line for line in lines if line.strip()]
    first = next((i for i, line in enumerate(text) if line[:1] in "┌┏"), None)
    if first is not None and all(":" not in line for line in text[1:first]):      # a table
        end = next(i for i in range(first, len(text)) if text[i].startswith("└"))
        table = text[first:end + 1]
        if table[0].startswith("┏"):
            from test_cli_narrow_terminal import _records

            (record,) = _records(table)
            return record
        fields: dict[str, str] = {}
        key = None
        for line in table:
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if len(cells) == 2:
                key = cells[0] or key
                fields[key] = (fields.get(key, "") + " " + cells[1]).strip()
        return fields
    text = [line for line in (text[:first] if first is not None else text) if not line.startswith("times in ")]
    joined: list[str] = []
    for line in text[1:]:                          # the title first
        if line.startswith("  ") and joined:
            joined[-1] += " " + line.strip()
        elif joined and not re.match(r"^[\w ]+:( |$)", line):
            joined[-1] += line                     # a word longer than a line, broken anywhere
        else:
            joined.append(line)
    return {k: v.strip() for k, _, v in (line.partition(":") for line in joined)}


def _sheets(lines: list[str]) -> dict[str, dict[str, str]]:
    """{sheet: {count: value}} of a sync summary: a table with a column each, a table
    record by record, or "Sheet: name n, name n" lines."""
    text = [line for line in lines if line.strip()]
    if any(line.startswith(("┃", "│")) for line in text):
        from test_cli_narrow_terminal import _records

        return {r["sheet"]: {k: v for k, v in r.items() if k != "sheet"} for r in _records(text)}
    joined: list[str] = []
    for line in text[1:]:
        if line.startswith("  ") and joined:
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    found = {}
    for line in joined:
        sheet, _, rest = line.partition(": ")
        found[sheet] = dict(part.strip().rsplit(" ", 1) for part in rest.split(","))
    return found


@pytest.fixture
def workbook(store_path, admin, tmp_path):
    """A workbook named with words (spaces), filled from a store of a few customers."""
    from cims_xl.excel.build import build_bytes

    for name, city in (("Grace Mwangi", "Nairobi"), ("Ingrid Olsen", "Oslo"), ("张伟", "上海")):
        records.create(admin, "customer", {"name": name, "city": city})
    book = tmp_path / "north region customers.xlsm"
    book.write_bytes(build_bytes())
    admin.close()
    return book


def _twin(book):
    """A copy of `book` under the same name in another folder: the same sync, run twice."""
    import shutil

    folder = book.parent / "twin"
    folder.mkdir()
    return Path(shutil.copy(book, folder / book.name))


def _headings(counts: dict) -> set[str]:
    """The words of the headings a sync summary shows for these counts (cli._SYNC_HEADERS:
    "edited but equal" for edited_but_equal)."""
    from cims_xl.cli import _SYNC_HEADERS

    return {word for key in counts for word in _SYNC_HEADERS.get(key, key).split()}


def _as_shown(sheets: dict) -> dict:
    """{sheet: {heading: text}} of the JSON counts, as the summary shows them."""
    from cims_xl.cli import _SYNC_HEADERS

    return {s: {_SYNC_HEADERS.get(k, k): str(v) for k, v in c.items()} for s, c in sheets.items()}


def _sync(store_path, book, action: str) -> list[str]:
    return ["--store", str(store_path), "--user", "admin", "sync", str(book), action]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_sync_refresh_and_save_summary_never_breaks_a_word_in_a_narrow_terminal(store_path, workbook,
                                                                                   tmp_path, width):
    twin = _twin(workbook)
    for action in ("refresh", "save"):
        lines = _in_terminal(_sync(store_path, workbook, action), width, tmp_path)
        want = _json(_sync(store_path, twin, action), tmp_path)["sheets"]      # the same sync of a copy
        message = {action, "·", "sheet", *workbook.name.split()}
        for sheet, counts in want.items():
            message |= {sheet, *_headings(counts), *map(str, counts.values())}
        _assert_no_word_broken(lines, message, width)
        shown = _sheets(lines)
        assert shown == _as_shown(want), "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_sync_summary_with_columns_set_on_a_pipe_never_breaks_a_word(store_path, workbook, tmp_path, width):
    twin = _twin(workbook)
    lines = _on_a_pipe(_sync(store_path, workbook, "refresh"), width, tmp_path)
    want = _json(_sync(store_path, twin, "refresh"), tmp_path)["sheets"]
    message = {"refresh", "·", "sheet", *workbook.name.split()}
    for sheet, counts in want.items():
        message |= {sheet, *_headings(counts), *map(str, counts.values())}
    _assert_no_word_broken(lines, message, width)
    assert _sheets(lines) == _as_shown(want), "\n".join(lines)
    lines = _on_a_pipe(_sync(store_path, workbook, "save"), width, tmp_path)
    want = _json(_sync(store_path, twin, "save"), tmp_path)["sheets"]
    message = {"save", "·", "sheet", *workbook.name.split()}
    for sheet, counts in want.items():
        message |= {sheet, *_headings(counts), *map(str, counts.values())}
    _assert_no_word_broken(lines, message, width)
    assert _sheets(lines) == _as_shown(want), "\n".join(lines)


def _a_customer_file(tmp_path, rows: int, width: int, script: str):
    path = tmp_path / _one_word(width - len("file: ") - 2, ".csv", script)
    lines = ["Name,City,Email"] + [f"Kundin Nummer {i},Trondheim,kunde{i}@example.no" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("script", ["latin", "cjk"])
def test_an_import_summary_never_breaks_a_word_in_a_narrow_terminal(store_path, tmp_path, width, dry_run, script):
    path = _a_customer_file(tmp_path, 7, width, script)
    args = ["--store", store_path.name, "--user", "admin", "import", path.name, *(["--dry-run"] if dry_run else [])]
    want = _json(args if dry_run else [*args, "--dry-run"], tmp_path)
    lines = _in_terminal(args, width, tmp_path)
    title = "Dry run: nothing was written" if dry_run else "Import"
    summary = [line for line in lines[:lines.index(next(x for x in lines if "decided" in x))]] \
        if any("decided" in x for x in lines) else lines
    keys = ("file", "rows", "created", "updated", "duplicates", "rejected")
    message = set(_words(title)) | set(keys) | {str(want[k]) for k in keys} | set(path.name.split()) | {"batch"}
    if not dry_run:
        message |= {w for line in summary for w in _words(line) if re.fullmatch(r"B-\d{6}", w)}
    _assert_no_word_broken(summary, message, width)
    shown = _fields(summary)
    for k in keys:
        assert " ".join(shown[k].split()) == str(want[k]), (k, "\n".join(summary))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_backup_and_a_restore_summary_never_break_a_word_in_a_narrow_terminal(store_path, admin, tmp_path,
                                                                                 width):
    records.create(admin, "customer", {"name": "Grace Mwangi", "city": "Nairobi"})
    admin.close()
    store = ["--store", store_path.name, "--user", "admin"]          # paths shorter than a line
    folder = Path(_one_word(width - len("backup: test-20261201-194815.cimsbak/") - 1))
    lines = _in_terminal([*store, "backup", "--dir", str(folder)], width, tmp_path)
    (made,) = (tmp_path / folder).glob("*.cimsbak")
    made = made.relative_to(tmp_path)
    about = _json([*store, "restore", str(made), "--yes"], tmp_path)     # the same backup, restored
    shown_time = about["created_at"][:16].replace("T", " ")
    common = {"times", "in", "UTC", "(UTC+00:00)", "records", "rows", *about["counts"],
              *map(str, about["counts"].values()), "created_at", *shown_time.split(), "signed_by"}
    size = (tmp_path / made).stat().st_size
    message = {"Backup", "made", "backup", "bytes", str(size), *str(made).split(),
               *_words(about["signed_by"].split(", checked")[0]), *common}
    _assert_no_word_broken(lines, message, width)
    shown = _fields(lines)
    assert "".join(shown["backup"].split()) == "".join(str(made).split()), "\n".join(lines)
    assert shown["bytes"] == str(size)
    assert "".join(shown["signed_by"].split()) == "".join(about["signed_by"].split(", checked")[0].split())

    lines = _in_terminal([*store, "restore", str(made), "--yes"], width, tmp_path)
    start = next(i for i, line in enumerate(lines) if "Restored" in line)
    message = {"Restored", "restored", "store", *str(made).split(), store_path.name,
               *_words(about["signed_by"]), *common}
    _assert_no_word_broken(lines[start:], message, width)
    shown = _fields(lines[start:])
    for key in ("restored", "store", "signed_by"):
        assert "".join(shown[key].split()) == "".join(str(about[key]).split()), (key, "\n".join(lines))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_store_created_summary_never_breaks_a_word_in_a_narrow_terminal(tmp_path, width):
    store = Path(_one_word(width - len("store: ") - len("/s.cims") - 1)) / "s.cims"
    (tmp_path / store.parent).mkdir()
    lines = _in_terminal(["--store", str(store), "init", "--admin", "boss"], width, tmp_path)
    message = {"Store", "created", "store", "admin", "boss", "key_file", "currency", "CNY", "phone_region",
               *"CN (assumed; `cims settings region CC` sets it)".split()}
    for path in (store, store.with_name(store.name + ".keys")):
        message |= set(str(path).split())
    _assert_no_word_broken(lines, message, width)
    shown = _fields(lines)
    assert "".join(shown["store"].split()) == "".join(str(store).split()), "\n".join(lines)
    assert " ".join(shown["phone_region"].split()) == "CN (assumed; `cims settings region CC` sets it)"


def test_a_summary_whose_table_fits_prints_as_the_table_byte_for_byte(monkeypatch, capsys):
    """The README's 100-column tables: a summary that fits is the table `emit` prints."""
    from cims_xl.cli import Output

    monkeypatch.setenv("COLUMNS", "100")
    refresh = [{"sheet": s, "rows": n, "changed": 0, "added": n, "removed": 0}
               for s, n in (("Customers", 5), ("Contacts", 0), ("Interactions", 0), ("Orders", 5),
                            ("Opportunities", 0), ("Tickets", 0))]
    dry_run = {"file": "docs/examples/customers.csv", "rows": 6, "created": 5, "updated": 0, "duplicates": 1,
               "rejected": 0}
    store = {"store": "/home/you/.local/share/cims_xl/cims.cims", "admin": "boss",
             "phone_region": "CN (assumed; `cims settings region CC` sets it)"}
    for data, title, vertical in ((refresh, "refresh · shop.xlsm", False), (dry_run, "Dry run: nothing was written",
                                                                          False), (store, "Store created", True)):
        Output("table").emit(data, title=title, vertical=vertical)
        table = capsys.readouterr().out
        Output("table").summary(data, title=title, vertical=vertical)
        assert capsys.readouterr().out == table
        assert "┃ sheet" in table or "│ store" in table or "┃ file" in table


@pytest.mark.parametrize("width", WIDTHS)
def test_the_restore_question_breaks_between_words_in_a_narrow_terminal(store_path, admin, tmp_path, width):
    import shutil

    records.create(admin, "customer", {"name": "Grace Mwangi", "city": "Nairobi"})
    admin.close()
    store = ["--store", store_path.name, "--user", "admin"]
    _in_terminal([*store, "backup", "--dir", "kept"], 120, tmp_path)
    (made,) = (tmp_path / "kept").glob("*.cimsbak")
    name = _one_word(width - 20, ".cimsbak")
    shutil.copy(made, tmp_path / name)
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *store, "restore", name], env=_env(tmp_path),
                          cwd=tmp_path, encoding="utf-8", timeout=300, dimensions=(200, width))
    child.expect(r"\[y/N\]: ")
    asked = _ANSI.sub("", child.before + child.after).replace("\r", "")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    question = asked[asked.index("Replace"):]
    lines = question.rstrip("\n").split("\n")
    assert all(cell_len(line) <= width for line in lines), question
    assert _words(question) == ["Replace", store_path.name, "with", name + "?", "[y/N]"], question


@pytest.mark.parametrize("width", [40, 60])
def test_a_sync_summary_of_several_sheets_takes_a_line_or_a_few_per_sheet_not_one_per_count(
        store_path, workbook, tmp_path, width):
    twin = _twin(workbook)
    lines = _in_terminal(_sync(store_path, workbook, "save"), width, tmp_path)
    want = _json(_sync(store_path, twin, "save"), tmp_path)["sheets"]
    assert _sheets(lines) == _as_shown(want), "\n".join(lines)
    shown = [line for line in lines if line.strip()]
    counts = sum(len(c) for c in want.values())
    assert len(shown) <= 1 + counts // 2, "\n".join(lines)     # the title; one count a line was 63 lines at 40 columns
