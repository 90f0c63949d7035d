"""Every `cims …` command line the documentation shows (docs/*.md, README.md) names only
options that command has: a document that says `cims backup --dest` while the CLI takes
`--dir` sends the reader to an error, or to a belief about where their backups are."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from cims_xl.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
SPAN = re.compile(r"`(cims [^`\n]+)`")


def _options(cmd: click.Command) -> set[str]:
    return {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}


def command_for(words: list[str]) -> click.Command:
    """The command a documented line runs: groups are followed by their command words
    ("customer add/edit" is either: the first is taken), and a group that sends another
    first word to a command of its own (`cims import FILE`) is followed there."""
    cmd: click.Command = cli
    for word in words:
        if not isinstance(cmd, click.Group) or word.startswith("-"):
            continue
        name = word.split("/")[0]
        if name in cmd.commands:
            cmd = cmd.commands[name]
        elif getattr(cmd, "default_for_unknown", None):
            cmd = cmd.commands[cmd.default_for_unknown]
    return cmd


def documented_lines() -> list[tuple[str, str]]:
    return [(doc.name, m.group(1)) for doc in DOCS if doc.exists() for m in SPAN.finditer(doc.read_text("utf-8"))]


def test_the_documentation_shows_command_lines_to_check():
    assert len(documented_lines()) > 20


def test_the_reader_of_docs_gets_the_backup_folder_option_the_cli_has():
    assert "--dir" in _options(command_for(["backup"])) and "--dest" not in _options(command_for(["backup"]))
    assert any("backup --dir" in line for _doc, line in documented_lines())


@pytest.mark.parametrize("doc, line", documented_lines())
def test_every_option_a_documented_command_line_names_is_an_option_of_that_command(doc, line):
    words = line.split()[1:]
    cmd = command_for(words)
    known = _options(cmd) | _options(cli) | {"--help"}
    named = {w.split("=")[0].rstrip(".,;:)") for w in words if w.startswith("--")}
    assert named <= known, f"{doc}: `{line}` names {sorted(named - known)}, not options of " \
                           f"`cims {cmd.name}` ({', '.join(sorted(known))})"
