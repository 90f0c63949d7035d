"""The table's shape, checked on the whole sheet: rows that are not records of the table.

Issue 14 (header, footer, kind): a row is stored only when the evidence says it is one
of the table's records. What is decided here, in the importer's first pass (run._scan):

- `LongRows`: CSV rows with more fields than the header where the header has no column
  for them. A separator inside a value that is not in quotes ("Acme, Inc.") splits it in
  two and shifts every value after it; a decimal comma in a comma-separated file
  ("1'234,50") splits an amount. A few such rows in a file whose other rows stop at the
  header's width, or such rows that all split a number, stop the import naming the rows
  (RFC 4180 2.6: a field holding the separator is enclosed in double quotes), whether
  the field a split adds at the end is empty or not. An unnamed column that many rows
  fill, or that every row carries, is data: it is kept as "Column E"; the same empty
  fields at the end of every row (a trailing separator on each line, as Excel writes
  CSV) are ignored, and the summary says so.
- `label_row`: a label alone in the table's first column inside the table ("Total: 1
  customer", "Region North", "Gruppe: Süd", "合计", "Итого: 3"): a group heading or a
  total, not a record. A name alone ("Cara Diaz") is a record.
- `SubtotalRows`: a row that writes a total word in a cell of its own ("Subtotal" in
  Product) and in every amount column the sum of the rows since the previous such row
  (or of all rows before it): a group's subtotal, counted twice if stored.
- `header_row_kinds` / `StackedTables`: after a blank row, a row whose cells name known
  fields of some kind of record (mapping synonyms) begins another table: the import
  reads the first table and stops there; a row repeating the table's own header (a
  report's page header) is skipped.
- `transposed`: the table's first column names known fields and its first row does
  not: the records are columns; the import stops and says so.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..domain.normalize import is_blank
from .errors import ImportRefused
from .evidence import _TOTAL, holds_contact
from .table import column_letter, header_text, looks_like_value

EXAMPLES = 5                    # rows named in a message or summary
_SKIPPABLE = 50                 # row numbers kept per row width, to set footers and totals aside


# ----- CSV rows longer than the header ----------------------------------------------------

# "1'234", "1.234", "980", "-12", "€ 1 234": a whole part, as the field before a split
# decimal comma holds it; then the split-off decimals ("50", "5").
_WHOLE = re.compile(r"^\s*[-−(]?\s*(?:[^\w\s]{1,3}\s?|[A-Z]{3}\s?)?\d{1,3}(?:[' .\u00a0\u202f]?\d{3})*\s*$")
_DECIMALS = re.compile(r"^\s*\d{1,2}\s*(?:[^\w\s]{1,3}|[A-Z]{3})?\s*\)?\s*$")


@dataclass
class LongRows:
    """CSV rows with more fields than the header (`width` fields), data past it.

    Decided on the whole file (`check`): a separator inside a value that is not in quotes
    adds a field to its row and shifts every value after it, whether the field it adds at
    the end is empty or not ("Acme, Inc.",Hamburg,20095,DE, then an empty Phone). Only
    when EVERY row of the table has the same number of fields past the header, empty or
    a column of data, is that the file's own shape: a trailing separator on every line
    (`a,b,c,`, as Excel and other tools write it) or an unnamed column, and no row is
    shifted. RFC 4180 2.1 and 2.6: each record has the same number of fields, a field
    holding the separator is in double quotes."""

    width: int
    headers: list = field(default_factory=list)      # the header line's fields
    number_cols: frozenset[int] = frozenset()         # columns of amounts and decimals: where a split may be
    rows: int = 0
    long: list[tuple[int, int]] = field(default_factory=list)     # (row, fields), the first EXAMPLES
    long_count: int = 0
    reaching: int = 0            # other rows with fields past the header, all of them empty
    reaching_rows: list[tuple[int, int]] = field(default_factory=list)   # (row, fields), the first EXAMPLES
    split_rows: int = 0          # long rows one field longer, where a number seems split
    split_example: tuple[int, int, str, str] | None = None    # (row, column, whole, decimals)
    # rows by their number of fields: {fields: [count, first row numbers]}; the file's
    # shape is one number of fields for every row
    lengths: dict[int, list] = field(default_factory=dict)
    named: int = 0               # the header's fields up to its last non-empty one
    filled_past_named: bool = False     # a value in a field past `named` (the header's own empty ones too)
    # the places where every row one field longer than the header has an empty field
    # (a tab-padded id): None before the first such row
    blank_at: set | None = None
    header_number: int = 0

    def __post_init__(self) -> None:
        self.named = self.width
        while self.named and self.named <= len(self.headers) and is_blank(self.headers[self.named - 1]):
            self.named -= 1

    def add(self, number: int, values: list) -> None:
        self.rows += 1
        n = len(values)
        seen = self.lengths.get(n)
        if seen is None:
            self.lengths[n] = [1, [number]]
        else:
            seen[0] += 1
            if len(seen[1]) < _SKIPPABLE:
                seen[1].append(number)
        if n > self.named and not self.filled_past_named and not all(is_blank(v) for v in values[self.named:]):
            self.filled_past_named = True
        if n <= self.width:
            return
        if n == self.width + 1:
            if self.blank_at is None:
                self.blank_at = {p for p in range(n) if is_blank(values[p])}
            elif self.blank_at:
                self.blank_at = {p for p in self.blank_at if is_blank(values[p])}
        if all(is_blank(v) for v in values[self.width:]):
            self.reaching += 1
            if len(self.reaching_rows) < EXAMPLES:
                self.reaching_rows.append((number, n))
            return
        self.long_count += 1
        if len(self.long) < EXAMPLES:
            self.long.append((number, n))
        if n == self.width + 1:
            for i in sorted(c for c in self.number_cols if c < n - 1):
                a, b = values[i], values[i + 1]
                if isinstance(a, str) and isinstance(b, str) and _WHOLE.match(a) and _DECIMALS.match(b):
                    self.split_rows += 1
                    if self.split_example is None:
                        self.split_example = (number, i, a.strip(), b.strip())
                    break

    def _every_row(self, skip: set[int], least: int | None = None) -> int | None:
        """The one number of fields every row has (rows in `skip`, footers and totals,
        aside), when it is `least` or more (default: more than the header's); None when
        rows differ."""
        found = None
        for n, (count, numbers) in self.lengths.items():
            if count - sum(1 for k in numbers if k in skip) <= 0:
                continue
            if found is not None:
                return None
            found = n
        least = self.width + 1 if least is None else least
        return found if found is not None and found >= least else None

    def _padding(self, every: int, shown: str) -> dict | None:
        """The summary's line for the same empty fields at the end of every line, None
        when a row has a value there (an unnamed column, kept as one)."""
        if self.filled_past_named:
            return None
        extra = every - self.named
        fields = "the empty field" if extra == 1 else f"the {extra} empty fields"
        header = "every line, the header's too," if self.named < self.width else "every row"
        return {"what": "trailing separator", "decided": f"{fields} at the end of every line ignored",
                "evidence": f"{header} ends with {shown} after the {self.named} columns the header names "
                            "(as Excel and other programs write CSV): no value is shifted"}

    def check(self, file: str, delimiter: str | None, skip: set[int] = frozenset()) -> dict | None:
        """Raise ImportRefused when the long rows are values split by a separator; the
        summary's line (a dict: what, decided, evidence) when every row ends with the same
        empty fields past the header, None otherwise."""
        long = (self.long_count - sum(1 for n, _ in self.long if n in skip)
                + self.reaching - sum(1 for n, _ in self.reaching_rows if n in skip))
        sep = delimiter or ","
        shown = "tab" if sep == "\t" else f"'{sep}'"
        self._one_field_off(file, shown, skip)
        if long <= 0:
            if self.named < self.width and self._every_row(skip, self.width) is not None:
                return self._padding(self.width, shown)       # `a,b,c,` on the header line too
            return None
        if self.split_rows == self.long_count and self.split_example is not None:
            row, col, whole, decimals = self.split_example
            header = self.headers[col] if col < len(self.headers) else f"Column {column_letter(col)}"
            raise ImportRefused(
                f"{file}: {self.long_count} row(s) have one field more than the header, and in each a "
                f"number seems split by its decimal comma (row {row}: '{whole}' in '{header_text(header)}', "
                f"then '{decimals}'): the file separates its fields with {shown} and writes amounts with a "
                "decimal comma, so every value after it would be shifted and the amount stored wrong. "
                f"Nothing was imported. Put such amounts in double quotes (\"{whole},{decimals}\"), or save "
                "the file again with semicolons between the fields; if the extra field is a column of its "
                "own, give it a heading in the first line.")
        every = self._every_row(skip)
        if every is not None:           # an unnamed column every row carries is kept as "Column H"
            return self._padding(every, shown)
        if self.long_count * 2 > self.rows:
            return None                 # an unnamed column most rows fill: kept as a column
        usual = -max(((c, -n) for n, (c, _) in self.lengths.items()), default=(0, 0))[1]
        quotes = (f"A {shown} inside a value that is not in double quotes (\"Acme, Inc.\") splits it in two "
                  "and shifts every value after it into the wrong column, even where the field it adds at "
                  "the end is empty. Nothing was imported. Put such values in double quotes, or save the "
                  "file again from Excel")
        if usual > self.width:          # most lines end with a separator, not all
            longer = self._rows_of(lambda n: n > usual, skip)
            if longer[0]:
                raise ImportRefused(
                    f"{file}: {longer[0]} row(s) have more fields than the other rows' {usual} (the header "
                    f"has {self.width}; the others end with {shown}): {longer[1]}. {quotes}.")
            shorter = self._rows_of(lambda n: n < usual, skip)
            raise ImportRefused(
                f"{file}: most rows have {usual} fields, more than the header's {self.width}, and "
                f"{shorter[0]} row(s) have fewer: {shorter[1]}. The lines do not all end the same way, so "
                f"a row split in two cannot be told from one that ends with {shown}. {quotes}, or end "
                "every line the same way; if the extra fields are a column of their own, give it a "
                "heading in the first line.")
        listed = sorted(r for r in self.long + self.reaching_rows if r[0] not in skip)[:EXAMPLES]
        rows = ", ".join(f"row {n} ({k} fields)" for n, k in listed)
        more = f" and {long - len(listed)} more" if long > len(listed) else ""
        raise ImportRefused(
            f"{file}: {long} row(s) have more fields than the header's {self.width} and the header "
            f"has no column for them: {rows}{more}. {quotes}; if the extra fields are a column of "
            "their own, give it a heading in the first line.")

    def _one_field_off(self, file: str, shown: str, skip: set[int]) -> None:
        """Every row one field longer than the header with an empty field at one place
        (an id padded with a separator: "T1<tab><tab>2024-03-05"), or one field shorter
        than a header with an empty field at one place: raises split_fields.Reshape that
        drops that field (the file is read again), or ImportRefused when the empty field
        may be at more than one place. A trailing separator (the last place) is `_padding`'s."""
        from .split_fields import Reshape, drop_field
        every = self._every_row(skip, 1)
        if every is None or self.rows < 1:
            return
        if every == self.width + 1 and self.blank_at and self.width not in self.blank_at:
            places = sorted(self.blank_at)
            what = f"every row has one field more than the header ({every} fields, the header {self.width})"
            fix = None
            if len(places) == 1:
                fix = drop_field(self.width, places[0], "")
        elif every == self.width - 1 and self.named == self.width:
            places = [p for p in range(self.width - 1) if is_blank(self.headers[p])]
            if not places:
                return
            what = (f"every row has one field fewer than the header ({every} fields, the header {self.width}, "
                    "with an empty heading)")
            header_number = self.header_number

            def fix(number: int, values: list, at=places[0]) -> list:
                if number == header_number and len(values) == self.width and is_blank(values[at]):
                    return values[:at] + values[at + 1:]
                return values
            fix = fix if len(places) == 1 else None
        else:
            return

        def after(p: int) -> str:
            return (f"after column {p} '{header_text(self.headers[p - 1])}'" if 0 < p <= len(self.headers)
                    else "before the first column")
        if fix is None:
            raise ImportRefused(
                f"{file}: {what}, and the extra field is empty in every row at more than one place ("
                + ", ".join(after(p) for p in places[:EXAMPLES]) + "), so which values belong under which "
                "heading cannot be told. Nothing was imported. Save the file again with one field per heading "
                f"(no {shown} padding the values), or add a heading for the extra field.")
        raise Reshape(fix, {"what": "one field more than the header" if every > self.width
                            else "one heading more than the rows",
                            "decided": (f"the empty field {after(places[0])} dropped from every row"
                                        if every > self.width else
                                        f"the empty heading {after(places[0])} dropped"),
                            "evidence": f"{what}; the field there is empty in every row "
                                        f"(a {shown} padding the values), so every value is read under its heading"})

    def _rows_of(self, which, skip: set[int]) -> tuple[int, str]:
        """(how many, "row 3 (6 fields), row 9 (6 fields) and 2 more") of the rows whose
        number of fields passes `which`, rows in `skip` aside."""
        count = 0
        rows: list[tuple[int, int]] = []
        for n, (c, numbers) in self.lengths.items():
            if which(n):
                count += c - sum(1 for k in numbers if k in skip)
                rows += [(k, n) for k in numbers if k not in skip]
        rows = sorted(rows)[:EXAMPLES]
        more = f" and {count - len(rows)} more" if count > len(rows) else ""
        return count, ", ".join(f"row {k} ({n} fields)" for k, n in rows) + more


# ----- group headings and totals inside the table ---------------------------------------

# A total's label alone: the word, then nothing, a colon, a figure or a bracket
# ("Total: 1 customer", "Summe 3", "合计", "Итого (Север)"); words that only mean a
# subtotal may go on with anything ("Subtotal North", "Zwischensumme Süd").
_TOTAL_ALONE = re.compile(
    rf"^\s*(?:{_TOTAL})\s*(?:$|[:：=]|\d|[(（])"
    r"|^\s*(?:sub-?totals?|zwischensumme|teilsumme|sous-total|subtotale?|промежуточный\s+итог|"
    r"小计|小計|分计|共计|总计|總計)\b"
    r"|^\s*(?:grand\s+)?totals?\s+(?:for|of|für|de|du|des|pour|del|per|van|voor|för|dla)\s+\S",
    re.IGNORECASE)
# A group's heading: its word, then a colon or a short name ("Region North",
# "Gruppe: Süd", "Регион Север", "区域：华北", "地区 华东").
_GROUP_WORDS = (r"region|area|group|category|segment|section|territory|branch|department|division|"
                r"gruppe|bereich|kategorie|abteilung|gebiet|région|groupe|catégorie|secteur|"
                r"grupo|categoría|zona|sección|gruppo|categoria|settore|"
                r"группа|регион|категория|отдел|раздел|область|"
                r"区域|地区|大区|分组|组别|類別|类别|分类|分類|部门|部門|地域|グループ|エリア|지역|그룹")
_GROUP = re.compile(rf"^\s*(?:{_GROUP_WORDS})\s*(?:[:：]\s*\S.*|\s\S+(?:\s+\S+){{0,2}})\s*$",
                    re.IGNORECASE)


def label_row(values: list, first_col: int, width: int, phone_columns: frozenset[int] = frozenset()) -> str | None:
    """The label of a group heading or total row: only the table's first column filled
    (`first_col`, in a table of `width` > 1 columns), with text shaped like a total
    ("Total: 1 customer", "合计", "Итого: 3") or a group heading ("Region North",
    "Gruppe: Süd", "区域：华北"). None for any other row: a name alone is a record."""
    if width < 2 or first_col >= len(values):
        return None
    first = values[first_col]
    if type(first) is not str or len(first) > 100:
        return None
    for c, v in enumerate(values):          # most rows stop at their second cell
        if c != first_col and v is not None and v != "" and not is_blank(v):
            return None
    if is_blank(first):
        return None
    if holds_contact(values, is_blank, phone_columns):
        return None
    if _TOTAL_ALONE.match(first) or _GROUP.match(first):
        return first.strip()[:60]
    return None


# ----- subtotal rows that repeat the group's values ----------------------------------------

_TOTAL_CELL = re.compile(
    rf"^\s*(?:(?:grand\s+)?(?:{_TOTAL})|zwischensumme|teilsumme|sous-total|subtotale?|промежуточный\s+итог)"
    r"\s*[:：]?\s*$", re.IGNORECASE)
# Excel's Data > Subtotal writes the group's value and a total word in the column it
# groups by: "Ann Lee Total", "Nord Ergebnis", "华北 汇总", "Total Ann Lee".
_GROUP_TOTAL = re.compile(r"^\s*\S.{0,80}?\s*(?:total|ergebnis|summe|итог|汇总|匯總|合计|合計|小计|小計|計)\s*$"
                          r"|^\s*total\s+\S.{0,80}$", re.IGNORECASE)
_GROUP_TOTAL_LAST = frozenset("lLsSгГ总總计計")
_AMOUNT_TEXT = re.compile(r"[^\d.,\-−]")


def _readings(value: object) -> tuple[Decimal | None, Decimal | None]:
    """(value read with a decimal point, value read with a decimal comma); None where it
    does not read so. Numbers from a workbook read the same both ways."""
    if isinstance(value, bool):
        return None, None
    if isinstance(value, (int, float, Decimal)):
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return None, None
        return d, d
    if not isinstance(value, str) or len(value) > 40:
        return None, None
    text = _AMOUNT_TEXT.sub("", value).replace("−", "-")
    negative = text.startswith("-") or value.strip().startswith("(")
    text = text.lstrip("-")
    if not text or not any(ch.isdigit() for ch in text):
        return None, None
    out = []
    for point, group in ((".", ","), (",", ".")):
        t = text.replace(group, "")
        if t.count(point) > 1:
            out.append(None)
            continue
        try:
            d = Decimal(t.replace(point, "."))
        except InvalidOperation:
            out.append(None)
            continue
        out.append(-d if negative else d)
    return out[0], out[1]


SUBTOTAL_GROUP_MAX = 10_000     # rows a subtotal may sum: the amounts of as many are kept
# The first two letters of a total word, casefolded: a cell starting otherwise is no
# total's label, and most cells are passed over on this alone.
_TOTAL_WORDS = (
    "grand total", "subtotal", "sub-total", "total", "totales", "totaux", "totaal", "sum", "summe", "summa",
    "suma", "gesamt", "razem", "celkem", "yhteensä", "i alt", "итого", "всего", "합계", "총계", "合计", "合計",
    "总计", "總計", "小计", "小計", "共计", "zwischensumme", "teilsumme", "sous-total", "промежуточный итог")
_TOTAL_HEADS = frozenset(a + b for w in _TOTAL_WORDS for a in {w[0].lower(), w[0].upper()}
                         for b in {w[1].lower(), w[1].upper()})


# Excel's Data > Subtotal with another function than SUM writes its word after the group's
# value ("Acme Count", "Beta Anzahl", "华为 计数", "小米 平均值", "Grand Count", "Gesamtanzahl"):
# the word, per function, in the languages Excel writes it
_FUNCTION_WORDS: dict[str, tuple[str, ...]] = {
    "count": ("count", "count nums", "anzahl", "anzahl zahlen", "计数", "計數", "個数", "个数", "數目", "nombre",
              "cuenta", "contar", "conteggio", "contagem", "количество", "개수", "aantal", "liczba", "sayı"),
    "average": ("average", "mittelwert", "平均值", "平均値", "平均", "moyenne", "promedio", "media", "média",
                "среднее", "평균", "gemiddelde", "średnia", "ortalama"),
    "max": ("max", "maximum", "最大值", "最大値", "最大", "máx", "máximo", "massimo", "максимум", "최대", "maks"),
    "min": ("min", "minimum", "最小值", "最小値", "最小", "mín", "mínimo", "minimo", "минимум", "최소"),
}
_FUNCTION_OF = {w: fn for fn, words in _FUNCTION_WORDS.items() for w in words}
_FUNCTION_LABEL = re.compile(
    r"^\s*(?:(?P<group>\S.{0,80}?)\s*)?(?P<fn>" + "|".join(
        re.escape(w) for w in sorted(_FUNCTION_OF, key=len, reverse=True)) + r")\s*[:：]?\s*$", re.IGNORECASE)
_FUNCTION_LAST = frozenset(c for w in _FUNCTION_OF for c in (w[-1].lower(), w[-1].upper()))


def _function_of(label: str) -> str | None:
    """The function an Excel subtotal label names other than SUM ("Acme Count": count), else None."""
    m = _FUNCTION_LABEL.match(label)
    if m is None:
        return None
    word = m.group("fn")
    group = m.group("group") or ""
    if word.isascii() and group and group.casefold() not in ("gesamt", "grand") and group[-1:].isalnum() and group[-1:].isascii() and not label[
            len(label.rstrip()) - len(word) - 1:][:1].isspace():
        return None         # "Discount" is no count: a Latin word must stand apart
    return _FUNCTION_OF[word.casefold()] if word.casefold() in _FUNCTION_OF else _FUNCTION_OF.get(word)


@dataclass
class SubtotalRows:
    """Watches for subtotal rows: a cell of a text column (`label_cols`) that is only a
    total word ("Subtotal", "合计", "Summe") beside amounts equal, in every amount column (`money_cols`, at least one
    filled), to the sum of the rows since the previous such row (at most
    SUBTOTAL_GROUP_MAX rows: only their amounts are kept)."""

    money_cols: list[int]
    label_cols: list[int] = field(default_factory=list)   # the text columns a label may be in
    # other number columns (a quantity) a subtotal may sum or count beside the amounts
    summed_cols: list[int] = field(default_factory=list)
    found: list[tuple[int, str]] = field(default_factory=list)
    _prev: list = field(default_factory=list)     # the row before, as read
    _since: deque = field(default_factory=lambda: deque(maxlen=SUBTOTAL_GROUP_MAX))
    _rows_since: int = 0
    # every data row's amounts since the table began: a grand row ("Gesamtergebnis",
    # "Grand Count") sums or counts them all, past the groups' own subtotals
    _all: deque = field(default_factory=lambda: deque(maxlen=SUBTOTAL_GROUP_MAX))
    _rows_all: int = 0
    # a total row right under the header ("Total | 37.00 | USD"): (row, label, amounts, its
    # other filled cells), judged by the rows below it (`decide_top`); the values those
    # rows write in the columns of its other cells
    _top: tuple | None = None
    _top_seen: dict = field(default_factory=dict)
    # a first row labelled as a total whose amounts are not the sum of the rows below:
    # row -> label (read as data; a rejection says it looks like a total row)
    total_like: dict[int, str] = field(default_factory=dict)
    top_found: list[tuple[int, str]] = field(default_factory=list)     # such a row that is a total

    def add(self, number: int, values: list) -> bool:
        """True when the row is a subtotal (then its amounts are not kept)."""
        if not self.money_cols or not self.label_cols:
            return False
        n = len(values)
        if self._top is not None and self._top_seen:
            for i, got in self._top_seen.items():
                if len(got) < 3:
                    got.add(values[i] if i < n else None)
        amounts = tuple([values[c] if c < n else None for c in self.money_cols])
        label, fn = None, "sum"
        heads = _TOTAL_HEADS
        for c in self.label_cols:
            v = values[c] if c < n else None
            if type(v) is str and len(v) < 90 and (
                    (v[:2] in heads and (_TOTAL_CELL.match(v) or _GROUP_TOTAL.match(v)))
                    or (v[-1:] in _GROUP_TOTAL_LAST and _GROUP_TOTAL.match(v))):
                label = v
                break
            if type(v) is str and len(v) < 90 and v.rstrip(" :：")[-1:] in _FUNCTION_LAST \
                    and (found := _function_of(v)) is not None:
                label, fn = v, found
                break
        if (label is not None and fn == "sum" and not self._rows_all and self._top is None and not self.found
                and any(a is not None and not is_blank(a) for a in amounts)):
            # the first row is a total: it can only sum the rows below (decide_top)
            keep = set(self.money_cols) | set(self.summed_cols) | {c}
            others = {i: v for i, v in enumerate(values) if i not in keep and v is not None and not is_blank(v)}
            self._top = (number, label.strip()[:60], amounts, others)
            self._top_seen = {i: set() for i in others}
            self._prev = list(values)
            return False
        if label is not None and not self._leaves_empty(values, c, fn):
            label = None            # an order number, a date, an email of its own: a data row
        self._prev = list(values)
        if label is not None and any(a is not None and not is_blank(a) for a in amounts):
            if (0 < self._rows_since <= SUBTOTAL_GROUP_MAX and self._sums_match(amounts, self._since, fn)) \
                    or (0 < self._rows_all <= SUBTOTAL_GROUP_MAX and self._rows_all > self._rows_since
                        and self._sums_match(amounts, self._all, fn)):
                self.found.append((number, label.strip()[:60]))
                self._since.clear()
                self._rows_since = 0
                return True
            if self._rows_since > SUBTOTAL_GROUP_MAX:
                self._since.clear()             # a group too long to judge: start again here
                self._rows_since = 0
        self._since.append(amounts)
        self._rows_since += 1
        self._all.append(amounts)
        self._rows_all += 1
        return False

    def decide_top(self) -> None:
        """A total row right under the header is one (`top_found`, skipped as
        subtotal rows are) when its amounts equal the sum of all the rows below it and its
        other filled cells (a Currency) are what every row below writes there; otherwise
        it is kept as data and named in `total_like`."""
        if self._top is None:
            return
        number, label, amounts, others = self._top
        self._top = None
        if (0 < self._rows_all <= SUBTOTAL_GROUP_MAX and self._sums_match(amounts, self._all, "sum")
                and all(self._top_seen[i] == {v} for i, v in others.items())):
            self.top_found.append((number, label))
        else:
            self.total_like[number] = label

    def _leaves_empty(self, values: list, label_col: int, fn: str) -> bool:
        """Does the row leave empty what Excel's Data > Subtotal leaves empty: every cell
        but the label's and the summed or counted columns'? A row with its own order
        number, date or email ("S2, Max, 2024-03-02, 100": a customer called Max) is data.
        A SUM row ("Subtotal", "Ann Lee Total") may also repeat the group's values of the
        row above (a subtotal typed by hand beside the group's customer and date); a
        COUNT/AVERAGE/MAX/MIN word is also a name ("Max", "Count"), so its row must leave
        every other cell empty."""
        keep = set(self.money_cols) | set(self.summed_cols) | {label_col}
        prev = self._prev
        for i, v in enumerate(values):
            if i in keep or v is None or is_blank(v):
                continue
            if fn == "sum" and i < len(prev) and prev[i] == v:
                continue
            return False
        return True

    def _sums_match(self, amounts: tuple, rows=None, fn: str = "sum") -> bool:
        """Do the filled amounts equal the sums (or count, average, max, min: `fn`) of the
        rows kept, read with a decimal point or with a decimal comma?"""
        rows = self._since if rows is None else rows
        for way in (0, 1):
            ok = True
            for k, a in enumerate(amounts):
                if a is None or is_blank(a):
                    continue
                want = _readings(a)[way]
                if want is None:
                    ok = False
                    break
                seen: list[Decimal] = []
                for row in rows:
                    v = row[k]
                    if v is None or is_blank(v):
                        continue
                    r = _readings(v)[way]
                    if r is None:
                        ok = False
                        break
                    seen.append(r)
                if not ok or not seen:
                    ok = False
                    break
                if fn == "count":
                    got = Decimal(len(seen))
                elif fn == "max":
                    got = max(seen)
                elif fn == "min":
                    got = min(seen)
                elif fn == "average":
                    # shown rounded to the places the cell writes (166.67 for 166.666…)
                    places = max(0, -want.as_tuple().exponent) if isinstance(want.as_tuple().exponent, int) else 0
                    got = (sum(seen) / len(seen)).quantize(Decimal(1).scaleb(-places))
                else:
                    got = sum(seen, Decimal(0))
                if got != want:
                    ok = False
                    break
            if ok:
                return True
        return False


# ----- another table below ----------------------------------------------------------------

def header_row_kinds(values: list) -> tuple[int, str | None]:
    """(most known field names, the import kind naming them) when a row reads as a
    table's header: at least two filled cells, all text, distinct, none a value (an
    email address, a phone number); (0, None) otherwise."""
    from . import mapping as mp
    from ..domain.schema import ENTITIES

    cells = [v for v in values if not is_blank(v)]
    if len(cells) < 2 or not all(isinstance(v, str) and len(v) <= 100 for v in cells):
        return 0, None
    names = [header_text(v) for v in cells]
    if len({n.casefold() for n in names}) < len(names) or any(looks_like_value(n) for n in names):
        return 0, None
    best, kind = 0, None
    for k in mp.IMPORT_KINDS:
        n = mp.known_header_count(ENTITIES[mp.KINDS[k]], names)
        if n > best:
            best, kind = n, k
    return best, kind


PROFILE_ROWS = 500      # rows whose cells say what each column holds (StackedTables)
_EMAILISH = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBERISH = re.compile(r"^[-+(]?+[.,'’ ]*+\d[\d.,'’ ]*+\)?+%?+$")


def _row_key(values: list) -> tuple:
    return tuple(header_text(v).casefold() for v in values if not is_blank(v))


@dataclass
class StackedTables:
    """Finds where another table begins below this one (`start`, its header's row) and
    rows repeating this table's header (`repeats`)."""

    header_values: list
    start: int | None = None
    start_headers: list[str] = field(default_factory=list)
    start_kind: str | None = None
    repeats: list[int] = field(default_factory=list)
    _last: int | None = None
    _key: tuple = ()
    _first: str = ""
    # per column: [rows with a value, of them emails, of them numbers] in this table
    _kinds: dict = field(default_factory=dict)
    _profiled: int = 0

    def __post_init__(self) -> None:
        self._key = _row_key(self.header_values)
        first = next((v for v in self.header_values if not is_blank(v)), "")
        self._first = str(first).strip().casefold()

    def add(self, number: int, values: list) -> str | None:
        """"other" for a row of the table below (this one and every later row), "repeat"
        for a repeated header row, None for a row of this table."""
        if self.start is not None:
            return "other"
        gap = self._last is not None and number > self._last + 1
        self._last = number
        first = values[0] if values and type(values[0]) is str and values[0].strip() else \
            next((v for v in values if not is_blank(v)), None)
        if type(first) is not str:
            return None
        if (self._key and first.strip().casefold() == self._first
                and _row_key(values) == self._key):
            self.repeats.append(number)
            return "repeat"
        if not gap:
            self._profile(values)
            return None
        known, kind = header_row_kinds(values)
        if known >= 2 or (known == 1 and self._misfits(values) >= 1 and not any(
                isinstance(v, str) and _NUMBERISH.match(v.strip()) for v in values)):
            # (one known name is enough with a word where this table has only emails or
            # numbers, but not for a row of figures: "Grand Total, 2" is a footer)
            self.start = number
            self.start_headers = [header_text(v) for v in values if not is_blank(v)]
            self.start_kind = kind
            return "other"
        self._profile(values)
        return None

    def _profile(self, values: list) -> None:
        """Count the emails and numbers of the table's first PROFILE_ROWS rows per column
        (enough to tell a column of emails; every row would cost a second per 100,000)."""
        if self._profiled >= PROFILE_ROWS:
            return
        self._profiled += 1
        for c, v in enumerate(values):
            if is_blank(v):
                continue
            seen = self._kinds.setdefault(c, [0, 0, 0])
            seen[0] += 1
            if isinstance(v, str) and "@" in v and _EMAILISH.match(v.strip()):
                seen[1] += 1
            elif isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) or (
                    isinstance(v, str) and _NUMBERISH.match(v.strip())):
                seen[2] += 1

    def _misfits(self, values: list) -> int:
        """How many of a header-like row's words stand in a column this table fills with
        emails or numbers alone (at least two rows): "Price" under Email is no email."""
        out = 0
        for c, v in enumerate(values):
            seen = self._kinds.get(c)
            if is_blank(v) or not seen or seen[0] < 2 or not isinstance(v, str):
                continue
            word = v.strip()
            if (seen[1] == seen[0] and not _EMAILISH.match(word)) or (
                    seen[2] == seen[0] and not _NUMBERISH.match(word)):
                out += 1
        return out


# A page number as reports print it: "Page 2 of 5", "Seite 2 von 5", "Página 2", "第 2 页",
# "2 ページ", "2 페이지", "- 2 -", "2 / 5".
_PAGE_NUMBER = re.compile(
    r"(?:\b(?:page|pages|seite|página|pagina|pag\.|страница|стр\.|strona|str\.|sayfa|sivu|sida|side|oldal|"
    r"strana|trang|halaman|หน้า)\s*\d+(?:\s*(?:of|von|de|di|из|z|/|van|av|af|sur)\s*\d+)?"
    r"|第\s*\d+\s*[页頁]|\d+\s*ページ|\d+\s*페이지|^[\s\-–—]*\d+\s*(?:/|of)\s*\d+[\s\-–—]*$"
    r"|^\s*[-–—]\s*\d+\s*[-–—]\s*$)", re.IGNORECASE)
# The rest of a page number's line in East Asian reports ("第 2 页，共 3 页", "ページ 2 / 3",
# "페이지 2/3", "共 3 页") and a table's "(continued)" line: with `_PAGE_NUMBER`, what a line
# that is wholly a page's furniture is made of (`page_furniture`).
_PAGE_REST = re.compile(
    r"共\s*\d+\s*[页頁]|(?:ページ|페이지|頁|页)\s*\d+(?:\s*/\s*\d+)?"
    r"|第\s*[一二三四五六七八九十百〇零两]+\s*[页頁]|\bpg\.?\s*\d+|\bp\.\s*\d+|\bpage\s+[ivxlcdm]+\b"
    # a bare "continued" may be a name ("Continued", "Cont."): only in brackets or as a phrase
    r"|[(\[（【]\s*(?:continued|cont'd|cont\.?|fortsetzung|continuación|continuação|vervolg|продолжение|suite|"
    r"续|續|続き|계속)\s*[)\]）】]"
    r"|continued\s+(?:on|from)\s+(?:the\s+)?(?:next|previous|following|prior)\s+page|"
    r"fortsetzung\s+(?:auf|von)\s+(?:der\s+)?(?:nächsten|vorherigen|folgenden)\s+seite|"
    r"续表|續表|接上页|接上頁|次ページへ続く|次ページに続く|前ページより続く", re.IGNORECASE)
_LEFT_OVER = re.compile(r"[\W_]*")
# beside a page number, when the report was printed ("Printed 05.03.2024 14:02   Page 1 of 2")
_PRINTED = re.compile(r"(?:printed(?:\s+on)?|print date|gedruckt(?:\s+am)?|druckdatum|imprimé(?:\s+le)?|impreso|"
                      r"stampato|打印(?:时间|日期)?|印刷日?|출력일?)\s*[:：]?|[\d.:/\-年月日]+", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def page_furniture(text: str) -> bool:
    """Whether a one-cell line is wholly a page number or a "(continued)" mark ("Page 2 of 3",
    "- 2 -", "Seite 2 von 3", "第 2 页，共 3 页", "ページ 2 / 3", "2 페이지", "(continued)"):
    nothing a record could be is left once those are taken out (letters or digits)."""
    if len(text) > 60:
        return False
    if _PAGE_NUMBER.search(text) is None and _PAGE_REST.search(text) is None:
        return False
    rest = _PAGE_REST.sub(" ", _PAGE_NUMBER.sub(" ", text))
    if _LEFT_OVER.fullmatch(rest) is not None:
        return True
    # a page number beside the date it was printed on
    return _PAGE_NUMBER.search(text) is not None and _LEFT_OVER.fullmatch(_PRINTED.sub(" ", rest)) is not None


def _folded(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()).casefold())


@dataclass
class PageLines:
    """Lines a printed report puts with its header on every page: a title above the
    repeated header row ("Customer Directory - ACME Corp", "客户名录 第2页") and a page
    footer below the page's last record ("Printed 05.03.2024   Page 1 of 2").

    A candidate fills one cell with text and stands right before a repeated header row
    (up to PAGE_LINES_MAX of them, blank rows between left out). It is a page line when
    its text says so (a page number: `_PAGE_NUMBER`) or when it is printed on several
    pages (the same text, page numbers aside, before two repeated headers or above the
    table's first header: `above`). Otherwise it may as well be a record (a name alone):
    it is kept, and named in the summary (`kept`) — a record is never dropped for its
    place alone.

    A one-cell line that is wholly a page number or a "(continued)" mark (`page_furniture`:
    "Page 2 of 3", "- 2 -", "第 2 页，共 3 页") is a page line wherever it stands, a repeated
    header after it or not: a page break in the middle of a table printed once (try24f A2)."""

    above: frozenset[str] = frozenset()          # one-cell lines above the header, `_folded`
    found: list[tuple[int, str]] = field(default_factory=list)
    _run: list[tuple[int, str]] = field(default_factory=list)
    alone: list[tuple[int, str]] = field(default_factory=list)   # page furniture, no header after

    def add(self, number: int, values: list) -> None:
        """A row of the table (not a repeated header)."""
        cell = None
        for v in values:
            if v is None or v == "" or is_blank(v):
                continue
            if cell is not None:            # a second filled cell: a record
                self._run.clear()
                return
            cell = v
        if type(cell) is not str:
            self._run.clear()
            return
        self._run.append((number, cell.strip()[:60]))
        if page_furniture(cell.strip()):
            self.alone.append((number, cell.strip()[:60]))

    def repeat(self) -> None:
        """A repeated header row comes next: the one-cell lines right before it are the
        page's (when there are few enough of them)."""
        if len(self._run) <= PAGE_LINES_MAX:
            self.found += self._run
        self._run = []

    def decide(self, skipped: set[int]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """(the page lines, the candidates kept as records) — neither holding rows in
        `skipped` (footers, group headings already found)."""
        taken = {n for n, _ in self.found}
        found = sorted([(n, t) for n, t in self.found if n not in skipped]
                       + [(n, t) for n, t in self.alone if n not in skipped and n not in taken])
        seen: dict[str, int] = {}
        for _, t in found:
            seen[_folded(t)] = seen.get(_folded(t), 0) + 1
        pages, kept = [], []
        for n, t in found:
            printed = (_PAGE_NUMBER.search(t) or seen[_folded(t)] >= 2 or _folded(t) in self.above
                       or page_furniture(t))
            (pages if printed else kept).append((n, t))
        return pages, kept


def one_cell_lines(rows: list[tuple[int, list]]) -> frozenset[str]:
    """The texts (`_folded`) of the rows filling one cell with text: the title lines above a
    table's header, for PageLines."""
    out = set()
    for _n, values in rows:
        cells = [v for v in values if not is_blank(v)]
        if len(cells) == 1 and isinstance(cells[0], str):
            out.add(_folded(cells[0].strip()[:60]))
    return frozenset(out)


PAGE_LINES_MAX = 3      # one-cell lines before a repeated header that can be a page's title and footer


# ----- a table turned round ---------------------------------------------------------------

def transposed(window: list[tuple[int, list]], header_index: int, known) -> tuple[str, list[str], int] | None:
    """(column letter, its field names, known names in the header row) when the table's
    first column names known fields and its header row does not: each record is a
    column. `known(headers)` counts the names a kind's mapping knows. None otherwise."""
    number, head = window[header_index]
    col = next((c for c, v in enumerate(head) if not is_blank(v)), None)
    if col is None:
        return None
    below = [values for n, values in window[header_index:] if col < len(values)]
    firsts = [v for v in (values[col] for values in below) if not is_blank(v)]
    if len(firsts) < 2 or not all(isinstance(v, str) for v in firsts):
        return None
    names = [header_text(v) for v in firsts]
    if len({n.casefold() for n in names}) < len(names):
        return None
    in_column = known(names)
    in_row = known([header_text(v) for v in head if not is_blank(v)])
    if in_column >= 2 and in_column > in_row and in_row <= 1:
        return column_letter(col), names, in_row
    return None
