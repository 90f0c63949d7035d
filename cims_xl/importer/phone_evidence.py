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
import re
import unicodedata
from collections import Counter

import phonenumbers

from ..domain import normalize as nz
from ..domain import places
from ..domain.countries import region_for_country, region_for_dial_code
from . import file_language

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
            if i < n and _filled(values[i]):
                return                          # the row gives its own country
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


# ----- the assumed region: evidence for it over the whole file -------------------------

SHOWN_EXAMPLES = 3
SCRIPT_CELLS = 5_000    # non-ASCII cells whose letters are looked at (the first ones)
LOOKED_AT = 5_000       # rows looked at for evidence against, once there is evidence for
NUMBERS = 40            # numbers without a country code kept to weigh countries the file points to
FILE_SAMPLE = 2_000     # numbers without a country code kept to decide the file's country
PLUS_COUNTED = 1_000    # numbers written with another country's code counted
FILE_READS = 0.9        # a country reads the file's numbers when it reads this share of them
FULL_DIGITS = 7         # digits of a whole national number (HK, SG: 8), not a piece of one
# Japanese writes kana beside its Han characters: a file with kana is no Chinese text.
_KANA = ("HIRAGANA", "KATAKANA")
# Han characters are written in these languages' countries (file_language): a file of
# names in characters all of them write ("王芳", "山田太郎") may be from any of them.
_HAN_LANGUAGES = (file_language.ZH_HANS, file_language.ZH_HANT, file_language.JA)

# Each phone collector asks of every row whether its Country cell is filled (a few names
# down a column): normalize.is_blank's answer, remembered per short text for the whole
# process (a pure function of the text, so no import's options can make it differ).
_BLANK_TEXTS: dict[str, bool] = {}
_BLANK_TEXTS_MAX = 4_096
_BLANK_TEXT_LEN = 64
_MEMO_MAX = 4_096       # a collector's own answers remembered per value


def _filled(value: object) -> bool:
    """not normalize.is_blank(value): False for None, "", whitespace, NaN…"""
    if type(value) is str and len(value) <= _BLANK_TEXT_LEN:
        blank = _BLANK_TEXTS.get(value)
        if blank is None:
            blank = nz.is_blank(value)
            if len(_BLANK_TEXTS) < _BLANK_TEXTS_MAX:
                _BLANK_TEXTS[value] = blank
        return not blank
    return value is not None and not nz.is_blank(value)


class AssumedRegionEvidence:
    """Whether a file's numbers without a country code may be read in `region` when that
    region is only ASSUMED (no --region, no `cims settings region`, no Country in the
    row): evidence for it from the whole file, and against it.

    For `region` (any one, not only CN): characters of its own script when it is not
    written in Latin letters (Hangul for KR; Han characters for CN only in the forms
    simplified Chinese writes: file_language tells traditional-only forms, kana and
    Hangul, which point to TW, HK, MO, JP, KR instead; Han characters every one of those
    writes are evidence for it only while nothing else in the file points to another of
    them), its mobiles written as it
    writes them without a trunk prefix (CN: 139…), numbers written with its country
    code (+86), email addresses of its domain (.cn), cities and provinces in it,
    postal codes in its format only, a legacy encoding made for its language (GB18030).
    Against it: cities and postal codes of other countries, letters and encodings of
    other countries' languages, and its numbers
    themselves: those the region refuses, weighed against the countries the rest of the
    file points to (a Taiwanese "(02) 2345-6789", a Korean "031-920-9674"). Rows with a country of their own need none of this;
    a row whose Country cell is blank among rows naming one country takes that country
    (`blank_region`), among rows naming several it is refused (`blank_mixed`).

    `decide` gives the summary's line. When numbers would be read in the region with no
    evidence for it at all, it raises ImportRefused if the file points at one other
    country (its cities, postal codes, letters: "--region GB" settles it), else sets
    `unsupported` (those numbers are refused row by row). `examples` is the country (or
    the few tied ones) the file points to, for the option a refused row's message names
    ("--region TW"); () when it points nowhere."""

    def __init__(self, region: str, phone_cols: list[tuple[int, str]], country_cols: tuple[int, ...],
                 email_cols: tuple[int, ...], city_cols: tuple[int, ...], postal_cols: tuple[int, ...],
                 headers: tuple[object, ...] = (), address_cols: tuple[int, ...] = ()):
        from ..domain import places

        self.region = region.upper()
        self.address_cols = address_cols
        # the file's country, decided once (`file_region`): the numbers without a country
        # code of rows without a country (a sample: the first CHECKED_FIRST, then one in
        # 100), and the countries of the numbers written with their country code
        self.file_texts: dict[str, list[str]] = {}
        self.file_seen: Counter[str] = Counter()
        self.plus: Counter[str] = Counter()
        self.phone_cols, self.country_cols = phone_cols, country_cols
        self.email_cols, self.city_cols, self.postal_cols = email_cols, city_cols, postal_cols
        self.script = places.region_script(self.region)
        self.code = phonenumbers.country_code_for_region(self.region)
        self.countries: Counter[str] = Counter()        # regions the Country cells name
        self.for_: Counter[str] = Counter()             # kind of evidence for the region -> cells
        self.for_examples: dict[str, str] = {}
        self.against: Counter[str] = Counter()          # country -> cells pointing there
        self.against_examples: dict[str, list[str]] = {}
        self.letters: set[str] = set()                  # non-ASCII letters not of the region's script
        self.taken: dict[str, list[str]] = {}           # phone header -> numbers read in the region
        self.taken_n: Counter[str] = Counter()
        self.blank_rows = 0                             # rows with a blank Country and a number to read
        self._script_done = False                       # the script's evidence is in
        self._scanned = 0                               # non-ASCII cells looked at
        self.letter_cells = 0                           # of those, with letters of other scripts
        self.kana = 0                                   # kana: Han characters are Japanese then
        self.rows = 0
        self._postal_format = places.has_postal_format(self.region)
        self.unsupported = ""                           # set by decide: why numbers are not read
        self.examples: tuple[str, ...] = ()             # set by decide: the countries the file points to
        # the file's language by its characters (kana, Hangul, simplified/traditional forms)
        self.language = file_language.LanguageEvidence(None, headers)
        self.numbers: dict[str, bool] = {}              # number -> whether it reads in the region
        self._own_codes: dict[tuple[type, object], str | None] = {}   # a Country cell -> its region
        self._own_prefixes: dict[str, bool] = {}        # "+86 13" -> begins with the region's code

    def _own_code(self, lead: str) -> bool:
        """Whether a number written with "+" or "00" (`lead`: its text from that sign)
        begins with the region's calling code; remembered per first six characters
        (a column's numbers share a few: "+86 13", "0086 1")."""
        start = lead[:6]
        own = self._own_prefixes.get(start)
        if own is None:
            digits = "".join(ch for ch in start if ch.isdigit()).removeprefix("00")
            own = digits.startswith(str(self.code))
            if len(self._own_prefixes) < _MEMO_MAX:
                self._own_prefixes[start] = own
        return own

    def _for(self, kind: str, example: str) -> None:
        self.for_[kind] += 1
        self.for_examples.setdefault(kind, example)

    def _against(self, codes, example: str) -> None:
        for c in codes:
            self.against[c] += 1
            shown = self.against_examples.setdefault(c, [])
            if len(shown) < SHOWN_EXAMPLES and example not in shown:
                shown.append(example)

    def add(self, values: list) -> None:
        n = len(values)
        own = None
        blank_cell = False
        for i in self.country_cols:
            if i < n and isinstance(values[i], (str, int)) and _filled(values[i]):
                own = values[i]
                break
            blank_cell = True
        self.rows += 1
        if self.for_ and self.rows > LOOKED_AT and not blank_cell and own is None:
            return      # evidence found; the summary's word against it comes from the first rows
        if own is not None:
            if (code := self._own_codes.get((type(own), own), 0)) == 0:
                code = region_for_country(own) if isinstance(own, str) else None
                code = code or region_for_dial_code(own)
                if len(self._own_codes) < _MEMO_MAX:
                    self._own_codes[(type(own), own)] = code
            if code:
                self.countries[code] += 1
        for c, header in self.phone_cols:
            if c >= n:
                continue
            v = values[c]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                try:
                    v = nz.phone_text_from_number(v)     # a number cell: 13912345678.0
                except ValueError:
                    continue
            if not isinstance(v, str) or not v.strip():
                continue
            text = v.strip()
            lead = text.lstrip("( ")
            if lead[:1] == "+" or lead[:2] == "00":
                if self._own_code(lead):
                    self._for("numbers written with its country code", text)
                elif own is None and sum(self.plus.values()) < PLUS_COUNTED:
                    try:
                        where = phonenumbers.region_code_for_number(phonenumbers.parse(
                            "+" + lead[2:] if lead[:2] == "00" else lead, None))
                    except phonenumbers.NumberParseException:
                        where = None
                    if where:
                        self.plus[where] += 1       # "+852 6123 4567": evidence for HK
                continue
            if own is None:
                seen = self.file_seen[header]
                self.file_seen[header] += 1
                if seen < CHECKED_FIRST or not seen % 100:
                    texts = self.file_texts.setdefault(header, [])
                    if len(texts) < FILE_SAMPLE:
                        texts.append(text)
            if own is None and len(self.numbers) < NUMBERS and text not in self.numbers:
                self.numbers[text] = bool(nz.reading_in(text, self.region))
            if own is not None or (self.for_ and header in self.taken and not blank_cell):
                continue        # evidence found: the rest of the column changes nothing
            if not self.for_ and lead[:1] != "0" and places.own_mobile(text, self.region):
                self._for("its mobiles written as it writes them", text)
            if nz.reading_in(text, self.region):
                if blank_cell:
                    self.blank_rows += 1
                self.taken_n[header] += 1
                shown = self.taken.setdefault(header, [])
                if len(shown) < SHOWN_EXAMPLES:
                    shown.append(text)
        if own is not None:
            return
        for c in () if self.for_ else self.email_cols:
            if c < n and isinstance(values[c], str) and "@" in values[c]:
                if nz.email_region(values[c]) == self.region:
                    self._for("email addresses of its domain", values[c].strip().rsplit("@", 1)[-1])
        for c in self.address_cols if self.rows <= LOOKED_AT else ():
            v = values[c] if c < n else None
            if isinstance(v, str) and v.strip() and (found := address_places(v)) \
                    and self.region not in found:
                self._against(found, f"address '…{v.strip().rsplit(',', 1)[-1].strip()}'"
                              if "," in v else f"address '{_place_shown(v)}…'")
        for c in self.city_cols:
            if c < n and isinstance(values[c], str) and values[c].strip():
                found = places.place_countries(values[c])
                if self.region in found:
                    if not self.for_:
                        self._for("cities in it", values[c].strip())
                elif found:
                    self._against(found, f"city '{values[c].strip()}'")
        for c in self.postal_cols:
            code = values[c] if c < n else None
            if isinstance(code, int) and not isinstance(code, bool):
                code = str(code)                        # a postal code typed into a number cell
            if isinstance(code, str) and self._postal_format and code.strip():
                if places.fits_postal(code, self.region):
                    if not self.for_ and len(places.postal_countries(code)) <= places.FEW_FORMATS:
                        self._for("postal codes in its format", code.strip())
                    continue
                fits = places.postal_countries(code)
                if fits:
                    self._against(fits if len(fits) <= places.FEW_FORMATS else (),
                                  f"postal code '{code.strip()}'")
                    self.against["\x00postal"] += 1
        if self._script_done:
            return
        self.language.add(values)
        for v in values:
            if type(v) is str and not v.isascii():
                self._scanned += 1
                other = False
                for ch in v:
                    if ord(ch) > 127 and ch.isalpha():
                        word = places.script_word(ch)
                        if word in self.script:
                            if "cells in its script" not in self.for_:
                                self._for("cells in its script", word)
                        else:
                            self.letters.add(ch)
                            other = True
                            if word in _KANA and word not in self.script:
                                self.kana += 1
                self.letter_cells += other
        if self._scanned > SCRIPT_CELLS or len(self.letters) > 40:
            self._script_done = True    # the first cells tell the file's script and letters

    def blank_country(self) -> tuple[str | None, tuple[str, ...]]:
        """(the one country the filled Country cells name, when blank rows take it; the
        countries they name when several: blank rows are refused)."""
        if not self.blank_rows or not self.countries:
            return None, ()
        named = tuple(sorted(self.countries))
        return (named[0], ()) if len(named) == 1 else (None, named)

    def _script_regions(self, encoding: str | None) -> tuple[frozenset[str], bool, str]:
        """(the countries the file's Chinese, Japanese or Korean writing points to, whether
        that is only "Han characters every one of them writes" (weak), the words for the
        summary): file_language's verdict on its headings, text and encoding."""
        self.language.encoding = encoding
        verdict = self.language.verdict()
        if verdict.language in file_language.SCRIPT_LANGUAGES:     # the currency check's, not the phones'
            return frozenset(), False, ""
        if verdict.language is not None:
            return file_language.home_regions(verdict.language), False, verdict.describe()
        if self.language.han and not verdict.mixed:
            regions = frozenset().union(*(file_language.home_regions(lang) for lang in _HAN_LANGUAGES))
            return regions, True, "Han characters written in " + ", ".join(sorted(regions))
        return frozenset(), False, ""

    def _pointing(self, encoding: str | None) -> tuple[list[str], str | None]:
        """(what in the file points away from the region, the one country it points to).
        Sets `examples`: the country, or the few tied ones, that the file points to."""
        from ..domain import places

        said: list[str] = []
        points: Counter[str] = Counter()
        ranked = [(c, k) for c, k in self.against.most_common() if not c.startswith("\x00")]
        for code, k in ranked:
            if 2 * k < ranked[0][1]:
                break           # "Manchester" is also in Jamaica: the file's other places are not
            points[code] += k
            said.append(f"{', '.join(self.against_examples[code])} ({code})")
        if self.against.get("\x00postal") and not any("postal" in s for s in said):
            said.append(f"postal codes not in {self.region}'s format")
        script_regions, weak, why = self._script_regions(encoding)
        candidates: set[str] = set()
        if "CJK" in self.script and "cells in its script" in self.for_ and script_regions \
                and self.region not in script_regions:
            # Han characters in forms (or beside kana, Hangul) the region does not write:
            # the text is evidence for the countries that do (臺, 縣: TW, HK, MO), not for it.
            del self.for_["cells in its script"]
            said.append(f"{why} ({', '.join(sorted(script_regions))})")
            for r in script_regions:
                points[r] += max(1, self.letter_cells, self.language.han // 10)
        elif script_regions:
            candidates |= script_regions - {self.region}    # weighed by the numbers alone
        letters = frozenset(self.letters)
        langs = ("Japanese",) if self.kana else places.letter_languages(letters) if letters else ()
        if langs and self.region not in places.language_regions(langs):
            regions = sorted(places.language_regions(langs))
            # (the letters are cut out of names: counted, never shown)
            said.append(f"letters of {', '.join(langs)} in {self.letter_cells} cell(s) ("
                        + ", ".join(regions[:5]) + ")")
            for r in regions:
                points[r] += max(1, self.letter_cells)
        enc_langs = places.encoding_languages(encoding or "") if self.letters or self.for_ else ()
        if enc_langs:
            regions = places.language_regions(enc_langs)
            if self.region in regions and (not script_regions or self.region in script_regions):
                self._for(f"its language's encoding", encoding or "")
            elif self.region not in regions:
                said.append(f"encoding {encoding} ({', '.join(enc_langs)})")
                for r in regions:
                    points[r] += 1
        # The file's numbers weigh the countries it points to: "0912-967-302" and
        # "(02) 2345-6789" read in TW, not in HK or MO; a number the region refuses is
        # evidence against it.
        support: Counter[str] = Counter()
        candidates |= set(points)
        candidates.discard(self.region)
        if self.numbers and len(candidates) <= 3 * MAX_REGIONS:
            for r in candidates:
                support[r] = sum(1 for t in self.numbers if nz.reading_in(t, r))
        own = sum(self.numbers.values())
        total = Counter({r: points[r] + support[r] for r in candidates if points[r] or support[r] > own})
        top = total.most_common()
        best = [r for r, k in top if k == top[0][1]] if top else []
        self.examples = tuple(sorted(best))[:3] if best and len(best) <= 3 else ()
        if weak and "cells in its script" in self.for_ and len(best) == 1 and support[best[0]] > own \
                and best[0] in script_regions:
            # characters every Han-writing country writes, and numbers that read in one of
            # them more than in the region: the text says nothing for the region
            del self.for_["cells in its script"]
            said.append(f"numbers that read in {best[0]} more than in {self.region} "
                        f"({support[best[0]]} against {own} of {len(self.numbers)})")
        one = best[0] if len(best) == 1 else None
        self.weights = total            # country -> the file's evidence for it (SetRegionEvidence)
        taken = sum(self.taken_n.values())
        if one and 2 * total[one] < taken:
            one = None      # a few rows' places: no word on the file as a whole
        return said, one

    def option(self) -> str:
        """The --region option the file's evidence names ("--region TW", "--region HK or
        --region SG"), or "--region CC" when it points nowhere."""
        return " or ".join(f"--region {r}" for r in self.examples) if self.examples else "--region CC"

    def _refused_line(self, said: list[str]) -> dict | None:
        """The summary's line on numbers the region refuses that read in the country the
        file points to ("9539 6767" in a file of Hong Kong addresses), or None."""
        refused = [t for t, ok in self.numbers.items() if not ok]
        if not refused or not self.examples:
            return None
        ok = [t for t in refused if any(nz.reading_in(t, r) for r in self.examples)]
        if not ok:
            return None
        shown = ", ".join(f"'{t}'" for t in ok[:SHOWN_EXAMPLES])
        where = " or ".join(self.examples)
        return {"what": f"phone numbers not of {self.region}",
                "decided": "left empty (their text in Notes, the row warned)",
                "evidence": f"{len(ok)} number(s) without a country code ({shown}) are no {self.region} numbers "
                            f"(the store's assumed region) but read in {where}"
                            + (", where the file points: " + "; ".join(said) if said else "")
                            + f"; give the file's country with {self.option()}, or add a Country column"}

    def file_region(self, encoding: str | None) -> tuple[str, dict] | None:
        """The file's country, decided once for the whole file, when the region is only
        ASSUMED and most numbers without a country code (rows without a country of their
        own, no Country column naming any) are no numbers of it: (the country, the
        summary's line) when one country reads at least FILE_READS of them and the file
        points there, more than to any other such country: numbers written with its
        country code ("+852 …"), its cities, addresses or postal codes, a writing or
        letters of its language the region does not write (traditional Chinese for HK,
        MO, TW; Hangul for KR). Raises ImportRefused naming the column, examples and the
        --region options when countries read the numbers and the file cannot tell which
        (a Hong Kong or a Singapore "9123 4567"). None when the question does not arise
        (most numbers are the region's, the file says it is the region's, no one country
        reads the numbers): each row is read as before."""
        from ..domain import places
        from .errors import ImportRefused

        if self.countries or not self.file_texts:
            return None
        header = max(self.file_texts, key=lambda h: len(self.file_texts[h]))
        texts = self.file_texts[header]
        # numbers of FULL_DIGITS digits or more: shorter ones ("495-12") are pieces of
        # numbers, which a country of short numbers (LU) reads by chance
        refused = [t for t in texts if not nz.reading_in(t, self.region)
                   and sum(ch.isdigit() for ch in t) >= FULL_DIGITS]
        if len(refused) < MIN_CELLS or 2 * len(refused) <= len(texts):
            return None
        if set(self.for_) - {"cells in its script"}:
            return None         # its mobiles, cities, +86 numbers…: the region's file, row by row
        sample = refused[:FOREIGN_SAMPLE]
        reads = Counter(r for t in sample for r in set(regions_reading(t)) if r != self.region)
        candidates = [r for r, k in reads.items() if 2 * k > len(sample)]
        ok = {r: sum(1 for t in texts if nz.reading_in(t, r)) for r in candidates}
        readers = _one_per_plan(sorted((r for r in candidates if ok[r] >= FILE_READS * len(texts)),
                                       key=lambda r: (-ok[r], r)))
        if not readers:
            return None         # no one country's numbers: each row's own check
        # what in the file points to each of them (never a customer's name or its letters)
        script_regions, weak, why = self._script_regions(encoding)
        letters = frozenset(self.letters)
        langs = places.letter_languages(letters) if letters and not self.kana else ()
        letter_regions = places.language_regions(langs) if langs else frozenset()
        reasons: dict[str, list[str]] = {}
        for r in readers:
            got = reasons.setdefault(r, [])
            code = phonenumbers.country_code_for_region(r)
            plus = sum(k for where, k in self.plus.items() if phonenumbers.country_code_for_region(where) == code)
            if plus:
                got.append(f"{plus} number(s) written with +{code}")
            if self.against.get(r):
                got.append(", ".join(self.against_examples[r]))
            if r in script_regions and self.region not in script_regions and not weak:
                got.append(why)
            if r in letter_regions and self.region not in letter_regions:
                got.append(f"letters of {', '.join(langs)} in {self.letter_cells} cell(s)")
        pointed = sorted((r for r in readers if reasons[r]), key=lambda r: -len(reasons[r]))
        shown = ", ".join(f"'{t}'" for t in refused[:SHOWN_EXAMPLES])
        counted = (f"{len(refused)} of {len(texts)} phone number(s) without a country code"
                   + (" looked at" if len(texts) < self.file_seen[header] else ""))
        assumed = f"{self.region} is only assumed: no store region is set"
        if pointed and (len(pointed) == 1 or len(reasons[pointed[0]]) > len(reasons[pointed[1]])):
            r = pointed[0]
            return r, {"what": "phone region of the file",
                       "decided": f"{r}: numbers without a country code read as {r} numbers",
                       "evidence": f"column '{header}': {counted} ({shown}) are no {self.region} numbers "
                                   f"({assumed}) and {ok.get(r, max(ok.values()))} are valid {r} numbers; "
                                   f"the file points to {r}: " + "; ".join(reasons[r])
                                   + f". Give --region CC to read them as another country's, or set the "
                                     "store's with `cims settings region CC`"}
        if not pointed and 2 * sum(t.lstrip("( ")[:1] == "0" for t in refused) >= len(refused):
            # numbers with a trunk 0 and nothing pointing anywhere: the plans that read
            # most digits after a 0 (DE, AT, IT) read them by chance; each row's own check
            return None
        named = pointed[:SHOWN] or readers[:SHOWN]
        more = len(readers) - len(named) if not pointed else 0
        where = "; ".join(f"{r}: " + "; ".join(reasons[r]) for r in pointed[:SHOWN])
        raise ImportRefused(
            f"column '{header}': {counted} ({shown}) are no {self.region} numbers ({assumed}) but valid "
            f"numbers of {', '.join(named)}{f' and {more} more countries' if more > 0 else ''}"
            + (f"; the file points to several of them ({where})" if where else
               "; nothing else in the file tells which")
            + ". Nothing was imported. Give the file's country with "
            + " or ".join(f"--region {r}" for r in named)
            + f" (its two-letter code), or set the store's with `cims settings region CC`, or add a Country "
              f"column; if they are {self.region} numbers, write them as {self.region} dials them (with the "
              "area code or trunk prefix).")

    def decide(self, encoding: str | None, settled: int = 0) -> dict | None:
        """The summary's line on the assumed region (see the class). `settled`: of the
        numbers read in the region, those a blank Country among rows of one country
        settles. Raises ImportRefused (see the class)."""
        from .errors import ImportRefused

        said, one = self._pointing(encoding)
        taken = sum(self.taken_n.values()) - settled
        if taken > 0 and not self.for_ and not one:
            # Nothing for the region, nothing pointing at one other country: each such
            # number is refused (left empty, its text in Notes, the row warned).
            self.unsupported = f"nothing in the file says its numbers are {self.region} numbers"
            header = max(self.taken_n, key=lambda h: self.taken_n[h])
            shown = ", ".join(f"'{e}'" for e in self.taken[header])
            return {"what": f"assumed phone region {self.region}",
                    "decided": f"numbers without a country code that read in {self.region} are left empty "
                               "(their text in Notes, the row warned)",
                    "evidence": f"{taken} number(s) ({shown}) read in {self.region} only because it is the "
                                f"store's assumed region, and nothing in the file says they are {self.region} "
                                "numbers" + ("; the file points elsewhere: " + "; ".join(said) if said else "")
                                + f"; give the file's country with {self.option()}, or set the store's with "
                                  "`cims settings region CC`, or add a Country column"}
        if taken > 0 and not self.for_:
            header = max(self.taken_n, key=lambda h: self.taken_n[h])
            shown = ", ".join(f"'{e}'" for e in self.taken[header])
            why = ("; the file points elsewhere: " + "; ".join(said)) if said else ""
            raise ImportRefused(
                f"column '{header}': {max(taken, sum(self.numbers.values()) - settled)} phone number(s) "
                f"without a country code ({shown}) would be "
                f"read as {self.region} numbers only because {self.region} is the store's assumed region, "
                f"and nothing in the file says they are {self.region} numbers{why}. Nothing was imported. "
                f"Give the file's country with --region {one or 'CC'}"
                f"{' (its two-letter code)' if not one else ''}, or set the store's with "
                f"`cims settings region CC`, or add a Country column.")
        if taken <= 0 or not self.for_:
            return self._refused_line(said)
        # (examples of places, domains and numbers as other lines show them; never a name)
        found = "; ".join(f"{k} (e.g. '{self.for_examples[k]}')" if k != "cells in its script"
                          else f"{k} ({self.for_examples[k]})" for k, n in self.for_.most_common(4))
        return {"what": f"assumed phone region {self.region}",
                "decided": f"numbers without a country code read in {self.region}",
                "evidence": f"for {self.region}: {found}"
                            + ("; against: " + "; ".join(said) + " (such rows' numbers are left empty "
                               "when their own city or postal code is elsewhere)" if said else "")}


# ----- the store's region, set: numbers that are not its numbers -----------------------

# numbers checked against the region: the first CHECKED_FIRST, then one in 100, past
# 100,000 one in 1,000 (the share of a long file, at a bounded cost)
CHECKED_FIRST = 500
FOREIGN_SAMPLE = 40     # numbers the region refuses that are tried in other countries


def address_places(text: str) -> frozenset[str]:
    """The countries the end of an address names ("…, Kowloon, Hong Kong",
    "10 Anson Road, Singapore 079903"): its last two comma-separated parts, without
    the digits of a postal code, as places.place_countries reads a city."""
    from ..domain import places

    for part in reversed([p.strip() for p in text.split(",") if p.strip()][-2:]):
        words = " ".join(w for w in part.split() if not any(ch.isdigit() for ch in w))
        if words and (found := places.place_countries(words)):
            return found
    head = text.strip()[:3]
    if head and _EAST_ASIAN.match(head):
        # "新加坡乌节路1号", "香港中環…": Chinese and Japanese write the country or city first
        text = text.strip()
        for size in (3, 2):
            if len(head) >= size and _EAST_ASIAN.fullmatch(head[:size]) \
                    and text[size:size + 1] not in _DIVISION_AFTER and (found := places.place_countries(head[:size])):
                return found
    return frozenset()


_EAST_ASIAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")
# a word of kind after a place's first characters: "大埔县" is a county named 大埔 (in
# Guangdong), not Hong Kong's 大埔; the whole name with it is looked up instead
_DIVISION_AFTER = frozenset("县縣市镇鎮省州乡鄉")


def _place_shown(text: str) -> str:
    """The place an East Asian address starts with, for a message (never the street)."""
    from ..domain import places

    head = text.strip()[:3]
    for size in (3, 2):
        if places.place_countries(head[:size]):
            return head[:size]
    return head[:2]


class SetRegionEvidence(AssumedRegionEvidence):
    """A file's numbers without a country code in a store whose region is SET (`cims
    settings region`; no --region given): whether most of them are no numbers of that
    region while they are valid in another country.

    A Singapore or Hong Kong file ("9123 4567") in a CN store would otherwise be stored
    as possible but unassigned Chinese numbers ("+8691234567"), in a US store refused
    row by row. When more than half of the numbers the region is asked to read (rows
    without a country of their own) are no valid numbers there, and most of those are
    valid in another country, `decide` stops the import before anything is written,
    naming the column, examples and `--region XX`: the country the file points to
    (cities, addresses, postal codes, letters, encoding: AssumedRegionEvidence) when
    the numbers read there, else the countries the numbers themselves read in, unless
    the file gives evidence for the region itself (its script, cities, mobiles…), which
    then keeps reading them row by row as before.

    Numbers VALID in the region can be another country's too ("010-1234-5678" is a
    Korean mobile and a Beijing number): when the whole file points to one other country
    (or a few alike) more than to the region (`_conflict_stop`) and most of its numbers
    are valid there as well, the import stops the same way, showing both readings,
    naming `--region XX` and `--region <the store's>`, which keeps the store's reading."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.national: Counter[str] = Counter()     # phone header -> numbers without a country code
        self.checked_n: Counter[str] = Counter()    # of those, checked (past the first, a sample)
        self.refused: Counter[str] = Counter()      # of the checked, no valid number of the region
        self.refused_texts: dict[str, list[str]] = {}
        self.sample: dict[str, list[str]] = {}      # phone header -> numbers read in the region
        self.valid_n: Counter[str] = Counter()      # phone header -> checked numbers valid in the region
        self.home = 0                               # cells pointing to the region itself
        self.home_examples: list[str] = []
        self.looked = 0                             # rows with a number to read, among those looked at
        self.script_cells = 0                       # rows with letters of the region's own script

    def _home(self, example: str) -> None:
        self.home += 1
        if len(self.home_examples) < SHOWN_EXAMPLES and example not in self.home_examples:
            self.home_examples.append(example)

    def _count_home(self, values: list) -> None:
        """Count the row's cells that point to the region itself: its cities, addresses,
        postal codes (in its format, few others'), email domains, letters of its own
        (non-Latin) script, numbers written with its country code."""
        from ..domain import places

        n = len(values)
        for c in self.city_cols:
            v = values[c] if c < n else None
            if isinstance(v, str) and v.strip() and self.region in places.place_countries(v):
                self._home(f"city '{v.strip()}'")
        for c in self.address_cols:
            v = values[c] if c < n else None
            if isinstance(v, str) and v.strip() and self.region in address_places(v):
                self._home(f"address '…{v.strip().rsplit(',', 1)[-1].strip()}'")
        for c in self.postal_cols if self._postal_format else ():
            v = values[c] if c < n else None
            if isinstance(v, int) and not isinstance(v, bool):
                v = str(v)
            if isinstance(v, str) and v.strip() and places.fits_postal(v, self.region) \
                    and len(places.postal_countries(v)) <= places.FEW_FORMATS:
                self._home(f"postal code '{v.strip()}'")
        for c in self.email_cols:
            v = values[c] if c < n else None
            if isinstance(v, str) and "@" in v and nz.email_region(v) == self.region:
                self._home(f"email domain '{v.strip().rsplit('@', 1)[-1]}'")
        for c, _h in self.phone_cols:
            text = _phone_text(values[c]) if c < n else None
            lead = text.lstrip("( ") if text else ""
            if (lead[:1] == "+" or lead[:2] == "00") and self._own_code(lead):
                self._home(f"'{text}'")
        if self.script:
            for v in values:
                if type(v) is str and not v.isascii() and any(
                        ord(ch) > 127 and ch.isalpha() and places.script_word(ch) in self.script for ch in v):
                    self.script_cells += 1
                    break

    def add(self, values: list) -> None:
        n = len(values)
        own = any(i < n and isinstance(values[i], (str, int)) and _filled(values[i])
                  for i in self.country_cols)
        if not own and self.rows < LOOKED_AT:
            self._count_home(values)
            if any(c < n and _phone_text(values[c]) is not None for c, _h in self.phone_cols):
                self.looked += 1
        if not own:
            for c, header in self.phone_cols:
                text = _phone_text(values[c]) if c < n else None
                if text is None:
                    continue
                lead = text.lstrip("( ")
                if lead[:1] == "+" or lead[:2] == "00":
                    continue                        # its own country code
                seen = self.national[header]
                if seen >= CHECKED_FIRST and seen % (100 if seen < 100_000 else 1_000):
                    self.national[header] += 1
                    continue                        # past the first, a sample decides the share
                self.national[header] += 1
                self.checked_n[header] += 1
                if _valid_there(text, self.region):
                    self.valid_n[header] += 1
                    shown = self.sample.setdefault(header, [])
                    if len(shown) < FOREIGN_SAMPLE and text not in shown:
                        shown.append(text)
                else:
                    self.refused[header] += 1
                    shown = self.refused_texts.setdefault(header, [])
                    if len(shown) < FOREIGN_SAMPLE and text not in shown:
                        shown.append(text)
        if self.rows < LOOKED_AT:
            super().add(values)     # where the file points: its first rows tell
        else:
            self.rows += 1

    def _checked(self, header: str) -> int:
        return self.checked_n[header]

    def decide(self, encoding: str | None, settled: int = 0) -> dict | None:
        """None, or raises ImportRefused (see the class and `_conflict_stop`)."""
        self._refused_stop(encoding)
        self._conflict_stop(encoding)
        return None

    def _refused_stop(self, encoding: str | None) -> None:
        """Raises when most numbers are no valid numbers of the region (see the class)."""
        from .errors import ImportRefused

        stops = [h for h in self.national if self.refused[h] >= MIN_CELLS
                 and 2 * self.refused[h] > self._checked(h)]
        if not stops:
            return None
        header = max(stops, key=lambda h: self.refused[h])
        refused = self.refused_texts[header]
        said, one = self._pointing(encoding)
        reads: Counter[str] = Counter()
        for text in refused:
            for r in regions_reading(text):
                if r != self.region:
                    reads[r] += 1
        # the countries that read most of the refused numbers (one per numbering plan)
        readers = [r for r, k in reads.most_common() if 2 * k > len(refused)]
        if not readers:
            return None         # no country's numbers: mistyped, left to each row's check
        pointed = [r for r in ([one] if one else list(self.examples)) if r in readers]
        if not pointed and self.for_:
            return None         # the file says it is the region's: each row as before
        plans = _one_per_plan(readers)
        named = pointed or plans[:SHOWN]
        option = " or ".join(f"--region {r}" for r in named) if len(named) <= 3 else "--region CC (its code)"
        if not pointed and len(plans) > SHOWN:
            named = named + [f"{len(plans) - SHOWN} more"]
        shown = ", ".join(f"'{t}'" for t in refused[:SHOWN_EXAMPLES])
        where = (", where the file points: " + "; ".join(said)) if pointed and said else ""
        raise ImportRefused(
            f"column '{header}': {self.refused[header]} of {self._checked(header)} phone number(s) without "
            f"a country code{' checked' if self._checked(header) < self.national[header] else ''} ({shown}) are no valid {self.region} numbers ({self.region} is the store's "
            f"region) but valid in {', '.join(named)}{where}. Nothing was imported. "
            f"Give the file's country with {option}, or add a Country column, or write the numbers "
            "with + and their country code.")

    def _conflict_stop(self, encoding: str | None) -> None:
        """Raises when the numbers are valid in the region AND in the one other country
        the whole file points to (its letters, headings' language, cities, addresses,
        postal codes, email domains: `_pointing`), more than to the region itself: a
        Korean file's "010-1234-5678" is a Beijing number too, a Singapore "9123 4567" a
        German one. Which reading is meant the numbers cannot tell, so the import stops
        before writing, naming the column, both readings and the options that settle it.
        A file pointing to the region or nowhere, or a few foreign places among many
        rows, changes nothing."""
        from .errors import ImportRefused

        if not self.sample:
            return None
        said, one = self._pointing(encoding)
        # the one country the file points to, or the few (up to 3) it points to alike
        pointed = [r for r in _one_per_plan([one] if one else list(self.examples))
                   if phonenumbers.country_code_for_region(r) != self.code]
        if not pointed or (not one and len(pointed) < len(self.examples)):
            return None         # nowhere, or the region itself among them
        home = self.home + (self.script_cells if "cells in its script" in self.for_ else 0)
        weights = getattr(self, "weights", {})
        away = max(weights.get(r, 0) for r in pointed)
        if away <= home or 2 * away < min(self.looked, LOOKED_AT):
            return None         # the file points to the region too, or only a few rows elsewhere
        header = max(self.sample, key=lambda h: self.national[h])
        sample = self.sample[header]
        valid = {r: [t for t in sample if _valid_there(t, r)] for r in pointed}
        pointed = [r for r in pointed if len(valid[r]) >= min(MIN_CELLS, len(sample))
                   and 2 * len(valid[r]) > len(sample)]
        if not pointed:
            return None         # not the other country's numbers: each row as before
        both = valid[pointed[0]]
        if not said:        # the file's writing, weighed by its numbers (_pointing)
            lang = self.language.verdict().language
            lang = lang if lang in file_language.LANGUAGES else None
            said = [(f"text in {file_language.NAMES[lang]}, " if lang else "") + "numbers that read there"]
        shown = "; ".join(f"'{t}': {_e164(t, self.region)} as {self.region}, "
                          + ", ".join(f"{_e164(t, r)} as {r}" for r in pointed)
                          for t in both[:SHOWN_EXAMPLES])
        home_said = (f" (for {self.region}: {', '.join(self.home_examples)})" if self.home_examples else "")
        where = " or ".join(pointed)
        raise ImportRefused(
            f"column '{header}': {len(both)} of {len(sample)} phone number(s) without a country code"
            f"{f' (looked at, of {self.valid_n[header]} checked)' if len(sample) < self.valid_n[header] else ''}"
            f" are valid {self.region} numbers "
            f"({self.region} is the store's region) and valid {where} numbers too ({shown}), and the file "
            f"points to {where}: " + "; ".join(said) + home_said + ". Which country's numbers they are "
            "cannot be told from the numbers. Nothing was imported. Give the file's country with "
            + " or ".join(f"--region {r}" for r in pointed)
            + f", or --region {self.region} to keep reading them as {self.region} numbers, "
            "or add a Country column, or write the numbers with + and their country code.")


def _e164(text: str, region: str) -> str:
    """`text` read in `region`, as +CC… (for a message showing both readings)."""
    return phonenumbers.format_number(phonenumbers.parse(text, region), phonenumbers.PhoneNumberFormat.E164)


def _one_per_plan(regions: list[str]) -> list[str]:
    """`regions` with one country per numbering plan (the plan's main one: US for CA)."""
    out: list[str] = []
    for r in regions:
        main = phonenumbers.region_code_for_country_code(phonenumbers.country_code_for_region(r)) or r
        if main not in out:
            out.append(main)
    return out


@functools.lru_cache(maxsize=4096)
def _valid_there(text: str, region: str) -> bool:
    """Whether `text` (no country code) is a valid number of `region` as phonenumbers
    reads it there (the store's region set: a Chinese landline written without its
    trunk 0 is one; "9123 4567" is none)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


def _phone_text(v: object) -> str | None:
    """A phone cell's text, or None for a blank or non-phone cell."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        try:
            return nz.phone_text_from_number(v)
        except ValueError:
            return None
    if not isinstance(v, str) or not v.strip():
        return None
    text = v.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text)
