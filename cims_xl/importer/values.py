"""Columns whose values the import reads as one of a fixed list, decided on the whole column.

A deal's stage, an order's or ticket's status, a ticket's priority, a deal status
(open / won / lost) and a currency are read from the words other systems write
("Closed won", "Contract sent", "作废", "Failed", "AUTHORISED", "人民币"): the synonym tables
in `domain.schema` (ORDER_STATUS_SYNONYMS, STAGE_SYNONYMS, ENUM_SYNONYMS,
DEAL_STATUS_WORDS) and CLDR's currency names (`domain.money`). A value none of them
reads is never replaced by a default (Lead, Completed, the store's currency): that
would store a wrong value without a word.

`ValueEvidence` looks at every value of those columns in the import's first pass. When
the unknown values are at most one row in FEW of the column's filled cells (a typo or
two in a long file) those rows are refused, each with its reason; otherwise the import
stops before writing, naming the column, the unknown values and the option that says
what they are: ``--value "Contract sent=Negotiation"`` (repeatable; the target names
the field: a stage, a status, a priority, or a currency code).

It also decides how a probability column is written: shares (0.9, as HubSpot exports
them) or percent points (90): shares when every number is between 0 and 1.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation, ROUND_HALF_EVEN

from ..domain import deal_words, money
from ..domain import normalize as nz
from ..domain.models import validate_record
from ..domain.schema import DEAL_STATUS_WORDS, ENTITIES, Entity
from ..errors import ValidationFailed
from .errors import ImportRefused
from .mapping import Mapping
from .yes_no_marks import YesNoMarks, file_languages

# Fields whose every value must be read (kind -> fields; "deal_status" is a helper target).
CHECKED: dict[str, tuple[str, ...]] = {
    "order": ("status", "currency"),
    "opportunity": ("stage", "deal_status", "currency"),
    "ticket": ("status", "priority"),
    "interaction": ("kind",),           # "Aufgabe": never stored as the default Note silently
}
FEW = 20                 # unknown in at most 1 row of FEW filled cells: those rows are refused
DISTINCT_MAX = 5_000     # distinct values remembered per column (more: the rest are counted only)
SHOWN = 6                # unknown values named in a message
SHARED = "\x00shared symbol"   # known(): a currency symbol several currencies share, settled per row
_BARE_NUMBER = re.compile(r"^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)\s*$")


def value_key(text: object) -> str:
    """How a cell's text is compared with a `--value` source: trimmed, spaces collapsed,
    case folded."""
    return " ".join(str(text).split()).casefold()


def parse_values(ent: Entity, items) -> dict[str, dict[str, str]]:
    """`--value` items ("Source text=Target", repeatable) as {field: {value_key: target}}.

    The target says which field: one of a strict list's choices (a stage, a status, a
    priority) or, for records with amounts, an ISO 4217 currency code. Raises
    ImportRefused for an item without "=" or a target no field of `ent` takes.
    """
    if not items:
        return {}
    if isinstance(items, str):
        items = [items]
    out: dict[str, dict[str, str]] = {}
    for item in items:
        text = str(item)
        source, sep, target = text.rpartition("=")
        source, target = source.strip(), target.strip()
        if not sep or not source or not target:
            raise ImportRefused(f"--value needs 'Text in the file=Value', got {text!r}")
        if target.casefold() in YES_NO_TARGETS:
            # a yes/no mark ("E=no", "X=yes"): every yes/no column of the file (yes_no_marks)
            for key in bool_targets(ent):
                out.setdefault(key, {})[value_key(source)] = target.casefold()
            continue
        if ent.kind == "order" and target.casefold() in ("sale", "skip"):
            # a transaction/document type: a sale, or no sale to a customer (transaction_types)
            out.setdefault("transaction_type", {})[value_key(source)] = target.casefold()
            continue
        key, value = _target_field(ent, target)
        out.setdefault(key, {})[value_key(source)] = value
    return out


YES_NO_TARGETS = ("yes", "no", "true", "false")


def bool_targets(ent: Entity) -> tuple[str, ...]:
    """The mapped fields of `ent` that hold yes/no: its bool fields, Is a Company, and a
    customer's on other records."""
    from ..domain.schema import CUSTOMER
    own = [f.key for f in ent.fields if f.kind == "bool"] + ["is_company"]
    if ent.kind != "customer":
        own += [f"customer_{f.key}" for f in CUSTOMER.fields if f.kind == "bool"] + ["customer_is_company"]
    return tuple(own)


def _choice_fields(ent: Entity):
    return [f for f in ent.fields if f.kind == "enum" and f.strict and f.editable]


def _target_field(ent: Entity, target: str) -> tuple[str, str]:
    low = target.casefold()
    for f in _choice_fields(ent):
        for choice in f.choices:
            if choice.casefold() == low:
                return f.key, choice
    if any(f.key == "currency" for f in ent.fields) and re.fullmatch(r"[A-Za-z]{3}", target):
        try:
            code = money.check_currency(target)
        except ValueError:
            code = None
        if code:
            return "currency", code
    lists = "; ".join(f"{f.header}: {', '.join(f.choices)}" for f in _choice_fields(ent))
    if any(f.key == "currency" for f in ent.fields):
        lists += "; Currency: an ISO 4217 code such as USD, EUR, CNY"
    raise ImportRefused(f"--value: '{target}' is not a value of a {ent.label} field; use one of: {lists}")


def deal_status_stage(text: object) -> str | None:
    """Won or Lost for a deal status that says so, None for an open deal, the stage for a
    status column that holds stages ("Proposal", "商务谈判"); ValueError for a word that is
    none of these (DEAL_STATUS_WORDS, domain.deal_words in other languages, then the
    stage's own words)."""
    key = value_key(text).replace("_", " ").replace("-", " ")
    if key in DEAL_STATUS_WORDS:
        return DEAL_STATUS_WORDS[key]
    if value_key(text) in deal_words.OPEN_WORDS or key in deal_words.OPEN_WORDS:
        return None
    if (outcome := deal_words.stage_outcome(text)) is not None:     # "Ganado", "Gewonnen", "受注"
        return outcome
    try:
        stage = validate_record(ENTITIES["opportunity"], {"stage": text}, partial=True).get("stage")
    except ValidationFailed:
        stage = None
    if not stage:
        raise ValueError(f"not a deal status: '{str(text).strip()[:40]}' (open, won or lost, or a stage)")
    return stage


class ValueEvidence:
    """The values of one import's checked columns (CHECKED) and probability column."""

    def __init__(self, ent: Entity, mapping: Mapping, columns: list[int],
                 values_given: dict[str, dict[str, str]] | None = None):
        self.ent = ent
        self.given = values_given or {}
        self.implied: set[tuple[str, str]] = set()   # (field, text) in `given` the file implied, not --value
        wanted = CHECKED.get(ent.kind, ())
        self.columns: dict[int, tuple[str, str]] = {
            columns[j]: (c.header, c.target) for j, c in enumerate(mapping.columns)
            if c.target in wanted}
        self.seen: dict[int, Counter] = {c: Counter() for c in self.columns}
        self.filled: Counter = Counter()
        self.probability: tuple[int, str] | None = next(
            ((columns[j], c.header) for j, c in enumerate(mapping.columns) if c.target == "probability"), None)
        self.numbers: list[Decimal] = []      # the probability column's bare numbers (a few are enough)
        self.above_one = False
        self.signed = False      # some value carries its percent sign: the column writes points
        booleans = bool_targets(ent)
        self.marks = YesNoMarks({columns[j]: (c.header, c.target) for j, c in enumerate(mapping.columns)
                                 if c.target in booleans})
        self.bool_map: dict[str, dict[str, bool]] = {}
        self.headers = [c.header for c in mapping.columns]
        self.region: str | None = None          # --region or the store's, as evidence for a mark's language
        self.country_column = next((columns[j] for j, c in enumerate(mapping.columns)
                                    if c.target in ("country", "customer_country")), None)
        self.countries: set[str] = set()
        self.active = bool(self.columns) or self.probability is not None or bool(self.marks.columns)

    def add(self, values: list) -> None:
        n = len(values)
        if self.marks.columns:
            self.marks.add(values)
            if self.country_column is not None and self.country_column < n and len(self.countries) < 50:
                if isinstance(v := values[self.country_column], str) and v.strip():
                    self.countries.add(v.strip())
        for c, counter in self.seen.items():
            v = values[c] if c < n else None
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            self.filled[c] += 1
            text = str(v).strip() if not isinstance(v, str) else v.strip()
            if text in counter or len(counter) < DISTINCT_MAX:
                counter[text] += 1
        if self.probability is not None:
            c = self.probability[0]
            v = values[c] if c < n else None
            number = _bare_number(v)
            if number is None and isinstance(v, str) and any(s in v for s in nz.SHARE_SIGNS):
                self.signed = True
            if number is not None:
                if number > 1:
                    self.above_one = True
                elif len(self.numbers) < 1000:
                    self.numbers.append(number)

    # -- deciding --

    def known(self, key: str, text: str) -> str | None:
        """What `text` is read as in field `key`, or None when nothing reads it."""
        given = self.given.get(key, {}).get(value_key(text))
        if given is not None:
            return given
        if key == "deal_status":
            try:
                return deal_status_stage(text) or "open"
            except ValueError:
                return None
        if key == "currency":
            try:
                return money.check_currency(text)
            except money.CurrencyError as exc:
                # "¥", "Rs.": a symbol several currencies share, settled per row as an
                # amount's symbol is (run.settle_bare_symbols, importer.row_currency)
                return SHARED if exc.codes else None
            except ValueError:
                return None
        try:
            return validate_record(self.ent, {key: text}, partial=True).get(key)
        except ValidationFailed:
            return None

    def keep_only(self, targets: dict[str, str | None]) -> None:
        """Forget columns the final mapping ({header: target}) gives to another field."""
        self.columns = {c: (h, k) for c, (h, k) in self.columns.items() if targets.get(h) == k}
        self.marks.keep_only(targets)
        if self.probability is not None and targets.get(self.probability[1]) != "probability":
            self.probability = None

    def decide(self) -> tuple[list[dict], str | None]:
        """(inferences for the summary, the probability scale: "share" or None).

        Raises ImportRefused naming the column, the unknown values and `--value` when
        more than one row in FEW of a checked column holds a value nothing reads."""
        inferences: list[dict] = []
        if self.marks.columns:
            languages = file_languages(self.headers, self.region, self.countries)
            self.bool_map, inferences = self.marks.decide(languages, self.given)
        for c, (header, key) in self.columns.items():
            counter = self.seen[c]
            unknown = {text: k for text, k in counter.items() if self.known(key, text) is None}
            if unknown:
                rows = sum(unknown.values())
                if rows * FEW > self.filled[c]:
                    raise ImportRefused(self._refusal(header, key, unknown))
                inferences.append({
                    "what": f"values of '{header}'",
                    "decided": f"{rows} row(s) refused: " + _listed(unknown),
                    "evidence": f"{self.filled[c] - rows} of {self.filled[c]} value(s) read; "
                                f"say what the others are with --value \"{next(iter(unknown))}=…\""})
            read = {text: self.known(key, text) for text in counter if text not in unknown}
            renamed = {t: v for t, v in read.items()
                   if v is not None and v is not SHARED and str(v).casefold() != t.casefold()}
            if renamed:
                shown = "; ".join(f"'{t}' = {v}" for t, v in list(renamed.items())[:SHOWN])
                more = len(renamed) - SHOWN
                inferences.append({
                    "what": f"values of '{header}'",
                    "decided": shown + (f"; and {more} more" if more > 0 else ""),
                    "evidence": _evidence(key, [t for t in renamed if value_key(t) in self.given.get(key, {})
                                                and (key, value_key(t)) not in self.implied],
                                          len(renamed))})
        scale = None
        # one decision per column: a value written with its sign ("1%") says the column
        # writes points, and the bare values beside it are for evidence.mixed_share_fields
        if self.probability is not None and self.numbers and not self.above_one and not self.signed:
            header = self.probability[1]
            fractions = [x for x in self.numbers if 0 < x < 1]
            scale = "share"
            inferences.append({
                "what": f"probability in '{header}'",
                "decided": "shares of 1, read as percent (0.9 = 90 %)",
                "evidence": (f"every number is between 0 and 1 (e.g. '{fractions[0]}')" if fractions
                             else "every number is 0 or 1 (1 = 100 %; write 1% for one percent)")})
        return inferences, scale

    def _refusal(self, header: str, key: str, unknown: dict[str, int]) -> str:
        f = _field(self.ent, key)
        rows = sum(unknown.values())
        example = next(iter(unknown))
        if key == "deal_status":
            return (f"column '{header}': {rows} row(s) hold a value that is no deal status (open, won or lost) "
                    f"and no stage: {_listed(unknown)}. Nothing was imported. Fix those values, or leave the column out "
                    f"with --map \"{header}=-\" (the Stage column then says where each deal is).")
        if key == "currency":
            near = money.suggest_currencies(example)
            what = "currency code, symbol or name we can read (an ISO 4217 code such as USD, EUR, CNY)"
            option = f"--value \"{example}={near[0] if near else 'USD'}\""
        else:
            what = f"{f.header if f else key} ({', '.join(f.choices) if f else ''})"
            option = f"--value \"{example}=VALUE\" with VALUE one of those"
        return (f"column '{header}': {rows} row(s) hold a value that is no {what} and no other system's "
                f"word for one: {_listed(unknown)}. Nothing was imported: a default in their place would "
                f"be wrong. Say what each is with {option} (repeatable), or fix them in the file.")


_SOURCES = {
    "stage": "stage names of Salesforce, HubSpot, Pipedrive, Zoho, Dynamics, Odoo and Chinese CRMs",
    "status": "status words of shops, accounting and payment systems and help desks",
    "priority": "priority words of help desks (Urgent/High/Normal/Low, 紧急/高/中/低)",
    "currency": "currency codes, symbols and names (CLDR)",
    "deal_status": "open, won or lost",
}


def _evidence(key: str, given: list[str], renamed: int) -> str:
    """Where the readings of a column's values came from: --value, the synonyms, or both."""
    source = _SOURCES.get(key, "the words other systems write for them")
    if not given:
        return source
    if len(given) == renamed:
        return "--value"
    return "--value for " + ", ".join(f"'{t}'" for t in given[:SHOWN]) + f"; the others: {source}"


def _field(ent: Entity, key: str):
    for f in ent.fields:
        if f.key == key:
            return f
    return None


def _listed(unknown: dict[str, int]) -> str:
    items = sorted(unknown.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"'{t[:40]}' ({n} row{'s' if n != 1 else ''})" for t, n in items[:SHOWN])
    return shown + (f" and {len(items) - SHOWN} more" if len(items) > SHOWN else "")


def _bare_number(v: object) -> Decimal | None:
    """A probability cell's number when written without a percent sign, else None."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float, Decimal)):
        try:
            return Decimal(str(v))
        except InvalidOperation:
            return None
    if isinstance(v, str) and _BARE_NUMBER.match(v):
        try:
            return Decimal(v.strip().replace(",", "."))
        except InvalidOperation:
            return None
    return None


def share_to_percent(value: object) -> object:
    """A probability written as a share (0.9) as whole percent points (90); other values
    (a text with %, a blank) as they are."""
    number = _bare_number(value)
    if number is None:
        return value
    return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
