"""An area-code column beside a phone number, typed as a number (task ids22).

A spreadsheet that stores Japan's 市外局番, Korea's 지역번호 or Germany's Vorwahl as a
number keeps `3` for `03`, `45` for `045`, `30` for `030`: the trunk prefix (the
national prefix of the country's numbering plan, phonenumbers' metadata) is gone.
Joined as it is, "6" + "6123-4567" reads as another number. Decided on the whole
column: where the country writes its national numbers with a trunk prefix and no area
code of the column has it, it is restored in every row (said in the summary); where
some have it and some do not, the import stops before writing, naming the column and
examples (a column whose codes are partly typed as numbers is the file's to correct:
format the column as text, or leave the part out with --map "Column=-").
"""

from __future__ import annotations

from .errors import ImportRefused

SHOWN = 4


def trunk_prefix(region: str | None) -> str:
    """The trunk prefix the region's national numbers are written with ("0" for JP, KR,
    DE, CN, GB), or "" where they are written without one (US, IT, HK, SG)."""
    if not region:
        return ""
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region(str(region).upper())
    prefix = getattr(meta, "national_prefix", None) if meta is not None else None
    if not prefix or not prefix.isdigit():
        return ""
    rules = [f.national_prefix_formatting_rule for f in (*meta.number_format, *meta.intl_number_format)]
    return prefix if any(r and r.startswith(prefix) for r in rules) else ""


def _digits(text: str) -> str | None:
    """The area code's digits, or None for a cell that is not a bare area code."""
    text = text.strip().strip("()").strip()
    return text if text.isdigit() and len(text) <= 6 else None


class AreaCodeEvidence:
    """The area codes of one column (a file column), as the cells show them."""

    def __init__(self, header: str, column: int):
        self.header, self.column = header, column
        self.codes: dict[str, int] = {}     # area code as the cell shows it -> rows

    def add(self, values: list) -> None:
        from .plan import cell_text, is_blank_cell

        v = values[self.column] if self.column < len(values) else None
        if v is None or is_blank_cell(v):
            return
        code = _digits(cell_text(v))
        if code is None:
            return
        if code in self.codes or len(self.codes) < 10_000:
            self.codes[code] = self.codes.get(code, 0) + 1

    def decide(self, region: str | None) -> tuple[str, list[dict]]:
        """(the prefix to restore in every row, "" for none; the summary's line). Raises
        ImportRefused when the column writes some codes with the prefix and some without."""
        prefix = trunk_prefix(region)
        codes = self.codes
        if not prefix or not codes:
            return "", []
        have = {c: n for c, n in codes.items() if c.startswith(prefix)}
        lack = {c: n for c, n in codes.items() if not c.startswith(prefix)}
        if not lack:
            return "", []
        shown_lack = ", ".join(f"'{c}'" for c in sorted(lack, key=lambda c: -lack[c])[:SHOWN])
        if have:
            shown_have = ", ".join(f"'{c}'" for c in sorted(have, key=lambda c: -have[c])[:SHOWN])
            raise ImportRefused(
                f"the area codes in column '{self.header}' are written both with the trunk prefix "
                f"'{prefix}' of {region} numbers ({shown_have}) and without it ({shown_lack}, "
                f"{sum(lack.values())} row(s)): a code typed as a number loses its '{prefix}', and "
                "the file cannot say which codes lost it. Nothing was imported. Write the column's "
                f"codes as text with their '{prefix}' (format the column as Text), or leave the part out "
                f"with --map \"{self.header}=-\".")
        restored = ", ".join(f"'{c}' as '{prefix}{c}'" for c in sorted(lack, key=lambda c: -lack[c])[:SHOWN])
        return prefix, [{
            "what": f"area codes in '{self.header}'",
            "decided": f"the trunk prefix '{prefix}' restored in {sum(lack.values())} row(s): {restored}",
            "evidence": f"{region} numbers are written with the trunk prefix '{prefix}' before the area code "
                        f"and no code of the column has it (typed as numbers, the '{prefix}' is lost)"}]
