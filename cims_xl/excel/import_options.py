"""The Import sheet's Options cell: `cims import` options typed in the workbook.

When an import stops because the file cannot decide something (decimal mark, date
order, which sheet, which column is which field, an unknown stage …), its message
names the `cims import` option that settles it (`--decimal comma`). An Excel user
types that option, as written, in the Options cell of the Import sheet (defined name
CIMS_ImportOptions) and presses Import spreadsheet again.

The cell is read with the command's own click options (`cims_xl.cli.import_file_cmd`)
and turned into `import_file` keywords by the command's own translation
(`cims_xl.cli.import_keywords`), so an option means the same in the cell and on the
command line. Only the options in SHEET_OPTIONS are taken; the others have a place of
their own on the sheet or make no sense there (NOT_FROM_THE_CELL says where to go).
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from ..importer.errors import ImportRefused

OPTIONS_NAME = "CIMS_ImportOptions"
CELL = "the Options cell of the Import sheet"

# `cims import` options (click param names) the Options cell takes.
SHEET_OPTIONS = ("sheet", "mapping", "values", "profile", "date_order", "on_duplicate", "update_mode",
                 "region", "encoding", "decimal", "amount_per", "amount_scale", "calendar", "no_header",
                 "ledger", "continued", "date_cells", "year", "rejoin", "discount", "struck",
                 "time_unknown", "fill_down")

# The other options of `cims import`, and why the cell does not take them.
NOT_FROM_THE_CELL = {
    "--kind": "the record type goes in the Record type cell",
    "--currency": "the currency goes in the Currency cell",
    "--dry-run": "Import spreadsheet always shows a dry run first and asks; answer No to write nothing",
    "--report": "rows not imported are listed on the 'Import Errors' sheet",
}

# What Excel or an input method may type instead of ASCII: curly and full-width double
# quotes, and a dash or minus where the option's "--" was (AutoCorrect, a pasted e-mail).
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\uff02": '"'})
_DASHED = re.compile(r"^[\u2012\u2013\u2014\u2015\u2212\uff0d]+-*(?=[A-Za-z])")


def _command():
    """A click command with the Options cell's share of `cims import`'s own options."""
    import click

    from ..cli import import_file_cmd

    params = [p for p in import_file_cmd.params if isinstance(p, click.Option) and p.name in SHEET_OPTIONS]
    return click.Command("Options", params=params, add_help_option=False)


def _words(text: str) -> list[str]:
    """The cell's text split as a shell would (quotes group words; a backslash is kept,
    so a column name may hold one)."""
    lexer = shlex.shlex(text.translate(_QUOTES), posix=True)
    lexer.whitespace_split = True
    lexer.whitespace += "\u00a0\u3000"     # no-break and ideographic spaces
    lexer.escape = ""
    lexer.commenters = ""
    try:
        words = list(lexer)
    except ValueError:
        raise ImportRefused(f"{CELL} has a quote (\") that is not closed: {_shown(text)}. "
                            "Nothing was imported.") from None
    return [_DASHED.sub("--", w) for w in words]


def _shown(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 80 else text[:79] + "…"


def parse_options(text: Any) -> dict:
    """The `import_file` keywords the Options cell's text gives ({} for an empty cell).

    text: the cell's value, options as `cims import` takes them, e.g.
    `--decimal comma --value "DRAFT=Cancelled" --map "Kundennr=Customer Ref"`.
    Raises ImportRefused (one line naming the cell and the option) for an option the
    cell does not take, an unknown or misspelt one, a bad value, or stray words.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return {}
    if not isinstance(text, str):
        raise ImportRefused(f"{CELL} holds {_shown(text)!r}, not options such as --decimal comma; "
                            "format the cell as Text and type them again. Nothing was imported.")
    import click

    from ..cli import import_keywords

    words = _words(text)
    for word in words:
        name = word.split("=", 1)[0]
        if name in NOT_FROM_THE_CELL:
            raise ImportRefused(f"{CELL}: {name} is not taken there ({NOT_FROM_THE_CELL[name]}). "
                                "Nothing was imported.")
    command = _command()
    try:
        with command.make_context("Options", words) as ctx:
            given = {name: value for name, value in ctx.params.items()
                     if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE}
    except click.NoSuchOption as exc:
        known = ", ".join(sorted(o for p in command.params for o in p.opts))
        raise ImportRefused(f"{CELL}: {exc.option_name} is not an import option"
                            + (f" (did you mean {exc.possibilities[0]}?)" if exc.possibilities else "")
                            + f"; it takes {known}. Nothing was imported.") from None
    except click.UsageError as exc:
        stray = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.format_message())
        if stray:
            raise ImportRefused(f"{CELL}: {stray.group(1)!r} is neither an option nor an option's value "
                                "(options start with --, e.g. --decimal comma; a value with spaces goes in "
                                "quotes: --map \"Kunden Nr=Customer Ref\"). Nothing was imported.") from None
        raise ImportRefused(f"{CELL}: {exc.format_message().rstrip('.')} (in {_shown(text)!r}). "
                            "Nothing was imported.") from None
    return import_keywords(given)


def options_text(book) -> str:
    """The Options cell's text as typed ("" when empty or the workbook has no such cell)."""
    value = book.get_name(OPTIONS_NAME)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


# ----- stop messages: where an Excel user puts the option they name ----------------------------

# (a word starting with "-" is the next option, not this one's value: "--no-header --map …")
_OPTION = re.compile(r"--([a-z][a-z-]*)(?:[ =](?!-)(\"[^\"]*\"|'[^']*'|[^\s,;()]+(?<![.:])))?")


def with_sheet_hint(message: str) -> str:
    """`message` (an import's stop message naming `cims import` options) with where that
    goes on the Import sheet: the first option it names and the cell to put it in.

    "… Say which with --decimal comma (…)." → "… On the Import sheet: put the option in
    the Options cell (e.g. --decimal comma), and press Import spreadsheet again." (the
    Record type or Currency cell for --kind and --currency); a message about an
    option's own value ("--encoding 'x' is not an encoding …") is prefixed with the cell
    it came from; a message naming no option is returned unchanged.
    """
    from ..importer.mapping import entity_for

    flags = {o for p in _command().params for o in (*p.opts, *p.secondary_opts)}
    bare = {o for p in _command().params if getattr(p, "is_flag", False)
            for o in (*p.opts, *p.secondary_opts)}   # --no-header, --header
    first = _OPTION.match(message)
    if first:
        where = {"--kind": "the Record type cell of the Import sheet",
                 "--currency": "the Currency cell of the Import sheet"}.get(f"--{first.group(1)}", CELL)
        return f"{where[0].upper()}{where[1:]}: {message}"
    said: dict[str, str] = {}      # the place on the sheet -> what to do there (first named)
    first_flag = first_value = None
    for match in _OPTION.finditer(message):
        flag, value = f"--{match.group(1)}", match.group(2)
        if flag in flags:
            # The first option named, with a value where the message writes one ("--sheet
            # (e.g. --sheet Kunden)" shows --sheet Kunden).
            if "options" not in said or (value and first_flag == flag and not first_value):
                first_flag, first_value = flag, value
                shown = flag if flag in bare else match.group(0) if value else f"{flag} …"
                said["options"] = f"put the option in the Options cell (e.g. {shown})"
        elif flag == "--kind" and value:
            try:
                said.setdefault("kind", f"choose {entity_for(value.strip(chr(39) + chr(34))).kind} "
                                        "in the Record type cell")
            except ImportRefused:
                continue
        elif flag == "--currency":
            code = value if value and re.fullmatch(r"[A-Z]{3}", value) else "the code"
            said.setdefault("currency", f"put {code} in the Currency cell")
    if not said:
        return message
    return (message.rstrip() + " On the Import sheet: " + ", or ".join(said.values())
            + ", and press Import spreadsheet again.")
