"""Errors the importer raises before it writes anything."""

from __future__ import annotations

from ..errors import CimsError


class ImportRefused(CimsError):
    """The file cannot be imported as it is; the message says why and what to do."""

    exit_code = 4


class AmbiguousDates(ImportRefused):
    """A date column reads both day-first and month-first; the user must choose."""

    def __init__(self, columns: dict[str, list[str]]):
        self.columns = dict(columns)
        parts = []
        for column, examples in self.columns.items():
            shown = ", ".join(f"'{e}'" for e in examples[:4])
            parts.append(f"column '{column}' (e.g. {shown})")
        super().__init__(
            "dates could be day/month or month/day in " + "; ".join(parts)
            + ". Nothing was imported. Say which with --date-order DMY or --date-order MDY.")


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
