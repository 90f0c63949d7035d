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
    """`text` with the characters a terminal would obey written as visible escapes."""
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


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
