"""Which country a file's phone numbers without a country code belong to, on the
evidence of the whole column (issue 14: never a number stored under a guessed country).

A number written without "+" and with no country in its row is read in the default
region (the store's, or one assumed from its currency). Many numbers read in several
countries: "010-1234-5678" is a Korean mobile and a Beijing number, "020 7946 0958" a
London and a Guangzhou one. When a column also holds numbers the default region
refuses but another country reads ("02-312-3456", "07911 123456"), the column is
evidence that its numbers are not all the default region's: every number that reads
in one of those countries as well is then left empty by the import (its text in
Notes, the row warned), not stored under either guess. `foreign_regions` decides it
for one column from all its cells (blank rows and rows with a country of their own
do not count).
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter

import phonenumbers

from ..domain import normalize as nz

# Refused numbers examined for the countries they read in (each is tried against every
# numbering plan): enough to see a column's countries, bounded for long files.
SAMPLED = 60
# A country counts as the column's when at least this many refused numbers read there
# (one stray number, which reads in many countries, is no evidence about the others).
MIN_CELLS = 2
CHECKED_ALL = 1_000   # trunk-0 numbers all read in the region; after them, one in CHECK_EVERY
CHECK_EVERY = 10
SHOWN = 5          # countries the summary names
MAX_REGIONS = 12   # countries each number read in the default region is checked against


@functools.lru_cache(maxsize=4096)
def regions_reading(text: str) -> tuple[str, ...]:
    """The countries (ISO 3166 codes) in which `text` is a valid number written as that
    country writes it at home (domain.normalize.reading_in)."""
    return tuple(r for r in sorted(phonenumbers.SUPPORTED_REGIONS) if nz.reading_in(text, r))


# Only a number written with a trunk 0 (not the international 00) is evidence: a
# national number with its area or mobile code, as most countries dial at home. One
# the region refuses names an area code the region lacks ("02-312-3456" in China),
# where a number without it may be a local number without its area code ("6234 5678")
# or a slip of one digit.


class PhoneColumnEvidence:
    """The numbers without a country code of one phone column, read in `region`."""

    def __init__(self, header: str, target: str, column: int, country_columns: tuple[int, ...], region: str):
        self.header, self.target, self.column = header, target, column
        self.country_columns, self.region = country_columns, region
        self.national = 0                       # cells without a country code
        self.refused = 0                        # of those, not the region's but another's
        self.sampled = 0
        self.trunk = 0                          # cells written with a trunk 0
        self.checked = 0                        # cells read in the region to weigh the evidence
        self.found: Counter[str] = Counter()    # country -> refused numbers that read there
        self.examples: dict[str, list[str]] = {}
        self.email_column: int | None = None    # set: count the rows' email countries too
        self._nanp = phonenumbers.country_code_for_region(region.upper()) == 1
        self.email_countries: Counter[str] = Counter()

    def add(self, values: list) -> None:
        n = len(values)
        for i in self.country_columns:
            if i < n:
                cv = values[i]
                if cv is not None and cv != "" and not nz.is_blank(cv):
                    return                      # the row gives its own country
        e = self.email_column
        if e is not None and e < n:
            ev = values[e]
            if type(ev) is str and "@" in ev:
                code = nz.email_region(ev)
                if code and code != self.region:
                    self.email_countries[code] += 1
        c = self.column
        if c >= n:
            return
        v = values[c]
        if type(v) is str:
            text = v.strip()
            if not text:
                return
            if not text.isascii():
                text = unicodedata.normalize("NFKC", text)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            try:
                text = nz.phone_text_from_number(v)
            except ValueError:
                return
        else:
            return
        lead = text.lstrip("( ")
        if lead[:1] == "+":
            return                              # its own country code
        self.national += 1
        if lead[:1] != "0":
            self.checked += 1
        if (lead[:1] != "0" and self.sampled < SAMPLED and not self._nanp
                and (us := nz.foreign_style_readings(text, self.region)) and us[0][0] in ("US", "CA")):
            # "(415) 555-0100": written as North America writes its numbers, whatever
            # the region reads in it; evidence for the column's "1 415 …" numbers too.
            self.sampled += 1
            self.refused += 1
            self.found["US"] += 1
            shown = self.examples.setdefault("US", [])
            if len(shown) < 3:
                shown.append(text)
            return
        if lead[:1] != "0" or lead[:2] == "00" or self.sampled >= SAMPLED:
            return                              # only a trunk 0 is evidence (above)
        self.trunk += 1
        if self.trunk > CHECKED_ALL and self.trunk % CHECK_EVERY:
            return          # past the first numbers, one in CHECK_EVERY decides the share
        self.checked += 1
        if nz.reading_in(text, self.region):
            return
        self.sampled += 1
        regions = [r for r in regions_reading(text) if r != self.region]
        if regions:
            self.refused += 1
        for r in regions:
            self.found[r] += 1
            shown = self.examples.setdefault(r, [])
            if len(shown) < 3:
                shown.append(text)

    def foreign_regions(self) -> tuple[str, ...]:
        """The countries other than the region that the column's numbers read in, most
        numbers first, or () when the column gives no such evidence."""
        if not self.checked or self.refused * 100 < self.checked:
            return ()      # under 1 in 100: mistyped local numbers, not another country's
        # A country is evidence when it reads at least half of the numbers the region
        # refuses: a few mistyped local numbers in a big file each read in some far
        # country by chance (no one country reads most of them), and must not make
        # every number of the column suspect.
        keep = sorted(((n, r) for r, n in self.found.items() if n >= MIN_CELLS and 2 * n >= self.refused),
                      key=lambda x: (-x[0], x[1]))
        out: list[str] = []
        plans: set[int] = set()
        for _n, r in keep:
            # One country per numbering plan (IT and VA, FI and AX, GB and JE share
            # one): the same numbers read in each, and each is one more check per row.
            plan = phonenumbers.country_code_for_region(r)
            if plan not in plans:
                plans.add(plan)
                out.append(phonenumbers.region_code_for_country_code(plan) or r)
        return tuple(dict.fromkeys(out))[:MAX_REGIONS]

    def inference(self) -> dict | None:
        """The summary's line for this column, or None when it gives no evidence."""
        regions = self.foreign_regions()
        if not regions:
            return None
        shown = [e for r in regions for e in self.examples.get(r, [])]
        shown = list(dict.fromkeys(shown))[:3]
        whole = [r for r in regions if self.found[r] == self.refused]
        one = whole[0] if len(whole) == 1 else "CC (its two-letter code)"
        named = ", ".join(regions[:SHOWN]) + (f" and {len(regions) - SHOWN} more" if len(regions) > SHOWN else "")
        return {"what": f"phone country in '{self.header}'",
                "decided": f"numbers that read in {self.region} and in another of these countries are left "
                           "empty (their text in Notes, the row warned)",
                "evidence": f"{self.refused} of {self.national} number(s) without a country code are not "
                            f"{self.region} numbers but read in {named} ("
                            + ", ".join(f"'{e}'" for e in shown)
                            + "); give the rows' country in a Country column, or, when all are from one "
                              f"country, give it with --region {one}"}
