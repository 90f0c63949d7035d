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
    """A number column's decimal mark cannot be told from the file; the user must say."""

    def __init__(self, conflicts: dict[str, str], undecided: dict[str, str]):
        self.conflicts, self.undecided = dict(conflicts), dict(undecided)
        parts = [f"column '{c}': {what}" for c, what in conflicts.items()]
        parts += [f"column '{c}': {shown} could be thousands or decimals and nothing else in the "
                  "file says which" for c, shown in undecided.items()]
        super().__init__(
            "; ".join(parts) + ". Nothing was imported. Say which with --decimal comma "
            "(1.234 is one thousand two hundred thirty-four) or --decimal point (1.234 is one point two three four)"
            + ("; values that do not fit are rejected." if conflicts else "."))
