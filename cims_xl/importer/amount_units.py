"""The unit an amount is written in when the file states it outside the cell: a scale
("in thousands", "万元", "千円", "$000", "T€", "Mio. €", "억원", "cents", "分") and/or a
currency ("Account currency: EUR", "币种：美元"), in a column's heading ("金额(万元)",
"Amount (cents)", "Revenue (in millions)"), a line above the header ("单位：万元",
"(USD in thousands)", "（単位：千円）") or a cell's number format (`0.0"万元"`).

`read_unit` reads such a unit expression as a `Unit`: the factor the written number is
multiplied by to give the amount (exact Decimal: 10000 for 万, 0.01 for cents) and the
currency it names (its candidates, as a Currency cell is read: domain.money). A text
that is anything more than a unit (a title, "Sales by customer, March 2024") is None:
`preamble_unit` takes a line only when all of it is a unit statement.

A currency may be written as a word ("Unit: 10,000 yuan", "in millions of yen", "Tausend
Yen", "milliers de yuans"): the nouns of CLDR's currency names (money.currency_noun); a
noun several currencies share ("dollars") is settled by --currency or the store's
currency, else the import stops. A minor unit only one currency has ("pence", "分",
"Rappen", "öre", "groszy") names it (`minor_unit`); "cents" names none. A heading in
cents over amounts written with a decimal part ("$12.50") contradicts itself: `decide`
stops, naming --amount-scale.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ..domain import money

# Scale words written with or without a currency, longest first where one begins another.
# CJK and Korean number words (万 = 10⁴, 亿/億 = 10⁸, 억 = 10⁸, 만 = 10⁴), then words.
_CJK_SCALES: tuple[tuple[str, Decimal], ...] = (
    ("十亿", Decimal("1e9")), ("十億", Decimal("1e9")), ("千万", Decimal("1e7")), ("千萬", Decimal("1e7")),
    ("百万", Decimal("1e6")), ("百萬", Decimal("1e6")), ("十万", Decimal("1e5")), ("十萬", Decimal("1e5")),
    ("亿", Decimal("1e8")), ("億", Decimal("1e8")), ("万", Decimal("1e4")), ("萬", Decimal("1e4")),
    ("千", Decimal("1e3")),
    ("십억", Decimal("1e9")), ("천만", Decimal("1e7")), ("백만", Decimal("1e6")), ("억", Decimal("1e8")),
    ("만", Decimal("1e4")), ("천", Decimal("1e3")),
)
# number words a format may show alone ('0.0"万"': 1.2 shown 1.2万 is 12,000): a multiplier
# whatever the column counts; "分", "K", "M" alone may be points, minutes, kelvin, metres
NUMBER_WORDS = frozenset(w for w, _ in _CJK_SCALES)
# India's number words (lakh = 10⁵, crore = 10⁷; not "Cr", which an accounting format
# writes for a credit)
_INDIAN_SCALES = {**{w: Decimal("1e5") for w in ("lakh", "lakhs", "lac", "lacs", "lakh rupees")},
                  **{w: Decimal("1e7") for w in ("crore", "crores")}}
# words a number format may show alone and mean a scale whatever the column counts: the
# CJK number words, lakh and crore, and the cent sign ('0" ¢"': 1250 shown 1250 ¢ is 12.50)
FORMAT_WORDS = NUMBER_WORDS | frozenset(_INDIAN_SCALES) | {"¢"}
# a hundredth of the currency: the amount is written in cents (分 = fen, 1/100 yuan)
_CENT_WORDS = frozenset({"cents", "cent", "¢", "分", "fen", "centimes", "centime", "céntimos", "centimos",
                         "céntimo", "centavos", "centavo", "pence", "paise", "kopeks", "kopecks", "kopeken", "copecks",
                         "eurocent", "eurocents", "cts", "ct", "сантимы", "копейки", "копеек", "센트", "セント"})
# A minor unit only one currency has names that currency: the word, the currency, and
# whose definition it is. The scale is the currency's ISO 4217 minor-unit exponent (CLDR
# "digits" through babel, which agree for these: 2). Minor units several currencies share
# ("cents", "centimes", "centavos", "kopecks", "øre", "sen") name none: scale only.
_MINOR_UNITS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("pence", "penny", "pennies"), ("GBP", "the pound sterling's hundredth (Bank of England); "
                                                    "the Falkland, Gibraltar and St Helena pounds, at par with "
                                                    "it, write their own codes")),
    **dict.fromkeys(("分", "fen"), ("CNY", "the renminbi's hundredth (1 yuan = 10 jiao = 100 fen; People's "
                                           "Bank of China)")),
    **dict.fromkeys(("美分",), ("USD", "the US cent, in Chinese")),
    **dict.fromkeys(("欧分", "歐分", "eurocent", "eurocents"), ("EUR", "the euro cent")),
    **dict.fromkeys(("港仙",), ("HKD", "the Hong Kong cent (Hong Kong Monetary Authority)")),
    **dict.fromkeys(("rappen",), ("CHF", "the Swiss franc's hundredth (Swiss National Bank)")),
    **dict.fromkeys(("öre",), ("SEK", "the Swedish krona's hundredth (Sveriges Riksbank); Danish and Norwegian "
                                     "write øre")),
    **dict.fromkeys(("groszy", "grosze", "grosz"), ("PLN", "the złoty's hundredth (Narodowy Bank Polski)")),
    **dict.fromkeys(("satang",), ("THB", "the baht's hundredth (Bank of Thailand)")),
    **dict.fromkeys(("haléřů", "haléře", "haléř", "halere", "haleru"), ("CZK", "the koruna's hundredth (Czech "
                                                                             "National Bank)")),
    **dict.fromkeys(("fillér", "filler"), ("HUF", "the forint's hundredth (Magyar Nemzeti Bank)")),
    **dict.fromkeys(("kuruş", "kurus"), ("TRY", "the Turkish lira's hundredth (Central Bank of the Republic "
                                               "of Türkiye)")),
    **dict.fromkeys(("agorot", "agora"), ("ILS", "the shekel's hundredth (Bank of Israel)")),
    **dict.fromkeys(("halalas", "halala"), ("SAR", "the riyal's hundredth (Saudi Central Bank)")),
    **dict.fromkeys(("paise",), ("INR", "the rupee's hundredth as India writes it (Coinage Act 2011, Reserve "
                                       "Bank of India); Pakistan and Nepal write paisa")),    **dict.fromkeys(("коп.", "коп", "копеек", "копейки", "копейка"), ("RUB", "the rouble's hundredth, in Russian "
                                                                     "(Bank of Russia); Ukrainian writes копійок")),
}
# Minor units that are not the currency's ISO 4217 exponent: the jiao (a tenth of the yuan),
# and the sen and jeon of currencies now written without decimals (yen, won), still used
# in prices and old ledgers. The word, the currency, its scale, whose definition it is.
_OTHER_MINOR_UNITS: dict[str, tuple[str, Decimal, str]] = {
    **dict.fromkeys(("角", "jiao"), ("CNY", Decimal("0.1"), "the renminbi's tenth (1 yuan = 10 jiao; People's "
                                                           "Bank of China)")),
    **dict.fromkeys(("銭",), ("JPY", Decimal("0.01"), "the yen's hundredth (Currency Act 1987, Japan)")),
    **dict.fromkeys(("전",), ("KRW", Decimal("0.01"), "the won's hundredth (Bank of Korea)")),
}
_CENT_WORDS = _CENT_WORDS | frozenset(_MINOR_UNITS) | frozenset({"銭", "전", "sen", "paisa", "øre", "centesimi", "centesimo"})
# words saying the amounts are in the minor unit of whatever currency they are in ("amount_minor",
# "cents"): each row's amount is divided by 10 ** its currency's ISO 4217 minor units (÷ 100 for
# USD, ÷ 1 for JPY, ÷ 1,000 for BHD: money.minor_units), never a flat hundred
_GENERIC_MINOR = frozenset({"minor", "cents", "cent", "¢", "cts", "ct", "centimes", "centime", "céntimos",
                            "centimos", "céntimo", "centavos", "centavo", "kopeks", "kopecks", "kopeken",
                            "copecks", "centesimi", "centesimo", "сантимы", "센트", "セント", "sen", "øre"})
_CENT_WORDS = _CENT_WORDS | {"minor"}
_WORD_SCALES: dict[str, Decimal] = {
    **{w: Decimal("0.01") for w in _CENT_WORDS},
    **{w: Decimal("1e3") for w in ("thousands", "thousand", "000", "'000", "’000", "000s", "'000s", "k", "tsd",
                                    "tsd.", "tausend", "milliers", "miles", "mil", "milhares", "migliaia",
                                    "тыс", "тыс.", "тысячах", "тысяч", "t")},
    **{w: Decimal("1e6") for w in ("millions", "million", "mn", "mln", "mm", "m", "mio", "mio.", "millionen",
                                    "millones", "milhões", "milioni", "млн", "млн.", "000,000", "'000,000")},
    **{w: Decimal("1e9") for w in ("billions", "billion", "bn", "mrd", "mrd.", "milliarden", "milliards",
                                    "md", "mds", "млрд", "млрд.")},
    **_INDIAN_SCALES,
    # "Unit: 10,000 yuan" (a Chinese file in English): 万 written as a number
    **{w: Decimal("1e4") for w in ("10,000", "10000", "ten thousand", "ten thousands", "tens of thousands")},
}
# letters that are a scale only beside a currency ("T€", "TEUR"; "Amount (T)" says nothing)
_ONLY_WITH_CURRENCY = frozenset({"t"})
@dataclass(frozen=True)
class Unit:
    scale: Decimal                    # the written number times this is the amount
    currency: str | None = None       # the currency as written ("元", "USD", "$"), if any
    codes: tuple[str, ...] = ()       # the currencies it may be
    scale_word: str = ""              # the scale as written ("万", "thousands", "cents")
    written: str = ""                 # the whole unit as written

    @property
    def code(self) -> str | None:
        return self.codes[0] if len(self.codes) == 1 else None

    def describe(self) -> str:
        return self.written or " ".join(p for p in (self.scale_word, self.currency) if p)


def _nfkc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


# currency nouns that are everyday words too ("Amount (won)": deals won; "Importe (real)":
# the actual amount): a currency only beside a scale or after a units label ("Unit: 1,000
# won", "Currency: won"), never alone in a heading's brackets
_WORDS_TOO = frozenset({"won", "real", "mark"})


def _currency(text: str, alone: bool = False) -> tuple[str, tuple[str, ...]] | None:
    t = text.strip(" .:-_/'’")
    if not t:
        return None
    codes = money.currency_candidates(t)
    if codes:
        return t, codes
    if t.endswith("元") and len(t) > 1 and (codes := money.currency_candidates(t[:-1])):
        return t, codes                    # "人民币元", "港币元"
    if (codes := money.currency_noun(t)) and not (alone and t.casefold() in _WORDS_TOO):
        return t, codes                    # "yuan", "yen", "dollars", "Yen", "yuans" (CLDR names' nouns)
    return None


@functools.lru_cache(maxsize=64)
def minor_unit(word: str) -> tuple[str, Decimal, str] | None:
    """(currency, scale, whose definition) for a minor unit only one currency has
    ("pence": GBP, 0.01), else None. The scale is the currency's ISO 4217 exponent."""
    from babel.numbers import get_currency_precision

    key = _nfkc(word).strip().casefold() if isinstance(word, str) else None
    if key in _OTHER_MINOR_UNITS:
        code, scale, whose = _OTHER_MINOR_UNITS[key]
        return code, scale, whose
    found = _MINOR_UNITS.get(key) if key is not None else None
    if found is None:
        return None
    digits = get_currency_precision(found[0]) if money.has_minor_unit(found[0]) else 0
    if digits < 1:
        return None
    return found[0], Decimal(1).scaleb(-digits), found[1]


# a scale written as a power of ten: "Unit: 10,000 yuan", "(1,000 won)", "1.000 EUR"
_POWER_OF_TEN = re.compile(r"^1(?:0{3,9}|0{0,2}(?:[,.' \u00a0\u202f]000){1,3})(?=\s|$)")


def _power_of_ten(text: str) -> tuple[str, Decimal] | None:
    m = _POWER_OF_TEN.match(text)
    if m is None:
        return None
    return m.group(0), Decimal(re.sub(r"\D", "", m.group(0)))


@functools.lru_cache(maxsize=512)
def read_unit(text: str) -> Unit | None:
    """The unit a text states, when all of it is a unit ("万元", "USD in thousands",
    "$000", "T€", "in millions", "cents", "EUR"), else None."""
    if not isinstance(text, str):
        return None
    t = _nfkc(text).strip()
    t = re.sub(r"^[(\[（【]\s*(.*?)\s*[)\]）】]$", r"\1", t)
    if not t or len(t) > 40:
        return None
    t = re.sub(r"^(?:in|en|em|auf)\s+", "", t, flags=re.IGNORECASE)     # "in millions", "en milliers d'euros"
    if (cur := _currency(t, alone=True)) is not None:
        return Unit(Decimal(1), cur[0], cur[1], "", text.strip())
    low = t.casefold()
    if (minor := minor_unit(t)) is not None:
        return Unit(minor[1], t, (minor[0],), t, text.strip())
    if (power := _power_of_ten(t)) is not None and power[1] >= 1000:
        rest = _strip_filler(t[len(power[0]):])      # "10,000 yuan", "1,000 won", "1000 EUR"
        if (cur := _currency(rest)) is not None:
            return Unit(power[1], cur[0], cur[1], power[0], text.strip())
    if low in _WORD_SCALES and low not in _ONLY_WITH_CURRENCY:
        return Unit(_WORD_SCALES[low], None, (), t, text.strip())
    # CJK / Korean: a scale word, then the currency (or nothing): "万元", "百万円", "억원",
    # "人民币万元", "千"
    for word, scale in _CJK_SCALES:
        at = t.find(word)
        if at < 0:
            continue
        rest = (t[:at] + t[at + len(word):]).strip()
        if not rest:
            return Unit(scale, None, (), word, text.strip())
        if (cur := _currency(rest)) is not None:
            return Unit(scale, cur[0], cur[1], word, text.strip())
        break
    if t in ("分",) or low in _CENT_WORDS:
        return Unit(Decimal("0.01"), None, (), t, text.strip())
    # words: a currency and a scale word in either order, with "in"/"of" between them:
    # "USD in thousands", "thousands of euros", "EUR thousands", "Mio. €", "$000", "T€", "€k"
    for scale_first in (False, True):
        for word, scale in sorted(_WORD_SCALES.items(), key=lambda kv: -len(kv[0])):
            if scale_first:
                if not low.startswith(word):
                    continue
                rest = t[len(word):]
                if word[-1].isalpha() and rest[:1].isalpha() and not _attached(word, rest):
                    continue
            else:
                if not low.endswith(word):
                    continue
                rest = t[:len(t) - len(word)]
                if word[0].isalnum() and rest[-1:].isalpha() and not _attached(word, rest):
                    continue
            rest = _strip_filler(rest)
            if not rest:
                continue
            if (cur := _currency(rest)) is not None:
                return Unit(scale, cur[0], cur[1], t[:len(word)] if scale_first else t[len(t) - len(word):],
                            text.strip())
    return None


def _attached(word: str, rest: str) -> bool:
    """A one-letter scale written against a currency code or name: "TEUR", "EURk", "USDm"."""
    return len(word) == 1 and _currency(rest.strip()) is not None and rest.strip()[:3].isupper()


def _strip_filler(text: str) -> str:
    out = text.strip()
    while True:
        new = re.sub(r"^(?:in|of|en|de|em)\s+|^d['’]\s*|\s+(?:in|of|en|de|em)$|^[\s.,:]+|[\s.,:]+$", "",
                     out, flags=re.IGNORECASE)
        if new == out:
            return out
        out = new


# A line above the header stating the amounts' unit: a label, then the unit ("单位：万元",
# "Unit: USD thousands", "Account currency: EUR", "币种：美元", "Amounts in EUR"), or the
# unit alone in brackets ("(USD in thousands)", "（単位：千円）").
_LABELS = re.compile(
    r"^(?:(?:金额|金額|货币|貨幣|数量|計数)?单位|(?:金額)?単位|單位|단위|금액\s*단위|units?|unit of (?:account|measure)"
    r"|einheit|unité|unidad|unidade|unità"
    r"|(?:account |report(?:ing)? |base |display )?currency|币种|幣種|幣別|币别|货币|貨幣|通貨|통화|währung|devise|moneda|moeda|valuta"
    r"|(?:all )?(?:amounts?|figures|values|numbers) (?:are )?(?:in|shown in|stated in|expressed in)"
    r"|(?:alle )?(?:beträge|angaben|werte|zahlen) in|montants en|montants exprimés en|chiffres en|importes en"
    r"|cifras en|valores em|in|en|em)\s*[:：]?\s*(?P<unit>.+)$", re.IGNORECASE)
_CURRENCY_LABEL = re.compile(r"currency|币种|幣種|幣別|币别|货币|貨幣|通貨|통화|währung|devise|moneda|moeda|valuta",
                             re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def preamble_unit(line: str) -> Unit | None:
    """The unit a whole line above the header states, else None (a title, a date, a
    note: "2024年3月销售明细", "Sales by customer, March 2024")."""
    if not isinstance(line, str):
        return None
    t = _nfkc(line).strip()
    if not t or len(t) > 60:
        return None
    bracketed = re.fullmatch(r"[(\[（【](.*)[)\]）】]", t)
    inner = bracketed.group(1).strip() if bracketed else t
    m = _LABELS.match(inner)
    if m is not None:
        unit = read_unit(m.group("unit").strip())
        if unit is not None:
            return Unit(unit.scale, unit.currency, unit.codes, unit.scale_word, line.strip())
        if (cur := _currency(m.group("unit"))) is not None:      # "Currency: won" (a word too)
            return Unit(Decimal(1), cur[0], cur[1], "", line.strip())
    if bracketed:
        unit = read_unit(inner)
        if unit is not None and (unit.scale != 1 or unit.codes):
            return Unit(unit.scale, unit.currency, unit.codes, unit.scale_word, line.strip())
    return None


# "Amount (万元)", "Revenue (in millions)", "Amount ($000)", "Umsatz (T€)", "Sales in thousands"
_BRACKETED = re.compile(r"^(?P<head>.*?\S)\s*[(\[（【](?P<unit>[^()\[\]（）【】]{1,30})[)\]）】]\s*$")
_IN = re.compile(r"^(?P<head>.*?\S)\s+in\s+(?P<unit>.{1,30}?)\s*$", re.IGNORECASE)
# what splits a heading's words besides spaces: "_", ".", "-" and a camelCase hump
_SPLIT = re.compile(r"[_.\-]+")
_CAMEL_SPLIT = re.compile(r"(?<=[a-z])(?=[A-Z])")
_LAST_WORD = re.compile(r"^(?P<head>.*?\S)\s+(?P<unit>\S+)$")
_CJK_SUFFIX = re.compile(r"^(?P<head>.*?[^\s(（])(?P<unit>(?:万|萬|千|百万|亿|億)元|千円|百万円|億円|万円|억원|만원|천원|백만원)$")


@functools.lru_cache(maxsize=512)
def header_unit(header: str) -> tuple[str, Unit] | None:
    """(the heading proper, the unit) when a heading ends by stating a scale (and maybe
    a currency): ("金额", ×10000 元) for "金额(万元)", ("Amount", ×0.01) for "Amount
    (cents)". None for one stating no scale (currency alone: header_currency)."""
    if not isinstance(header, str):
        return None
    text = _nfkc(header)
    for pattern in (_BRACKETED, _IN, _CJK_SUFFIX):
        m = pattern.match(text)
        if m is None:
            continue
        unit = read_unit(m.group("unit"))
        if unit is not None and unit.scale != 1:
            return m.group("head").strip(), unit
    # the same words split another way: snake_case, camelCase, dots, hyphens ("amount_cents",
    # "totalInCents", "price_in_pence", "betrag.cent", "金额_分"), or a last word after a
    # space ("Total Cents"): the unit is the heading's last word (or words after "in")
    spaced = _nfkc(_SPLIT.sub(" ", _CAMEL_SPLIT.sub(" ", text)))
    if spaced != text:
        for pattern in (_BRACKETED, _IN, _CJK_SUFFIX):
            m = pattern.match(spaced)
            if m is not None and (unit := read_unit(m.group("unit"))) is not None and unit.scale != 1:
                return m.group("head").strip(), unit
    m = _LAST_WORD.match(spaced)
    if m is not None and (len(m.group("unit")) > 1 or not m.group("unit").isascii()):
        unit = read_unit(m.group("unit"))
        if unit is not None and unit.scale != 1:
            return m.group("head").strip(), unit
    # a scale word anywhere among a split heading's words ("amount_cents_usd", "centAmount",
    # "amount_cents_total", "amount_k", "cents"): the one scale they state; the heading proper
    # is the other words, without a currency code among them
    found = _word_scales(header)
    if len(found) == 1:
        word, unit = found[0]
        rest = [w for w in heading_words(header) if w != word and not _is_code_word(w, header)]
        return " ".join(rest), unit
    return None


_CAMEL_UPPER = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
# heading words that may be a scale the importer does not read ("amount_m", "amount_hundreds",
# "price_x100", "amount_bps"): the import stops, naming --amount-scale
_SCALE_LIKE = re.compile(r"^(?:[mbc]|hundreds?|hundredths?|tenths?|thousandths?|millionths?|bps|kk|mmm|"
                         r"[x×]\d+|e\d+|\d+x|1e\d+|subunits?|smallest|fractional|milli|micros?)$", re.IGNORECASE)


def heading_words(header: str) -> list[str]:
    """A heading's words however they are split: spaces, "_", ".", "-", "/", brackets and
    camelCase humps ("amountInCents" -> amount, In, Cents; "amountUSD" -> amount, USD)."""
    if not isinstance(header, str):
        return []
    text = _CAMEL_UPPER.sub(" ", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _nfkc(header)))
    return [w for w in re.split(r"[\s_.\-/()\[\]（）【】,;:]+", text) if w]


def _is_code_word(word: str, header: str) -> bool:
    from .header_currency import code_word

    return code_word(word, header) is not None


def _word_scales(header: str) -> list[tuple[str, Unit]]:
    """(word, unit) for each distinct scale a heading's words state."""
    out: list[tuple[str, Unit]] = []
    for w in heading_words(header):
        if len(w) == 1 and w.isascii() and w.casefold() != "k":
            continue
        unit = read_unit(w)
        if unit is None or unit.scale == 1:
            continue
        if all(u.scale != unit.scale or u.scale_word.casefold() != unit.scale_word.casefold() for _w, u in out):
            out.append((w, unit))
    return out


def heading_scale_problem(header: str) -> str | None:
    """Why a money column's heading does not say one scale the importer reads: two scale
    words ("amount_k_cents"), or a word that may be a scale and is not read ("amount_m",
    "price_x100"); None when it states one or none."""
    found = _word_scales(header)
    if len({(u.scale, is_generic_minor(u)) for _w, u in found}) > 1:
        return "states two scales (" + ", ".join(f"'{w}'" for w, _u in found) + ")"
    odd = [w for w in heading_words(header)[1:] if _SCALE_LIKE.match(w) and w not in {x for x, _u in found}]
    if odd and not found:
        return f"has the word '{odd[0]}', which may be a scale the importer does not read"
    return None


def is_generic_minor(unit: Unit) -> bool:
    """Whether a unit is the minor unit of whatever currency the amount is in ("cents",
    "minor"), not one currency's own (pence, 分, 銭)."""
    return unit.scale_word.casefold() in _GENERIC_MINOR and not unit.codes and minor_unit(unit.scale_word) is None


def minor_text(codes) -> str:
    """"÷ 100 for USD, ÷ 1 for JPY" for the currencies an amount in minor units may be in."""
    return ", ".join(f"÷ {10 ** money.minor_units(c):,} for {c}" for c in codes)


# a number written with a decimal part of one or two digits, with or without a currency
# around it: "$12.50", "12,50 €", "19.99", "1 234,5" (not "1.250": German grouping)
_MAJOR = re.compile(r"^[^\d]{0,6}\d[\d.,' \u00a0\u202f]*?[.,]\d{1,2}[^\d]{0,6}$")


def major_unit_example(value: object) -> str | None:
    """The cell as shown when it writes an amount with a fractional part (in major units:
    "$12.50", "12,50 €", 12.5), else None: evidence against a heading in cents."""
    from decimal import Decimal as _D

    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, _D)) and not isinstance(value, str):
        try:
            number = _D(str(value)) if isinstance(value, float) else _D(value)
        except Exception:
            return None
        if getattr(value, "scale", None) is not None or not number.is_finite():
            return None
        return f"{getattr(value, 'token', '') or ''}{value}" if number != number.to_integral_value() else None
    if isinstance(value, str):
        text = value.strip()
        if len(text) <= 30 and _MAJOR.match(text) and not _THREE_GROUPS.search(text):
            return text
    return None


_THREE_GROUPS = re.compile(r"\d[.,]\d{3}(?!\d)$|\d[.,]\d{3}\D*$")


def scale_text(scale: Decimal) -> str:
    """"× 10,000", "÷ 100"."""
    if scale >= 1:
        return f"× {int(scale):,}" if scale == scale.to_integral_value() else f"× {scale.normalize():f}"
    inverse = 1 / scale
    return f"÷ {int(inverse):,}" if inverse == inverse.to_integral_value() else f"× {scale.normalize():f}"


def check_scale(value: object) -> Decimal:
    """--amount-scale as a Decimal (10000, 1000, 0.01, 1); ValueError otherwise."""
    from decimal import InvalidOperation

    text = str(value).strip().replace(",", "").replace("_", "")
    try:
        scale = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number (give 10000 for 万, 1000 for thousands, "
                         "0.01 for cents, 1 for the amounts as written)") from None
    if not scale.is_finite() or scale <= 0:
        raise ValueError(f"{value!r} is not a positive number")
    return scale


def lines_above(window: list[tuple[int, list]], header_number: int) -> list[tuple[int, Unit]]:
    """(row number, unit) for each line above the header that is a unit statement; a
    cell of a line counts only when all its text is one (titles are not units)."""
    out: list[tuple[int, Unit]] = []
    for number, values in window:
        if number >= header_number:
            break
        found = False
        for v in values:
            if isinstance(v, str) and v.strip() and (unit := preamble_unit(v)) is not None:
                out.append((number, unit))
                found = True
        texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
        if not found and 1 < len(texts) <= 4 and all(t[:1].isdigit() for t in texts[1:]) \
                and (unit := preamble_unit(",".join(texts))) is not None:
            out.append((number, unit))      # "Unit: 10,000 yuan" unquoted in a CSV: split at its comma
    return out


@dataclass
class UnitVerdict:
    scales: dict[str, Decimal]            # money field -> the factor its written numbers are multiplied by
    currency: str | None = None           # the currency a line above the header states
    lines: list[dict] | None = None       # inferences for the summary


def decide(money_columns: list[tuple[str, str]], number_columns: list[str], above: list[tuple[int, Unit]],
           given_scale: Decimal | None, given_currency: str | None, name: str,
           format_units: dict | None = None, store: str | None = None,
           major: dict | None = None, named: dict | None = None) -> UnitVerdict:
    """The scale of each money column ((heading, field) pairs) and the currency stated
    above the header, on the evidence of the headings and the lines above the header;
    `given_scale` (--amount-scale) settles every money column. Raises ImportRefused
    (before anything is written) where the evidence disagrees or cannot tell: two
    scales for one column, a scale line with no currency in a file that also has
    quantities, two currencies stated."""
    from .errors import ImportRefused
    from .header_currency import header_code

    lines: list[dict] = []
    scales: dict[str, Decimal] = {}
    if not money_columns:
        return UnitVerdict(scales, None, lines)
    scaled_lines = [(n, u) for n, u in above if u.scale != 1]
    line_scales = {u.scale for _, u in scaled_lines}
    stated = {u.codes for _, u in above if u.codes}

    def shown(found: list[tuple[int, Unit]]) -> str:
        return ", ".join(f"row {n}: '{u.written}'" for n, u in found[:3])

    if given_scale is None and len(line_scales) > 1:
        raise ImportRefused(f"{name}: the lines above the header state two scales for the amounts ({shown(scaled_lines)}). "
                            "Nothing was imported. Give --amount-scale N (the number each written amount is "
                            "multiplied by: 10000 for 万, 1000 for thousands, 0.01 for cents, 1 for as written).")
    if given_currency is None and len(stated) > 1:
        raise ImportRefused(f"{name}: the lines above the header state two currencies "
                            f"({shown([(n, u) for n, u in above if u.codes])}). Nothing was imported. "
                            "Give --currency CODE to say which the amounts are in.")
    code = None
    if stated and given_currency is None:
        codes = next(iter(stated))
        at = next((n, u) for n, u in above if u.codes)
        settled = ""
        if len(codes) > 1 and store in codes:
            codes, settled = (store,), (f"; '{at[1].currency}' may be {', '.join(codes[:6])}"
                                        f"{' …' if len(codes) > 6 else ''}: the store's currency is one of them")
        if len(codes) > 1:
            raise ImportRefused(f"{name}: {shown([at])} above the header states '{at[1].currency}', which may be "
                                f"{', '.join(codes[:24])}{' …' if len(codes) > 24 else ''}. Nothing was imported. "
                                "Give --currency CODE to say which.")
        code = codes[0]
        for heading, _field in money_columns:
            if (own := header_code(heading)) is not None and own != code:
                raise ImportRefused(f"{name}: column '{heading}' states {own}, but {shown([at])} above the header "
                                    f"states {code}. Nothing was imported. Give --currency CODE to say which the "
                                    "amounts naming none of their own are in.")
        others = sorted(n for n, codes in (named or {}).items() if code not in codes)
        if others and at[1].scale != 1 and given_scale is None:
            raise ImportRefused(f"{name}: {shown([at])} above the header states the amounts are in "
                                f"{code} ({scale_text(at[1].scale)}), but the file also names "
                                f"{', '.join(repr(o) for o in others[:4])}. Nothing was imported. Give --amount-scale N to say what "
                                f"each written amount is multiplied by (--amount-scale {at[1].scale.normalize():f} "
                                "for the line's), and --currency CODE for the amounts naming no currency.")
        lines.append({"what": "currency of the amounts", "decided": code,
                      "evidence": f"stated above the header ({shown([at])}{settled}); amounts naming no currency of "
                                  "their own are in it (give --currency CODE to say otherwise)"})
    line_scale = next(iter(line_scales)) if len(line_scales) == 1 else None
    for heading, field in money_columns:
        own = header_unit(heading)
        if given_scale is None and (problem := heading_scale_problem(heading)) is not None:
            raise ImportRefused(
                f"{name}: the heading of column '{heading}' {problem}: the amounts' scale is not clear. "
                "Nothing was imported. Give --amount-scale N (the number each written amount is multiplied "
                "by: 1000 for thousands, 0.01 for cents, 1 for the amounts as written).")
        formats = (format_units or {}).get(heading)
        if formats:
            said = own[1].scale if own is not None else line_scale
            units = ", ".join(f"'{u}' ({scale_text(k)}, {n} cell(s))" for (u, k), n in formats.most_common(3))
            if len({k for _u, k in formats}) > 1 or (said is not None and said != 1
                                                     and any(k != said for _u, k in formats)):
                raise ImportRefused(
                    f"{name}: column '{heading}' has cells whose number format shows a unit ({units})"
                    + (f" other than the {scale_text(said)} its heading or a line above the header states"
                       if said is not None else "") + ". Nothing was imported. Give the cells one format (or "
                    "none) and say the scale in the heading, or give --amount-scale N for the cells "
                    "without such a format.")
            lines.append({"what": f"amount scale of '{heading}' (number format)", "decided": units,
                          "evidence": "the cells' number format shows the unit: each number times it is stored "
                                      "(Excel shows 1.2 formatted 0.0\"万元\" as 1.2万元, 12,000 yuan)"})
        if given_scale is not None:
            scale, why = given_scale, "--amount-scale"
        elif own is not None and line_scale is not None and own[1].scale != line_scale:
            raise ImportRefused(
                f"{name}: column '{heading}' states its amounts are in {own[1].describe()} "
                f"({scale_text(own[1].scale)}), but {shown(scaled_lines)} above the header states "
                f"{scale_text(line_scale)}. Nothing was imported. Give --amount-scale N to say which "
                f"(--amount-scale {own[1].scale.normalize():f} for the heading's, "
                f"--amount-scale {line_scale.normalize():f} for the line's).")
        elif own is not None:
            scale, why = own[1].scale, f"'{heading}': amounts in {own[1].describe()} (the heading)"
            if (minor := minor_unit(own[1].scale_word)) is not None:
                others = sorted(n for n, codes in (named or {}).items() if minor[0] not in codes)
                if others and given_currency is None:
                    raise ImportRefused(
                        f"{name}: column '{heading}' is in {own[1].scale_word}, hundredths of {minor[0]} "
                        f"({minor[2]}; ISO 4217 minor unit), but the file also names {', '.join(others[:4])}. "
                        f"Nothing was imported. Give --currency CODE to say which its amounts are in.")
                lines.append({"what": f"currency of '{heading}'", "decided": minor[0],
                              "evidence": f"'{own[1].scale_word}' is {minor[2]}: only {minor[0]} has that minor "
                                          "unit (ISO 4217 minor unit, exponent "
                                          f"{-own[1].scale.as_tuple().exponent}); amounts naming no currency "
                                          "of their own are in it (give --currency CODE to say otherwise)"})
        elif line_scale is not None:
            unit = scaled_lines[0][1]
            if not unit.codes and number_columns:
                raise ImportRefused(
                    f"{name}: {shown(scaled_lines)} above the header states a scale ({scale_text(line_scale)}) "
                    f"without a currency, and the file has other number columns "
                    f"({', '.join(repr(c) for c in number_columns[:4])}) it may be about. Nothing was imported. "
                    f"Give --amount-scale {line_scale.normalize():f} if '{heading}' is written in it, or "
                    "--amount-scale 1 if its amounts are as written.")
            scale, why = line_scale, f"amounts in {unit.scale_word or unit.written} ({shown(scaled_lines)})"
        else:
            continue
        if scale == 1 and given_scale is None:
            continue
        if scale < 1 and given_scale is None and (found := (major or {}).get(heading)):
            count, examples = found
            raise ImportRefused(
                f"{name}: column '{heading}' states its amounts are in {own[1].describe() if own else 'cents'} "
                f"({scale_text(scale)}), but {count} of its cells are written in whole currency units with a "
                f"decimal part ({', '.join(repr(e) for e in examples[:3])}): the heading and the values "
                f"disagree. Nothing was imported. Give --amount-scale 1 if the amounts are as written "
                f"({examples[0]} is {examples[0]}), or --amount-scale {scale.normalize():f} if every number is "
                f"in {own[1].describe() if own else 'cents'}.")
        if given_scale is None and own is not None and is_generic_minor(own[1]):
            # "cents", "minor": the minor unit of each row's own currency (÷ 100 USD, ÷ 1 JPY, ÷ 1,000 BHD)
            known = [c for c in dict.fromkeys((header_code(heading), code, given_currency,
                                               *(cs[0] for cs in (named or {}).values() if len(cs) == 1)))
                     if c] or [store or money.FALLBACK_CURRENCY]
            said = minor_text(known)
            scales[field] = "minor"
            lines.append({"what": f"amount scale of '{heading}'",
                          "decided": said.split(" for ")[0] if len({money.minor_units(c) for c in known}) == 1
                          else said,
                          "evidence": f"{why}: each written amount is divided by 10 to the power of its row's "
                                      f"currency's ISO 4217 minor units ({said}"
                                      f"{'' if len(known) > 1 else '; a row in JPY, which has none, ÷ 1'}); give "
                                      "--amount-scale N to say otherwise"})
            continue
        scales[field] = scale
        lines.append({"what": f"amount scale of '{heading}'", "decided": scale_text(scale)
                      + (" (as written)" if scale == 1 else ""),
                      "evidence": f"{why}: each written amount {scale_text(scale)} is stored (1.2 is stored as "
                                  f"{format((Decimal('1.2') * scale).normalize(), 'f')}); give --amount-scale N "
                                  "to say otherwise"})
    return UnitVerdict(scales, code, lines)
