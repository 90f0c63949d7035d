"""Record tables (a search, a list, a history, an import's rows not imported, a report, the
user list) in a terminal 40, 50, 60, 80 or 100 cells wide (a real pseudo-terminal of
that size, and $COLUMNS on a pipe): no header and no value is broken inside a word
(`nam|e`, `li@|exa|mpl|e.c|n`) and nothing is lost. A table that cannot be drawn with
its words whole is shown record by record, as field/value rows; one that can keeps its
columns."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from rich.cells import cell_len

from cims_xl.services import records

from conftest import ADMIN_PASSWORD

pexpect = pytest.importorskip("pexpect")

WIDTHS = (40, 50, 60, 80, 100)
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")
_BOX = "│┃┏┓┗┛┡┩├┤┼┬┴┝┥━─╇╋┳┻└┘┌┐╶╴╷╵"


def _env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") and k not in ("COLUMNS", "LINES")}
    env.update({"CIMS_LOG_DIR": str(tmp_path), "TERM": "xterm", "CIMS_PASSWORD": ADMIN_PASSWORD,
                "CIMS_TRUST_DIR": str(tmp_path / "trust"), "CIMS_TZ": "UTC"})
    env.update(extra)
    return env


def _in_terminal(args: list[str], width: int, tmp_path) -> list[str]:
    """What a terminal `width` cells wide shows of `cims ARGS` on stdout (its own size, no
    COLUMNS; stderr goes to a file)."""
    import shlex

    command = " ".join(["exec", sys.executable, "-m", "cims_xl.cli", *map(shlex.quote, args),
                        "2>", shlex.quote(str(tmp_path / "stderr.txt"))])
    child = pexpect.spawn("/bin/sh", ["-c", command], env=_env(tmp_path), cwd=tmp_path, encoding="utf-8",
                          timeout=300, dimensions=(200, width))
    out: list[str] = []
    child.logfile_read = type("Log", (), {"write": lambda self, t: out.append(t), "flush": lambda self: None})()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, "".join(out) + (tmp_path / "stderr.txt").read_text()
    return _ANSI.sub("", "".join(out)).replace("\r", "").rstrip("\n").split("\n")


def _on_a_pipe(args: list[str], width: int, tmp_path) -> list[str]:
    """What `cims ARGS` writes to a pipe with COLUMNS=width."""
    done = subprocess.run([sys.executable, "-m", "cims_xl.cli", *args], env=_env(tmp_path, COLUMNS=str(width)),
                          cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.rstrip("\n").split("\n")


def _shown(args, width, tmp_path, how) -> list[str]:
    return (_in_terminal if how == "terminal" else _on_a_pipe)(args, width, tmp_path)


def _words(lines: list[str]) -> set[str]:
    """The words on the screen: text between rules and spaces ("name:" counts as "name")."""
    text = "\n".join(lines)
    for c in _BOX:
        text = text.replace(c, " ")
    return {w.rstrip(":") for w in text.split()} | set(text.split())


def _narrow_pieces(word: str) -> list[str]:
    """The parts of `word` a line may not break: its runs of narrow characters (a line
    may break beside a Chinese character, as Chinese text wraps)."""
    return [p for p in re.split(r"[^\x00-\u10ff]+", word) if p]


def _assert_whole(lines: list[str], expected_words: set[str], width: int) -> None:
    """Every line within `width`; every expected word there whole (a word with Chinese
    characters: each run of other characters whole, each Chinese character there)."""
    assert all(cell_len(line) <= width for line in lines), "\n".join(lines)
    words = _words(lines)
    screen = "".join("\n".join(lines).split())
    for word in expected_words:
        if cell_len(word) > width - 4:          # longer than a line beside its field name
            continue
        if word.isascii() or all(cell_len(c) == 1 for c in word):
            assert word in words, (width, word, "\n".join(lines))
        else:
            for piece in _narrow_pieces(word):
                assert piece in words or any(piece in w for w in words if not w.isascii()), \
                    (width, word, piece, "\n".join(lines))
            for c in word:
                assert c in screen, (width, word, "\n".join(lines))


GUANGZHOU = [
    {"name": "李小龙", "email": "li.xiaolong@guangzhou-mail.cn", "mobile": "+86 139 0001 1111", "city": "广州"},
    {"name": "王芳", "mobile": "+86 137 0013 7000", "city": "广州", "segment": "Consumer"},
    {"name": "Ingrid Olsen-Fjellheim", "company": "Nordlys Consulting AS", "email": "ingrid@nordlys.example.no",
     "city": "广州", "segment": "Enterprise"},
    {"name": "فاطمة الزهراء", "company": "广州天河贸易有限公司", "email": "fatima.alzahra@gulf-trading-company.ae",
     "city": "广州", "segment": "Small Business"},
]
SHOWN = ("id", "name", "company", "email", "mobile", "city", "segment", "owner")


@pytest.mark.parametrize("how", ["terminal", "pipe"])
@pytest.mark.parametrize("width", WIDTHS)
def test_a_search_in_a_narrow_terminal_breaks_no_word_and_loses_no_value(store_path, admin, tmp_path, width,
                                                                         how):
    for c in GUANGZHOU:
        records.create(admin, "customer", dict(c))
    records.create(admin, "customer", {"name": "Kari Nordmann", "city": "Oslo"})
    args = ["--store", str(store_path), "--user", "admin", "customer", "search", "--city", "广州"]
    found = json.loads(subprocess.run([sys.executable, "-m", "cims_xl.cli", "--format", "json", *args],
                                      env=_env(tmp_path), cwd=tmp_path, capture_output=True, text=True,
                                      encoding="utf-8", check=True).stdout)
    found = found["rows"]
    assert len(found) == len(GUANGZHOU)
    expected = set(SHOWN) | {w for r in found for k in SHOWN for w in str(r.get(k) or "").split()}
    lines = _shown(args, width, tmp_path, how)
    _assert_whole(lines, expected, width)
    for r in found:             # each record's id and its name: beside each other, records apart
        assert r["id"] in _words(lines)


def test_a_search_that_fits_keeps_its_columns(store_path, admin, tmp_path):
    for c in ({"name": "Ann Lee", "city": "Oslo", "email": "ann@ex.no"},
              {"name": "Bo Ek", "city": "Oslo", "segment": "Consumer"}):
        records.create(admin, "customer", c)
    for width in (100, 120):       # nine columns: at 80 "company" would break (`compan|y`)
        lines = _in_terminal(["--store", str(store_path), "--user", "admin", "customer", "search", "--city",
                              "Oslo"], width, tmp_path)
        heads = [line for line in lines if line.startswith("┃")]
        assert heads and all(h in heads[0] for h in ("id", "name", "email", "segment")), "\n".join(lines)
        _assert_whole(lines, {"Ann", "Lee", "ann@ex.no", "Consumer", "segment", "company"}, width)


def test_one_email_longer_than_its_column_shows_the_records_as_field_value_rows(store_path, admin, tmp_path):
    long_email = "margarethe.vandenberghe-oosterhuis@example-holding.nl"
    for c in ({"name": "Ann Lee", "city": "Delft", "company": "Lee Trading BV", "mobile": "+31 6 1234 5678"},
              {"name": "Margarethe van den Berghe", "city": "Delft", "email": long_email,
               "company": "Vandenberghe Holding", "segment": "Enterprise"}):
        records.create(admin, "customer", c)
    lines = _in_terminal(["--store", str(store_path), "--user", "admin", "customer", "search", "--city", "Delft"],
                         100, tmp_path)
    assert not any(line.startswith("┃") for line in lines), "\n".join(lines)     # no column a field
    assert any(long_email in line and "email" in line for line in lines), "\n".join(lines)
    _assert_whole(lines, {"Margarethe", "Vandenberghe", "Holding", "+31612345678", "Enterprise", "company"}, 100)


def test_a_history_in_a_narrow_terminal_breaks_no_word(store_path, admin, tmp_path):
    made = records.create(admin, "customer", {"name": "Ingrid Olsen-Fjellheim", "city": "Bergen",
                                               "email": "ingrid.olsen@fjellheim-consulting.example.no"})
    records.update(admin, made["id"], {"city": "Trondheim", "segment": "Enterprise"},
                   expected_version=made["version"])
    args = ["--store", str(store_path), "--user", "admin", "customer", "history", made["id"]]
    wide = _on_a_pipe(args, 400, tmp_path)
    for width in WIDTHS:
        _assert_whole(_in_terminal(args, width, tmp_path), _words(wide), width)


def test_the_rows_an_import_warned_about_break_no_word_in_a_narrow_terminal(store_path, admin, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Phone\nAnn,ann@example.com,\nBob Sandberg,not-an-email-address-at-all,\n"
                    "Cecilia Ahlström,cecilia.ahlstrom@example,\n", encoding="utf-8")
    args = ["--store", str(store_path), "--user", "admin", "import", str(path), "--dry-run"]
    wide = _on_a_pipe(args, 400, tmp_path)
    start = wide.index(next(line for line in wide if "Rows imported with a warning" in line))
    for width in WIDTHS:
        lines = _in_terminal(args, width, tmp_path)
        at = next(i for i, line in enumerate(lines) if "Rows" in line and "imported" in " ".join(lines[i:i + 2]))
        _assert_whole(lines[at:], _words(wide[start:]), width)


def test_the_user_list_breaks_no_word_in_a_narrow_terminal(store_path, admin, tmp_path):
    from cims_xl.services import auth

    from conftest import FAST_KDF

    auth.add_user(admin, "margarethe.vandenberghe", "sales", "Margarethe-Very-Long-Pass-1!", kdf=FAST_KDF,
                  display_name="Margarethe van den Berghe-Oosterhuis")
    args = ["--store", str(store_path), "--user", "admin", "user", "list"]
    wide = _on_a_pipe(args, 400, tmp_path)
    for width in WIDTHS:
        _assert_whole(_in_terminal(args, width, tmp_path), _words(wide), width)


def test_a_report_on_a_narrow_terminal_breaks_no_word(store_path, admin, tmp_path):
    for name, region, segment in (("Müller Maschinenbau GmbH", "Nordrhein-Westfalen", "Corporate"),
                                  ("上海博远咨询有限公司", "华东", "Small Business")):
        cid = records.create(admin, "customer", {"name": name, "segment": segment})["id"]
        for n, (day, amount) in enumerate((("2024-02-03", "12500.50"), ("2024-03-09", "980.00"))):
            records.create(admin, "order", {"customer_id": cid, "order_number": f"{cid}-{n}", "order_date": day,
                                            "amount": amount, "profit": "100", "region": region})
    args = ["--store", str(store_path), "--user", "admin", "report"]
    wide = _on_a_pipe(args, 400, tmp_path)
    for width in (40, 60, 100):
        lines = _in_terminal(args, width, tmp_path)
        tables = [line for line in lines if not line.startswith(("Note:", "Report - "))]
        _assert_whole(tables, _words([line for line in wide if "│" in line or "┃" in line]), width)
