"""Evidence from whole columns, gathered in the importer's first pass.

`NumberEvidence` decides a number column's decimal mark: "1.234,56" and "99,90" can
only be decimal-comma, "1,234.56" and "12.50" only decimal-point, while "1.234" and
"2,500" (one separator, three digits after it) could be either, unless the value
names a currency with no minor unit ("₩5,000", "12.000円": thousands). A column decides
by its own unambiguous values; a column of only ambiguous values takes the mark
written where the currency every one of them names is legal tender ("1.250 TL":
Türkiye writes a decimal comma; `money.decimal_mark_at_home`) — named in the value or,
for an amount that names none ("15.000"), in its row's Currency column (IDR: no minor
unit, so thousands) — else the mark of the
file's other number columns (the two disagreeing stops); otherwise the import stops and asks for
`--decimal comma|point`. The file's delimiter is not evidence: a comma-separated file
quotes its fields, so "1.200" and "1,200" both occur in it (issue 14, kind 3). A column showing both marks reads each value by its
own mark when every value is unambiguous, and stops when some value is not.
An amount in a currency without minor unit (JPY, KRW, VND: ISO 4217 exponent 0) named
in the value or its row is read per value whatever the column's mark ("1.200" in a JPY
row is 1200: money.whole_currency_reading); a column whose mark makes the same form a
decimal in other rows ("1.500" in a USD row beside "12.50") stops and asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from babel.numbers import get_currency_precision

from ..domain.money import (word_mark, not_one_amount, bare_symbol, check_currency, dash_cents, decimal_mark_at_home, has_minor_unit,
                            minor_units, named_currency, east_asian_mark)
from ..domain.normalize import SHARE_SIGNS
from .errors import AmbiguousNumbers

_NUMBER = re.compile(r"\d(?:[\d.,' \u00a0\u202f]*\d)?")    # after money.dash_cents
EXAMPLES = 3
COMMA, POINT = ",", "."
WORDS = {COMMA: "comma", POINT: "point"}
OPTION = {"comma": COMMA, "point": POINT}


def mark_of(text: str) -> str | None:
    """"," or "." when the text can only be read with that decimal mark, "?" when it could
    be either (one separator, one to three digits before it and three after it), None when
    it has no separator. A thousands separator follows at most three digits, so
    "1234.500" can only be a decimal point."""
    if "," not in text and "." not in text:
        return None
    match = _NUMBER.search(dash_cents(text))
    if match is None:
        return None
    core = match.group()
    dots, commas = core.count("."), core.count(",")
    if dots and commas:
        return COMMA if core.rfind(",") > core.rfind(".") else POINT
    if commas > 1:
        return POINT
    if dots > 1:
        return COMMA
    if not dots and not commas:
        return None
    sep = "," if commas else "."
    head, tail = core.split(sep)
    head = head.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", "")
    if len(tail) == 3 and head[:1] not in ("", "0") and len(head) <= 3:
        return "?"
    return sep


def _grouping_by_currency(text: str) -> str | None:
    """The decimal mark of an amount like "₩5,000" or "12.000円": its currency (named
    without doubt, CLDR via `money.named_currency`) has no minor unit (KRW, JPY, ISK:
    babel's currency precision 0), so its one separator groups thousands and the decimal
    mark is the other one. None when the text names no such currency."""
    code = named_currency(text)
    if code is None or _precision(code) != 0:
        return None
    return POINT if "," in text else COMMA


@lru_cache(maxsize=None)
def _precision(code: str) -> int:
    return get_currency_precision(code)


@lru_cache(maxsize=256)
def _currency_cell(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return check_currency(value)
    except ValueError:
        return None


def _mark_for_code(text: str, code: str) -> str | None:
    """The decimal mark of an amount like "15.000" known to be in `code`: the other
    separator when `code` has no minor unit (IDR, VND, COP: babel precision 0), else
    the mark written where it is legal tender (`money.decimal_mark_at_home`; None
    where places disagree: EUR, USD, CHF)."""
    if _precision(code) == 0:
        return POINT if "," in text else COMMA
    return decimal_mark_at_home(code)


@lru_cache(maxsize=1)
def _money_fields() -> frozenset[str]:
    """Field keys that hold money (amounts, prices)."""
    from ..domain.schema import ENTITIES

    keys = {f.key for ent in ENTITIES.values() for f in ent.fields if f.kind == "money"}
    return frozenset(keys | {f"customer_{k}" for k in keys})


@lru_cache(maxsize=1)
def _whole_fields() -> frozenset[str]:
    """Field keys that hold whole numbers (quantity, line, probability)."""
    from ..domain.schema import ENTITIES

    keys = {f.key for ent in ENTITIES.values() for f in ent.fields if f.kind == "int"}
    return frozenset(keys | {f"customer_{k}" for k in keys})


# Fields that hold percent points (Probability: 40 is 40 %), which some systems write as
# a fraction of 1 (0.4).
SHARE_POINT_FIELDS = frozenset({"probability"})
# ... and every field written as a share of 1 or as points: a Discount (stored as a share
# of the price, 0.15) whose column writes "0.50" beside "10.00" reads both ways.
SHARE_FIELDS = SHARE_POINT_FIELDS | {"discount"}
_FRACTION = re.compile(r"^\s*0?[.,]\d{1,6}\s*$")
_ZERO_OR_ONE = re.compile(r"^\s*[01](?:[.,]0+)?\s*$")
_PLAIN_NUMBER = re.compile(r"^\s*[+-]?\d[\d.,]*\s*$")


def float_text(value: float | int) -> str:
    return format(value, ".15g") if isinstance(value, float) else str(value)


@dataclass
class NumberEvidence:
    """The values of one number column, as evidence for its decimal mark.

    A whole-number column (Quantity) has one more piece of evidence: "2.500" cannot be
    2.5 items, so its separator groups thousands (`whole_seps`)."""

    column: str
    target: str
    seen: dict[str, list[str]] = field(default_factory=lambda: {COMMA: [], POINT: [], "?": []})
    counts: dict[str, int] = field(default_factory=lambda: {COMMA: 0, POINT: 0, "?": 0})
    # a value of `seen` rewritten before it was read ("1.2千" for "1.2k": importer.amount_notes)
    # -> the cell as the file wrote it, which the evidence quotes
    written: dict[str, str] = field(default_factory=dict)
    # separators of the "?" values of a whole-number column: all of them, and those of
    # values that would have a fraction if the separator were the decimal mark
    whole_seps: set[str] = field(default_factory=set)
    fraction_seps: set[str] = field(default_factory=set)
    shares: dict[str, int] = field(default_factory=lambda: {"fraction": 0, "points": 0})
    share_examples: list[str] = field(default_factory=list)
    # a Discount column's forms, a share of 1 or money off? (importer.discount_reading)
    discount: object = None
    # "?" values naming no currency of their own: their separators, and the currencies a
    # bare symbol among them may be ("¥": CNY, JPY), for a --currency without minor unit
    q_seps: set[str] = field(default_factory=set)
    q_symbols: set[tuple[str, ...]] = field(default_factory=set)
    q_symbol_texts: set[str] = field(default_factory=set)     # those symbols as written ("¥")
    q_named = False                     # some "?" value names its currency plainly
    q_plain = False                     # some "?" value names no currency, not even a shared symbol
    # the decimal marks written where the currencies the "?" values name are at home
    # ("1.250 TL": "," as Türkiye writes; None for a value naming none, or a currency
    # whose places disagree), and those currencies
    home_marks: set = field(default_factory=set)
    home_codes: set = field(default_factory=set)
    # an amount column's row Currency column (its index), and the currencies it gave to
    # "?" values that name none of their own ("15.000" in a row whose Currency is IDR)
    currency_column: int | None = None
    row_codes: set = field(default_factory=set)
    # "?" values by their separator: those in a currency without minor unit ("1.200" in a
    # JPY row: thousands, whatever the column's mark; money.whole_currency_reading), and
    # those in another currency or none, read by the column's mark ("1.500" in a USD row):
    # separator -> (first such value, its currency)
    whole_forms: dict = field(default_factory=dict)
    open_forms: dict = field(default_factory=dict)
    # a currency of three decimals (KWD, BHD, OMR, JOD, TND): its "?" values ("1.250", 1.25
    # or 1250) -> (first such value, how many), and the marks its own rows' unambiguous
    # values write ("12.5 KWD"): only those decide how its "?" values read
    three_forms: dict = field(default_factory=dict)
    three_marks: dict = field(default_factory=dict)
    # "?" values in a currency with fewer than 3 minor units ("3.000" in a USD row),
    # named in the value or its row: separator -> [(value, currency)] (a few); read as decimals they would
    # have three places their currency has not (decide_marks stops on them)
    short_forms: dict = field(default_factory=dict)
    # some value writes the Japanese minus ("▲1,200", "△3,400"): written as Japanese
    # numbers are, with a decimal point (CLDR)
    triangle: str | None = None
    long_places = False     # an unambiguous value has three decimal places or more ("1234.565")

    def add(self, value: object, row: list | None = None, shown: str | None = None) -> None:
        """`shown`: the cell as the file wrote it, when `value` is its rewritten form
        ("1.2k" read as "1.2千": importer.amount_notes); the evidence quotes the file."""
        if self.target in SHARE_FIELDS:
            self._share(value)
            if self.discount is not None:
                self.discount.add(value)
        if type(value) is not str:
            return
        if isinstance(shown, str) and shown.strip() != value.strip() and len(self.written) < 100:
            self.written[value.strip()[:30]] = shown.strip()[:30]
        mark = mark_of(value)
        if mark is None:
            return
        if mark == "?" and not_one_amount(value):
            return      # "10,000-15,000", "~5.000": a range or an estimate, refused as such (domain.money)
        # a value naming a 3-decimal currency itself ("KWD 1.250", "1.250 KD") counts as one
        # whose row's Currency names it, with or without a Currency column
        self._three_decimals(value, mark, row)
        if self.triangle is None and value.lstrip()[:1] in ("\u25b2", "\u25b3"):
            self.triangle = value.strip()[:30]
        if mark == "?":
            self._form(value, row)
            mark = _grouping_by_currency(value) or mark
            if mark == "?":
                self._unnamed(value, self._row_currency(row))
            if mark == "?" and self.target in _whole_fields():
                core = _NUMBER.search(dash_cents(value)).group()
                sep = COMMA if COMMA in core else POINT
                self.whole_seps.add(sep)
                if not core.endswith("000"):
                    self.fraction_seps.add(sep)
        if mark in (COMMA, POINT) and not self.long_places:
            core = _NUMBER.search(dash_cents(value))
            if core is not None and mark in core.group() and len(core.group().rsplit(mark, 1)[1]) >= 3:
                self.long_places = True     # "1234.565": the column writes three places and more
        self.counts[mark] += 1
        if len(self.seen[mark]) < EXAMPLES:
            self.seen[mark].append(value.strip()[:30])

    def _form(self, value: str, row: list | None, code: str | None = None) -> None:
        """Remember a "?" value's separator as thousands (its currency has no minor unit)
        or as read by the column's mark. A value writing a sign several currencies share
        ("¥1.500") without a code of its row is neither: its currency is settled later."""
        if code is None:
            code = named_currency(value)
            if code is None:
                if bare_symbol(value) is not None:
                    return
                code = self._row_currency(row)
        core = _NUMBER.search(dash_cents(value))
        if core is None:
            return
        sep = COMMA if COMMA in core.group() else POINT
        forms = self.open_forms if has_minor_unit(code) else self.whole_forms
        forms.setdefault(sep, (value.strip()[:30], code))
        if (code and has_minor_unit(code) and minor_units(code) < 3
                and len(short := self.short_forms.setdefault(sep, [])) < EXAMPLES):
            short.append((value.strip()[:30], code))

    def _three_decimals(self, value: str, mark: str, row: list | None) -> None:
        """Remember a value of a row whose currency has three decimals (its own code, else
        its row's Currency): a "?" value as a form to settle, an unambiguous one's mark as
        that currency's own evidence."""
        code = named_currency(value) or (self._row_currency(row) if bare_symbol(value) is None else None)
        if code is None or minor_units(code) != 3:
            return
        if mark == "?":
            first, count = self.three_forms.get(code, (value.strip()[:30], 0))
            self.three_forms[code] = (first, count + 1)
        else:
            self.three_marks.setdefault(code, set()).add(mark)

    def _row_currency(self, row: list | None) -> str | None:
        """The ISO code the row's Currency cell names ("IDR", "VNĐ", "₫"), else None."""
        if row is None or self.currency_column is None or self.currency_column >= len(row):
            return None
        return _currency_cell(row[self.currency_column])

    def _unnamed(self, value: str, row_code: str | None = None) -> None:
        code = named_currency(value)
        if code is None and row_code is not None and bare_symbol(value) is None:
            # "15.000" whose row's Currency is IDR: a currency without minor unit groups
            # thousands with its one separator; another takes the mark of its home
            self.row_codes.add(row_code)
            self.home_marks.add(_mark_for_code(value, row_code))
            self.q_named = True
            self.home_codes.add(row_code)
            return
        # "1,200元", "1,200卢布": a currency written as a Chinese (Japanese, Korean) word is
        # written with those languages' numbers (money.word_mark), wherever it is legal tender
        self.home_marks.add(word_mark(value) or (decimal_mark_at_home(code) if code else None))
        if code is not None:
            self.q_named = True
            self.home_codes.add(code)
            return
        core = _NUMBER.search(dash_cents(value))
        if core is not None:
            self.q_seps.add(COMMA if COMMA in core.group() else POINT)
        if (bare := bare_symbol(value)) is not None:
            self.q_symbols.add(tuple(bare[1]))
            self.q_symbol_texts.add(bare[0])
        else:
            self.q_plain = True

    def add_in(self, value: object, code: str) -> None:
        """add() for an amount its row says is in `code` ("¥1,200" in a row whose
        Country is Japan: importer.row_currency): one that reads two ways takes the mark
        `code` is written with, as a value naming it does: the other separator when it
        has no minor unit (JPY), else the mark of its home (money.decimal_mark_at_home)."""
        if type(value) is not str or self.target in SHARE_POINT_FIELDS or mark_of(value) != "?":
            self.add(value)
            return
        self._form(value, None, code)
        self.home_marks.add((POINT if COMMA in value else COMMA) if _precision(code) == 0
                            else word_mark(value) or decimal_mark_at_home(code))
        self.home_codes.add(code)
        self.q_named = True
        self.counts["?"] += 1
        if len(self.seen["?"]) < EXAMPLES:
            self.seen["?"].append(value.strip()[:30])

    def given_currency_mark(self, code: str) -> str | None:
        """The decimal mark where ``code`` is at home (money.decimal_mark_at_home) when
        every ambiguous value writes a symbol or word that may stand for it, as --currency
        says it does ("1.500 руб." with --currency RUB: Russia writes a decimal comma).
        None when some such value is a bare number or names a currency of its own."""
        if self.q_named or self.q_plain or not self.q_symbols or any(code not in c for c in self.q_symbols):
            return None
        return decimal_mark_at_home(code)

    def whole_currency_mark(self, code: str) -> str | None:
        """The decimal mark when every ambiguous value is an amount in ``code``, a
        currency with no minor unit (JPY, KRW, VND, IDR, CLP: babel precision 0): its one
        separator groups thousands ("¥1,500" is 1500 yen), so the mark is the other."""
        if (self.q_named or len(self.q_seps) != 1 or _precision(code) != 0
                or any(code not in codes for codes in self.q_symbols)):
            return None
        return POINT if self.q_seps == {COMMA} else COMMA

    def settled_symbol_mark(self, settled: dict[tuple[str, ...], str]) -> tuple[str, str] | None:
        """(decimal mark, currency) when every ambiguous value writes a shared symbol
        that the file's own evidence settles to one currency (`settled`: the symbol's
        candidates -> the currency; "¥" in a file written in Japanese is JPY,
        importer.file_language): a currency with no minor unit (babel precision 0)
        groups thousands with its one separator ("¥1,200" is 1200 yen); another takes
        the mark of its home (money.decimal_mark_at_home). None otherwise (a bare number
        or a value naming its own currency among them)."""
        if self.q_named or self.q_plain or not self.q_symbols:
            return None
        codes = {settled.get(c) for c in self.q_symbols}
        if len(codes) != 1 or None in codes:
            return None
        code = codes.pop()
        if _precision(code) == 0:
            if len(self.q_seps) != 1:
                return None
            return (POINT if self.q_seps == {COMMA} else COMMA), code
        mark = decimal_mark_at_home(code)
        return (mark, code) if mark else None

    def _share(self, value: object) -> None:
        """A percent-points field (Probability) written as a fraction of 1 ("0,4",
        0.75 in a cell, as HubSpot exports it) or as points ("40")."""
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return
        text = value if type(value) is str else float_text(value)
        if _FRACTION.match(text):
            self.shares["fraction"] += 1
            if len(self.share_examples) < EXAMPLES:
                self.share_examples.append(text.strip()[:30])
        elif (not _ZERO_OR_ONE.match(text) and _PLAIN_NUMBER.match(text)) or (
                self.target in SHARE_POINT_FIELDS and any(sign in text for sign in SHARE_SIGNS)):
            # "40", or "25 %": with signs beside them, bare "0,4" may mean 0.4 %. (A
            # Discount's "15%" is a share of the price written with its sign: beside it,
            # "0.2" is the share the store keeps, 20 %.)
            self.shares["points"] += 1

    @property
    def fractions(self) -> bool:
        """Whether the column writes its percentages as fractions of 1: some value
        between 0 and 1 with digits after the mark, and no plain number above 1."""
        return bool(self.shares["fraction"]) and not self.shares["points"]

    @property
    def own(self) -> str | None:
        if self.counts[COMMA] and self.counts[POINT]:
            return "both"
        if self.counts[COMMA]:
            return COMMA
        if self.counts[POINT]:
            return POINT
        return None

    def as_written(self, value: str) -> str:
        """`value` as the file wrote it (`written`)."""
        return self.written.get(value.strip()[:30], value)

    def examples(self, mark: str) -> str:
        return ", ".join(f"'{self.written.get(v, v)}'" for v in self.seen[mark])


def decide_marks(columns: list[NumberEvidence], *, given: str | None, delimiter: str | None = None,
                 whole_currency: tuple[str, frozenset[str]] | None = None,
                 settled: tuple[dict[tuple[str, ...], str], str] | None = None,
                 whole_source: str | None = None) -> tuple[dict[str, str], list[dict]]:
    """({field: mark}, inferences) for the number columns; AmbiguousNumbers when a
    column cannot be decided or shows both marks (and no mark was given).

    Evidence, strongest first: `given` (--decimal), the column's own unambiguous values,
    the currency its values name, the file's other number columns (amounts, quantities,
    discounts, probabilities: any number field) when they all agree, and last, for a
    whole-number column (Quantity) no other column decides, that "2.500" cannot be 2.5
    items. A column of "1,000", "1,500" quantities in a file whose amounts write
    "1.234,50" takes the file's decimal comma (SAP writes quantities with three
    decimals): 1 and 1.5, the latter then not a whole number. Columns that decide
    differently leave such a column undecided: the import stops. `delimiter` is accepted from the
    reader but is not evidence (see the module docstring). `whole_currency`: (code,
    money fields) when --currency names a currency with no minor unit and the file names
    no other: the ambiguous amounts of those fields group thousands with their separator,
    and amounts written with a symbol or word that may stand for it ("1.500 руб." with
    --currency RUB) take the decimal mark of its home (money.decimal_mark_at_home), as
    values naming their currency plainly do ("1.250 TL"). `settled`: (a shared symbol's
    candidates -> the currency the file's own evidence settles it to, the words for
    that evidence): a column whose ambiguous values all write such a symbol takes that
    currency's mark (NumberEvidence.settled_symbol_mark). `whole_source`: the words for where
    `whole_currency`'s currency comes from when not --currency (the store's currency)."""
    marks: dict[str, str] = {}
    inferences: list[dict] = []
    if given:
        mark = OPTION[given]
        for ev in columns:
            marks[ev.target] = mark
            if ev.own is not None or ev.counts["?"]:
                inferences.append({"what": f"decimal mark in '{ev.column}'",
                                   "decided": WORDS[mark], "evidence": f"--decimal {given}"})
        return marks, inferences
    conflicts: dict[str, str] = {}
    undecided: dict[str, str] = {}
    reasons: dict[str, str] = {}               # why an undecided column is, when not "nothing says"
    deciders = [ev for ev in columns if ev.own in (COMMA, POINT)]
    decided_by_values = {ev.own for ev in deciders}
    readings = {ev.column: ev.seen["?"][0] for ev in columns if ev.seen["?"]}
    for ev in columns:
        own = ev.own
        if own == "both" and not ev.counts["?"]:
            # Every value says its own mark ("£99.00" beside "7,50 €"): each is read by it.
            inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": "per value",
                               "evidence": f"both marks, every value unambiguous: {ev.examples(COMMA)}, "
                                           f"{ev.examples(POINT)}"})
            continue
        if own == "both":
            conflicts[ev.column] = (f"{ev.examples(COMMA)} have a decimal comma but "
                                    f"{ev.examples(POINT)} a decimal point, so {ev.examples('?')} "
                                    "could be either")
            continue
        if own is not None:
            marks[ev.target] = own
            inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": WORDS[own],
                               "evidence": f"{ev.counts[own]} value(s) such as {ev.examples(own)}"})
            continue
        if not ev.counts["?"]:
            continue                           # whole numbers only: nothing to decide
        if whole_currency and ev.target in whole_currency[1]:
            code = whole_currency[0]
            if mark := ev.whole_currency_mark(code):
                why = f"{code} has no minor unit, so in {ev.examples('?')} the separator groups thousands"
            elif mark := ev.given_currency_mark(code):
                why = (f"{ev.examples('?')} are {code}, written with a decimal {WORDS[mark]} where it is "
                       "legal tender (CLDR)")
            if mark:
                marks[ev.target] = mark
                inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": WORDS[mark],
                                   "evidence": f"{whole_source or '--currency ' + code}: {why}"})
                continue
        if settled and (found := ev.settled_symbol_mark(settled[0])):
            mark, code = found
            why = ("has no minor unit, so the separator groups thousands" if _precision(code) == 0
                   else f"is written with a decimal {WORDS[mark]} where it is legal tender (CLDR)")
            marks[ev.target] = mark
            inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": WORDS[mark],
                               "evidence": f"{ev.examples('?')} are {code} ({settled[1]}), which {why}"})
            continue
        home = next(iter(ev.home_marks)) if len(ev.home_marks) == 1 else None
        japanese = east_asian_mark()
        if (home is None and ev.triangle and japanese and ev.home_marks <= {None, japanese}
                and not (decided_by_values - {japanese})):
            # "▲1,200" beside "5,600": the Japanese minus says the column is written as
            # Japanese numbers are, whose mark is a point: 1,200 is twelve hundred
            marks[ev.target] = japanese
            inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": WORDS[japanese],
                               "evidence": f"'{ev.triangle}' writes the Japanese minus (▲/△), and Japanese numbers "
                                           f"have a decimal {WORDS[japanese]} (CLDR); values such as "
                                           f"{ev.examples('?')}"})
            continue
        if home is not None and decided_by_values - {home}:
            undecided[ev.column] = ev.examples("?")      # the currency and the other columns disagree
            continue
        if home is None and len(decided_by_values) > 1:
            # the file's columns decide differently: nothing tells which this one follows
            undecided[ev.column] = ev.examples("?")
            reasons[ev.column] = "the file's other number columns disagree (" + _columns_said(deciders) + ")"
            continue
        if home is None and not decided_by_values and ev.fraction_seps and len(ev.whole_seps) == 1:
            # A whole-number column no other column decides: "2.500" as a decimal would be
            # 2.5 items, so "." groups.
            grouping = next(iter(ev.whole_seps))
            mark = COMMA if grouping == POINT else POINT
            marks[ev.target] = mark
            inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": WORDS[mark],
                               "evidence": f"whole numbers: with a decimal {WORDS[grouping]} some of "
                                           f"{ev.examples('?')} would be fractions, and no other number "
                                           "column of the file shows a decimal mark"})
            continue
        if home is not None:
            # "1.250 TL": every ambiguous value names a currency whose home writes one mark
            mark = home
            codes = ", ".join(sorted(ev.home_codes))
            named = f"every such value names {codes}" if not ev.row_codes else (
                f"every such value is in {codes} (named in the value or in its row's Currency)")
            whole = [c for c in sorted(ev.home_codes) if _precision(c) == 0]
            why = (f"{named}, which has no minor unit, so the separator groups thousands" if whole == sorted(ev.home_codes)
                   else f"{named}, written with a decimal {WORDS[home]} where it is legal tender (CLDR)")
        elif len(decided_by_values) == 1:
            mark = next(iter(decided_by_values))
            why = f"the file's other number columns write a decimal {WORDS[mark]} ({_columns_said(deciders)})"
        else:
            undecided[ev.column] = ev.examples("?")
            continue
        marks[ev.target] = mark
        inferences.append({"what": f"decimal mark in '{ev.column}'", "decided": WORDS[mark],
                           "evidence": f"{why}; values such as {ev.examples('?')}"})
    for ev in columns:
        # "1.200" in a JPY row groups thousands (money.whole_currency_reading) while the
        # column's mark makes "1.500" in a USD row 1.5: the same form read two ways stops
        mark = marks.get(ev.target)
        if mark is None or mark not in ev.whole_forms or mark not in ev.open_forms or ev.column in undecided:
            continue
        (whole, code), (other, other_code) = ev.whole_forms[mark], ev.open_forms[mark]
        whole_shown, other_shown = ev.as_written(whole), ev.as_written(other)
        del marks[ev.target]
        inferences[:] = [i for i in inferences if i["what"] != f"decimal mark in '{ev.column}'"]
        undecided[ev.column] = f"'{other_shown}'" + (f" ({other_code})" if other_code else "")
        readings[ev.column] = other
        reasons[ev.column] = (f"the column reads that form both ways: in '{whole_shown}' ({code}, which has no minor "
                              f"unit) the '{mark}' groups thousands, while its other values make it a decimal "
                              f"{WORDS[mark]}")
    places_only: set[str] = set()
    say = None
    for ev in columns:
        # "1.250" in a KWD row (three decimals: 1.25 or 1250) is read by a mark the column's
        # rows in other currencies decided ("2,5" EUR): that is no evidence for KWD, whose
        # home writes a decimal point; only KWD's own rows say it is written otherwise here
        mark = marks.get(ev.target)
        if mark is None or not ev.three_forms or ev.column in undecided:
            continue
        home = next(iter(ev.home_marks)) if len(ev.home_marks) == 1 else None
        if ev.own is None and home == mark:
            continue                    # decided by the currencies the values are in
        # settled: by its own rows writing that mark, or where it is at home writing it too
        # (USD's "2.5" beside "1.250" OMR: both say 1.25); open where they disagree
        open_codes = [(code, first, count) for code, (first, count) in sorted(ev.three_forms.items())
                      if ev.three_marks.get(code) != {mark} and decimal_mark_at_home(code) != mark]
        if not open_codes:
            continue
        del marks[ev.target]
        inferences[:] = [i for i in inferences if i["what"] != f"decimal mark in '{ev.column}'"]
        undecided[ev.column] = ", ".join(f"'{ev.as_written(first)}' ({code})" for code, first, _ in open_codes[:4])
        readings[ev.column] = open_codes[0][1]
        codes = ", ".join(code for code, _, _ in open_codes)
        decider = (f"its rows in other currencies ({ev.examples(mark)})" if ev.own == mark
                   else "the file's other number columns")
        reasons[ev.column] = (
            f"{codes} {'has' if len(open_codes) == 1 else 'have'} three decimals, so such a value is a whole "
            f"amount or one with fils, and the decimal {WORDS[mark]} comes from {decider}, not from a row in "
            f"{codes} ({sum(n for _, _, n in open_codes)} value(s) read either way)")
    for ev in columns:
        # "3.000" beside "12.50" in USD: the column's mark makes it three decimal places,
        # which USD has not (ISO 4217, CLDR): most likely 3,000 typed with "." grouping
        mark = marks.get(ev.target)
        short = ev.short_forms.get(mark) if mark else None
        if not short or ev.long_places or ev.column in undecided or ev.target not in _money_fields():
            continue
        del marks[ev.target]
        inferences[:] = [i for i in inferences if i["what"] != f"decimal mark in '{ev.column}'"]
        shown = ", ".join(f"'{v}'" + (f" ({c})" if c else "") for v, c in short)
        undecided[ev.column] = shown
        readings[ev.column] = short[0][0]
        codes = sorted({c for _, c in short if c})
        whose = (f"{', '.join(codes)} {'has' if len(codes) == 1 else 'have'} "
                 f"{'/'.join(str(minor_units(c)) for c in codes)} decimal places")
        places_only.add(ev.column)
        first = short[0][0]
        say = (f"If they are thousands, write them without the '{mark}' in the file ('{first.replace(mark, '')}'); "
               f"if they are decimals ({first} = {_decimal_reading(first, mark)}), say --decimal {WORDS[mark]}")
        reasons[ev.column] = (f"the column's other values ({ev.examples(mark)}) make '{mark}' the decimal {WORDS[mark]}, "
                              f"so they would have three decimal places, but {whose}: they look like thousands "
                              f"written with '{mark}'")
    if conflicts or undecided:
        # a column whose every ambiguous value writes one shared symbol ("¥1,200"): the
        # currency it stands for settles the mark too (--currency, as above)
        symbols = {ev.column: (next(iter(ev.q_symbol_texts)), next(iter(ev.q_symbols))) for ev in columns
                   if ev.column in undecided and len(ev.q_symbols) == 1 and len(ev.q_symbol_texts) == 1
                   and not ev.q_plain and not ev.q_named}
        raise AmbiguousNumbers(conflicts, undecided, symbols, reasons=reasons,
                               readings=[readings[c] for c in (*conflicts, *undecided) if c in readings],
                               say=say if not conflicts and set(undecided) == places_only else None,
                               written={k: v for ev in columns for k, v in ev.written.items()})
    return marks, inferences


def _decimal_reading(value: str, mark: str) -> str:
    """What `value` is read as with `mark` as the decimal mark ("3.000", "." -> "3")."""
    from ..domain.money import parse_money
    try:
        amount = parse_money(value, mark)[0]
    except ValueError:
        return "?"
    return format(amount.normalize(), "f") if amount is not None else "?"


def _columns_said(deciders: list[NumberEvidence]) -> str:
    """"'Nettowert': '1.234,50', '99,90'; 'Rabatt': '0,15'": the columns that decided
    their decimal mark on their own values, with examples (at most four columns)."""
    shown = [f"'{ev.column}': {ev.examples(ev.own)}" for ev in deciders[:4]]
    return "; ".join(shown) + ("; …" if len(deciders) > 4 else "")


def fraction_fields(columns: list[NumberEvidence]) -> tuple[frozenset[str], list[dict]]:
    """(percent-points fields whose column writes fractions of 1, their inferences):
    a Probability column of "0,4", "0.75", "1" is 40 %, 75 %, 100 %, decided on the
    whole column; a column with any plain number above 1 ("40") holds points."""
    found, inferences = set(), []
    for ev in columns:
        if ev.target in SHARE_POINT_FIELDS and ev.fractions:
            found.add(ev.target)
            inferences.append({"what": f"percentages in '{ev.column}'", "decided": "fractions of 1 (0.4 = 40 %)",
                               "evidence": "every value from 0 to 1, such as "
                                           + ", ".join(f"'{v}'" for v in ev.share_examples)})
    return frozenset(found), inferences


def mixed_share_fields(columns: list[NumberEvidence]) -> tuple[frozenset[str], list[dict]]:
    """(share fields whose column writes both fractions of 1 and plain numbers above 1,
    their inferences): in "0.25", "50", "1" the 50 says percent points, so "0.25" is
    0.25 % or 25 % and "1" is 1 % or 100 %: such values (above 0, up to 1) are left
    empty with a warning (plan), never stored as a guess. The same for a Discount column
    ("0.50" beside "10.00", which may be points or an amount off the price)."""
    found, inferences = set(), []
    for ev in columns:
        if ev.target in SHARE_FIELDS and ev.target not in SHARE_POINT_FIELDS and "%" in ev.column and (
                ev.shares["fraction"] or ev.shares["points"]):
            inferences.append({"what": f"percentages in '{ev.column}'", "decided": "percent points (10 is 10 %)",
                               "evidence": "the column's heading says %"})
        if ev.target in SHARE_FIELDS and ev.shares["fraction"] and ev.shares["points"] and (
                ev.target in SHARE_POINT_FIELDS or "%" not in ev.column):   # "Discount %": points, said
            found.add(ev.target)
            above = "percent points" if ev.target in SHARE_POINT_FIELDS else "numbers above 1"
            inferences.append({"what": f"percentages in '{ev.column}'",
                               "decided": f"{above}; values from 0 to 1 left empty",
                               "evidence": "both fractions of 1, such as "
                                           + ", ".join(f"'{v}'" for v in ev.share_examples)
                                           + ", and numbers above 1 (points): a value up to 1 reads both ways"})
    return frozenset(found), inferences


# ----- footer rows ---------------------------------------------------------------------------

FOOTER_MAX = 8          # rows at the end of a table that may be a footer
FOOTER_TEXT_MAX = 500   # a footer line's text looked at: footers are short, cells may be megabytes
# Total and summary words in the languages of our users' files.
_TOTAL = (r"grand\s+totals?|sub-?totals?|totals?|totales|totaux|totaal|totale|totalt|sum|summe|summa|suma|"
          r"insgesamt|gesamt(?:summe)?|razem|celkem|yhteensä|i\s+alt|итого|всего|합계|총계|"
          r"合计|合計|总计|總計|小计|小計|共计")
_FOOTER_WORDS = re.compile(
    rf"^\s*(?:{_TOTAL}|共\s*\d|count|records?|rows?|generated|printed|"
    r"exported|page\s+\d|第\s*\d+\s*[页頁]|(?:accrual|cash)\s+basis|filtered\s+by|"
    # what Chinese and Japanese exports write under a table: when and by whom it was
    # exported or printed, how many records it holds
    r"导出(?:时间|日期|人)|導出(?:時間|日期|人)|打印(?:时间|日期|人)|列印(?:時間|日期|人)|"
    r"制表(?:时间|日期|人)?|製表(?:時間|日期|人)?|生成(?:时间|日期)|报表生成|"
    r"(?:总|總)?(?:记录|記錄)数|(?:记录|記錄)(?:总数|總數)|总数|總數|"
    r"出力(?:日時|日)|作成(?:日時|日|者)|印刷日)(?=$|[\s:：=\d(（,])", re.IGNORECASE)
# A count line Chinese, Japanese and Korean bills and ledgers write under their table: how
# many records ("共2笔记录", "計3件", "총 5건", "合计 3笔"), or a label, a colon and a count
# with its sum ("已收入:2笔,300.00元", "支出：1笔 20.00元", "入金：3件"). A number then a
# counter word: never a customer's name ("7天酒店" has no counter, "5个朋友" no label).
_CJK_COUNTER = r"\d[\d,]*\s*(?:笔|筆|条|條|件|건|개|项|項|个|個|行|单|單|家|位|名|户|戶|人|명|곳)"
_CJK_COUNT = re.compile(
    rf"^\s*(?:(?:共|共计|共計|计|計|合计|合計|总计|總計|小计|小計|총|총계|합계|全)\s*[:：]?\s*{_CJK_COUNTER}"
    rf"|[^\W\d_]{{1,8}}\s*[:：]\s*{_CJK_COUNTER})")
# A count line in words under a table: "(3 rows)" (psql, sqlcmd), "3 Datensätze",
# "Insgesamt 3 Kunden", "Total de 3 clientes", "Итого 3": a count and what is counted,
# never a name ("7 Eleven Ltd" has no counted word; "7天酒店" no label, see _CJK_COUNT).
_COUNTED = (r"(?:rows?|records?|entries|customers?|clients?|contacts?|lignes?|enregistrements?|"
            r"transactions?|payments?|trades?|orders?|transaktionen|buchungen|zahlungen|opérations?|"
            r"paiements?|transacciones|pagos|transazioni|pagamenti|"
            r"zeilen|datens[äa]tze?|eintr[äa]ge?|kunden|kontakte|filas?|registros?|clientes?|"
            r"linhas?|contatos?|righe|record|clienti|contatti|rekord(?:y|ów)?|klient(?:ów|y)?|"
            r"строк[аи]?|записей|записи|запись|клиент(?:ов|а)?)")
_COUNT_LINE = re.compile(
    rf"^\s*(?:\(\s*\d[\d,.\s]*\s{_COUNTED}\s*\)"
    rf"|\d[\d,.]*\s+{_COUNTED}"
    # a bill's sums under its records: "Received: 2 transactions", "Pending: 0 payments"
    rf"|[^\W\d_]{{2,20}}(?:\s+[^\W\d_]{{2,20}}){{0,2}}\s*[:：]\s*\d[\d,.]*\s+{_COUNTED}(?:\s*[,;]\s*\S.*)?"
    rf"|(?:insgesamt|gesamt|total(?:\s+(?:de|des|di))?|en\s+total|in\s+total|итого|всего)\s*[:：]?\s*"
    rf"\d[\d,.]*(?:\s+{_COUNTED})?)\s*[.!]?\s*$", re.IGNORECASE)
# Words a report tool writes under its table, anywhere in the cell: "Report generated
# 2024-05-01", "*** End of Report ***", "Confidential".
_FOOTER_PHRASE = re.compile(
    r"\b(?:generated|exported|printed|erstellt|généré|exporté|imprimé|generado|exportado)\b.*\d"
    r"|\bend of (?:the )?(?:report|file|list|data|export)\b|^\W{2,}.*\W{2,}$"
    r"|^\s*(?:confidential|internal use only|vertraulich|confidentiel|机密|機密)(?:\s*$|\s+(?:information|-|–|—))"
    # a report tool's copyright line: Salesforce, Zoho, SAP ("Copyright (c) 2000-2026 …")
    r"|^\s*(?:copyright\b|©|\(c\)\s*\d)|\ball rights reserved\b|\balle rechte vorbehalten\b"
    # who made the list, what it is for, a footnote: "Prepared by Finance Team",
    # "For internal use only", "* Preise inkl. MwSt."
    r"|^\s*(?:prepared|compiled|created)\s+by\b|^\s*erstellt\s+von\b|^\s*(?:for\s+)?internal\s+use\s+only\b"
    r"|^\s*\*+\s+\S"
    r"|\btous droits réservés\b|版权所有|版權所有|無断転載", re.IGNORECASE)
# A note's label: one to four words and a colon, then its text ("Prepared by: Finance",
# "Note: prices exclude VAT", "Quelle : CRM", "备注：…"); a note only alone in its row after
# a blank row at the end of the table.
_NOTE_PAIR_LABEL = re.compile(r"^\s*[^\W\d_][^\W\d_.'’-]*(?:[ .'’-]+[^\W\d_][^\W\d_.'’-]*){0,3}\s*[:：]\s*$")
_NOTE_LABEL = re.compile(r"^\s*[^\W\d_][^\W\d_.'’-]*(?:[ .'’-]+[^\W\d_][^\W\d_.'’-]*){0,3}\s*[:：]\s*\S")
# A group's subtotal inside a report ("Total for Garcia Catering | | 2,500.00", QuickBooks;
# "Summe für …", "Total de …"): its label, then only figures. Not data wherever it is.
_SUBTOTAL_LABEL = re.compile(
    rf"^\s*(?:{_TOTAL})\s+(?:for|für|fuer|de|du|des|pour|del|per|van|voor|för|dla)\s+\S", re.IGNORECASE)
# A cell that is only a total's label: "Grand Total", "Total général", "Summe:", "合计".
_FOOTER_LABEL = re.compile(
    rf"^\s*(?:{_TOTAL})(?:\s+(?:g[ée]n[ée]ral|generale?|geral|global))?\s*[:：=]?\s*$", re.IGNORECASE)
# A figure as a total row shows it: digits with separators, a sign or parentheses, a
# currency symbol or code, a percent sign ("2", "1,234.50", "(12,00) €", "USD 99").
_FIGURE = re.compile(r"^[\s(+\-−]*(?:[A-Z]{3}\s?)?[^\w\s]?\s?\d[\d.,'\s\u00a0\u202f]*"
                     r"\s?(?:[^\w\s]|[A-Z]{3}|元|円)?[\s)%\-−]*$")


# A total or report word, then only capitalised words: a name ("Count Dracula", "Total
# Wine & More"), not a footer line (those go on with "by", a colon, a date or a count).
_WORD_THEN_WORDS = re.compile(r"^\s*[^\W\d_]+(?:\s+(?:&|[^\W\d_][^\W\d_'’.-]*))+\s*$")


def reads_as_name(text: str) -> bool:
    """Is this lone cell a name that merely starts with a footer word ("Count Dracula")?"""
    return bool(_WORD_THEN_WORDS.match(text)) and all(w == "&" or w[0].isupper() for w in text.split()[1:])


def _is_figure(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    # a figure is short; a long cell is none (and is not read through the pattern)
    return isinstance(value, str) and len(value) <= 100 and bool(_FIGURE.match(value))


# An email address anywhere in a cell, and a phone number written the international way
# ("+44 20 7946 0990", "+852-2345-6789"): a footer or a subtotal never holds either.
# An address anywhere in a cell. The parts are bounded as RFC 5321 4.5.3.1 bounds them
# (local part 64, domain 255): a long cell without one is then read in linear time, not
# once per character it starts at (a 160 KB cell had taken a minute).
_EMAIL = re.compile(r"[^\s@,;<>]{1,64}@[^\s@,;<>]{1,255}\.[^\W\d_]{2,}")
_INTL_PHONE = re.compile(r"^\s*(?:\+|00)\d[\d\s().\-/\u00a0]{6,}$")


def holds_contact(values: list, is_blank, phone_columns: frozenset[int] = frozenset()) -> bool:
    """True when a row holds an email address, or a phone number as a field value (a value
    in one of `phone_columns`, the indexes of the columns mapped to a phone field, or an
    international "+<country code> …" number with at least 7 digits anywhere): a
    customer's row ("Total Systems Ltd", "Sum Wing Kei", "Printed Matter Inc"), never a
    footer or a group's subtotal, whatever its first word."""
    for i, v in enumerate(values):
        if is_blank(v):
            continue
        if i in phone_columns and sum(ch.isdigit() for ch in str(v)) >= 5:
            return True
        if isinstance(v, str) and (("@" in v and _EMAIL.search(v)) or (
                _INTL_PHONE.match(v) and "," not in v and sum(ch.isdigit() for ch in v) >= 7)):
            return True
    return False


def subtotal_text(values: list, is_blank, phone_columns: frozenset[int] = frozenset()) -> str | None:
    """The label of a group's subtotal row ("Total for Garcia Catering" followed only by
    figures), which is not data wherever it is in the table; None for any other row,
    and for a row holding an email address or a phone number (see `holds_contact`)."""
    first = next((v for v in values if not is_blank(v)), None)      # most rows stop here
    if not isinstance(first, str) or not _SUBTOTAL_LABEL.match(first):
        return None
    if holds_contact(values, is_blank, phone_columns):
        return None
    filled = [v for v in values if not is_blank(v)]
    if len(filled) < 2:
        return None
    return first.strip()[:60] if all(_is_figure(v) for v in filled[1:]) else None


@dataclass
class FooterWatch:
    """Watches the last rows of a table for a footer: "Total: 2 customers", "合计 … 1,234".

    A footer is the table's last FOOTER_MAX rows or fewer, each either a total's label
    followed only by figures ("Grand Total | 2 | 1,234.50", "合计 | | 2", however many
    columns they fill), or filling at most half the table's columns and starting with a
    total/summary word (in several languages) or, after a blank row, a single cell with a
    number in it. Footer rows are not data: the importer counts them as skipped and says so.
    A row holding an email address or a phone number (`holds_contact`; `phone_columns`
    are the indexes of the columns mapped to a phone field) is a customer, never a footer,
    and ends the footer: "Total Systems Ltd | info@totalsys.com" is data. Short rows
    under a footer line ("Note: VIP" then "Ann Lee") are the footer's, unless some data
    row fills the same columns (`shapes`: a table with rows of a name alone goes on).
    """

    width: int
    phone_columns: frozenset[int] = frozenset()
    tail: list[tuple[int, list, bool]] = field(default_factory=list)   # (row, values, blank row before)
    last: int | None = None
    # the filled columns of the short rows above the tail; None when too many differ
    shapes: set[tuple[int, ...]] | None = field(default_factory=set)

    def add(self, number: int, values: list) -> None:
        gap = self.last is not None and number > self.last + 1
        self.last = number
        self.tail.append((number, values, gap))
        if len(self.tail) > FOOTER_MAX:
            self._remember_shape(self.tail.pop(0)[1])

    def _remember_shape(self, values: list) -> None:
        """Keep which columns a short data row fills (a row with a name alone): a row of
        that shape under a note is the table's, not the note's. Most rows fill more
        than half the columns, which list.count tells without a call per cell."""
        if self.shapes is None:
            return
        if (len(values) - values.count(None) - values.count("")) * 2 > max(self.width, 2):
            return
        from .table import is_blank_cell

        self.shapes.add(_shape(values, is_blank_cell))
        if len(self.shapes) > SHAPES_MAX:
            self.shapes = None                 # rows of every shape: no shape is the note's

    def footer(self, is_blank) -> list[tuple[int, str]]:
        """[(row, text of its first filled cell)] for the footer rows, last rows of the table.

        Short rows under a note, a total or a report's line ("Note: VIP" then "Ann Lee")
        belong to it, unless a data row above fills the same columns: then the table
        goes on to the last row and nothing is a footer."""
        found: list[tuple[int, str]] = []
        held: list[tuple[int, str]] = []
        below: list[tuple[int, str, tuple[int, ...]]] = []      # short rows, none under a footer line yet
        top = len(self.tail)
        for index in range(len(self.tail) - 1, -1, -1):
            number, values, gap = self.tail[index]
            filled = [v for v in values if not is_blank(v)]
            if not filled:
                break
            first = str(filled[0]).strip()[:FOOTER_TEXT_MAX]
            if holds_contact(values, is_blank, self.phone_columns) and not (
                    len(filled) == 1 and self.width > 2
                    and (_FOOTER_WORDS.match(first) or _FOOTER_PHRASE.search(first))):
                # a customer's row; a lone line saying when and by whom the list was
                # exported ("导出时间:[…] 用户:shop@example.com") is the footer's
                break
            # A total's label followed only by figures ("Grand Total | 2 | 1,234.50")
            # is a footer however many columns its figures fill.
            # So is a count line followed only by figures ("총 2건 | | 249000").
            labelled = bool(_FOOTER_LABEL.match(first) or _CJK_COUNT.match(first)) and all(
                _is_figure(v) for v in filled[1:])
            # "Prepared by:" | "Finance", "Stand:" | "01.12.2026": a note's label and its text
            pair = len(filled) == 2 and self.width > 2 and bool(_NOTE_PAIR_LABEL.match(first))
            if not (labelled or pair) and len(filled) * 2 > max(self.width, 2):
                break
            worded = bool(_FOOTER_WORDS.match(first) or _FOOTER_PHRASE.search(first)
                          or _CJK_COUNT.match(first) or _COUNT_LINE.match(first)) and not (
                len(filled) == 1 and reads_as_name(first))
            lone_count = gap and len(filled) == 1 and any(ch.isdigit() for ch in first)
            lone = len(filled) == 1 and self.width > 1
            note = pair or (lone and bool(_NOTE_LABEL.match(first)))      # "Prepared by: Finance", "备注：…"
            # a number alone says it is a count only at the end of the table
            if labelled or worded or note or (lone_count and not below):
                found.extend(held)
                held.clear()
                found.append((number, first[:60]))
                top = index
                continue
            if lone and found and not held:
                # a lone cell between footer lines (the company a report was run for under
                # "Generated By: …", Salesforce): a footer only if one goes on above it
                held.append((number, first[:60]))
                continue
            if not found:
                below.append((number, first[:60], _shape(values, is_blank)))
                continue
            break
        if below:
            if not found:
                return []
            shapes = self.shapes
            if shapes is not None:
                shapes = shapes | {_shape(v, is_blank) for _, v, _ in self.tail[:top]}
            if shapes is None or any(shape in shapes for _, _, shape in below):
                return []                      # rows like the table's own: it ends at the last row
            found = [(n, t) for n, t, _ in below] + found
        return found[::-1]


SHAPES_MAX = 64     # shapes of short data rows remembered (a name alone, a name and a city …)


def _shape(values: list, is_blank) -> tuple[int, ...]:
    """The indexes of the filled cells of a row."""
    return tuple(i for i, v in enumerate(values) if not is_blank(v))
