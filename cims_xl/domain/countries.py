"""Country names and codes -> ISO 3166-1 alpha-2 region codes, from CLDR (babel).

`region_for_country("United States")`, `("美国")`, `("Deutschland")`, `("US")`,
`("USA")`, `("UK")` all give the region code a phone number without "+" is read in.
Names come from CLDR's territory names in the locales below (CLDR via babel: no
hand-kept list); codes are ISO 3166-1 alpha-2, plus CLDR's territory aliases
(alpha-3 such as "GBR", and old codes such as "UK") that point to one region; then
ISO 3166's official and common names ("United States of America", "South Korea")
and its country-level subdivisions ("England", "Scotland"), from pycountry.
Dotted abbreviations read as the code they spell ("U.S.", "U.K.").

Names written in another order or with the usual abbreviations — ISO's inverted
"Korea, Republic of" as "Republic of Korea", the World Bank's "Korea, Rep.",
"Lao PDR", "Egypt, Arab Rep.", "Hong Kong SAR, China", "The Gambia" — are found by
their words (`_words`): the same set of words, abbreviations spelled out, "of"/"the"
left out, as exactly one country's name. A name whose words are part of the names of
two countries only ("Korea": South or North) is refused naming both.

`unknown_country("Untied Kingdom")` tells a filled country cell that names no
country (a typo, a region we do not know) from a blank one, with the closest names
as a suggestion: a phone number without "+" in such a row has no known country code.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Languages our users' files are written in; CLDR gives each its own territory names.
LOCALES = ("en", "zh", "zh_Hant", "fr", "de", "es", "pt", "it", "nl", "ja", "ko", "ru",
           "ar", "vi", "th", "id", "ms", "tr", "pl", "sv", "da", "nb", "fi", "cs", "el", "he",
           "hu", "uk", "ro", "bg", "hr", "sk", "sl", "sr", "lt", "lv", "et")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.replace(".", " ").replace("_", " ").split())


# Words left out when names are compared by their words, and the abbreviations the
# World Bank's and the UN's country lists write (World Bank WDI country names:
# "Korea, Rep.", "Congo, Dem. Rep.", "Micronesia, Fed. Sts.", "Lao PDR").
_FILLER_WORDS = frozenset({"of", "the", "and", "&"})
_ABBREVIATIONS = {"rep": ("republic",), "dem": ("democratic",), "fed": ("federated",), "sts": ("states",),
                  "is": ("islands",), "isl": ("islands",), "st": ("saint",), "pdr": ("people's", "democratic", "republic"),
                  "dpr": ("democratic", "people's", "republic"), "peoples": ("people's",),
                  "utd": ("united",), "rb": ("bolivarian", "republic")}
_WORD = re.compile(r"[^\W_]+(?:'s)?", re.UNICODE)


def _words(key: str) -> frozenset[str]:
    """The words of a name's key, abbreviations spelled out, fillers left out."""
    out: list[str] = []
    for w in _WORD.findall(key.replace("’", "'")):
        out.extend(_ABBREVIATIONS.get(w, (w,)))
    return frozenset(w for w in out if w not in _FILLER_WORDS)


@functools.cache
def _word_sets() -> tuple[dict[frozenset[str], str], dict[frozenset[str], set[str]]]:
    """(word set -> the one code whose name has exactly those words; word -> codes whose
    names hold it), from the Latin-script names of the table."""
    exact: dict[frozenset[str], set[str]] = {}
    holding: dict[str, set[str]] = {}
    for key, code in _table().items():
        if not key.isascii() or len(key) <= 3:      # codes and other scripts: exact keys only
            continue
        words = _words(key)
        if words:
            exact.setdefault(words, set()).add(code)
            for w in words:
                holding.setdefault(w, set()).add(code)
    return {k: next(iter(v)) for k, v in exact.items() if len(v) == 1}, holding


def _by_words(key: str) -> str | None:
    if not key.isascii():
        return None
    words = _words(key)
    return _word_sets()[0].get(words) if words else None


def _shared_by(key: str) -> list[str]:
    """The codes of the countries whose names hold every word of `key` (a name of
    several words, or one word that is no country's name on its own: "Korea", "Hong
    Kong SAR"), when they are two or more; [] otherwise."""
    if not key.isascii():
        return []
    words = _words(key)
    if not words or words <= {"republic", "democratic", "islands", "saint", "united", "states"}:
        return []
    holding = _word_sets()[1]
    codes: set[str] | None = None
    for w in words:
        codes = set(holding.get(w, ())) if codes is None else codes & holding.get(w, set())
    return sorted(codes or ())


SHIPPED_TABLE = "country_table.json"


@functools.cache
def _table() -> dict[str, str]:
    """{folded name or code: ISO 3166-1 alpha-2}: the shipped table (package data,
    tools/gen_country_table.py) when the installed babel and pycountry made it, else
    built from them (a second or two: babel loads a hundred locales)."""
    shipped = _shipped()
    return shipped if shipped is not None else _built_table()


def _versions() -> dict[str, str]:
    import babel
    import pycountry

    try:
        from importlib.metadata import version
        pyc = version("pycountry")
    except Exception:                                   # noqa: BLE001 - metadata missing: never use the file
        pyc = getattr(pycountry, "__version__", "?")
    return {"babel": babel.__version__, "pycountry": pyc}


@functools.cache
def _shipped() -> dict[str, str] | None:
    """The shipped table, or None when it is missing, unreadable or made by another babel
    or pycountry version."""
    import json
    from importlib import resources

    try:
        text = resources.files("cims_xl.data").joinpath(SHIPPED_TABLE).read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("made_by") != _versions():
        return None
    table = data.get("table")
    if not isinstance(table, dict) or not all(isinstance(v, str) and len(v) == 2 for v in table.values()):
        return None
    return table


def table_as_data() -> dict:
    """The table built from babel and pycountry, as tools/gen_country_table.py ships it."""
    return {"made_by": _versions(), "table": dict(sorted(_built_table().items()))}


def _built_table() -> dict[str, str]:
    from babel import Locale
    from babel.core import get_global

    names: dict[str, set[str]] = {}
    for tag in LOCALES:
        for code, name in Locale.parse(tag).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(_key(name), set()).add(code)
                names.setdefault(_key(code), set()).add(code)
    for alias, targets in get_global("territory_aliases").items():
        if len(targets) == 1 and alias.isalpha():
            names.setdefault(_key(alias), set()).add(targets[0])
    names = {k: v for k, v in names.items() if len(v) == 1}
    import pycountry

    iso: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if name := getattr(country, attr, None):
                iso.setdefault(_key(name), set()).add(country.alpha_2)
    for sub in pycountry.subdivisions:
        if sub.type in ("Country", "Nation"):          # England, Scotland, Wales
            iso.setdefault(_key(sub.name.split("[")[0]), set()).add(sub.country_code)
    for k, v in iso.items():
        names.setdefault(k, v)
    for name, code in (*_FORMER_NAMES.items(), *_OFFICIAL_CJK.items()):
        names.setdefault(_key(name), {code})
    # A name two regions share (none in CLDR today) decides nothing.
    table = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}
    for k, code in _chinese_short_forms(table).items():
        table.setdefault(k, code)
    for k, code in _own_and_unmarked_names(table).items():
        table.setdefault(k, code)
    return table


def _own_and_unmarked_names(table: dict[str, str]) -> dict[str, str]:
    """Names the table lacks: each country's name in its own official languages (CLDR via
    babel: "Éire", "Magyarország", "Lëtzebuerg", "Aotearoa") and every Latin-script name
    written without its marks, as keyboards without them type it ("Eire", "Osterreich",
    "Espana", "Mocambique"). A form two countries would share is left out."""
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        for form in {name, _latin_unmarked(name)}:
            if (k := _key(form)) and k not in table:
                found.setdefault(k, set()).add(code)

    for k, code in list(table.items()):
        add(k, code)
    for code in set(table.values()):
        for lang in get_official_languages(code, de_facto=True):
            try:
                name = Locale.parse(lang).territories.get(code)
            except (UnknownLocaleError, ValueError):     # a language CLDR has no locale data for
                continue
            if name:
                add(name, code)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def _latin_unmarked(text: str) -> str:
    """`text` without the marks of its Latin letters ("Éire" -> "Eire"); text in any
    other script as it is (a mark there can be a letter of its own)."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            base = out[-1] if out else ""
            if base and "LATIN" in unicodedata.name(base, ""):
                continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


# English names files still use for countries CLDR now names otherwise: CLDR's own
# alt="variant" / alt="short" names (common/main/en.xml: "Turkey" for TR-alt-variant,
# "Swaziland", "Ivory Coast", "East Timor", "Czech Republic", "Palestine"), which babel
# does not ship, and the older names CLDR gives in parentheses or no longer gives
# ("Burma", "Macedonia", "Holland", "Great Britain", "Vatican").
_FORMER_NAMES = {"Turkey": "TR", "Republic of Turkey": "TR", "Swaziland": "SZ", "Macedonia": "MK",
                 "Republic of Macedonia": "MK", "FYROM": "MK", "Burma": "MM", "Ivory Coast": "CI",
                 "East Timor": "TL", "Holland": "NL", "The Netherlands": "NL", "Great Britain": "GB",
                 "Vatican": "VA", "Holy See": "VA", "Palestine": "PS", "Czech Republic": "CZ",
                 "Cape Verde": "CV", "Zaire": "CD", "DR Congo": "CD", "DRC": "CD", "Republic of Ireland": "IE",
                 "South Korea": "KR", "Korea, South": "KR", "North Korea": "KP", "Korea, North": "KP",
                 "UAE": "AE", "KSA": "SA", "Russia": "RU", "Laos": "LA", "Brunei": "BN", "Syria": "SY",
                 "Macau": "MO",
                 # the states' own initials, as files from their partners write them
                 # (also their signs in international road traffic, UN 1968 convention):
                 # Republic of Korea, Democratic People's Republic of Korea, Republic of
                 # South Africa. "ROC" is left out: Taiwan or the Republic of the Congo.
                 "ROK": "KR", "R.O.K.": "KR", "DPRK": "KP", "D.P.R.K.": "KP", "RSA": "ZA",
                 # Taiwan's official name, as it writes it in English (ISO 3166 and CLDR
                 # name it "Taiwan"): not China, whose words it shares with "People's
                 # Republic of China" (issue 14: read as CN before).
                 "Republic of China": "TW"}
# Official names as the states write them in Chinese characters, which CLDR does not
# carry (it gives the common names 台湾, 韩国/韓國, 日本): the Republic of China
# (Taiwan), the Republic of Korea in hanja, Japan's 日本国.
_OFFICIAL_CJK = {"中華民國": "TW", "中华民国": "TW", "大韓民國": "KR", "大韩民国": "KR", "日本国": "JP",
                 "日本國": "JP",
                 # South Korea's everyday names in Korean and Traditional Chinese (CLDR gives
                 # 대한민국 and 南韓); 조선 is North Korea's own name and stays unread
                 "한국": "KR", "남한": "KR", "韓國": "KR"}


# CLDR (as babel ships it, without its "short" variants) names Hong Kong and Macao only
# in full, "中国香港特别行政区"; Chinese files write "香港", "中国香港", and "中国台湾"
# beside "台湾", and "中国大陆" (mainland China) where China and Hong Kong are both
# customers' countries. These forms are derived from CLDR's names, except the few words
# for the mainland, which no standard lists.
_ADMIN_SUFFIXES = ("特别行政区", "特別行政區")
_CHINA_PREFIXES = ("中国", "中國")
_MAINLAND = ("中国大陆", "中國大陸", "中国内地", "中國內地", "大陆", "大陸", "内地", "內地",
             "中华人民共和国", "中華人民共和國", "mainland china", "china mainland", "china (mainland)",
             "china, mainland", "prc", "p r china", "p r c", "pr china")


def _chinese_short_forms(table: dict[str, str]) -> dict[str, str]:
    """Derived names: CLDR's Chinese names of Hong Kong and Macao without "特别行政区"
    and without "中国" before them (and "香港特别行政区"); "中国" before CLDR's Chinese names of Hong Kong,
    Macao and Taiwan; the mainland words (CN)."""
    out: dict[str, str] = {}
    for k, code in table.items():
        if code not in ("HK", "MO", "TW") or not any("\u4e00" <= ch <= "\u9fff" for ch in k):
            continue
        short = next((k[: -len(s)] for s in _ADMIN_SUFFIXES if k.endswith(s)), k)
        bare = next((short[len(p):] for p in _CHINA_PREFIXES if short.startswith(p)), short)
        for form in (short, bare, *(p + bare for p in _CHINA_PREFIXES),
                     *(bare + s for s in _ADMIN_SUFFIXES if short != k)):
            if form:
                out.setdefault(form, code)
    for word in _MAINLAND:
        out.setdefault(_key(word), "CN")
    return out


def preload() -> None:
    """Build the name table now (about 0.2 s of babel look-ups), e.g. before a fork, so
    that the processes after it share it instead of each building its own."""
    _table()


def region_for_country(value: object) -> str | None:
    """The ISO 3166-1 alpha-2 code for a country name or code in any of LOCALES; None
    for blank or unknown text (the caller then falls back to its default region)."""
    if not isinstance(value, str):
        return None
    return _region(value)


@functools.lru_cache(maxsize=4096)
def _region(value: str) -> str | None:
    key = _key(value)
    if not key or len(key) > 80 or key in _SHARED_NAMES:
        return None
    code = _table().get(key)
    if code is None and "臺" in key:
        code = _table().get(key.replace("臺", "台"))      # 臺灣: CLDR writes 台灣 (one character, two forms)
    if code is None and key.startswith("ประเทศ") and len(key) > 6:
        code = _table().get(key[6:].strip())            # Thai "ประเทศไทย": "country" + the name
    if code is None and "." in value and len(key) <= 7:
        code = _table().get(key.replace(" ", ""))      # "U.S.", "U.S.A.", "U.K."
    if code is None and (paren := _NAME_AND_CODE.match(key)):
        # "Germany (DE)", "德国 (Germany)": both halves must name the same country
        first, second = _region(paren["a"]), _region(paren["b"])
        code = first if first is not None and first == second else None
    if code is None and (sub := _SUBDIVISION.match(value.strip())):
        code = _subdivision_country(sub[0].upper())      # ISO 3166-2: "DE-BY" is in DE
    if code is None:
        code = _by_words(key)            # "Republic of Korea", "Korea, Rep.", "Lao PDR"
    if code is None and len(key.split()) >= 2 and len(shared := _shared_by(key)) == 1:
        code = shared[0]                 # "Hong Kong SAR": words only one country's names hold
    return code


_NAME_AND_CODE = re.compile(r"^(?P<a>[^()](?:[^()]*?(?<!\s))?)\s*+[(（](?P<b>[^()（）]+)[)）]$")
_SUBDIVISION = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")


@functools.cache
def _subdivision_country(code: str) -> str | None:
    """The country of an ISO 3166-2 subdivision code ("DE-BY", "CN-GD", "US-CA"), from
    pycountry; None for a code it does not list."""
    import pycountry

    sub = pycountry.subdivisions.get(code=code)
    return sub.country_code if sub is not None else None


# Initials two states go by: refused naming both, never "did you mean Romania?".
_SHARED_INITIALS = {"roc": ["CG", "TW"]}
# Names two states go by in everyday use, though one language's CLDR names give one of
# them so (Spanish "Congo" is the Republic of the Congo; English speakers say it of
# both): refused naming both, as "Korea" is.
_SHARED_NAMES = {"congo": ["CD", "CG"], "the congo": ["CD", "CG"], "le congo": ["CD", "CG"],
                 "刚果": ["CD", "CG"], "剛果": ["CD", "CG"], "コンゴ": ["CD", "CG"], "콩고": ["CD", "CG"]}


def unknown_country(value: object) -> str | None:
    """For a filled country cell that names no country we know: a short reason with
    the closest known names ("'Untied Kingdom' is not a country name we know (did you
    mean United Kingdom?)"). None for a known country, or a cell without letters
    (blank, "-", "?"), which says nothing."""
    if not isinstance(value, str) or not any(ch.isalpha() for ch in value):
        return None
    if _region(value) is not None:
        return None
    return _unknown_reason(value.strip()[:60])


def shared_candidates(value: object) -> list[str]:
    """The two or three countries a name several share may be ("Korea": KP, KR; "Congo":
    CD, CG), as unknown_country names them; [] for any other cell."""
    if not isinstance(value, str) or not any(ch.isalpha() for ch in value) or _region(value) is not None:
        return []
    key = _key(value.strip()[:60])
    shared = _SHARED_NAMES.get(key) or _SHARED_INITIALS.get(key.replace(" ", "")) or _shared_by(key)
    return list(shared) if 2 <= len(shared) <= 3 else []


@functools.lru_cache(maxsize=1024)
def _unknown_reason(text: str) -> str:
    import difflib

    from babel import Locale

    key = _key(text)
    shared = _SHARED_NAMES.get(key) or _SHARED_INITIALS.get(key.replace(" ", "")) or _shared_by(key)
    if 2 <= len(shared) <= 3:
        en = Locale.parse("en").territories
        return (f"{text!r} could be " + " or ".join(f"{en.get(c, c)} ({c})" for c in shared)
                + ": write which")
    close = difflib.get_close_matches(key, list(_table()), n=1, cutoff=0.8)
    hint = ""
    if close:
        code = _table()[close[0]]
        hint = f" (did you mean {Locale.parse('en').territories.get(code, code)}?)"
    return f"{text!r} is not a country name we know{hint}"


_DIAL = re.compile(r"^\s*+(?:\+|00)?\s*+(\d{1,3})\s*+$")


@functools.lru_cache(maxsize=1024)
def region_for_dial_code(value: object) -> str | None:
    """The main region of a calling code written on its own ("+44", "44", "0044" -> "GB";
    "+1" -> "US", whose numbering plan Canada shares), from phonenumbers' metadata;
    None for anything else."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    match = _DIAL.match(str(value))
    if not match:
        return None
    import phonenumbers

    region = phonenumbers.region_code_for_country_code(int(match.group(1)))
    return region if region.isalpha() and region != "ZZ" else None

