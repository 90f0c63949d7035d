"""In a narrow terminal (40, 50, 60 cells; a real pty, pexpect) every table cell with a
value shows it (folded, never blank: a double-width character never sits in a column one
cell wide, and a table too wide for a column each is shown record by record), and long
warnings and errors break at word boundaries (a run of CJK without spaces anywhere),
each line within the terminal's width."""
from __future__ import annotations

import os
import re
import shutil
import sys

import pytest
from rich.cells import cell_len

from cims_xl.services import records

from conftest import ADMIN_PASSWORD

pexpect = pytest.importorskip("pexpect")

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")
WIDTHS = (40, 50, 60)


def _run(args, width, tmp_path, env_extra=None) -> list[str]:
    """What a terminal `width` cells wide shows of `cims ARGS` (its own size, no COLUMNS)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") and k not in ("COLUMNS", "LINES")}
    env.update({"CIMS_LOG_DIR": str(tmp_path), "TERM": "xterm", "CIMS_PASSWORD": ADMIN_PASSWORD,
                "CIMS_TRUST_DIR": str(tmp_path / "trust")})
    env.update(env_extra or {})
    child = pexpect.spawn(sys.executable, ["-m", "cims_xl.cli", *args], env=env, cwd=tmp_path,
                          encoding="utf-8", timeout=300, dimensions=(200, width))
    out = []
    child.logfile_read = type("Log", (), {"write": lambda self, t: out.append(t), "flush": lambda self: None})()
    child.expect(pexpect.EOF)
    child.close()
    return _ANSI.sub("", "".join(out)).replace("\r", "").split("\n")


def _records(lines: list[str]) -> list[dict[str, str]]:
    """The records a table shows, whichever way: a column each (headers in ┃ rows, a new
    record where the first column has text) or field/value rows, records apart (├ rules;
    without the outer box, ┼ rules). Folded pieces are joined without spaces."""
    heads: list[str] = []
    for line in lines:
        if line.startswith("┃"):
            cells = [c.strip() for c in line.split("┃")[1:-1]]
            heads = heads or [""] * len(cells)
            heads = [h + c for h, c in zip(heads, cells)]
    body = [line for line in lines if line.startswith(("│", "├", "└"))]
    found: list[dict[str, str]] = []
    if heads:
        for line in body:
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if len(cells) != len(heads):
                continue
            if cells[0]:
                found.append({h: "" for h in heads})
            for h, c in zip(heads, cells):
                found[-1][h] += c
        return found
    current: dict[str, str] = {}
    field = None
    for line in body + [line for line in lines if not line.startswith("│") and ("│" in line or "┼" in line)]:
        if "│" not in line:
            if current:
                found.append(current)
            current, field = {}, None
            continue
        cells = [c.strip() for c in (line.split("│")[1:-1] if line.startswith("│") else line.split("│", 1))]
        if len(cells) != 2:
            continue
        if cells[0]:
            field = cells[0]
            current[field] = ""
        current[field] += cells[1]
    if current:
        found.append(current)
    return found


CUSTOMERS = [
    {"name": "上海博远咨询有限公司", "company": "上海博远咨询有限公司", "email": "info35@company35.example.com",
     "mobile": "+86 138 1234 5678", "city": "上海", "segment": "Small Business"},
    {"name": "丁晨", "email": "zhou.ma273@example.cn", "city": "上海", "segment": "Consumer"},
    {"name": "فاطمة الزهراء", "email": "fatima@example.ae", "city": "上海", "segment": "Enterprise"},
]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_narrow_terminal_shows_every_value_of_a_search_never_a_blank_cell(store_path, admin, tmp_path, width):
    ids = [records.create(admin, "customer", dict(c))["id"] for c in CUSTOMERS]
    records.create(admin, "customer", {"name": "Ingrid Olsen", "city": "Oslo"})
    lines = _run(["--store", str(store_path), "--user", "admin", "customer", "search", "--city", "上海"],
                 width, tmp_path)
    assert all(cell_len(line) <= width for line in lines), "\n".join(lines)
    shown = {r["id"]: r for r in _records(lines)}
    assert set(shown) == set(ids), "\n".join(lines)
    for cid, data in zip(ids, CUSTOMERS):
        for key in ("name", "email", "city", "segment", "company"):
            want = "".join(str(data.get(key) or "").split())
            assert "".join(shown[cid].get(key, "").split()) == want, (width, cid, key, "\n".join(lines))
        assert shown[cid]["mobile"].lstrip("'").startswith("+86") if "mobile" in data else True


@pytest.mark.parametrize("width", WIDTHS)
def test_a_long_error_breaks_at_word_boundaries_within_the_terminal(run, tmp_path, width):
    import openpyxl

    from cims_xl.excel.build import build_bytes

    book = tmp_path / "上海分公司客户资料（二〇二六年第四季度更新版本）.xlsm"
    book.write_bytes(build_bytes())
    wb = openpyxl.load_workbook(book, keep_vba=True)
    wb["xlwings.conf"]["A5"], wb["xlwings.conf"]["B5"] = "PYTHONPATH", "/tmp/lina-writable/site-packages"
    wb.save(book)
    code, _out, err = run("sync", str(book), "refresh")         # the same message, whole
    assert code != 0
    message = " ".join(err.split())
    lines = _run(["--store", str(tmp_path / "none.cims"), "workbook", "check", str(book)], width, tmp_path)
    text = [line for line in lines if line.strip()]
    assert text and text[0].startswith("Error:")
    assert all(cell_len(line) <= width for line in text), "\n".join(text)
    words = set(" ".join(text).split())
    for word in message.replace("Nothing was refreshed", "Found").replace(" refresh ", " refresh ").split():
        if cell_len(word) < width - 2 and word.isascii():
            assert word in words, (width, word, "\n".join(text))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_trail_warning_breaks_at_word_boundaries(tmp_path, width):
    store = tmp_path / "s.cims"
    copy = tmp_path / "copy" / "s.cims"
    copy.parent.mkdir()
    new = {"CIMS_NEW_PASSWORD": ADMIN_PASSWORD}
    _run(["--store", str(store), "init", "--admin", "admin"], 120, tmp_path, new)
    _run(["--store", str(store), "--user", "admin", "customer", "add", "--name", "Grace Mwangi"], 120, tmp_path)
    for suffix in ("", ".keys"):
        shutil.copy(str(store) + suffix, str(copy) + suffix)
    _run(["--store", str(copy), "--user", "admin", "customer", "add", "--name", "Kopie"], 120, tmp_path)
    lines = _run(["--store", str(store), "--user", "admin", "customer", "list"], width, tmp_path)
    start = next(i for i, line in enumerate(lines) if line.startswith("Warning: "))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("copy."))   # its last word
    warning = lines[start:end + 1]
    assert len(warning) > 1 and all(cell_len(line) <= width for line in warning)
    wide = _run(["--store", str(store), "--user", "admin", "customer", "list"], 1000, tmp_path)
    whole = next(line for line in wide if line.startswith("Warning: "))
    def words(text):             # entry numbers move on with each sign-in
        return re.sub(r"\d+", "N", " ".join(text.split())).split()

    assert words(" ".join(warning)) == words(whole), "\n".join(warning)      # no word broken
