"""Text shown on a terminal: data never drives the terminal.

A value a file or another user brought (a customer's notes, a column heading, a file
name) can hold characters a terminal obeys instead of showing: ESC starts a control
sequence (ECMA-48 §5.4: clear the screen, move the cursor, retitle the window, make a
hyperlink with OSC 8), the C1 controls U+0080–U+009F do the same on some terminals
(U+009B is CSI), BEL rings, BS and CR overwrite what was printed. The Unicode
bidirectional embeddings, overrides and isolates (UAX #9 §2: U+202A–U+202E,
U+2066–U+2069) reorder what follows, so `Bidi\u202eexe.txt` shows as `Biditxt.exe`.

`shown(text)` writes each of them as a visible escape (`\\x1b`, `\\u202e`) and keeps
everything else, newlines and tabs included. Zero-width joiners and non-joiners (needed
by emoji, Persian, Indic scripts) and the left-to-right / right-to-left marks (which
only place neutral characters) are kept. Machine formats keep the data as it is:
`json_text` escapes the same characters as JSON \\u escapes (the same string once
parsed); CSV goes out unchanged unless it goes to a terminal (`for_stream`).
"""

from __future__ import annotations

import re
from typing import TextIO

# The last range: bytes of a file name or argument that were not text in the file system's
# encoding, kept by Python as lone surrogates (PEP 383); no terminal encoding can write them.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def _visible(m: re.Match) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:       # the byte it stands for
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}"


def shown(text: str) -> str:
    """`text` with the characters a terminal would obey written as visible escapes, and
    those a terminal's encoding cannot write too (`terminal_shown`)."""
    return terminal_shown(_UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text)


def json_text(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with the same characters as
    \\u escapes: valid JSON for the same values (RFC 8259 §7), safe on a terminal."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _UNSAFE.search(text) else text


def for_stream(text: str, stream: TextIO) -> str:
    """`text` as it may be written to `stream`: `shown` when the stream is a terminal,
    unchanged otherwise (a file or a pipe gets the data as it is)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return shown(text) if tty else text


def terminal_width(stream: TextIO) -> int | None:
    """The width in cells of the terminal `stream` writes to, None when it is not one.
    $COLUMNS, when set, is the width (as rich sizes its tables by it, even on a pipe)."""
    import os
    import shutil

    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if not stream.isatty():
            return None
        return os.get_terminal_size(stream.fileno()).columns or None
    except (AttributeError, ValueError, OSError):
        return shutil.get_terminal_size().columns or None


def fit_lines(text: str, width: int | None, hang: int = 0) -> str:
    """`text` broken into lines of at most `width` terminal cells at word boundaries (a
    double-width character counts two; a word longer than a line, as a run of Chinese
    or Japanese without spaces is, breaks anywhere). Lines already broken stay broken;
    the lines a line is broken into after its first are indented `hang` spaces;
    None: unchanged (a file or a pipe gets the text as it is)."""
    if not width or width < 8:
        return text
    from rich.cells import cell_len
    from rich.console import Console
    from rich.text import Text

    if all(cell_len(line) <= width for line in text.split("\n")):
        return text
    hang = min(hang, width // 4)
    console = Console(width=width, color_system=None, force_terminal=False, legacy_windows=False)
    out = []
    for line in text.split("\n"):
        if cell_len(line) <= width:
            out.append(line)
            continue
        first = Text(line).wrap(console, width)[0].plain
        out.append(first.rstrip())
        rest = line[len(first):].lstrip()
        indent = hang if all(cell_len(word) <= width - hang for word in rest.split()) else 0
        out += [" " * indent + part.plain.rstrip() for part in Text(rest).wrap(console, width - indent)]
    return "\n".join(out)


# ----- output the stream's encoding cannot write ---------------------------------------
#
# Python writes stdout and stderr in the locale's encoding: on Windows, redirected or piped
# output goes out in the ANSI code page (cp1252 on a Western PC, cp936 on a Chinese one),
# and a terminal may be set to a legacy encoding. One Arabic name, one 𠮷 or one emoji a
# code page lacks then raised UnicodeEncodeError in the middle of a listing (exit 70, an
# empty file). So, at the start of each command (`set_up_output`):
#
# * a file or a pipe gets UTF-8, whatever the code page (the data as it is; a `--format csv`
#   listing written to a file starts with a UTF-8 BOM so Excel reads it as UTF-8, see
#   `csv_bom_wanted`);
# * a terminal whose encoding cannot write a character shows it as a visible escape
#   (`\u0645`, `\U00020bb7`: never dropped, never a "?" that hides what it was), and at the
#   end of the command one note on stderr names the encoding and how to see the text
#   (`unshown_note`).
# Encodings that write every character (UTF-8/16/32, GB18030) are left as they are.

_WHOLE_UNICODE = {"utf-8", "utf-16", "utf-32", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le",
                  "utf-32-be", "gb18030"}
ESCAPES = "cims-visible"
_unshown: list[str] = []              # encodings that could not write a character this command
_limited: list[str] = []              # the encodings of terminals that cannot write every character
_terminal_encoding: str | None = None  # a terminal's encoding that cannot write every character


def _escape(ch: str) -> str:
    c = ord(ch)
    if 0xDC80 <= c <= 0xDCFF:
        return f"\\x{c - 0xDC00:02x}"
    return f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"


def _visible_escapes(exc: UnicodeError):
    """A codec error handler: what the encoding cannot write, as visible escapes (noted)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    # (a code page's codec calls itself "charmap": the note names the terminal's encoding)
    if exc.encoding not in _unshown:
        _unshown.append(exc.encoding)
    return "".join(_escape(ch) for ch in exc.object[exc.start:exc.end]), exc.end


_registered = False


def _register() -> None:
    global _registered
    if not _registered:
        import codecs

        codecs.register_error(ESCAPES, _visible_escapes)
        _registered = True


def _canonical(encoding: str | None) -> str:
    import codecs

    try:
        return codecs.lookup(encoding or "ascii").name
    except LookupError:
        return (encoding or "ascii").lower()


def writes_everything(encoding: str | None) -> bool:
    """Whether `encoding` can write every Unicode character."""
    return _canonical(encoding) in _WHOLE_UNICODE


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def set_up_output() -> None:
    """Make stdout and stderr able to write any text (see above). Called first by the CLI."""
    import io
    import sys

    global _terminal_encoding
    _register()
    _unshown.clear()
    _limited.clear()
    _terminal_encoding = None
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        if not isinstance(stream, io.TextIOWrapper) or writes_everything(stream.encoding):
            continue
        try:
            if _is_tty(stream):
                stream.reconfigure(errors=ESCAPES)
                _limited.append(_canonical(stream.encoding))
                if name == "stdout":     # what `shown` text is measured for (tables)
                    _terminal_encoding = _canonical(stream.encoding)
            else:
                stream.flush()
                stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError, LookupError):
            continue


def terminal_shown(text: str) -> str:
    """`text` with the characters the terminal's encoding cannot write as visible escapes
    (noted for `unshown_note`), so a table measures what the terminal will show."""
    enc = _terminal_encoding
    if enc is None or text.isascii():
        return text
    try:
        text.encode(enc)
        return text
    except UnicodeEncodeError:
        _unshown.append(enc)
        return text.encode(enc, ESCAPES).decode(enc)
    except LookupError:
        return text


def unshown_note() -> str | None:
    """The one line for stderr when a terminal could not show some characters, else None."""
    if not _unshown:
        return None
    encodings = " and ".join(dict.fromkeys(_limited or _unshown))
    _unshown.clear()
    return (f"Note: this terminal's encoding ({encodings}) cannot show some characters; they are "
            "shown as \\u escapes. To see them, set PYTHONUTF8=1 (or set the terminal to UTF-8), or "
            "write the output to a file (`> FILE`, or --out FILE where a command has it): files get UTF-8.")


def csv_bom_wanted(stream) -> bool:
    """Whether CSV written to `stream` should start with a UTF-8 BOM: it is a regular file,
    at its start, written in UTF-8 (Excel opens a CSV file without one in the PC's code page)."""
    import os
    import stat

    try:
        if _is_tty(stream) or _canonical(stream.encoding) != "utf-8":
            return False
        fd = stream.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        stream.flush()
        return os.lseek(fd, 0, os.SEEK_CUR) == 0
    except (AttributeError, ValueError, OSError):     # io.UnsupportedOperation is both
        return False
