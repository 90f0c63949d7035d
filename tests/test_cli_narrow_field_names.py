"""Records shown as field/value rows in a 40 or 50 column terminal: a field name wider
than half the line ("Response Breached") is not broken into what reads as a row with
no value; the label column takes the longest name when that leaves the value room, and
a name too long even for that has its later lines indented under its first."""
from __future__ import annotations

import pytest
from rich.cells import cell_len

from cims_xl.cli import Output

_BOX = "│┃"


def _shown(monkeypatch, capsys, width, rows, headers=None) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    Output("table").emit(rows, headers=headers)
    return capsys.readouterr().out.rstrip("\n").split("\n")


def _cells(line: str) -> list[str]:
    for c in _BOX:
        line = line.replace(c, "\x00")
    return [p for p in line.split("\x00")]


def _rows(names: list[str]) -> list[dict]:
    values = ["T-000047", "C-000232", "wang", "打印机卡纸", "2026-11-23 02:23", "False", "True", "Ja"]
    return [{n: values[(i + k) % len(values)] for i, n in enumerate(names)} for k in range(3)]


_EN = ["Ticket ID", "Customer ID", "Response Due", "Response Breached", "Resolution Breached", "Subject"]
_DE = ["Kunden-Nr.", "Erste Antwort überfällig", "Lösung überfällig", "Betreff", "Zuständig", "Geöffnet"]
_ES = ["Número", "Respuesta incumplida", "Resolución incumplida", "Asunto", "Cliente", "Abierto"]


@pytest.mark.parametrize(("names", "width"), [(_EN, 40), (_DE, 40), (_DE, 50), (_ES, 40)])
def test_a_field_name_is_on_one_line_beside_its_value(names, width, monkeypatch, capsys):
    lines = _shown(monkeypatch, capsys, width, _rows(names))
    text = "\n".join(lines)
    longest = max(cell_len(n) for n in names)
    if longest + width // 3 + 7 <= width:           # the label column can take the longest name
        for name in names:
            assert name in text, (name, text)
    for line in lines:
        assert cell_len(line) <= width
        cells = _cells(line)
        if len(cells) >= 3 and cells[1].strip() and not cells[2].strip():
            assert cells[1].startswith("   "), ("a field name's line that reads as a row with no value", line, text)


def test_a_name_too_long_for_any_column_continues_indented_under_itself(monkeypatch, capsys):
    names = ["Id", "Time to first response after escalation breached", "Owner", "Due", "Queue", "State", "X"]
    lines = _shown(monkeypatch, capsys, 40, _rows(names))
    text = "\n".join(lines)
    for line in lines:
        cells = _cells(line)
        if len(cells) >= 3 and cells[1].strip() and not cells[2].strip():
            assert cells[1].startswith("   "), ("a name's later line not indented", line, text)
    assert "Time to" in text and "breached" in text
