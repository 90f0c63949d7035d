"""Whether a customer's name carries a company's legal form ("Acme GmbH", "Beta S.A.",
"ООО Ромашка", "上海华联有限公司", "株式会社トヨタ", "한빛 주식회사"), so that a record
imported without a Type column is stored as a Company, not a Person.

Sources: the legal-form terms of `cleanco` (termdata: forms by type and by country,
about 320 terms of some 60 countries, Latin and Cyrillic), and for Chinese, Japanese and
Korean names, where cleanco has none, the forms of the PRC Company Law (有限公司,
有限责任公司, 股份有限公司), Japan's Companies Act (株式会社, 合同会社, 有限会社, written
before or after the name and as (株), ㈱) and Korea's Commercial Act (주식회사, 유한회사,
(주), ㈜), as `domain.duplicates` reads them.

A form counts at the end of the name ("Weiß AG") or, as Russian, Indonesian and
Romanian names write it, at the start ("ООО «Ромашка»", "PT Maju Jaya"); never in the
middle. A short form (three letters or fewer) that is also a word of people's names
(Ba, Dat, Ok, Sa, As) counts only as companies write it: in capitals, with a dot or in
mixed case ("SA", "S.A.", "SpA", "GmbH"); "Inc", "Ltd", "LLC", "PLC", "LLP" and "Corp"
count as written (and Finnish "Oy"), no one's name ends so. A name that is only a form ("AG") is none.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .duplicates import _CJK_FORM_OF, _CJK_FORM_STARTS

# cleanco terms that are ordinary words, not legal forms, as a name's last word
# ("Private", "UK", "VAT", "État")
_NOT_FORMS = frozenset({"private", "uk", "vat", "etat"})
# Forms written before the name: Russian and Ukrainian (ООО «Ромашка», ТОВ «Сонце»),
# Indonesian (PT, CV); the Cyrillic ones cleanco lacks (ЗАО, АО, ТОВ) are added.
_BEFORE = frozenset({"ооо", "оао", "пао", "зао", "ао", "тов", "ooo", "oao", "zao", "tov", "pt", "cv"})
# Forms of several words written before the name: Vietnamese "Công ty TNHH …", "Công ty
# Cổ phần …", "Tổng công ty …" (Law on Enterprises 2020: công ty = company), "CTCP".
_BEFORE_WORDS = (("tong", "cong", "ty"), ("cong", "ty"), ("ctcp",), ("cty",))
# Thai forms (Civil and Commercial Code, Book III Title XXII; Public Limited Companies
# Act): บริษัท … จำกัด (company limited), … จำกัด (มหาชน) (public), ห้างหุ้นส่วน…
# (partnership); Thai writes them with or without spaces.
# (compared in NFKC, as names are: it writes SARA AM as NIKHAHIT + SARA AA)
_THAI_STARTS = tuple(unicodedata.normalize("NFKC", w) for w in (
    "ห้างหุ้นส่วนจำกัด", "ห้างหุ้นส่วนสามัญ", "ห้างหุ้นส่วน", "บริษัท"))
_THAI_ENDS = tuple(unicodedata.normalize("NFKC", w) for w in ("จำกัด (มหาชน)", "จำกัด(มหาชน)", "(มหาชน)", "จำกัด"))
# A firm named for its founders and their family or partners: "Müller & Söhne", "Smith
# and Sons", "Dupont & Fils", "Pérez e Hijos", "Rossi & Figli", "Meyer & Co.", "& Partner".
_FAMILY_FIRM = re.compile(
    r"\s(?:&|\+|and|und|et|e|y|en|i)\s+(sons|söhne|soehne|co\.?|cie\.?|comp\.?|partners?|partnerzy|"
    r"associates|associés|fils|hijos|figli|filhos|zonen|synowie|brothers|bros\.?|gebrüder)\s*$", re.IGNORECASE)
_TITLE_CASE_OK = frozenset({"inc", "ltd", "llc", "plc", "llp", "corp", "pty", "pte", "bhd", "gmbh", "ltda", "oy", "oyj"})
_PUNCT = str.maketrans("", "", ".,-")
_EDGE = re.compile(r"^[\W_]+|[^\w.]+$")
# What separates a name's words for the tests below
_TOKEN_GAP = re.compile(r"[\s,]+")
_CJK_FORM_LENGTHS = tuple(sorted({len(w) for w in _CJK_FORM_OF}, reverse=True))


def _plain(text: str) -> str:
    """A term or a name's words as compared: NFKD without accents, case-folded, no dots,
    commas or hyphens."""
    nfkd = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in nfkd if unicodedata.category(c) != "Mn").translate(_PUNCT)


@functools.lru_cache(maxsize=1)
def _terms() -> dict[int, frozenset[tuple[str, ...]]]:
    """{number of words: the forms of that many words}, from cleanco's term data."""
    from cleanco.termdata import terms_by_country, terms_by_type

    words: set[str] = set()
    for table in (terms_by_type, terms_by_country):
        for terms in table.values():
            words.update(terms)
    out: dict[int, set[tuple[str, ...]]] = {}
    for term in words:
        parts = tuple(p for p in _plain(term).split() if p)
        if not parts or (len(parts) == 1 and parts[0] in _NOT_FORMS):
            continue
        out.setdefault(len(parts), set()).add(parts)
    out[1].update((w,) for w in ("зао", "ао", "тов"))
    return {n: frozenset(v) for n, v in out.items()}


@functools.lru_cache(maxsize=1)
def _term_sizes() -> tuple[int, ...]:
    return tuple(sorted(_terms(), reverse=True))


def form_count() -> int:
    """How many legal forms are known (cleanco's and the CJK ones)."""
    return sum(len(v) for v in _terms().values()) + len(_CJK_FORM_OF)


def _written_as_company(tokens: list[str]) -> bool:
    """Whether the words of a form are written as a company writes them: long enough to
    be no name's word, or in capitals, with a dot, or in mixed case."""
    letters = "".join(tokens)
    plain = _plain(letters)
    if len(plain) > 3 or plain in _TITLE_CASE_OK:
        return True
    if any("." in t for t in tokens):
        return True
    alpha = [c for c in letters if c.isalpha()]
    return bool(alpha) and (all(c.isupper() for c in alpha)
                            or (any(c.isupper() for c in alpha[1:]) and any(c.islower() for c in alpha)))


@functools.lru_cache(maxsize=65536)
def legal_form(name: object) -> str | None:
    """The legal form a company's name ends (or starts) with, as written ("GmbH",
    "S.A.", "ООО", "有限公司", "株式会社"); None for a name without one ("John Smith",
    "腾讯", "Anna Ba")."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = unicodedata.normalize("NFKC", name).strip()
    for n in _CJK_FORM_LENGTHS:
        if len(text) > n and text[-n:] in _CJK_FORM_OF:
            return text[-n:]
        if len(text) > n and text[:n] in _CJK_FORM_STARTS:
            return text[:n]
    for start in _THAI_STARTS:
        if text.startswith(start) and len(text) > len(start):
            return start
    for end in _THAI_ENDS:
        if text.endswith(end) and len(text) > len(end) and "\u0e00" <= text[0] <= "\u0e7f":
            return end
    if not _TOKEN_GAP.search(text):
        # One word ("王伟", "Acme"): every test of `_spaced_form` needs a space (a family
        # firm's "& Sons") or two words (a form before or after the name): it finds none.
        return None
    return _spaced_form(text)


def _spaced_form(text: str) -> str | None:
    """The legal form of a name (NFKC, stripped) of several words, found by its words: a
    family firm ("Müller & Söhne"), a form before the name (ООО, PT, Công ty) or after
    it (cleanco's terms); None for none."""
    if (family := _FAMILY_FIRM.search(text)) and family.start() > 0:
        return text[family.start():].strip()
    tokens = [t for t in (_EDGE.sub("", w) for w in _TOKEN_GAP.split(text)) if t]
    for words in _BEFORE_WORDS:
        if len(tokens) > len(words) and tuple(_plain(t) for t in tokens[:len(words)]) == words:
            return " ".join(tokens[:len(words)])
    terms = _terms()
    for size in _term_sizes():
        if len(tokens) <= size:
            continue
        end = tokens[-size:]
        if tuple(_plain(" ".join(end)).split()) in terms[size] and _written_as_company(end):
            return " ".join(end)
    first = _plain(tokens[0]) if len(tokens) > 1 else ""
    if first in _BEFORE and _written_as_company(tokens[:1]):
        return tokens[0]
    return None


# Words that name a business without being a legal form: a shop, a trading house, a
# studio ("山田商店", "田中商事", "上海某某贸易", "ร้านสมชาย", "Blue Sky Trading", "Bäckerei
# Müller"). No standard lists them (CLDR and ISO 20275 list legal forms only): this is
# cims's own list of the common ones, each a word no person's name ends (CJK, Korean)
# or starts (Thai) with, or a whole word after (Latin) or before (German, French,
# Spanish trades) a name. A person's name that is one of them alone is no business.
_BUSINESS_ENDS_CJK = tuple(sorted({
    "公司", "商店", "商事", "商行", "商会", "商會", "商社", "贸易", "貿易", "集团", "集團", "工作室", "事务所", "事務所",
    "工厂", "工廠", "工場", "餐厅", "餐廳", "酒店", "饭店", "飯店", "超市", "药房", "藥房", "书店", "書店", "商场", "商場",
    "批发", "批發", "门市", "門市", "旅馆", "旅館", "诊所", "診所", "百货", "百貨", "食品厂", "加工厂",
    "상사", "상회", "상점", "식당", "마트", "약국"}, key=len, reverse=True))
_BUSINESS_ENDS_CJK_ONE = ("店", "厂", "廠", "屋")        # one character: at least two before it
_BUSINESS_END_RX = re.compile("(?:" + "|".join(map(re.escape, _BUSINESS_ENDS_CJK)) + ")$")
_BUSINESS_STARTS_THAI = ("ร้าน", "ห้างร้าน", "โรงแรม", "โรงงาน")
_BUSINESS_LAST_WORDS = frozenset({
    "shop", "store", "stores", "trading", "traders", "bakery", "restaurant", "cafe", "café", "consulting",
    "consultants", "studio", "studios", "services", "solutions", "enterprises", "industries", "imports", "exports",
    "supplies", "supply", "motors", "pharmacy", "hotel", "salon", "clinic", "agency", "workshop", "boutique",
    "handel", "werkstatt", "apotheke", "transporte", "comercial", "trading.", "shop."})
_BUSINESS_FIRST_WORDS = frozenset({"bäckerei", "metzgerei", "apotheke", "boulangerie", "pharmacie", "boutique",
                                   "panadería", "panaderia", "farmacia", "tienda", "taller", "ferretería",
                                   "ferreteria", "restaurant", "café", "cafe", "hotel", "studio"})


def business_word(name: object) -> str | None:
    """The word of a business that is not a legal form ("商店" in "山田商店", "Trading" in
    "Blue Sky Trading", "Bäckerei" in "Bäckerei Müller", "ร้าน" in "ร้านสมชาย"), as written;
    None for a name without one ("John Smith", "王伟", "Shop" alone)."""
    if not isinstance(name, str):
        return None
    text = name.strip() if name.isascii() else unicodedata.normalize("NFKC", name).strip()
    if not text:
        return None
    if not text.isascii():
        if (end := _BUSINESS_END_RX.search(text)) is not None and end.start() > 0:
            return end.group()
        if (one := text[-1]) in _BUSINESS_ENDS_CJK_ONE and len(text) >= 3 and not text[-2].isspace():
            return one
        if text.startswith(_BUSINESS_STARTS_THAI):
            for start in _BUSINESS_STARTS_THAI:
                if text.startswith(start) and len(text) > len(start):
                    return start
    parts = _TOKEN_GAP.split(text)
    if len(parts) < 2:
        return None
    last = _EDGE.sub("", parts[-1]) or (_EDGE.sub("", parts[-2]) if len(parts) > 2 else "")
    if last and last.casefold() in _BUSINESS_LAST_WORDS and _EDGE.sub("", parts[0]) != last:
        return last
    first = _EDGE.sub("", parts[0])
    if first and first.casefold() in _BUSINESS_FIRST_WORDS and any(_EDGE.sub("", w) for w in parts[1:]):
        return first
    return None


def own_business_word(name: object, company: object = None) -> str | None:
    """`business_word(name)`, only when the row names no other company: "Ann Store" whose
    Company is "Acme Ltd" is a person at Acme (her shop's name is no evidence against the
    employer the row gives), while "Ann Store" with no Company, or Company "Ann Store", is
    the business itself."""
    word = business_word(name)
    if word is None or company is None or not str(company).strip():
        return word
    same = " ".join(str(company).split()).casefold() == " ".join(str(name).split()).casefold()
    return word if same else None


def company_by_name(values: dict, current_type: str | None = None) -> str | None:
    """The legal form (or, failing one, the business word: `business_word`) that makes a
    customer Company when no Type is given: `values` (a new customer's fields, or an
    edit's changes) give no "type" and a "name" with a legal form ("Acme GmbH") or a
    business's word ("山田商店"), and the record is not a Company already (`current_type`,
    for an edit). The rule the import uses for a file without a Type column, for
    `cims customer add` and `edit` and a new row saved from the sheet; None otherwise."""
    if values.get("type") not in (None, "") or current_type == "Company":
        return None
    return legal_form(values.get("name")) or own_business_word(values.get("name"), values.get("company"))


def typed_by_name_note(form: str) -> str:
    """What a command or the sheet's Status says when a customer became a Company by `form`."""
    what = "a business's word" if is_business_word(form) else "the legal form"
    return f"Type Company: the name has {what} '{form}' (give Type Person to say otherwise)"


@functools.lru_cache(maxsize=1)
def _business_words() -> frozenset[str]:
    return frozenset((*_BUSINESS_ENDS_CJK, *_BUSINESS_ENDS_CJK_ONE, *_BUSINESS_STARTS_THAI))


def is_business_word(word: str) -> bool:
    """Whether `word` (as `business_word` returned it) is a business's word, not a legal form."""
    return word in _business_words() or word.casefold() in _BUSINESS_LAST_WORDS | _BUSINESS_FIRST_WORDS


@functools.lru_cache(maxsize=1)
def _alone_keys() -> frozenset[str]:
    """Each form's words as `might_be_form_alone` compares a cell: case-folded, no dots,
    commas or hyphens, single spaces."""
    return frozenset(" ".join(parts) for terms in _terms().values() for parts in terms)


_QUICK = str.maketrans("", "", ".,-")


def might_be_form_alone(text: str) -> bool:
    """A fast first test for `form_alone`, one set lookup a cell (most cells fail it)."""
    if len(text) > 30:
        return False
    key = " ".join(text.casefold().translate(_QUICK).split())
    return key in _alone_keys() or text.strip() in _CJK_FORM_OF


@functools.lru_cache(maxsize=4096)
def form_alone(text: object) -> bool:
    """Whether `text` is a legal form and nothing else ("Inc", " Ltd.", "GmbH", "S.A.",
    "有限公司"): the second half of a company's name split at its comma ("Acme, Inc")."""
    if not isinstance(text, str) or not text.strip() or len(text) > 30:
        return False
    text = unicodedata.normalize("NFKC", text).strip()
    if text in _CJK_FORM_OF:
        return True
    parts = tuple(p for p in _plain(text).split() if p)
    if not parts or parts not in _terms().get(len(parts), frozenset()):
        return False
    return _written_as_company(text.split())
