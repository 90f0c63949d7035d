"""Money: amounts with their currency, read from what people type, and currency codes.

Pure functions, no I/O. The currency table is CLDR's, through babel (no hand list):

- ISO 4217 codes: ``babel.numbers.list_currencies()`` (current and historic codes);
- symbols: every locale's ``currency_symbols`` (``$``, ``US$``, ``HK$``, ``€``,
  ``1.200,00 €``, ``₩``, ``₹``, ``¥``, ``元`` ...), limited to currencies that are legal
  tender somewhere today (CLDR supplemental ``territory_currencies``), so that an old
  currency does not make a symbol ambiguous;
- names: the English and Chinese (simplified and traditional) names, singular and
  plural ("euros", "US dollars", "人民币", "港幣"), and each currency's names in the
  official languages of the places it is legal tender in, every plural form ("บาท",
  "Türk lirası", "złotych polskich", "российских рублей"; territories and official
  languages: CLDR supplemental data via babel).

A few everyday words CLDR does not list as symbols are added (``RMB``, ``块`` for
CNY; ``美金`` for USD; ``円`` for JPY), and the short forms people write with amounts
where CLDR has none (`_LOCAL_WORDS`: ``TL``, ``руб.``, ``đ``, ``грн``, ``lei`` ...,
each with its source). Single ASCII letters (CLDR's ``R``, ``K``, ``L``) are not read
as currencies: next to a number they are more often something else.

A symbol several currencies use (``$``, ``¥``, ``£``, ``kr``) is resolved, in order,
by: the one currency among them the caller names (``prefer``: the row's Currency
column, the other currencies of the file, ``--currency``); the house locales
(Chinese, then English: ``¥`` is CNY, ``$`` is USD); four in five of the locales that
use the symbol (``C$`` is CAD; ``Br``, ETB in 15 locales and BYN in 4, is not settled so).
Otherwise the value is refused and the codes listed. Short marks CLDR has for no locale
(``SR``, ``LE``, ``QR``, ``KD``, ``Dhs``: `_COMMON_MARKS`, each with its source) are read
too, and never settled by votes. A reading resolved without four locales in five agreeing (``$`` is USD
in two thirds of them, ``¥`` is JPY in most) is *assumed* and says so
(``MoneyReading.assumed``) so that an import summary can tell the user.
"""

from __future__ import annotations

import datetime as _dt
import math
import difflib
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

# normalize imports this module only inside its functions, so this is no cycle; at the
# top (not in read_money) because a function-level "from . import" costs a Python-level
# importlib call per amount.
from . import normalize as nz
from .invisible import without_format

__all__ = ["FALLBACK_CURRENCY", "MoneyReading", "CurrencyError", "ShownAmount", "bare_symbol", "check_currency",
           "currencies_of_lcid", "currency_of_token", "names_currency",
           "is_currency_code", "named_currency", "currency_candidates", "settle_currency", "parse_money", "read_money", "require_currency",
           "suggest_currencies"]

# The currency of a store made before the store's currency was a setting (the first
# users were in mainland China); `cims init --currency` sets it for new stores.
FALLBACK_CURRENCY = "CNY"
_HOUSE_LOCALES = ("zh", "en")                  # resolve ambiguous symbols, in this order
# zh_Hant_HK: the names Hong Kong writes ("澳元" AUD, "紐西蘭元", "新加坡元"), which are
# also the short names mainland banks use
_NAME_LOCALES = ("en", "zh", "zh_Hant", "zh_Hant_HK")
_EVERYDAY = {"RMB": "CNY", "RMB¥": "CNY", "块": "CNY", "美金": "USD", "円": "JPY",
             "日圆": "JPY", "台币": "TWD", "港币": "HKD", "新臺幣": "TWD", "臺幣": "TWD",
             # The short names of the China Foreign Exchange Trade System's RMB central
             # parity and rate tables (中国外汇交易中心, chinamoney.com.cn: "加元/人民币",
             # "新元", "卢布") where CLDR writes the long ones (加拿大元, 新加坡元, 俄罗斯卢布);
             # 盧布 is 卢布's traditional form. (美元, 欧元, 日元, 港元, 英镑, 澳元, 新西兰元,
             # 新加坡元, 瑞士法郎, 韩元, 新台币, 澳门元, 泰铢: CLDR zh / zh_Hant / zh_Hant_HK.)
             "加元": "CAD", "新元": "SGD", "卢布": "RUB", "盧布": "RUB",
             # The Bank of Korea's unit word, written after amounts ("12,000원"); CLDR has
             # only "₩" and "대한민국 원". North Korea's won is a 원 too, but is not traded:
             # an amount in KPW writes its code.
             "원": "KRW",
             # "Fr." (Franken, francs): Switzerland and Liechtenstein beside amounts ("Fr.
             # 10.–"); the other francs write their own letters (FCFA, FBu, FC, Fdj, FG, FRw).
             "Fr.": "CHF", "SFr.": "CHF"}
# Short forms and bare nouns written beside amounts where CLDR has no symbol or name for
# them, each the form the currency's central bank or national standard uses. A word two
# currencies share is given both: it is then settled as a bare "kr" is (the row's
# Currency, --currency, the store's currency), never guessed.
_LOCAL_WORDS: dict[str, tuple[str, ...]] = {
    # Central Bank of the Republic of Türkiye: "Türk lirası (TL)", the abbreviation of
    # Law 5083 (2004); CLDR has only "₺".
    "TL": ("TRY",),
    # GOST R 7.0.12-2011 (Russian abbreviations in bibliographic and business text):
    # "руб." and "р."; the National Bank of the Republic of Belarus writes "руб." and
    # "рублей" for the Belarusian ruble too, so each names RUB and BYN.
    "руб.": ("RUB", "BYN"), "руб": ("RUB", "BYN"), "р.": ("RUB", "BYN"),
    "рубль": ("RUB", "BYN"), "рубля": ("RUB", "BYN"), "рублей": ("RUB", "BYN"),
    # State Bank of Vietnam: "đồng", written "đ" after amounts (Circular 01/2014 names
    # the unit "đồng", symbol "đ"); CLDR has only "₫".
    "đ": ("VND",), "đồng": ("VND",), "dong": ("VND",),
    # Vietnamese text writes the ISO code with its own letter Đ ("Việt Nam đồng"):
    # "12.000 VNĐ" on invoices and price lists (Law on Accounting 2015, Art. 11, gives
    # "đ" and "VND"; "VNĐ" is their everyday blend).
    "VNĐ": ("VND",),
    # National Bank of Ukraine: "грн" (hryvnia) after amounts; CLDR has only "₴".
    "грн": ("UAH",), "грн.": ("UAH",), "гривня": ("UAH",), "гривні": ("UAH",), "гривень": ("UAH",),
    # Bulgarian National Bank: "лв." (lev) — CLDR lists it for BGN, which stopped being legal
    # tender when Bulgaria adopted the euro (2026), so the table above leaves it out;
    # files from before still write it.
    "лв.": ("BGN",), "лв": ("BGN",), "лева": ("BGN",), "лев": ("BGN",),
    # National Bank of Romania and National Bank of Moldova both write "lei" (plural of leu).
    "lei": ("RON", "MDL"), "leu": ("RON", "MDL"),
    # National Bank of Kazakhstan: "теңге"/"тенге", abbreviated "тг."
    "тенге": ("KZT",), "тг.": ("KZT",), "тг": ("KZT",),
    # "манат": CLDR names AZN so (az_Cyrl), but Turkmenistan's manat is a "манат" in
    # Russian too (Central Bank of Turkmenistan): both.
    "манат": ("AZN", "TMT"),
    # Bank of Thailand: "baht" in English text (CLDR's English name is "Thai Baht").
    "baht": ("THB",),
    # Central Bank of the Republic of China (Taiwan): "NT$", and "NTD" in trade and bank
    # statements (CLDR has "NT$" and "TWD" only).
    "NTD": ("TWD",),
    # The currency's own noun in English, where CLDR's English name is "Japanese Yen",
    # "Chinese Yuan", "Renminbi" in its display names (Bank of Japan, People's Bank of
    # China write "yen", "yuan", "RMB" in English text).
    "yen": ("JPY",), "yuan": ("CNY",), "renminbi": ("CNY",),
}
# The unit word of the yuan, which is the unit of four currencies: the renminbi (CNY),
# the New Taiwan dollar (新台币, Central Bank of the Republic of China: "新臺幣 … 元"),
# the Hong Kong dollar (港元) and the pataca (澳门元); 圆/圓 are its formal forms on the
# banknotes of each. (In English text "yuan" stays CNY: Taiwan's, Hong Kong's and Macau's
# central banks write "NT$", "HK$", "MOP$" in English, never "yuan".) An amount written "1,200元" is in
# one of them: the row's country, the file's language, the store's currency settle which,
# else the import stops (run.settle_bare_symbols). Its house reading (a value read with
# nothing else to go by, as "¥" is read CNY) is the first, said to be assumed.
_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "元": ("CNY", "TWD", "HKD", "MOP"), "圆": ("CNY", "TWD", "HKD", "MOP"), "圓": ("CNY", "TWD", "HKD", "MOP"),
}
# Latin abbreviations written with amounts in the Gulf, the Arab world and South Asia that
# CLDR lists for no locale (its Arabic symbols are "ر.س.", "د.إ." …): each as the
# currency's central bank writes it in its English (or French) publications. A mark CLDR
# gives another currency too ("SR": CLDR's Seychelles rupee, en_SC; "LE": Sierra Leone's
# "Le") names both, as does one two central banks write ("DH"): it is never settled by
# the locales' votes, only by the row's Country, the store's currency, --value or
# --currency (importer.run.settle_bare_symbols), else the import stops naming them.
_COMMON_MARKS: dict[str, tuple[str, ...]] = {
    # Saudi Central Bank (SAMA), Annual Statistics and Monthly Bulletin: "SR million"
    "SR": ("SAR",),
    # Central Bank of Egypt, English reports: "LE billion" (livre égyptienne), "L.E." on price lists
    "LE": ("EGP",), "L.E.": ("EGP",), "L.E": ("EGP",),
    # Qatar Central Bank, Kuwait, Bahrain, Oman and Jordan central banks, English reports:
    # "QR million", "KD million", "BD million", "RO million" (Rial Omani), "JD million"
    "QR": ("QAR",), "KD": ("KWD",), "BD": ("BHD",), "RO": ("OMR",), "JD": ("JOD",),
    # Central Bank of the UAE and UAE press: "Dh"/"Dhs" (dirhams); Bank Al-Maghrib (Morocco)
    # writes "DH" and "Dhs" for its dirham too: both
    "Dh": ("AED", "MAD"), "Dhs": ("AED", "MAD"),
    # Bangladesh Bank, English publications: "Tk." (taka); CLDR has only "৳"
    "Tk": ("BDT",), "Tk.": ("BDT",),
}
# Number words written after an amount, powers of ten: Chinese and Japanese 万/亿, Korean
# 만 (10⁴) and 억 (10⁸); 千/천 (10³) alone ("5千", "5천원") or before another ("1.5천만원":
# 1.5 × 10⁷), as are 十/百 (십/백) before 万/亿 ("1.2百万": 1,200,000).
_MULTIPLIERS = {"万": 4, "萬": 4, "亿": 8, "億": 8, "만": 4, "억": 8, "千": 3, "천": 3}
_MULTIPLIER_HEADS = {"十": 1, "拾": 1, "百": 2, "佰": 2, "千": 3, "仟": 3, "십": 1, "백": 2, "천": 3}
_NUMBER_CHARS = re.compile(r"^[0-9.,' _]+$")
# A compound amount in number words: 억/亿 then a part in 만/万 (with 천/백/십 before it)
# or plain digits, with or without spaces: "3억 5천만원" (350,000,000), "1억2000만원",
# "1亿2000万元", "2억 500원"
_COMPOUND = re.compile(r"^(?P<head>.*?)(?P<big>\d+(?:\.\d+)?)\s*(?P<eok>[억亿億])\s*"
                       r"(?P<rest>\d{1,3}(?:,\d{3})+|\d+)\s*(?P<unit>[천백십千百十]?[만万萬])?(?P<tail>[^\d억亿億만万萬천백십千百十]*)$")
_SHOWN_MAX = 40


class CurrencyError(ValueError):
    """A currency code or symbol that is not (or not clearly) one ISO 4217 currency;
    `codes`: the currencies an ambiguous symbol could be ("kr": DKK, NOK, SEK), else ();
    `token`: that symbol as written, when known."""

    def __init__(self, message: str, codes: tuple[str, ...] = (), token: str | None = None):
        super().__init__(message)
        self.codes = codes
        self.token = token


class MoneyReading(NamedTuple):
    """What one cell said: amount (exact), ISO code or None, the symbol as written,
    and whether the code was assumed for an ambiguous symbol (``$`` -> USD)."""

    amount: Decimal | None
    currency: str | None
    symbol: str | None = None
    assumed: bool = False


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _key(token: str) -> str:
    # CLDR writes a right-to-left mark inside Arabic symbols ("د.ب.\u200f", BHD); cells
    # are read without their format characters, so the table's keys are too
    return without_format(_nfkc(token)).strip().casefold()


# ----- the CLDR table -------------------------------------------------------------------

@functools.cache
def _codes() -> frozenset[str]:
    shipped = _shipped()
    if shipped is not None:
        return frozenset(shipped["codes"])
    return _babel_codes()


# ISO 4217 reserves XXX ("no currency") and XTS (testing): neither is a currency an
# amount can be in (people type XXX when they do not know the code).
_NOT_CURRENCIES = frozenset({"XXX", "XTS"})


def _babel_codes() -> frozenset[str]:
    from babel.numbers import list_currencies
    return frozenset(c.upper() for c in list_currencies()) - _NOT_CURRENCIES


@functools.cache
def _current_codes() -> frozenset[str]:
    from babel.core import get_global
    from babel.numbers import get_territory_currencies
    out: set[str] = set()
    for territory in get_global("territory_currencies"):
        out.update(get_territory_currencies(territory, tender=True))
    return frozenset(out)


class _Table(NamedTuple):
    candidates: dict[str, frozenset[str]]      # token key -> codes
    default: dict[str, str]                    # ambiguous token key -> resolved code
    sure: frozenset[str]                       # defaults four locales in five agree on (£, C$)
    longest: int                               # characters in the longest token
    # one-letter symbols (R: ZAR, Q: GTQ, K: PGK, MMK, ZMW): read only before a number
    # (_read_text), never after one ("12K" is thousands) nor as a word of their own
    letters: dict[str, frozenset[str]] = {}
    # keys only a currency's noun gives ("dollars", "pesos", "kronor", "yens"): read beside
    # an amount or in an imported Currency cell, never taken as a code typed in (check_currency)
    nouns: frozenset[str] = frozenset()

    def prefix(self, text: str) -> str | None:
        """The longest token `text` starts with (dictionary lookups: a regex of a
        thousand alternatives costs ten times more per cell)."""
        for n in range(min(self.longest, len(text)), 0, -1):
            if text[:n].casefold() in self.candidates:
                return text[:n]
        return None

    def suffix(self, text: str) -> str | None:
        """The longest token `text` ends with."""
        for n in range(min(self.longest, len(text)), 0, -1):
            if text[-n:].casefold() in self.candidates:
                return text[-n:]
        return None


# The table below, built from babel once and shipped as package data (building it reads
# every CLDR locale: about a second per process). tools/gen_currency_table.py writes it;
# tests/test_money_table.py checks it equals what the installed babel builds. Another
# babel version than the one it was built from is not trusted: the table is rebuilt.
SHIPPED_TABLE = "currency_table.json"


@functools.cache
def _shipped() -> dict | None:
    """The shipped table as stored (JSON: babel version, codes, candidates, default,
    sure), or None when it is missing, unreadable or from another babel version."""
    from importlib import resources

    import babel
    try:
        text = resources.files("cims_xl.data").joinpath(SHIPPED_TABLE).read_text("utf-8")
    except (OSError, ValueError):
        return None
    return _usable_table_data(text, babel.__version__)


def _usable_table_data(text: str, babel_version: str) -> dict | None:
    """The parsed table file when it is whole and was built by `babel_version`, else None."""
    import json
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("babel") != babel_version:
        return None
    if not all(isinstance(data.get(k), t) for k, t in
               (("codes", list), ("candidates", dict), ("default", dict), ("sure", list), ("letters", dict))):
        return None
    return data


def table_as_data(table: _Table, codes: frozenset[str]) -> dict:
    """The JSON-ready form of a currency table (sorted, so the file is stable)."""
    import babel
    return {"babel": babel.__version__, "codes": sorted(codes),
            "candidates": {k: sorted(v) for k, v in sorted(table.candidates.items())},
            "default": dict(sorted(table.default.items())), "sure": sorted(table.sure),
            "letters": {k: sorted(v) for k, v in sorted(table.letters.items())},
            "nouns": sorted(table.nouns)}


def _table_from_data(data: dict) -> _Table:
    cands = {k: frozenset(v) for k, v in data["candidates"].items()}
    return _Table(cands, dict(data["default"]), frozenset(data["sure"]), max(map(len, cands)),
                  {k: frozenset(v) for k, v in data["letters"].items()}, frozenset(data.get("nouns", ())))


@functools.cache
def _table() -> _Table:
    shipped = _shipped()
    if shipped is not None:
        return _table_from_data(shipped)
    return _babel_table()


def _babel_table() -> _Table:
    """The table built from babel's CLDR data (what the shipped file must equal)."""
    from babel import localedata
    current = _current_codes()
    cands: dict[str, set[str]] = defaultdict(set)
    votes: dict[str, Counter] = defaultdict(Counter)
    letters: dict[str, set[str]] = defaultdict(set)
    shortened: dict[str, set[str]] = defaultdict(set)
    for ident in localedata.locale_identifiers():
        for code, symbol in localedata.load(ident)["currency_symbols"].items():
            if code not in current or not symbol or any(ch.isdigit() for ch in symbol):
                continue
            key = _key(symbol)
            if len(key) == 1 and key.isascii() and key.isalpha():
                letters[key].add(code)      # "R 1,200.00": only before a number (_read_text)
                continue
            if (compound := _COMPOUND_SYMBOL.match(key)) is not None:
                # "Bs.S" (VES) is written "Bs." and "Bs" too, as Bolivia writes BOB: the
                # head alone, with or without its dot, may be either
                shortened[compound.group(1)].add(code)
                shortened[compound.group(1) + "."].add(code)
            cands[key].add(code)
            votes[key][code] += 1
    for ident in _NAME_LOCALES:
        data = localedata.load(ident)
        for code, name in data["currency_names"].items():
            if code in current:
                cands[_key(name)].add(code)
        for code, forms in data["currency_names_plural"].items():
            if code in current:
                for name in forms.values():
                    cands[_key(name)].add(code)
    for code, ident in _own_name_locales(current):
        data = localedata.load(ident)
        if name := data["currency_names"].get(code):
            cands[_key(name)].add(code)
        for name in data["currency_names_plural"].get(code, {}).values():
            cands[_key(name)].add(code)
    # a currency's noun alone, singular or plural, as an amount is written with it ("100
    # Dollars", "Pesos 200", "Kronor 100", "Dinar 5", "Reais 5"): a noun several currencies
    # share ("dollars": USD, CAD, AUD, …) gets no house reading (no votes: `default`), so
    # it is settled by the file's evidence or refused naming the codes (as "Rs." is)
    nouns = set()
    for noun, codes in _currency_nouns().items():
        if noun not in cands:
            cands[noun] = set(codes)
            nouns.add(noun)
    for key, code in _withdrawn_symbols(current, available_keys=set(cands) | set(letters)).items():
        cands[key] = {code}
        votes[key][code] += 1
    for word, code in _EVERYDAY.items():
        cands[_key(word)] = {code}
    for word, codes in _LOCAL_WORDS.items():
        cands[_key(word)] |= set(codes)
    for word, codes in _COMMON_MARKS.items():
        cands[_key(word)] |= set(codes)
    for key, codes in _undotted(cands).items():
        cands[key] |= codes
    for word, codes in _UNIT_WORDS.items():
        cands[_key(word)] = set(codes)
    for code in _babel_codes():                # a code is only ever itself
        cands[code.casefold()] = {code}
    for head in list(shortened):
        both = shortened[head] | cands.get(head.rstrip("."), set()) | cands.get(head.rstrip(".") + ".", set())
        cands[head] = cands[head] | both
    # (a noun that is an everyday word or a code too is read as those are)
    others = ({_key(w) for w in _EVERYDAY} | {_key(w) for w in _LOCAL_WORDS} | {_key(w) for w in _UNIT_WORDS}
              | {_key(w) for w in _COMMON_MARKS}
              | {c.casefold() for c in _babel_codes()})
    default: dict[str, str] = {}
    house = [localedata.load(i)["currency_symbols"] for i in _HOUSE_LOCALES]
    for word, codes in _UNIT_WORDS.items():
        default[_key(word)] = codes[0]       # the house reading, never sure (see _UNIT_WORDS)
    for key, codes in cands.items():
        if len(codes) < 2 or key in shortened or key in default or _key(key) in _COMMON_KEYS:
            continue                         # a shortened compound symbol, a unit word, a common mark: never settled by votes
        for symbols in house:
            hits = [c for c in sorted(codes) if _key(symbols.get(c, "")) == key]
            if len(hits) == 1:
                default[key] = hits[0]
                break
        else:
            # the locales' votes settle a symbol only where four in five agree (C$: CAD);
            # "Br" (ETB in 15 locales, BYN in 4) is asked about as "kr" is
            top = votes[key].most_common(1)
            if top and top[0][1] * 5 >= 4 * sum(votes[key].values()):
                default[key] = top[0][0]
    unit_words = {_key(w) for w in _UNIT_WORDS}
    sure = frozenset(k for k, c in default.items()
                     if votes[k][c] * 5 >= 4 * sum(votes[k].values()) > 0 and k not in unit_words)
    return _Table({k: frozenset(v) for k, v in cands.items()}, default, sure, max(map(len, cands)),
                  {k: frozenset(v) for k, v in letters.items()}, frozenset(nouns - others))


_COMMON_KEYS = frozenset(_key(w) for w in _COMMON_MARKS)


def _undotted(cands: dict[str, set[str]]) -> dict[str, set[str]]:
    """{key: codes} for CLDR symbols written as abbreviations with a closing dot in a
    script other than Latin ("ر.س." SAR, "د.إ." AED, "ج.م." EGP, "ден." MKD), as people
    also write them without it ("1500 ر.س"), where no symbol is written so. Latin ones
    are left out: "Kg." (XCG) undotted is the kilogram."""
    out: dict[str, set[str]] = {}
    for key, codes in cands.items():
        bare = key[:-1]
        if (len(key) > 2 and key.endswith(".") and key[-2].isalpha() and bare not in cands
                and not any("a" <= ch <= "z" for ch in bare)):
            out[bare] = set(codes)
    return out


# Currencies withdrawn since this date are still met in records and books kept before the
# change (Croatia's kuna until 2023, "1.234,50 kn"): their own symbol reads as them.
_WITHDRAWN_SINCE = (2015, 1, 1)


def _withdrawn_symbols(current: frozenset[str], available_keys: set[str]) -> dict[str, str]:
    """{symbol key: code} for currencies a territory used since _WITHDRAWN_SINCE and no
    longer does, as written in that territory's official languages (CLDR: "kn" HRK,
    "лв." BGN), where no current currency is written so and the symbol has two or more
    characters (a lone letter is no sure sign)."""
    import datetime

    from babel import localedata
    from babel.core import get_global
    from babel.languages import get_official_languages
    from babel.numbers import get_territory_currencies

    available = set(localedata.locale_identifiers())
    found: dict[str, set[str]] = defaultdict(set)
    for territory in sorted(get_global("territory_currencies")):
        codes = [c for c in get_territory_currencies(territory, start_date=datetime.date(*_WITHDRAWN_SINCE),
                                                     end_date=datetime.date(9999, 12, 31), tender=True)
                 if c not in current]
        for lang in get_official_languages(territory, de_facto=True):
            ident = f"{lang}_{territory}" if f"{lang}_{territory}" in available else lang
            if ident not in available:
                continue
            symbols = localedata.load(ident)["currency_symbols"]
            for code in codes:
                symbol = (symbols.get(code) or "").strip("\u200b\u200e\u200f ")
                key = _key(symbol) if symbol else ""
                if len(key) >= 2 and key != code.casefold() and not any(ch.isdigit() for ch in key) \
                        and key not in available_keys:
                    found[key].add(code)
    return {k: next(iter(v)) for k, v in sorted(found.items()) if len(v) == 1}


# A CLDR symbol made of two abbreviated words joined by a dot ("Bs.S", the bolívar soberano).
_COMPOUND_SYMBOL = re.compile(r"^([^\W\d_]{2,})\.[^\W\d_]+$")


def _own_name_locales(current: frozenset[str]) -> list[tuple[str, str]]:
    """(code, locale) for each current currency and each official language (de facto
    included) of a territory where it is legal tender: the locale of that language and
    territory when CLDR has one ("tr_TR"), else the language's ("kk"). CLDR supplemental
    territory_currencies and territory_languages via babel."""
    from babel import localedata
    from babel.core import get_global
    from babel.languages import get_official_languages
    from babel.numbers import get_territory_currencies

    available = set(localedata.locale_identifiers())
    out: set[tuple[str, str]] = set()
    for territory in get_global("territory_currencies"):
        codes = [c for c in get_territory_currencies(territory, tender=True) if c in current]
        if not codes:
            continue
        for lang in get_official_languages(territory, de_facto=True):
            ident = f"{lang}_{territory}" if f"{lang}_{territory}" in available else lang
            if ident in available:
                out.update((code, ident) for code in codes)
    return sorted(out)


# The currency nouns people write alone beside a scale ("Unit: 10,000 yuan", "in
# millions of yen", "Tausend Yen", "milliers de yuans"): the head noun of each current
# currency's CLDR display names, singular and every plural form, in languages whose
# names put it last ("Chinese Yuan", "US dollars", "Japanischer Yen", "Hongkong-Dollar")
# or first ("yuan renminbi chinois", "dólares estadounidenses", "yen giapponese"). A
# noun several currencies share ("dollars", "rupees", "pounds") gives them all, for the
# caller to settle or refuse: in unit statements (importer.amount_units), and beside an
# amount or in a Currency cell ("100 Dollars", "Pesos 200"; `_babel_table`), where the
# file's evidence settles a shared one or the import stops naming the codes.
_NOUN_LAST = ("en", "de", "nl")
_NOUN_FIRST = ("fr", "es", "it", "pt")
# ISO 4217 names the yuan "Yuan Renminbi" (CLDR writes "renminbi" only beside "yuan");
# North Korea's won is not traded (as "원" above): an amount in KPW writes its code.
_NOUNS_ADDED = {"renminbi": ("CNY",)}
_NOUNS_LEFT_OUT = frozenset({"KPW"})


@functools.cache
def _currency_nouns() -> dict[str, frozenset[str]]:
    from babel import localedata
    current = _current_codes() - _NOUNS_LEFT_OUT
    out: dict[str, set[str]] = defaultdict(set)
    for idents, at in ((_NOUN_LAST, -1), (_NOUN_FIRST, 0)):
        for ident in idents:
            data = localedata.load(ident)
            for code in current:
                names = [data["currency_names"].get(code) or ""]
                names += list((data["currency_names_plural"].get(code) or {}).values())
                for name in names:
                    words = re.sub(r"\([^)]*\)", " ", name).replace("-", " ").split()
                    if words:
                        out[_key(words[at])].add(code)
    for word, codes in _NOUNS_ADDED.items():
        out[word] |= set(codes)
    return {k: frozenset(v) for k, v in out.items() if len(k) > 1}


def is_currency_noun(word: object) -> bool:
    """Whether `word` is a currency's noun written alone ("Dollars", "pesos", "kronor"),
    not a symbol, code or full name (the table's `nouns`)."""
    return word is not None and _key(str(word)) in _table().nouns


def currency_noun(word: object) -> tuple[str, ...]:
    """The ISO codes a currency noun written alone may stand for, sorted: ("JPY",) for
    "yen" / "Yen" / "yenes", ("CNY",) for "yuan" / "yuans" / "renminbi", ("AUD", "BBD",
    … "USD", …) for "dollars"; () for any other word. CLDR display names via babel."""
    text = _key(str(word)) if word is not None else ""
    return tuple(sorted(_currency_nouns().get(text, ()))) if text else ()


# ----- codes -------------------------------------------------------------------------------

def is_current_currency(code: str) -> bool:
    """Whether `code` (upper case) is an ISO 4217 code of a currency legal tender somewhere
    today (CLDR's territory currencies, tender only)."""
    return code in _current_codes()


def is_currency_code(code: str) -> bool:
    """Whether `code` (any case) is an ISO 4217 code CLDR knows."""
    return isinstance(code, str) and code.strip().upper() in _codes()


def suggest_currencies(text: str, n: int = 5) -> list[str]:
    """Up to `n` ISO codes nearest to `text` by code, symbol or English/Chinese name
    ("dollars" -> USD, CAD, AUD, ...), nearest first."""
    key = _key(str(text))
    if not key:
        return []
    scores: dict[str, float] = {}
    table = _table()
    for token, codes in table.candidates.items():
        ratio = difflib.SequenceMatcher(None, key, token).ratio()
        if key in token.split() or token.startswith(key) or key.rstrip("s") in token.split():
            ratio = max(ratio, 0.85)
        if ratio < 0.6:
            continue
        for code in codes:
            # Among equals, currencies more locales write prefer (USD before BSD).
            if ratio > scores.get(code, 0.0):
                scores[code] = ratio
    popular = {c: i for i, c in enumerate(("USD", "EUR", "CNY", "GBP", "JPY", "HKD", "CAD",
                                            "AUD", "TWD", "SGD", "NZD", "CHF", "KRW", "INR"))}
    ranked = sorted(scores, key=lambda c: (-round(scores[c], 2), popular.get(c, 99), c))
    return ranked[:n]


def check_currency(value: object) -> str | None:
    """An ISO 4217 code, upper-cased, from what was typed; None for blank.

    Accepts a code in any case ("usd" -> "USD") or an unambiguous symbol or name
    ("€", "US$", "人民币"). Raises CurrencyError naming the nearest codes otherwise:
    "not a currency code: 'dollars' (did you mean USD, CAD, AUD ...?)".
    """
    if value is None:
        return None
    text = _nfkc(str(value)).strip()
    if not text:
        return None
    if text.upper() in _codes():
        return text.upper()
    codes = ranked_codes(currency_candidates(text))
    if len(codes) == 1 and _key(text) not in _table().nouns:
        return codes[0]
    near = suggest_currencies(text) if not codes else list(codes[:8])
    hint = f" (did you mean {', '.join(near)}?)" if near else " (an ISO 4217 code such as USD, EUR, CNY)"
    shown = f": '{text}'" if len(text) <= _SHOWN_MAX and text.isprintable() else ""
    raise CurrencyError(f"not a currency code{shown}{hint}", codes[:8], text if codes else None)


def currency_candidates(value: object) -> tuple[str, ...]:
    """The ISO codes a currency cell's text may stand for, sorted: ("USD",) for "usd"
    or "US$"; ("CNY", "JPY") for "¥"; ("INR", "LKR", "MUR", "PKR", "SCR") for "Rs."
    (an abbreviation's dot widens a symbol as currency_of_token does); () for text that
    names no currency. CLDR through the table above."""
    text = _nfkc(str(value)).strip() if value is not None else ""
    if not text:
        return ()
    if text.upper() in _codes():
        return (text.upper(),)
    return tuple(sorted(_widened(text.casefold())[0]))


def _widened(key: str) -> tuple[frozenset[str], bool]:
    """(codes, whether an abbreviation's dot widened them) for a table key: "rs." is
    "rs" with a dot (CLDR gives "Rs." to LKR alone, but India, Pakistan, Mauritius and
    the Seychelles write it too)."""
    table = _table()
    codes = table.candidates.get(key) or frozenset()
    if len(key) > 1 and key.endswith(".") and table.candidates.get(key[:-1]):
        more = codes | table.candidates[key[:-1]]
        return more, more != codes
    return codes, False


def settle_currency(value: object, prefer: Iterable[str] = ()) -> tuple[str | None, bool]:
    """(ISO code, assumed) for a currency cell: check_currency's reading, and a symbol
    several currencies share ("¥", "$", "£") settled as an amount's symbol is
    (currency_of_token: the one candidate among `prefer`, else the house reading,
    assumed). (None, False) for blank. Raises CurrencyError (with the candidates in
    `codes` for a shared symbol no reading settles: "Rs.", "kr")."""
    try:
        return check_currency(value), False
    except CurrencyError as exc:
        if not exc.codes:
            raise
        return currency_of_token(_nfkc(str(value)).strip(), prefer)


def require_currency(value: object, label: str = "Currency") -> str:
    """check_currency for a value that must be given: ValidationFailed({label: reason})
    for a blank or a word that is not a currency (the reason names the nearest codes)."""
    from ..errors import ValidationFailed
    try:
        code = check_currency(value)
    except ValueError as exc:
        raise ValidationFailed({label: str(exc)}) from None
    if code is None:
        raise ValidationFailed({label: "required (an ISO 4217 code such as USD, EUR, CNY)"})
    return code


# The currencies most often meant by a word or symbol several share, first ("dollars":
# USD, CAD, AUD, … before BBD): what a question names first
_POPULAR = ("USD", "EUR", "CNY", "GBP", "JPY", "HKD", "CAD", "AUD", "TWD", "SGD", "NZD", "CHF", "KRW", "INR",
            "MXN", "BRL")


def ranked_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """`codes` with the most used currencies first (_POPULAR), the others by code."""
    rank = {c: i for i, c in enumerate(_POPULAR)}
    return tuple(sorted(set(codes), key=lambda c: (rank.get(c, len(rank)), c)))


def currency_of_token(token: str, prefer: Iterable[str] = ()) -> tuple[str, bool]:
    """(ISO code, assumed) for one symbol, code or name; CurrencyError if unknown or
    ambiguous. See the module docstring for how ambiguous symbols are resolved."""
    key = _key(token)
    table = _table()
    codes, abbreviated = _widened(key)      # "Rs." is "Rs" with an abbreviation's dot
    if not codes and key in table.letters:
        codes = table.letters[key]          # "R": read before a number only (_read_text)
    if not codes:
        raise CurrencyError(f"not a currency: '{token[:_SHOWN_MAX]}'")
    if len(codes) == 1:
        return next(iter(codes)), False
    named = {c for c in prefer if c} & codes
    if not named and prefer:
        # "$" where the row or the import says HKD: Hong Kong writes HK$ as "$" at home
        named = {c for c in prefer if c} & written_alike(token)
    if len(named) == 1:
        return named.pop(), False
    if key in table.default and not abbreviated:
        return table.default[key], key not in table.sure
    raise CurrencyError(f"'{token}' is used by {', '.join(ranked_codes(codes)[:8])}: write the code",
                        tuple(ranked_codes(codes)[:8]))


@functools.lru_cache(maxsize=512)
def decimal_mark_of_currency(code: str) -> str | None:
    """The decimal mark every place that uses `code` writes numbers with, else None.

    CLDR through babel: the territories where `code` is legal tender today
    (supplemental territory_currencies), every locale of those territories, and each
    locale's decimal symbol. CNY, JPY, KRW, INR, GBP, HKD -> "."; USD (es_EC, fr_HT,
    nl_BQ write ","), EUR, CAD (fr_CA), CHF (fr_CH) -> None: their places disagree.
    Decides a typed amount that reads two ways ("¥1,200"; see read_money)."""
    from babel.core import get_global
    from babel.localedata import locale_identifiers
    from babel.numbers import get_territory_currencies

    code = code.upper()
    territories = {t for t in get_global("territory_currencies")
                   if code in get_territory_currencies(t, tender=True)}
    if not territories:
        return None
    return _agreed_mark(ident for ident in locale_identifiers()
                        if "_" in ident and ident.rsplit("_", 1)[-1] in territories)


def _agreed_mark(idents) -> str | None:
    """The decimal symbol ("." or ",") every CLDR locale of `idents` writes, else None
    (they disagree, or write another one)."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    marks: set[str] = set()
    for ident in idents:
        try:
            marks.add(get_decimal_symbol(Locale.parse(ident)))
        except (ValueError, UnknownLocaleError):
            continue
        if len(marks) > 1:
            return None
    mark = marks.pop() if marks else None
    return mark if mark in (".", ",") else None


@functools.lru_cache(maxsize=512)
def decimal_mark_at_home(code: str) -> str | None:
    """The decimal mark the official languages (de facto included) of every place where
    `code` is legal tender agree on, else None: TRY (tr_TR), RUB (ru_RU), BRL (pt_BR),
    PLN -> ","; THB, INR, CNY (zh_Hans_CN) -> "."; USD (en_US "." but es_EC ","), EUR, CAD (en/fr),
    CHF (de_CH "." but fr_CH ",") -> None. Narrower than decimal_mark_of_currency, which
    also counts every minority language CLDR has a locale for (ru_RU "," beside ce_RU
    "."); for the importer's column evidence (importer.evidence), where a column of
    "1.250 TL" is read with Türkiye's decimal comma. CLDR via babel."""
    from babel.core import get_global
    from babel.languages import get_official_languages
    from babel.localedata import locale_identifiers
    from babel.numbers import get_territory_currencies

    code = code.upper()
    available = set(locale_identifiers())
    return _agreed_mark(ident for territory in get_global("territory_currencies")
                        if code in get_territory_currencies(territory, tender=True)
                        for lang in get_official_languages(territory, de_facto=True)
                        if (ident := _home_locale(lang, territory, available)) is not None)


def _home_locale(lang: str, territory: str, available: set[str]) -> str | None:
    """CLDR's locale for `lang` as written in `territory`: "pt_BR", or with the script
    the likely-subtags data adds ("zh_CN" is "zh_Hans_CN", "zh_TW" "zh_Hant_TW");
    None when CLDR has none for that territory."""
    ident = f"{lang}_{territory}"
    if ident in available:
        return ident
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(ident)
    except (ValueError, UnknownLocaleError):
        return None
    return str(loc) if loc.territory == territory and str(loc) in available else None


def _mark_of_tokens(tokens: list[str], readings: list[tuple[str, bool]]) -> str | None:
    """The decimal mark the currencies written with an amount agree on (see
    decimal_mark_of_currency), else None. A symbol read by guess ("¥": CNY, assumed)
    counts only when every currency it may stand for agrees (CNY and JPY do)."""
    marks: set[str | None] = set()
    table = _table()
    for tok, (code, assumed) in zip(tokens, readings):
        if _east_asian_word(tok):
            # "1,200元", "1,200卢布": a Chinese (Japanese, Korean) word, written with the
            # numbers of its language (every zh, ja, ko locale writes "."), whichever
            # currency it names (Macau's Portuguese "," and Russia's "," aside)
            marks.add(_east_asian_mark())
            continue
        codes = table.candidates.get(_key(tok), ()) if assumed else (code,)
        marks.update(decimal_mark_of_currency(c) for c in codes or (code,))
    return marks.pop() if len(marks) == 1 else None


@functools.cache
def _unit_word_keys() -> frozenset[str]:
    return frozenset(_key(w) for w in _UNIT_WORDS)


def _east_asian_word(token: str) -> bool:
    """Whether a currency word is written in Chinese characters, kana or Hangul only."""
    letters = [ch for ch in _nfkc(token) if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))
                                 for ch in letters)


@functools.cache
def _east_asian_mark() -> str | None:
    """The decimal mark every CLDR Chinese, Japanese and Korean locale writes (babel), else None."""
    from babel.localedata import locale_identifiers
    return _agreed_mark(i for i in locale_identifiers() if i.split("_")[0] in ("zh", "ja", "ko"))


def east_asian_mark() -> str | None:
    """The decimal mark Chinese, Japanese and Korean numbers are written with (CLDR)."""
    return _east_asian_mark()


def is_unit_word(token: str) -> bool:
    """Whether `token` is the yuan's unit word ("元", "圆", "圓", "yuan": _UNIT_WORDS),
    which CNY, TWD, HKD and MOP all write."""
    return _key(token) in _unit_word_keys()


def word_mark(value: object) -> str | None:
    """The decimal mark of an amount whose currency is written as a Chinese, Japanese or
    Korean word ("1,200元", "1,200美元", "1,200卢布"): the mark those languages write
    numbers with, whichever currency the word names; None for any other value."""
    if not isinstance(value, str):
        return None
    text = _nfkc(value)
    table = _table()
    core = text.strip().lstrip("+-( ").rstrip(")- ")
    tok = table.suffix(core) or table.prefix(core)
    if not tok:
        return None
    if _east_asian_word(tok):
        return _east_asian_mark()
    if is_unit_word(tok):           # "1,200 yuan": the mark every one of its currencies' homes writes
        marks = {decimal_mark_at_home(code) for code in _UNIT_WORDS[_key(tok)]}
        return marks.pop() if len(marks) == 1 else None
    return None


def names_currency(token: str) -> bool:
    """Whether `token` is a currency symbol, code or name (one or several currencies')."""
    return bool(token.strip()) and bool(_table().candidates.get(_key(token)))


@functools.lru_cache(maxsize=256)
def currencies_of_lcid(lcid: int) -> tuple[str, ...]:
    """The currencies legal tender today in the territory of a Windows locale id
    (0x409 en-US -> ("USD",), 0x1009 en-CA -> ("CAD",), 0x407 de-DE -> ("EUR",)); () for
    an id naming no territory or an unknown one. LCIDs: [MS-LCID]; the id -> tag table
    is the standard library's ``locale.windows_locale``, the territory's currencies
    CLDR's (babel ``get_territory_currencies``)."""
    import locale as _locale

    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_territory_currencies

    tag = _locale.windows_locale.get(lcid & 0xFFFF)
    if not tag:
        return ()
    try:
        territory = Locale.parse(tag).territory
    except (ValueError, UnknownLocaleError):
        return ()
    return tuple(get_territory_currencies(territory, tender=True)) if territory else ()


@functools.lru_cache(maxsize=256)
def currencies_of_locale_tag(tag: str) -> tuple[str, ...]:
    """The currencies legal tender today in the territory a BCP 47 language tag names, as
    newer Excel writes it in a format's `[$¥-ja-JP]` instead of an LCID and LibreOffice in
    a number style's language and country ("ja-JP" -> ("JPY",), "en-CA" -> ("CAD",),
    "zh-Hans-CN" -> ("CNY",)); () for a tag naming no country ("ja", "es-419") or an
    unknown one: a language alone is not taken for its usual country. Tag syntax:
    babel's parse_locale; territories' currencies: CLDR."""
    from babel.core import parse_locale
    from babel.numbers import get_territory_currencies

    try:
        territory = parse_locale(tag.strip().replace("_", "-"), sep="-")[1]
    except (ValueError, TypeError):
        return ()
    if not territory or not territory.isalpha():
        return ()
    try:
        return tuple(get_territory_currencies(territory.upper(), tender=True))
    except Exception:       # noqa: BLE001 - babel: a region CLDR has no currency data for
        return ()


def shown_number(value: object) -> object:
    """The number a spreadsheet shows for a stored double: a float, or the text of one
    as an .xlsx/.ods file saves it with up to 17 digits ("99.989999999999995"), becomes
    the shortest text that reads back as the same double ("99.99", Python's repr:
    what Excel shows, which keeps 15 significant digits). Other values as they are."""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else value
    if isinstance(value, (str, bytes)):
        text = value.decode("ascii") if isinstance(value, bytes) else value
        digits = sum(ch.isdigit() for ch in text.split("e")[0].split("E")[0])
        if digits > 15:
            try:
                number = float(text)
            except ValueError:
                return value
            if math.isfinite(number):
                return repr(number)
    return value


class ShownAmount(Decimal):
    """A number cell's exact value (a Decimal) with the currency its number format
    shows: `token` the symbol or code ("€", "$", "USD"), `locale_currencies` the
    currencies of the locale the format names ("[$$-409]": ("USD",); see
    currencies_of_lcid). Arithmetic gives plain Decimals; read_money reads the
    currency as if the token were written with the number."""

    __slots__ = ("token", "locale_currencies", "scale", "unit")

    def __new__(cls, value: object, token: str, locale_currencies: Iterable[str] = (),
                scale: Decimal | None = None, unit: str = ""):
        # `scale`: the format shows the number in a unit ('0.0"万元"': 1.2 is 12,000 yuan),
        # so the amount is the cell's number times it, exactly (importer.amount_units);
        # `unit` is the unit as the format writes it. A value given with a scale is the
        # cell's number (a unit starting with NUL: the amount, already multiplied; pickling).
        number = shown_number(value)
        if scale is not None and not unit.startswith("\0"):
            number = Decimal(number) * scale
        self = super().__new__(cls, number)
        self.token = token
        self.locale_currencies = tuple(locale_currencies)
        self.scale = scale
        self.unit = unit.lstrip("\0")
        return self

    def __reduce__(self):       # pickled to the import worker process with its currency
        return (ShownAmount, (str(self), self.token, self.locale_currencies, self.scale,
                              "\0" + self.unit if self.scale is not None else self.unit))


def _read_shown(value: ShownAmount, prefer: tuple[str, ...]) -> MoneyReading:
    """The reading of a number whose format shows a currency: the format's locale
    settles an ambiguous symbol first ("$" under en-CA is CAD), then `prefer` (the
    import's --currency: "kr" shown by '"kr" #,##0.00' is SEK with SEK), then the rules
    of currency_of_token (so "$" alone is USD, assumed)."""
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(nz._problem("not an amount", str(amount)))
    if not value.token:             # a format showing a scale alone ('0.0"万"'): no currency
        return MoneyReading(amount, None, None, False)
    try:
        try:
            code, assumed = currency_of_token(value.token, value.locale_currencies)
        except CurrencyError:
            if not prefer:
                raise
            # "kr" (DKK, NOK, SEK) with --currency SEK: settled as the same text would be
            code, assumed = currency_of_token(value.token, prefer)
        if assumed and prefer:
            code, assumed = currency_of_token(value.token, prefer)
    except CurrencyError as exc:
        raise ValueError(f"not an amount: the number format shows {exc}") from None
    return MoneyReading(amount, code, value.token, assumed)


# ----- amounts -----------------------------------------------------------------------------

def parse_money(value: object, decimal: str | None = None, *,
                prefer: Iterable[str] = ()) -> tuple[Decimal | None, str | None]:
    """(amount, ISO code or None) from a cell; (None, None) for blank. See read_money."""
    reading = read_money(value, decimal, prefer=prefer)
    return reading.amount, reading.currency


def read_money(value: object, decimal: str | None = None, *,
               prefer: Iterable[str] = ()) -> MoneyReading:
    """Read an amount and the currency written with it.

    value: a number (int, float via its short repr, Decimal; a ShownAmount carries
    the currency its cell's number format shows) or text. Text may carry a
    currency symbol, code or name before or after the number ("$2,000.00", "USD 1,200",
    "1.200,00 €", "¥300", "300元", "HK$ 5"), a sign before or after, accounting
    negatives "(1,234.50)" and 万/亿 multipliers.
    decimal: "." or "," when the caller knows the file's decimal mark; None infers it
    per value: the last of "." and "," when both appear, otherwise the one there is.
    A lone "." or "," before exactly three digits after 1-3 digits ("1.200", "€12,345")
    reads two ways with no mark known: refused (`normalize.AmbiguousNumber`, a
    ValueError naming both readings), never guessed, unless the currency written with
    it settles the mark: every place using it writes the same one
    (decimal_mark_of_currency: "¥1,200" is 1200; "€1.200", "USD 1,200" stay refused).
    prefer: ISO codes that settle an ambiguous symbol (module docstring).
    Raises ValueError (CurrencyError for currencies) with a short reason.
    """
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal mark must be '.' or ',', not {decimal!r}")
    if nz.is_blank(value):
        return MoneyReading(None, None)
    if nz._is_bool(value) or not (nz._is_number(value) or isinstance(value, str)):
        raise ValueError(nz._problem("not an amount", value))
    if isinstance(value, ShownAmount):
        return _read_shown(value, tuple(prefer))
    if nz._is_number(value):
        amount = nz._number_to_decimal(value)
        if not amount.is_finite():
            raise ValueError(nz._problem("not an amount", value))
        return MoneyReading(_unsigned_zero(amount), None)
    _python_only_forms(value)
    reading = _read_text(value, decimal, tuple(prefer))
    if reading.amount is not None and reading.amount.is_zero() and reading.amount.is_signed():
        reading = reading._replace(amount=_unsigned_zero(reading.amount))
    return reading


def _unsigned_zero(amount: Decimal) -> Decimal:
    """-0 (typed "-0", "-0.00", a float -0.0) as the 0 it is stored and listed as: an
    amount is echoed as stored, never with a sign zero has not."""
    return amount.copy_abs() if amount.is_zero() else amount


# Digits grouped by "_" ("1_000": Python's number syntax) and scientific notation with a
# mantissa below 1 ("0.1e1"): forms no spreadsheet writes or shows, refused naming the
# plain number to write (a spreadsheet's own "1.5E+03" is read as the importer reads it).
_UNDERSCORE_GROUPS = re.compile(r"\d_+\d")
_ZERO_MANTISSA = re.compile(r"^[+-]?0(?:[.,]\d*)?[eE][+-]?\d+$")


def _python_only_forms(value: str) -> None:
    text = value.strip()
    if _UNDERSCORE_GROUPS.search(text):
        plain = text.replace("_", "")
        raise ValueError(f"not an amount: '{text[:_SHOWN_MAX]}' groups digits with '_' (a programming "
                         f"language's form, not a spreadsheet's): write {plain[:_SHOWN_MAX]} or group with "
                         "',' as the sheet does")
    if _ZERO_MANTISSA.match(text):
        try:
            plain = format(Decimal(text.replace(",", ".")), "f")
        except ArithmeticError:
            plain = None
        raise ValueError(f"not an amount: '{text[:_SHOWN_MAX]}' is scientific notation no spreadsheet writes "
                         "(its number before E is below 1)" + (f": write {plain}" if plain else ""))


# ISO 4217 list one, currencies whose minor unit exponent is 0 (2024 edition). babel's
# currency precision (CLDR "digits") is 0 for these, but also for some with cents in
# ISO 4217 that are paid in whole units in cash or by custom (HUF, IDR, COP, TWD in
# some data): "990,50 Ft" is a real amount, so those keep their fractions here.
_ISO_EXPONENT_0 = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split())


def has_minor_unit(code: str | None) -> bool:
    """Whether ``code`` has a minor unit: False when ISO 4217 gives it exponent 0 and
    babel (CLDR) agrees (JPY, KRW, VND, CLP, ISK); True for any other, unknown or
    missing code."""
    if not code or code not in _ISO_EXPONENT_0:
        return True
    from babel.numbers import get_currency_precision

    return get_currency_precision(code) != 0


def minor_units(code: str | None) -> int:
    """Decimal places an amount in ``code`` is shown and rounded to: its ISO 4217 minor
    unit as babel (CLDR) gives it (BHD 3, USD 2, CLF 4), 0 where `has_minor_unit` says
    none (JPY, KRW), and 2 for a missing or unknown code and for the currencies CLDR
    gives 0 digits although ISO 4217 has a minor unit (HUF, IDR, COP: their fractions
    are kept, `has_minor_unit`)."""
    if not has_minor_unit(code):
        return 0
    if not code:
        return 2
    from babel.numbers import get_currency_precision

    digits = get_currency_precision(str(code).upper())
    return digits if digits > 0 else 2


def round_money(amount: object, code: str | None) -> Decimal | None:
    """``amount`` as a Decimal rounded half up to ``code``'s `minor_units` (never via a
    float's binary digits: a float is read as its shortest text, 1.005 as 1.005).
    None, NaN and text that is no number give None."""
    from decimal import ROUND_HALF_UP

    if amount is None or isinstance(amount, bool):
        return None
    try:
        number = amount if isinstance(amount, Decimal) else Decimal(repr(amount) if isinstance(amount, float)
                                                                    else str(amount))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number.quantize(Decimal(1).scaleb(-minor_units(code)), rounding=ROUND_HALF_UP)


STORE_PLACES = 4      # decimal places the store keeps of an amount


def number_format(code: str | None, *, converted: bool = False) -> str:
    """The spreadsheet number format (Excel format code) of an amount in `code`: its ISO
    4217 decimal places (`minor_units`), and up to the store's 4 where a value has more
    (as `shown_amount`): "#,##0.000#" for BHD, "#,##0.00##" for CNY and without a
    currency, "#,##0" for JPY (no fraction is stored). Every money cell cims writes (data
    sheets, report tables, exports) uses it, so a cell never shows fewer digits than the
    store keeps.

    converted: the figures were computed at an exchange rate: exactly the minor units
    ("#,##0.00" for USD), rounded half up as `display.converted_money` says."""
    digits = minor_units(code)
    if converted:
        return "#,##0" + ("." + "0" * digits if digits else "")
    return "#,##0" + ("." + "0" * digits + "#" * (STORE_PLACES - digits) if digits else "")


# The format of a cell in a currency without minor unit whose figure has a fraction (a
# weighted amount, an average): "#,##0" would hide it; "#,##0.####" would show a whole
# figure with a bare point ("1,001.").
WHOLE_CURRENCY_FRACTION = "#,##0.0###"


def cell_format(code: str | None, value: object, *, converted: bool = False) -> str:
    """The number format of one money cell: `number_format`, except that a figure with a
    fraction in a currency without minor unit (330.33 JPY) shows it, as `shown_amount`
    does (the rule "more decimals when the value has more" for every currency)."""
    fmt = number_format(code, converted=converted)
    if converted or minor_units(code) or value is None or isinstance(value, (bool, str)):
        return fmt
    try:
        number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        return fmt
    if not number.is_finite():
        return fmt
    four = number.quantize(Decimal(1).scaleb(-STORE_PLACES))
    return WHOLE_CURRENCY_FRACTION if four != four.to_integral_value() else fmt


# Significant digits a spreadsheet shows and keeps of a number (Excel specifications and
# limits: "Number precision: 15 digits"; LibreOffice the same): 19999999999999.99 is a
# double that prints back, but Excel shows it as 20,000,000,000,000.00.
CELL_DIGITS = 15


def fits_a_cell(amount: object) -> bool:
    """Whether a spreadsheet cell holds `amount` as a number exactly (15 significant
    digits at most). Every stored amount does (`limits`); a sum of them may not."""
    if amount is None or isinstance(amount, bool):
        return True
    number = _finite_nonzero(amount)
    return number is None or len(number.normalize().as_tuple().digits) <= CELL_DIGITS


def _finite_nonzero(amount: object) -> Decimal | None:
    """`amount` as a Decimal (a float as its shortest repr), or None when it is no number,
    not finite, or zero (which every cell holds and draws)."""
    try:
        number = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() and not number.is_zero() else None


def drawn_exactly(amount: object) -> bool:
    """Whether every spreadsheet cims supports draws `amount`, written as a number in a
    cell, with all its digits: `fits_a_cell`, and not one of the 15-digit figures
    LibreOffice (7.4, measured on every 15-digit run of nines) draws rounded up to the next
    power of ten: all nines but a last 8 or 9, with 2 to 4 decimals (9,999,999,999,999.99
    and .98 -> "10,000,000,000,000.00"; 999,999,999,999.998; 99,999,999,999.9999). Excel
    draws those right (its 15 digits); a 15-digit figure with fewer decimals
    (99,999,999,999,999.9) and any other 15-digit figure is drawn right by both."""
    if not fits_a_cell(amount):
        return False
    if (number := _finite_nonzero(amount)) is None:
        return True
    t = number.normalize().as_tuple()
    digits = t.digits
    return not (len(digits) == CELL_DIGITS and -t.exponent >= 2 and all(d == 9 for d in digits[:-1])
                and digits[-1] >= 8)


@functools.cache
def number_formats() -> frozenset[str]:
    """Every format `number_format` gives, and the fixed "#,##0.00" cims wrote before
    (a money cell showing one of them is cims's to change; any other is the user's)."""
    return frozenset({"#,##0"} | {"#,##0." + "0" * d + "#" * k
                                  for d in range(1, STORE_PLACES + 1) for k in range(STORE_PLACES - d + 1)})


def shown_amount(amount: object, code: str | None) -> Decimal | None:
    """``amount`` as it is shown: with ``code``'s `minor_units`, or with more decimal
    places when the value has more, up to the store's 4 (0.001 CNY -> 0.001, 1.2345 BHD
    -> 1.2345, 12.5 CNY -> 12.50): what is shown never differs from what is stored. A
    figure with more than 4 places (an average, a float's binary noise) is rounded half
    up to 4 places first, then its trailing zeros beyond the minor units dropped. Zero
    is never negative ("-0" reads 0). A currency without a minor unit (JPY, KRW) too:
    a stored amount is whole (every write refuses a fraction: `models.check_written`),
    and a figure computed from them (a weighted amount, 33 % of 1001 JPY = 330.33 JPY)
    shows its fraction as any currency's does; a figure converted at an exchange rate
    is rounded to the minor units before (`display.converted_money`). None where
    `round_money` gives None."""
    from decimal import ROUND_HALF_UP

    if round_money(amount, code) is None:
        return None
    number = amount if isinstance(amount, Decimal) else Decimal(repr(amount) if isinstance(amount, float)
                                                                else str(amount))
    digits = minor_units(code)
    four = number.quantize(Decimal(1).scaleb(-STORE_PLACES), rounding=ROUND_HALF_UP)
    places = max(digits, -min(0, four.normalize().as_tuple().exponent) if four else 0)
    shown = four.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return shown.copy_abs() if shown.is_zero() else shown


_THREE_AFTER = re.compile(r"\d[.,]\d{3}(?!\d)")


def whole_currency_reading(value: object, currency: str | None = None, *,
                           prefer: Iterable[str] = ()) -> MoneyReading | None:
    """The reading of text whose one separator ("." or ",", once) stands before exactly
    three digits ("12.000 ₫", "₩1.500", "1,200" in a row whose Currency is JPY) when the
    amount is in a currency with no minor unit (ISO 4217 exponent 0: `has_minor_unit`):
    the separator groups thousands, whatever the column's decimal mark (12000, 1500,
    1200). The currency is the one the value names, else `currency` (the row's
    Currency cell). None when the text reads one way only, or its currency has a
    minor unit or is unknown: read it with read_money then."""
    if (not isinstance(value, str) or value.count(".") + value.count(",") != 1
            or not _THREE_AFTER.search(value)):
        return None                     # most amounts ("12.50", "1200"): one reading only
    readings = []
    for mark in (".", ","):
        try:
            readings.append(read_money(value, mark, prefer=prefer))
        except ValueError:
            return None
    point, comma = readings
    if point.amount == comma.amount or point.currency != comma.currency:
        return None
    code = point.currency or currency
    if has_minor_unit(code):
        return None
    return max(readings, key=lambda r: abs(r.amount))


def three_decimal_reading(value: object, currency: str | None = None, *,
                         prefer: Iterable[str] = ()) -> MoneyReading | None:
    """The one reading of text whose one separator stands before exactly three digits
    ("1.235", "BHD 1,235") when the amount is in a currency of three decimals (ISO 4217
    minor unit 3: BHD, KWD, OMR, JOD, TND, IQD, LYD): a "." is the decimal mark (1.235
    BHD, the currency's own fils) and a "," groups thousands (1,235 is 1235) — the other
    way round where the currency's home writes a decimal comma (TND, LYD) — as
    `whole_currency_reading` settles it for currencies without minor unit. The currency
    is the one the value names, else `currency` (the stated Currency). None when the
    text reads one way only, or its currency is not one of three decimals: read it with
    the column's mark then. For a value typed with its currency (the CLI, the API, a
    sheet row), not a column whose decimal mark the import decided."""
    if (not isinstance(value, str) or value.count(".") + value.count(",") != 1
            or not _THREE_AFTER.search(value)):
        return None
    try:
        reading = read_money(value, ".", prefer=prefer)
    except ValueError:
        return None
    code = reading.currency or currency
    if not code or not has_minor_unit(code) or minor_units(code) != 3:
        return None
    mark = decimal_mark_at_home(code)
    if mark == ",":
        # Tunisia and Libya write a decimal comma (CLDR ar_TN, fr_TN, ar_LY): "1,234 TND" is
        # 1.234 dinars there, as an import of the same cell reads it (importer.evidence)
        try:
            return read_money(value, ",", prefer=prefer)
        except ValueError:
            return None
    return reading


def whole_currency_problem(amount: object, code: str | None) -> str | None:
    """Why `amount` cannot be in `code`: a currency with no minor unit (JPY, KRW, VND)
    has no fractions, so "1200.50 JPY" or "1,5" in won is refused, never rounded
    (ISO 4217 exponent 0). None when it can."""
    if code is None or has_minor_unit(code) or isinstance(amount, bool):
        return None
    try:
        number = amount if isinstance(amount, Decimal) else Decimal(repr(amount) if isinstance(amount, float) else amount)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not number.is_finite() or number == number.to_integral_value():
        return None
    return (f"{format(number.normalize(), 'f')} {code} has a fraction, but {code} has no minor unit "
            f"(whole amounts only); write it as a whole number")


# Digits 1-9 all read alike: what currency a cell names, and whether it reads as an
# amount at all, depends on where digits, zeros and separators stand, not on which
# non-zero digit it is (no currency token holds a digit: tests/test_money_table.py).
_SHAPE = str.maketrans("23456789", "11111111")


def named_currency(value: object) -> str | None:
    """The ISO code an amount cell names without doubt ("USD 12", "C$ 5", "1.200,00 €"),
    else None: no currency, one assumed for an ambiguous symbol ("$" -> USD, as
    read_money's ``assumed``), or not an amount. The same answer as
    ``read_money(value)`` (no decimal mark, no preference) gives, or for an amount that
    reads two ways ("€1.200") ``read_money(value, ".")``, remembered per shape
    of the text (its digits 2-9 read as 1) so that a column of amounts costs a few
    readings, not one per cell. A number whose format shows a currency (ShownAmount)
    names it on the same terms."""
    if isinstance(value, ShownAmount):
        try:
            reading = _read_shown(value, ())
        except ValueError:
            return None
        return None if reading.assumed else reading.currency
    if not isinstance(value, str):
        return None
    return _named_currency_of_shape(value.translate(_SHAPE))


@functools.lru_cache(maxsize=4096)
def _named_currency_of_shape(text: str) -> str | None:
    try:
        try:
            reading = read_money(text)
        except nz.AmbiguousNumber:
            # "€1.200" names EUR whichever its decimal mark; its one separator reads
            # either way, so "." does.
            reading = read_money(text, ".")
    except ValueError:
        return None
    return reading.currency if reading.currency and not reading.assumed else None


def bare_symbol(value: object) -> tuple[str, tuple[str, ...]] | None:
    """(symbol, the ISO codes it may stand for) when an amount cell writes a symbol
    several currencies share and nothing in the cell settles which: "$20" -> ("$",
    ("ARS", "AUD", … "USD", …)), "100 kr" -> ("kr", ("DKK", "NOK", "SEK")), "¥300", a
    number formatted "$#,##0.00" with no locale; else None ("C$ 5", "USD 12", "[$$-409]",
    "12", not an amount). Remembered per shape of the text, as named_currency."""
    if isinstance(value, ShownAmount):
        if not value.token:
            return None
        try:
            _code, assumed = currency_of_token(value.token, value.locale_currencies)
        except CurrencyError as exc:
            return (value.token, exc.codes) if exc.codes else None
        return (value.token, _candidates_of(value.token)) if assumed else None
    if not isinstance(value, str):
        return None
    return _bare_symbol_of_shape(value.translate(_SHAPE))


@functools.lru_cache(maxsize=64)
def written_alike(symbol: str) -> frozenset[str]:
    """The currencies `symbol` may stand for and those written with it after a few
    letters ("$": USD, CAD … and BRL "R$"; "¥": CNY, JPY): what a file that writes one
    of them makes a bare `symbol` beside it ambiguous with (CLDR symbols, the table above)."""
    key = _key(symbol)
    out = set(_table().candidates.get(key, ()))
    for token, codes in _table().candidates.items():
        head = token[: -len(key)] if key and token.endswith(key) else ""
        if head and len(head) <= 3 and head.isalpha() and token.upper() not in _codes():   # "LKR" is no "kr"
            out |= codes
    return frozenset(out)


def _candidates_of(token: str) -> tuple[str, ...]:
    return tuple(sorted(_table().candidates.get(_key(token), ())))


@functools.lru_cache(maxsize=4096)
def _bare_symbol_of_shape(text: str) -> tuple[str, tuple[str, ...]] | None:
    try:
        try:
            reading = read_money(text)
        except nz.AmbiguousNumber:
            reading = read_money(text, ".")
    except CurrencyError as exc:
        return (exc.token, exc.codes) if exc.codes and exc.token else None
    except ValueError:
        return None
    return (reading.symbol, _candidates_of(reading.symbol)) if reading.assumed and reading.symbol else None


# "12,-", "1.234,–", "CHF 99.-": a dash after the decimal mark stands for no cents
# (German, Scandinavian and Swiss price writing), not for a minus sign.
_DASH_CENTS = re.compile(r"(?<=\d)([.,])[-\u2010-\u2015]{1,2}(?![\d\-\u2010-\u2015])")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015")


def dash_cents(text: str) -> str:
    """`text` with a no-cents dash written as zeros ("1.234,-", "250,--" -> "1.234,00",
    "250,00"), a Japanese invoice's "exact amount" marks dropped (`exact_yen`), the Indian
    no-paise mark dropped ("Rs. 1,500/-" -> "Rs. 1,500": whole rupees), and the Swiss
    typographic apostrophe that groups thousands ("1’234.50") as "'"."""
    if "\u2019" in text:
        text = re.sub(r"(?<=\d)\u2019(?=\d)", "'", text)
    text = exact_yen(text)
    if _DASHES.isdisjoint(text):
        return text
    if "/" in text and (found := _SLASH_DASH.search(text)) is not None:
        # "/-": no paise, so each separator of the number groups thousands; written with
        # the other mark's zero cents, the number reads one way only ("1,500/-" -> "1,500.00")
        text = text[:found.start()]
        number = re.search(r"\d[\d.,]*$", text)
        marks = set(number.group()) & {".", ","} if number else set()
        if len(marks) == 1:
            text += ".00" if marks == {","} else ",00"
    return _DASH_CENTS.sub(r"\g<1>00", text)


# A Japanese invoice's or receipt's amount "and no more" (金…円也, ¥12,000-): 金 before
# the figure, 也 after 円, or a dash after a figure written with ¥ (or 円) is no minus
# sign (a negative is written ▲/△ there): "金12,000円也" is 12,000円, "¥3,300-" is ¥3,300.
_EXACT_YEN = re.compile(r"^(?P<kin>金\s*)?(?P<n>[¥￥]\s*\d[\d,]*|\d[\d,]*\s*円|\d[\d,]*)"
                        r"\s*(?P<end>也|[-\u2010-\u2015]{1,2})?$")


def exact_yen(text: str) -> str:
    """`text` without the marks that say "exact amount" on a Japanese invoice (金 before,
    也 or a dash after a figure written with ¥ or 円); any other text as it is."""
    if "金" not in text and "也" not in text and "¥" not in text and "￥" not in text:
        return text
    m = _EXACT_YEN.match(text.strip())
    if m is None or not (m["kin"] or m["end"]):
        return text
    n, end = m["n"], m["end"] or ""
    marked = n[:1] in "¥￥" or n.endswith("円")
    if end == "也" and not n.endswith("円") or not marked and not m["kin"]:
        return text
    return n


_SLASH_DASH = re.compile(r"(?<=\d)\s*/\s*[-\u2010-\u2015]\s*$")
# The Japanese (and Korean accounting) minus: "△1,200", "▲1,200" are -1200 (会計の負数表記)
_TRIANGLE_MINUS = ("\u25b3", "\u25b2")


def triangle_minus(text: str) -> str:
    """`text` with a leading Japanese minus (△ or ▲) written as "-": "△3,000" -> "-3,000"."""
    stripped = text.lstrip()
    if stripped[:1] in _TRIANGLE_MINUS and any(ch.isdigit() for ch in stripped):
        return "-" + stripped[1:].lstrip()
    return text


# Arabic decimal and thousands separators (U+066B, U+066C; Unicode 15 ch. 9.2): each
# says what it is, so a number written with them reads one way only.
_ARABIC_SEPARATORS = {0x066B: ".", 0x066C: ","}
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")          # a decimal digit of another script (str patterns: Nd)
# "1.5E3", "+2e2", "1,5E+03": a number in scientific notation, as Excel shows a number
# too long for its column (mantissa with either decimal mark).
_SCIENTIFIC = re.compile(r"^(\d)(?:[.,](\d+))?[eE]([+-]?\d{1,3})$")


def ascii_digits(text: str) -> tuple[str, bool]:
    """(`text` with every decimal digit of another script as its ASCII digit, whether it
    wrote the Arabic decimal or thousands separator): "١٢٣٤٫٥٠" -> ("1234.50", True),
    "۲۵۰۰" (Persian) -> ("2500", False), "१२३" (Devanagari) -> ("123", False). Digits:
    Unicode category Nd (unicodedata.decimal); the separators U+066B/U+066C become "."
    and ","."""
    if text.isascii():
        return text, False
    arabic = any(ord(ch) in _ARABIC_SEPARATORS for ch in text)
    out = "".join(str(d) if (d := unicodedata.decimal(ch, None)) is not None else ch
                  for ch in text) if _OTHER_DIGIT.search(text) else text
    return (out.translate(_ARABIC_SEPARATORS) if arabic else out), arabic


def _scientific(text: str, decimal: str | None) -> Decimal | None:
    """The number a text in scientific notation writes ("1.5E3" -> 1500), None when
    `text` is not in it. ValueError when the number has more digits than the text
    has characters: a spreadsheet shows a number so only when its digits do not fit
    the column ("1.23457E+11" for 123456789012), so digits may be lost."""
    match = _SCIENTIFIC.match(text)
    if match is None:
        return None
    head, tail, exponent = match.groups()
    if tail and decimal is not None and text[1] != decimal:
        return None                     # "1,5E3" where "," groups thousands: not a number
    number = Decimal(format(Decimal(f"{head}.{tail or ''}e{exponent}"), "f"))
    digits = len(format(number.normalize(), "f").replace(".", "").lstrip("0") or "0")
    if digits > len(text):
        raise ValueError("digits lost")
    return number


# Number words of Chinese, Japanese and Korean inside an amount: ten, hundred, thousand
# (a section's places) and 10⁴, 10⁸ (the myriads, each closing a section)
_SMALL_UNITS = {"十": 1, "拾": 1, "십": 1, "百": 2, "佰": 2, "백": 2, "千": 3, "仟": 3, "천": 3}
_BIG_UNITS = {"万": 4, "萬": 4, "만": 4, "亿": 8, "億": 8, "억": 8}
_GROUP = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)?\s*([十拾십百佰백千仟천万萬만亿億억])\s*")
_WORDED = re.compile(r"^(?P<head>[^\d]*?)(?P<body>\d[\d.,\s十拾십百佰백千仟천万萬만亿億억]*?)(?P<last>\d+)?"
                     r"(?P<tail>[^\d十拾십百佰백千仟천万萬만亿億억]*)$")


def _worded_number(text: str) -> str:
    """`text` with an amount written in number words of several parts ("1万2千円",
    "1만2천원", "12万3千4百元", "3억 5천만원") as its digits ("12000円"); other text,
    and one number with one word ("5千", "1.5万"), as it is (read by _read_text's
    multiplier). Parts out of order ("2千3万") are no amount: ValueError."""
    m = _WORDED.match(text)
    if m is None:
        return text
    body, last = m["body"], m["last"]
    groups = []
    at = 0
    while at < len(body):
        g = _GROUP.match(body, at)
        if g is None or g.end() == at:
            return text
        groups.append((g.group(1), g.group(2)))
        at = g.end()
    if len(groups) + (1 if last else 0) < 2:
        return text                      # "5千": one number, one word
    total, section = Decimal(0), Decimal(0)
    big_before, small_before = 99, 99
    for number, unit in groups:
        value = Decimal(number.replace(",", "")) if number else None
        if unit in _SMALL_UNITS:
            power = _SMALL_UNITS[unit]
            if power >= small_before:
                raise ValueError(nz._problem("not an amount: its number words are out of order", text))
            small_before = power
            section += (value if value is not None else Decimal(1)) * (10 ** power)
        else:
            power = _BIG_UNITS[unit]
            if power >= big_before or (value is None and section == 0) or (value is not None and section):
                # "2千3万": 2,003万 or 2,300万 ("2千3百万")? never guessed
                raise ValueError(nz._problem("not an amount: its number words are out of order", text))
            big_before, small_before = power, 99
            total += (section + (value or 0)) * (10 ** power)
            section = Decimal(0)
    if last:
        places = small_before if small_before != 99 else big_before
        if len(last) != places:
            # "1万5" (15,000 said short, or 10,005?), "1万2千5" (12,500 or 12,005?): never guessed
            raise ValueError(nz._problem("not an amount: the digits after its last number word do not say "
                                         "their place; write the whole number", text))
        section += Decimal(last)
    total += section
    if total != total.to_integral_value():
        return text
    return f"{m['head']}{int(total)}{m['tail']}"


def _compound_words(text: str) -> str:
    """`text` with a compound amount in number words ("3억 5천만원", "1亿2000万元") written
    as its digits ("350000000원"); other text as it is."""
    m = _COMPOUND.match(text)
    if m is None or any(ch.isdigit() for ch in m["head"]):
        return _worded_number(text)
    power = 0
    if m["unit"]:
        power = 4 + (_MULTIPLIER_HEADS[m["unit"][0]] if len(m["unit"]) == 2 else 0)
    big = Decimal(m["big"]) * (10 ** 8)
    rest = Decimal(m["rest"].replace(",", "")) * (10 ** power)
    if big != big.to_integral_value() or rest >= 10 ** 8:
        return text                     # "1.23456789억", "3억 2억": no compound amount
    return f"{m['head']}{int(big + rest)}{m['tail']}"


# A range of amounts ("10,000-15,000", "10k–15k", "100~200", "5.000 bis 8.000", "1万至2万"):
# two numbers, never one amount. An approximate or bounded value ("~5000", ">2000", "2000+",
# "约5000", "ca. 5.000", "5000左右", "약 5000"): no amount either. Each named as what it is,
# never as an unknown currency sign nor offered as one number under --decimal.
# Possessive quantifiers (`*+`): the digits' run and the spaces after it never give back
# what they took, so a hostile cell of many spaces is read in linear time (a 1,000-space
# cell took 27 s with plain `*`); and no cell longer than _LONGEST_RANGE is either.
_NUM = r"[$€£¥₩₹]?\s*+\d[\d.,'\s]*+(?:[kKmM]|万|萬|千|억|만)?\s*+(?:[A-Za-z]{3}|[$€£¥₩₹元円원])?"
_RANGE = re.compile(rf"^\s*+{_NUM}\s*+(?:-|–|—|~|〜|to|bis|à|a|até|al|至|到)\s*+{_NUM}\s*+$", re.IGNORECASE)
_LONGEST_RANGE = 60
_ABOUT = re.compile(
    rf"^\s*+(?:~|≈|>=?|<=?|≥|≤|±|大约|大概|约|約|およそ|약|approx\.?|ca\.?|circa|about|around|roughly|over|under|"
    rf"etwa|rund|über|unter|mehr als|weniger als|environ|plus de|moins de|aprox\.?|unos|más de|cerca de)\s*+{_NUM}\s*+$"
    rf"|^\s*+{_NUM}\s*+(?:\+|以上|以下|左右|上下|前后|程度|くらい|ぐらい|前後|이상|이하|정도|approx\.?|ca\.?|or more|or less|und mehr)\s*$",
    re.IGNORECASE)


_PLAIN_NUMBER = re.compile(r"^[+-]?[\d.,'\s]*$")


def _not_one_amount(text: str, raw: str) -> str | None:
    """Why `text` is no single amount when it writes a range or an approximate value."""
    if not any(c.isdigit() for c in text) or len(text) > _LONGEST_RANGE:
        return None
    shown = raw.strip()[:40]
    if _RANGE.match(text):
        return (f"not an amount: '{shown}' is a range, not one amount: write one amount (the expected "
                "value, say), and the range in Notes")
    if _ABOUT.match(text):
        return (f"not an amount: '{shown}' is an approximate value, not an amount: write the amount itself, "
                "and the estimate in Notes")
    return None


def not_one_amount(value: object) -> bool:
    """Whether a cell writes a range or an approximate value ("10,000-15,000", "~5000"): no
    evidence of a decimal mark, and refused as what it is."""
    if not isinstance(value, str) or _PLAIN_NUMBER.match(value):
        return False
    return _not_one_amount(_nfkc(value).strip(), value) is not None


def _read_text(raw: str, decimal: str | None, prefer: tuple[str, ...]) -> MoneyReading:
    _problem, _shift = nz._problem, nz._shift
    # format characters are invisible: an LRM before "1 234,5" (invisible.py)
    text = triangle_minus(dash_cents(without_format(_nfkc(raw)).strip()).replace("\u2212", "-"))
    if not _PLAIN_NUMBER.match(text) and (why := _not_one_amount(text, raw)) is not None:
        raise ValueError(why)
    text, arabic = ascii_digits(text)
    if arabic:
        decimal = "."                   # "١٢٣٤٫٥٠": the Arabic separators say which is which
    text = _compound_words(text)
    negative = opened = closed = sign_seen = False
    tokens: list[str] = []
    multiplier: int | None = None
    table = _table() if not _NUMBER_CHARS.match(text.lstrip("+-(").rstrip("-)")) else None

    def fail(reason: str = "not an amount") -> ValueError:
        return ValueError(_problem(reason, raw))

    while text:
        first = text[0]
        if first in "+-" and not sign_seen:
            sign_seen, negative = True, negative or first == "-"
            text = text[1:].lstrip()
        elif first == "(" and not opened:
            opened = True
            text = text[1:].lstrip()
        elif (table and not tokens and first.isascii() and first.isalpha() and text[1:2] in _BEFORE_DIGITS
              and first.casefold() in table.letters):
            # "R 1,200.00", "Q150.00": a one-letter symbol directly before the number, or with a space
            tokens.append(first)
            text = text[1:].lstrip()
        elif table and not tokens and not first.isdigit() and first not in ".," and (tok := table.prefix(text)):
            tokens.append(tok)
            text = text[len(tok):]
            if tok[-1] == "/" and text[:1] == "." and text[1:2] in (" ", "\u00a0") + tuple("0123456789"):
                text = text[1:]       # "S/." (Peru's sol as written before 2015): the dot of "S/" abbreviated
            text = text.lstrip()
        else:
            break
    while text:
        last = text[-1]
        if last == ")" and opened and not closed:
            closed = True
            text = text[:-1].rstrip()
        elif last == "-" and not sign_seen:
            sign_seen, negative = True, True
            text = text[:-1].rstrip()
        elif last in _MULTIPLIERS and multiplier is None:
            multiplier = _MULTIPLIERS[last]
            text = text[:-1].rstrip()
            if multiplier > 3 and text[-1:] in _MULTIPLIER_HEADS:
                multiplier += _MULTIPLIER_HEADS[text[-1]]      # "1.5천만원", "1.2百万"
                text = text[:-1].rstrip()
        elif (table and multiplier is None and len(tokens) < 2 and not last.isdigit()
              and (last not in ".," or _word_dot(text)) and (tok := table.suffix(text))):
            tokens.append(tok)
            text = text[: -len(tok)].rstrip()
        else:
            break
    if opened != closed:
        raise fail()
    if not text and tokens and negative and not opened and multiplier is None:
        # Excel's accounting format writes zero as a dash beside the currency: "$ -", "¥ -"
        text, negative = "0", False
    readings: list[tuple[str, bool]] = []
    for tok in tokens:
        try:
            readings.append(currency_of_token(tok, prefer + tuple(c for c, g in readings if not g)))
        except CurrencyError as exc:
            if exc.codes:
                # the cell as it would read with a code: 'kr 1.234,50' -> 'SEK 1.234,50'
                shown, code = raw.strip(), exc.codes[-1]
                before = shown.lstrip("+-( ").startswith(tok)
                at = shown.find(tok) if before else shown.rfind(tok)
                example = (f"{shown[:at]}{code} {shown[at + len(tok):].lstrip()}" if before
                           else f"{shown[:at].rstrip()} {code}{shown[at + len(tok):]}").strip()
                raise CurrencyError(f"not an amount: {exc} instead, e.g. '{example[:_SHOWN_MAX]}' "
                                    f"(was '{raw.strip()[:_SHOWN_MAX]}')", exc.codes, tok) from None
            raise fail(f"not an amount: {exc}") from None
    codes = {code for code, _ in readings}
    if len(codes) > 1:
        raise fail("not an amount: two different currencies")
    if (not tokens and (unknown := _UNKNOWN_SIGN.match(text))
            and (unknown["before"] or unknown["after"]).rstrip(".").casefold() not in _LEDGER_WORDS):
        # "Dhs 1,200.00", "1.200 Xq": a sign before or after the number that no CLDR locale
        # writes for a currency (nor an ISO code): named, never read as a bare number.
        sign = unknown["before"] or unknown["after"]
        if unknown["after"] and (scale := _MAGNITUDE_WORDS.get(sign.rstrip(".").casefold())):
            # "10k", "1.5M": a magnitude typed after the number, never a sign to drop
            word, power = scale
            try:
                whole = f" ({_shift(_number(unknown['n2'].strip(), decimal), power).normalize():f})"
            except ValueError:
                whole = ""
            raise ValueError(f"not an amount: '{raw.strip()[:_SHOWN_MAX]}' ends with '{sign}', {word}: write the "
                             f"whole number{whole}; an import reads such amounts when no cell of the column "
                             "writes a unit after its number")
        raise CurrencyError(f"not an amount: '{sign}' is no currency sign cims knows (CLDR's symbols and "
                            "ISO codes); write the currency's three-letter ISO code in its place "
                            f"(e.g. 'USD {unknown['number'] or unknown['n2']}')", (), sign)
    try:
        scientific = _scientific(text, decimal) if "e" in text or "E" in text else None
    except ValueError:
        raise fail("not an amount: scientific notation, digits may be lost (format the column "
                   "as a number and save the file again)") from None
    try:
        if scientific is not None:
            amount = scientific
        else:
            try:
                amount = _number(text, decimal)
            except nz.AmbiguousNumber:
                # "¥1,200": the currency's places all write "." as the decimal mark -> 1200.
                if not readings or (mark := _mark_of_tokens(tokens, readings)) is None:
                    raise
                amount = _number(text, mark)
    except nz.AmbiguousNumber as exc:
        raise exc.restated(raw, negative=negative or opened, places=multiplier or 0) from None
    except ValueError:
        raise fail() from None
    if multiplier is not None:
        amount = _shift(amount, multiplier)
    if negative or opened:
        amount = amount.copy_negate()            # unary minus would round to 28 digits
    if not readings:
        return MoneyReading(amount, None)
    # "US$ 5 $": one clear reading is enough for the currency not to be assumed.
    return MoneyReading(amount, readings[0][0], tokens[0], all(g for _, g in readings))


def short_sign(text: str) -> str | None:
    """The currency sign of one letter ("R 1,200.00", "Q150.00") or a shortened compound
    sign ("Bs. 100": Bs.S) `text` starts with, else None: the signs the summary names
    with the currency read for them."""
    text = _nfkc(text).lstrip()
    table = _table()
    first = text[:1]
    if first.isascii() and first.isalpha() and text[1:2] in _BEFORE_DIGITS and first.casefold() in table.letters:
        return first
    for n in (3, 2):
        head = text[:n]
        if (head.casefold() in _SHORTENED_SIGNS and text[n:n + 1] in _BEFORE_DIGITS
                and head.casefold() in table.candidates):
            return head
    return None


def short_sign_codes(sign: str) -> tuple[str, ...]:
    """The currencies a sign short_sign found stands for in CLDR, sorted."""
    key = _key(sign)
    return tuple(sorted(_table().letters.get(key) or _widened(key)[0]))


# The heads of CLDR's compound Latin symbols (Bs.S), written alone ("Bs." / "Bs") for several currencies.
_SHORTENED_SIGNS = frozenset({"bs", "bs."})

# What may follow a one-letter currency symbol: a space or the number's first digit.
_BEFORE_DIGITS = frozenset(" \u00a0\u202f0123456789")

# A short word or sign written against a number: "Dhs 1,200.00", "NTD 1,200", "1 200 Xq"; not
# the ledger's credit and debit marks (importer.ledger_marks reads those).
_LEDGER_WORDS = frozenset({"cr", "dr", "db", "cred", "deb"})
# Magnitudes typed after a number ("10k", "1.5M", "1.2bn"): named as such when an amount
# is refused, never taken for a currency sign to replace.
_MAGNITUDE_WORDS = {"k": ("thousands", 3), "tsd": ("thousands", 3), "m": ("millions (or metres, minutes)", 6),
                    "mn": ("millions", 6), "mm": ("millions", 6), "mio": ("millions", 6), "bn": ("billions", 9),
                    "b": ("billions", 9), "mrd": ("billions", 9)}
_UNKNOWN_SIGN = re.compile(r"^(?:(?P<before>[^\W\d_][^\W\d_]{0,3}(?:/?\.|/)?|[^\w\s.,+\-()'\"%]{1,2})\s*"
                           r"(?P<number>\d[\d.,' \u00a0]*)|(?P<n2>\d[\d.,' \u00a0]*?)\s*"
                           r"(?P<after>[^\W\d_]{1,4}\.?))$")


def _word_dot(text: str) -> bool:
    """Whether `text` ends with an abbreviation's dot ("1 500 руб.", "100 Rs."), not a
    number's ("12.")."""
    return text.endswith(".") and len(text) > 1 and text[-2].isalpha()


def _number(text: str, decimal: str | None) -> Decimal:
    if decimal is None:
        return nz._parse_number_core(text)
    if not text or not _NUMBER_CHARS.match(text) or not any(c.isdigit() for c in text):
        raise ValueError("not a number")
    group = "," if decimal == "." else "."
    if text.count(decimal) > 1:
        raise ValueError("not a number")
    integer, _, fraction = text.partition(decimal)
    if fraction and not fraction.isdigit():
        raise ValueError("not a number")
    seps = {ch for ch in integer if not ch.isdigit()}
    if seps - {group, " ", "'", "_"} or len(seps) > 1:
        raise ValueError("not a number")
    if seps:
        sep = seps.pop()
        groups = integer.split(sep)
        if not all(g.isdigit() for g in groups) or not (
                (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))
                or nz.indian_grouping(groups, sep)):
            raise ValueError("not a number")
        integer = "".join(groups)
    try:
        return Decimal(f"{integer or '0'}.{fraction}" if fraction else integer)
    except InvalidOperation:
        raise ValueError("not a number") from None


@functools.cache
def _ecb_rates():
    """The European Central Bank's euro reference rates since 1999, as the
    currencyconverter package ships them (loaded once, about half a second); None when
    they cannot be read."""
    try:
        from currency_converter import CurrencyConverter

        return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)
    except Exception:       # noqa: BLE001 - a reference only: without it nothing is compared
        return None


def reference_rate(code: str, base: str, day: _dt.date) -> tuple[Decimal, _dt.date] | None:
    """(1 `code` in `base`, the day it is from) by the ECB's euro reference rates (ECB
    statistical data warehouse, EXR; crossed through EUR) on `day`, or on the nearest day
    the data holds when `day` is outside it; None for a currency the ECB does not quote
    (VND, TWD, AED …). A plausibility reference only: never stored or used to convert."""
    rates = _ecb_rates()
    if rates is None or code not in rates.currencies or base not in rates.currencies:
        return None
    first = max(rates.bounds[code].first_date, rates.bounds[base].first_date)
    last = min(rates.bounds[code].last_date, rates.bounds[base].last_date)
    if first > last:
        return None
    on = min(max(day, first), last)
    try:
        value = rates.convert(1, code, base, date=on)
    except Exception:       # noqa: BLE001 - no rate on or near that day
        return None
    return Decimal(str(value)), on

