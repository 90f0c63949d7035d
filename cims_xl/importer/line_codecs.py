"""Two text encodings for files that are mostly UTF-8 but not all of it, decoded line by line.

- `utf-8-double`: UTF-8 text that a program once read as Windows-1252 (or Latin-1) and
  saved again as UTF-8, so that "José Müller" became "JosÃ© MÃ¼ller" ("mojibake").
  Each line is decoded as UTF-8 and then repaired with ftfy's `fix_encoding`
  (ftfy.readthedocs.io: it undoes such a misreading when the result is more plausible
  text, and leaves a line alone otherwise), so lines that were saved right stay as they
  are.
- `utf-8-or-NAME` (e.g. `utf-8-or-cp1252`): a UTF-8 file with some lines in another code
  page (rows pasted from an older file): each line that is valid UTF-8 is read as UTF-8,
  each other line as NAME. Nothing is lost, where `--encoding utf-8` would show the
  other lines' accented letters as "\ufffd". NAME must write ASCII as ASCII (a line
  break is byte 0x0A in it): any code page the importer weighs does.

`register()` adds them to Python's codec registry (`codecs.register`), so
`open(path, encoding="utf-8-or-cp1252")` and `codecs.lookup` know them; the importer
calls it when `importer.encoding` is imported. A line ends with b"\\n", b"\\r\\n" or
b"\\r" (bytes.splitlines), which it keeps.
"""

from __future__ import annotations

import codecs
import re

DOUBLE = "utf-8-double"
OR_PREFIX = "utf-8-or-"

# Characters that UTF-8 lead and continuation bytes become when read as Windows-1252:
# a lead byte 0xC2-0xF4 ("Â".."ô") followed by a continuation byte 0x80-0xBF (the
# Windows-1252 letters and punctuation at 0x80-0x9F, the Latin-1 signs at 0xA0-0xBF).
# Only lines holding such a pair are given to ftfy: real text almost never has one.
_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc" \
                "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]")
# The same pairs as UTF-8 bytes (the lead characters are C3 82..C3 B4), to look through
# a file's bytes before decoding them: twice as fast on text with many accents.
MOJIBAKE_BYTES = re.compile(
    rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c]"
    rb"|\xe2\x80[\x93\x94\x98-\x9e\xa0-\xa2\xa6\xb0\xb9\xba]|\xe2\x82\xac|\xe2\x84\xa2)")


def repair(line: str) -> str:
    """`line` with UTF-8 that was read as Windows-1252 and saved again turned back into
    the text it was ("JosÃ© MÃ¼ller" -> "José Müller"; ftfy's `fix_encoding`); other
    lines unchanged."""
    if not MOJIBAKE.search(line):
        return line
    import ftfy

    return ftfy.fix_encoding(line)


class _LineDecoder(codecs.IncrementalDecoder):
    """Decodes whole lines at a time (the bytes after the last b"\\n" wait for the next
    call, or for `final`), each with `self.line(bytes) -> str`; a UTF-8 byte order mark
    at the very start is dropped."""

    def __init__(self, errors: str = "strict"):
        super().__init__(errors)
        self._pending = b""
        self._first = True

    def line(self, data: bytes) -> str:          # pragma: no cover - overridden
        raise NotImplementedError

    def decode(self, input, final: bool = False) -> str:
        data = self._pending + bytes(input)
        if final:
            cut = len(data)
        else:
            cut = data.rfind(b"\n") + 1
        self._pending = data[cut:]
        if not cut:
            return ""
        whole = data[:cut]
        if self._first:
            self._first = False
            whole = whole.removeprefix(codecs.BOM_UTF8)
        return "".join(self.line(part) for part in whole.splitlines(keepends=True))

    def reset(self) -> None:
        self._pending = b""
        self._first = True

    def getstate(self) -> tuple[bytes, int]:
        return self._pending, 0 if self._first else 1

    def setstate(self, state) -> None:
        self._pending, flag = state
        self._first = not flag


class _DoubleDecoder(_LineDecoder):
    def line(self, data: bytes) -> str:
        return repair(data.decode("utf-8", self.errors))


def _or_decoder(fallback: str) -> type[_LineDecoder]:
    class _OrDecoder(_LineDecoder):
        def line(self, data: bytes) -> str:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode(fallback, self.errors)

    return _OrDecoder


def _info(name: str, decoder: type[_LineDecoder]) -> codecs.CodecInfo:
    def decode(data, errors: str = "strict"):
        return decoder(errors).decode(bytes(data), final=True), len(data)

    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(name=name, encode=utf8.encode, decode=decode,
                            incrementalencoder=utf8.incrementalencoder, incrementaldecoder=decoder,
                            streamreader=utf8.streamreader, streamwriter=utf8.streamwriter)


def _search(name: str) -> codecs.CodecInfo | None:
    key = name.lower().replace("-", "_")
    if key == DOUBLE.replace("-", "_"):
        return _info(DOUBLE, _DoubleDecoder)
    prefix = OR_PREFIX.replace("-", "_")
    if key.startswith(prefix):
        try:
            fallback = codecs.lookup(key[len(prefix):]).name
        except LookupError:
            return None
        if "a,\n".encode(fallback) != b"a,\n" or fallback.startswith(("utf", "utf_")):
            return None                          # UTF-16 and the like: lines are not bytes to b"\n"
        return _info(OR_PREFIX + fallback, _or_decoder(fallback))
    return None


_registered = False


def register() -> None:
    """Add `utf-8-double` and `utf-8-or-NAME` to Python's codec registry (once)."""
    global _registered
    if not _registered:
        codecs.register(_search)
        _registered = True


def fallback_of(name: str) -> str | None:
    """The code page of a `utf-8-or-NAME` codec name ("utf-8-or-cp1252" -> "cp1252"), else None."""
    return name[len(OR_PREFIX):] if name.startswith(OR_PREFIX) else None
