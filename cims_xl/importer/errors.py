"""Errors the importer raises before it writes anything."""

from __future__ import annotations

from ..errors import CimsError


class ImportRefused(CimsError):
    """The file cannot be imported as it is; the message says why and what to do."""

    exit_code = 4


class AmbiguousDates(ImportRefused):
    """A date column reads both day-first and month-first; the user must choose."""

    def __init__(self, columns: dict[str, list[str]], candidates: dict[str, list[str]] | None = None):
        self.columns = dict(columns)
        self.candidates = dict(candidates or {})
        parts = []
        orders: set[str] = set()
        for column, examples in self.columns.items():
            shown = ", ".join(f"'{e}'" for e in examples[:4])
            fits = self.candidates.get(column) or ["DMY", "MDY"]
            orders.update(fits)
            parts.append(f"column '{column}' (e.g. {shown}) reads as " + " or ".join(_WORDS[o] for o in fits))
        options = " or ".join(f"--date-order {o}" for o in ("DMY", "MDY", "YMD") if o in orders)
        super().__init__(
            "dates are ambiguous in " + "; ".join(parts)
            + f". Nothing was imported. Say which with {options}.")


_WORDS = {"DMY": "day/month/year", "MDY": "month/day/year", "YMD": "year/month/day"}


class AmbiguousNumbers(ImportRefused):
    """A number column's decimal mark cannot be told from the file; the user must say.

    conflicts: column -> what its values show (both marks and some that read either way);
    undecided: column -> its examples that read either way; reasons: column -> why
    nothing decides it, when more than "nothing else in the file says which" (the other
    columns disagree); readings: values that read either way ("3,945"), of which the
    message shows what each --decimal option makes of the first one per separator:
    "--decimal point: '3,945' is 3945; --decimal comma: '3,945' is 3.945"; symbols:
    undecided column -> (the shared currency symbol all its ambiguous values write, the
    currencies it may be): naming the currency settles the mark; say: what to do, in
    place of the two --decimal readings (where one of them would refuse the column's
    other values)."""

    def __init__(self, conflicts: dict[str, str], undecided: dict[str, str],
                 symbols: dict[str, tuple[str, tuple[str, ...]]] | None = None, *,
                 reasons: dict[str, str] | None = None, readings: list[str] | None = None,
                 say: str | None = None, written: dict[str, str] | None = None):
        self.conflicts, self.undecided = dict(conflicts), dict(undecided)
        reasons = reasons or {}
        parts = [f"column '{c}': {what}" for c, what in conflicts.items()]
        parts += [f"column '{c}': {shown} could be thousands or decimals and "
                  + reasons.get(c, "nothing else in the file says which") for c, shown in undecided.items()]
        currency = ""
        for column, (symbol, codes) in (symbols or {}).items():
            if 1 < len(codes) <= 4:
                currency = (f"; or say which currency '{symbol}' in '{column}' is with "
                            + " or ".join(f"--currency {c}" for c in codes)
                            + " (how that currency is written settles it)")
                break
        super().__init__(
            "; ".join(parts) + ". Nothing was imported. " + (say or "Say which with "
                                                             + decimal_options(readings or [], written))
            + currency + ("; values that read one way only keep that reading." if conflicts else "."))


def decimal_options(values: list[str], written: dict[str, str] | None = None) -> str:
    """The two --decimal options, each with what it makes of the file's own values:
    "--decimal point: '3,945' is 3945; --decimal comma: '3,945' is 3.945" (one value per
    separator, at most two). Values that are no number fall back to "1.234" as example.
    `written`: a value read in another form -> the cell as the file wrote it, quoted instead
    ("1.500千" is shown as '1.500k')."""
    from ..domain import normalize as nz

    import re

    shown: list[tuple[str, str]] = []          # (value as written, the number read from it)
    seps: set[str] = set()
    for value in values:
        sep = "," if "," in value else "."
        if sep in seps:
            continue
        for number in (value, *(m.group() for m in [re.search(r"\d[\d.,]*\d|\d", value)] if m)):
            # "\1,200" (a backslash no reading takes for a currency): its number, as written
            try:
                nz.parse_money(number, ".")
                nz.parse_money(number, ",")
            except ValueError:
                continue
            seps.add(sep)
            shown.append((value, number))
            break
    if not shown:
        shown = [("1.234", "1.234")]

    def reads(mark: str) -> str:
        return ", ".join(f"'{(written or {}).get(v, v)}' is {_plain(nz.parse_money(n, mark))}" for v, n in shown)
    return f"--decimal point: {reads('.')}; --decimal comma: {reads(',')}"


def _plain(number) -> str:
    """1500, 1.5, 3.945: no exponent, no trailing zeros."""
    return format(number.normalize(), "f")


class AmbiguousCurrency(ImportRefused):
    """Amounts written with a symbol several currencies share ("$", "¥", "kr") that
    nothing in their rows settles, in a file that names another currency written with
    that symbol ("C$", "AUD") or with a symbol that has no usual reading ("kr")."""

    def __init__(self, stops: list[tuple[str, str, list[str], tuple[str, ...], list[str]]],
                 currency_columns: frozenset[str] = frozenset(), has_country: bool = False, note: str = ""):
        """stops: (column, symbol, examples, codes the symbol may be, codes the file names);
        currency_columns: the stops' columns that are Currency columns (the message then
        names --value "Rs.=INR" too); has_country: the file has a Country column (whose
        rows then named no country using one of the candidates); note: what else was
        weighed ("; the file's language does not say which: …"), after the columns."""
        self.stops = list(stops)
        parts, suggest, said = [], None, None
        for column, symbol, examples, codes, others in self.stops:
            shown = ", ".join(f"'{e}'" for e in examples[:3])
            named = f", and the file also names {', '.join(others)}" if others else ""
            listed = ", ".join(codes[:8]) + (f" and {len(codes) - 8} more" if len(codes) > 8 else "")
            if column in currency_columns:
                parts.append(f"column '{column}' writes '{symbol}' instead of a currency code{named}: "
                             f"'{symbol}' is used by {listed}")
            else:
                parts.append(f"column '{column}' (e.g. {shown}) writes '{symbol}' with no currency code"
                             f"{named}: '{symbol}' is used by {listed}")
            first = next((c for c in others if c in codes), None) or codes[0]
            suggest = suggest or first
            if said is None:
                said = f"--value \"{symbol}={first}\""
        country = (" (the Country of those rows names no country where one of them is legal tender)"
                   if has_country else "")
        value = f", or {said} (repeatable) for what the symbol stands for wherever the file writes it" if said else ""
        super().__init__(
            "currencies are ambiguous: " + "; ".join(parts) + country + note
            + f". Nothing was imported. Say which with --currency CODE (e.g. --currency {suggest}) for the "
            f"rows without a currency of their own{value}, or write the code with those amounts or in a Currency "
            "column" + ("." if has_country else ", or give each row's country in a Country column (a country "
                                                 "where one of them is legal tender settles it)."))
