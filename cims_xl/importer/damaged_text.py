"""Text cells of a workbook that were damaged before cims saw them.

A CSV's bytes are weighed before they are decoded (importer.encoding): text saved
twice ("JosÃ© MÃ¼ller") stops the import, U+FFFD is named. A workbook's cells are
text already, so the same damage arrives without a word: a program read UTF-8 as
Windows-1252 and wrote the result into the sheet, or wrote "�" for a letter it could
not read. Such cells are listed in the summary with an example and what it probably
was (ftfy's repair, line_codecs.repair), so that they can be corrected; they are kept
as written (the workbook is the source, and a repair guessed cell by cell could be wrong).
"""

from __future__ import annotations

from .line_codecs import MOJIBAKE, repair

EXAMPLES = 2


class DamagedText:
    """Counts a workbook's text cells holding text saved twice or U+FFFD; `inferences()`
    says where, for the summary. `add(number, values)` once per data row."""

    def __init__(self, headers: list[str], columns: list[int]) -> None:
        self.names = {col: headers[j] for j, col in enumerate(columns) if j < len(headers)}
        self.twice: list[tuple[int, int, str, str]] = []      # (row, column, text, probably)
        self.twice_count = 0
        self.lost: list[tuple[int, int, str]] = []
        self.lost_count = 0

    def add(self, number: int, values: list) -> None:
        for col, v in enumerate(values):
            if type(v) is not str or v.isascii():
                continue
            if "\ufffd" in v:
                self.lost_count += 1
                if len(self.lost) < EXAMPLES:
                    self.lost.append((number, col, v[:60]))
            elif MOJIBAKE.search(v):
                fixed = repair(v)
                if fixed != v:
                    self.twice_count += 1
                    if len(self.twice) < EXAMPLES:
                        self.twice.append((number, col, v[:60], fixed[:60]))

    def _where(self, number: int, col: int) -> str:
        name = self.names.get(col)
        return f"row {number}" + (f", '{name}'" if name else "")

    def inferences(self) -> list[dict]:
        out = []
        if self.twice_count:
            shown = "; ".join(f"{self._where(n, c)}: {t!r}, probably {f!r}" for n, c, t, f in self.twice)
            out.append({"what": "text saved twice",
                        "decided": f"{self.twice_count} cell(s) kept as written",
                        "evidence": f"{shown}: UTF-8 read as Windows-1252 by a program before this workbook "
                                    "was made; correct them in the workbook (or after the import)"})
        if self.lost_count:
            shown = "; ".join(f"{self._where(n, c)}: {t!r}" for n, c, t in self.lost)
            out.append({"what": "letters lost before the workbook",
                        "decided": f"{self.lost_count} cell(s) hold \ufffd, kept as written",
                        "evidence": f"{shown}: a program wrote \ufffd where it could not read a letter; "
                                    "correct them by hand"})
        return out
