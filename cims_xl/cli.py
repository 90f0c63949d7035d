"""`cims`: the command line. Parses, calls a service, prints.

Errors the user can act on (CimsError) become one line on stderr and a non-zero
exit code; anything unexpected is logged with its traceback to the log file and
reported in one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import logging
import os
import re
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from . import __version__
from .domain.schema import ENTITIES, ROLES, Entity
from . import interrupts
from .errors import CimsError, ValidationFailed, WrongPassword
from .launch import hush, prompting
from .logs import RedactingFormatter, log_dir, private_log_handler
from .terminal import for_stream, json_text, shown

log = logging.getLogger("cims_xl")

DEFAULT_STORE_NAME = "cims.cims"


def default_store_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("cims_xl", appauthor=False)) / DEFAULT_STORE_NAME


def _log_path() -> Path:
    return log_dir() / "cims.log"


# ----- output -------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # JSON times are UTC ISO 8601 with "Z", whole seconds (as the report tables' rows)
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(value)
    raise TypeError(type(value).__name__)


def _csv_safe(value: Any) -> str:
    from .cell_text import csv_guarded

    if value is None:
        text = ""
    elif isinstance(value, (dict, list, tuple)):   # history and audit changes: one JSON cell
        text = json.dumps(value, default=_plain, ensure_ascii=False)
    elif isinstance(value, (str, int, float, bool)):
        text = str(value)
    else:
        try:
            text = str(_plain(value))
        except TypeError:
            text = str(value)
    # An apostrophe keeps spreadsheet apps from running a cell as a formula: at the field's
    # start, and after any list separator inside it (a ';' locale splits there: M2).
    return csv_guarded(text) if isinstance(value, (str, dict, list, tuple)) else text


def _say(message: str, err: bool = False, nl: bool = True) -> None:
    """click.echo, with lines broken at word boundaries to fit the terminal it goes to
    (a terminal would break them anywhere, mid-word); a file or a pipe gets them whole."""
    from .terminal import fit_lines, terminal_width

    click.echo(fit_lines(message, terminal_width(click.get_text_stream("stderr" if err else "stdout"))),
               err=err, nl=nl)


def _packed(head: str, items: list[str], width: int, hang: int = 2) -> str:
    """`head` then `items` separated by ", ", lines of at most `width` cells broken
    between items (a count stays beside its name), the lines after the first indented
    `hang`; an item longer than a line is broken at its word boundaries."""
    from rich.cells import cell_len

    from .terminal import fit_lines

    lines, line = [], head
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        joined = f"{line} {piece}" if line.strip() else line + piece
        if cell_len(joined) <= width or not line.strip():
            line = joined
        else:
            lines.append(line)
            line = " " * hang + piece
    lines.append(line)
    return "\n".join(fit_lines(one, width, hang=hang) for one in lines)


# The fewest cells a table column gets: room for one double-width character (CJK) and
# a bit; below that a table is shown record by record.
MIN_CELLS = 3


class Output:
    def __init__(self, fmt: str):
        self.fmt = fmt

    def emit(self, data: Any, *, columns: list[str] | None = None, title: str | None = None,
             vertical: bool = False, headers: dict[str, str] | None = None) -> None:
        """Print `data` (a dict, a list of dicts, or text) in the chosen format; in a table,
        `vertical` shows one record as field/value lines and `headers` renames columns
        for people (JSON and CSV keep the keys)."""
        if self.fmt == "json":
            click.echo(json_text(json.dumps(data, default=_plain, ensure_ascii=False, indent=2)))
            return
        rows = data if isinstance(data, list) else [data] if isinstance(data, dict) else None
        if rows is None:
            click.echo(shown(str(data)))
            return
        rows = [r if isinstance(r, dict) else {"value": r} for r in rows]
        if columns is None:
            columns = []
            for r in rows:
                columns += [k for k in r if k not in columns]
        if self.fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            # Column names can come from data too (a pivot's order values): guarded alike.
            w.writerow([_csv_safe(str(c)) for c in columns])
            for r in rows:
                w.writerow([_csv_safe(r.get(c)) for c in columns])
            from .terminal import csv_bom_wanted

            # A CSV file made with `> FILE` opens in Excel as UTF-8 only with a BOM.
            bom = "\ufeff" if csv_bom_wanted(sys.stdout) else ""
            click.echo(bom + for_stream(buf.getvalue(), click.get_text_stream("stdout")), nl=False)
            return
        self._table(rows, columns, title, vertical, headers or {})

    def summary(self, data: dict | list[dict], *, columns: list[str] | None = None, title: str | None = None,
                vertical: bool = False, headers: dict[str, str] | None = None) -> None:
        """What a command did (an import's, a sync's, a backup's counts and paths): `emit`,
        except in a terminal too narrow for its table with no cell and no title broken, or
        for a column each of several records: then the same as lines (the title, one
        "field: value" line per field of one record, one line per record of several),
        broken at word boundaries to the terminal's width.
        A table that fits prints as `emit` prints it, byte for byte."""
        from rich.console import Console

        from .terminal import terminal_width

        rows = data if isinstance(data, list) else [data]
        width = terminal_width(click.get_text_stream("stdout"))
        if self.fmt != "table" or not rows or width is None:     # a file or a pipe: the table
            self.emit(data, columns=columns, title=title, vertical=vertical, headers=headers)
            return
        rows = [r if isinstance(r, dict) else {"value": r} for r in rows]
        if columns is None:
            columns = []
            for r in rows:
                columns += [k for k in r if k not in columns]
        console = Console(soft_wrap=False)
        table = self._built_table(console, rows, columns, title, vertical, headers or {}, whole_words=False)
        # Several records too wide for a column each are shown a line each (a sync's six
        # sheets as field/value rows were 63 lines at 40 columns, one count a line).
        if self._whole(console, table) and (len(rows) == 1 or table.show_header):
            console.print(table)
            return
        self._summary_lines(min(width, console.width), rows, columns, title, headers or {}, table.caption)

    @staticmethod
    def _whole(console, table) -> bool:
        """Whether `table` prints on `console` with no cell broken (its widest layout fits)
        and its title on lines of whole words."""
        from rich.cells import cell_len
        from rich.measure import Measurement
        from rich.text import Text

        width = Measurement.get(console, console.options.update_width(1 << 16), table).maximum    # unbounded
        if width > console.width:
            return False
        words = Text.from_markup(str(table.title)).plain.split() if table.title else []
        return all(cell_len(w) <= width for w in words)

    @staticmethod
    def _summary_lines(width: int, rows: list[dict], columns: list[str], title: str | None,
                       headers: dict[str, str], caption: str | None) -> None:
        from .terminal import fit_lines

        def plain(key: str, row: dict) -> str:
            from rich.text import Text

            return " ".join(Text.from_markup(_cell(row.get(key), key, row)).plain.split())

        def name(key: str) -> str:
            return shown(str(headers.get(key, key)))

        lines = [fit_lines(shown(title), width)] if title else []
        if len(rows) == 1:
            lines += [fit_lines(f"{name(c)}: {plain(c, rows[0])}".rstrip(), width, hang=2) for c in columns]
        else:
            first, rest = columns[0], columns[1:]
            for r in rows:
                lines.append(_packed(f"{plain(first, r) or name(first)}:",
                                     [f"{name(c)} {plain(c, r)}".rstrip() for c in rest], width))
        if caption:
            lines.append(fit_lines(caption, width))
        click.echo("\n".join(lines))

    def _table(self, rows: list[dict], columns: list[str], title: str | None, vertical: bool = False,
               headers: dict[str, str] | None = None) -> None:
        from rich.console import Console

        console = Console(soft_wrap=False)
        console.print(self._built_table(console, rows, columns, title, vertical, headers))

    def _built_table(self, console, rows: list[dict], columns: list[str], title: str | None,
                     vertical: bool = False, headers: dict[str, str] | None = None, whole_words: bool = True):
        """The rich Table `_table` prints on `console`: with a column a field when that
        breaks no word (`whole_words`; a summary is shown as lines instead), else field/value
        rows, records apart."""
        from rich import box
        from rich.markup import escape
        from rich.cells import cell_len
        from rich.padding import Padding
        from rich.text import Text
        from rich.table import Table

        from .domain.display import MONEY_KEYS, zone_label
        from .terminal import fit_lines

        shown_time = False
        title = escape(shown(title)) if title else title
        headers = {c: shown(h) for c, h in (headers or {}).items()}
        columns_shown = {c: shown(str(c)) for c in columns}

        def cell(row: dict, key: str) -> str:
            nonlocal shown_time
            text = _cell(row.get(key), key, row)
            shown_time = shown_time or _time_of(row.get(key), key) is not None
            return text

        headers = headers or {}

        def label(c: str) -> str:
            return escape(headers.get(c, columns_shown.get(c, shown(str(c)))))

        def records_table(boxed: bool, stacked: bool = False):
            """Each record as field/value rows, records apart. Boxed as it always was; else
            (when the box would break a word) a rule between field and value only, so the
            value column has the terminal's width but the field's and three cells; `stacked`
            (a word wider than that too): "field: value" lines, a value too long for its line
            under its field's name, indented two cells."""
            if stacked:
                table = Table(title=title, show_header=False, box=None, pad_edge=False)
                table.add_column("field/value", overflow="fold")
                for n, r in enumerate(rows):
                    if n:
                        table.add_row("")
                    for c in columns:
                        value = cell(r, c)
                        one = Text.assemble((Text.from_markup(label(c)).plain + ":", "bold"), " ",
                                            console.render_str(value))
                        if "\n" not in one.plain and cell_len(one.plain) <= console.width:
                            table.add_row(one)               # "name: Ingrid Olsen" on one line
                        else:
                            table.add_row(f"[bold]{label(c)}:[/bold]")
                            table.add_row(Padding(console.render_str(value, overflow="fold"), (0, 0, 0, 2)))
                return table
            if len(rows) == 1 and (vertical or len(columns) > 6) and boxed:
                table = Table(title=title, show_header=False)
                table.add_column("field", style="bold", no_wrap=True)
                table.add_column("value", overflow="fold")     # a long path folds; it is never cut
                for c in columns:
                    table.add_row(label(c), cell(rows[0], c))
                return table
            # The field column is as wide as the longest field name when that leaves the value
            # a third of the line: a name broken over two lines ("Response" / "Breached") reads as a
            # field with no value under one with it. When it cannot be, a name's later lines
            # are indented two cells, as part of the name above.
            overhead = 7 if boxed else 3                     # "│ " " │ " " │" / " │ "
            longest = max((cell_len(Text.from_markup(label(c)).plain) for c in columns), default=1)
            field_width = max(6, console.width // 2 - (4 if boxed else 0))
            if longest + max(MIN_CELLS, console.width // 3) + overhead <= console.width:
                field_width = max(field_width, longest)
            if boxed:
                table = Table(title=title, show_header=False)
            else:
                table = Table(title=title, show_header=False, box=box.MINIMAL, show_edge=False,
                              pad_edge=False)
            table.add_column("field", style="bold", overflow="fold", max_width=field_width,
                             min_width=min(longest, field_width))
            # The value column wraps at word boundaries; only a word longer than it folds.
            table.add_column("value", overflow="fold", min_width=MIN_CELLS)

            def name(c: str) -> str:
                plain = Text.from_markup(label(c)).plain
                if cell_len(plain) <= field_width:
                    return label(c)
                return escape(fit_lines(plain, field_width, hang=2))

            for r in rows:
                for i, c in enumerate(columns):
                    table.add_row(name(c), cell(r, c), end_section=i == len(columns) - 1)
            return table

        if len(rows) == 1 and (vertical or len(columns) > 6) or not self._fits(console, columns, rows):
            # One record shown vertically, or a terminal too narrow for a column each (40 or 50
            # cells): a double-width character in a column one cell wide would not be drawn at
            # all, so each record is shown as field/value lines.
            table = None
        else:
            drawn = columns
            if "currency" in columns and MONEY_KEYS.intersection(columns):
                drawn = [c for c in columns if c != "currency"]     # shown beside each amount
            table = Table(title=title)
            for c in drawn:
                numeric = any(_is_number(r.get(c)) or _NUMBER_TEXT.match(str(r.get(c) or "")) or r.get(c) == "—"
                              for r in rows) \
                    and all(r.get(c) in (None, "", "—") or _is_number(r.get(c))      # "—": not known
                            or _NUMBER_TEXT.match(str(r.get(c)))
                            for r in rows)
                whole = _whole_width(c, rows)
                if whole is None and any(_time_of(r.get(c), c) is not None for r in rows):
                    whole = len("2024-03-01 09:30")      # a time on one line
                # Ids keep one line at their full width; anything else folds rather than
                # being cut with "…" (a file name or path must stay readable whole).
                table.add_column(label(c), justify="right" if numeric else "left", overflow="fold",
                                 no_wrap=whole is not None, min_width=whole or MIN_CELLS)
            for r in rows:
                table.add_row(*[cell(r, c) for c in drawn])
            if whole_words and self._breaks_words(console, table) and not (
                    self._whole_word_widths(console, table) and not self._breaks_words(console, table)):
                # Drawn at this width a header or a value would break inside a word (`nam|e`,
                # `li@|exa|mpl|e.c|n`) and no widths of its columns keep every word whole:
                # shown record by record instead.
                table = None
        if table is None:
            table = records_table(boxed=True)
            if whole_words and self._breaks_words(console, table):
                table = records_table(boxed=False)
                if self._breaks_words(console, table):
                    table = records_table(boxed=False, stacked=True)
        if shown_time:
            table.caption = f"times in {zone_label(display_zone())}"
        return table

    @staticmethod
    def _whole_word_widths(console, table) -> bool:
        """Give `table`'s columns widths that keep every word whole on `console`, if there
        are any: each column its widest word (a run of CJK may break between characters),
        the cells left over shared in proportion to what each column lacks of its widest
        line. False (the table untouched) when the widest words alone are too wide."""
        from rich.cells import cell_len

        def word_width(text: str) -> int:
            widest = 0
            for word in text.split():
                run = 0            # a run of narrow characters: one piece of the word
                for ch in word:
                    if cell_len(ch) == 1:
                        run += 1
                        widest = max(widest, run)
                    else:
                        run = 0
                        widest = max(widest, cell_len(ch))
            return widest

        try:
            pads = [table._get_padding_width(i) for i in range(len(table.columns))]
            room = console.width - table._extra_width - sum(pads)
        except (AttributeError, TypeError):
            return False
        least, most = [], []
        for column in table.columns:
            texts = ([column.header] if table.show_header else []) + list(column._cells)
            plain = [console.render_str(t).plain for t in texts if isinstance(t, str)]
            widest = max([cell_len(line) for text in plain for line in text.split("\n")] or [1])
            least.append(widest if column.no_wrap else max([word_width(t) for t in plain] + [column.min_width or 1]))
            most.append(max(widest, least[-1]))
        spare = room - sum(least)
        if spare < 0:
            return False
        lacking = [m - n for m, n in zip(most, least)]
        total = sum(lacking) or 1
        widths = [n + min(lack, spare * lack // total) for n, lack in zip(least, lacking)]
        for column, width in zip(table.columns, widths):
            column.width = width
        return True

    @staticmethod
    def _breaks_words(console, table) -> bool:
        """Whether drawing `table` on `console` (at the widths rich gives its columns) would
        break a header or a value inside a word, or cut text off. A word is a run without
        spaces; a line may break between CJK characters (or beside one), as CJK text
        wraps, but not between two letters, digits or signs of one word (`li@exa|mple.cn`)."""
        from rich._wrap import divide_line
        from rich.cells import cell_len

        try:
            widths = table._calculate_column_widths(
                console, console.options.update_width(console.width - table._extra_width))
            pads = [table._get_padding_width(i) for i in range(len(table.columns))]
        except (AttributeError, TypeError):       # another rich: draw it as it comes
            return False
        if sum(widths) + table._extra_width > console.width:
            return True
        for column, width, pad in zip(table.columns, widths, pads):
            room = max(1, width - pad)
            texts = ([column.header] if table.show_header else []) + list(column._cells)
            for text in texts:
                if not isinstance(text, str):
                    continue
                for line in console.render_str(text).plain.expandtabs(8).split("\n"):
                    if cell_len(line) <= room:
                        continue
                    if column.no_wrap:
                        return True                # cut off
                    for at in divide_line(line, room, fold=True):
                        before, after = line[at - 1], line[at]
                        if not before.isspace() and cell_len(before) == 1 and cell_len(after) == 1:
                            return True
        return False

    @staticmethod
    def _fits(console, columns: list[str], rows: list[dict]) -> bool:
        """Whether a table with a column each fits the terminal with every column at least
        MIN_CELLS wide (ids whole): cells, a space either side, a rule between."""
        from .domain.display import MONEY_KEYS

        if "currency" in columns and MONEY_KEYS.intersection(columns):
            columns = [c for c in columns if c != "currency"]
        need = sum((_whole_width(c, rows) or MIN_CELLS) + 3 for c in columns) + 1
        return need <= console.width or len(columns) <= 1

    def message(self, text: str) -> None:
        """Human-readable progress/info: stderr when stdout carries JSON or CSV."""
        _say(shown(text), err=self.fmt != "table")


def display_zone() -> dt.tzinfo:
    """The one zone times are shown in: the machine's ($CIMS_TZ overrides), as on the sheets."""
    from .excel.sheet_codec import local_zone

    return local_zone()


def _time_of(value: Any, key: str | None) -> dt.datetime | None:
    from .domain.display import TIME_KEYS, as_time

    if isinstance(value, dt.datetime):
        return value
    return as_time(value) if key in TIME_KEYS else None


def _whole_width(key: str, rows: list[dict]) -> int | None:
    """The width an id column needs to show every id whole, or None for other columns."""
    if not (key in ("id", "batch", "row", "seq", "version", "entry") or key.endswith("_id")):
        return None
    widths = [len(str(r.get(key))) for r in rows if r.get(key) not in (None, "")]
    return min(max(widths or [0]), 40) or None


# Text that is a formatted figure ("65,988.11", "34.2%", "8,111.50 CNY"): right-aligned.
_NUMBER_TEXT = re.compile(r"^-?[\d,]+(\.\d+)?%?( [A-Z]{3})?$")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _changes_text(changes: dict) -> str:
    """History and audit changes as a person reads them: one "field: old → new" line each
    ({"city": ["上海", "北京"]} -> "city: 上海 → 北京"); a value that was empty shows as –."""
    def shown(v: Any) -> str:
        if v is None or v == "":
            return "–"
        if isinstance(v, (dict, list)):
            return json.dumps(v, default=_plain, ensure_ascii=False)
        try:
            return str(_plain(v))
        except TypeError:
            return str(v)

    lines = []
    for field, change in changes.items():
        if isinstance(change, (list, tuple)) and len(change) == 2:
            lines.append(f"{field}: {shown(change[0])} → {shown(change[1])}")
        else:
            lines.append(f"{field}: {shown(change)}")
    return "\n".join(lines)


def _cell(value: Any, key: str | None = None, row: dict | None = None) -> str:
    """One value as a person reads it: money with two decimals and the row's currency,
    percentages with %, times in the display time zone (domain.display)."""
    from rich.markup import escape

    from .domain.display import MONEY_KEYS, PERCENT_KEYS, local_time, money, percent

    if value is None:
        return ""
    if key in MONEY_KEYS and (_is_number(value) or isinstance(value, dict)):
        currency = (row or {}).get("currency")
        return escape(money(value, currency if isinstance(currency, str) else None))
    if key in PERCENT_KEYS and _is_number(value):
        return percent(value)
    when = _time_of(value, key)
    if when is not None:
        return local_time(when, display_zone())
    if key == "changes" and isinstance(value, dict):
        return escape(shown(_changes_text(value)))
    if isinstance(value, (dict, list)):
        value = json.dumps(value, default=_plain, ensure_ascii=False)
    elif not isinstance(value, str):
        try:
            value = _plain(value)
        except TypeError:
            value = str(value)
    return escape(shown(str(value)))


# ----- context: store, user, password, session -----------------------------------------


NEW_PASSWORD_TRIES = 3
SECRET_PROMPT_TRIES = 3


# A password, second-factor code or backup password arrives from an environment variable,
# stdin or a hidden prompt. Bytes that are not text there (a Latin-1 or GBK terminal, a
# script writing another encoding) are a typing problem: ValidationFailed naming where
# it came from, before any key derivation (so it is not a sign-in attempt and the
# lockout count is untouched), never repeated (it is a secret), never "damaged".
def _env_secret(name: str) -> str | None:
    from .security.passwords import password_text

    value = os.environ.get(name)
    return None if value is None else password_text(value, f"${name}")


def _stdin_secret(where: str = "--password-stdin") -> str | None:
    """One line of stdin without its line end (None at the end of input), checked as text."""
    from .security.passwords import not_text_reason, password_text

    try:
        line = sys.stdin.readline()
    except UnicodeDecodeError:
        raise ValidationFailed({where: not_text_reason()}) from None
    return password_text(line.rstrip("\r\n"), where) if line else None


def _prompt_secret(prompt: str, *, err: bool = False) -> str:
    """A hidden prompt; typed bytes that are not text are said and asked again."""
    from .security.passwords import not_text_reason, password_text

    for _ in range(SECRET_PROMPT_TRIES):
        try:
            prompting()
            typed = click.prompt(prompt, hide_input=True, err=err)
            hush(after_secret=True)      # what is typed on while it is checked is not shown
            return password_text(typed, prompt)
        except UnicodeDecodeError:
            pass
        except ValidationFailed:
            pass
        _say(f"What was typed {not_text_reason()}.", err=True)
    raise ValidationFailed({prompt: not_text_reason()})


def _typed_new_password(who: str) -> str:
    """A new password typed twice in a terminal, checked against the password policy as
    soon as it is typed: a weak one or two that differ are asked for again (up to
    NEW_PASSWORD_TRIES times) instead of ending the command after both were typed."""
    from .security.passwords import check_password

    for _ in range(NEW_PASSWORD_TRIES):
        first = _prompt_secret(f"New password for {who}")
        try:
            check_password(first, who)
        except ValidationFailed as exc:
            _say(f"That password {'; '.join(exc.problems.values())}. Type another.", err=True)
            continue
        if _prompt_secret("Repeat for confirmation") == first:
            return first
        _say("The two passwords differ. Type it again.", err=True)
    raise CimsError(f"no password was set: {NEW_PASSWORD_TRIES} tries; run the command again")


def _ask_one_time_code() -> str:
    """The second-factor code, typed at a hidden prompt written to the terminal (stderr)."""
    return _prompt_secret("One-time code", err=True)


class App:
    def __init__(self, store: str | None, user: str | None, fmt: str, password_stdin: bool, otp: str | None):
        self.store_path = Path(store or os.environ.get("CIMS_STORE") or default_store_path()).expanduser()
        self.user = user or os.environ.get("CIMS_USER")
        self.out = Output(fmt)
        self.password_stdin = password_stdin
        self.otp = otp or _env_secret("CIMS_OTP")
        self._session = None
        self._password: str | None = None

    def password(self, prompt: str = "Password") -> str:
        if self._password is not None:
            return self._password
        if self.password_stdin:
            line = _stdin_secret()
            if line is None:
                raise CimsError("--password-stdin was given but standard input is empty")
            self._password = line
        elif os.environ.get("CIMS_PASSWORD") is not None:
            self._password = _env_secret("CIMS_PASSWORD")
        elif sys.stdin.isatty():
            self._password = _prompt_secret(prompt)
        else:
            raise CimsError("no password: set CIMS_PASSWORD, pass --password-stdin, or run in a terminal")
        return self._password

    def new_password(self, who: str) -> str:
        if os.environ.get("CIMS_NEW_PASSWORD") is not None:
            return _env_secret("CIMS_NEW_PASSWORD")
        if sys.stdin.isatty():
            return _typed_new_password(who)
        raise CimsError("no new password: set CIMS_NEW_PASSWORD or run in a terminal")

    def session(self):
        if self._session is None:
            from .services import auth

            if not self.user:
                raise CimsError("who is signing in? pass --user NAME or set CIMS_USER")
            escaped = _undecodable(self.user)      # $CIMS_USER (--user is checked with the arguments)
            if escaped is not None:
                raise ValidationFailed({"CIMS_USER": f"'{escaped}' holds bytes that are not "
                                                     f"{sys.getfilesystemencoding().upper()} text"})
            if self._password is None:   # a locked account is told so before typing a password
                auth.check_not_locked(self.store_path, self.user)
            otp = self.otp
            if otp is None and sys.stdin.isatty():
                # Asked for only once the password proved right (one slow derivation, and a
                # wrong code counts as one failed attempt), hidden and on the terminal, so
                # `cims --format json … > out.json` gets only the JSON.
                otp = _ask_one_time_code
            try:
                self._session = auth.sign_in(self.store_path, self.user, self.password(), otp)
            except WrongPassword as exc:
                if otp is None and "one-time code" in exc.message:   # a script without a terminal
                    raise WrongPassword(f"{exc.message}; give the code with --otp CODE or $CIMS_OTP") from None
                raise
            if self._session.account_problem:
                _say(f"Warning: {self._session.account_problem}.", err=True)
            if self._session.trust_problem:   # found before sign-in wrote anything
                # A copy's warning says itself what to do; each says it as the role may act.
                then = ("" if self._session.trust_kind == "copy" else
                        " Run `cims audit verify` to see the whole trail." if self._session.role == "admin"
                        else " Tell an administrator (`cims audit verify`).")
                _say(f"Warning: {shown(self._session.trust_problem)}.{then}", err=True)
            if self._session.role == "admin":
                from .services.gdpr import unfinished_erases

                for cid in unfinished_erases(self._session):
                    _say(f"Warning: the erase of {cid} stopped before it reached every backup; run "
                               f"`cims gdpr erase {cid}` again to finish it.", err=True)
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


pass_app = click.make_pass_decorator(App)


class ImportKind(click.Choice):
    """`--kind` of `cims import`: the plural names, and the words people use for them
    ("deals", a CRM's usual word for opportunities; a singular: "order")."""

    KINDS = ("customers", "orders", "contacts", "opportunities", "tickets", "interactions")
    ALIASES = {"deal": "opportunities", "deals": "opportunities", "opportunity": "opportunities",
               "customer": "customers", "order": "orders", "contact": "contacts", "ticket": "tickets",
               "interaction": "interactions", "activities": "interactions", "activity": "interactions"}

    def __init__(self):
        super().__init__(list(self.KINDS))

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            value = self.ALIASES.get(value.strip().lower(), value.strip().lower())
        return super().convert(value, param, ctx)


def _takes_value(cmd: click.Command, name: str) -> bool | None:
    """Whether `cmd` has the option `name` and it takes a value; None if it has no such option."""
    for param in cmd.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return not (param.is_flag or param.count)
    return None


def lift_global_options(root: click.Group, args: list[str]) -> list[str]:
    """Move the root's options given after a subcommand to the front of `args`.

    `cims customer show C-1 --password-stdin` means `cims --password-stdin customer show C-1`.
    The subcommands are followed as argv names them, so an option a subcommand has itself,
    and the value of any option that takes one, stay where they are; so does everything
    after `--`. Returns the reordered argument list.
    """
    front: list[str] = []
    rest: list[str] = []
    cmd: click.Command = root
    i = 0
    while i < len(args):
        token = args[i]
        if token == "--":
            rest += args[i:]
            break
        name, eq, _ = token.partition("=")
        own = _takes_value(cmd, name) if token.startswith("-") else None
        global_value = _takes_value(root, name) if token.startswith("--") and cmd is not root else None
        if own is not None or global_value is None:
            rest.append(token)
            if own and not eq and i + 1 < len(args):
                rest.append(args[i + 1])
                i += 1
            elif own is None and not token.startswith("-") and isinstance(cmd, click.Group):
                sub = cmd.commands.get(token)
                if sub is None and isinstance(cmd, _ImportGroup):
                    sub = cmd.commands.get("file")     # `cims import FILE …`
                cmd = sub or cmd
        else:
            front.append(token)
            if global_value and not eq and i + 1 < len(args):
                front.append(args[i + 1])
                i += 1
        i += 1
    return front + rest


# Below this many columns an option's help goes on its own lines under the option: beside
# a 30-cell option column it would get a few cells a line.
_NARROW_HELP = 60


def _fill(text: str, width: int, *, also_after: str = "") -> list[str]:
    """`text` packed into lines of at most `width` cells, broken only at spaces (and after
    any character of `also_after`, as `|` between the choices of an option); a word longer
    than a line gets a line of its own and is not broken (the terminal may wrap it)."""
    from rich.cells import cell_len

    cut = re.escape(also_after) if also_after else ""
    # each piece with the space before it, if any: a piece cut after "|" is joined without one
    pieces = re.findall(rf"\s*[^\s{cut}]*[{cut}]" + r"|\s*\S+" if cut else r"\s*\S+", text)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        word = piece.lstrip()
        joined = (line + (" " if word != piece else "") + word) if line else word
        if line and cell_len(joined) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    if line:
        lines.append(line)
    return lines


class _HelpFormatter(click.HelpFormatter):
    """click's help, sized to the terminal it is shown on (click's own keeps at least 50
    columns, so a 40-column terminal breaks its lines inside words). Below _NARROW_HELP
    columns each option is on its own lines (its choices broken after a `|`), and its
    text under it, indented, broken only between words."""

    def __init__(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None):
        if width is None:
            from .terminal import terminal_width

            columns = terminal_width(click.get_text_stream("stdout"))
            if columns:
                width = max(min(columns, max_width or 80) - 1, 20)
        super().__init__(indent_increment, width, max_width)

    # click wraps text breaking after a hyphen ("--password-" / "stdin"); a hyphen held as
    # U+2011 (non-breaking, as wide) while it wraps keeps such a word on one line.
    def write_text(self, text: str) -> None:
        self._unbroken(super().write_text, text)

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        self._unbroken(super().write_usage, prog, args, prefix)

    def _unbroken(self, write, *texts) -> None:
        start = len(self.buffer)
        write(*(t.replace("-", "\u2011") if isinstance(t, str) else t for t in texts))
        self.buffer[start:] = [piece.replace("\u2011", "-") for piece in self.buffer[start:]]

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        from rich.cells import cell_len

        rows = list(rows)
        indent = self.current_indent
        room = max(self.width - indent, 10)
        narrow = self.width < _NARROW_HELP
        # wide: the text in a column after the options (as click draws it); narrow: under each
        first_col = 4 if narrow else min(max((cell_len(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            terms = _fill(first, room, also_after="|")
            for i, line in enumerate(terms):
                self.write(f"{'':>{indent + (2 if i else 0)}}{line}")
                if i < len(terms) - 1:
                    self.write("\n")
            texts = _fill(second, max(room - first_col, 10)) if second else []
            if not texts:
                self.write("\n")
                continue
            if narrow or len(terms) > 1 or cell_len(terms[0]) > first_col - col_spacing:
                self.write(f"\n{'':>{indent + first_col}}")
            else:
                self.write(" " * (first_col - cell_len(terms[0])))
            self.write(texts[0] + "\n")
            for line in texts[1:]:
                self.write(f"{'':>{indent + first_col}}{line}\n")


class _CimsContext(click.Context):
    formatter_class = _HelpFormatter


def _use_cims_help(command: click.Command) -> None:
    """Every command's help written by _HelpFormatter (a subcommand makes its own context),
    and every group's list of commands with each one's first sentence whole."""
    command.context_class = _CimsContext
    if isinstance(command, click.Group):
        command.format_commands = types.MethodType(_format_commands, command)
    for sub in getattr(command, "commands", {}).values():
        _use_cims_help(sub)


def _format_commands(group: click.Group, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """click's "Commands:" list, each command's first sentence whole and wrapped between
    words by _HelpFormatter.write_dl (click cuts it to the line with "...", so that
    `sync` read "Save, Refresh or rebuild reports on a closed workbook file..." even at
    80 columns)."""
    rows = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is not None and not cmd.hidden:
            rows.append((name, cmd.get_short_help_str(limit=1 << 16)))
    if rows:
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class _CimsGroup(click.Group):
    """The root group: global options are also taken after the subcommand."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, lift_global_options(self, list(args)))


@click.group(cls=_CimsGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--store", metavar="PATH", help="Store file (default: $CIMS_STORE or your data folder).")
@click.option("--user", metavar="NAME", help="Who signs in (default: $CIMS_USER).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format; json/csv print only data on stdout.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--otp", metavar="CODE", help="Second-factor code (default: $CIMS_OTP).")
@click.version_option(__version__, prog_name="cims")
@click.pass_context
def cli(ctx: click.Context, store, user, fmt, password_stdin, otp):
    """cims: customer information in Excel over an encrypted local store.

    The options below may also come after the command (cims customer show C-1 --format json).
    """
    app = App(store, user, fmt, password_stdin, otp)
    ctx.obj = app
    ctx.call_on_close(app.close)


# ----- init / users --------------------------------------------------------------------

@cli.command()
@click.option("--admin", "admin_name", required=True, metavar="NAME", help="The first administrator's user name.")
@click.option("--currency", metavar="CODE", default="CNY", show_default=True,
              help="The store's currency (ISO 4217, e.g. USD): amounts typed without one are in it.")
@click.option("--region", metavar="COUNTRY",
              help="The country of phone numbers typed without +country code (e.g. DE, Germany). "
                   "Default: the store currency's country, only assumed (USD: US; EUR: none, China assumed).")
@pass_app
def init(app: App, admin_name: str, currency: str, region: str | None):
    """Create a new encrypted store with its first administrator."""
    from .domain.countries import region_for_country
    from .services import auth
    from .services import settings as st

    code = None
    if region is not None:
        code = region_for_country(region)
        if code is None or code not in st.nz.phonenumbers.SUPPORTED_REGIONS:
            raise click.BadParameter(f"{region!r} is not a country cims knows; give a two-letter code "
                                     "such as CN, DE, US", param_hint="--region")
    password = (_env_secret("CIMS_NEW_PASSWORD") or _env_secret("CIMS_PASSWORD")
                or (_stdin_secret() if app.password_stdin else None)
                or app.new_password(admin_name))
    auth.init_store(app.store_path, admin_name, password, currency=currency)
    shown = {"store": str(app.store_path), "admin": admin_name.lower(),
             "key_file": str(app.store_path) + ".keys", "currency": currency.strip().upper()}
    if code:
        session = auth.sign_in(app.store_path, admin_name, password)
        try:
            shown["phone_region"] = st.set_store_region(session, code)
        finally:
            session.close()
    else:
        shown["phone_region"] = (f"{st.currency_region(currency) or 'CN'} (assumed; "
                                 "`cims settings region CC` sets it)")
    app.out.summary(shown, title="Store created", vertical=True)


# ----- settings / exchange rates -----------------------------------------------------------

@cli.group()
def settings():
    """Store-wide settings (the store's currency, the country of phone numbers)."""


@settings.command("currency")
@click.argument("code", required=False)
@pass_app
def settings_currency(app: App, code):
    """Show the store's currency, or set it to CODE (admin), e.g. EUR."""
    from .services import settings as st

    session = app.session()
    value = st.set_store_currency(session, code) if code else st.store_currency(session)
    app.out.emit({"currency": value})


@settings.command("region")
@click.argument("country", required=False)
@pass_app
def settings_region(app: App, country):
    """Show the country of phone numbers typed without +country code, or set it to COUNTRY
    (admin): a code such as DE or a name such as Germany. Until it is set, the country of
    the store's currency is assumed (USD: US; EUR and other shared currencies: China),
    and numbers not written as there are refused rather than guessed."""
    from .services import settings as st

    session = app.session()
    value = st.set_store_region(session, country) if country else st.store_region(session)
    shown = value or f"not set ({st.assumed_region(session)} assumed)"
    app.out.emit({"region": shown} if app.out.fmt == "table" else {"region": value})


@cli.group()
def fx():
    """Exchange rates you enter, used to convert report totals to the store's currency."""


@fx.command("set", context_settings={"ignore_unknown_options": True})   # RATE "-1" is a value, refused as one
@click.argument("currency")
@click.argument("rate")
@click.option("--from", "valid_from", required=True, metavar="DATE",
              help="First day the rate applies (YYYY-MM-DD); it holds until the next rate.")
@click.option("--confirm", is_flag=True,
              help="Store a rate more than twice or less than half the one before it (or a first rate "
                   "outside 0.0001-10000), which is otherwise refused as a likely slip.")
@pass_app
def fx_set(app: App, currency, rate, valid_from, confirm):
    """1 CURRENCY = RATE in the store's currency from --from on (admin), e.g. USD 7.10."""
    from .errors import NeedsConfirmation
    from .services import settings as st

    try:
        r = st.set_fx_rate(app.session(), currency, rate, valid_from, confirm=confirm)
    except NeedsConfirmation as exc:
        raise NeedsConfirmation(exc.problems, f"{exc.message} If {rate} is right, repeat with --confirm.") from None
    app.out.emit({"currency": r.currency, "rate": str(r.rate), "in": r.base, "from": r.valid_from})


@fx.command("delete")
@click.argument("currency")
@click.option("--from", "valid_from", required=True, metavar="DATE",
              help="The first day of the rate to remove (YYYY-MM-DD), as `cims fx list` shows it.")
@pass_app
def fx_delete(app: App, currency, valid_from):
    """Remove the CURRENCY rate entered for --from (admin): the rate before it then holds on."""
    from .services import settings as st

    r = st.delete_fx_rate(app.session(), currency, valid_from)
    app.out.emit({"deleted": f"1 {r.currency} = {r.rate} {r.base}", "from": r.valid_from})


@fx.command("list")
@pass_app
def fx_list(app: App):
    """The exchange rates entered, by currency and date."""
    from .services import settings as st

    rows = [{"currency": r.currency, "rate": str(r.rate), "in": r.base, "from": r.valid_from,
             "set_by": r.set_by} for r in st.fx_rates(app.session())]
    app.out.emit(rows, columns=["currency", "rate", "in", "from", "set_by"])


@cli.group()
def user():
    """Users: add, list, change role or password, disable and enable, second factor."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES, case_sensitive=False), required=True, help="What the user may do (see README: roles).")
@click.option("--display-name", metavar="TEXT", help="The name shown instead of the user name.")
@pass_app
def user_add(app: App, name, role, display_name):
    """Add a user (new password from a masked prompt or $CIMS_NEW_PASSWORD)."""
    from .services import auth

    session = app.session()
    who, _role = auth.check_user_addable(session, name, role)      # before the password is asked for
    app.out.emit(auth.add_user(session, name, role, app.new_password(who), display_name=display_name))


@user.command("list")
@pass_app
def user_list(app: App):
    """List users, their roles, whether they can sign in, and their signing-key fingerprints."""
    from .services import audit_log, auth

    session = app.session()
    keys = {r["username"]: r for r in audit_log.trust_fingerprints(session)}
    rows = auth.list_users(session)
    for row in rows:
        row["key_on_this_computer"] = keys.get(row["username"], {}).get("status")
        if row["changed_outside"]:      # the role shown is the one in force; say what was ignored
            _say(f"Warning: {shown(row['username'])}'s account was changed outside cims "
                       f"({shown(', '.join(row['changed_outside']))}); that change is ignored: an "
                       "administrator should run `cims audit verify`.", err=True)
        if app.out.fmt != "json":
            row.pop("changed_outside")
    app.out.emit(rows, headers={"display_name": "display name", "can_sign_in": "can sign in",
                                "signing_key": "signing key", "failed_attempts": "failed sign-ins",
                                "key_on_this_computer": "key seen here"})


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES, case_sensitive=False))
@pass_app
def user_role(app: App, name, role):
    """Change a user's role (admin)."""
    from .services import auth

    auth.set_role(app.session(), name, role)
    app.out.emit({"username": name.lower(), "role": role})


@user.command("passwd")
@click.argument("name", required=False)
@pass_app
def user_passwd(app: App, name):
    """Change your password, or (admin) reset someone else's.

    After a password may have leaked, reset it AND run `cims rekey`: until then the old
    password still opens the store's data key in any copy of the key file made before
    the reset (a backup, or an old key file put back beside the store)."""
    from .services import auth

    session = app.session()
    who = auth.check_password_changeable(session, name or session.username)     # before asking
    auth.change_password(session, who, app.new_password(who))
    app.out.emit({"username": who, "password": "changed"})


@user.command("disable")
@click.argument("name")
@pass_app
def user_disable(app: App, name):
    """Disable a user: their key slot is removed, so they can no longer sign in."""
    from .services import auth

    auth.disable_user(app.session(), name)
    app.out.emit({"username": name.lower(), "disabled": True})


@user.command("enable")
@click.argument("name")
@pass_app
def user_enable(app: App, name):
    """Let a disabled user sign in again (admin), with a new password you give them
    (masked prompt or $CIMS_NEW_PASSWORD)."""
    from .services import auth

    session = app.session()
    auth.enable_user(session, name, app.new_password(auth.check_enableable(session, name)))
    app.out.emit({"username": name.lower(), "disabled": False})


@user.command("totp")
@click.argument("name")
@click.option("--confirm", "code", metavar="CODE", help="Finish enrolment with a code from the app.")
@click.option("--disable", is_flag=True, help="Turn the second factor off.")
@pass_app
def user_totp(app: App, name, code, disable):
    """Second factor: without options, start enrolment and show the otpauth:// URI."""
    from .services import auth

    session = app.session()
    if disable:
        auth.totp_disable(session, name)
        app.out.emit({"username": name.lower(), "totp": False})
    elif code:
        auth.totp_confirm(session, name, code)
        app.out.emit({"username": name.lower(), "totp": True})
    else:
        uri = auth.totp_enrol(session, name)
        if app.out.fmt != "table":
            app.out.emit({"username": name.lower(), "otpauth_uri": uri,
                          "next": f"scan the URI, then run: cims user totp {name.lower()} --confirm CODE"})
            return
        _show_enrolment(name.lower(), uri)


def _show_enrolment(name: str, uri: str) -> None:
    """The otpauth:// URI on a line of its own (never cut by a table), a QR code of it when
    stdout is a terminal and segno is installed, and the next step."""
    _say(f"Add this to an authenticator app for {name} (scan the code, or paste the line):")
    if sys.stdout.isatty():
        try:
            import segno
        except ImportError:      # segno is a dependency; a trimmed install still gets the URI
            segno = None
        if segno is not None:
            buf = io.StringIO()
            from .terminal import writes_everything

            # Half-block characters where the terminal can write them; else coloured spaces.
            compact = writes_everything(getattr(sys.stdout, "encoding", None))
            segno.make(uri, error="m").terminal(out=buf, compact=compact, border=2)
            click.echo(buf.getvalue(), nl=False)
    click.echo("")
    click.echo(uri)
    click.echo("")
    _say(f"Then confirm with a code from the app: cims user totp {name} --confirm CODE")


# ----- records ------------------------------------------------------------------------

# A question is asked only after sign-in (password, one-time code) and after every check
# that needs no answer: a password typed at a "[y/N]" prompt would be echoed, and a
# "yes" given to a step that then fails for another reason was asked for nothing.

def _confirm(yes: bool, question: str) -> None:
    """Ask before a destructive step, unless --yes or nobody is at a terminal.
    Call it after `app.session()`. Raises click's Abort when the answer is no."""
    if not yes and sys.stdin.isatty():
        from .terminal import fit_lines, terminal_width

        width = terminal_width(click.get_text_stream("stdout"))
        # the question broken at word boundaries, with room for " [y/N]: " after it
        prompting()
        click.confirm(fit_lines(question, width - len(" [y/N]: ") if width else None), abort=True)


def _refuse_without_terminal(yes: bool, command: str) -> None:
    """A step that cannot be undone needs --yes when there is no terminal to ask at.

    Raises CimsError (one line naming --yes) when stdin is not a terminal and `yes` is
    False. Called once the user's role is known to allow the step: --yes is never
    suggested to someone who may not take it.
    """
    if not yes and not sys.stdin.isatty():
        raise CimsError(f"{command} cannot be undone and there is no terminal to confirm it: "
                        f"add --yes to go ahead")


def _out_suffix(*suffixes: str):
    """A click callback: refuse an output file whose extension is not one of `suffixes`.

    What is written does not change with the name, so `--out r.csv` for an .xlsx would
    only mislead; raises ValidationFailed naming the option and the extensions allowed.
    """
    def check(ctx: click.Context, param: click.Parameter, value):
        if value is None:
            return value
        if Path(value).suffix.lower() not in suffixes:
            writes = " or ".join(suffixes)
            raise ValidationFailed({"": f"{param.opts[0]} {value}: {ctx.command_path} writes {writes}; "
                                        f"name the file with that extension"})
        _check_out_folder(param.opts[0], value)
        return value
    return check


def _check_out_folder(option: str, value: str) -> None:
    """Refuse an output file whose folder is missing, not a folder, or not writable.

    Folders are not created for output files (a typo would scatter them); raises
    ValidationFailed naming the option, the folder and what to do.
    """
    folder = Path(value).expanduser().parent
    shown = str(folder) if str(folder) != "." else "the current folder"
    if not folder.exists():
        raise ValidationFailed({"": f"{option} {value}: the folder {shown} does not exist; create it first "
                                    "(cims does not create folders for output files)"})
    if not folder.is_dir():
        raise ValidationFailed({"": f"{option} {value}: {shown} is not a folder"})
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValidationFailed({"": f"{option} {value}: you cannot write in the folder {shown}"})


def _field_options(ent: Entity):
    def decorate(fn):
        for f in reversed([f for f in ent.fields if f.editable and not f.internal]):
            opt = "--" + f.key.replace("_", "-")
            fn = click.option(opt, f.key, metavar=_metavar(f), help=_field_help(f))(fn)
        # The fields cims computes (a ticket's due times and paused clock): named options
        # too, hidden, so that giving one is refused naming the field, not "no such option".
        for f in reversed([f for f in ent.fields if not f.editable]):
            fn = click.option("--" + f.key.replace("_", "-"), f.key, hidden=True)(fn)
        return fn
    return decorate


def _refuse_computed(ent: Entity, values: dict) -> None:
    """ValidationFailed naming a field cims computes that the command line gave."""
    from .domain.schema import computed_problem

    given = {f.header: computed_problem(ent, f.key) for f in ent.fields
             if not f.editable and values.get(f.key) is not None}
    if given:
        raise ValidationFailed(given)


# What a value of each field kind looks like on the command line (domain/schema.py kinds).
_KIND_METAVARS = {"ref": "ID", "bool": "yes|no", "money": "AMOUNT", "decimal": "NUMBER", "int": "INTEGER",
                  "date": "YYYY-MM-DD", "datetime": "'YYYY-MM-DD HH:MM'", "user": "USER", "name": "TEXT",
                  "email": "EMAIL", "phone": "PHONE", "tags": "'TAG, TAG'", "text": "TEXT"}


def _metavar(f) -> str:
    """`[Consumer|Corporate|…]` for a field with a fixed set of values (domain/schema.py)."""
    if f.choices:
        return "[" + "|".join(f.choices) + "]"
    if f.key == "currency":
        return "CODE"
    return _KIND_METAVARS.get(f.kind, f.kind.upper())


def _field_help(f) -> str:
    text = f.header.rstrip(".") + "."
    if f.choices and not f.strict:
        text += " One of these, or a value of your own."
    if f.key == "currency":
        text += " ISO 4217 code, e.g. CNY, USD, EUR."
    if f.kind == "datetime":
        text += " Your time zone's clock time ($CIMS_TZ), or with an offset: '2024-03-05 14:30 +08:00'."
    return text


def _a(noun: str) -> str:
    """'a customer', 'an interaction', 'an opportunity'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _given(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


RECORD_COLUMNS = {
    "customer": ["id", "name", "company", "email", "phone", "mobile", "city", "segment", "owner"],
    "contact": ["id", "customer_id", "name", "title", "email", "phone", "mobile"],
    "interaction": ["id", "customer_id", "kind", "occurred_at", "subject", "owner"],
    "order": ["id", "order_number", "customer_id", "order_date", "product", "quantity", "amount", "currency"],
    "opportunity": ["id", "customer_id", "name", "stage", "amount", "currency", "probability", "expected_close",
                    "owner"],
    "ticket": ["id", "customer_id", "subject", "priority", "status", "assignee", "first_response_due",
               "resolution_due"],
}


def _say_demoted(app: App, session) -> None:
    """A contact made primary demoted the customer's primary until then: say which."""
    for old, new in getattr(session, "demoted_primaries", []):
        app.out.message(f"{old} is no longer the primary contact: {new} is (one primary per customer)")
    session.demoted_primaries = []
    for pid, cid, holder in getattr(session, "arrived_not_primary", []):
        app.out.message(f"{pid} was its customer's primary contact: moved to {cid}, it is not {cid}'s primary; "
                        f"{holder} stays (to change that: contact edit {pid} --is-primary yes)")
    session.arrived_not_primary = []


def _customer_ref(session, typed: str) -> str:
    """Our id of a customer as a person types it: C-5, c-000005, or the id an imported
    customer had in the system it came from (CG-12520): services.search.customer_id_for."""
    from .services import search

    return search.customer_id_for(session, typed)


def _live_customer(app: App, session, cid: str, doing: str) -> str:
    """`cid`, or for a customer a merge retired the live customer that holds its data
    now, saying so ("C-000002 was merged into C-000001 on …; showing C-000001")."""
    from .services import merge

    info = merge.merged_away(session, cid)
    if info is None or not info["kept"]:
        return cid
    app.out.message(f"{merge.merged_message(info)}; {doing} {info['kept']}, which holds its data "
                    f"(customer history {cid} shows {cid}'s own record)")
    return info["kept"]


def _with_customer_ref(session, values: dict) -> dict:
    """`values` with a typed --customer-id turned into our id (see _customer_ref)."""
    if values.get("customer_id"):
        values = {**values, "customer_id": _customer_ref(session, values["customer_id"])}
    return values


def _page_title(total: int, rows: list, noun: str, *, always: bool = False) -> str | None:
    """A table's title when it shows part of what matched: '30,013 customer(s), showing 200'
    (with `always`, '12 customer(s)' also when all are shown)."""
    if len(rows) < total:
        return f"{total:,} {noun}(s), showing {len(rows):,}"
    return f"{total:,} {noun}(s)" if always else None


def _say_page(app: App, total: int, offset: int, shown: int, noun: str) -> None:
    """When a list shows part of what matched, say so under it and how to see the rest:
    'showing 200 of 30,013 customers; use --limit/--offset for the others' (stderr when
    stdout carries CSV or JSON, so that stays clean)."""
    if shown >= total:
        return
    plural = noun if total == 1 else _plural(noun)
    if shown == 0:
        app.out.message(f"showing none of {total:,} {plural}: --offset {offset:,} is past the end")
        return
    which = f"{shown:,}" if offset == 0 else f"{offset + 1:,}–{offset + shown:,}"
    app.out.message(f"showing {which} of {total:,} {plural}; use --limit/--offset for the others")


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"


def _phone_hint(ent: Entity) -> dict | None:
    """The validation context that makes a phone number refused under the assumed region
    name what this command has: --country where the record has a country."""
    if not any(f.kind == "phone" for f in ent.fields):
        return None
    hint = "write it with + and its country code (e.g. +49 151 2345 6789)"
    if any(f.key == "country" for f in ent.fields):
        hint += f", or give the {ent.label}'s country with --country (e.g. --country DE)"
    return {"region_hint": hint}


def _say_typed_by_name(app: App, form: str | None) -> None:
    """Say that a customer given no --type became a Company by the legal form in its name."""
    if form:
        from .domain.legal_forms import typed_by_name_note

        app.out.message(typed_by_name_note(form).replace("give Type Person", "give --type Person"))


def _entity_group(ent: Entity) -> click.Group:
    @click.group(name=ent.kind, help=f"{ent.label.title()} records: add, show, list, edit, delete.")
    def group():
        pass

    @group.command("add", help=f"Add {_a(ent.label)}.")
    @_field_options(ent)
    @pass_app
    def add(app: App, **values):
        from .services import records

        _refuse_computed(ent, values)
        session = app.session()
        if ent.kind == "customer":
            from .domain.legal_forms import company_by_name

            allow = values.pop("allow_duplicate", False)
            given = _given(values)
            form = company_by_name(given)       # "Acme GmbH" is a Company, as the import reads it
            app.out.emit(records.create_customer(session, records.with_phone_extensions(ent.kind, given),
                                                 allow_duplicate=allow, context=_phone_hint(ent)))
            _say_typed_by_name(app, form)
            return
        allow = values.pop("allow_duplicate", False)
        given = records.with_phone_extensions(ent.kind, _with_customer_ref(session, _given(values)))
        if ent.kind == "contact":
            # the same person twice under one customer is refused, as Save and the import do
            app.out.emit(records.create_contact(session, given, allow_duplicate=allow, context=_phone_hint(ent)))
            _say_demoted(app, session)
            return
        logged_now = ent.kind == "interaction" and not given.get("occurred_at")
        if logged_now:
            # logged as it happens: its time is the time of logging, said so (never left unknown
            # without a word)
            from .store.db import utcnow
            given["occurred_at"] = utcnow().replace(microsecond=0)
        made = records.create(session, ent.kind, given, context=_phone_hint(ent))
        app.out.emit(made)
        _say_demoted(app, session)
        if ent.kind == "opportunity" and made.get("stage") in ("Won", "Lost") and made.get("closed_at") is None:
            # added already won or lost: when it closed is not known (never "today")
            app.out.message("Closed: left empty, the day it closed is not known (a deal added already "
                            f"{made['stage']}); give --expected-close with the day it closed, or add it open "
                            "and move it to Won or Lost when it closes")
        if logged_now:
            app.out.message("When: not given, so it is now (the time of logging); give --occurred-at "
                            "for an interaction that happened earlier")

    if ent.kind == "customer":
        add = click.option("--allow-duplicate", is_flag=True,
                           help="Add even when a customer with this email or phone exists.")(add)
    if ent.kind == "contact":
        add = click.option("--allow-duplicate", is_flag=True,
                           help="Add even when a contact of this customer has this email or phone.")(add)

    @group.command("show", help=f"Show one {ent.label} by id.")
    @click.argument("record_id")
    @pass_app
    def show(app: App, record_id):
        from .services import records

        session = app.session()
        if ent.kind == "customer":     # also by the id it had in the system it came from
            record_id = _live_customer(app, session, _customer_ref(session, record_id), "showing")
        rec = records.get(session, record_id)
        app.out.emit(rec)
        _say_stored_fractions(app, ent, [rec])

    @group.command("list", help=f"List {ent.label} records"
                   + (", or only those of one customer (--customer)." if ent.kind != "customer" else "."))
    @click.option("--customer", "customer_id", metavar="ID", help="Only those of this customer.",
                  hidden=ent.kind == "customer")
    @click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True, help="At most this many.")
    @click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first (paging).")
    @pass_app
    def list_(app: App, customer_id, limit, offset):
        from .services import records

        session = app.session()
        equals = {"customer_id": _customer_ref(session, customer_id)} if customer_id and ent.kind != "customer" else {}
        every = records.list_records(session, ent.kind, **equals)
        rows = every[offset:offset + limit]
        app.out.emit(rows, columns=None if app.out.fmt == "json" else RECORD_COLUMNS[ent.kind],
                     title=_page_title(len(every), rows, ent.label))
        _say_page(app, len(every), offset, len(rows), ent.label)
        _say_stored_fractions(app, ent, every)

    @group.command("edit", help=f"Change fields of {_a(ent.label)}.")
    @click.argument("record_id")
    @click.option("--expected-version", type=int, help="Refuse if the record changed since this version.")
    @_field_options(ent)
    @pass_app
    def edit(app: App, record_id, expected_version, **values):
        from .services import records

        _refuse_computed(ent, values)
        allow = values.pop("allow_duplicate", False)
        changes = _given(values)
        if not changes:
            raise ValidationFailed({"": "nothing to change: give at least one field option"})
        session = app.session()
        if ent.kind == "customer":
            record_id = _customer_ref(session, record_id)
            before = records.get(session, record_id).get("type") if changes.get("name") else None
            # another customer's email or phone is refused, as `customer add` refuses it
            rec = records.update_customer(session, record_id, changes, allow_duplicate=allow,
                                          expected_version=expected_version, context=_phone_hint(ent))
            app.out.emit(rec)
            if changes.get("name") and before != "Company" and rec.get("type") == "Company" \
                    and not changes.get("type"):
                from .domain.legal_forms import legal_form

                _say_typed_by_name(app, legal_form(rec.get("name")))
            return
        if ent.kind == "contact":
            # the same person twice under one customer is refused, as on `contact add`
            app.out.emit(records.update_contact(session, record_id, _with_customer_ref(session, changes),
                                                allow_duplicate=allow, expected_version=expected_version,
                                                context=_phone_hint(ent)))
            _say_demoted(app, session)
            return
        app.out.emit(records.update(session, record_id, _with_customer_ref(session, changes),
                                    expected_version=expected_version, context=_phone_hint(ent)))
        _say_demoted(app, session)

    if ent.kind == "customer":
        edit = click.option("--allow-duplicate", is_flag=True,
                            help="Change even when another customer has this email or phone.")(edit)
    if ent.kind == "contact":
        edit = click.option("--allow-duplicate", is_flag=True,
                            help="Change even when another contact of the customer has this email or phone.")(edit)

    @group.command("delete", help=f"Delete {_a(ent.label)} (soft delete, audited).")
    @click.argument("record_id")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @pass_app
    def delete(app: App, record_id, yes):
        from .services import records

        session = app.session()
        if ent.kind == "customer":
            record_id = _customer_ref(session, record_id)
        found = records.check_deletable(session, record_id)      # the role may delete it
        under = records.records_under(session, found["id"]) if ent.kind == "customer" else {}
        with_it = f" and with it {records.describe_records(under)}" if under else ""
        _confirm(yes, f"Delete {found['id']}{with_it}?")
        taken = records.delete(session, record_id)
        shown = {"id": found["id"], "deleted": True}
        if ent.kind == "customer":
            shown["deleted_with"] = sum(len(v) for v in taken.values())
        app.out.emit({**shown, **({"deleted_with_ids": taken} if app.out.fmt == "json" and taken else {})})
        if taken:
            app.out.message(f"Deleted with {found['id']}: {records.describe_records(taken)}. "
                            f"`cims {ent.kind} restore {found['id']}` brings them all back.")
        elif ent.kind == "customer":
            app.out.message(f"`cims {ent.kind} restore {found['id']}` brings it back.")

    @group.command("restore", help=f"Bring back a deleted {ent.label}"
                   + (" and the records deleted with it." if ent.kind == "customer" else "."))
    @click.argument("record_id")
    @pass_app
    def restore_record(app: App, record_id):
        from .services import records

        session = app.session()
        restored = records.restore(session, record_id)
        with_it = restored.pop("restored_with", None) or {}
        if app.out.fmt == "json":
            app.out.emit({"id": restored["id"], "restored": True, "restored_with": with_it})
        else:
            app.out.emit({"id": restored["id"], "restored": True,
                          **({"restored_with": sum(len(v) for v in with_it.values())} if ent.kind == "customer"
                             else {})})
        if with_it:
            app.out.message(f"Restored with {restored['id']}: {records.describe_records(with_it)}.")

    @group.command("history", help=f"Who changed this {ent.label}, when, from what to what.")
    @click.argument("record_id")
    @pass_app
    def history(app: App, record_id):
        from .services import records

        session = app.session()
        if ent.kind == "customer":
            record_id = _customer_ref(session, record_id)
            from .services import merge

            if (info := merge.merged_away(session, record_id)) is not None:
                app.out.message(merge.merged_message(info) + (f"; its data is {info['kept']}'s now (customer "
                                                              f"history {info['kept']})" if info["kept"] else ""))
        app.out.emit(records.history(session, record_id),
                     columns=None if app.out.fmt == "json" else ["version", "at", "actor", "action", "changes"])

    return group


_GROUPS = {kind: _entity_group(ent) for kind, ent in ENTITIES.items()}
for _g in _GROUPS.values():
    cli.add_command(_g)
customer = _GROUPS["customer"]


@customer.command("search")
@click.argument("text", required=False)
@click.option("--city", help="Exactly this city.")
@click.option("--province", help="Exactly this province or state.")
@click.option("--country", help="Exactly this country.")
@click.option("--segment", metavar=_metavar(ENTITIES["customer"].field("segment")), help="This segment.")
@click.option("--tag", help="Customers with this tag.")
@click.option("--owner", metavar="USER", help="Customers this user owns.")
@click.option("--source", metavar=_metavar(ENTITIES["customer"].field("source")), help="Where they came from.")
@click.option("--created-from", metavar="YYYY-MM-DD", help="Created on or after this day.")
@click.option("--created-to", metavar="YYYY-MM-DD", help="Created on or before this day.")
@click.option("--updated-from", metavar="YYYY-MM-DD", help="Changed on or after this day.")
@click.option("--updated-to", metavar="YYYY-MM-DD", help="Changed on or before this day.")
@click.option("--open-tickets/--no-open-tickets", "has_open_tickets", default=None,
              help="Only customers with (without) an open ticket.")
@click.option("--ltv-min", metavar="AMOUNT",
              help="Lifetime value at least this, in the store's currency (other currencies converted with your rates); "
                   "compared with the value as shown (a converted one rounded half up to the currency's decimals).")
@click.option("--ltv-max", metavar="AMOUNT", help="Lifetime value at most this (as --ltv-min: the value as shown).")
@click.option("--ltv-currency", metavar="CODE",
              help="Compare (and sort by) the orders in this currency only, unconverted.")
@click.option("--sort", type=click.Choice(["name", "company", "city", "created", "updated", "id", "ltv"]),
              help="Order of the rows (default: name; id for a viewer, who may not sort by name or company).")
@click.option("--desc", "descending", is_flag=True, help="Largest (latest, Z) first.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many rows.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows first (paging).")
@pass_app
def customer_search(app: App, text, **filters):
    """Find customers: free text (name, company, email, phone, notes, tags, city, province, country) plus filters.

    TEXT is the query the workbook's Find and CIMS_FIND take: words, "a phrase", and filters
    written key:value (city:Berlin segment:VIP tag:vip owner:mei, ltv>=1000), the same as the
    options. Words side by side (or joined by AND) must all match. OR/NOT, -word, +word, -key:value,
    comparisons other than ltv>= and ltv<= (country!=GB, created>=2026-01-01: use --created-from) and
    a key that is no filter are refused, never searched as words; "Re: order" (a space after the colon)
    is text. A range written backwards (--created-from after --created-to) is refused. A viewer may search by the filters only: free text is refused.

    With --format json the answer is one object, {"total": N, "offset": N, "rows": [...]}:
    total counts every match, rows holds at most --limit of them from --offset.
    """
    from .services import query_text, search

    if text:
        text, typed = query_text.parse_query(text, door="cli")
        for key, value in typed.items():
            given = filters.get(key)
            if given not in (None, "") and str(given).strip().casefold() != value.strip().casefold():
                option = "--" + key.replace("_", "-")
                raise click.UsageError(f"{key}:{value} in the text and {option} {given} disagree; give one")
            filters[key] = value
    session = app.session()
    # a viewer's free text is refused, as CIMS_FIND/CIMS_COUNT refuse it (never an empty table)
    query_text.refuse_text_for_role(session, text, door="cli")
    page = search.search_customers(session, text, **filters)
    if app.out.fmt == "json":
        app.out.emit({"total": page.total, "offset": page.offset, "rows": page.rows})
    else:
        app.out.emit(page.rows, columns=RECORD_COLUMNS["customer"],
                     title=_page_title(page.total, page.rows, "customer", always=True))
    _say_page(app, page.total, page.offset, len(page.rows), "customer")
    if page.note:
        app.out.message(page.note)


def _merge_question(preview: dict) -> str:
    """"Merge C-2 (Name, email) into C-1 (Name)? It moves 3 orders, 1 ticket; C-2 is retired. A merge has no undo"."""
    def who(side: dict) -> str:
        named = ", ".join(v for v in (side["name"], side["email"]) if v)
        return f"{side['id']}" + (f" ({named})" if named else "")

    moves = preview["moves"]
    parts = []
    for kind, n in moves.items():
        label = ENTITIES[kind].label
        parts.append(f"{n} {label if n == 1 else ENTITIES[kind].plural}")
    what = f"its {', '.join(parts)} move to {preview['kept']['id']}" if parts else "it has no records to move"
    return shown(f"Merge {who(preview['merged'])} into {who(preview['kept'])}? {what}; "
                 f"{preview['merged']['id']} is retired. A merge has no undo")


@customer.command("merge")
@click.argument("keep_id")
@click.argument("drop_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (a merge has no undo).")
@pass_app
def customer_merge(app: App, keep_id, drop_id, yes):
    """Merge DROP_ID into KEEP_ID: its contacts, orders and other records move, deleted ones too; blanks are filled.

    Asks first, naming the customer that is retired and what moves (a merge has no undo);
    --yes in scripts, and without a terminal --yes is needed."""
    from .services import merge

    session = app.session()
    keep_id, drop_id = _customer_ref(session, keep_id), _customer_ref(session, drop_id)
    preview = merge.merge_preview(session, keep_id, drop_id)      # the role, both customers, first
    _refuse_without_terminal(yes, "customer merge")
    _confirm(yes, _merge_question(preview))
    result = merge.merge_customers(session, keep_id, drop_id)
    if app.out.fmt == "json":
        app.out.emit(result)
    else:
        app.out.emit({k: v for k, v in result.items() if k not in ("same_email_contacts", "primary_kept")})
    if result["moved_deleted"]:
        n = result["moved_deleted"]
        app.out.message(f"{n} of the {result['moved']} records moved {'is' if n == 1 else 'are'} deleted: moved too, "
                        f"so a restore brings {'it' if n == 1 else 'them'} back under {result['kept']}")
    if result.get("kept_in_notes"):
        from .domain.schema import CUSTOMER

        fields = ", ".join(CUSTOMER.field(k).header for k in result["kept_in_notes"])
        app.out.message(f"{result['merged']}'s {fields} differ from {result['kept']}'s: {result['kept']} keeps its "
                        f"own, and {result['merged']}'s are kept in {result['kept']}'s Notes (\"Merged from "
                        f"{result['merged']}: …\"); search and the duplicate check find {result['kept']} by them")
    for moved in result.get("primary_kept") or ():
        app.out.message(f"{moved['contact']} was {result['merged']}'s primary contact: it is now a contact of "
                        f"{result['kept']}, not its primary; {moved['primary']} stays {result['kept']}'s primary "
                        f"(to change that: contact edit {moved['contact']} --is-primary yes)")
    session.arrived_not_primary = []
    for twin in result["same_email_contacts"]:
        shared = " (a role's mailbox several people share)" if twin["role_mailbox"] else ""
        app.out.message(f"{twin['contact']} has the email of {twin['same_email_as']}{shared}: both are now contacts "
                        f"of {result['kept']}, both kept. If they are one person, point the records naming "
                        f"{twin['contact']} at {twin['same_email_as']} (… edit ID --contact-id "
                        f"{twin['same_email_as']}) and delete {twin['contact']}")


@customer.command("360")
@click.argument("customer_id")
@pass_app
def customer_360(app: App, customer_id):
    """A customer with contacts, interactions, orders, opportunities and tickets."""
    from .services import search

    session = app.session()
    data = search.customer_360(session, _live_customer(app, session, _customer_ref(session, customer_id), "showing"))
    if app.out.fmt == "json":
        app.out.emit(data)
        return
    from .domain.display import converted_money, money

    by = data.get("lifetime_values") or {}
    ltv = "; ".join(money(v, c) for c, v in by.items()) or "0.00"
    base, total = data.get("lifetime_value_currency"), data.get("lifetime_value")
    if total is not None and set(by) - {base}:
        ltv = f"{converted_money(total, base)} at your exchange rates ({ltv})"
    app.out.emit(data["customer"], title=f"Customer {data['customer']['id']} · lifetime value {ltv}")
    for key, kind in (("contacts", "contact"), ("interactions", "interaction"), ("orders", "order"),
                      ("opportunities", "opportunity"), ("tickets", "ticket")):
        if data[key]:
            app.out.emit(data[key], columns=RECORD_COLUMNS[kind], title=key.title())


# ----- backup / restore / rekey / audit / gdpr ---------------------------------------------

@cli.command()
@click.option("--dir", "dest", metavar="DIR",
              help="Where backups go (default: backups/ beside the store); made if it does not exist.")
@click.option("--keep", type=click.IntRange(min=1), default=10, show_default=True, help="How many newest backups to keep.")
@pass_app
def backup(app: App, dest, keep):
    """Encrypted online backup, verified by reopening it."""
    from .services import backup as svc

    path = svc.backup(app.session(), dest, keep=keep)
    manifest = svc.read_manifest(path)
    shown = {"backup": str(path), "bytes": path.stat().st_size, "created_at": manifest.get("created_at")}
    if sig := manifest.get("signature"):
        from .security import trust

        shown["signed_by"] = f"{sig.get('signer')} ({trust.fingerprint(sig.get('public'))})"
    if app.out.fmt != "table":
        shown["counts"] = manifest.get("counts")
    app.out.summary(shown, title="Backup made", vertical=True)
    _emit_counts(app, manifest.get("counts"))


@cli.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--other-store", is_flag=True,
              help="Allow a backup of a different store (another store id) to replace this one.")
@click.option("--unsigned", is_flag=True,
              help="Allow a backup that carries no administrator's signature (made by cims before "
                   "backups were signed). A signature that does not match is never allowed.")
@pass_app
def restore(app: App, backup_file, yes, other_store, unsigned):
    """Replace the store with a backup (admin). Current files are kept beside it.

    You sign in to the store with your password of today; the backup opens with the
    password you had when it was made. If that is not today's, it is asked for
    ("Password for NAME in the backup"), or taken from $CIMS_BACKUP_PASSWORD, or from
    the second line of stdin with --password-stdin. A wrong backup password does not
    count toward the store's sign-in lockout.

    With no store at --store yet (a new machine), the store is created from the
    backup: sign in with --user and the password of an administrator in the backup.

    A backup is signed by the administrator who made it; a backup changed since, or
    signed by someone the store does not know as an administrator, is refused before
    anything is replaced.
    """
    from .security.keys import restore_journal_path
    from .services import backup as svc

    if not app.store_path.exists() and not restore_journal_path(app.store_path).exists():
        if not app.user:
            raise CimsError("who is restoring? pass --user NAME (an administrator in the backup)")
        password = _env_secret("CIMS_BACKUP_PASSWORD")
        manifest = svc.restore_new(app.store_path, backup_file, app.user,
                                   password if password is not None else app.password(), allow_unsigned=unsigned)
        changed = False
    else:
        session = app.session()
        svc.check_restore(session, backup_file, allow_other_store=other_store, allow_unsigned=unsigned)
        _refuse_without_terminal(yes, "restore")      # once the role is known to restore
        password, changed = _backup_password(app, session, backup_file)
        preview = svc.preview_restore(session, backup_file, password, allow_other_store=other_store,
                                      allow_unsigned=unsigned)
        _say_what_is_lost(app, preview)
        _say_access_changes(app, preview)
        _confirm(yes, f"Replace {app.store_path.name} with {Path(backup_file).name}?")
        manifest = svc.restore(session, backup_file, password, allow_other_store=other_store,
                               allow_unsigned=unsigned)
        app._session = None
    shown = {"restored": str(backup_file), "store": str(app.store_path), "created_at": manifest.get("created_at")}
    checked = manifest.get("signature_checked") or {}
    shown["signed_by"] = (f"{checked['signed_by']} ({checked['fingerprint']}), checked against "
                          f"{checked['checked_against']}" if checked.get("signed_by")
                          else "nobody: " + checked.get("checked_against", "not signed"))
    if app.out.fmt != "table":
        shown["counts"] = manifest.get("counts")
        shown["access_lost"] = manifest.get("access_lost", [])
        shown["roles_changed"] = manifest.get("roles_changed", [])
        shown["erased_again"] = manifest.get("erased_again", [])
    app.out.summary(shown, title="Restored", vertical=True)
    _emit_counts(app, manifest.get("counts"))
    if again := manifest.get("erased_again"):
        app.out.message("Erased again (they were erased after this backup was made): " + ", ".join(again))
    if kept := manifest.get("still_refused"):
        app.out.message("Still refused by import, customer add and Save (erased after this backup was made): "
                        + ", ".join(kept))
    if changed:
        app.out.message("Sign in from now on with the password you had when the backup was made: "
                        "the restored store holds that one.")


def _backup_password(app: App, session, backup_file: str) -> tuple[str, bool]:
    """The password that opens the backup for the signed-in user: today's, or asked for.

    Found before the restore is confirmed, so every password prompt comes before the
    question. Returns (password, whether it differs from the one signed in with). A
    wrong one raises WrongPassword naming the backup; the live store's lockout is not
    touched (only the backup's key file is tried).
    """
    from .errors import WrongPassword
    from .services import backup as svc

    name = Path(backup_file).name
    wrong = (f"that password does not open {name} for {session.username}: it needs "
             f"{session.username}'s password from when the backup was made")
    given = _env_secret("CIMS_BACKUP_PASSWORD")
    if given is None and app.password_stdin:
        given = _stdin_secret()
    if given is not None:
        if not svc.backup_password_opens(backup_file, session.username, given):
            raise WrongPassword(wrong)
        return given, given != app.password()
    if svc.backup_password_opens(backup_file, session.username, app.password()):
        return app.password(), False
    if not sys.stdin.isatty():
        raise WrongPassword(f"{wrong}; give it in $CIMS_BACKUP_PASSWORD "
                            "(or as the second line of stdin with --password-stdin)")
    password = _prompt_secret(f"Password for {session.username} in the backup")
    if not svc.backup_password_opens(backup_file, session.username, password):
        raise WrongPassword(wrong)
    return password, True


def _say_what_is_lost(app: App, preview: dict) -> None:
    """Before a restore is confirmed: when the backup was made, how long ago, and what
    was done in the store since (from its audit trail after the backup's): all of it
    is lost by the restore."""
    from babel.dates import format_timedelta

    from .domain.display import as_time, local_time

    made = as_time(preview.get("created_at"))
    when = "at an unknown time"
    if made is not None:
        if made.tzinfo is None:
            made = made.replace(tzinfo=dt.timezone.utc)
        age = dt.datetime.now(dt.timezone.utc) - made
        when = (f"on {local_time(made, display_zone())} {zone_label_of(display_zone())}, "
                f"{format_timedelta(age, locale='en', threshold=1.1) if age.total_seconds() >= 60 else 'moments'} ago")
    since = preview.get("since") or {}
    def counted(n: int, one: str, many: str) -> str:
        return f"{n:,} {one if n == 1 else many}"

    done = [counted(since.get(k, 0), f"record {k}", f"records {k}") for k in ("created", "changed", "deleted")]
    done.append(counted(since.get("other", 0), "other change", "other changes") + " (users, settings, scores)")
    text = f"{preview.get('backup')} was made {when}. "
    if since.get("entries"):
        text += (f"Since then this store has {', '.join(done[:-1])} and {done[-1]}; the restore loses all of "
                 "it (the replaced store is kept beside it).")
    else:
        text += "Nothing has been changed in this store since then."
    if not since.get("continues", True):
        text += (" This store's audit trail does not continue the backup's (restored or rebuilt since), so "
                 "these counts are rough.")
    if records := since.get("records"):
        text += " Records now → after the restore: " + ", ".join(
            f"{kind} {now:,} → {then:,}" for kind, (now, then) in records.items()) + "."
    app.out.message(text)


def zone_label_of(zone) -> str:
    from .domain.display import zone_label

    return zone_label(zone)


def _say_access_changes(app: App, preview: dict) -> None:
    """Before a restore is confirmed: who will no longer be able to sign in, whose role changes."""
    lost = [f"{u['user']} ({u['role']}: {u['why']})" for u in preview.get("access_lost", [])]
    roles = [f"{u['user']} ({u['role_now']} now, {u['role_in_backup']} after)" for u in preview.get("roles_changed", [])]
    if lost:
        app.out.message(f"These users will lose access: {'; '.join(lost)}. "
                        "Add them again after the restore if they still need it.")
    if roles:
        app.out.message(f"These users' roles will change back: {'; '.join(roles)}.")
    if not lost and not roles:
        app.out.message("Every user keeps their access and role.")


def _emit_counts(app: App, counts: dict | None) -> None:
    """A backup's row counts: a small table of record kind and rows (inside JSON as they are)."""
    if not counts or app.out.fmt != "table":
        return
    app.out.summary([{"records": kind, "rows": n} for kind, n in counts.items()], columns=["records", "rows"])


@cli.command()
@pass_app
def rekey(app: App):
    """Rotate the data key (PRAGMA rekey) and reseal it for every user."""
    from .services import auth

    auth.rekey(app.session())
    app.out.summary({"rekeyed": str(app.store_path)})


@cli.group()
def audit():
    """The tamper-evident audit trail (admin)."""


@audit.command("show")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many entries.")
@click.option("--id", "entity_id", metavar="ID", help="Only entries about this record or user.")
@click.option("--batch", "batch_id", metavar="BATCH", help="Only entries of this import batch.")
@pass_app
def audit_show(app: App, limit, entity_id, batch_id):
    """Newest audit entries first."""
    from .services import audit_log

    rows = audit_log.show(app.session(), limit=limit + 1, entity_id=entity_id, batch_id=batch_id)
    older = len(rows) > limit      # one more than asked for: there are older entries
    rows = rows[:limit]
    app.out.emit(rows, columns=None if app.out.fmt == "json" else
                 ["seq", "at", "actor", "action", "entity", "id", "changes"])
    if older:
        newest = "the newest entry" if limit == 1 else f"the newest {limit:,} entries"
        app.out.message(f"showing {newest}; there are older ones: raise --limit to see them")


@audit.command("verify")
@pass_app
def audit_verify(app: App):
    """Check the whole trail: chain, signatures, users, records and this computer's pinned head."""
    from .services import audit_log

    result = audit_log.verify(app.session())
    if app.out.fmt == "json":
        app.out.emit({"ok": result.ok, "entries": result.entries, "problem": result.problem,
                      "entry": result.bad_seq, "problems": result.problems, "notes": result.notes})
    else:
        app.out.emit({"ok": result.ok, "entries": result.entries, "problem": result.problem,
                      "entry": result.bad_seq})
        for line in result.problems[1:]:
            app.out.message(f"also: {line}")
        for line in result.notes:
            app.out.message(f"note: {line}")
    if not result.ok:
        raise click.exceptions.Exit(11)


@audit.command("contacts")
@pass_app
def audit_contacts(app: App):
    """Records that name a contact of another customer than their own (admin)."""
    from .services import records

    rows = records.contacts_of_other_customers(app.session())
    app.out.emit(rows, columns=["id", "customer_id", "contact_id", "contact_of", "deleted"])
    if rows and app.out.fmt != "json":
        app.out.message("each names another customer's person: clear its Contact ID (… edit ID --contact-id \"\") "
                        "or move it to that customer; `gdpr export` and `gdpr erase` follow both ids meanwhile")
        if any(r["deleted"] for r in rows):
            app.out.message("a deleted one (deleted: True) cannot be restored as it is: a restore refuses a record "
                            "naming another customer's contact")


@audit.command("accept")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def audit_accept(app: App, yes):
    """Trust the trail as it is now on this computer (after looking into what verify named)."""
    from .services import audit_log

    session = app.session()
    audit_log.check_may_accept(session)      # a role that may not is told so before any question
    if not yes:
        prompting()
        click.confirm("This computer will stop warning about what it saw before. Continue?", abort=True)
    app.out.emit(audit_log.accept_trail(session))


@cli.group()
def gdpr():
    """Export or erase everything about one person (GDPR / PIPL)."""


@gdpr.command("export")
@click.argument("customer_id")
@click.option("--out", "out_path", metavar="FILE", callback=_out_suffix(".json", ".xlsx"),
              help="Write to FILE (.json or .xlsx).")
@pass_app
def gdpr_export(app: App, customer_id, out_path):
    """Everything stored about one customer (C-…), or one contact person (P-…), with change history."""
    from .excel.safe import write_rows_xlsx
    from .services import gdpr as svc

    session = app.session()
    if svc.is_contact_id(customer_id):
        doc = svc.export_contact(session, customer_id, out_path, write_xlsx=write_rows_xlsx)
        if out_path:
            app.out.summary({"contact": doc["contact"]["id"], "written": out_path})
        else:
            click.echo(json_text(json.dumps(doc, ensure_ascii=False, indent=2)))
        return
    doc = svc.export_customer(session, _customer_ref(session, customer_id), out_path,
                              write_xlsx=write_rows_xlsx)
    if out_path:
        app.out.summary({"customer": doc["customer"]["id"], "written": out_path})
    else:
        click.echo(json_text(json.dumps(doc, ensure_ascii=False, indent=2)))
    if doc.get("requested"):
        app.out.message(doc["requested"]["note"])
    if doc.get("merged_customers"):
        app.out.message(f"with the customers merged into {doc['customer']['id']}: "
                        + ", ".join(r["id"] for r in doc["merged_customers"]) + " (merged_customers)")
    crossed = doc.get("records_naming_another_customer") or []
    if crossed:
        app.out.message(f"review before sending: {len(crossed)} exported record(s) belong to one customer and "
                        f"name a contact of another ({', '.join(r['record'] for r in crossed[:5])}"
                        f"{' …' if len(crossed) > 5 else ''}), so each may hold both customers' data; "
                        f"see records_naming_another_customer and `cims audit contacts`")
    mentioned = doc.get("mentioned_in") or []
    if mentioned:
        app.out.message(f"review before sending: {len(mentioned)} text(s) of other records mention this person "
                        f"({', '.join(sorted({m['record'] for m in mentioned})[:5])}"
                        f"{' …' if len({m['record'] for m in mentioned}) > 5 else ''}) and may name other people; "
                        f"see mentioned_in (`gdpr erase` would clear the person from them)")


_ERASE_HEADERS = {"customer": "Customer", "contact": "Contact person", "contact_of": "A contact of",
                  "records": "Records erased",
                  "mentions_erased": "Other records that mentioned them",
                  "copies_erased": "Copies erased", "copies_not_reached": "Copies not reached",
                  "copies_unsigned": "Copies erased unsigned", "exports_not_reached": "Exports not reached",
                  "workbooks_to_refresh": "Workbooks to refresh",
                  "audit_entries_not_reached": "Audit entries not reached",
                  "leftovers_removed": "Partly written workbooks removed",
                  "copies_removed": "Partly written copies removed"}


def _erase_lines(result: dict) -> dict:
    """An erase result as a person reads it: each list as one item a line ("none" when
    empty), not as Python's list text."""
    return {k: ("\n".join(map(str, v)) or "none") if isinstance(v, list) else v for k, v in result.items()}


@gdpr.command("erase")
@click.argument("customer_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def gdpr_erase(app: App, customer_id, yes):
    """Erase one customer's (C-…) or one contact person's (P-…) personal data everywhere, including the audit trail's values."""
    from .services import gdpr as svc

    session = app.session()
    who = svc.erasable_person(session, _customer_ref(session, customer_id))    # the role first
    _refuse_without_terminal(yes, "gdpr erase")
    cid = who["id"]
    named = ", ".join(v for v in (who["name"], who["email"]) if v)
    alone = " (this contact person alone: their customer stays)" if svc.is_contact_id(cid) else ""
    _confirm(yes, shown(f"Erase all personal data of {cid}" + (f" ({named})" if named else "") + alone
                        + "? This cannot be undone"))
    result = svc.erase_customer(session, cid)
    if app.out.fmt == "table":
        app.out.emit(_erase_lines(result), vertical=True, headers=_ERASE_HEADERS)
    else:
        app.out.emit(result)
    if result.get("copies_not_reached"):
        app.out.message("These copies cims made may still hold the customer (each says why it was not reached); "
                        "delete them if you no longer need them: " + "; ".join(result["copies_not_reached"]))
    if result.get("exports_not_reached"):
        app.out.message(f"These files cims wrote may hold the {'person' if result.get('contact') else 'customer'} "
                        "and cannot be erased by cims: "
                        + "; ".join(result["exports_not_reached"]))
    if result.get("workbooks_to_refresh"):
        app.out.message("These workbooks cims synced may still show the customer until they are refreshed; "
                        "refresh each (`cims sync WORKBOOK refresh`): "
                        + "; ".join(result["workbooks_to_refresh"]))
    if result.get("copies_unsigned"):
        app.out.message("The erase in these copies could not be signed by you; if one is restored, "
                        "`cims audit verify` names the erase and `cims audit accept` accepts it: "
                        + "; ".join(result["copies_unsigned"]))


@gdpr.command("allow-again")
@click.argument("value", metavar="EMAIL_OR_PHONE")
@pass_app
def gdpr_allow_again(app: App, value):
    """Let an erased person be added again (they came back and agreed): takes their email
    or phone off the list that import, customer add and Save refuse (admin, audited)."""
    from .services import suppression

    app.out.emit(suppression.allow_again(app.session(), value))


# ----- import / sync / workbook / report / demo ---------------------------------------------

class _ImportGroup(click.Group):
    """`cims import FILE …` runs an import; `cims import undo BATCH` undoes one."""

    default_for_unknown = "file"     # the command a first word that is no command goes to

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = [self.default_for_unknown] + list(args)
        return super().parse_args(ctx, args)


@cli.group(cls=_ImportGroup, name="import")
def import_():
    """Import a spreadsheet or CSV (`cims import FILE`), list or undo batches."""


def _rich_progress(app: App):
    """A rich progress bar on stderr for long runs, as a progress(done, total, phase) callback."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class _CountColumn(ProgressColumn):
        """'1,234/5,000' once the total is known, '1,234' while it is not (rich keeps total=None)."""

        def render(self, task) -> Text:
            if task.total is None:
                return Text(f"{int(task.completed):,}")
            return Text(f"{int(task.completed):,}/{int(task.total):,}")

    bar = Progress(TextColumn("{task.description}"), BarColumn(), _CountColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True,
                   disable=not sys.stderr.isatty())
    task = bar.add_task("reading", total=None)

    def progress(done: int, total: int, phase: str = "") -> None:
        bar.update(task, completed=done, total=total or None, description=phase or "working")
    return bar, progress


@import_.command("file")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@click.option("--sheet", help="Sheet name or 1-based number (default: first non-empty).")
@click.option("--kind", type=ImportKind(),
              default=None, show_default="customers")
@click.option("--map", "mapping", multiple=True, metavar="'Source Column=Field'",
              help="Say which field a column goes to (repeatable), e.g. --map \"Kundennr=Customer Ref\"; "
                   "Field '-' leaves the column out. The field names of each kind: "
                   "`cims import fields --kind KIND`.")
@click.option("--value", "values", multiple=True, metavar="'Text=Value'",
              help="What a stage, status, priority or currency written in the file is, when the import "
                   "names it as unknown: e.g. --value 'Contract sent=Negotiation', --value 'DRAFT=Cancelled', "
                   "--value 'rupees=INR', or what a one-letter yes/no mark is: --value 'E=no' (repeatable).")
@click.option("--profile", metavar="NAME", help="Reuse (and update) a saved mapping profile.")
@click.option("--date-order", type=click.Choice(["DMY", "MDY", "YMD"], case_sensitive=False))
@click.option("--year", type=int, metavar="YYYY",
              help="The year of dates written without one (05.03., 3月5日, Mar 5, 03/05, DATEV's Belegdatum "
                   "0503): cims never takes it from today.")
@click.option("--date-cells", type=click.Choice(["swap", "keep"], case_sensitive=False),
              help="A date column whose text dates are day first (25/03/2024) beside real date cells whose day "
                   "could be the month, as Excel set to month first leaves a day-first file: swap = the cells "
                   "were written day first too (2024-05-04 is 5 April), keep = the cells are right.")
@click.option("--on-duplicate", type=click.Choice(["skip", "update", "create"]), default="skip", show_default=True,
              help="A row that matches a record already in the store (same email, phone, or name and "
                   "company): skip = leave the record and list the row as a duplicate; update = change "
                   "the record from the row (see --update-mode); create = add it as a new record anyway.")
@click.option("--update-mode", type=click.Choice(["fill", "overwrite"]), default="fill", show_default=True,
              help="With --on-duplicate update: fill = only fields that are empty in the store get the "
                   "row's value; overwrite = every field the row gives replaces the store's value.")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option("--report", "report_path", metavar="OUT.xlsx", callback=_out_suffix(".xlsx"),
              help="Write the rows not imported to this workbook: rejected rows with their values and the "
                   "reason (first sheet; fix them there and import that file), and rows skipped as "
                   "duplicates with the record or row they matched (second sheet).")
@click.option("--region", metavar="CC",
              help="Country of phone numbers written without +country code: a two-letter code such as "
                   "CN, DE, US, for rows without a Country column (default: the store's region, "
                   "`cims settings region`).")
@click.option("--currency", metavar="CODE",
              help="Currency of amounts in rows that do not give one, e.g. USD (default: the store's).")
@click.option("--encoding", metavar="NAME",
              help="Text encoding of a CSV or JSON Lines file when it cannot be told from its bytes, "
                   "e.g. cp1252, cp1250, cp1254, gb18030, big5 (the stop message names the candidates).")
@click.option("--decimal", type=click.Choice(["comma", "point"]),
              help="Decimal mark of number columns when their values do not tell: point reads 3,945 as 3945 "
                   "and 1.5 as one and a half; comma reads 3,945 as 3.945 and 1.234 as 1234.")
@click.option("--amount-per", type=click.Choice(["order", "line"]),
              help="Orders with several rows (one per item) whose amount is the same on each: order = it "
                   "is the order's total (stored once), line = each row's own amount (each row a line).")
@click.option("--amount-scale", metavar="N",
              help="What each written amount is multiplied by when the file states a scale outside the cells "
                   "(a heading 金额(万元), a line '(USD in thousands)', a number format 0.0\"万元\"): 10000 for 万, "
                   "1000 for thousands, 0.01 for cents, 1 for the amounts as written.")
@click.option("--calendar", type=click.Choice(["buddhist", "roc", "japanese", "hijri", "persian", "gregorian"],
                                             case_sensitive=False),
              help="Years of date columns written in another calendar: buddhist = the Thai Buddhist era "
                   "(2569 is 2026, 05/03/67 is 2024-03-05), roc = Taiwan's Minguo years (113/03/05 and "
                   "1130305 are 2024-03-05, 95/12/31 is 2006-12-31), japanese = two-digit years first "
                   "are Reiwa years (06/03/05 is 2024-03-05), hijri = Islamic Umm al-Qura dates (1445/08/24 is "
                   "2024-03-05), persian = Solar Hijri (Jalali) dates (1402/12/15 is 2024-03-05), "
                   "gregorian = years as written. Dates naming "
                   "their era (令和6年, R6.3.5, 民國113年, พ.ศ. 2567, ค.ศ. 2024, 西暦) are read without it.")
@click.option("--no-header/--header", default=None,
              help="The file has no header row: its columns are named A, B, C… by position and every "
                   "row is data; say which is which with --map, e.g. --no-header --map \"A=Name\". "
                   "A --profile saved with it keeps it; --header reads a first row as the header anyway.")
@click.option("--ledger", type=click.Choice(["sales", "bank"], case_sensitive=False),
              help="What the CR and DR marks of amounts mean (\"99.90 CR\", a Dr/Cr column): sales = a sales "
                   "ledger, CR is a credit note (negative, a refund) and DR a sale; bank = a bank statement, CR "
                   "is money received and DR money paid out (negative).")
@click.option("--discount", type=click.Choice(["share", "amount"], case_sensitive=False),
              help="What a Discount column of values up to 1 written with cents (\"0.50\") holds: share = a share "
                   "of the price (0.50 = 50 %), amount = money off (kept in Notes: the store keeps a discount as a "
                   "share).")
@click.option("--continued-rows", "continued", type=click.Choice(["fold", "records"], case_sensitive=False),
              help="Rows holding only an address or an attention line (\"Hauptstr. 1\", \"c/o …\") right under a "
                   "record, in a file where such rows also hold other values: fold = each goes into the record "
                   "above it (an address into Address, the rest into Notes), records = each is a record of its own.")
@click.option("--struck", "struck", type=click.Choice(["skip", "keep"], case_sensitive=False),
              help="Rows struck through in the sheet (every filled cell's font has strikethrough: in a hand-kept "
                   "sheet often a cancelled order or a customer who left): skip = leave them out (counted as "
                   "struck through), keep = import them like the others.")
@click.option("--time-unknown", "time_unknown", type=click.Choice(["empty", "start-of-day"], case_sensitive=False),
              help="A ticket's Opened, First Response, Resolved or Closed written as a date "
                   "without a time (2026-12-01): empty = store that time empty (unknown: in no SLA hours and no "
                   "breach; a ticket whose Opened is a date alone is rejected); start-of-day = the date's "
                   "00:00, as you say. Without it such a file stops "
                   "before anything is imported (cims never stores a time nobody gave).")
@click.option("--fill-down", "fill_down", multiple=True, metavar="'COLUMN'",
              help="A column a report writes once per group, on the group's first row, leaving the cells below "
                   "blank (\"repeat item labels\" off): each blank cell takes the value above it (repeatable).")
@click.option("--rejoin", "rejoin", multiple=True, metavar="'ROW=COLUMN'",
              help="Rows whose values a separator inside an unquoted value split (\"Acme, Inc\", 12,50), as the "
                   "import names them: ROW=COLUMN = in that row the field under COLUMN and the next are one value; "
                   "COLUMN = so in every row named; none = the rows are right as the file separates them "
                   "(repeatable).")
@pass_app
def import_file_cmd(app: App, path, dry_run, report_path, **options):
    """Import FILE: rows are mapped, normalised, de-duplicated and all accounted for."""
    from .excel.import_report import error_report
    from .importer.run import import_file

    session = app.session()
    on_duplicate, update_mode = options["on_duplicate"], options["update_mode"]
    unwritten = (f"the report {report_path} of rows not imported was not written; `cims import list` shows "
                 "the import's counts")
    if report_path and not dry_run:     # written after the import is saved: a failure then says so
        interrupts.note_left_after_save(unwritten)
    bar, progress = _rich_progress(app)
    with bar:
        result = import_file(session, path, dry_run=dry_run,
                             error_report=error_report(report_path) if report_path else None,
                             progress=progress, **import_keywords(options))
    interrupts.left_done(unwritten)
    data = result.as_dict()
    if app.out.fmt == "json":
        app.out.emit(data)
        _exit_if_none_imported(data, dry_run)
        return
    summary = {k: data.get(k) for k in ("file", "sheet", "rows", "created", "updated", "duplicates", "rejected",
                                         "batch", "report") if data.get(k) not in (None, "")}
    if "customers_created" in data:     # rows of another kind: the customers they were put under
        summary["customers created"] = result.customers_created_text()
        summary["customers linked"] = data["customers_linked"]
    app.out.summary(summary, title="Dry run: nothing was written" if dry_run else "Import")
    if data.get("warnings"):
        app.out.message(f"{data['warnings']} row(s) imported with a warning: listed below")
    if data.get("above_header"):
        app.out.message(f"{data['above_header']} row(s) before the header (row {data['header_row']}) "
                        "not read: titles or notes")
    if data.get("footer_rows"):
        app.out.message(f"{data['footer_rows']} footer or total row(s) skipped: not data")
    if data.get("closed_rows"):
        app.out.message(f"{data['closed_rows']} transaction(s) closed before payment skipped: not a sale "
                        "(see 'closed before payment' below)")
    if data.get("struck_rows"):
        app.out.message(f"{data['struck_rows']} row(s) struck through skipped (--struck skip): see "
                        "'struck-through rows' below")
    if data.get("other_table_rows"):
        app.out.message(f"{data['other_table_rows']} row(s) of another table below this one, or repeating "
                        "its header, not read: see 'another table' below")
    if data.get("inferences"):
        app.out.emit(data["inferences"], title="What was decided about the file")
    if data.get("mapping"):
        app.out.emit(data["mapping"], title="Column mapping")
    if data.get("unmapped"):
        from .importer.plan import kept_in_header
        app.out.message(f"Columns not mapped (kept in {kept_in_header(result.kind)} or listed): "
                        + ", ".join(map(str, data["unmapped"])))
    for m in data.get("mapping") or ():
        if m.get("could_be"):
            app.out.message(f"Column '{m['column']}' could be " + " or ".join(m["could_be"])
                            + f", so it was not mapped: say which with --map \"{m['column']}={m['could_be'][0]}\"")
    for note in result.currency_notes() + result.sheet_notes():
        app.out.message(note)
    _show_problems(app, result, report_path)
    updated = [o for o in result.outcomes if o.action == "updated"]
    if updated:
        app.out.emit([{"row": o.row, "record": o.record, "fields changed": ", ".join(o.changed or ())}
                      for o in updated[:SHOWN_PROBLEMS]],
                     title="Records updated" + (" (would be)" if dry_run else ""))
    unchanged = [o for o in result.outcomes if o.action == "duplicate" and o.record and not o.duplicate_of_row]
    if on_duplicate == "update" and update_mode == "fill" and unchanged:
        n = len(unchanged)
        app.out.message(f"{'At least ' if result.outcomes_truncated else ''}{n:,} duplicate{'s' if n != 1 else ''} "
                        "not updated: their store records already had a value in every field the file gives "
                        "(--update-mode fill only fills empty fields); add --update-mode overwrite to replace them")
    _exit_if_none_imported(data, dry_run)


def _exit_if_none_imported(data: dict, dry_run: bool) -> None:
    """Exit code 13 (NoRowImported) after the output when the file's rows were all rejected:
    the import ran, but nothing came of it, and a script must be able to tell. A dry run
    (a preview that writes nothing either way) exits 0 after listing them."""
    if not dry_run and data.get("rejected") and not any(data.get(k) for k in ("created", "updated", "duplicates")):
        from .errors import NoRowImported

        n = data["rejected"]
        raise NoRowImported(f"every row was rejected ({n:,}): nothing was imported; the reasons are listed above")


def import_keywords(options: dict) -> dict:
    """The `import_file` keywords of parsed `cims import` options ({click param name:
    value}, as `import_file_cmd` receives them; FILE, --dry-run and --report apart).

    The one translation from the command's options to the importer's keywords: the
    Import sheet's Options cell (cims_xl.excel.import_options) parses its text with this
    command's own click options and calls this too, so both read an option alike.
    Options not given may be left out of `options`.
    """
    sheet = options.get("sheet")
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)        # --sheet 2: the second sheet
    keywords = {"sheet": sheet, "mapping": list(options.get("mapping") or ()) or None,
                "values": list(options.get("values") or ()) or None}
    for name in ("kind", "profile", "date_order", "on_duplicate", "update_mode", "region", "currency",
                 "encoding", "decimal", "amount_per", "amount_scale", "calendar", "no_header", "ledger",
                 "continued", "date_cells", "year", "discount", "struck", "time_unknown"):
        if name in options:
            keywords[name] = options[name]
    if options.get("rejoin"):
        keywords["rejoin"] = list(options["rejoin"])
    if options.get("fill_down"):
        keywords["fill_down"] = list(options["fill_down"])
    return keywords


SHOWN_PROBLEMS = 50


def _say_stored_fractions(app: App, ent, recs: list[dict]) -> None:
    """Name the records holding an amount with a fraction their currency has not (1.5 JPY,
    stored before amounts were checked: models.stored_fractions) and how to fix them."""
    from .domain.models import stored_fractions

    found = [(r["id"], h, why) for r in recs for h, why in stored_fractions(ent, r).items()]
    if not found:
        return
    shown = "; ".join(f"{rid} {h}: {why.split(', but')[0]}" for rid, h, why in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    first, header = found[0][0], found[0][1].lower().replace(" ", "-")
    app.out.message(f"{len(found)} amount(s) have a fraction their currency has no minor unit for (stored before "
                    f"amounts were checked): {shown}{more}. Fix each with the right whole amount or currency, e.g. "
                    f"cims {ent.kind} edit {first} --{header} N, or on the sheet and Save")


def _show_problems(app: App, result, report_path) -> None:
    """The rows that were not imported (rejected, or skipped as duplicates), and why."""
    problems = [o for o in result.outcomes if o.action in ("rejected", "duplicate")]
    warned = [o for o in result.outcomes if o.warnings and o.action in ("created", "updated")]
    if warned:
        app.out.emit([{"row": o.row, "what": f"{o.action} with a warning", "why": o.warning}
                      for o in warned[:SHOWN_PROBLEMS]], title="Rows imported with a warning")
    total = result.rejected + result.duplicates
    if not total:
        return
    app.out.emit([{"row": o.row, "what": o.action,
                   "why": o.reason + (f"; also: {o.warning}" if o.warnings else "")}
                  for o in problems[:SHOWN_PROBLEMS]],
                 title="Rows not imported")
    if total > SHOWN_PROBLEMS:
        app.out.message(f"… and {total - SHOWN_PROBLEMS:,} more"
                        + (f"; all of them are in {report_path}" if report_path
                           else "; --report OUT.xlsx lists them all with their values"))


@import_.command("undo")
@click.argument("batch")
@click.option("--force", is_flag=True, help="Undo even if records were changed after the import.")
@pass_app
def import_undo(app: App, batch, force):
    """Undo one import batch: created rows removed, updated rows restored."""
    from .services import batches

    result = batches.undo_batch(app.session(), batch, force=force)
    left = result["left"] if app.out.fmt != "json" else []
    app.out.summary({k: v for k, v in result.items() if k != "left"} if app.out.fmt != "json" else result)
    if left:   # records someone else attached to this batch: not the importer's to undo
        app.out.message(f"Left as they are ({len(left)}), not written by the import's author: " + "; ".join(left))


@import_.command("fields")
@click.option("--kind", type=ImportKind(),
              default="customers", show_default=True)
@pass_app
def import_fields(app: App, kind):
    """The field names `--map "Column=Field"` takes for a kind, with headers read as each."""
    from .importer.mapping import field_list

    app.out.emit(field_list(kind), columns=["field", "note", "headers"],
                 title=f"Fields of {kind} for --map \"Column=Field\" ('-' leaves a column out)")


@import_.command("list")
@pass_app
def import_list(app: App):
    """Import batches, newest last."""
    from .services import batches

    listed = batches.list_batches(app.session())
    if app.out.fmt != "json":
        listed = [{**b, "summary": _batch_summary_text(b.get("summary"))} for b in listed]
    app.out.emit(listed)


def _batch_summary_text(summary) -> str:
    """An import's counts in words ("12 rows: 9 created, 2 duplicates, 1 rejected; 3
    customers created"), for the table `import list` prints; JSON output keeps the dict."""
    if isinstance(summary, str):
        try:
            summary = json.loads(summary)
        except ValueError:
            return summary
    if not isinstance(summary, dict):
        return "" if summary is None else str(summary)
    rows = summary.get("rows")
    counts = [f"{summary[k]:,} {k}" for k in ("created", "updated", "duplicates", "rejected")
              if isinstance(summary.get(k), int) and summary[k]]
    text = (f"{rows:,} row{'s' if rows != 1 else ''}" if isinstance(rows, int) else "")
    text += (": " if text and counts else "") + ", ".join(counts)
    made = summary.get("customers_created")
    if isinstance(made, int) and made:
        text += f"; {made:,} customer{'s' if made != 1 else ''} created"
    return text or json.dumps(summary, ensure_ascii=False)


@cli.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
@click.argument("action", type=click.Choice(["save", "refresh", "reports"]))
@click.option("--sheet", "sheets", multiple=True, help="Only this sheet (repeatable).")
@click.option("--force", is_flag=True,
              help="refresh: discard unsaved changes on the sheets; save: where a field changed both on "
                   "the sheet and in the store (a Conflict row), the sheet's value wins.")
@click.option("--restore-settings", is_flag=True,
              help="The workbook holds xlwings settings or VBA cims did not write (sync refuses it, naming "
                   "them): put back cims's own, then sync.")
@click.option("--allow-duplicate", is_flag=True,
              help="save: save a new customer row even when another customer has its phone (or role mailbox) "
                   "under another name, as `customer add --allow-duplicate` does.")
@pass_app
def sync(app: App, workbook, action, sheets, force, restore_settings, allow_duplicate):
    """Save, Refresh or rebuild reports on a closed workbook file (no Excel needed)."""
    from .excel.sync import sync_file

    if allow_duplicate and action != "save":
        raise click.UsageError("--allow-duplicate is an option of save")
    session = app.session()
    bar, progress = _rich_progress(app)
    with bar:
        result = sync_file(session, workbook, action, sheets=list(sheets) or None, force=force, progress=progress,
                           restore_settings=restore_settings, allow_duplicate=allow_duplicate)
    for what in result.get("restored") or []:
        app.out.message(f"warning: restored {what} (the workbook held settings or code cims did not write)")
    if app.out.fmt == "json":
        app.out.emit(result)
        _exit_if_not_saved(result.get("not_saved") or [])
        return
    rows = [{"sheet": name, **(counts if isinstance(counts, dict) else {"result": counts})}
            for name, counts in (result.get("sheets") or {}).items()]
    app.out.summary(rows or result, title=f"{action} · {Path(workbook).name}", headers=_SYNC_HEADERS)
    for note in result.get("missing") or []:     # a data sheet deleted from the workbook (Refresh)
        app.out.message(f"warning: {note}")
    for note in result.get("notes") or []:       # what rows moved by Refresh left where it was
        app.out.message(f"warning: {note}")
    if result.get("reports_note"):             # a viewer's Refresh rebuilt the report sheets
        app.out.message(result["reports_note"])
    _show_not_saved(app, result.get("not_saved") or [])
    _exit_if_not_saved(result.get("not_saved") or [])


# The save counts as a person reads them (sync.excel._write_back): rows not edited since
# the last refresh or save, and rows edited whose values came out as the store has them.
_SYNC_HEADERS = {"untouched": "untouched", "edited_but_equal": "edited but equal"}


def _exit_if_not_saved(not_saved: list[dict]) -> None:
    """Exit code 13 (RowsNotSaved) after the output when a Save left any row unsaved:
    everything valid was saved, and a script can tell that something was not."""
    if not_saved:
        from collections import Counter

        from .errors import RowsNotSaved

        sheets = ", ".join(f"{name} {n:,}" for name, n in
                           Counter(r["sheet"] for r in not_saved).items())
        raise RowsNotSaved(f"{len(not_saved):,} row{'s' if len(not_saved) != 1 else ''} not saved ({sheets}); "
                           "the Status column on the sheet says why; the other rows were saved")


SHOWN_NOT_SAVED = 20


def _show_not_saved(app: App, not_saved: list[dict]) -> None:
    """The rows a Save left as they were (Invalid, Conflict, Refused), with the sheet's
    Status text: without Excel this is where a person reads which rows and why."""
    if not not_saved:
        return
    if app.out.fmt != "table":     # csv: stdout keeps the one table of counts
        for r in not_saved[:SHOWN_NOT_SAVED]:
            app.out.message(f"not saved: {r['sheet']} row {r['row']} {r['id'] or '(new row)'}: {r['status']}")
    else:
        app.out.emit([{"sheet": r["sheet"], "row": r["row"], "id": r["id"] or "(new row)", "status": r["status"]}
                      for r in not_saved[:SHOWN_NOT_SAVED]],
                     columns=["sheet", "row", "id", "status"], title="Rows not saved")
    if len(not_saved) > SHOWN_NOT_SAVED:
        app.out.message(f"… and {len(not_saved) - SHOWN_NOT_SAVED:,} more: their Status column on the sheet "
                        "says why (--format json lists them all)")


@cli.group()
def workbook():
    """The Excel workbook (built from sources in vba/ and the layout definition)."""


@workbook.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@pass_app
def workbook_check(app: App, path):
    """List xlwings settings and VBA in a workbook that cims did not write (exit 14 if any)."""
    from .excel.adapter import FileWorkbook
    from .excel.sync import check_workbook_kind
    from .excel.trust import inspect, refusal

    check_workbook_kind(Path(path))
    book = FileWorkbook(path)
    found = inspect(book)
    if found:
        raise refusal(book.path, found, "check")
    app.out.message(f"{Path(path).name}: no xlwings settings or VBA that cims did not write")
    app.out.message(_store_line(book))


def _store_line(book) -> str:
    """Which store the ribbon's Sign in opens for this workbook, in one line."""
    from .excel.trust import accepted_store

    named = accepted_store(book)
    if named is not None:
        return f"Sign in opens the store {shown(named)} (the Store cell on Home)"
    env = os.environ.get("CIMS_STORE")
    return (f"Sign in opens the store {shown(env)} ($CIMS_STORE; the Store cell on Home is empty)" if env else
            "Sign in asks which store to open (the Store cell on Home is empty and $CIMS_STORE is not set)")


@workbook.command("trust")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Accept without asking (scripts).")
@pass_app
def workbook_trust(app: App, path, yes):
    """Accept the store a workbook's Store cell names, so Excel's Sign in opens it."""
    from .excel.adapter import FileWorkbook
    from .excel.sync import check_workbook_kind
    from .excel.trust import accepted_store
    from .security import known_stores

    check_workbook_kind(Path(path))
    book = FileWorkbook(path)
    named = accepted_store(book)
    if named is None:
        app.out.message(_store_line(book) + "; nothing to accept")
        return
    verdict = known_stores.judge(named)
    if verdict.problem is None:
        app.out.message(f"{Path(path).name}: Sign in already opens the store {shown(named)}")
        return
    if not verdict.acceptable:
        raise CimsError(f"{Path(path).name} names the store {shown(named)}: {verdict.problem}; "
                        "it cannot be accepted. Put the store's full path in the Store cell on Home, "
                        "or clear the cell (Sign in then opens $CIMS_STORE)")
    target = os.path.realpath(os.path.expanduser(named)) if not known_stores.is_remote(named) else named
    where = shown(named) if target == named else f"{shown(named)}\n  which is {shown(target)}"
    question = (f"{Path(path).name} names the store\n  {where}\n({verdict.problem}). Sign in from "
                "Excel will open it and try your password there. Accept it only if it is your store. Accept?")
    if not yes:
        if not sys.stdin.isatty():
            raise CimsError(f"{Path(path).name} names the store {shown(named)} ({verdict.problem}); "
                            "run this in a terminal to see it and answer, or add --yes to accept it")
        prompting()
        if not click.confirm(question, default=False, err=True):
            app.out.message("Not accepted; Sign in from Excel keeps refusing that store")
            return
    known_stores.remember(target)
    app.out.message(f"Accepted: Sign in from Excel opens {shown(target)} for this account")


@workbook.command("build")
@click.option("--out", "out_path", metavar="PATH.xlsm", callback=_out_suffix(".xlsm"),
              help="Where to write (default: workbook/cims.xlsm).")
@pass_app
def workbook_build(app: App, out_path):
    """Build the .xlsm deterministically: sheets, tables, ribbon, VBA."""
    from .excel.build import DEFAULT_OUT, build_workbook

    path = build_workbook(Path(out_path) if out_path else DEFAULT_OUT)
    app.out.summary({"workbook": str(path), "bytes": Path(path).stat().st_size})


@cli.command()
@click.option("--out", "out_path", metavar="FILE.xlsx", callback=_out_suffix(".xlsx"),
              help="Write a standalone report workbook.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--owner", metavar="USER", help="Only this owner's customers and opportunities.")
@click.option("--region", metavar="REGION", help="Only orders in this region (and its customers).")
@pass_app
def report(app: App, out_path, date_from, date_to, owner, region):
    """Sales, pipeline, service and segment reports (tables; --out for a workbook with charts)."""
    from .reports.model import to_jsonable
    from .excel.report_writer import write_report_workbook
    from .reports.refresh import build_for_session

    _check_period(date_from, date_to)
    session = app.session()
    if out_path:        # before anything is computed or written: a report file is an export
        from .reports.refresh import ensure_may_write_report_file

        ensure_may_write_report_file(session)
    from .services.segments import refresh_before_reports

    refresh_before_reports(session)
    kw = dict(date_from=date_from, date_to=date_to, owner=owner, region=region)
    from .excel.sheet_codec import report_zone_kwargs

    kw.update(report_zone_kwargs())     # times in the zone the CLI tables and the sheets use
    if out_path:
        write_report_workbook(out_path, session, **kw)
        if app.out.fmt != "json":
            app.out.summary({"report": out_path})
            return
    reports = build_for_session(session, **kw)
    data = to_jsonable(reports)
    if app.out.fmt == "json":
        click.echo(json_text(json.dumps(data, default=_plain, ensure_ascii=False, indent=2)))
        return
    if app.out.fmt == "csv":
        from .terminal import csv_bom_wanted

        # A CSV file made with `> FILE` opens in Excel as UTF-8 only with a BOM.
        bom = "\ufeff" if csv_bom_wanted(sys.stdout) else ""
        click.echo(bom + for_stream(_report_csv(reports, data), click.get_text_stream("stdout")), nl=False)
        return
    for sheet, rep in reports.items():
        caption = rep.filters_text()
        for table in rep.tables:
            rows = _report_rows(data[sheet]["tables"][table.name], table.formats, table.currency,
                                converted=table.converted, tz=rep.tz, stored=_stored_cells(table))
            if rows:
                app.out.emit(rows, title=f"{sheet} · {table.title}")
                if table.note:          # the workbook's note under the table: rates used, unknown profit
                    app.out.message(f"Note: {table.note}")
        if caption:
            app.out.message(f"{sheet}: {caption}\n")


# Significant digits a spreadsheet keeps of a number it reads (`money.CELL_DIGITS`).
_CSV_DIGITS = 15


def _report_csv(reports, data) -> str:
    """`cims --format csv report`: one section per table, as a person opening the file
    in a spreadsheet reads it and the csv module reads it back. A section is its title
    line ("Report - Sales · Sales by month (USD)": the currency its figures are in, or a
    Currency column per row), its notes (one "Note: ..." line each: the filters, the rates
    it was converted at, rounding, profit not known, figures a spreadsheet would round),
    its header, its rows, then an empty line. Figures are plain numbers as the terminal
    and the workbook show them (no thousands separator, no currency code: money in its
    currency's decimal places, a converted figure rounded to its minor units, a stored
    amount with every stored digit; an unknown profit is empty); text cells are guarded
    against being run as formulas."""
    from .reports.model import MONEY

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for sheet, rep in reports.items():
        caption = rep.filters_text()
        for table in rep.tables:
            raw = data[sheet]["tables"][table.name]
            rows = _report_rows(raw, table.formats, table.currency, converted=table.converted, tz=rep.tz,
                                stored=_stored_cells(table), plain=True)
            if not rows:
                continue
            columns = list(rows[0].keys())
            title = f"{sheet} · {table.title}"
            if table.currency is None and "Currency" in columns:
                title += " (each row in its Currency)"
            w.writerow([_csv_safe(title)])
            notes = [f"Filters: {caption}"] if caption else []
            if table.note:
                notes.append(table.note)
            money = [c for c in columns if table.formats.get(c) == MONEY]
            long = [c for c in money if any(not _drawn_exactly(r.get(c)) for r in rows)]
            if long:
                notes.append(f"Figures of more than {_CSV_DIGITS} digits, or that LibreOffice draws rounded up "
                             f"(9999999999999.99) ({', '.join(long)}), are exact in this file; a spreadsheet keeps "
                             f"{_CSV_DIGITS} digits of a number it opens and would show them rounded: import the "
                             "file with those columns as Text (Excel: Data > From Text/CSV), or use `cims report "
                             "--out FILE.xlsx` (exact text there)")
            for note in notes:
                w.writerow([_csv_safe(f"Note: {note}")])
            w.writerow([_csv_safe(str(c)) for c in columns])
            for r in rows:
                w.writerow([_csv_figure(r.get(c)) for c in columns])
            w.writerow([])
    return buf.getvalue()


def _drawn_exactly(text) -> bool:
    """Whether a spreadsheet opening the CSV shows this figure with all its digits
    (`money.drawn_exactly`); text that is no figure is text."""
    from .domain.money import drawn_exactly

    try:
        return drawn_exactly(Decimal(text)) if isinstance(text, str) and text else True
    except ArithmeticError:
        return True


def _csv_figure(value) -> str:
    """A report cell of a CSV: a figure `_report_rows(plain=True)` made (a plain number,
    a percentage) as it is, any other text guarded (`_csv_safe`)."""
    import re

    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?%?", value):
        return value
    return _csv_safe(value)


def _check_period(date_from: str | None, date_to: str | None) -> None:
    """Refuse --from later than --to (an empty report would look like no sales).

    Raises ValidationFailed; dates that do not read as YYYY-MM-DD are left to the
    report service's own message.
    """
    try:
        first = dt.date.fromisoformat(date_from.strip()) if date_from else None
        last = dt.date.fromisoformat(date_to.strip()) if date_to else None
    except ValueError:
        return
    if first and last and first > last:
        raise ValidationFailed({"": f"--from {first} is after --to {last}: the period would be empty; "
                                    "swap them"})


def _local_minutes(text: str, tz: str | None) -> str:
    """A report JSON time (UTC, "Z") as the table shows it: the report zone's clock time."""
    if tz and text.endswith("Z"):
        from zoneinfo import ZoneInfo

        try:
            at = dt.datetime.fromisoformat(text[:-1] + "+00:00").astimezone(ZoneInfo(tz))
            return at.strftime("%Y-%m-%d %H:%M")
        except (ValueError, KeyError):
            pass
    return text[:16].replace("T", " ")


def _stored_cells(table) -> list[set[str]]:
    """Per row of a report table, its money columns whose figure is made of stored
    amounts only (`reports.model.Stored`): shown as stored in a converted table."""
    from .reports.model import MONEY, Stored

    cols = [c for c, f in table.formats.items() if f == MONEY and c in table.data.columns]
    return [{c for c, v in zip(cols, rec) if isinstance(v, Stored)}
            for rec in table.data[cols].itertuples(index=False, name=None)] if cols else []


_STORED = "\0stored"      # a row's key (never a column) carrying `_stored_cells` through the trim


def _report_rows(rows: list[dict], formats: dict[str, str], table_currency: str | None = None, *,
                 converted: str | None = None, tz: str | None = None,
                 stored: list[set[str]] | None = None, plain: bool = False) -> list[dict]:
    """A report table's rows as a person reads them, as the workbook shows them: months
    as 2024-03, money with its currency's decimal places (the row's Currency, else the
    table's; "—" when not known; figures in `converted`, the currency amounts were
    converted to at a rate, rounded to its minor units: `display.converted_money`), rates
    as percentages; months before the first and after the last figure left out. json
    keeps the exact figures (4 places)."""
    from .domain.display import converted_money, money, percent
    from .reports.model import COUNT, DATE, DATETIME, DAYS, HOURS, MONEY, MONTH, PERCENT

    months = [c for c, f in formats.items() if f == MONTH]
    if stored:
        rows = [{**row, _STORED: cells} for row, cells in zip(rows, stored)]
    if months:
        from .domain.display import trim_empty_ends

        rows = trim_empty_ends(rows, months + [_STORED])
    out = []
    for row in rows:
        shown = dict(row)
        as_stored = shown.pop(_STORED, set())
        currency = row.get("Currency") or row.get("currency") or table_currency
        for c, f in formats.items():
            v = row.get(c)
            if v is None and c in row and f == MONEY:
                # not known (a profit no order gave), never 0.00; empty in a CSV (plain)
                shown[c] = None if plain else "—"
                continue
            if v is None or c not in row:
                continue
            if f == MONEY and isinstance(v, str):       # json's exact decimal text
                try:
                    v = Decimal(v)
                except ArithmeticError:
                    continue
            if f == MONTH and isinstance(v, str):
                shown[c] = v[:7]
            elif f == DATE and isinstance(v, str):
                shown[c] = v[:10]
            elif f == DATETIME and isinstance(v, str):
                shown[c] = _local_minutes(v, tz)
            elif f == MONEY and _is_number(v):
                code = currency if isinstance(currency, str) else None
                # a figure of stored amounts only is shown as stored, never with fewer digits
                shown[c] = (converted_money if converted and code == converted and c not in as_stored else money)(
                    v, code, code=bool(row.get("Currency") or row.get("currency")) and not plain)
                if plain:                   # a plain number: no thousands separator
                    shown[c] = shown[c].replace(",", "")
            elif f == PERCENT and _is_number(v):
                shown[c] = percent(v, fraction=True, decimals=1).replace(",", "") if plain else \
                    percent(v, fraction=True, decimals=1)
            elif f == COUNT and _is_number(v):
                shown[c] = str(int(v)) if plain else f"{int(v):,}"
            elif f in (DAYS, HOURS) and _is_number(v):
                shown[c] = f"{float(v):.1f}" if plain else f"{float(v):,.1f}"
        out.append(shown)
    return out


@cli.command()
@click.option("--dir", "folder", default="demo", show_default=True, metavar="DIR",
              help="Where the demo store and workbook go.")
@click.option("--customers", type=click.IntRange(min=1), default=300, show_default=True, help="How many customers to make up.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Same seed, same demo data.")
@click.option("--yes", is_flag=True, help="Replace an existing demo store without asking.")
@pass_app
def demo(app: App, folder, customers, seed, yes):
    """Build a demo store with realistic data plus a refreshed workbook; prints how to sign in."""
    from .demo import build_demo, check_replaceable

    if check_replaceable(Path(folder)):       # refuses, naming it, a file cims demo did not make
        # A demo store someone worked in is theirs: replacing it loses their changes.
        _refuse_without_terminal(yes, f"replacing the demo store in {folder}")
        _confirm(yes, f"Replace the demo store in {folder}? Changes you made to it are lost")
    bar, progress = _rich_progress(app)
    with bar:
        result = build_demo(Path(folder), customers=customers, seed=seed, progress=progress)
    app.out.summary(result, title="Demo ready")


# ----- edges -------------------------------------------------------------------------------

def _configure_logging() -> None:
    """cims.log, kept small (logs.private_log_handler). Called once per `main()`: a host
    that runs the CLI many times in one process (tests, a batch script) gets one handler,
    not one more per run (each line was written once per earlier run)."""
    path = _log_path()
    try:
        handler: logging.Handler = private_log_handler(path)
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in [h for h in log.handlers if getattr(h, "cims_cli", False)]:
        log.removeHandler(old)
        old.close()
    handler.cims_cli = True       # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _stopping() -> None:
    """Once a Ctrl-C has stopped the command, more of them are ignored while Python
    exits (joining the store's writer thread, the import's worker): pressed again there,
    they only printed its shutdown traceback. Only from the main thread (signal(2))."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


# ----- arguments the terminal's encoding cannot read ------------------------------------

# Options whose value is a file or folder name: any bytes the file system takes are fine there.
_PATH_METAVARS = {"PATH", "DIR", "FILE", "OUT"}


def _names_a_path(param: click.Parameter) -> bool:
    if isinstance(param.type, (click.Path, click.File)):
        return True
    metavar = (param.metavar or "").strip("'\"").split(".")[0].upper()
    return metavar in _PATH_METAVARS


def _undecodable(value: Any) -> str | None:
    """`value` (text, or a tuple of texts for a repeated option) with the bytes Python
    could not decode from argv written as \\xNN escapes, or None when all is text.
    Python keeps such bytes as lone surrogates (PEP 383), which no text encoding writes."""
    for text in value if isinstance(value, (tuple, list)) else (value,):
        if isinstance(text, str) and any("\udc80" <= ch <= "\udcff" for ch in text):
            encoding = sys.getfilesystemencoding()
            raw = text.encode(encoding, "surrogateescape")
            return raw.decode(encoding, "backslashreplace")
    return None


_SECRET_PARAMS = {"otp", "code", "password"}


def check_text_arguments(ctx: click.Context) -> None:
    """Refuse an argument holding bytes that are not text in the terminal's encoding
    (a Latin-1 name typed in a UTF-8 terminal): ValidationFailed naming the option or
    argument, before anything is opened. File and folder names are left alone."""
    for param in ctx.command.params:
        if _names_a_path(param):
            continue
        escaped = _undecodable(ctx.params.get(param.name))
        if escaped is not None:
            label = param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
            encoding = sys.getfilesystemencoding().upper().replace("UTF8", "UTF-8")
            if (param.metavar or "").upper() == "CODE" or param.name in _SECRET_PARAMS:
                from .security.passwords import not_text_reason

                raise ValidationFailed({label: not_text_reason(encoding)})     # a secret is not repeated
            raise ValidationFailed({label: f"'{escaped}' holds bytes that are not {encoding} text; set "
                                           f"the terminal to {encoding} and type it again"})


def _checking_text_arguments(command: click.Command) -> None:
    """Make every command of the tree under `command` run check_text_arguments first."""
    callback = command.callback
    if callback is not None:
        import functools

        @functools.wraps(callback)
        def checked(*args, **kwargs):
            check_text_arguments(click.get_current_context())
            return callback(*args, **kwargs)

        checked.checks_text_arguments = True     # type: ignore[attr-defined]
        command.callback = checked
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _checking_text_arguments(sub)


_checking_text_arguments(cli)


def _interrupted() -> str:
    """What a Ctrl-C did: nothing saved, or (pressed during or after a commit of this
    command's changes, interrupts.note_saved) what was saved is kept."""
    return interrupts.saved_message() or "Interrupted."


def _after_save(error: str) -> str:
    """An error's text, saying too that this command's changes were saved before it and
    what was not done, when they were (interrupts.after_save_message)."""
    said = interrupts.after_save_message(error.replace(_NOTHING_SAVED, _LAST_NOT_SAVED))
    return said or error


# A store failure says nothing of the change was saved: after an earlier commit of the
# same command, that holds for the last change only.
_NOTHING_SAVED = "Nothing of this change was saved (the store is as it was)."
_LAST_NOT_SAVED = "What it was writing then was not saved."


def main(argv: list[str] | None = None) -> int:
    """Run one `cims` command; its exit code. Output any text can go to (terminal.set_up_output);
    a command that fails or is stopped after asking something at the terminal leaves no
    typed-ahead input behind for the shell (launch.discard_typed_ahead)."""
    from .launch import discard_typed_ahead, echo_as_before, reset_prompted
    from .terminal import set_up_output, unshown_note

    set_up_output()
    reset_prompted()
    try:
        code = _main(argv)
    finally:
        echo_as_before()        # after a hidden prompt the echo was off (launch.hush)
    if code != 0:
        discard_typed_ahead()
    note = unshown_note()
    if note:
        _say(note, err=True)
    return code


def _main(argv: list[str] | None) -> int:
    from .security.process import harden_process

    harden_process()      # no core dump holding the key or $CIMS_PASSWORD
    interrupts.reset()
    _configure_logging()
    try:
        # Without standalone mode, click returns an Exit's code instead of raising it
        # (`audit verify` exits 11 when the trail does not hold).
        _use_cims_help(cli)
        code = cli.main(args=argv, prog_name="cims", standalone_mode=False)
        return code if isinstance(code, int) and not isinstance(code, bool) else 0
    except CimsError as exc:
        from .errors import NoRowImported, RowsNotSaved

        text = exc.message
        if not isinstance(exc, (RowsNotSaved, NoRowImported)):     # those say what was saved
            text = _after_save(text)
        _say(f"Error: {shown(text)}", err=True)
        return exc.exit_code
    except click.exceptions.Abort as exc:
        # click turns Ctrl-C into Abort; the shell convention for it is 130.
        interrupted = isinstance(exc.__context__, KeyboardInterrupt)
        if interrupted:
            _stopping()
        _say(_interrupted() if interrupted else "Aborted.", err=True)
        return 130 if interrupted else 1
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.message = shown(exc.message)      # a file name given on the command line, say
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        _stopping()
        _say(_interrupted(), err=True)
        return 130
    except OSError as exc:
        # A file or folder the system refused (missing, no permission, disk full): say
        # which and why in one line; the traceback goes to the log for developers.
        log.exception("file system error")
        where = f"{exc.filename}: " if exc.filename else ""
        if exc.errno == errno.ENOSPC:       # "No space left on device" alone named no folder
            file = f" (writing {exc.filename})" if exc.filename else ""
            full = f"the disk is full{file}: {exc.strerror}. Free some space"
            # After a save, running the whole command again is not always right: say what to do.
            _say(shown("Error: " + (interrupts.after_save_message(full) or f"{full} and run the command again.")),
                 err=True)
            return 74
        _say(shown("Error: " + _after_save(f"{where}{exc.strerror or exc}")), err=True)
        return 74
    except Exception as exc:  # noqa: BLE001 - the edge: log for developers, one line for users
        from .services.failures import storage_failure

        failure = storage_failure(exc)
        if failure is not None:         # disk full, I/O error, read-only: say so
            log.exception("store not written")
            _say(f"Error: {shown(_after_save(failure.message))}", err=True)
            return failure.exit_code
        log.exception("unexpected error")
        _say("Error: " + _after_save(f"an unexpected problem occurred; details are in {_log_path()}"), err=True)
        return 70


def entry() -> None:
    from .launch import run       # Ctrl-C once the command is over (see launch)

    sys.exit(run(main))


if __name__ == "__main__":
    entry()
