"""Rows whose fields moved though their number of fields is right, and rows that all
carry one empty field more than the header: decided on the whole file (run._scan).

- `SplitFields`: a separator inside a value that is not in quotes ("Acme, Inc",
  "12,50" in a comma-separated file) splits the value in two; when the row's last
  column was empty, the row still has the header's number of fields, so no count
  catches it, and every value after the split is stored one column to the right. Signs
  on a row whose last column is filled: a legal form alone ("Inc", "GmbH", "S.A.") in
  a column that holds none elsewhere, right after a value; a 1–2 digit fragment right
  after a whole amount in a money column; a value that is no 2-letter code in a column
  of 2-letter codes, with a code right after it. Where each such row has exactly one
  pair of adjacent fields whose rejoining explains it, the rows are read rejoined and
  the summary says so; otherwise the import stops before writing, naming the rows and
  their values, and `--rejoin` settles it.
- `Reshape`: raised by the first pass with the fix for every row (rejoin, or drop an
  empty field every row carries at one place); run._scan installs it on the source's
  rows and reads the file again, so both passes and all evidence see the rows right.
  Files without such rows are read once, as before: the per-row work here is a length
  test and, on rows whose last column is filled, a few string tests.

RFC 4180 2.1, 2.6: each record has the same number of fields; a field holding the
separator is enclosed in double quotes.
"""

from __future__ import annotations

import re

from ..domain.legal_forms import form_alone, might_be_form_alone
from ..domain.normalize import is_blank
from .errors import ImportRefused
from .table import header_text

EXAMPLES = 5
_KEPT = 200              # suspect rows kept in full (a file with more stops anyway)

# "12", "1'234", "1.234", "€ 980": a whole amount, as the field before a split decimal comma holds it
_WHOLE = re.compile(r"^\s*[-−(]?\s*(?:[^\w\s]{1,3}\s?|[A-Z]{3}\s?)?\d{1,3}(?:[' .\u00a0\u202f]?\d{3})*\s*$")
_DECIMALS = re.compile(r"^\d{1,2}(?:\s*(?:[^\w\s]{1,3}|[A-Z]{3}))?\s*\)?\s*$")
_SHORT = 40             # the longest cell the patterns below are tried on
_CODE = re.compile(r"^\s*[A-Z]{2}\s*$")
_NUMBER = re.compile(r"^\s*[-−+(]?[\d.,'\s]*\d[\d.,'\s]*\)?\s*%?\s*$")


class Reshape(Exception):
    """The first pass found rows to read otherwise: `fix(number, values)` gives the row
    as it is meant (run._scan installs it and reads the file again); `inference` is the
    summary's line."""

    def __init__(self, fix, inference: dict):
        super().__init__(inference.get("decided", ""))
        self.fix = fix
        self.inference = inference

    def install(self, src) -> None:
        factory = src._rows_factory
        fix = self.fix
        src._rows_factory = lambda: ((n, fix(n, v)) for n, v in factory())


_NUMBERED = re.compile(r"^(.*?)[\s_.-]*(\d*)$")


def _continues(first: object, second: object) -> bool:
    """Whether the heading `second` continues `first` (SAP's Name 1 / Name 2, Address /
    Address 2, Street 1 / Street 2): a value there is the rest of the first column's by
    design ("Müller Maschinenbau" + "GmbH & Co. KG"), never a split."""
    if first is None or second is None:
        return False
    a = _NUMBERED.match(header_text(first).strip().casefold())
    b = _NUMBERED.match(header_text(second).strip().casefold())
    if not (a and b) or not a.group(1) or a.group(1) != b.group(1) or not b.group(2):
        return False
    return not a.group(2) or int(b.group(2)) == int(a.group(2)) + 1


def check_rejoin(items) -> dict | None:
    """--rejoin items: "none" (the rows are right as the file separates them), "COLUMN"
    (in every row the stop names, the field under COLUMN and the next are one value),
    "ROW=COLUMN" (in that row). Returns {"none": bool, "all": header|None, "rows": {row: header}}."""
    if not items:
        return None
    out: dict = {"none": False, "all": None, "rows": {}}
    for item in ([items] if isinstance(items, str) else items):
        text = str(item).strip()
        if text.casefold() == "none":
            out["none"] = True
            continue
        row, sep, column = text.partition("=")
        if sep and row.strip().isdigit() and column.strip():
            out["rows"][int(row.strip())] = column.strip()
        elif text:
            out["all"] = text
        else:
            raise ImportRefused("--rejoin needs 'COLUMN', 'ROW=COLUMN' or 'none'")
    return out


def _joined(a: str, b: str, decimal: bool, sep: str = ",") -> str:
    """Two fields as the one value they were before the separator `sep` split it."""
    if decimal:
        whole = a.rstrip()
        mark = "," if "." in whole else "."       # "1.234" + "50": 1.234,50; "12" + "50": 12.50
        return f"{whole}{mark}{b.strip()}"
    return f"{a}{sep}{b}"


class SplitFields:
    """Rows of the header's `width` fields whose values do not fit their columns (a
    separator inside an unquoted value), gathered on the whole file (`add`), decided in
    `decide`. `number_cols`: the money and decimal columns; `window`: the first rows,
    whose columns of 2-letter codes and of legal forms are known before the rest."""

    def __init__(self, width: int, headers: list, number_cols, window: list[list], delimiter: str | None = None,
                 other_numbers=frozenset(), name_cols=()):
        self.width = width
        self.sep = delimiter or ","
        self.headers = list(headers)
        self.number_cols = sorted(c for c in number_cols if c < width - 1)
        self.rows = 0
        self.filled_last = 0
        self.suspects: list[tuple[int, list[tuple[int, str]], list]] = []    # (row, [(col, why)], values)
        self.suspect_count = 0
        self.off = width < 3
        codes, forms, numeric = [], [], []
        # the columns of the first rows (a split row among them): mostly 2-letter codes
        # (State, Country), mostly legal forms alone (a Legal Form column)
        for c in range(width):
            # (short cells only: the patterns are tried on a few characters, never a megabyte)
            vals = [v[c] for v in window if c < len(v) and isinstance(v[c], str) and v[c].strip()]
            short = [v for v in vals if len(v) <= _SHORT]
            coded = sum(1 for v in short if _CODE.match(v))
            if coded >= 2 and coded * 5 >= 3 * len(vals):
                codes.append(c)
            if vals and sum(1 for v in short if form_alone(v)) * 2 > len(vals):
                forms.append(c)
            if vals and sum(1 for v in short if _NUMBER.match(v)) * 2 > len(vals):
                numeric.append(c)       # a column of numbers: a small one there is its own value
        self.codes = frozenset(codes)
        self.forms = frozenset(forms)
        numeric_next = set(numeric) | set(number_cols) | set(other_numbers)
        self.number_cols = [c for c in self.number_cols if c + 1 not in numeric_next]
        self.code_cols = sorted(c for c in self.codes if 0 < c < width - 1)
        # the columns a comma splits a name or address in, followed by one that takes no
        # legal form: where the mapping names none, every column
        names = [c for c in (name_cols if name_cols else range(width - 1)) if c < width - 1]
        self.name_cols = [c for c in sorted(names) if c + 1 not in self.forms and c + 1 not in self.codes
                          and not _continues(self.headers[c] if c < len(self.headers) else None,
                                             self.headers[c + 1] if c + 1 < len(self.headers) else None)]

    def add(self, number: int, values: list) -> None:
        self.rows += 1
        if self.off or len(values) != self.width:
            return
        last = values[-1]
        if last is None or last == "" or is_blank(last):
            return
        self.filled_last += 1
        if self.filled_last > 500 and self.filled_last * 2 > self.rows:
            self.off = True         # a column most rows fill: a split would have made the row longer
            self.suspects.clear()
            self.suspect_count = 0
            return
        pairs: list[tuple[int, str]] = []
        for c in self.number_cols:
            a, b = values[c], values[c + 1]
            if isinstance(a, str) and isinstance(b, str) and len(a) <= _SHORT and len(b) <= _SHORT \
                    and _WHOLE.match(a) and _DECIMALS.match(b):
                pairs.append((c, "decimals"))
        coded = None
        for c in self.code_cols:
            b, after = values[c], values[c + 1]
            if isinstance(b, str) and b.strip() and isinstance(after, str) and len(after) <= _SHORT \
                    and _CODE.match(after) and not (len(b) <= _SHORT and _CODE.match(b)):
                coded = c
                break
        for c in self.name_cols:
            b = values[c + 1]
            if isinstance(b, str) and b and might_be_form_alone(b) and form_alone(b):
                a = values[c]
                if isinstance(a, str) and a.strip() and not form_alone(a):
                    pairs.append((c, "form"))
        if coded is not None:
            pairs = [p for p in pairs if p[0] < coded]
            if not pairs:
                pairs = [(-1, f"code:{coded}")]
        if not pairs:
            return
        self.suspect_count += 1
        if len(self.suspects) < _KEPT:
            self.suspects.append((number, pairs, list(values)))

    def _col(self, c: int) -> str:
        return header_text(self.headers[c]) if c < len(self.headers) else f"column {c + 1}"

    def decide(self, file: str, skip: set[int], rejoin: dict | None) -> Reshape | None:
        """The Reshape that rejoins the rows when that is certain (each suspect row has one
        pair), or the one --rejoin asks for; raises ImportRefused when it is not certain;
        None when no row is suspect or --rejoin none keeps them."""
        found = [s for s in self.suspects if s[0] not in skip]
        if not found or (rejoin and rejoin["none"]):
            return None
        named = {}
        if rejoin and (rejoin["all"] or rejoin["rows"]):
            folded = {header_text(h).casefold(): c for c, h in enumerate(self.headers)}
            for number, pairs, _values in found:
                want = rejoin["rows"].get(number, rejoin["all"])
                if want is None:
                    continue
                col = folded.get(want.casefold())
                if col is None or col >= self.width - 1:
                    raise ImportRefused(
                        f"--rejoin: '{want}' is not a column of {file} followed by another "
                        f"(its columns: {', '.join(self._col(c) for c in range(self.width))})")
                named[number] = (col, "decimals" if any(p == (col, "decimals") for p in pairs) else "text")
        unsure = [s for s in found if s[0] not in named and (len(s[1]) != 1 or s[1][0][0] < 0)]
        if unsure or self.suspect_count > len(self.suspects):
            shown = []
            for number, pairs, values in (unsure or found)[:EXAMPLES]:
                why = "; or ".join(self._why(p, values) for p in pairs)
                shown.append(f"row {number} ({why})")
            more = len(unsure or found) - len(shown)
            first = (unsure or found)[0]
            example_col = next((self._col(c) for c, _ in first[1] if c >= 0), None) or next(
                (self._col(int(w.split(":")[1]) - 1) for c, w in first[1] if c < 0), self._col(1))
            raise ImportRefused(
                f"{file}: {len(unsure or found)} row(s) have the header's {self.width} fields but their values "
                f"do not fit their columns, as when a separator inside a value that is not in double quotes "
                f"(\"Acme, Inc\", 12,50) splits it and moves every value after it one column right: "
                + "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
                + ". Nothing was imported. Put such values in double quotes in the file, or say which two "
                f"fields are one value with --rejoin \"{first[0]}={example_col}\" (or --rejoin \"{example_col}\" "
                "for every row named), or --rejoin none if the rows are right as they are.")
        plan: dict[int, tuple[int, str]] = {}
        for number, pairs, _values in found:
            plan[number] = named.get(number) or pairs[0]
        width, sep = self.width, self.sep
        shown = ", ".join(
            f"row {n}: '{self._col(c)}' '{_joined(v[c], v[c + 1], why == 'decimals', self.sep).strip()}'"
            for n, (c, why), v in ((n, plan[n], v) for n, _p, v in found[:EXAMPLES]))
        more = f" and {len(found) - EXAMPLES} more" if len(found) > EXAMPLES else ""

        def fix(number: int, values: list) -> list:
            got = plan.get(number)
            if got is None or len(values) != width:
                return values
            c, why = got
            a, b = values[c], values[c + 1]
            return [*values[:c], _joined(str(a), str(b), why == "decimals", sep), *values[c + 2:]]

        others = self.rows - len(found)
        empty = others - (self.filled_last - len(found))
        if named:
            how = "--rejoin says which two fields are one value"
        else:
            n, pairs, v = found[0]
            how = (f"row {n}: {self._why(pairs[0], v)}; the one pair of fields whose rejoining makes the row's "
                   f"values fit their columns, and the last column '{self._col(width - 1)}' then empty, as on "
                   f"{empty} of the other {others} row(s)")
        return Reshape(fix, {"what": "values split by an unquoted separator",
                             "decided": f"{len(found)} row(s) read with two fields rejoined ({shown}{more})",
                             "evidence": f"{how}; quote such values in the file, or --rejoin none keeps the "
                                         "fields as they are"})

    def _why(self, pair: tuple[int, str], values: list) -> str:
        c, why = pair
        if c < 0:
            code = int(why.split(":")[1])
            return (f"'{self._col(code)}' holds 2-letter codes elsewhere, here '{str(values[code]).strip()}', "
                    f"and '{str(values[code + 1]).strip()}' after it")
        if why == "decimals":
            return (f"'{str(values[c]).strip()}' in '{self._col(c)}' then '{str(values[c + 1]).strip()}': "
                    "a whole amount, then a 1–2 digit fragment, as an amount split at its decimal comma")
        return (f"'{str(values[c + 1]).strip()}' alone in '{self._col(c + 1)}' is a legal form, as of "
                f"'{values[c]}{self.sep}{values[c + 1]}' split at its separator")


def drop_field(width: int, at: int, header: str):
    """The fix for rows that all carry one empty field more than the header, at `at`."""

    def fix(number: int, values: list) -> list:
        if len(values) == width + 1 and is_blank(values[at]):
            return values[:at] + values[at + 1:]
        return values
    return fix
