"""Is a column the record's OWN field, or another party's or another thing's? (issue 14,
"never silently wrong").

A heading that no synonym names whole is mapped by one of its words ("Sales Rep Email"
holds "email", "IP Address" holds "address"). Two checks keep such a guess from taking
someone else's data:

- the heading: a qualifier naming ANOTHER party (a sales rep, an account manager, an
  assistant, a referrer, an emergency contact, a parent company…) or ANOTHER thing (an
  IP, MAC or web address, a store, warehouse or branch, a server) makes the column not
  the record's own: it is left unmapped, kept in Notes, and said in the summary
  (`other_party`). Storing the rep's email as the customer's would also make every
  customer of that rep a "duplicate" of the first.
- the values: a guessed column is tallied over the whole file (`Shapes`) and is not
  mapped when its values plainly are not its field's (`misfit`): email addresses,
  IP addresses or web addresses under Address, City or Name; no email address at all
  under Email. Where two columns could be the field, the one whose values fit takes it.

Words are matched as whole words in scripts written with spaces (a German compound may
begin with one: "Notfallkontakt-Telefon") and anywhere in Chinese, Japanese and Korean.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass, field

from .heading_fold import fold

# Words naming a party other than the record itself, by language. For orders, tickets
# and other records the customer's own qualifiers (billing, shipping, buyer, customer)
# are not here: "Billing Email" in an orders file IS the customer's.
OTHER_PARTY: dict[str, tuple[str, ...]] = {
    "en": ("rep", "reps", "representative", "salesperson", "salesman", "saleswoman", "sales person",
           "sales rep", "account manager", "account executive", "manager", "owner", "assistant",
           "referrer", "referred by", "referral", "referee", "emergency", "emergency contact",
           "next of kin", "spouse", "guardian", "parent", "partner", "agent", "supervisor", "recruiter",
           "introducer", "broker"),
    "de": ("vertreter", "außendienst", "aussendienst", "kundenbetreuer", "betreuer", "berater", "assistent",
           "assistentin", "notfall", "notfallkontakt", "muttergesellschaft", "mutterkonzern", "partner",
           "empfohlen von", "werber", "vermittler", "vorgesetzter", "ehepartner", "vertriebsmitarbeiter"),
    "fr": ("commercial", "représentant", "representant", "chargé de compte", "charge de compte",
           "gestionnaire", "assistant", "assistante", "parrain", "recommandé par", "urgence",
           "contact d'urgence", "société mère", "societe mere", "maison mère", "maison mere", "partenaire",
           "conjoint", "responsable"),
    "es": ("vendedor", "vendedora", "representante", "asesor", "asesora", "ejecutivo", "ejecutiva",
           "gestor", "gestora", "asistente", "referido por", "recomendado por", "emergencia",
           "contacto de emergencia", "matriz", "empresa matriz", "cónyuge", "conyuge"),
    "zh-Hans": ("业务员", "销售员", "销售代表", "客户经理", "业务经理", "助理", "秘书", "推荐人", "介绍人",
                "紧急联系人", "紧急", "母公司", "上级公司", "总公司", "合作伙伴", "代理人", "配偶"),
    "zh-Hant": ("業務員", "銷售員", "銷售代表", "客戶經理", "業務經理", "助理", "秘書", "推薦人", "介紹人",
                "緊急聯絡人", "緊急聯繫人", "緊急", "母公司", "上級公司", "總公司", "合作夥伴", "代理人",
                "配偶"),
    "ja": ("営業担当", "担当営業", "アシスタント", "秘書", "紹介者", "緊急連絡先", "緊急", "親会社",
           "パートナー", "代理人", "配偶者"),
    "ko": ("영업 담당", "영업담당", "담당 영업", "비서", "어시스턴트", "추천인", "소개자", "비상 연락처",
           "비상연락처", "긴급 연락처", "긴급연락처", "모회사", "파트너", "대리인", "배우자"),
}
# Words naming another THING than the record: an IP, MAC or web address is no postal
# address; a store's, warehouse's or branch's city is not the customer's.
OTHER_THING: dict[str, tuple[str, ...]] = {
    "en": ("ip", "ipv4", "ipv6", "mac", "web", "website", "url", "homepage", "server", "host", "store",
           "shop", "warehouse", "branch", "depot", "outlet", "domain"),
    "de": ("ip-adresse", "webadresse", "webseite", "website", "internetadresse", "mac-adresse", "server",
           "filiale", "lager", "laden", "niederlassung", "zweigstelle"),
    "fr": ("ip", "site web", "serveur", "magasin", "entrepôt", "entrepot", "succursale", "agence",
           "boutique", "dépôt", "depot"),
    "es": ("ip", "web", "sitio", "sitio web", "servidor", "tienda", "almacén", "almacen", "sucursal",
           "bodega"),
    "zh-Hans": ("ip", "网址", "网站", "网页", "服务器", "主机", "门店", "仓库", "分店", "分行", "分公司",
                "网点", "店铺"),
    "zh-Hant": ("ip", "網址", "網站", "網頁", "伺服器", "主機", "門市", "門店", "倉庫", "分店", "分行",
                "分公司", "店鋪"),
    "ja": ("ip", "ウェブ", "ホームページ", "サーバー", "店舗", "倉庫", "支店", "営業所"),
    "ko": ("ip", "웹", "웹사이트", "홈페이지", "서버", "매장", "창고", "지점"),
}
# Per kind: the words that name the record's own party there ("Partner" is Odoo's
# customer on an order; "Agent" is a ticket's own field, its email still the agent's).
OWN_PARTY: dict[str, frozenset[str]] = {
    "order": frozenset({"partner"}),
}

_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_CAMEL = re.compile(r"(?<=[a-z\u00df-\u00ff])(?=[A-Z\u00c0-\u00de])")
_SCRIPT_EDGE = re.compile(r"(?<=[A-Za-z0-9])(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])|"
                          r"(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])(?=[A-Za-z0-9])")
_SPLIT = re.compile(r"[^\w]+|_")        # apostrophes too: "d'urgence", "Assistant's"


def _words(header: str) -> list[str]:
    text = _SCRIPT_EDGE.sub(" ", fold(_CAMEL.sub(" ", str(header)))).replace("’", "'")
    return [w for w in _SPLIT.split(text) if w]


def _holds(words: list[str], joined: str, word: str, compound: bool) -> bool:
    w = fold(word)
    if _SPACELESS.search(w):
        return w.replace(" ", "") in joined
    parts = [p for p in _SPLIT.split(w) if p]
    if not parts:
        return False
    n = len(parts)
    for i in range(len(words) - n + 1):
        window = words[i:i + n]
        if window[:-1] != parts[:-1]:
            continue
        last, want = window[-1], parts[-1]
        # a German compound may begin with a German word ("Notfallkontakt", "Vertreternummer")
        if last == want or (compound and len(want) >= 6 and last.startswith(want)):
            return True
    return False


@dataclass(frozen=True)
class Other:
    word: str              # the qualifier found, as written in OTHER_PARTY / OTHER_THING
    party: bool            # another party (True) or another thing (False)

    def says(self, label: str = "record") -> str:
        return (f"'{self.word}' names someone else than the {label}" if self.party
                else f"'{self.word}' names something else than the {label}")


def other_party(kind: str, header: str) -> Other | None:
    """The qualifier of a heading naming another party or thing ("Sales Rep Email" ->
    'sales rep'), or None when the heading has none."""
    words = _words(header)
    if not words:
        return None
    joined = "".join(words)
    own = OWN_PARTY.get(kind, frozenset())
    for table, party in ((OTHER_PARTY, True), (OTHER_THING, False)):
        found = [w for lang, ws in table.items() for w in ws
                 if w not in own and _holds(words, joined, w, lang == "de")]
        if found:
            return Other(max(found, key=len), party)
    return None


# ----- the values --------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![^@\s<>\"'])[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
_URL = re.compile(r"^(?:(?:https?|ftp)://|www\.)\S+$", re.I)
_MAC = re.compile(r"^[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}$", re.I)
_PHONE = re.compile(r"^\+?[\d\s().\-/]{7,24}$")
_IP_CHARS = re.compile(r"^[0-9a-fA-F.:]+$")

SHAPE_WORDS = {"email": "email addresses", "ip": "IP addresses", "url": "web addresses", "mac": "MAC addresses",
               "phone": "phone numbers"}


def shape(value: object) -> str | None:
    """"email", "ip", "url", "mac", "phone" for a value of that shape; "text" for
    another; None for a blank."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return "phone" if isinstance(value, int) and 7 <= len(str(abs(value))) <= 15 else "text"
    t = str(value).strip()
    if not t:
        return None
    if _EMAIL.search(t):
        return "email"
    if len(t) <= 60 and ("." in t or ":" in t) and _IP_CHARS.match(t.split("%")[0]):
        try:
            ipaddress.ip_address(t.split("%")[0])
            return "ip"
        except ValueError:
            pass
    if _MAC.match(t):
        return "mac"
    if _URL.match(t):
        return "url"
    if _PHONE.match(t) and sum(ch.isdigit() for ch in t) >= 7:
        return "phone"
    return "text"


@dataclass
class Shapes:
    """How many of a column's values have each shape (`shape`), and how many hold no
    letter at all (numbers, codes such as SAP's customer number 100001)."""
    counts: dict[str, int] = field(default_factory=dict)
    letterless: int = 0
    months: int = 0         # values that are a month's name (Arabic "شهر" is a month, Persian a city)
    codes: int = 0          # values that are an ISO 4217 code of a currency in use ("EUR", "CHF")
    code_examples: set[str] = field(default_factory=set)   # the codes seen, a few
    opaque: int = 0         # values that are an API's opaque id ("cus_PQR1", "acct_1Nv0"): OPAQUE_ID
    opaque_examples: list[str] = field(default_factory=list)

    def add(self, value: object) -> None:
        if type(value) is str:      # most cells: a text's facts, worked out once per text
            s, letterless, month, opaque = _text_facts(value)
            if s is not None:
                self.counts[s] = self.counts.get(s, 0) + 1
                if (code := currency_code(value)) is not None:
                    self.codes += 1
                    if len(self.code_examples) < 8:
                        self.code_examples.add(code)
                if opaque:
                    self.opaque += 1
                    if len(self.opaque_examples) < 3:
                        self.opaque_examples.append(value.strip())
                if letterless:
                    self.letterless += 1
                elif month:
                    self.months += 1
            return
        s = shape(value)
        if s is not None:
            self.counts[s] = self.counts.get(s, 0) + 1
            if isinstance(value, (int, float)) or not any(ch.isalpha() for ch in str(value)):
                self.letterless += 1
            elif str(value).strip().casefold() in month_names():
                self.months += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@functools.lru_cache(maxsize=8192)     # a column's values repeat (countries, cities, dates)
def _text_facts(value: str) -> tuple[str | None, bool, bool, bool]:
    """(shape, holds no letter, is a month's name, is an API's opaque id) of a text cell,
    as Shapes.add counts them."""
    s = shape(value)
    if s is None:
        return None, False, False, False
    if not any(ch.isalpha() for ch in value):
        return s, True, False, False
    return s, False, value.strip().casefold() in month_names(), bool(OPAQUE_ID.match(value.strip()))


@functools.lru_cache(maxsize=4096)
def currency_code(value: str) -> str | None:
    """The ISO 4217 code a cell is, written as such ("EUR", " chf "): three letters naming a
    currency legal tender somewhere today (CLDR via domain.money); else None."""
    t = value.strip()
    if len(t) != 3 or not t.isascii() or not t.isalpha():
        return None
    from ..domain import money

    t = t.upper()
    return t if money.is_current_currency(t) else None


# Codes that are also everyday English words ("ALL", "TOP"): a column holding only these
# is no evidence of a currency column.
WORD_CODES = frozenset({"ALL", "TOP", "CUP", "PEN", "BOB", "SOS", "MOP", "TRY", "GEL", "MAD", "BAM", "FOK",
                        "LAK", "WST", "VES", "TMT"})


def holds_currency_codes(shapes: Shapes | None) -> bool:
    """Is every filled value of the column an ISO 4217 code (and one at least no English
    word: a column of "ALL" is a scope, not Albanian lek)?"""
    return (shapes is not None and shapes.codes > 0 and shapes.codes == shapes.total
            and bool(shapes.code_examples - WORD_CODES))


def tally(rows: list[list], columns: list[int]) -> dict[int, Shapes]:
    """{column: Shapes} of those columns (indexes into a row's values) over `rows`."""
    out = {c: Shapes() for c in columns}
    for values in rows:
        for c, got in out.items():
            if c < len(values):
                got.add(values[c])
    return out


def by_position(shapes: dict[int, Shapes], columns: list[int]) -> dict[int, Shapes]:
    """The same keyed by each column's position in a table's headers (build_mapping's)."""
    return {j: shapes[c] for j, c in enumerate(columns) if c in shapes}


EMAIL_FIELDS = frozenset({"email", "customer_email"})
PHONE_FIELDS = frozenset({"phone", "mobile", "customer_phone", "fax"})
# Fields a value of these shapes never belongs in: a place or a name holds no email,
# IP or web address (an address may hold a phone number written beside the street)
PLACE_FIELDS = frozenset({"address", "city", "province", "postal_code", "country", "customer_address",
                          "customer_city", "customer_province", "customer_postal_code", "customer_country"})
NAME_FIELDS = frozenset({"name", "company", "first_name", "last_name", "middle_name", "customer_name",
                         "customer_company", "customer_first_name", "customer_last_name", "owner"})


def misfit(target: str, shapes: Shapes | None) -> str | None:
    """Why a column's values plainly are not `target`'s ("2 of its 2 values are IP
    addresses"), or None when they may be (or the column is empty)."""
    if shapes is None or not shapes.total:
        return None
    n, c = shapes.total, shapes.counts
    if target in EMAIL_FIELDS:
        if not c.get("email"):
            kind = max(c, key=c.get)
            what = SHAPE_WORDS.get(kind, "words or numbers")
            return f"none of its {n:,} values is an email address (they are {what})"
        return None
    if target in PHONE_FIELDS:
        bad = [k for k in ("email", "ip", "url", "mac") if c.get(k)]
    elif target in PLACE_FIELDS:
        bad = [k for k in ("email", "ip", "url", "mac") if c.get(k)]
        if target != "address" and c.get("phone"):
            bad.append("phone")
    elif target in NAME_FIELDS:
        bad = [k for k in ("email", "ip", "url", "mac", "phone") if c.get(k)]
    else:
        return None
    wrong = sum(c[k] for k in bad)
    if wrong * 2 <= n:
        return None
    kind = max(bad, key=lambda k: c[k])
    return f"{wrong:,} of its {n:,} values are {SHAPE_WORDS[kind]}" if wrong > 1 or n > 1 else \
        f"its value is one of the {SHAPE_WORDS[kind]}"


def fit_score(target: str, shapes: Shapes | None) -> float:
    """How well a column's values fit `target` (0..1), for choosing between two columns
    that could both be it: the share of values of the field's shape (email, phone) or
    of no contradicting shape."""
    if shapes is None or not shapes.total:
        return 0.5
    n, c = shapes.total, shapes.counts
    if target in EMAIL_FIELDS:
        return c.get("email", 0) / n
    if target in PHONE_FIELDS:
        return c.get("phone", 0) / n
    if target in PLACE_FIELDS or target in NAME_FIELDS:
        return (c.get("text", 0) + (c.get("phone", 0) if target == "address" else 0)) / n
    return 0.5


@functools.lru_cache(maxsize=1)
def month_names() -> frozenset[str]:
    """The months' names, wide and abbreviated, in the languages cims reads headings in
    (CLDR through babel), case-folded."""
    from babel import Locale

    out: set[str] = set()
    for code in ("en", "ar", "fa", "he", "ur", "tr", "de", "fr", "es", "pt", "it", "nl", "ru", "uk", "pl",
                 "zh", "ja", "ko", "vi", "th", "id", "ms", "hi"):
        loc = Locale.parse(code)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                out.update(str(n).casefold() for n in loc.months[context][width].values())
    return frozenset(out)


def not_places(shapes: Shapes | None) -> bool:
    """Whether a column's values are numbers or months' names, not places: at least two
    values and nine in ten so (an Arabic "شهر", month, taken for Persian "شهر", city)."""
    return shapes is not None and shapes.total >= 2 and (shapes.letterless + shapes.months) * 10 >= shapes.total * 9


# An API's opaque object id: a short lowercase type prefix, "_", and a base62 key holding a
# digit or a capital (Stripe "cus_PQR1", "acct_1Nv0FG", Square-style "cust_9Xk2"); never a
# word joined by "_" ("john_doe"), never with a space. A column of these is no name.
OPAQUE_ID = re.compile(r"^[a-z]{2,6}_(?=[A-Za-z0-9]*[0-9A-Z])[A-Za-z0-9]{3,}$")


def ids_not_names(shapes: Shapes | None) -> bool:
    """Whether every value of a column is an API's opaque id (OPAQUE_ID: "cus_PQR1"): the
    customer's id in that system, never a person's or company's name."""
    return shapes is not None and shapes.total >= 1 and shapes.opaque == shapes.total


def numbers_not_names(shapes: Shapes | None) -> bool:
    """Whether a column's values are numbers or codes, not names: at least two values and
    nine in ten without a letter (SAP's "Kunde" column of customer numbers under a
    heading that means "customer")."""
    return shapes is not None and shapes.total >= 2 and shapes.letterless * 10 >= shapes.total * 9


# The fields whose columns these checks judge: a contact point, a place or a name
# (a rep's name IS the record's Owner: not judged).
CHECKED_FIELDS = EMAIL_FIELDS | PHONE_FIELDS | PLACE_FIELDS | (NAME_FIELDS - {"owner"})
