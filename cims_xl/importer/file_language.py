"""Which East Asian language a file is written in, as evidence for a currency symbol
the languages' countries share (issue 14).

"¥1,200" is yen in Japan and yuan in China. A row's Country settles it
(`row_currency`); without one, the file itself often says which language it is
written in, and so where its amounts come from:

- its encoding, when its bytes were read in a national one: Shift_JIS/cp932, EUC-JP,
  ISO-2022-JP (Japanese); GB18030/GBK/GB2312 (Chinese, simplified); Big5 (Chinese,
  traditional); cp949/EUC-KR (Korean);
- its characters (headings and text cells): kana are written in Japanese only; Hangul
  in Korean; and each way of writing Chinese characters has forms the others lack.
  A character set stands for each: GB2312 for simplified Chinese, Big5 for
  traditional Chinese, JIS X 0208 with Windows' extensions (cp932) for Japanese.
  "顧客名", "金額", "株式会社" read as Japanese only (顧, 額 are no simplified forms;
  会 is no traditional one); "订单", "客户" as simplified Chinese only; names such as
  "王芳" or "山田太郎" in characters all three write say nothing;
- dates written in a calendar of one country: Japanese era names ("令和6年3月5日",
  "R6.3.5") and Minguo years ("民國113年3月5日", Taiwan), as the date reader found them.

Each piece of evidence names the languages it allows; the language is the one they all
allow. `LanguageVerdict.currency_for(codes)` turns it into the one of a symbol's
currencies that is legal tender in the language's usual country (CLDR likely subtags
and territory currencies, through babel): Japanese -> JP -> JPY, simplified Chinese ->
CN -> CNY; traditional Chinese (TW) and Korean (KR) settle no "¥". Evidence that
disagrees (kana beside simplified-only characters, a GB18030 file with era dates) is
`mixed`: a shared symbol is then not read on it.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

JA, ZH_HANS, ZH_HANT, KO = "ja", "zh_Hans", "zh_Hant", "ko"
LANGUAGES = (JA, ZH_HANS, ZH_HANT, KO)
# languages told by an alphabet of their own (imp25c): Thai, Hebrew and Greek letters, the
# letters only Vietnamese writes (ơ, ư and the vowels with two marks: ạ ả ấ … ỹ), and
# Cyrillic, which many languages write (Russian, Ukrainian, Bulgarian, Serbian, Kazakh …):
# its countries' currencies are all its home currencies
TH, VI, HE, EL, CYRL = "th", "vi", "he", "el", "Cyrl"
SCRIPT_LANGUAGES = (TH, VI, HE, EL, CYRL)
ALL_LANGUAGES = LANGUAGES + SCRIPT_LANGUAGES
NAMES = {JA: "Japanese", ZH_HANS: "Chinese (simplified)", ZH_HANT: "Chinese (traditional)", KO: "Korean",
         TH: "Thai", VI: "Vietnamese", HE: "Hebrew", EL: "Greek",
         CYRL: "Cyrillic (Russian, Ukrainian, Bulgarian, Serbian, Kazakh …)"}
# languages written in Latin letters, told by their heading words (importer.heading_language):
# their names are babel's, their currencies those of the countries where each is official
LATIN_LANGUAGES = ("de", "fr", "es", "it", "pt", "pl", "nl", "cs", "sk", "hu", "ro", "hr", "sv", "da", "nb", "fi",
                   "tr", "id", "ms")


def _latin_names() -> dict[str, str]:
    from babel import Locale
    names = Locale("en").languages
    return {lang: names.get(lang, lang) for lang in LATIN_LANGUAGES}


NAMES.update(_latin_names())
# the key of each language in CLDR's likely subtags (zh -> zh_Hans_CN)
_LIKELY = {JA: "ja", ZH_HANS: "zh", ZH_HANT: "zh_Hant", KO: "ko"}
# national encodings (Python codec names, codecs.lookup) -> the language they are made for
ENCODINGS = {"cp932": JA, "shift_jis": JA, "shift_jis_2004": JA, "shift_jisx0213": JA, "euc_jp": JA,
             "euc_jis_2004": JA, "euc_jisx0213": JA, "iso2022_jp": JA, "iso2022_jp_1": JA, "iso2022_jp_2": JA,
             "iso2022_jp_3": JA, "iso2022_jp_ext": JA, "iso2022_jp_2004": JA,
             "gb18030": ZH_HANS, "gbk": ZH_HANS, "gb2312": ZH_HANS, "hz": ZH_HANS,
             "big5": ZH_HANT, "big5hkscs": ZH_HANT, "cp950": ZH_HANT,
             "cp949": KO, "euc_kr": KO, "johab": KO, "iso2022_kr": KO}
# the character set whose characters each language writes (a character outside it
# speaks against the language)
_CHARSETS = {ZH_HANS: "gb2312", ZH_HANT: "big5", JA: "cp932"}
# calendars of one country (normalize.era_date's calendar words) -> its language
CALENDARS = {"Japanese era": JA, "Minguo (ROC) year": ZH_HANT}

TEXT_BUDGET = 200_000      # characters of text cells looked at (a file's language shows early)
CELL_CHARS = 200           # characters of one cell looked at
EXAMPLES = 3


def language_of_encoding(name: str | None) -> str | None:
    """The language a national encoding is made for ("cp932" -> "ja"), else None
    (UTF-8, Windows-1252 and other encodings many languages share)."""
    if not name:
        return None
    try:
        return ENCODINGS.get(codecs.lookup(name).name)
    except LookupError:
        return None


@functools.lru_cache(maxsize=8192)
def _outside(ch: str) -> tuple[str, ...]:
    """The Chinese-writing languages whose character set lacks the ideograph `ch`."""
    out = []
    for lang, charset in _CHARSETS.items():
        try:
            ch.encode(charset)
        except UnicodeEncodeError:
            out.append(lang)
    return tuple(out)


def _is_kana(o: int) -> bool:
    return 0x3041 <= o <= 0x30FA or 0x30FD <= o <= 0x30FF or 0xFF66 <= o <= 0xFF9D or 0x31F0 <= o <= 0x31FF


def _is_hangul(o: int) -> bool:
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def script_of(o: int) -> str | None:
    """The alphabet-language a letter's code point says (SCRIPT_LANGUAGES), else None."""
    if 0x0E01 <= o <= 0x0E5B:
        return TH
    if 0x05D0 <= o <= 0x05EA or 0xFB1D <= o <= 0xFB4F:
        return HE
    if 0x0386 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return EL
    if 0x0400 <= o <= 0x04FF:
        return CYRL
    if 0x1EA0 <= o <= 0x1EF9 or o in (0x01A0, 0x01A1, 0x01AF, 0x01B0):
        return VI
    return None


def _is_han(o: int) -> bool:
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3134F


@dataclass
class LanguageVerdict:
    """What the evidence says: `language` (one of LANGUAGES) when it allows exactly one,
    `mixed` when its pieces allow none together, and the words for the summary."""

    language: str | None = None
    mixed: bool = False
    evidence: list[str] = field(default_factory=list)      # what points to `language` (or, mixed, to each)

    def currency_for(self, codes: Iterable[str]) -> str | None:
        """The one currency among `codes` legal tender in the language's usual country
        (CLDR: ja -> JP -> JPY; zh_Hans -> CN -> CNY), else None."""
        if self.language is None or self.mixed or self.language not in LANGUAGES:
            return None
        hits = _home_currencies(self.language) & set(codes)
        if len(hits) != 1 or self.candidates(codes) != hits:
            return None         # "元" in traditional Chinese: TWD, HKD or MOP (Taiwan, Hong Kong, Macau)
        return next(iter(hits))

    def candidates(self, codes: Iterable[str]) -> frozenset[str]:
        """The currencies among `codes` legal tender in a country where the language is
        official (home_regions: traditional Chinese -> TW, HK, MO -> TWD, HKD, MOP), else
        empty (no language, mixed evidence, or none of them)."""
        if self.language is None or self.mixed or self.language not in LANGUAGES:
            return frozenset()
        return _region_currencies(self.language) & frozenset(codes)

    def describe(self) -> str:
        """"Japanese: kana in the headings or text (e.g. 'ステータス'); …" for the summary."""
        return f"{NAMES[self.language]}: " + "; ".join(self.evidence) if self.language else "; ".join(self.evidence)


@functools.lru_cache(maxsize=16)
def _home_currencies(language: str) -> frozenset[str]:
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    if language in SCRIPT_LANGUAGES or language in LATIN_LANGUAGES:
        return frozenset(code for territory in _script_regions(language)
                         for code in get_territory_currencies(territory, tender=True))
    tag = get_global("likely_subtags").get(_LIKELY[language], "")
    territory = tag.rsplit("_", 1)[-1] if tag.count("_") == 2 else None
    if not territory:
        return frozenset()
    return frozenset(get_territory_currencies(territory, tender=True))


@functools.lru_cache(maxsize=8)
def _region_currencies(language: str) -> frozenset[str]:
    """The currencies legal tender in every country where `language` is official (CLDR)."""
    from babel.numbers import get_territory_currencies

    return frozenset(code for territory in home_regions(language)
                     for code in get_territory_currencies(territory, tender=True))


@functools.lru_cache(maxsize=8)
def home_regions(language: str) -> frozenset[str]:
    """The countries where `language` (one of LANGUAGES) is an official language, as
    CLDR's territory languages say (babel): ja -> JP; zh_Hans -> CN, SG; zh_Hant -> TW,
    HK, MO; ko -> KR, KP."""
    from babel.core import get_global

    keys = {ZH_HANS: ("zh", "zh_Hans")}.get(language, (language,))
    return frozenset(territory for territory, info in get_global("territory_languages").items()
                     if len(territory) == 2 and territory.isalpha()
                     and any((info.get(k) or {}).get("official_status") == "official" for k in keys))


@functools.lru_cache(maxsize=8)
def _script_regions(language: str) -> frozenset[str]:
    """The countries where a language of SCRIPT_LANGUAGES is official (CLDR's territory
    languages, through babel): th -> TH, el -> GR, CY; Cyrl -> every country where a
    language written in Cyrillic (CLDR likely subtags) is (RU, UA, BY, KZ, BG, RS …)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    if language == CYRL:
        keys = {k for k, tag in likely.items() if "_" not in k and tag.split("_")[1:2] == ["Cyrl"]}
    else:
        keys = {language}
    # Spanish in Mexico, English in the United States: official in fact, not by law (CLDR
    # "de_facto_official"), counted for the languages told by their heading words
    statuses = ("official", "de_facto_official") if language in LATIN_LANGUAGES else ("official",)
    return frozenset(territory for territory, info in get_global("territory_languages").items()
                     if len(territory) == 2 and territory.isalpha()
                     and any((info.get(k) or {}).get("official_status") in statuses for k in keys))


@functools.lru_cache(maxsize=16)
def first_currency(language: str) -> str | None:
    """The currency of the language's most likely country (CLDR likely subtags: ru -> RU ->
    RUB for Cyrillic, el -> GR -> EUR), to be named first."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    tag = get_global("likely_subtags").get({CYRL: "ru"}.get(language, _LIKELY.get(language, language)), "")
    territory = tag.rsplit("_", 1)[-1] if tag.count("_") == 2 else None
    codes = get_territory_currencies(territory, tender=True) if territory else []
    return codes[0] if codes else None


@functools.lru_cache(maxsize=1)
def english_currencies() -> frozenset[str]:
    """The currencies legal tender where English is official (CLDR, babel): USD, GBP, EUR (IE) …"""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    return frozenset(code for territory, info in get_global("territory_languages").items()
                     if len(territory) == 2 and territory.isalpha()
                     and (info.get("en") or {}).get("official_status") in ("official", "de_facto_official")
                     for code in get_territory_currencies(territory, tender=True))


def home_currencies(language: str) -> frozenset[str]:
    """The currencies legal tender in `language`'s usual country (CLDR: ja -> JPY,
    zh_Hans -> CNY, zh_Hant -> TWD, ko -> KRW)."""
    return _home_currencies(language)


def settles(codes: Iterable[str]) -> bool:
    """Whether the file's language may tell a symbol's currencies apart: at least two of
    `codes` are each legal tender where one of LANGUAGES is at home ("¥": CNY, JPY)."""
    homes = {lang for lang in LANGUAGES for c in codes if c in _home_currencies(lang)}
    return len({c for c in codes if any(c in _home_currencies(lang) for lang in homes)}) >= 2


# The scripts whose headings say where a file was written, for a short currency mark two
# currencies share ("SR": SAR, SCR; "Br": BYN, ETB; importer.run.settle_bare_symbols): the
# Arabic script (Arabic, Persian, Urdu …) and Cyrillic. Kept apart from the file's verdict
# (SCRIPT_LANGUAGES), which weighs bare amounts: only a shared mark is settled on it.
MARK_SCRIPTS = {"Arab": "the Arabic script (Arabic, Persian, Urdu …)",
                "Cyrl": "Cyrillic (Russian, Ukrainian, Belarusian, Kazakh …)"}


def _mark_script_of(o: int) -> str | None:
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "Arab"
    if 0x0400 <= o <= 0x04FF:
        return "Cyrl"
    return None


def heading_script(headers: Iterable[object]) -> tuple[str, list[str]] | None:
    """(script of MARK_SCRIPTS, a few headings) when at least a third of the headings with
    letters are written mostly in it ("المبلغ", "Сумма"), else None."""
    lettered, found = 0, {}
    for h in headers:
        if not isinstance(h, str) or not any(ch.isalpha() for ch in h):
            continue
        lettered += 1
        letters = [ch for ch in h[:CELL_CHARS] if ch.isalpha()]
        counts: dict[str, int] = {}
        for ch in letters:
            if (script := _mark_script_of(ord(ch))) is not None:
                counts[script] = counts.get(script, 0) + 1
        if counts and (script := max(counts, key=counts.__getitem__)) and counts[script] * 2 >= len(letters):
            found.setdefault(script, []).append(h.strip()[:30])
    for script, examples in found.items():
        if len(examples) * 3 >= lettered:
            return script, examples[:EXAMPLES]
    return None


@functools.lru_cache(maxsize=4)
def script_currencies(script: str) -> frozenset[str]:
    """The currencies legal tender in the countries where an official language is written
    in `script` by default (CLDR likely subtags and territory languages, through babel):
    Arab -> SAR, AED, EGP, IRR, PKR …; Cyrl -> RUB, UAH, BYN, KZT …"""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    likely = get_global("likely_subtags")
    keys = {k for k, tag in likely.items() if "_" not in k and tag.split("_")[1:2] == [script]}
    regions = {territory for territory, info in get_global("territory_languages").items()
               if len(territory) == 2 and territory.isalpha()
               and any((info.get(k) or {}).get("official_status") == "official" for k in keys)}
    return frozenset(code for territory in regions for code in get_territory_currencies(territory, tender=True))


def home_languages(codes: Iterable[str]) -> str:
    """"Japanese (JPY) or Chinese (simplified) (CNY)": the languages whose usual country
    has one of `codes` as legal tender, for a message."""
    found = [f"{NAMES[lang]} ({code})" for lang in LANGUAGES for code in sorted(codes)
             if code in _home_currencies(lang)]
    return " or ".join(found) or "a language of a country using one of them"


class LanguageEvidence:
    """Collects the evidence of one file: its encoding, its headings, its text cells
    (`add`, up to TEXT_BUDGET characters), and the calendars its dates name
    (`add_calendar`). `verdict()` weighs it."""

    def __init__(self, encoding: str | None, headers: Iterable[object] = ()):
        self.encoding = encoding
        self.chars = 0                 # characters looked at
        self.han = 0                   # ideographs seen
        self.kana: list[str] = []      # a few texts with kana
        self.kana_count = 0
        self.hangul: list[str] = []
        self.hangul_count = 0
        self.against: dict[str, int] = {lang: 0 for lang in _CHARSETS}   # ideographs outside its set
        self.against_examples: dict[str, list[str]] = {lang: [] for lang in _CHARSETS}
        self.heading_kana = False
        # text cells (not headings) with kana, Hangul: counted, never quoted (customers' names)
        self.kana_cells = 0
        self.hangul_cells = 0
        self.calendars: dict[str, list[str]] = {}
        # headings written in an alphabet of SCRIPT_LANGUAGES: language -> their count, examples
        self.lettered = 0
        self.script_headings: dict[str, int] = {}
        self.script_examples: dict[str, list[str]] = {}
        for h in headers:
            if isinstance(h, str) and any(ch.isalpha() for ch in h):
                self.lettered += 1
                if not h.isascii():
                    self._script_heading(h[:CELL_CHARS])
            if isinstance(h, str) and not h.isascii():
                before = self.kana_count
                self._text(h[:CELL_CHARS], heading=True)
                self.heading_kana = self.heading_kana or self.kana_count > before
        # the headings' own evidence, for `origin`
        self._headings = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                          for k, v in vars(self).items()}

    def origin(self) -> LanguageVerdict:
        """The language of whoever wrote the file: what its encoding, its headings and the
        calendars of its dates say, without its text cells (customers' names in another
        language say where the customers are, not where the books are kept)."""
        own = LanguageEvidence.__new__(LanguageEvidence)
        for k, v in self._headings.items():
            setattr(own, k, {kk: (list(vv) if isinstance(vv, list) else vv) for kk, vv in v.items()}
                    if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
        own.calendars = dict(self.calendars)
        return own.verdict()

    def _script_heading(self, text: str) -> None:
        """One heading's alphabet: Thai, Hebrew, Greek, Cyrillic when most of its letters
        are; Vietnamese when it writes a letter only Vietnamese writes."""
        letters = 0
        counts: dict[str, int] = {}
        for ch in text:
            if ch.isalpha():
                letters += 1
                if (lang := script_of(ord(ch))) is not None:
                    counts[lang] = counts.get(lang, 0) + 1
        lang = VI if VI in counts else max(counts, key=counts.__getitem__) if counts else None
        if lang is None or (lang != VI and counts[lang] * 2 < letters):
            return
        self.script_headings[lang] = self.script_headings.get(lang, 0) + 1
        kept = self.script_examples.setdefault(lang, [])
        if len(kept) < EXAMPLES:
            kept.append(text.strip()[:30])

    def add(self, values: list) -> None:
        """A data row's cells (only text cells with characters beyond ASCII count)."""
        if self.chars >= TEXT_BUDGET:
            return
        for v in values:
            if type(v) is str and not v.isascii():
                self._text(v[:CELL_CHARS])

    def add_calendar(self, calendar: str, examples: list[str]) -> None:
        """Dates the date reader found written in a national calendar ("Japanese era")."""
        if calendar in CALENDARS and examples:
            self.calendars[calendar] = list(examples[:EXAMPLES])

    def _text(self, text: str, heading: bool = False) -> None:
        """One cell's characters. Only a heading's are quoted as examples: a text cell's
        may be a customer's name, which a message never shows (it counts them)."""
        self.chars += len(text)
        kana = hangul = False
        for ch in text:
            o = ord(ch)
            if o < 0x1100:
                continue
            if _is_han(o):
                self.han += 1
                for lang in _outside(ch):
                    self.against[lang] += 1
                    if heading and len(self.against_examples[lang]) < EXAMPLES \
                            and ch not in self.against_examples[lang]:
                        self.against_examples[lang].append(ch)
            elif _is_kana(o):
                self.kana_count += 1
                kana = True
            elif _is_hangul(o):
                self.hangul_count += 1
                hangul = True
        if not heading:
            self.kana_cells += kana
            self.hangul_cells += hangul
            return
        shown = text.strip()[:30]
        if kana and len(self.kana) < EXAMPLES and shown not in self.kana:
            self.kana.append(shown)
        if hangul and len(self.hangul) < EXAMPLES and shown not in self.hangul:
            self.hangul.append(shown)

    def verdict(self) -> LanguageVerdict:
        """The language every piece of evidence allows. A script is evidence when it is
        more than a stray word: kana or Hangul in a heading, or in at least 1 % of the
        East Asian characters seen; ideographs outside a language's set speak against it
        when they are more than 1 % of the ideographs (a name in another script in a
        long list does not)."""
        pieces: list[tuple[frozenset[str], str]] = []
        if (lang := language_of_encoding(self.encoding)) is not None:
            from .encoding import describe
            pieces.append((frozenset({lang}), f"the file's encoding, {describe(codecs.lookup(self.encoding).name)}"))
        east = self.han + self.kana_count + self.hangul_count
        if self.kana_count and (self.heading_kana or self.kana_count * 100 >= east):
            pieces.append((frozenset({JA}), "kana in its " + (
                "headings (e.g. " + ", ".join(f"'{t}'" for t in self.kana) + ")" if self.heading_kana
                else f"text ({self.kana_cells} cell(s))")))
        korean = bool(self.hangul_count) and self.hangul_count * 100 >= east
        if korean:
            pieces.append((frozenset({KO}), "Hangul in its " + (
                "headings (e.g. " + ", ".join(f"'{t}'" for t in self.hangul) + ")" if self.hangul
                else f"text ({self.hangul_cells} cell(s))")))
        if self.han:
            allowed = frozenset(lang for lang in _CHARSETS if self.against[lang] * 100 <= self.han)
            if korean:          # Korean writes its few ideographs (hanja) as it likes: no evidence against it
                allowed |= {KO}
            if allowed != frozenset(_CHARSETS) | ({KO} if korean else frozenset()):
                pieces.append((allowed, self._forms(allowed)))
        for calendar, examples in self.calendars.items():
            pieces.append((frozenset({CALENDARS[calendar]}), f"dates in the {calendar} calendar (e.g. "
                           + ", ".join(f"'{e}'" for e in examples) + ")"))
        # an alphabet of one language (or of Cyrillic) in at least a third of the headings
        for lang, count in getattr(self, "script_headings", {}).items():
            if count * 3 >= self.lettered:
                pieces.append((frozenset({lang}), "its headings' letters (e.g. "
                               + ", ".join(f"'{t}'" for t in self.script_examples[lang]) + ")"))
        if not pieces:
            return LanguageVerdict()
        together = frozenset(ALL_LANGUAGES)
        for allowed, _ in pieces:
            together &= allowed
        if len(together) == 1:
            return LanguageVerdict(next(iter(together)), evidence=[why for _, why in pieces])
        if not together:
            return LanguageVerdict(None, mixed=True, evidence=[
                f"{' or '.join(NAMES[lang].split(' (')[0] for lang in sorted(allowed))} by {why}" if not why.startswith(_NO_ONE) else why
                for allowed, why in pieces])
        return LanguageVerdict()

    def _forms(self, allowed: frozenset[str]) -> str:
        """Why the ideographs seen allow only `allowed`: the characters that the other
        languages' sets lack."""
        lacking = [lang for lang in _CHARSETS if lang not in allowed]
        allowed = allowed - {KO}
        said = "; ".join(f"no {NAMES[lang]} form: {self.against[lang]} of {self.han} characters"
                         + (f", e.g. in the headings {', '.join(repr(c) for c in self.against_examples[lang])}"
                            if self.against_examples[lang] else "")
                         for lang in lacking)
        if not allowed:
            # "Chinese characters no one language writes all of (no Japanese form: '订', …)"
            return f"{_NO_ONE} by its Chinese characters, which none of them writes all of ({said})"
        shown = " or ".join(NAMES[lang] for lang in sorted(allowed))
        return f"characters only {shown} writes so ({said})"


_NO_ONE = "no one language"


# ----- the yen sign of Shift_JIS -------------------------------------------------------------

# Shift_JIS puts the yen sign of JIS X 0201 at byte 0x5C, where ASCII has the backslash;
# Python's Shift_JIS codecs (as Microsoft's cp932) read it as "\", and Excel on Japanese
# Windows saves "¥1,200" so: "\1,200" in a file read as Shift_JIS is 1,200 yen.
_YEN_AT_5C = frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"})
_BACKSLASH_AMOUNT = re.compile(r"^(\s*+[-−(]?+\s*+)\\(?=\s*[-−]?\s*[0-9０-９])")


def backslash_is_yen(encoding: str | None) -> bool:
    """Whether `encoding` writes the yen sign with the backslash's byte (Shift_JIS)."""
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name in _YEN_AT_5C
    except LookupError:
        return False


def yen_signs(values: list, columns: frozenset[int], counts: dict[int, int] | None = None) -> list:
    """`values` with a backslash before the digits of an amount in `columns` read as the
    yen sign ("\\1,200" -> "¥1,200"); `counts` (column -> cells changed) is added to."""
    out = values
    n = len(values)
    for c in columns:
        v = values[c] if c < n else None
        if type(v) is str and "\\" in v and (m := _BACKSLASH_AMOUNT.match(v)):
            if out is values:
                out = list(values)
            out[c] = m.group(1) + "¥" + v[m.end():]
            if counts is not None:
                counts[c] = counts.get(c, 0) + 1
    return out
