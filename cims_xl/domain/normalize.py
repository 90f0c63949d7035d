"""Normalisers: turn what people type into Excel into clean, comparable values.

Pure functions, no I/O. Every function returns ``None`` for a blank cell (None, "",
whitespace, NaN, pandas NA/NaT) and raises ``ValueError`` with a short, lower-case,
plain-words reason otherwise. The reason quotes the offending value only when it is
short (at most 40 characters), so it reads well after a field name:
``Email: not an email address: no @ ('bob.example.com')``.

The first users write Chinese, so full-width digits and letters (１３８, ＡＢＣ, ＠),
ideographic spaces, "¥"/"元", "2024年10月5日" and the like are accepted everywhere
it makes sense.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple
from decimal import Decimal, InvalidOperation

import phonenumbers

from .invisible import FORMAT_CHARS, FORMAT_SET, name_without_format, without_format

__all__ = [
    "AmbiguousNumber",
    "detect_date_order",
    "is_blank",
    "looks_like_phone",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_int",
    "parse_money",
    "parse_money_with_currency",
]

_SHOWN_MAX = 40


# --------------------------------------------------------------------------- helpers


def _shown(value: object) -> str | None:
    """The value quoted for a message, or None when it is too long to be useful."""
    text = (value if isinstance(value, str) else str(value)).strip()
    if not text or len(text) > _SHOWN_MAX:
        return None
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    return f"'{text}'"


def _problem(reason: str, value: object) -> str:
    """``reason`` plus the value when short: "reason: 'v'" or "reason: detail ('v')"."""
    shown = _shown(value)
    if shown is None:
        return reason
    return f"{reason} ({shown})" if ":" in reason else f"{reason}: {shown}"


def _nfkc(text: str) -> str:
    # Pure-ASCII text is already NFKC; skipping the call keeps the common case cheap.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _is_bool(value: object) -> bool:
    if isinstance(value, bool):
        return True
    cls = type(value)
    return cls.__module__ == "numpy" and cls.__name__ in ("bool_", "bool")


def _is_number(value: object) -> bool:
    """int, float, Decimal and numpy numbers; never bool."""
    return isinstance(value, (numbers.Real, Decimal)) and not _is_bool(value)


def _number_to_decimal(value: object) -> Decimal:
    """Exact Decimal of a number; floats go through str so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    return _shift(Decimal(str(value)), 0)  # str(1e20) is "1e+20"; give 100000000000000000000


def _shift(number: Decimal, places: int) -> Decimal:
    """``number`` × 10**places, exactly (Decimal arithmetic would round at 28 digits),
    written without an exponent when it is a whole number."""
    if not number.is_finite():
        return number
    sign, digits, exponent = number.as_tuple()
    exponent += places
    if exponent > 0:
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


def _scalar_to_text(value: object) -> str:
    """A non-str cell value as the text a person would expect to see."""
    if isinstance(value, str):
        return value
    if _is_bool(value):
        return "TRUE" if value else "FALSE"  # what Excel shows
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))  # Excel hands over 13 as 13.0
        return str(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------- blank


def is_blank(value: object) -> bool:
    """True for None, "", text of whitespace and invisible format characters only (a
    zero-width space, a direction mark: invisible.FORMAT_CHARS), NaN, pandas NA/NaT and
    numpy NaT."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        # only text that begins with a format character can be nothing else
        return not text or (text[0] in FORMAT_SET and not without_format(text).strip())
    if isinstance(value, float):
        return value != value
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return math.isnan(value)  # numpy float32 and friends
    pd = sys.modules.get("pandas")  # a pandas object implies pandas is imported
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return True
    if type(value).__name__ == "datetime64":
        return str(value) == "NaT"
    return False


# --------------------------------------------------------------------------- phone

# The extension words of the languages cims reads: English, Chinese (转, 分机), Japanese
# 内線, Korean 내선, French poste, Spanish anexo/interno, Portuguese ramal, Italian
# interno, German Durchwahl/Nebenstelle, Dutch toestel, Russian доб. (добавочный),
# Ukrainian дод. (додатковий), Polish wew., Turkish dahili, Thai ต่อ, Czech and Slovak
# linka/kl., Hungarian mellék, Vietnamese máy lẻ/nhánh, Greek εσωτ. (εσωτερικό),
# Swedish/Danish/Norwegian anknytning/lokal/ankn.
_PHONE_EXTENSION = re.compile(
    r"(?<!\s)\s*+[,;]?+\s*+(?:ext\.?|extn\.?|extension|x|#|转|轉|分机|分機|内線|内线|內線|내선|poste|anexo|ramal|"
    r"interno|int\.|durchwahl|nebenstelle|nst\.|toestel|tst\.|доб\.?|дод\.?|wew\.|dahili|ต่อ|linka|kl\.|"
    r"mellék|máy lẻ|nhánh|εσωτ\.?|εσωτερικό|anknytning|ankn\.|lokal)\s*+[:.]?+\s*+\d{1,7}+\s*+$",
    re.IGNORECASE,
)


# A remark in brackets after the number: "(WhatsApp only)", "（微信同号）", "[home]", "【夜间】":
# letters and no digit inside (a bracketed area code or trunk "(0)" has digits), and no word
# saying the number is a fax line (that one is refused: _FAX_REMARK).
_PHONE_REMARK = re.compile(
    r"(?<=[\d)])\s*+[(\[【（［]\s*+(?=[^()\[\]【】（）［］\d]*[^\W\d_])[^()\[\]【】（）［］\d]{1,40}[)\]】）］]\s*+$")
_FAX_REMARK = re.compile(r"(?i)fax|传真|傳真|ファックス|ファクス|팩스|факс|φαξ|télécopie")


def phone_remark(value: object) -> str | None:
    """The remark in brackets a phone cell ends with ("+65 9123 4567 (WhatsApp only)" ->
    "(WhatsApp only)"), else None; a remark naming a fax is no remark (the number is the fax)."""
    if not isinstance(value, str) or not value.rstrip().endswith((")", "]", "】", "）", "］")):
        return None
    match = _PHONE_REMARK.search(value)
    if match is None or _FAX_REMARK.search(match.group(0)):
        return None
    return match.group(0).strip()


def has_phone_extension(value: object) -> bool:
    """Whether a phone cell ends with an extension ("x123", "ext. 45", "转 8", "#22") or a
    remark in brackets ("(WhatsApp only)", "（微信同号）") after its digits: E.164 holds
    neither, so normalize_phone drops it and a caller that keeps the text elsewhere
    (Notes) does not lose it."""
    if not isinstance(value, str) or not any(c.isdigit() for c in value):
        return False
    if (remark := phone_remark(value)) is not None:
        return any(c.isdigit() for c in _PHONE_EXTENSION.sub("", value.rstrip()[:-len(remark)]))
    return bool(_PHONE_EXTENSION.search(value)) and any(c.isdigit() for c in _PHONE_EXTENSION.sub("", value))


_PHONE_LABEL = re.compile(
    r"^(?:tel|phone|mobile|mob|cell|fax|电话|電話|手机|手機|座机|座機)\s*[:.]?\s*", re.IGNORECASE
)
# A fax label before the only number of a cell ("Fax: 030 1234567", "FAX:06-1234-5679",
# "Telefax 089 123456", "F: +49 30 …", "Fax-Nr. …", "télécopie", "传真：…", "ファックス", "팩스",
# "факс", "φαξ"): that number is the fax line, never the record's phone. Not "FAX兼用"
# (the phone doubles as the fax) nor "TEL/FAX" (both on one line): words follow the label.
_FAX_LABEL = re.compile(
    r"^(?:(?:tele)?fax(?:[\s-]*(?:nr|no|nummer|number|num))?\.?|f|t[ée]l[ée]copie(?:ur)?|t[ée]l[ée]c\.|"
    r"传真|傳真|ファックス|ファクス|팩스|факс|φαξ)\s*[:.]?\s*(?=[+(\d])", re.IGNORECASE)


def fax_labelled(value: object) -> bool:
    """Whether a phone cell's number is labelled as a fax ("Fax: 030 1234567", "传真：…")."""
    return isinstance(value, str) and bool(_FAX_LABEL.match(without_format(_nfkc(value)).strip()))


# Digits plus the punctuation people put between them (phonenumbers understands all
# of these, including the dash look-alikes that NFKC leaves alone).
_PHONE_CHARS = re.compile(r"^[+\d\s\-./()\[\]~\u2010-\u2015\u2212\u30fc]+$")
_PHONE_NEGATIVE = re.compile(r"^-\s*\d")
_PHONE_EXCEL_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)
_PHONE_EXCEL_FLOAT_TEXT = re.compile(r"^(\d+)\.0+$")
_PHONE_DECIMAL_TEXT = re.compile(r"^\d+\.\d{1,2}$")  # "13800138000.5": a number, not a phone
_MAX_PHONE_DIGITS = 15  # E.164 allows at most 15 digits

_PARSE_ERROR_REASONS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a valid phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_LONG: "too long to be a phone number",
}
_POSSIBILITY_REASONS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
    phonenumbers.ValidationResult.TOO_SHORT: "too short to be a phone number",
    phonenumbers.ValidationResult.TOO_LONG: "too long to be a phone number",
    phonenumbers.ValidationResult.INVALID_LENGTH: (
        "not a valid phone number: wrong number of digits"
    ),
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "not a full phone number: area code missing"
    ),
}


_CN_MOBILE = re.compile(r"1[3-9][0-9]{9}\Z")
_CN_MOBILE_SPACED = re.compile(r"(?:\+86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}\Z")
_SEPARATORS = re.compile(r"[ -]")
# A mainland mobile after China's country code written without "+" or "00" ("86 139 1234
# 5678", "8613912345678"), as Chinese CRMs and shop exports often write it.
_CN_MOBILE_BARE_CODE = re.compile(r"86[ -]?(1[3-9][0-9](?:[ -]?[0-9]){8})\Z")
# A mainland landline as people type it: 0 + area code, an optional dash or space, number.
_CN_LANDLINE = re.compile(r"0([1-9][0-9]{1,2})[- ]?([2-9][0-9]{6,7})\Z")


def _cn_general():
    meta = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    desc = meta.general_desc
    return re.compile(desc.national_number_pattern), frozenset(desc.possible_length)


_CN_GENERAL, _CN_LENGTHS = _cn_general()
# Valid mainland fixed lines (the type phonenumbers' is_valid_number finds for them).
_CN_FIXED_LINE = re.compile(phonenumbers.PhoneMetadata.metadata_for_region("CN").fixed_line.national_number_pattern)
# Valid mainland mobiles: the shapes above are only their outline ("14085550100", a US
# number whose "+" was lost, has it but 140 is no mobile range); a number of the outline
# outside these ranges goes to the full check.
_CN_MOBILE_VALID = re.compile(
    f"(?:{phonenumbers.PhoneMetadata.metadata_for_region('CN').mobile.national_number_pattern})\\Z")


ASSUMED_REGION_HINT = "write it with + and its country code, or give its country"


# Turkish and Azerbaijani capital İ (U+0130) is the capital of plain i: lower() gives
# "i" + COMBINING DOT ABOVE (Unicode SpecialCasing's rule outside Turkish), so "İZMİR"
# and "izmir" would be two tags. The dot over a lower-case i adds nothing (i is
# soft-dotted: Unicode 15, section 7.1), so "i" + U+0307 folds to "i" as well.
# Dotless ı and capital I are left as they are: "I" is "i" in most languages and "ı"
# in Turkish, so which one a capital I stands for cannot be told.
_DOTTED_I = str.maketrans({"İ": "i"})


def tag_key(tag: str) -> str:
    """A tag as tags are compared: width and case aside ("VIP", "vip", "ＶＩＰ" are one;
    "İSTANBUL", "İstanbul" and "istanbul" too), by lower() rather than casefold():
    casefold makes different words one ("Maße" and "Masse"), where two tags left apart
    is the lesser harm."""
    text = unicodedata.normalize("NFKC", tag).translate(_DOTTED_I).lower()
    return text.replace("i\u0307", "i") if "\u0307" in text else text


# Letters whose case-insensitive form is another letter or more letters than one:
# Turkish capital İ is i (see _DOTTED_I), German ß and capital ẞ are "ss" (Unicode
# CaseFolding.txt, status F: "STRASSE" is "Straße" in capitals). Greek final ς folds to
# σ with casefold() too, but does not change length. What search_key folds beyond
# plain case, so that a search can tell which stored letters may stand for a term's.
SEARCH_FOLDS = {"İ": "i", "ı": "i", "ß": "ss", "ẞ": "ss"}
# Turkish dotless ı is i to a search: "YILMAZ" is how "Yılmaz" is written in capitals
# (a search may find more; tags keep their own letters, see tag_key).
_SEARCH_I = str.maketrans({"İ": "i", "ı": "i"})


def search_key(text: str) -> str:
    """Text as a free-text search compares it, case aside: NFKC, then Unicode case
    folding (str.casefold, Unicode 15 section 3.13), with Turkish İ and ı as plain i.
    "İstanbul" -> "istanbul", "STRASSE" and "Straße" -> "strasse", "ΟΔΟΣ" and "οδός"
    -> "οδοσ". Wider than tag_key (tags keep "Maße" and "Masse" apart; a search finds
    both)."""
    text = unicodedata.normalize("NFKC", text).translate(_SEARCH_I).casefold()
    text = text.replace("i\u0307", "i") if "\u0307" in text else text
    if _GREEK.search(text):
        # Greek capitals are written without accents ("ΑΘΗΝΑ" for "Αθήνα"): a search
        # compares Greek letters without tonos, dialytika or breathings
        text = unicodedata.normalize("NFC", "".join(
            c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))
    return text


_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
# Greek vowels: a row may write them with an accent the folded search term has not
GREEK_VOWELS = frozenset("αεηιουω")


def normalize_phone(value: object, region: str = "CN", *, assumed: bool = False,
                    hint: str = ASSUMED_REGION_HINT) -> str | None:
    """The phone number in E.164 form ("+8613800138000"), or None for a blank cell.

    ``region`` (ISO 3166 code) says which country a number without "+" or "00" belongs
    to. Accepted: spaces, dashes, dots, parentheses, "+86"/"0086"/"86 " prefixes (a bare
    "86" before a mainland mobile also when the region is only assumed),
    full-width digits, ideographic spaces, a leading "tel:" or "电话:" label, Excel's
    int-valued floats (13800138000.0) and extensions ("x123", "ext. 12", "转123").
    E.164 has no extension, so the extension is dropped.

    Validity policy: a number is accepted when phonenumbers calls it *possible* (right
    length for its country) and its digits fit the country's general numbering-plan
    shape; it need not be *valid* (in a range the metadata knows is assigned), since
    that check rejects real numbers in ranges opened after the metadata was built.
    Numbers that are one digit repeated ("11111111111") are rejected outright.

    ``assumed``: the region is a default, not known for this number (no country in the
    row, no region given). A number written without "+" or "00" is then accepted only
    when it is written as that region dials it at home (its national format's digits,
    trunk prefix included): "(415) 555-0132" parses as a Chinese fixed line, but a
    Chinese one is written 0415…, so it is refused rather than stored as "+864155550132".
    It must also be *valid* there (in a range the metadata lists), not only possible:
    "0151 2345678", a German mobile, is the length of a Chinese landline but 151 is no
    Chinese area code. A trunk 0 before a mainland mobile ("0151 23456789") is not how
    China writes one, so it is refused too (with region CN given, it is the mobile).
    ``hint`` ends the refusal: what the person can do about it (the caller knows its
    options: a Country column, --country, --region).

    Results, including rejections, are cached per (text, region, assumed).
    """
    if value is None:
        return None
    number_cell = False      # a number cell: Excel dropped any leading "+" or 0
    if isinstance(value, str):
        text = without_format(value)     # an LRM after "+49 30 1234567" (invisible.py)
    elif is_blank(value):
        return None
    elif _is_number(value):
        text = _phone_text_from_number(value)
        number_cell = True
    else:
        raise ValueError(_problem("not a valid phone number", value))
    if region == "CN" and _CN_MOBILE.match(text) and _CN_MOBILE_VALID.match(text):
        # The most common shape by far (an 11-digit mainland mobile, nothing else in the
        # cell) is always a valid CN number; skip the full parse for it.
        return "+86" + text
    if text.startswith("+86") and _CN_MOBILE.match(text, 3) and _CN_MOBILE_VALID.match(text, 3):
        return text  # already E.164 (re-imports, our own exports)
    if (text.startswith("+86") or region == "CN") and _CN_MOBILE_SPACED.match(text) \
            and _CN_MOBILE_VALID.match(mobile := _SEPARATORS.sub("", text.removeprefix("+86"))):
        # "+86 138 0013 8000", "138-0013-8000": a mainland mobile with separators, the
        # next most common shape; read without the full parse.
        return "+86" + mobile
    if region == "CN":
        bare = _CN_MOBILE_BARE_CODE.match(text)
        if bare and _CN_MOBILE_VALID.match(mobile := _SEPARATORS.sub("", bare.group(1))):
            # 13 digits starting 86 then a mainland mobile: China's code without its "+".
            # Read so even when CN is only assumed: no national number of that shape
            # exists in China, and the mobile after it is unmistakable.
            return "+86" + mobile
        # 0 + area code is how China dials a landline at home. Under an assumed region
        # the number must also be valid ("089 3280598" from Munich has this shape): a
        # fixed line in the numbering plan, else the full check decides. No mainland
        # area code starts with 1 but Beijing's 10: "0151 23456789" is a mobile with a
        # trunk 0, left to the full check.
        landline = _CN_LANDLINE.match(text)
        if landline and (landline.group(1)[0] != "1" or landline.group(1) == "10"):
            # Accepted here only when the full check would accept it too (tested): a
            # possible length that fits the numbering plan, not one digit repeated.
            national = landline.group(1) + landline.group(2)
            if len(national) in _CN_LENGTHS and _CN_GENERAL.fullmatch(national) and len(set(national)) > 1 \
                    and _CN_FIXED_LINE.fullmatch(national):
                return "+86" + national
    ok, result = _normalize_phone_text(text, region, assumed, hint, number_cell)
    if ok:
        return result
    raise ValueError(result)


def has_country_code(value: object) -> bool:
    """Whether a phone cell carries its own country code ("+44 …", "0044 …", "＋86…"),
    so that no region is needed to read it. Blank cells count as carrying one (nothing
    to read)."""
    if value is None or (not isinstance(value, str) and is_blank(value)):
        return True
    if not isinstance(value, str):
        return False
    if value.isascii():
        # NFKC and the format characters leave ASCII as it is, and no label ("tel:")
        # begins with anything but a letter: most cells need neither.
        text = value.strip()
        if not text[:1].isalpha():
            return not text or text.startswith(("+", "00"))
    text = _PHONE_LABEL.sub("", without_format(_nfkc(value)).strip())
    return not text or text.startswith(("+", "00"))


def phone_text_from_number(value: object) -> str:
    """The digits of a phone number stored as a number cell (13800138000.0 ->
    "13800138000"); ValueError for one that cannot be a phone number (negative, a
    fraction, too long)."""
    return _phone_text_from_number(value)


def _phone_text_from_number(value: object) -> str:
    number = _number_to_decimal(value)
    if not number.is_finite():
        raise ValueError("not a valid phone number")
    if number < 0:
        raise ValueError(_problem("looks like a formula result, not a phone number", value))
    if number.adjusted() >= _MAX_PHONE_DIGITS:
        raise ValueError(_problem("too long to be a phone number", value))
    if number != number.to_integral_value():
        raise ValueError(_problem("not a valid phone number", value))
    return str(int(number))


@functools.lru_cache(maxsize=16384)
def _normalize_phone_text(raw: str, region: str, assumed: bool = False,
                          hint: str = ASSUMED_REGION_HINT, number_cell: bool = False) -> tuple[bool, str | None]:
    """(True, e164 or None) or (False, reason); cached, so rejections are cheap too."""
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        return False, f"unknown phone region {region!r}"
    text = without_format(_nfkc(raw)).strip()
    if not text:
        return True, None
    if not text.isascii():
        # digits of any script as ASCII (NFKC leaves Arabic-Indic ١٣٨ and Devanagari as
        # they are): "written as the region writes it at home" compares ASCII digits
        text = "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)
    if text[0] == "=":
        return False, _problem("looks like a formula, not a phone number", raw)
    if _PHONE_NEGATIVE.match(text):
        # Excel turns "+1-822-569-0302" into the formula result -1692.
        return False, _problem("looks like a formula result, not a phone number", raw)
    if _PHONE_EXCEL_SCIENTIFIC.match(text):
        return False, _problem("shown in scientific notation, digits are lost", raw)
    if _FAX_LABEL.match(text):
        return False, _problem("labelled as a fax number, not the phone", raw)
    text = _PHONE_LABEL.sub("", text)  # "tel:", "Mobile:", "手机："
    if (remark := phone_remark(text)) is not None:
        text = text.rstrip()[:-len(remark)].rstrip()   # "(WhatsApp only)": the caller keeps it (Notes)
    text = _PHONE_EXTENSION.sub("", text)
    float_text = _PHONE_EXCEL_FLOAT_TEXT.match(text)
    if float_text:
        text = float_text.group(1)
    elif _PHONE_DECIMAL_TEXT.match(text):
        return False, _problem("not a valid phone number", raw)
    if not text or not _PHONE_CHARS.match(text):
        if any(ch.isalpha() for ch in text):
            return False, _problem("not a phone number: contains letters", raw)
        return False, _problem("not a valid phone number", raw)
    if text.startswith("00"):
        text = "+" + text[2:]  # international prefix, whatever the region dials
    national_form = not text.startswith(("+", "＋"))
    digits = sum(ch.isdigit() for ch in text)
    if digits > _MAX_PHONE_DIGITS:
        return False, _problem("too long to be a phone number", raw)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return False, _problem(
            _PARSE_ERROR_REASONS.get(exc.error_type, "not a valid phone number"), raw
        )
    if national_form:
        lost_plus = _lost_plus_reading(text, region, number, number_cell)
        if lost_plus is False:
            own = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            code = phonenumbers.country_code_for_region(region)
            digits = "".join(ch for ch in text if ch.isdigit())
            return False, _problem(
                f"reads two ways: {own} as written in {region}, or +{digits} if {code} is its "
                f"country code without the +; write it with + and its country code", raw)
        if lost_plus is not None:
            number, national_form = lost_plus, False
    possibility = phonenumbers.is_possible_number_with_reason(number)
    if possibility != phonenumbers.ValidationResult.IS_POSSIBLE:
        reason = _POSSIBILITY_REASONS.get(possibility, "not a valid phone number")
        if national_form and (abroad := _with_plus(text)):
            # "4915123456789" in a Chinese store: a German mobile whose "+" was lost
            reason += f" in {region}; it reads as {abroad} with a + before it: write it so"
        return False, _problem(reason, raw)
    national = phonenumbers.national_significant_number(number)
    if len(set(national)) == 1 or not _fits_numbering_plan(number, national):
        return False, _problem("not a valid phone number", raw)
    valid = _is_valid(number, national)
    if assumed and national_form and not (valid and _written_as_national(text, number)):
        return False, _problem(
            f"not a valid number in {region}, the region assumed for numbers without a "
            f"country code; {hint}", raw)
    if not valid and national_form and _digits_dropped(text, number, national):
        # phonenumbers read part of it as a carrier-selection code and dropped it
        # ("12345678901234" in CN became +86 678901234): digits lost, not a number
        return False, _problem(f"not a valid number in {region}", raw)
    if not valid and (near := _one_digit_off(number, national)) is not None:
        # Possible (a length the country uses) but in no range its numbering plan has,
        # while the same digits with one more or one fewer at the end are: a digit lost
        # or added ("1391234567", a mainland mobile one digit short), not a number. A
        # number in no range and not near one (a range opened after phonenumbers'
        # metadata was built, the ranges regulators keep for drama) is kept as possible.
        where = phonenumbers.region_code_for_number(number) or region
        how, valid_one = near
        return False, _problem(f"not a valid number in {where}: one digit {how} for a "
                               f"{_TYPE_WORDS.get(phonenumbers.number_type(valid_one), 'number')} there", raw)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not valid and len(_POSSIBLE_ONLY) < 100_000:
        _POSSIBLE_ONLY.add(e164)        # accepted as possible only (see normalize_phone)
    return True, e164


# E.164 numbers normalize_phone accepted as possible but not valid (in no range their
# country's plan lists): `possible_only` tells them without parsing again
_POSSIBLE_ONLY: set[str] = set()


def possible_only(e164: str) -> bool:
    """Whether normalize_phone gave `e164` for a number only *possible* in its country (a
    length it uses, in no range its numbering plan lists), not a valid one."""
    return e164 in _POSSIBLE_ONLY


_TYPE_WORDS = {phonenumbers.PhoneNumberType.MOBILE: "mobile number",
               phonenumbers.PhoneNumberType.FIXED_LINE: "landline number",
               phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "phone number",
               phonenumbers.PhoneNumberType.TOLL_FREE: "toll-free number"}


def _one_digit_off(number: phonenumbers.PhoneNumber,
                   national: str) -> tuple[str, phonenumbers.PhoneNumber] | None:
    """("too few", the valid number) when the national number with a digit added at its
    end (any digit, as ranges are assigned by their leading digits) is valid, ("too
    many", it) when it is valid without its last digit; None otherwise (ITU-T E.164
    ranges as phonenumbers lists them)."""
    if len(national) > 3:
        shorter = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=int(national[:-1]))
        if phonenumbers.is_valid_number(shorter):
            return "too many", shorter
    longer = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=int(national + "0"))
    if phonenumbers.is_valid_number(longer):
        return "too few", longer
    return None


@functools.lru_cache(maxsize=512)
def _common_types(code: int) -> tuple[re.Pattern, ...]:
    """The fixed-line and mobile national-number patterns of the main region of calling
    code `code` (phonenumbers' metadata), compiled: most numbers are one of the two."""
    region = phonenumbers.region_code_for_country_code(code)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region) if region != "ZZ" else None
    if meta is None:
        return ()
    return tuple(re.compile(f"(?:{desc.national_number_pattern})\\Z") for desc in (meta.fixed_line, meta.mobile)
                 if desc is not None and desc.national_number_pattern)


def _is_valid(number: phonenumbers.PhoneNumber, national: str) -> bool:
    """phonenumbers.is_valid_number, answered by the main region's fixed-line and mobile
    patterns when one fits (a number of those types is valid there: the same answer at
    a fraction of the cost), else by phonenumbers' full check (other types, other regions
    sharing the calling code)."""
    if any(p.match(national) for p in _common_types(number.country_code)):
        return True
    return phonenumbers.is_valid_number(number)


def _digits_dropped(text: str, number: phonenumbers.PhoneNumber, national: str) -> bool:
    """Whether reading `text` (written without a country code) left out more digits than
    its region's trunk prefix."""
    digits = "".join(ch for ch in text if ch.isdigit())
    code = str(number.country_code)
    if digits.startswith(code) and digits[len(code):].endswith(national) \
            and len(digits) - len(code) - len(national) <= 1:
        return False        # the country code without its "+" (Excel drops it), read as one
    region = phonenumbers.region_code_for_country_code(number.country_code)
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    trunk = len(meta.national_prefix or "") if meta is not None else 0
    return len(digits) - len(national) > max(trunk, 1)


def _with_plus(text: str) -> str | None:
    """`text`'s digits as an international number ("+49 1512 3456789", its region named),
    when they make a valid one; None otherwise."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not 8 <= len(digits) <= 15 or digits[0] == "0":
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return f"{shown} ({phonenumbers.region_code_for_number(number)})"


def _lost_plus_reading(text: str, region: str, number: phonenumbers.PhoneNumber, number_cell: bool):
    """Digits written without "+" that begin with `region`'s own calling code
    ("4915123456789" in Germany: Excel drops the "+" of a number typed as +49…). They
    read two ways: as a national number (`number`, as phonenumbers read them) and as
    the international one. Returns None when there is no second reading (no such
    leading code, a trunk 0, or both readings the same number), the international
    number when only it is valid (ITU-T E.164 ranges in phonenumbers' metadata) or when
    text (not a number cell, which drops a leading 0 as well) is not written as the
    region writes the national number (its trunk 0 missing: "4930123456" is no German
    way to write 030 …), False when both readings stay valid (the caller refuses: no
    evidence decides), and None when only the national reading is valid."""
    digits = "".join(ch for ch in text if ch.isdigit())
    code = str(phonenumbers.country_code_for_region(region))
    if code == "0" or not digits.startswith(code) or len(digits) - len(code) < 6:
        return None
    try:
        other = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if other.country_code == number.country_code and other.national_number == number.national_number:
        return None
    if not phonenumbers.is_valid_number(other):
        return None
    if not phonenumbers.is_valid_number(number):
        return other
    return other if not number_cell and not _written_as_national(text, number) else False


def _written_as_national(text: str, number: phonenumbers.PhoneNumber) -> bool:
    """Whether `text` is the number as people in its region dial it at home: its digits
    are those of its national format. "(415) 555-0132" parses as a valid Chinese fixed
    line, but a Chinese one is dialled 0415 555 0132: the digits as written are no
    evidence that it is Chinese. (Validity is not asked: see normalize_phone.)"""
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return [c for c in text if c.isdigit()] == [c for c in national if c.isdigit()]


def _fits_numbering_plan(number: phonenumbers.PhoneNumber, national: str) -> bool:
    """The national number has the country's general shape (not: is assigned).

    Every valid number fits; so do numbers in ranges the metadata does not list yet.
    "+1 123 456 7890" (no NANP area code starts with 1) and "0000000" do not.
    """
    regions = phonenumbers.region_codes_for_country_code(number.country_code)
    if not regions:
        return False
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        number.country_code, regions[0]
    )
    if metadata is None or metadata.general_desc is None:
        return False
    pattern = metadata.general_desc.national_number_pattern
    return pattern is not None and re.fullmatch(pattern, national) is not None  # re caches


_LOOKS_LIKE_PHONE = re.compile(r"^(?:\s*+[+＋][\d\s\-()（）－./．／]++|[\d\s\-()（）－./．／]++)$")


@functools.cache
def _trunk_prefixes() -> tuple[tuple[str, str], ...]:
    """(region, national trunk prefix) of the regions whose prefix is not "0" (Russia and
    Kazakhstan dial 8, Hungary 06, Mongolia 01…), from phonenumbers' metadata."""
    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        prefix = getattr(meta, "national_prefix", None) if meta else None
        if prefix and prefix.isdigit() and prefix != "0" and region not in ("US", "CA") \
                and phonenumbers.country_code_for_region(region) != 1:
            out.append((region, prefix))
    return tuple(out)


def after_trunk_prefix(digits: str) -> list[str]:
    """The whole numbers `digits` is, written at home with a trunk prefix other than 0,
    as their E.164 digits, country code first ("84951234567" in Russia -> "74951234567",
    "0612345678" in Hungary -> "3612345678"): the ends a stored number must have for a
    search for a number typed that way (a whole number in one country, never any number
    holding its digits: +353 1 234 5678 holds "12345678"). [] when no such region reads it validly."""
    out: list[str] = []
    for region, prefix in _trunk_prefixes():
        if digits.startswith(prefix) and 7 <= len(digits) - len(prefix) <= 15:
            try:
                number = phonenumbers.parse(digits, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                nsn = phonenumbers.national_significant_number(number)
                whole = f"{number.country_code}{nsn}"
                if nsn != digits and whole not in out:
                    out.append(whole)
    return out


@functools.cache
def _zero_prefix_regions() -> tuple[str, ...]:
    """The regions whose national trunk prefix is "0" (France, Japan, Germany, UK…),
    from phonenumbers' metadata."""
    return tuple(r for r in sorted(phonenumbers.SUPPORTED_REGIONS)
                 if (m := phonenumbers.PhoneMetadata.metadata_for_region(r)) and m.national_prefix == "0")


@functools.lru_cache(maxsize=1024)
def national_number_after_zero(digits: str) -> str | None:
    """The national significant number of `digits` when it is a whole national number
    written with a trunk 0 in a region that dials one ("0312345678", Tokyo, -> "312345678";
    "0123456789", Paris, -> "123456789"), else None (a part of a number: "0100")."""
    if not digits.startswith("0") or digits.startswith("00") or not 7 <= len(digits) - 1 <= 15:
        return None
    for region in _zero_prefix_regions():
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.national_significant_number(number) == digits[1:]:
            return digits[1:]
    return None


def looks_like_phone(text: str) -> bool:
    """Cheap test for search: a number or a part of one as countries write them, digits
    with spaces, dashes, dots, slashes and parentheses ("415.555.0100", "01.23.45.67.89",
    "030/12345678"), a leading + — at least 7 digits, or a part of at least 6 in groups
    ("415-555"), or one with its area code in parentheses ("(415) 555"). A dot alone
    between fewer digits is a decimal ("12.50"), not a number."""
    if not isinstance(text, str) or not _LOOKS_LIKE_PHONE.match(text):
        return False
    if _DECIMAL_AMOUNT.fullmatch(text.strip()):
        return False                 # "12.50", "123456.78": an amount
    digits = sum(ch.isdecimal() for ch in text)
    if digits >= 7:
        return True
    groups = len([g for g in re.split(r"[\s\-()（）－/／.．]+", text.strip()) if g])
    return digits >= 3 and (any(p in text for p in "(（") or (digits >= 6 and groups >= 2))


_DECIMAL_AMOUNT = re.compile(r"\d+[.．]\d{1,3}")      # an amount: up to 3 decimals (BHD)


# --------------------------------------------------------------------------- email

_EMAIL_LOCAL = re.compile(r"^[^\s@\"(),:;<>\[\]\\]+$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# local part without leading, trailing or double dots (at most 64 characters); domain of
# lower-case LDH labels ending in one that starts with a letter.
_PLAIN_EMAIL = re.compile(
    r"(?=[^@]{1,64}@)[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\Z")


def normalize_email(value: object) -> str | None:
    """The address with its domain lower-cased, or None for a blank cell.

    Trims, drops a leading "mailto:", applies NFKC (full-width ＠ and letters), reads
    "。" as a dot (a common slip with a Chinese keyboard). The local part is kept as
    written (mail servers may treat case there as significant); a non-ASCII domain is
    kept in Unicode but must encode to valid IDNA labels, and a domain written in IDNA's
    ASCII form ("xn--mnchen-3ya", RFC 5891 A-label) is kept in that form, as the file or
    the user wrote it: it is the same address, and the duplicate checks compare the two
    forms as one (domain.duplicates.email_key). The syntax check is cheap and deliberately
    lenient: one @, a local part of 1-64 characters, a domain with a dot and valid labels,
    a top-level domain of at least two characters (IANA's root zone has no one-letter
    TLD, so "ann@x.c" is a typo), no spaces.
    """
    if isinstance(value, str) and _PLAIN_EMAIL.match(value) and len(value) <= 254:
        # The common shape (ASCII, lower-case domain, nothing to tidy) is already in
        # normal form; tests check the full path agrees.
        return value
    return _normalize_email_full(value)


def _normalize_email_full(value: object) -> str | None:
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise ValueError(_problem("not an email address", value))
    text = _nfkc(value).strip()
    if not text.isascii():
        # Format characters (Unicode category Cf: zero-width space and joiners, word
        # joiner, byte-order mark, directional marks) are invisible and never part of
        # an address (RFC 6531 allows none): copied from web pages and chat apps, they
        # made "jo@example.com\u200b" a second address the duplicate check and search
        # did not find.
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()
    if text[:7].lower() == "mailto:":
        text = text[7:].strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    elif text.count("@") == 1 and (text.endswith(">") or text.endswith(")")):
        # RFC 5322 name-addr and comment, as mail programs write an address:
        # "Ana Souza <ana@example.com>", "ana@example.com (work)" (email.utils reads them).
        from email.utils import parseaddr

        _display, address = parseaddr(text)
        if address.count("@") == 1:
            text = address
    text = text.replace("。", ".")
    if not text:
        return None
    if any(ch.isspace() for ch in text):
        raise ValueError(_problem("not an email address: contains spaces", value))
    at_count = text.count("@")
    if at_count == 0:
        raise ValueError(_problem("not an email address: no @", value))
    if at_count > 1:
        raise ValueError(_problem("not an email address: more than one @", value))
    local, domain = text.split("@")
    if not local:
        raise ValueError(_problem("not an email address: nothing before the @", value))
    if len(local) > 64:
        raise ValueError("not an email address: the part before the @ is too long")
    if not _EMAIL_LOCAL.match(local) or not local.isprintable():
        raise ValueError(
            _problem("not an email address: characters not allowed before the @", value)
        )
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueError(_problem("not an email address: misplaced dot before the @", value))
    domain = domain.lower().rstrip(".")
    if not domain:
        raise ValueError(_problem("not an email address: nothing after the @", value))
    if "." not in domain:
        raise ValueError(_problem("not an email address: domain has no dot", value))
    if not _domain_is_valid(domain):
        raise ValueError(_problem("not an email address: domain is not valid", value))
    if len(domain.rsplit(".", 1)[1]) < 2 and domain.rsplit(".", 1)[1].isascii():
        raise ValueError(_problem("not an email address: no top-level domain has one letter "
                                  f"(.{domain.rsplit('.', 1)[1]})", value))
    if len(local) + 1 + len(domain) > 254:
        raise ValueError("not an email address: too long")
    return f"{local}@{domain}"


def unicode_domain(domain: str) -> str:
    """A lower-case domain with each label written in IDNA's ASCII form ("xn--…", an
    A-label: RFC 5891 section 2.3.2.1) in Unicode: "xn--mnchen-3ya.de" -> "münchen.de".
    Read with the `idna` package (IDNA 2008, UTS #46) when it is installed, else with
    Python's "idna" codec (IDNA 2003); a label neither reads is kept as written (the
    syntax check then judges it as any ASCII label)."""
    labels = domain.split(".")
    for i, label in enumerate(labels):
        if not label.startswith("xn--"):
            continue
        try:
            import idna
        except ImportError:  # pragma: no cover - installed with requests
            idna = None
        read = None
        if idna is not None:
            try:
                read = idna.decode(label)
            except idna.IDNAError:
                read = None
        if read is None:
            try:
                read = label.encode("ascii").decode("idna")
            except UnicodeError:
                read = None
        if read and read != label:
            labels[i] = read.lower()
    return ".".join(labels)


def _domain_is_valid(domain: str) -> bool:
    if domain.isascii():
        ascii_domain = domain
    else:
        try:
            ascii_domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    labels = ascii_domain.split(".")
    if any(not _DOMAIN_LABEL.match(label) for label in labels):
        return False
    return not labels[-1].isdigit()  # "a@1.2.3.4" is not a domain we accept


# --------------------------------------------------------------------------- names, text

# Control characters that are not whitespace (tab, LF, VT, FF, CR and NEL are).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def normalize_name(value: object) -> str | None:
    """A name in Unicode's composed form (NFC), its width forms folded, and all runs of
    whitespace collapsed to one space.

    Full-width Latin letters, digits and spaces become half-width, half-width katakana
    and Hangul full-width (NFKC on those parts of the Halfwidth and Fullwidth Forms
    block and on Unicode's space characters); NBSP, U+3000, tabs and newlines count as
    whitespace; format characters are dropped (directional marks, zero-width spaces,
    BOMs, soft hyphens: invisible.name_without_format), but for the joiners a script or
    an emoji needs between two of its characters. Other characters stay as
    written: full-width punctuation in Chinese and Japanese names （ ） ・, and what
    NFKC would also rewrite: Thai ำ (U+0E33) as ํ + า, ² as 2, № as No, ligatures,
    which look the same or mean more than the letters (duplicate checks compare with
    NFKC: domain.duplicates). Control characters other than whitespace are rejected.
    """
    if type(value) is str:
        # Cities, segments, companies repeat down a column: remember recent answers.
        return _normalize_name_text(value)
    if is_blank(value):
        return None
    return _normalize_name_text(_scalar_to_text(value))


# Characters whose compatibility form is their width or spacing only (see normalize_name).
_WIDTH_FORMS = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff61-\uffdc"
                          r"\u3000\u00a0\u2000-\u200a\u202f\u205f]+")


def _fold_width(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text             # no width forms, and composed already (most names)
    text = _WIDTH_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=8192)
def _normalize_name_text(value: str) -> str | None:
    text = _fold_width(value)
    if _CONTROL_CHARS.search(text):
        raise ValueError(_problem("contains a control character", value))
    # format characters (directional marks, zero-width spaces, soft hyphens) but the
    # joiners a script or an emoji needs (invisible.name_without_format)
    text = " ".join(name_without_format(text).split())
    return text or None


def normalize_text(value: object) -> str | None:
    """Free text (notes, addresses) kept as written, tidied at the edges.

    No NFKC: the user's characters are kept. Line endings become LF, trailing spaces
    on each line and blank lines at both ends are dropped. Numbers read as Excel shows
    them (13.0 -> "13"), dates as ISO.
    """
    if type(value) is str and "\n" not in value and "\r" not in value:
        text = value.strip()           # one line: only the edges to tidy
        return text if text and (FORMAT_CHARS.match(text) is None or not is_blank(text)) else None
    if is_blank(value):
        return None
    text = _scalar_to_text(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return text or None


# --------------------------------------------------------------------------- bool, int

_TRUE_WORDS = frozenset(
    {"yes", "y", "true", "t", "1", "x", "on", "✓", "✔", "☑", "√", "是", "是的", "同意", "对"}
    # Yes in the languages the importer reads headings in (CLDR's posix yesstr, and the
    # words exports write: German ja, French oui, Japanese はい …)
    | {"ja", "j", "oui", "o", "sí", "si", "s", "sim", "sì", "tak", "evet", "e", "да", "д", "так", "ano", "igen",
       "ναι", "có", "ya", "ใช่", "はい", "有", "對", "是", "예", "네", "wahr", "vrai", "verdadero", "verdadeiro",
       "vero", "waar", "نعم"}
    # what mailing and CRM systems write for a consent given (Mailchimp, HubSpot, Klaviyo)
    | {"opted in", "opt in", "subscribed", "subscriber", "granted",
       # the opt-in level as Shopify, Mailchimp and Klaviyo write it (a "-", "_" reads as a space)
       "single opt in", "double opt in", "confirmed opt in", "single optin", "double optin", "confirmed optin",
       "opted in single", "opted in double", "subscribed single opt in", "subscribed double opt in", "consented", "consent given", "agreed",
       "abonniert", "eingewilligt", "inscrit", "abonné", "suscrito", "suscrita", "inscrito", "iscritto",
       "同意済み", "同意する", "已订阅", "已同意", "동의", "수신동의"}
)
_FALSE_WORDS = frozenset(
    {"no", "n", "false", "f", "0", "off", "✗", "✘", "☐", "否", "不是", "不同意", "不"}
    | {"nein", "non", "não", "nao", "nie", "hayır", "hayir", "h", "нет", "н", "ні", "ne", "nem", "όχι", "không",
       "tidak", "ไม่ใช่", "いいえ", "無", "아니오", "아니요", "falsch", "faux", "falso", "onwaar", "nee", "لا"}
    | {"opted out", "opt out", "unsubscribed", "opted out of email", "unsubscribed from email", "not subscribed", "non subscribed", "declined", "withdrawn",
       "consent withdrawn", "revoked", "abgemeldet", "nicht abonniert", "widerrufen", "désabonné", "désinscrit",
       "dado de baja", "não inscrito", "disiscritto", "同意しない", "配信停止", "已退订", "未订阅",
       "拒绝", "거부", "수신거부"}
)


def parse_bool(value: object) -> bool | None:
    """yes/no, true/false, 1/0, y/n, x (ticked), ✓, on/off, 是/否, 同意/不同意, and yes and no
    in the languages the importer reads (ja/nein, oui/non, はい/いいえ, evet/hayır, 예/아니오)
    and as mailing systems write consent (Opted in/out, Subscribed/Unsubscribed); None
    for blank."""
    if is_blank(value):
        return None
    if _is_bool(value):
        return bool(value)
    if _is_number(value):
        number = _number_to_decimal(value)
        if number == 1:
            return True
        if number == 0:
            return False
        raise ValueError(_problem("not a yes/no value", value))
    if not isinstance(value, str):
        raise ValueError(_problem("not a yes/no value", value))
    word = without_format(_nfkc(value)).strip().casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    spaced = " ".join(word.replace("-", " ").replace("_", " ").split())     # "Opted-out", "opt_in"
    if spaced in _TRUE_WORDS:
        return True
    if spaced in _FALSE_WORDS:
        return False
    raise ValueError(_problem("not a yes/no value", value))


def parse_int(value: object, decimal: str | None = None) -> int | None:
    """A whole number from 1,234 / "１２" / 3.0; None for blank; 3.5 is rejected. A
    negative is written "-2", "(2)" (accounting) or "2-" (SAP), as amounts are.

    decimal: the column's decimal mark ("." or ","), when decided (see parse_money)."""
    if is_blank(value):
        return None
    if _is_bool(value):
        raise ValueError(_problem("not a number", value))
    if isinstance(value, numbers.Integral):
        return int(value)
    if _is_number(value):
        number = _number_to_decimal(value)
    elif isinstance(value, str):
        text = without_format(_nfkc(value)).strip().replace("\u2212", "-")
        if not text:
            return None             # nothing but invisible characters: a blank cell
        sign = ""
        if text[:1] in "+-":
            sign, text = text[0], text[1:].strip()
        elif len(text) > 2 and text[0] == "(" and text[-1] == ")" and any(c.isdigit() for c in text):
            sign, text = "-", text[1:-1].strip()       # "(2)": accounting's negative, as amounts read it
        elif len(text) > 1 and text[-1] == "-" and text[-2].isdigit():
            sign, text = "-", text[:-1].strip()        # "2-": SAP's trailing minus
        try:
            number = _parse_number_core(text, decimal)
        except AmbiguousNumber as exc:
            raise exc.restated(value, negative=sign == "-", whole=True) from None
        except ValueError:
            raise ValueError(_problem("not a number", value)) from None
        if sign == "-":
            number = number.copy_negate()
    else:
        raise ValueError(_problem("not a number", value))
    if not number.is_finite():
        raise ValueError(_problem("not a number", value))
    if number != number.to_integral_value():
        raise ValueError(_problem("not a whole number", value))
    return int(number)


# --------------------------------------------------------------------------- money

_NUMBER_CHARS = re.compile(r"^[0-9.,' _]+$")


def parse_money(value: object, decimal: str | None = None) -> Decimal | None:
    """An amount as an exact Decimal (see parse_money_with_currency); None for blank."""
    return parse_money_with_currency(value, decimal)[0]


def parse_money_with_currency(value: object, decimal: str | None = None) -> tuple[Decimal | None, str | None]:
    """(amount, ISO currency code or None); (None, None) for a blank cell.

    The reading is `cims_xl.domain.money.parse_money`: symbols, codes and names before
    or after the number ("¥1,234.50", "12,50 €", "RMB 1000", "1000元"), signs,
    "(1,234.50)", 万/亿 multipliers. Floats go through str (0.1 stays 0.1); no float
    arithmetic anywhere.

    decimal: the decimal mark ("." or ",") decided for the whole column (the importer
    decides it on the column's evidence); the other mark, spaces and apostrophes then
    only group thousands, so "1.234" is 1234 under "," and 1.234 under ".". None: the
    mark is inferred per value.
    """
    from .money import parse_money as _money
    return _money(value, decimal)


# A share written with its sign: "12,5 %", "12.5%", "%12,5" (Turkish puts the sign
# first), "٪١٢" (Arabic percent sign), "％" (full width), "125‰" (per mille).
_SHARE_SIGNS = {"%": 100, "\uff05": 100, "\u066a": 100, "\u2030": 1000, "\u0609": 1000}
SHARE_SIGNS = frozenset(_SHARE_SIGNS)
_SHARE = re.compile(r"^\s*+([%\uff05\u066a\u2030\u0609])?+\s*+([-+\u2212]?+\s*+[\d\u0660-\u0669][\d\u0660-\u0669.,'\s\u00a0\u202f]*?)"
                    r"(?<!\s)\s*+([%\uff05\u066a\u2030\u0609])?+\s*+$")


def parse_share(value: object, decimal: str | None = None) -> Decimal | None:
    """The percent points of a share written with a percent or per-mille sign, before
    or after the number: "12,5 %" -> 12.5, "%12,5" -> 12.5, "125‰" -> 12.5, "1.200 %"
    -> 1200 under decimal "," and 1.2 under "."; None when `value` is not text with
    exactly one such sign. decimal: the column's decimal mark as the importer decided
    it (None: inferred from the value). Raises ValueError (AmbiguousNumber) when the
    number reads two ways and no mark is given."""
    if type(value) is not str or not any(sign in value for sign in _SHARE_SIGNS):
        return None
    value = without_format(value)
    match = _SHARE.match(value)
    if match is None or bool(match.group(1)) == bool(match.group(3)):
        return None
    per = _SHARE_SIGNS[match.group(1) or match.group(3)]
    digits = match.group(2).translate({0x0660 + i: str(i) for i in range(10)})
    number = parse_money(digits.replace("\u2212", "-"), decimal)
    if number is None:
        return None
    return number * 100 / per


# One "." or "," before exactly three digits, after 1-3 digits not starting with 0, and
# no other separator: "1.200" and "12,345" group thousands in one convention and hold
# a decimal mark in the other. "0.125", "1.5", "1234.567", "1,200.50", "1 200" do not.
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}[.,][0-9]{3}")


class AmbiguousNumber(ValueError):
    """A typed number that reads as two numbers because no decimal mark is known:
    "1.200" is 1200 where "." groups thousands (de, fr, es, ...) and 1.2 where it is
    the decimal mark (en, zh). `grouped` and `decimal` are the two readings (Decimal);
    the message names the value, both readings and how to write each unambiguously:
    "'1.200' could be 1200 or 1.2; write 1200, 1,200.00 or 1.20"."""

    def __init__(self, value: object, grouped: Decimal, decimal: Decimal, *, whole: bool = False):
        self.value, self.grouped, self.decimal, self.whole = value, grouped, decimal, whole
        super().__init__(_ambiguous_message(value, grouped, decimal, whole=whole))

    def restated(self, value: object, *, negative: bool = False, places: int = 0,
                 whole: bool | None = None) -> AmbiguousNumber:
        """The same ambiguity said of the whole `value` typed (with its sign, currency
        and 万/亿 multiplier: `places` powers of ten)."""
        def signed(d: Decimal) -> Decimal:
            d = _shift(d, places)
            return d.copy_negate() if negative else d
        return AmbiguousNumber(value, signed(self.grouped), signed(self.decimal),
                               whole=self.whole if whole is None else whole)


def _plain(number: Decimal) -> str:
    """A number without exponent or trailing zeros: 1200, 1.2, -3.5."""
    return format(number.normalize(), "f")


def _unambiguous(number: Decimal) -> str:
    """`number` written so no reader can take its separator for the other kind:
    whole numbers without separators, fractions with two or four-plus decimals."""
    text = _plain(number)
    if "." not in text:
        return text
    decimals = len(text.split(".")[1])
    return text + "0" * (2 - decimals if decimals < 2 else 1 if decimals == 3 else 0)


def _ambiguous_message(value: object, grouped: Decimal, decimal: Decimal, *, whole: bool) -> str:
    shown = _shown(value) or "this number"
    ways = [_plain(grouped)]
    if not whole:
        if grouped == grouped.to_integral_value():
            ways.append(f"{grouped:,.2f}")
        ways.append(_unambiguous(decimal))
    elif decimal == decimal.to_integral_value():    # "1,000" as a count: 1000 or 1
        ways.append(_plain(decimal))
    write = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
    return f"{shown} could be {_plain(grouped)} or {_plain(decimal)}; write {write}"


def ambiguous_readings(text: str) -> tuple[Decimal, Decimal] | None:
    """(thousands reading, decimal reading) of an unsigned number text that reads both
    ways when no decimal mark is known ("1.200" -> (1200, 1.200), "12,345" -> (12345,
    12.345)); None for any other text. The one definition of the kind (see _AMBIGUOUS)."""
    if len(text) > 7 or not _AMBIGUOUS.fullmatch(text):
        return None
    head, tail = text[:-4], text[-3:]
    return Decimal(head + tail), Decimal(f"{head}.{tail}")


def _parse_number_core(text: str, decimal: str | None = None) -> Decimal:
    """Unsigned number with grouping and a decimal "." or ","; ValueError otherwise.
    With `decimal` given, that is the decimal mark and every other separator groups.
    Without, a number that reads two ways ("1.200": ambiguous_readings) raises
    AmbiguousNumber rather than guessing."""
    if not text or not _NUMBER_CHARS.match(text) or not any(c.isdigit() for c in text):
        raise ValueError("not a number")
    if decimal is not None:
        return _number_with_mark(text, decimal)
    if (both := ambiguous_readings(text)) is not None:
        raise AmbiguousNumber(text, *both)
    dots, commas = text.count("."), text.count(",")
    others = {ch for ch in text if ch in " '_"}
    decimal_sep: str | None = None
    if dots and commas:
        decimal_sep = "." if text.rfind(".") > text.rfind(",") else ","
    elif commas == 1:
        head, tail = text.split(",")
        thousands = len(tail) == 3 and not others and head.isdigit() and head[0] != "0"
        decimal_sep = None if thousands else ","
    elif dots == 1:
        decimal_sep = "."
    if decimal_sep is not None:
        if text.count(decimal_sep) != 1:
            raise ValueError("not a number")
        integer, fraction = text.split(decimal_sep)
    else:
        integer, fraction = text, ""
    if not fraction.isdigit() and fraction != "":
        raise ValueError("not a number")
    integer = _ungrouped(integer)
    if not integer and not fraction:
        raise ValueError("not a number")
    try:
        return Decimal(f"{integer or '0'}.{fraction}" if fraction else integer)
    except InvalidOperation:  # pragma: no cover - the checks above rule it out
        raise ValueError("not a number") from None


def _number_with_mark(text: str, decimal: str) -> Decimal:
    if decimal not in (".", ","):
        raise ValueError(f"decimal mark must be '.' or ',', not {decimal!r}")
    integer, _sep, fraction = text.partition(decimal)
    if fraction and not fraction.isdigit():
        raise ValueError("not a number")
    integer = _ungrouped(integer)
    if not integer and not fraction:
        raise ValueError("not a number")
    return Decimal(f"{integer or '0'}.{fraction}" if fraction else integer)


def _ungrouped(integer: str) -> str:
    """The digits of an integer part written with one kind of thousands separator
    ("1,234,567", "1 234", "1'234"); ValueError for anything else (bad grouping)."""
    grouping = {ch for ch in integer if not ch.isdigit()}
    if len(grouping) > 1:
        raise ValueError("not a number")
    if not grouping:
        return integer
    sep = grouping.pop()
    groups = integer.split(sep)
    if not all(g.isdigit() for g in groups) or not (
            (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))
            or indian_grouping(groups, sep)):
        raise ValueError("not a number")
    return "".join(groups)


def indian_grouping(groups: list[str], sep: str) -> bool:
    """Whether digit groups are the Indian system's (lakh, crore: "1,23,456", "12,34,56,789"):
    commas, the last group of three digits, those before it of two. No other system
    groups that way, so it is read without asking (CLDR: the #,##,##0 pattern of en_IN)."""
    return (sep == "," and len(groups) >= 3 and 1 <= len(groups[0]) <= 2 and len(groups[-1]) == 3
            and all(len(g) == 2 for g in groups[1:-1]))


# --------------------------------------------------------------------------- dates

_ORDERS = ("DMY", "MDY", "YMD")
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_TIME_TAIL = r"(?:(?:T|\s+|\s*,\s*)(?P<time>.+))?"
_YEAR_FIRST = re.compile(
    rf"^(?P<y>\d{{4}})(?P<s>[-/.])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){_TIME_TAIL}$"
)
_CHINESE = re.compile(
    r"^(?P<y>\d{4}|\d{2})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日号號일]?"
    r"\s*(?P<time>.+)?$"
)
_DAY_MONTH = re.compile(
    rf"^(?P<a>\d{{1,2}})(?P<s>[-/. ])(?P<b>\d{{1,2}})(?P=s)(?P<y>\d{{4}}|\d{{2}}){_TIME_TAIL}$"
)
# Month names in any language CLDR names them in (_month_number): "5 Oct 2024",
# "5 mars 2024", "1er février 2024", "5. März 2024", "5 de marzo de 2024".
_DAY_NAME = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|°)?\.?[\s\-/.]*(?:de\s+)?(?P<mon>[^\W\d_]+)\.?[\s\-/.,]*"
    rf"(?:de\s+|del\s+)?(?P<y>\d{{4}}|\d{{2}}){_TIME_TAIL}$",
    re.IGNORECASE,
)
_NAME_DAY = re.compile(
    r"^(?P<mon>[^\W\d_]+)\.?[\s\-/.]*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*,\s*|[\s\-/.]+)"
    rf"(?P<y>\d{{4}}|\d{{2}}){_TIME_TAIL}$",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*,?\s*", re.IGNORECASE)
_SERIAL_TEXT = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_SERIAL_TEXT_DIGITS = 5      # text serials from 10000 (1927-05-18): shorter ones are years or counts


def is_day_number_text(text: str) -> bool:
    """Whether `text` is an Excel day number as `parse_date` reads one ("45352" is
    2024-03-01): digits, from 10000 on, with an optional fraction of a day."""
    return bool(_SERIAL_TEXT.match(text)) and Decimal(text) >= 10 ** (_SERIAL_TEXT_DIGITS - 1)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
# ISO 8601 basic format with a time (ISO 8601-1:2019 5.4.2): "20240310T143000Z",
# "20240310T1430+0800", "20240310T143000.250Z" (iCalendar, APIs, log exports)
_COMPACT_TIME = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})[Tt](?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?"
                           r"(?:[.,](?P<F>\d{1,9}))?(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?$")
_TIME = re.compile(
    r"^(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?"
    r"\s*+(?P<ampm>[ap]\.?m\.?)?\s*+(?P<tz>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?$",   # possessive: linear time
    re.IGNORECASE,
)


class _Parsed:
    """Date, optional time of day and optional UTC offset read from one value."""

    __slots__ = ("date", "time", "tzinfo")

    def __init__(self, date: _dt.date, time: _dt.time | None, tzinfo: _dt.tzinfo | None):
        self.date, self.time, self.tzinfo = date, time, tzinfo


def parse_date(value: object, order: str | None = None) -> _dt.date | None:
    """A calendar date from a cell; None for blank. Any time of day is ignored.

    Accepts date/datetime/pandas Timestamp objects; ISO and other year-first forms
    ("2024-10-05", "2024/10/5", "2024.10.5", "2024-1-1 1:01"); "2024年10月5日";
    "20241005"; month names in English and the languages of _DATE_LOCALES (CLDR:
    "5 Oct 2024", "Oct 5, 2024", "5 mars 2024", "5. März 2024", "5 de marzo de 2024");
    Excel serial numbers 1..2958465 (as text only from 10000: "2024" is a year, not
    1905-07-16), with Excel's fake 1900-02-29 (serial 60) refused; and day/month
    forms with a year ("05/10/2024", "5.10.24", "5. 3. 2024", "05 03 2024"). For those,
    ``order`` ("DMY", "MDY" or "YMD") says which part is which; without it a value
    is read only when unambiguous (a part above 12, or day equal to month, and with a
    two-digit year last only when the parts read year first are no date: "24.03.05"
    is 2024-03-05 or 2005-03-24, and is refused naming both).
    Two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999 (as Excel and POSIX).
    """
    if is_blank(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    return _parse_any(value, _check_order(order)).date


class DayAndTime(NamedTuple):
    """A date and a time of day from two cells ("Date" and "Time" columns): `day` is the
    date cell as it is (text, a date, an Excel day number), `time` the time read from
    the other cell (`parse_time_of_day`), `tzinfo` the zone written with it or None."""

    day: object
    time: _dt.time
    tzinfo: _dt.tzinfo | None = None

    def __str__(self) -> str:
        day = self.day.isoformat() if isinstance(self.day, _dt.date) else str(self.day).strip()
        return f"{day} {self.time.isoformat('minutes' if not self.time.second else 'seconds')}"


def parse_datetime(
    value: object, order: str | None = None, tz: _dt.tzinfo | None = None,
    zoneless: "Counter[str] | None" = None,
) -> _dt.datetime | None:
    """Like parse_date but keeps the time; returns an aware datetime in UTC.

    A value without an offset or zone name is a wall-clock time in ``tz`` (a
    zoneinfo.ZoneInfo; None means UTC): "2024-03-05 14:30" in Asia/Shanghai is 06:30 UTC.
    A time that does not exist in ``tz`` (skipped when the clocks move forward) or
    exists twice (when they go back) raises ValueError naming the zone and both offsets
    (time_zones.wall_clock). A date without a time is the start of that day in ``tz``.
    A time may name its zone: "Z", "+08:00", "GMT+0800", "UTC+8", an abbreviation that
    names one offset ("PST", "CET") or a long name ("(China Standard Time)"); see
    time_zones.zone_suffix. A `DayAndTime` joins a date cell and a time cell.
    ``zoneless`` (a Counter), when given, counts the values read in ``tz``: "times"
    (with a time of day) and "dates" (a date alone).
    """
    if is_blank(value):
        return None
    local_zone = tz if tz is not None else _dt.timezone.utc
    timed = True
    if isinstance(value, DayAndTime):
        day = parse_datetime(value.day, order)
        if day is None:
            raise ValueError(_problem("a time without a date", str(value.time)))
        if day.time() != _dt.time(0):
            raise ValueError(_problem("the date has a time of its own besides the time column's", value.day))
        moment = _dt.datetime.combine(day.date(), value.time, tzinfo=value.tzinfo)
    elif isinstance(value, _dt.datetime):
        moment = _plain_datetime(value)
    elif isinstance(value, _dt.date):
        moment = _dt.datetime(value.year, value.month, value.day)
        timed = False
    else:
        parsed = _parse_any(value, _check_order(order))
        moment = _dt.datetime.combine(parsed.date, parsed.time or _dt.time(0))
        timed = parsed.time is not None
        if parsed.tzinfo is not None:
            moment = moment.replace(tzinfo=parsed.tzinfo)
    if moment.tzinfo is None or moment.utcoffset() is None:
        if zoneless is not None:
            zoneless["times" if timed else "dates"] += 1
        if local_zone is _dt.timezone.utc:
            moment = moment.replace(tzinfo=local_zone)
        elif not timed or moment.time() == _dt.time(0):
            # the start of the day: where midnight is skipped (a few zones move their
            # clocks then), the first moment of the day that exists
            moment = moment.replace(tzinfo=local_zone, fold=0)
        else:
            from .time_zones import wall_clock

            moment = wall_clock(moment.replace(tzinfo=None), local_zone)
    return moment.astimezone(_dt.timezone.utc)


def written_offset(text: str) -> _dt.timedelta | None:
    """The offset a date with a time is written with ("Z", "+08:00", "GMT+8", "PST"): None when
    it names none, or is no date in any order."""
    for order in (None, "YMD", "DMY", "MDY"):
        try:
            parsed = _parse_date_text(text, order)
        except ValueError:
            continue
        if parsed.tzinfo is None or parsed.time is None:
            return None
        return parsed.tzinfo.utcoffset(_dt.datetime.combine(parsed.date, parsed.time))
    return None


def parse_time_of_day(value: object) -> tuple[_dt.time, _dt.tzinfo | None] | None:
    """A time of day from a cell of a "Time" column, with the zone written with it:
    "14:30", "2:30 PM", "14h30", "14時30分", "오후 2:30", "14:30 CET", a time cell
    (datetime.time) or a fraction of a day (0.6041666 is 14:30, as Excel stores
    times). None for a blank cell; ValueError for anything else (a date, a number
    above 1)."""
    if is_blank(value):
        return None
    if isinstance(value, _dt.datetime):
        raise ValueError(_problem("not a time of day: a date", value))
    if isinstance(value, _dt.time):
        return value.replace(tzinfo=None), value.tzinfo
    if _is_number(value) and not _is_bool(value):
        fraction = _number_to_decimal(value)
        if not (fraction.is_finite() and 0 <= fraction < 1):
            raise ValueError(_problem("not a time of day", value))
        millis = int((fraction * 86_400_000).to_integral_value())
        return (_dt.datetime.min + _dt.timedelta(milliseconds=min(millis, 86_399_999))).time(), None
    if not isinstance(value, str):
        raise ValueError(_problem("not a time of day", value))
    time, zone = _parse_time(_nfkc(value), value)
    if time is None:
        raise ValueError(_problem("not a time of day", value))
    return time, zone


def _plain_datetime(value: _dt.datetime) -> _dt.datetime:
    """A stdlib datetime from a subclass such as pandas.Timestamp (drops nanoseconds)."""
    if type(value) is _dt.datetime:
        return value
    return _dt.datetime(
        value.year, value.month, value.day, value.hour, value.minute, value.second,
        value.microsecond, tzinfo=value.tzinfo, fold=value.fold,
    )  # fmt: skip


def _check_order(order: str | None) -> str | None:
    if order is None:
        return None
    upper = str(order).upper()
    if upper not in _ORDERS:
        raise ValueError(f"date order must be DMY, MDY or YMD, not {order!r}")
    return upper


def _parse_any(value: object, order: str | None) -> _Parsed:
    if _is_bool(value):
        raise ValueError(_problem("not a date", value))
    if _is_number(value):
        number = _number_to_decimal(value)
        if (
            number.is_finite()
            and _EXCEL_MAX_SERIAL < number < 100_000_000
            and number == number.to_integral_value()
        ):
            compact = _COMPACT.match(str(int(number)))  # 20241005 typed as a number
            if compact:
                date = _make_date(compact["y"], compact["m"], compact["d"], value)
                return _Parsed(date, None, None)
        return _from_excel_serial(number, value)
    if type(value).__name__ == "datetime64":
        value = str(value)  # numpy: ISO text with up to nanoseconds
    if not isinstance(value, str):
        raise ValueError(_problem("not a date", value))
    return _parse_date_text(value, order)


def _from_excel_serial(serial: Decimal, raw: object) -> _Parsed:
    if not serial.is_finite() or serial < 1 or serial >= _EXCEL_MAX_SERIAL + 1:
        raise ValueError(_problem("not a date: outside the range of Excel dates", raw))
    whole = int(serial)
    if whole == 60:
        raise ValueError("not a date: Excel day 60 is 29 February 1900, which never existed")
    # Excel counts 1900-01-01 as day 1 and wrongly treats 1900 as a leap year, so
    # from day 61 on every serial is one higher than the real day count.
    base = _dt.date(1899, 12, 31) if whole < 60 else _dt.date(1899, 12, 30)
    day = base + _dt.timedelta(days=whole)
    millis = int(((serial - whole) * 86_400_000).to_integral_value())
    if millis >= 86_400_000:
        return _Parsed(day + _dt.timedelta(days=1), _dt.time(0), None)
    moment = _dt.datetime.min + _dt.timedelta(milliseconds=millis)
    return _Parsed(day, moment.time() if millis else None, None)


# "5. 3. 2024" (Czech, Slovak), "2024. 03. 05." (Korean, Hungarian): dots with spaces
# after them, and a dot after the last part.
_SPACED_DOTS = re.compile(r"^(\d{1,4})\.\s*(\d{1,2})\.\s*(\d{1,4})\.?(?:\s+(\S.*))?$")


# The word for "year" written after it: Russian and Bulgarian "г." (года), Ukrainian
# "р." (року), Polish "r." (roku): "28 ноября 2023 г.", "28 listopada 2023 r.".
_YEAR_WORD = re.compile(r"(?<=\d)\s*(?:г\.?|года|год|р\.?|року|рік|r\.?|roku)(?=\s|,|$)", re.IGNORECASE)


# Dates written in Chinese numerals ("二〇二四年三月五日", "令和六年三月五日", "民國一一三年十月
# 二十日"): each run of numerals before 年, 月 or 日 is a number, digit by digit ("二〇二四" is
# 2024) or with 十 for ten ("二十五" is 25), read only in a text with 年 and 月 as a date
# has them (a weekday "星期二" keeps its numeral).
_CJK_NUMERAL_RUN = re.compile(r"[〇零一二三四五六七八九十]+(?=\s*[年月日号號])")   # not 星期二
_CJK_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


def _cjk_numeral(run: str) -> str:
    if "十" not in run:
        return "".join(str(_CJK_DIGIT[c]) for c in run)
    tens, _, units = run.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return run                       # "十十", "一二十": no number a date writes
    return str((_CJK_DIGIT[tens] if tens else 1) * 10 + (_CJK_DIGIT[units] if units else 0))


def cjk_date_numerals(text: str) -> str:
    """`text` with its Chinese numerals as digits when it is written as a date with 年
    and 月 ("二〇二四年三月五日" -> "2024年3月5日"); any other text as it is."""
    if "年" not in text or "月" not in text or not _CJK_NUMERAL_RUN.search(text):
        return text
    return _CJK_NUMERAL_RUN.sub(lambda m: _cjk_numeral(m.group()), text)


def _date_text(raw: str) -> str:
    text = cjk_date_numerals(without_format(_nfkc(raw)).strip())
    if _CE_MARK.search(text):
        text = " ".join(_CE_MARK.sub(" ", text).split())   # "ค.ศ. 2024", "西暦2024年": years as written
    if _THAI_LETTERS.search(text) or _BE_MARK.search(text):
        text = _thai_date_text(text, raw)
    if not text.isascii() or " r" in text or " R" in text:
        text = _YEAR_WORD.sub("", text).strip()
    if text[-1:] == "." or ". " in text:
        if match := _SPACED_DOTS.match(text):
            date = ".".join(match.groups()[:3])
            return f"{date} {match[4]}" if match[4] else date
    return text


# Cached: a date column repeats its values (a few thousand different days in a big
# import); _Parsed is never changed by its readers. Refusals are not cached.
@functools.lru_cache(maxsize=8192)
def _parse_date_text(raw: str, order: str | None) -> _Parsed:
    text = _date_text(raw)
    if not text.isascii() or "(" in text:
        weekday, text = _east_asian_weekday(text)
        if weekday is not None:
            return _on_weekday(text, order, frozenset({weekday}), raw)
    if (text[:1].isalpha() and (lead := _leading_weekday(text)) is not None
            or "(" in text and (lead := _trailing_weekday(text)) is not None):
        return _on_weekday(lead[1], order, lead[0], raw)
    if _SERIAL_TEXT.match(text):
        if 1 <= Decimal(text) < 10 ** (_SERIAL_TEXT_DIGITS - 1):
            # Text "2024" or "12" in a date column is a year or a count, not day 2024
            # of Excel's calendar (1905-07-16): an Excel day number of our times
            # written out as text has five digits.
            raise ValueError(_problem("not a date: a number such as a year, not a full date", raw))
        return _from_excel_serial(Decimal(text), raw)
    if match := _COMPACT.match(text):
        return _Parsed(_make_date(match["y"], match["m"], match["d"], raw), None, None)
    if text[8:9] in ("T", "t") and (match := _COMPACT_TIME.match(text)):
        clock = f"{match['H']}:{match['M']}:{match['S'] or '00'}" + (f".{match['F']}" if match["F"] else "")
        zone = match["tz"] or ""
        if zone[1:] and ":" not in zone and len(zone) == 5:
            zone = f"{zone[:3]}:{zone[3:]}"
        return _Parsed(_make_date(match["y"], match["m"], match["d"], raw),
                       *_parse_time(clock + zone.upper(), raw))
    if match := _YEAR_FIRST.match(text) or _CHINESE.match(text):
        date = _make_date(match["y"], match["m"], match["d"], raw)
        return _Parsed(date, *_parse_time(match["time"], raw))
    if match := _DAY_MONTH.match(text):
        day, month, year = _resolve_day_month(match, order, raw)
        return _Parsed(_make_date(year, month, day, raw), *_parse_time(match["time"], raw))
    days, named = _named_weekday(text) if text[:1].isalpha() else (None, text)
    if match := _DAY_NAME.match(named) or _NAME_DAY.match(named):
        month = _month_number(match["mon"])
        if month is None:
            raise ValueError(_problem("not a date", raw))
        date = _make_date(match["y"], month, match["d"], raw)
        if days and date.weekday() not in days:
            # "Monday, March 5, 2024", "Mon, 05 Mar 2024 10:00 +0000", "Montag, 5. März 2024"
            raise ValueError(_problem(
                f"not a date: the weekday written does not match {date.isoformat()}, a "
                f"{date.strftime('%A')}; check the date", raw))
        return _Parsed(date, *_parse_time(match["time"], raw))
    if (era := era_date(text)) is not None:
        return _Parsed(era[0], None, None)
    raise ValueError(_problem("not a date", raw))


def _on_weekday(text: str, order: str | None, days: frozenset[int], raw: str) -> _Parsed:
    """`text` (a date written with a weekday that can be one of `days`) read and checked against
    it. Without an order, an "a/b/c" date that reads two ways on none of which the weekday falls
    ("Di., 06.03.2024") is refused for its weekday, not as ambiguous (the column's weekdays settle
    the order, run._DateEvidence)."""
    try:
        parsed = _parse_date_text(text, order)
    except ValueError:
        found = _day_month_readings(text, weekday_apart=True) if order is None else None
        if not found or len(found[0]) < 2 or any(d.weekday() in days for d in found[0].values()):
            raise
        read = "; ".join(f"as {o} {d.isoformat()}, a {d.strftime('%A')}" for o, d in found[0].items())
        raise ValueError(_problem(
            f"not a date: the weekday written matches no reading of the date ({read}); check the date",
            raw)) from None
    if parsed.date.weekday() not in days:
        raise ValueError(_problem(
            f"not a date: the weekday written does not match {parsed.date.isoformat()}, a "
            f"{parsed.date.strftime('%A')}; check the date", raw))
    return parsed


# A weekday written with a date in Japanese, Korean and Chinese: "2024/03/05(火)",
# "2024년 3월 5일 (화)", "2024年3月5日 星期二", "2024-03-05 周二", or in English in brackets
# "(Tue)". Read (it is not a time zone), and checked against the date.
_JA_DAYS, _KO_DAYS, _ZH_DAYS = "月火水木金土日", "월화수목금토일", "一二三四五六"
_EN_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EAST_WEEKDAY = re.compile(
    r"(?<!\s)\s*(?:\(\s*(?P<paren>[月火水木金土日월화수목금토일]|[一二三四五六日天])(?:曜日?|요일)?\s*\)"
    r"|\(\s*(?P<en>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*\)"
    r"|(?:星期|礼拜|禮拜|周|週)(?P<zh>[一二三四五六日天])"
    r"|(?P<ja>[月火水木金土日])曜日?|(?P<ko>[월화수목금토일])요일)(?=\s|$|\d)", re.IGNORECASE)


def _east_asian_weekday(text: str) -> tuple[int | None, str]:
    """(weekday 0 = Monday, the text without it), or (None, text) when it writes none."""
    match = _EAST_WEEKDAY.search(text)
    if match is None or match.start() == 0:
        return None, text
    word = match["paren"] or match["zh"] or match["ja"] or match["ko"]
    if match["en"]:
        day = _EN_DAYS.index(match["en"].casefold())
    elif word in _KO_DAYS:
        day = _KO_DAYS.index(word)
    elif word in _ZH_DAYS:
        day = _ZH_DAYS.index(word)
    elif word in "日天":
        day = 6
    else:
        day = _JA_DAYS.index(word)
    return day, " ".join((text[:match.start()] + " " + text[match.end():]).split())


# Languages whose month and weekday names dates are read in (CLDR via babel).
_DATE_LOCALES = ("en", "fr", "de", "es", "pt", "it", "nl", "ca", "sv", "da", "nb", "fi", "pl", "cs",
                 "sk", "hu", "ro", "hr", "sl", "tr", "id", "ms", "vi", "ru", "uk", "el")


def _fold(word: str) -> str:
    """Lower case without accents and a final dot ("Févr." -> "fevr", "März" -> "marz")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().rstrip("."))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _cldr_names() -> tuple[dict[str, int], frozenset[str]]:
    """({month name: number}, weekday names), every width and context of _DATE_LOCALES;
    a name two languages give different months (none among these today) is left out."""
    from babel import Locale

    months: dict[str, set[int]] = {}
    weekdays: set[str] = set()
    for tag in _DATE_LOCALES:
        loc = Locale.parse(tag)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in loc.months[context][width].items():
                    for key in {_fold(name), _fold(name.split()[0])}:
                        if len(key) >= 3:
                            months.setdefault(key, set()).add(number)
                weekdays.update(_fold(n) for n in loc.days[context][width].values())
    found = {k: next(iter(v)) for k, v in months.items() if len(v) == 1}
    found.update(_MONTHS)                 # English first, and "sept"
    return found, frozenset(weekdays)


@functools.cache
def _weekday_numbers() -> dict[str, frozenset[int]]:
    """{folded weekday name: the weekdays (0 = Monday) it names in some language of
    _DATE_LOCALES}, every width and context (CLDR via babel)."""
    from babel import Locale

    found: dict[str, set[int]] = {}
    for tag in _DATE_LOCALES:
        loc = Locale.parse(tag)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated", "short"):
                for number, name in loc.days[context][width].items():
                    found.setdefault(_fold(name), set()).add(number)
    return {k: frozenset(v) for k, v in found.items()}


# A weekday's name before a date written in digits: "Tue 03/05/2024", "Di., 05.03.2024",
# "mar. 05/03/2024" (Outlook, German and French calendars)
_LEAD_WEEKDAY = re.compile(r"(?P<day>[^\W\d_]{2,12}\.?)\s*,?\s*(?P<rest>\d{1,4}([./-])\d{1,2}\3\d{1,4}(?!\d).*)$")


def _weekday_by(pattern: re.Pattern, text: str) -> tuple[frozenset[int], str] | None:
    """(the weekdays `pattern`'s `day` group can name, its `rest`: the date) when `text`
    matches it with a weekday's name; None otherwise. The date is then checked against it."""
    match = pattern.match(text)
    if match is None:
        return None
    days = _weekday_numbers().get(_fold(match["day"]))
    return (days, match["rest"]) if days else None


def _leading_weekday(text: str) -> tuple[frozenset[int], str] | None:
    """A weekday's name before digits ("Tue 03/05/2024"): `_weekday_by`."""
    return _weekday_by(_LEAD_WEEKDAY, text)


# A weekday's name in brackets after a date in digits, in a language of _DATE_LOCALES:
# "05/03/2024 (mar.)", "05.03.2024 (Di.)", "05/03/2024 (martes)"
_TRAIL_WEEKDAY = re.compile(r"^(?P<rest>.*\d)\s*\(\s*(?P<day>[^\W\d_]{2,12}\.?)\s*\)$")


def _trailing_weekday(text: str) -> tuple[frozenset[int], str] | None:
    """A weekday's name in brackets after a date ("05/03/2024 (mar.)"): `_weekday_by`."""
    return _weekday_by(_TRAIL_WEEKDAY, text)


def _month_number(name: str) -> int | None:
    return _MONTHS.get(name.lower()) or _cldr_names()[0].get(_fold(name))


# Languages whose weekday names only (not months: dates there are written in digits)
# say a column holds days: "月曜日", "월요일", "星期一", "周一", "วันจันทร์".
_WEEKDAY_LOCALES = ("ja", "ko", "zh", "zh_Hant", "th", "ar", "he", "hi")


@functools.cache
def _weekday_words() -> frozenset[str]:
    """Folded weekday names (`_fold`): every width and context of _DATE_LOCALES, and the
    wide and abbreviated names of _WEEKDAY_LOCALES longer than one character (a lone
    "月" or "金" is also a word of its own). CLDR via babel."""
    from babel import Locale

    words = set(_cldr_names()[1])
    for tag in _WEEKDAY_LOCALES:
        loc = Locale.parse(tag)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                words.update(_fold(n) for n in loc.days[context][width].values() if len(n) > 1)
    return frozenset(words)


def is_weekday_name(text: str) -> bool:
    """Whether `text` is a weekday's name or abbreviation in a language CLDR names it in
    ("Montag", "Mo.", "lundi", "Tue", "月曜日", "星期一"); case, accents and a final
    dot aside."""
    return _fold(text.strip()) in _weekday_words()


def is_month_name(text: str) -> bool:
    """Whether `text` is a month's name or abbreviation in English or a language of
    _DATE_LOCALES ("März", "Oct", "févr."); CLDR via babel."""
    return _month_number(text.strip()) is not None


def _named_weekday(text: str) -> tuple[frozenset[int] | None, str]:
    """(the weekdays (0 = Monday) a leading weekday's name can name in some language of
    _DATE_LOCALES, `text` without it): "Tue, 5 Mar 2024", "lundi 5 mars 2024", "Montag,
    5. März 2024"; (None, text without it) for a leading English-looking word CLDR does not
    name ("Thurs"), and (None, text) when none leads. The date is then checked against it."""
    english = _WEEKDAY.match(text)
    if english and english.end():
        word = english[0].strip().rstrip(",").strip()
        return _weekday_numbers().get(_fold(word)), text[english.end():]
    head, _, rest = text.partition(" ")
    months, weekdays = _cldr_names()
    key = _fold(head.rstrip(","))
    if rest and key in weekdays and key not in months:          # "mar." is Tuesday in Spanish
        return _weekday_numbers().get(key), rest.lstrip(", ")
    return None, text


def _resolve_day_month(match: re.Match[str], order: str | None, raw: str) -> tuple[int, int, str]:
    """(day, month, year text) for "a/b/y"; uses ``order`` or the values themselves."""
    a, b, year = int(match["a"]), int(match["b"]), match["y"]
    shown = _shown(raw)
    date_word = f"date {shown}" if shown else "date"
    if order == "YMD":
        if len(year) == 4:
            raise ValueError(f"{date_word} does not fit the order YMD: the year comes last")
        # "19/03/01" read year-first: the parts are year, month, day.
        return int(year), b, match["a"]
    if order == "DMY":
        if b > 12:
            raise ValueError(f"{date_word} does not fit the order DMY: {b} cannot be a month")
        return a, b, year
    if order == "MDY":
        if a > 12:
            raise ValueError(f"{date_word} does not fit the order MDY: {a} cannot be a month")
        return b, a, year
    if a > 12 and b > 12:
        raise ValueError(_problem("no such date", raw))
    if a > 12 or a == b:
        return _unless_year_first(match, (a, b, year), "day/month/year", raw)
    if b > 12:
        return _unless_year_first(match, (b, a, year), "month/day/year", raw)
    if len(year) == 4 and "." in match.string[match.end("a"):match.start("b")]:
        # "01.12.2026": a date with dots and the year last is day-first wherever it is
        # written so (CLDR's short date patterns with dots: de, ru, pl, cs, fi, tr, uk, nb …;
        # none month-first), as the importer reads such a column
        return a, b, year
    # "03/01/19" also reads year first (2003-01-19), as Korean and Japanese exports write
    year_first = len(match["a"]) == 2 and len(year) == 2 and _real_date(_full_year(match["a"]), b, int(year))
    raise ValueError(
        f"ambiguous {date_word}: day and month could be either way; "
        + ("give the date order (DMY, MDY or YMD)" if year_first else "give the date order (DMY or MDY)")
        + " or write it as YYYY-MM-DD"      # typed by hand (cims order add, a sheet's cell) no order is given
    )


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _unless_year_first(match: re.Match[str], read: tuple[int, int, str], words: str,
                       raw: str) -> tuple[int, int, str]:
    """`read` (day, month, year text), unless the value also reads year first as
    another real date ("24.03.05": 2005-03-24 or, as Korean and Japanese exports write
    it, 2024-03-05): then ValueError naming both readings. One value cannot tell which."""
    a, b, y = match["a"], match["b"], match["y"]
    if len(a) != 2 or len(y) != 2:
        return read
    try:
        first = _dt.date(_full_year(a), int(b), int(y))
        other = _dt.date(_full_year(read[2]), read[1], read[0])
    except ValueError:
        return read
    if first == other:
        return read
    shown = _shown(raw)
    raise ValueError(f"ambiguous date{' ' + shown if shown else ''}: year/month/day {first.isoformat()} or "
                     f"{words} {other.isoformat()}; write it as YYYY-MM-DD")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        return year + (2000 if year <= 68 else 1900)
    return year


def _make_date(year: str | int, month: str | int, day: str | int, raw: object) -> _dt.date:
    full_year = _full_year(year) if isinstance(year, str) else year
    try:
        return _dt.date(full_year, int(month), int(day))
    except ValueError:
        raise ValueError(_problem("no such date", raw)) from None


# Morning and afternoon as the languages write them, from CLDR's day periods (babel), before
# or after the time: "02:30 p. m." (Excel in Spanish), "2:30 μ.μ." (Greek), "2:30 ip."
# (Finnish), "下午 02:30:00" (Excel in a Chinese locale), "午後2時30分", "오후 2:30".
_PERIOD_LOCALES = ("en", "fr", "de", "es", "es_MX", "es_419", "es_US", "pt", "it", "nl", "ca", "sv", "da", "nb",
                   "fi", "pl", "cs", "sk", "hu", "ro", "hr", "sl", "tr", "id", "ms", "vi", "ru", "uk", "el",
                   "bg", "sr", "lt", "lv", "et", "af", "fil", "zh", "zh_Hant", "ja", "ko", "ar", "fa", "he",
                   "hi", "bn", "ur", "th")
_PERIOD_MARKS = re.compile(r"[\s.\u200b-\u200d]+")
# the word and the time; the word holds no digit, so each pattern reads a cell in linear time
_PERIOD_BEFORE = re.compile(r"^(?P<w>[^\d]+)(?P<t>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)$")
_PERIOD_AFTER = re.compile(r"^(?P<t>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)(?P<w>[^\d]+)$")


def _period_key(word: str) -> str:
    return _PERIOD_MARKS.sub("", unicodedata.normalize("NFKC", word).casefold())


@functools.cache
def _day_periods() -> dict[str, str]:
    """{folded word: "am" or "pm"}: CLDR's abbreviated and wide names of the two halves
    of the day in _PERIOD_LOCALES, without dots and spaces ("p. m." -> "pm", "μ.μ." ->
    "μμ"); a word that is one language's morning and another's afternoon is left out,
    and so are one-letter Latin words ("a", "p"; Arabic "م" is kept)."""
    from babel.dates import get_period_names

    found: dict[str, set[str]] = {}
    for locale in _PERIOD_LOCALES:
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                names = get_period_names(width, context, locale)
                for half in ("am", "pm"):
                    if (word := names.get(half)) and (len(key := _period_key(word)) >= 2 or not key.isascii()):
                        found.setdefault(key, set()).add(half)
    return {word: next(iter(halves)) for word, halves in found.items() if len(halves) == 1}


_FLEXIBLE_PERIODS = ("morning1", "morning2", "afternoon1", "afternoon2", "evening1", "night1", "night2")


@functools.cache
def _flexible_periods() -> dict[str, frozenset[tuple[int, int]]]:
    """{folded word: the spans of the day it names, (from, before) in seconds}: CLDR's
    flexible day periods ("凌晨" 00:00–05:00, "晚上" 19:00–24:00, "夜" 19:00–23:00, "저녁"
    18:00–21:00, "in the evening") in _PERIOD_LOCALES, with the locale's own day period
    rules (babel: Locale.day_periods, Locale.day_period_rules; a span may run past
    midnight, from > before). A word two locales give different spans keeps both."""
    from babel import Locale

    found: dict[str, set[tuple[int, int]]] = {}
    for locale in _PERIOD_LOCALES:
        loc = Locale.parse(locale)
        rules = loc.day_period_rules.get(None) or {}
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                names = loc.day_periods.get(context, {}).get(width, {})
                for period in _FLEXIBLE_PERIODS:
                    word = names.get(period)
                    spans = [(r["from"], r["before"]) for r in rules.get(period, ()) if "from" in r and "before" in r]
                    if word and spans and (len(key := _period_key(word)) >= 2 or not key.isascii()):
                        found.setdefault(key, set()).update(spans)
    return {word: frozenset(spans) for word, spans in found.items()}


def _in_span(seconds: int, span: tuple[int, int]) -> bool:
    start, before = span
    return start <= seconds < before if start < before else seconds >= start or seconds < before


def _flexible_time(word: str, clock: str) -> str | None:
    """`clock` ("8:15") on a 24-hour clock by the day period `word` names ("晚上" -> 20:15,
    "凌晨" -> 01:15, "中午12:15" -> 12:15): the one reading of the hour, as written or plus
    twelve, that falls in the period's span; None when the word is no such period or no
    reading, or more than one, fits ("中午1:15" is neither 01:15 nor 13:15 under CLDR's
    中午 12:00–13:00: refused, never guessed)."""
    spans = _flexible_periods().get(_period_key(word))
    if not spans:
        return None
    parts = clock.replace(".", ":").split(":")
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 23 or minute > 59:
        return None
    hours = {hour} if hour > 12 else {hour % 12, hour % 12 + 12}
    fits = {h for h in hours if all(_in_span(h * 3600 + minute * 60, span) for span in spans)}
    if len(fits) != 1:
        return None
    return f"{fits.pop():02d}:" + ":".join(parts[1:])


def _day_period(text: str) -> str | None:
    """"14:30 pm" for a time with a day period written before or after it in any of
    _PERIOD_LOCALES ("2:30 μ.μ.", "오후 2:30"), "20:15" for one with a flexible day period
    ("晚上8:15", "8:15 in the evening"; `_flexible_time`); None when it has none."""
    match = _PERIOD_AFTER.match(text) or _PERIOD_BEFORE.match(text)
    if match is None:
        return None
    word = match["w"].strip()
    if (half := _day_periods().get(_period_key(word))) is None:
        return _flexible_time(word, match["t"])
    return f"{match['t'].replace('.', ':')} {half}"


# "kl. 14.30", "klo 14.30", "klockan 14:30": the word for "at (o'clock)" before a time in
# Danish, Norwegian, Swedish and Finnish.
_CLOCK_WORD = re.compile(r"^(?:kl\.?|klo\.?|klockan|klokken)\s*(?=\d)", re.IGNORECASE)
# "14:30 Uhr", "14.30 Uhr": German "o'clock" after it
_CLOCK_AFTER = re.compile(r"(?<=\d)\s*uhr$", re.IGNORECASE)
# A time with dots between hours and minutes (Finnish, Danish, Norwegian, Italian, Indonesian
# "14.30"), after a date or in a time column: two digits of minutes, as a time has.
_DOT_TIME = re.compile(r"^(?P<H>\d{1,2})\.(?P<M>\d{2})(?:\.(?P<S>\d{2}))?(?=$|\s|[+-−]|z|Z)")


# A time written with the units' characters: "14時30分", "14时30分15秒", "14시 30분", "2點"
_CJK_UNITS = re.compile(r"(?P<H>\d{1,2})\s*[時时시點点]\s*(?:(?P<M>\d{1,2})\s*[分분])?\s*(?:(?P<S>\d{1,2})\s*[秒초])?")


def _units_time(m: re.Match) -> str:
    return f"{m['H']}:{m['M'] or '00'}" + (f":{m['S']}" if m["S"] else "")


# A time written with "h" between hour and minutes (French, Portuguese, Vietnamese):
# "14h30", "14 h 30", "9h", "14h30min".
_H_TIME = re.compile(r"^(?P<H>\d{1,2})\s*h\s*(?:(?P<M>\d{2})\s*(?:min)?)?(?=\s|$)", re.IGNORECASE)


# An hour with its day period and no minutes ("9am", "9 pm", "12 a.m."), as English writes it.
_HOUR_PERIOD = re.compile(r"^(?P<H>\d{1,2})\s*+(?P<p>[ap]\.?m\.?)(?=\s|$)", re.IGNORECASE)


def _parse_time(text: str | None, raw: object) -> tuple[_dt.time | None, _dt.tzinfo | None]:
    if not text:
        return None, None
    text = _CLOCK_AFTER.sub("", _CLOCK_WORD.sub("", text.strip()))
    if text[:1].isdigit() and (hour := _HOUR_PERIOD.match(text)):
        text = f"{hour['H']}:00 {hour['p']}" + text[hour.end():]
    if not text.isascii():
        text = _CJK_UNITS.sub(_units_time, text)
    if not text[-1:].isdigit() or not text[:1].isdigit():
        text = _day_period(text) or text
    if text[:1].isdigit() and (dotted := _DOT_TIME.match(text)):
        text = f"{dotted['H']}:{dotted['M']}" + (f":{dotted['S']}" if dotted["S"] else "") + text[dotted.end():]
    named: _dt.tzinfo | None = None
    if text[-1:].isalpha() or text[-1:] in ")）" or "+" in text or "-" in text or "−" in text:
        from .time_zones import ZoneNameError, zone_suffix

        try:
            text, named = zone_suffix(text)
        except ZoneNameError as exc:
            raise ValueError(_problem(f"not a date: {exc}", raw)) from None
        if named is not None and not text.strip():
            return None, named           # "2024-03-05 (GMT+8)": a day, and the zone it is written in
    if "h" in text or "H" in text:
        text = _H_TIME.sub(lambda m: f"{m['H']}:{m['M'] or '00'}", text, count=1)
    if not text.isascii() and (period := _day_period(text.strip())) is not None:
        text = period                 # "下午 2:30 CST" once the zone is read
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(_problem("not a date: cannot read the time", raw))
    hour, minute = int(match["H"]), int(match["M"])
    second = int(match["S"] or 0)
    micro = int((match["F"] or "0")[:6].ljust(6, "0"))
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm:
        # 0 with a day period is Japanese usage (午前0:30 is 00:30, 午後0:15 is 12:15)
        if not 0 <= hour <= 12:
            raise ValueError(_problem("not a date: no such time", raw))
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(_problem("not a date: no such time", raw))
    offset = _parse_offset(match["tz"])
    if named is not None and offset is not None:
        raise ValueError(_problem("not a date: two zones given", raw))
    return _dt.time(hour, minute, second, micro), named or offset


def _parse_offset(text: str | None) -> _dt.tzinfo | None:
    if not text:
        return None
    if text.lower() in ("z", "utc", "gmt"):
        return _dt.timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    delta = _dt.timedelta(hours=hours, minutes=minutes)
    return _dt.timezone(-delta if text[0] == "-" else delta)


DAY_MONTH = _DAY_MONTH      # "a/b/y" with any of / - . between (for the importer's evidence)
_ORDER_WORDS = {"DMY": "day/month/year", "MDY": "month/day/year", "YMD": "year/month/day"}
ORDER_WORDS = _ORDER_WORDS      # the orders in words, for messages


def _is_year_first(value: object) -> bool:
    if is_blank(value) or not isinstance(value, str):
        return False
    text = _date_text(value)
    return bool(_COMPACT.match(text) or _YEAR_FIRST.match(text) or _CHINESE.match(text))


# Dates written as digits alone ("240305", "050324", "20240305", "05032024"), as
# Japanese, Korean and SAP exports and hand-typed sheets write them: the parts of each
# order, for six digits (two-digit year) and eight (four-digit year).
_COMPACT_PARTS = {
    6: {"YMD": ((0, 2), (2, 4), (4, 6)), "DMY": ((4, 6), (2, 4), (0, 2)), "MDY": ((4, 6), (0, 2), (2, 4))},
    8: {"YMD": ((0, 4), (4, 6), (6, 8)), "DMY": ((4, 8), (2, 4), (0, 2)), "MDY": ((4, 8), (0, 2), (2, 4))},
}
COMPACT_NAMES = {("YMD", 6): "yymmdd", ("DMY", 6): "ddmmyy", ("MDY", 6): "mmddyy",
                 ("YMD", 8): "yyyymmdd", ("DMY", 8): "ddmmyyyy", ("MDY", 8): "mmddyyyy"}


def compact_digits(value: object) -> str | None:
    """The digits of a cell that may be a date written without separators: six or eight
    digits ("240305", "05032024"), or five or seven from a number cell or text that lost
    a leading zero (50324 is "050324"; a number cell of three or four digits lost more:
    101 is "000101"); None for anything else (bools, fractions, other lengths, text with
    other characters)."""
    if _is_bool(value):
        return None
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            return None
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if 3 <= len(digits) <= 5:           # 101 is 000101 (yymmdd 2000-01-01) in a number cell
            digits = digits.zfill(6)
    elif isinstance(value, str):
        digits = value.strip()
        if digits[:1] == "'":           # Excel's text mark, typed to keep the leading zero
            digits = digits[1:]
        if not digits.isascii() or not digits.isdigit():
            return None
    else:
        return None
    if len(digits) in (5, 7):
        digits = "0" + digits
    return digits if len(digits) in (6, 8) else None


def compact_date(value: object, order: str) -> _dt.date | None:
    """The date `value` (see compact_digits) is when written in `order` ("YMD": yymmdd or
    yyyymmdd, "DMY": ddmmyy or ddmmyyyy, "MDY": mmddyy or mmddyyyy); two-digit years as
    in parse_date (00-68 are 2000-2068). None when it is not such a value or no such date."""
    digits = compact_digits(value)
    if digits is None:
        return None
    (y0, y1), (m0, m1), (d0, d1) = _COMPACT_PARTS[len(digits)][_check_order(order)]
    year = digits[y0:y1]
    try:
        return _dt.date(_full_year(year) if len(year) == 2 else int(year), int(digits[m0:m1]), int(digits[d0:d1]))
    except ValueError:
        return None


def from_compact(value: object, order: str | None) -> object:
    """A date column's cell as a date when the column writes dates as digits alone in
    ``order`` (decided by the importer on the whole column, or --date-order): "240305"
    under YMD is 2024-03-05, 50324 (a number cell of "050324") under DMY 2024-03-05.
    Other values (blank, ISO text, date cells) come back as they are. ValueError naming
    the value when it has the digits of such a date but is no date in that order."""
    if order is None or compact_digits(value) is None:
        return value
    day = compact_date(value, order)
    if day is None:
        raise ValueError(_problem(f"no such date written as {COMPACT_NAMES[(order, len(compact_digits(value)))]}",
                                  value))
    return day


def day_number_date(value: object) -> _dt.date | None:
    """The date an Excel day number is (a number, or digit text without a leading zero,
    up to 2958465 = 9999-12-31; 45352 is 2024-03-01), or None when `value` cannot be one."""
    if _is_bool(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not _SERIAL_TEXT.match(text) or text.startswith("0"):
            return None
        number = Decimal(text)
    elif isinstance(value, (int, float)):
        number = _number_to_decimal(value)
    else:
        return None
    try:
        return _from_excel_serial(number, value).date
    except ValueError:
        return None


# An Excel day number later than this many years after today is no date of a customer
# record: "240305" is 2557-12-05 that way, and a date written yymmdd (2024-03-05).
DAY_NUMBER_YEARS_AHEAD = 100


def far_day_number(value: object, today: _dt.date | None = None) -> _dt.date | None:
    """The date a cell of five to eight digits is as an Excel day number, when that lies
    more than DAY_NUMBER_YEARS_AHEAD years after `today` (so it is no day number of ours:
    "240305" is 2557-12-05); None otherwise."""
    if compact_digits(value) is None:
        return None
    day = day_number_date(value)
    now = today or _dt.date.today()
    if day is None or day.year <= now.year + DAY_NUMBER_YEARS_AHEAD:
        return None
    return day


def date_fits(value: object) -> frozenset[str] | None:
    """The orders ("DMY", "MDY", "YMD") under which a "a/b/c" date value is a real date,
    when they give different dates; None when the value says nothing about the order
    (blank, date objects, serials, ISO and other year-first forms, month names, a value
    every order reads the same, or one no order can read). "YMD" is a candidate only
    for a two-digit last part ("24/03/05", as Japanese and Korean exports write)."""
    readings = _day_month_readings(value)
    if readings is None:
        return None
    readings = readings[0]
    if not readings or (len(readings) > 1 and len(set(readings.values())) == 1):
        return None                     # unreadable, or every order reads the same date
    return frozenset(readings)


def weekday_orders(value: object) -> tuple[frozenset[str], frozenset[str]] | None:
    """For an "a/b/c" date written with its weekday ("05/03/2024 (Tue)", "Di., 05.03.2024"):
    (the orders whose reading falls on that weekday, the orders that read it as a real date
    at all); None for a value without a weekday, or one that says nothing of the order."""
    found = _day_month_readings(value, weekday_apart=True)
    if found is None or found[2] is None:
        return None
    readings, days = found[0], found[2]
    if len(readings) < 2 or len(set(readings.values())) == 1:
        return None
    return frozenset(o for o, d in readings.items() if d.weekday() in days), frozenset(readings)


def _day_month_readings(value: object, weekday_apart: bool = False):
    """({order: the date an "a/b/c" value is under it}, whether its last part has two
    digits) for the orders that read it as a real date; None for other values. With
    `weekday_apart`, the readings are not filtered by a weekday written with the date, and
    the weekdays it can name (or None) come third."""
    if is_blank(value) or not isinstance(value, str):
        return None
    text = _date_text(value)
    days: frozenset[int] | None = None      # the weekday written with it, when one is
    if text[:1].isalpha() and (lead := _leading_weekday(text)) is not None:
        days, text = lead
    elif not text.isascii() or "(" in text:
        weekday, bare = _east_asian_weekday(text)
        if weekday is not None:
            days, text = frozenset({weekday}), bare
        elif (trail := _trailing_weekday(text)) is not None:
            days, text = trail
    match = _DAY_MONTH.match(text)
    if not match:
        return None
    a, b, y = match["a"], match["b"], match["y"]
    readings: dict[str, _dt.date] = {}
    for order, (year, month, day) in (("DMY", (y, b, a)), ("MDY", (y, a, b)), ("YMD", (a, b, y))):
        if order == "YMD" and (len(y) != 2 or len(a) != 2):
            continue
        try:
            readings[order] = _dt.date(_full_year(year), int(month), int(day))
        except ValueError:
            continue
    if weekday_apart:
        return readings, len(y) == 2, days
    if days is not None:
        # a weekday written with the date settles the order: only a reading on that day
        readings = {order: date for order, date in readings.items() if date.weekday() in days}
    return readings, len(y) == 2


def short_year_readings(value: object) -> dict[str, _dt.date] | None:
    """{order: date} for a date written with separators and a two-digit year ("24.03.05",
    "23/11/28", "05-03-24", "05 03 24"): the date each order ("DMY", "MDY", "YMD") that
    reads it as a real date gives, two-digit years as in parse_date ("23.11.28" is
    {"DMY": 2028-11-23, "YMD": 2023-11-28}). None for any other value (a four-digit
    year, year-first ISO text, month names, blanks, numbers)."""
    found = _day_month_readings(value)
    if found is None or not found[1]:
        return None
    return found[0]


def date_order_candidates(values: Iterable[object]) -> frozenset[str] | None:
    """The orders every day/month value of a column fits (see date_fits); None when no
    value says anything. ValueError, quoting examples, when no order fits them all."""
    together: frozenset[str] | None = None
    groups: dict[frozenset[str], list[str]] = {}
    for value in values:
        fits = date_fits(value)
        if fits is None:
            continue
        together = fits if together is None else together & fits
        group = groups.setdefault(fits, [])
        if len(group) < 2:
            group.append(str(value).strip())
    if together is not None and not together:
        kinds = list(groups)
        first, second = next(((x, y) for i, x in enumerate(kinds) for y in kinds[i + 1:] if not x & y),
                             (kinds[0], kinds[-1]))

        raise ValueError("dates in this column disagree: "
                         + _fit_words(groups[first], first, "can only be") + ", "
                         + _fit_words(groups[second], second, "only"))
    return together


def _fit_words(found: list[str], fits: frozenset[str], lead: str) -> str:
    examples = ", ".join(f"'{v}'" for v in found[:2] if len(v) <= _SHOWN_MAX) or "some"
    return f"{examples} {lead} " + " or ".join(_ORDER_WORDS[o] for o in _ORDERS if o in fits)


def detect_date_order(values: Iterable[object]) -> str | None:
    """The date order a whole column is written in: "DMY", "MDY", "YMD" or None.

    Every order that reads every day/month value of the column as a real date is a
    candidate (date_order_candidates; "YMD" only for two-digit last parts such as
    "24/03/05"); one candidate decides, several leave the column undecided (None).
    When no value is a day/month form and every text value is year-first (ISO,
    "2024年10月5日", "20241005"), "YMD". Blanks, date objects, Excel serials, month
    names and unreadable values do not vote. A column that no order fits raises
    ValueError quoting examples.
    """
    values = list(values)
    candidates = date_order_candidates(values)
    if candidates is None:
        return "YMD" if any(_is_year_first(v) for v in values) else None
    if len(candidates) == 1:
        return next(iter(candidates))
    return None


# Common names for regions that are not their ISO 3166 code.
_REGION_ALIASES = {"UK": "GB", "EL": "GR"}
_REGION_NAME_LANGUAGES = ("zh", "de", "fr", "es", "pt", "it", "ru", "ja", "ko", "ar", "nl", "sv")


def check_region(value: object) -> str:
    """A default phone region as phonenumbers knows it (ISO 3166-1 alpha-2, "DE").

    Accepts any case, an alias (UK) or an English country name ("Germany"). Raises
    ValueError naming the nearest supported codes with their country names (CLDR names
    through babel) when the value is not one.
    """
    import difflib

    from babel import Locale

    text = str(value or "").strip()
    code = _REGION_ALIASES.get(text.upper(), text.upper())
    if code in phonenumbers.SUPPORTED_REGIONS:
        return code
    names = {c: n for c, n in Locale("en").territories.items() if c in phonenumbers.SUPPORTED_REGIONS}
    by_name = {n.casefold(): c for c, n in names.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    for lang in _REGION_NAME_LANGUAGES:     # "Deutschland", "中国", "Espagne"
        for c, n in Locale(lang).territories.items():
            if c in names and n.casefold() == text.casefold():
                return c
    near = [by_name[n] for n in difflib.get_close_matches(text.casefold(), list(by_name), n=3, cutoff=0.6)]
    if len(text) <= 3:
        near += [c for c in sorted(names) if c[:1] == code[:1] and c not in near][:4 - len(near)]
    hint = ", ".join(f"{c} ({names[c]})" for c in near[:4])
    raise ValueError(f"'{text}' is not a phone region (a two-letter country code such as CN, DE, US)"
                     + (f"; nearest: {hint}" if hint else ""))


def reading_in(value: object, region: str) -> str | None:
    """The E.164 number `value` (a phone cell without a country code) is in `region`
    when it is a valid number there written as that country writes it at home (the
    assumed-region rule of `normalize_phone`), else None. Never raises."""
    try:
        return normalize_phone(value, region, assumed=True)
    except (ValueError, TypeError):
        return None


@functools.lru_cache(maxsize=4096)
def valid_elsewhere(value: object, region: str) -> tuple[tuple[str, str], ...]:
    """((country, E.164 there), …) for each country other than `region` (one per calling
    code, its main one) where `value`, a phone cell without a country code, is a valid
    number written as that country writes it at home (`reading_in`); () for none."""
    if not isinstance(value, str):
        try:
            value = phone_text_from_number(value)
        except ValueError:
            return ()
    own = phonenumbers.country_code_for_region(region.upper())
    out: dict[int, tuple[str, str]] = {}
    for r in sorted(phonenumbers.SUPPORTED_REGIONS):
        code = phonenumbers.country_code_for_region(r)
        if code == own or code in out:
            continue
        if alt := reading_in(value, r):
            main = phonenumbers.region_code_for_country_code(code) or r
            out[code] = (main, alt)
    return tuple(out.values())


# A number written in another country's national style, valid under the store's region
# only by accident: "(415) 555-0100" (North America writes its 3-digit area code in
# parentheses; ITU-T E.123 writes a trunk-prefixed one so: "(030) 1234567") read in DE
# as +494155550100; "139 1234 5678" (a Chinese mobile: 11 digits, 1[3-9], no trunk 0)
# read in DE as +4913912345678.
_NANP_PARENS = re.compile(r"\s*\(\s*[2-9]\d{2}\s*\)\s*\d{3}[\s.\-]?\d{4}\s*\Z")
_NANP_ONE = re.compile(r"\s*1[\s.\-]?\(?[2-9]\d{2}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}\s*\Z")
_CN_MOBILE_STYLE = re.compile(r"\s*1[3-9]\d(?:[\s\-]?\d){8}\s*\Z")


def _valid_in(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=None)
def _in_nanp(region: str) -> bool:
    """Whether `region` dials +1 (the North American Numbering Plan)."""
    return phonenumbers.country_code_for_region(region.upper()) == 1


def foreign_style_readings(value: object, region: str, *, evidence: frozenset[str] = frozenset()
                           ) -> list[tuple[str, str, str]]:
    """(country, E.164 there, why) for each other country whose national style `value`
    (a phone cell without a country code) is written in and where it is a valid number,
    when `region` is not that country: North America's "(415) 555-0100", China's
    11-digit mobile "13912345678". "14155552671" (1 + a valid US area code; also a
    possible Chinese mobile) counts for US only when `evidence` (other countries the
    row or file points to) holds US. [] for none. Never raises."""
    if not isinstance(value, str):
        return []
    text = _nfkc(value)
    nanp = _in_nanp(region)
    out = []
    if not nanp and _NANP_PARENS.match(text) and (alt := _valid_in(text, "US")):
        out.append((phonenumbers.region_code_for_number(phonenumbers.parse(alt)) or "US", alt,
                    "written as North American numbers are, area code in parentheses"))
    if region.upper() != "CN" and _CN_MOBILE_STYLE.match(text) and (alt := _valid_in(text, "CN")):
        out.append(("CN", alt, "written as a Chinese mobile (11 digits from 13-19)"))
    if not nanp and "US" in evidence and _NANP_ONE.match(text) and (alt := _valid_in(text, "US")):
        out.append(("US", alt, "1 and a US area code, and the row or file points to the US"))
    return out


# Free webmail services of one country, as country evidence where the address has no
# country-code domain (the providers' own descriptions; national webmail market
# surveys): Naver, Daum/Hanmail (KR), Yahoo! JAPAN, NTT docomo (JP), Tencent QQ and
# NetEase 163/126/yeah (CN), WEB.DE, GMX.de, T-Online (DE), Orange, Free, SFR, La Poste
# (FR), Libero (IT), Mail.ru, Yandex (RU), Seznam (CZ), Wirtualna Polska, Onet (PL).
WEBMAIL_COUNTRY = {
    "naver.com": "KR", "daum.net": "KR", "hanmail.net": "KR", "nate.com": "KR",
    "yahoo.co.jp": "JP", "docomo.ne.jp": "JP", "ezweb.ne.jp": "JP", "softbank.ne.jp": "JP",
    "qq.com": "CN", "163.com": "CN", "126.com": "CN", "yeah.net": "CN", "sina.com": "CN", "sohu.com": "CN",
    "web.de": "DE", "gmx.de": "DE", "t-online.de": "DE", "freenet.de": "DE",
    "orange.fr": "FR", "free.fr": "FR", "sfr.fr": "FR", "laposte.net": "FR", "wanadoo.fr": "FR",
    "libero.it": "IT", "mail.ru": "RU", "yandex.ru": "RU", "seznam.cz": "CZ", "wp.pl": "PL", "onet.pl": "PL",
}


# Country-code top-level domains that people use as generic ones (start-ups, media):
# no evidence of where the address's owner lives.
_GENERIC_CCTLDS = frozenset({"io", "co", "me", "tv", "ai", "fm", "cc", "ws", "ly", "to", "gg", "sh", "ac", "so"})


def email_region(value: object) -> str | None:
    """The country (ISO 3166 code) an email address's country-code domain names
    ("kim@example.kr": KR, "x@example.co.uk": GB) or its national webmail service
    (WEBMAIL_COUNTRY: "kim@naver.com": KR), or None for a generic one (.com,
    .org, and ccTLDs used generically such as .io, .co, .me). IANA's ccTLDs are
    the ISO 3166 codes, but .uk for GB."""
    if not isinstance(value, str) or "@" not in value:
        return None
    return _domain_region(value.strip().rsplit("@", 1)[-1].casefold())


@functools.lru_cache(maxsize=4096)
def _domain_region(domain: str) -> str | None:
    """email_region of an address whose domain (casefolded) is `domain` (an import asks
    once per row, and a file's addresses share a few domains)."""
    if (webmail := WEBMAIL_COUNTRY.get(domain)) is not None:
        return webmail                  # a national webmail service (naver.com: KR)
    tld = domain.rsplit(".", 1)[-1]
    if len(tld) != 2 or not tld.isascii() or not tld.isalpha() or tld in _GENERIC_CCTLDS:
        return None
    code = "GB" if tld == "uk" else tld.upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


# Calendars that count years from another epoch, as written in dates of a file:
# Thai Buddhist era (BE = CE + 543; Thailand's official calendar since 1941): only
# four-digit years of 2400–2700 (CE 1857–2157) are taken as such. Taiwan's Minguo (ROC)
# years (CE - 1911): "113/03/05" is 2024-03-05. Japanese era names ("令和6年3月5日",
# "R6.3.5") and "民國113年3月5日" name their calendar and are read by parse_date itself.
# Japanese two-digit years first ("06/03/05") under "japanese" are Reiwa years (+ 2018).
CALENDAR_SHIFTS = {"buddhist": -543, "roc": 1911, "japanese": 2018, "gregorian": 0,
                   # no shift: their months are not the Gregorian ones (lunar_solar_date converts them)
                   "hijri": 0, "persian": 0}
# The calendars a date of years 1300–1500 may be in, as --calendar names them, in words.
LUNAR_SOLAR = {"hijri": "Islamic Hijri (Umm al-Qura)", "persian": "Persian Solar Hijri (Jalali)"}
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# "1445/08/24", "1402-12-15 10:30", "24/08/1445", "۱۴۰۲/۱۲/۱۵": a year of 1300–1500 first or last
_LUNAR_YEAR_FIRST = re.compile(
    r"^\s*(?P<y>1[345]\d\d)\s*(?P<s>[-/.])\s*(?P<m>\d{1,2})\s*(?P=s)\s*(?P<d>\d{1,2})(?P<rest>(?:[\sT].*)?)$")
_LUNAR_YEAR_LAST = re.compile(
    r"^\s*(?P<d>\d{1,2})\s*(?P<s>[-/.])\s*(?P<m>\d{1,2})\s*(?P=s)\s*(?P<y>1[345]\d\d)(?P<rest>(?:\s.*)?)$")


def lunar_solar_parts(value: object) -> tuple[int, int, int, str] | None:
    """(year, month, day, the rest: a time) of a date text whose four-digit year is
    1300–1500 and whose month is 1–12 ("1445/08/24", "24/08/1445", Arabic-Indic or
    Persian digits): a year the Islamic Hijri and Persian calendars write today (1446 AH
    began in July 2024, 1403 SH in March 2024), none of ours. None for any other value.
    A year last is read day first (as both calendars' countries write it)."""
    if not isinstance(value, str):
        return None
    text = _nfkc(value).translate(_ARABIC_DIGITS)
    match = _LUNAR_YEAR_FIRST.match(text) or _LUNAR_YEAR_LAST.match(text)
    if match is None:
        return None
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not (1300 <= year <= 1500 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return year, month, day, match["rest"].strip()


def lunar_solar_date(value: object, calendar: str) -> _dt.date | None:
    """The Gregorian date of a date text written in `calendar` ("hijri": the Umm al-Qura
    calendar of Saudi Arabia, by hijridate; "persian": the Solar Hijri calendar of Iran
    and Afghanistan, by jdatetime); None when the text is no such date. ValueError for
    a day the calendar lacks (30 Safar in a year whose Safar has 29 days)."""
    parts = lunar_solar_parts(value)
    if parts is None:
        return None
    year, month, day, _ = parts
    try:
        if calendar == "hijri":
            from hijridate import Hijri

            return Hijri(year, month, day).to_gregorian()
        import jdatetime

        return jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError) as exc:
        raise ValueError(_problem(f"not a date in the {LUNAR_SOLAR[calendar]} calendar ({exc})", value)) from None


def _from_lunar_solar(value: object, calendar: str) -> object:
    """A date text of `calendar` (hijri, persian) as its Gregorian date in ISO form, with
    its time; ValueError for a text of another calendar's years, which --calendar says
    the column has none of."""
    if not isinstance(value, str) or not value.strip():
        return value
    day = lunar_solar_date(value, calendar)
    if day is None:
        raise ValueError(_problem(f"not a date of the {LUNAR_SOLAR[calendar]} calendar (--calendar "
                                  f"{calendar}): write it YYYY/MM/DD with a year of 1300–1500", value))
    rest = lunar_solar_parts(value)[3]
    return f"{day.isoformat()} {rest}" if rest else day.isoformat()
REIWA_FIRST_DAY = _dt.date(2019, 5, 1)
# The Common Era named in a date: Thai ค.ศ. (คริสต์ศักราช), Japanese 西暦, Chinese 公元/西元,
# CE/AD. Such a date is read as written whatever calendar the column is in.
_CE_MARK = re.compile(r"ค\.\s*ศ\.?|คริสต์ศักราช|西暦|公元|西元|"
                      r"(?<![A-Za-z])(?:C\.\s?E\.|CE|A\.\s?D\.|AD)(?![A-Za-z])")
# A two-digit year last: "05/03/67", "5-3-67", "5 มี.ค. 67", "5 มีนาคม 67", "5-Mar-67".
_SHORT_YEAR_LAST = re.compile(r"^\s*\d{1,2}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]|[-\s]+[^\d\s-][^\d]*?[-\s]+)\s*"
                              r"(?P<y>\d\d)\s*$")
# Taiwan's compact Minguo dates, yyyMMdd as its systems write them ("1130307", "0991001").
_ROC_COMPACT = re.compile(r"^\s*(?P<y>[01]\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)\s*$")


def ce_marked(text: object) -> bool:
    """Whether a date text names the Common Era ("5 มี.ค. ค.ศ. 2024", "西暦2024年3月5日", "2024 AD")."""
    return isinstance(text, str) and bool(_CE_MARK.search(_nfkc(text)))


def short_year_last(text: object) -> tuple[int, bool] | None:
    """(two-digit year, written with a month name) of a date whose year comes last in two
    digits ("05/03/67": (67, False); "5 มี.ค. 67": (67, True)); None for others (four-digit
    years, year-first values, a date naming its era)."""
    if not isinstance(text, str) or _BE_MARK.search(text) or ce_marked(text):
        return None
    match = _SHORT_YEAR_LAST.match(_nfkc(text))
    if match is None:
        return None
    named = not re.match(r"^\s*\d{1,2}\s*[-/.]\s*\d", text)
    return int(match["y"]), named


def buddhist_short_readings(text: object) -> dict[str, _dt.date]:
    """{order: date} of a day-or-month-first date with a two-digit year ("05/03/67") read
    as a Thai Buddhist-era year (2567 BE: {"DMY": 2024-03-05, "MDY": 2024-05-03}); {} for
    other values."""
    if short_year_last(text) is None:
        return {}
    try:
        found = _day_month_readings(from_calendar(text, "buddhist"))
    except ValueError:
        return {}
    return {o: d for o, d in (found[0] if found else {}).items() if o in ("DMY", "MDY")}


def thai_short_year(text: object) -> bool:
    """A Thai date with a two-digit year ("5 มี.ค. 67"): Buddhist 2567 (2024) or 2067."""
    return isinstance(text, str) and bool(_THAI_LETTERS.search(text)) and short_year_last(text) is not None


def roc_compact(value: object) -> str | None:
    """Taiwan's compact Minguo date ("1130307", yyyMMdd; a number cell 1130307) as a
    Common Era date text ("2024/03/07"); None for other values or no such day."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value == value and int(value) == value:
        value = str(int(value))
    if not isinstance(value, str) or (match := _ROC_COMPACT.match(value)) is None:
        return None
    year, month, day = int(match["y"]) + 1911, int(match["m"]), int(match["d"])
    try:
        _dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year}/{month:02d}/{day:02d}"


_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
# "113/03/05", "113.3.5" and "113年3月5日" (as Taiwan writes dates without 民國).
_MONTH_DAY = r"(?:[-/.]\d{1,2}[-/.]\d{1,2}|\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?)"
ROC_YEAR_FIRST = re.compile(rf"^\s*(?P<y>\d{{2,3}})(?P<rest>{_MONTH_DAY}(?!\d).*)$", re.S)
_ROC_THREE_DIGITS = re.compile(rf"^\s*1\d\d{_MONTH_DAY}(?:\s.*)?$", re.S)
# "95/12/31", "95年12月31日": two digits first, then month and day (a year first under YMD).
SHORT_YEAR_FIRST = re.compile(rf"^\s*\d\d(?P<sep>{_MONTH_DAY})(?:\s.*)?$", re.S)


def era_years(text: str) -> tuple[bool, bool]:
    """(has a year of 2400–2700, has another four-digit year of 1800–2999) in a date
    text: the evidence for a column written in the Buddhist era."""
    years = [int(y) for y in _FOUR_DIGIT_YEAR.findall(text)]
    return (any(2400 <= y <= 2700 for y in years), any(not 2400 <= y <= 2700 for y in years))


def roc_year_first(text: str) -> bool:
    """Whether a date text starts with a three-digit year of 100–199 ("113/03/05"): a
    Minguo (ROC) year, as Taiwan writes dates; no other calendar in use writes one."""
    return bool(_ROC_THREE_DIGITS.match(text))


# The Buddhist era named in a date: Thai "พ.ศ." (พุทธศักราช), or "BE"/"B.E." beside
# its year ("5 มี.ค. พ.ศ. 2567", "2567-03-05 BE").
_BE_MARK = re.compile(r"(?:พ\.\s*ศ\.?|พุทธศักราช|(?<![A-Za-z])B\.?\s?E\.?(?![A-Za-z]))")
_THAI_LETTERS = re.compile("[\u0E00-\u0E7F]")
_ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@functools.cache
def _thai_months() -> re.Pattern[str]:
    """Thai month names and abbreviations ("มีนาคม", "มี.ค."), every width and context,
    longest first (CLDR via babel). Thai is not in _DATE_LOCALES: `_fold` drops its
    vowel marks, and "มี.ค." (March) would fold to "ม.ค." (January)."""
    from babel import Locale

    loc = Locale.parse("th")
    names = {name: number for context in ("format", "stand-alone") for width in ("wide", "abbreviated")
             for number, name in loc.months[context][width].items()}
    _thai_months.numbers = names
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def buddhist_marked(text: str) -> bool:
    """Whether a date text names the Buddhist era ("พ.ศ. 2567", "2567-03-05 BE")."""
    return bool(_BE_MARK.search(text)) and bool(_FOUR_DIGIT_YEAR.search(text))


def _thai_date_text(text: str, raw: str) -> str:
    """A date text with its Thai month name in English ("5 มี.ค. 2567" -> "5 Mar 2567")
    and, where it names the Buddhist era ("พ.ศ. 2567", "BE"), the marker dropped and its
    year moved to the Common Era (2567 -> 2024). ValueError for a marked year outside
    2400–2700 (BE 2024 would be 1481)."""
    months = _thai_months()
    text = months.sub(lambda m: f" {_ENGLISH_MONTHS[_thai_months.numbers[m.group(0)] - 1]} ", text)
    if _BE_MARK.search(text):
        text = _BE_MARK.sub(" ", text)
        match = _FOUR_DIGIT_YEAR.search(text)
        if match is None or not 2400 <= int(match.group(1)) <= 2700:
            raise ValueError(_problem("not a date: a Buddhist-era year is 2400–2700 (2567 is 2024)", raw))
        text = text[:match.start()] + str(int(match.group(1)) + CALENDAR_SHIFTS["buddhist"]) + text[match.end():]
    return " ".join(text.split())


def from_calendar(value: object, calendar: str | None) -> object:
    """A date text with its year moved to the Common Era for ``calendar``
    ("buddhist": the four-digit year - 543, so "29/02/2567" is 2024-02-29; "roc": a
    leading two- or three-digit year + 1911, "113/03/05" is "2024/03/05"); a date
    cell of year 2400–2700 under "buddhist" (typed with its BE year) moved back 543
    years; any other value, or "gregorian"/None, as it is (date cells of other years
    and number cells are CE: Excel stores days). ValueError for a day the CE year lacks."""
    if calendar in LUNAR_SOLAR:
        return _from_lunar_solar(value, calendar)
    shift = CALENDAR_SHIFTS.get(calendar or "gregorian", 0)
    if calendar == "buddhist" and isinstance(value, _dt.date) and 2400 <= value.year <= 2700:
        try:                       # a date cell typed with a Buddhist-era year
            return value.replace(year=value.year + shift)
        except ValueError:
            raise ValueError(_problem("not a date: 29 February in a year that has none", value)) from None
    if calendar == "roc" and (compact := roc_compact(value)) is not None:
        return compact             # "1130307": Minguo 113, 2024-03-07
    if not shift or not isinstance(value, str):
        return value
    if _BE_MARK.search(value) or era_date_named(value) or ce_marked(value):
        return value               # names its own era: read by parse_date as it says
    if calendar == "roc":
        match = ROC_YEAR_FIRST.match(value)
        return f"{int(match['y']) + shift}{match['rest']}" if match else value
    if calendar == "japanese":
        match = _REIWA_YEAR_FIRST.match(value)
        if not match:
            return value
        moved = f"{int(match['y']) + shift}{match['rest']}"
        try:
            early = parse_date(moved, "YMD") < REIWA_FIRST_DAY
        except ValueError:
            return moved
        if early:
            raise ValueError(_problem("not a date: Reiwa began on 2019-05-01 (Reiwa 1)", value))
        return moved
    if calendar == "buddhist" and not _FOUR_DIGIT_YEAR.search(value) and (
            match := _SHORT_YEAR_LAST.match(_nfkc(value))):
        # "05/03/67": Buddhist year 2567 written short, 2024
        text = _nfkc(value)
        return f"{text[:match.start('y')]}{2500 + int(match['y']) + shift}{text[match.end('y'):]}"
    return _FOUR_DIGIT_YEAR.sub(lambda m: str(int(m.group(1)) + shift), value, count=1)


# "06/03/05", "6.3.5", "06年3月5日": a year of one or two digits first (Reiwa 6 under "japanese").
_REIWA_YEAR_FIRST = re.compile(rf"^\s*(?P<y>\d{{1,2}})(?P<rest>{_MONTH_DAY}(?!\d).*)$", re.S)


# Japanese eras (gengō): name, letter, first year in the Common Era, first day. Era
# year 1 is written 元 ("元年"). Source: the Cabinet Office's era proclamations (Meiji
# 1868-10-23 … Reiwa 2019-05-01), as in CLDR's japanese calendar data.
_JAPANESE_ERAS = {"明治": (1868, _dt.date(1868, 10, 23)), "大正": (1912, _dt.date(1912, 7, 30)),
                  "昭和": (1926, _dt.date(1926, 12, 25)), "平成": (1989, _dt.date(1989, 1, 8)),
                  "令和": (2019, _dt.date(2019, 5, 1))}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<n>\d{1,2}|元)"
    r"(?:\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日|(?P<s>[./-])(?P<m2>\d{1,2})(?P=s)(?P<d2>\d{1,2}))$")
_MINGUO_DATE = re.compile(r"^(?:中華)?民[國国]\s*(?P<n>\d{1,3}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日$")


def era_date_named(text: str) -> bool:
    """Whether a text is written with a Japanese era or a Minguo year ("R6.3.5",
    "民國113年3月5日"), whether or not that day is in its era."""
    stripped = cjk_date_numerals(text.strip())
    return bool(_ERA_DATE.match(stripped) or _MINGUO_DATE.match(stripped))


def era_date(text: str) -> tuple[_dt.date, str] | None:
    """(date, calendar words) for a date written with a Japanese era ("令和6年3月5日",
    "R6.3.5", "平成元年1月8日") or a Minguo year ("民國113年3月5日"); None for any other
    text. ValueError for a day outside its era ("平成32年1月1日": Heisei ended 2019-04-30)."""
    stripped = cjk_date_numerals(text.strip())
    if match := _ERA_DATE.match(stripped):
        name = _ERA_LETTERS.get(match["era"], match["era"])
        first, start = _JAPANESE_ERAS[name]
        year = first + (1 if match["n"] == "元" else int(match["n"])) - 1
        day = _make_date(str(year), match["m"] or match["m2"], match["d"] or match["d2"], text)
        later = [s for _f, s in _JAPANESE_ERAS.values() if s > start]
        if day < start or (later and day >= min(later)):
            raise ValueError(_problem(f"not a date: outside the {name} era", text))
        return day, "Japanese era"
    if match := _MINGUO_DATE.match(stripped):
        year = 1911 + (1 if match["n"] == "元" else int(match["n"]))
        return _make_date(str(year), match["m"], match["d"], text), "Minguo (ROC) year"
    return None
