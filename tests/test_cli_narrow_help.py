"""`--help` in a terminal 40 or 50 cells wide (a real pseudo-terminal, and $COLUMNS on
every command in-process): no word of an option's text, an option's choices or the
command's own text is broken across lines ("Compan|y.", "R|ECORD_ID"), no line is wider
than the terminal, and below 60 columns each option's text is under the option."""
from __future__ import annotations

import os
import re

import click
import pytest
from rich.cells import cell_len

from conftest import ADMIN_PASSWORD
from terminal_screen import in_terminal

pexpect = pytest.importorskip("pexpect")


def _commands():
    """Every command of `cims` with its words as the help states them (path, command)."""
    from cims_xl.cli import cli

    def walk(path, command):
        yield path, command
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(path + [name], sub)
    return list(walk([], cli))


def _expected_words(path, command) -> set[str]:
    ctx = click.Context(command, info_name=" ".join(["cims", *path]))
    words: set[str] = set()
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record:
            words |= set(re.split(r"[\s|]+", record[0])) | set(record[1].split())
    text = (command.help or "").split("\f")[0]
    words |= {w for w in text.split() if w != "\b"}
    return words - {""}


def _screen_words(lines: list[str]) -> set[str]:
    return set(re.split(r"[\s|]+", "\n".join(lines))) - {""}


def _check(path, command, lines: list[str], width: int) -> None:
    for line in lines:
        assert cell_len(line) <= width or len(line.split()) == 1, (path, width, line)
    missing = _expected_words(path, command) - _screen_words(lines)
    assert not missing, (path, width, sorted(missing), "\n".join(lines))


@pytest.mark.parametrize(("args", "width"), [(["customer", "add"], 50)] + [
    (args, 40) for args in (["customer", "add"], [], ["sync"], ["gdpr", "erase"], ["customer", "show"])])
def test_help_in_a_narrow_terminal_breaks_no_word(args, width, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_") and k not in ("COLUMNS", "LINES")}
    env.update({"CIMS_LOG_DIR": str(tmp_path), "TERM": "xterm", "CIMS_PASSWORD": ADMIN_PASSWORD,
                "CIMS_TRUST_DIR": str(tmp_path / "trust")})
    lines = in_terminal([*args, "--help"], width, tmp_path, env)
    command = dict(_commands_by_path())[tuple(args)]
    _check(args, command, lines, width)


def _commands_by_path():
    return [(tuple(p), c) for p, c in _commands()]


@pytest.mark.parametrize("width", (40, 50, 72))
def test_every_commands_help_keeps_its_words_whole_at_this_width(width, monkeypatch, capsys):
    from cims_xl.cli import main

    monkeypatch.setenv("COLUMNS", str(width))
    for path, command in _commands():
        assert main([*path, "--help"]) == 0
        lines = capsys.readouterr().out.rstrip("\n").split("\n")
        _check(path, command, lines, width)


def test_below_sixty_columns_an_options_text_is_under_it_not_beside_it(monkeypatch, capsys):
    from cims_xl.cli import main

    monkeypatch.setenv("COLUMNS", "50")
    assert main(["customer", "add", "--help"]) == 0
    lines = capsys.readouterr().out.split("\n")
    at = lines.index("  --company TEXT")
    assert lines[at + 1] == "      Company."


@pytest.mark.parametrize("width", (40, 80, 100))
def test_every_groups_list_of_commands_gives_each_commands_first_sentence_whole(width, monkeypatch, capsys):
    from cims_xl.cli import main

    monkeypatch.setenv("COLUMNS", str(width))
    for path, command in _commands():
        if not isinstance(command, click.Group):
            continue
        assert main([*path, "--help"]) == 0
        out = capsys.readouterr().out
        listed = out[out.index("Commands:"):]
        assert "..." not in listed, (path, width, listed)
        words = _screen_words(listed.split("\n"))
        for name, sub in command.commands.items():
            if sub.hidden:
                continue
            sentence = sub.get_short_help_str(limit=1 << 16)
            assert set(sentence.split()) <= words, (path, name, width, sentence, listed)
