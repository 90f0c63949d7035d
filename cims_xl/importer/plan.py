"""Normalise and classify every row: create, update, duplicate (of a row or a record),
or rejected with a reason per field.

No writing happens here. A `Planner` takes chunks of data rows and returns one
`Outcome` per row plus the clean values to write; it remembers only the duplicate
keys of the rows it has seen (as 64-bit hashes in sorted numpy runs, about 16 bytes a
key), so a million-row file is planned in the same memory as a small one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, ROUND_HALF_EVEN
from typing import Any, Iterable, Iterator, Protocol

import numpy as np

from ..domain.countries import preload as preload_countries
from ..domain.countries import region_for_country, region_for_dial_code, unknown_country
from ..domain import normalize as nz
from ..domain.invisible import code_key, code_text
from ..domain.duplicates import (OTHER, UNSURE, company_core, company_key, company_name, company_parts,
                                 email_key, is_its_company, may_be_shared, name_forms, name_key, name_match,
                                 parse_name, same_company, simplified, two_people as _two_people, is_role_mailbox,
                                 written_key)
from ..domain.legal_forms import legal_form, own_business_word
from ..domain.models import MAX_TEXT, NegativeValue, check_given_times_and_rules, validate_record
from ..domain.pipeline import LEFT_EMPTY
from ..domain.postal import restored_zeros
from ..domain.schema import BY_PREFIX, CUSTOMER, ENTITIES, SOURCE_TAG, Entity, format_id, source_ids
from ..errors import ValidationFailed
from ..cell_text import csv_unguarded_inner
from ..excel.safe import FORMULA_TRIGGERS
from .text_dialect import is_formula
from .cells import ERROR_TEXT, ShownDateValue, ShownText, Unreadable, error_cell, long_number, lost_digits
from .heading_fold import fold
from .heading_zone import heading_tz, is_utc
from .mapping import COMMA_AFTER, NUMBER_FIRST, Mapping, is_own_export, joined_name, name_continues, norm as header_norm, phone_slots
from .name_variants import ScriptNamesakes, add_turned, turned_names, word_bag
from . import opt_out, refunds, row_currency, time_columns, unix_times
from .header_currency import header_code, header_sign
from .float_exports import POSTAL_FIELDS, id_whole, is_float_whole, is_stray_decimal, postal_whole, whole_of
from ..domain import money
from .shop_orders import OrderLines
from .continued_rows import attention_inside
from .table import is_blank_cell
from .plain_amounts import plain_text
from .yes_no_marks import mark_of as yes_no_mark
from .values import CHECKED, deal_status_stage, share_to_percent, value_key

FOUR_DP = Decimal("0.0001")
MULTI_SEPARATOR = " ::: "      # Google Contacts' separator between several values of one field
# How other programs put several addresses or numbers in one cell: Outlook's "; ",
# a comma, one per line (a quoted cell with line breaks), " | " or " / ".
# East Asian text writes the list marks full width or as the enumeration comma
# ("a@x.com；b@x.com", "13800138000、13900139000"); a trailing one ("a@x.com;", an
# Outlook copy) ends a list of one.
_SEVERAL_EMAILS = re.compile(r"[\s;,|/；，、]+")
# (never starting inside a run of spaces it could extend to the left: linear time on a long run)
_SEVERAL_PHONES = re.compile(r"(?:(?<!\s)\s+)?(?:[;,|\n\r；，、]|\s/\s)\s*")
_SEVERAL_HINT = frozenset(";,|/\n\r；，、< ")
# Numbers written one after the other with only spaces between ("13800138000 13900139000"):
# each piece a whole number (7 digits or more, no spaces inside), never the groups of one.
_SPACED_PHONE = re.compile(r"\+?\(?\d[\d().\-]*")
# An alternative ending after a slash ("030 1234567/8", "0512-6512345/46", "089 123456 / 78",
# "030 1234567/8-9"): the office's other line, whose number differs in its last digits.
_ALTERNATIVE_ENDING = re.compile(r"(?P<number>.*\d)\s*+/\s*+(?P<alt>\d{1,2}(?:\s*+-\s*+\d{1,2})?)\s*+")
# The fewest digits two whole numbers written one after the other can have (seven each):
# a cell with fewer is one number, never looked at for several.
_TWO_NUMBERS = 14
_SEVERAL_HINT_RX = re.compile("[" + re.escape("".join(sorted(_SEVERAL_HINT))) + "]")     # the same, faster on a cell
# The hints but the space: a phone cell without any of them lists nothing but numbers spaced apart
_LIST_MARK_RX = re.compile("[" + re.escape("".join(sorted(_SEVERAL_HINT - {" "}))) + "]")
_SYSTEM_LABEL = re.compile(r"^\s*\*\s+\w")       # Google's system labels: "* myContacts", "* starred"
_MOBILE_LABEL = re.compile(r"mobile|cell|handy|móvil|movil|portable|celular|手机|携帯|휴대", re.I)
# A column that gives each row's phone country as a calling code or ISO code
# ("Country Code" +44, "Dial Code", "国际区号" 86): its row's numbers without "+" are
# read in that country. Kept in Notes as well.
_DIAL_HEADER = re.compile(r"^(?:phone |tel |telephone |mobile )?(?:country|dial(?:ing)?|calling|international|intl)"
                          r"(?: calling| dialing| dial)? (?:code|prefix)$|^(?:国际区号|国家代码|国家区号|國際區號|國碼|国码)$")
ROW_REGION = "\x00row_region"        # data key: the row's dial code cell, taken out in validate()
# Clean-values key: the text of the row's Notes that came from columns not mapped (and
# cells left out), "Header: value" lines; an update adds it to the stored notes instead
# of writing over them. Taken out of the values in Planner.plan, never written.
KEPT_NOTES = "\x00kept_notes"
# data key: the other phone numbers of a cell whose first went to its field, as (their Notes
# line, the field, the numbers as written), written in E.164 in validate() (_other_phones_e164)
OTHER_PHONES = "\x00other_phones"
# Kinds whose later download of the same records brings news (a payment refunded, a
# ticket answered): a duplicate skipped says what it had that the stored record lacks.
PROGRESSING = ("order", "ticket", "opportunity")
ROW_REFUND = "\x00row_refund"     # a payment row's own refund (refunds.RowRefund), popped when planned
ROW_COLUMNS = "\x00row_columns"      # data key: {field: column} where a row's own column says (Google's numbered phones)
# Fields a row's value may come from other columns than its own ("name" from First/Last).
_MADE_FROM = {"name": ("first_name", "middle_name", "last_name", "company"),
              "type": ("is_company", "company"),
              "currency": ("amount", "profit")}          # "€12" names the amount's currency


def is_dial_code_header(header: object) -> bool:
    """Whether a heading names a column of calling codes ("Country Code", "Dial Code", "国际区号")."""
    return bool(_DIAL_HEADER.match(" ".join(fold(header).replace("-", " ").split())))


@functools.cache
def _country_headings() -> frozenset[str]:
    from .header_words import COUNTRY
    from .mapping import _ADDRESS, norm

    return frozenset(norm(h) for h in [*_ADDRESS["country"], *COUNTRY])


def is_country_header(header: object) -> bool:
    """Whether a heading names a country column ("Home Country/Region", "Pays") or a
    column of calling codes ("Country Code", "Dial Code", "国际区号")."""
    from .mapping import norm

    from .mapping import names_a_country
    return is_dial_code_header(header) or norm(str(header)) in _country_headings() or names_a_country(header)


def phone_country_headers(mapping: Mapping) -> list[str]:
    """Every column the rows' phone countries come from, the Country field's first, for
    the summary."""
    mapped = [c.header for c in mapping.columns if c.target in ("country", "customer_country")][:1]
    return mapped + [c.header for c in mapping.columns if c.target is None and is_country_header(c.header)]
SEVERAL_SEPARATORS = "' ::: ' (Google Contacts), ';' or ',' (Outlook), '|', ' / ' or one per line"
# A character other than digits and the separators phone numbers use: every extension
# ("x12895", "ext. 12", "转123", "内線123", "poste 12", "#22") has one; most phone cells
# have none, and are not searched further (normalize.has_phone_extension).
_EXTENSION_HINT = re.compile(r"[^\d\s+\-().]")
# data key of the fields whose cell holds no readable value ({field: cells.Unreadable}):
# set by RowPreparer.raw, taken out by validate (not a field name, so never stored).
UNREADABLE = "\x00unreadable"
_NUMBER_KINDS = ("money", "decimal", "int")
# Fields that hold an id or code as text, and the text a spreadsheet writes for a long
# number it shows in scientific notation ("1.23457E+16": a CSV saved from Excel).
ID_FIELDS = ("order_number", "customer_ref", "postal_code", "customer_postal_code")
PERCENT_FIELDS = ("probability", "discount")
# A name written as a mail program shows a mailbox: "Ann Lee <ann@x.com>", "\"Bob Ray\" <bob@y.com>",
# "Ray Bob (bob@y.com)", "王小明 [wang@x.cn]". The name field -> the email field its address goes to.
_NAME_MAILBOX = re.compile(r'\s*"?(?P<name>[^"<>()\[\]@]*?[^\W\d_][^"<>()\[\]@]*?)"?\s*[<(\[（]\s*(?:mailto:)?'
                           r'(?P<addr>[^\s<>()\[\]@,;]+@[^\s<>()\[\]@,;]+\.[^\W\d_]{2,})\s*[>)\]）]\s*$')
# An address in angle brackets ("<cy@z.com>"): alone in a name cell it is no name; two or more
# in one ("Ann <a@x.com>; Bob <b@y.com>") are several people, not one customer's name
_BRACKETED_ADDRESS = re.compile(r"<\s*(?:mailto:)?[^\s<>@]+@[^\s<>@]+\s*>")
_ADDRESS_ALONE = re.compile(r'\s*"?\s*[<(\[（]\s*(?:mailto:)?[^\s<>()\[\]@"]+@[^\s<>()\[\]@"]+\s*[>)\]）]\s*"?\s*')
# Ids Excel turns into dates when a file is opened in it: "10-12" becomes 12 October, shown
# "12-Oct"; "1/3" becomes 1 March. The id as it was cannot be read back from what was saved.
_ID_DATE_FIELDS = frozenset({"order_number", "customer_ref"})
_EXCEL_DATE_TEXT = re.compile(r"\s*(?:\d{1,2}[-/ ](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
                              r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[-/ ]\d{1,4})\s*$",
                              re.IGNORECASE)
_NAME_MAILBOX_FIELDS = {"name": "email", "customer_name": "customer_email", "contact_name": "contact_email"}
# Name and company fields whose cells may hold an attention line after the name (continued_rows)
_ATTENTION_FIELDS = frozenset({"name", "company", "customer_name", "customer_company", "contact_name"})
# A time of day written in UTC: Z, +00:00 / +0000, or UTC / GMT (with +0 at most) at its end.
_UTC_INSTANT = re.compile(r"\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|[+-]00:?00|\(?(?:UTC|GMT)(?:[+-]0{1,2}(?::?00)?)?\)?)$",
                          re.IGNORECASE)
_UTC_LAST = frozenset("Zz0)CcTt")
# Kinds whose value a leading apostrophe before a digit only marks as text (see raw).
_NUMBER_KINDS = frozenset({"money", "decimal", "int", "date", "datetime", "phone"})
# Fields whose value is never left empty for a default to fill (an order's status
# Completed, the store's currency, a deal's Lead): a row whose value cannot be read is
# refused with the reason (importer.values decides the column as a whole first).
MUST_READ = ("status", "currency", "stage")
# Fields of a record whose unreadable value refuses the row rather than leaving it out
# (an interaction's When: a call stored undated is a wrong record); an empty cell stays empty.
MUST_READ_OF = {"interaction": ("occurred_at",)}
# What people and programs write in a cell for "no value": read as an empty cell in the
# fields of PLACEHOLDER_KINDS (never an amount, a count, a status, stage or currency, which
# are read by their own rules). Compared stripped and case-folded.
PLACEHOLDERS = frozenset({
    "n/a", "n.a.", "n.a", "na", "n/d", "n.d.", "nd", "none", "null", "nil", "unknown", "not available",
    "not applicable", "(blank)", "(none)", "(empty)", "(null)", "<none>", "<null>", "tbd", "?", "??", "???",
    "-", "--", "---", "—", "–", "―", "－", "/", "／", ".", "...", "…",
    "k.a.", "k. a.", "k.a", "keine angabe", "keine angaben", "unbekannt", "n.v.", "n. v.",           # de
    "non disponible", "néant", "inconnu", "s.o.", "sans objet",                                     # fr
    "s/d", "sin datos", "desconocido", "ninguno", "ninguna", "no disponible", "no aplica",          # es
    "s/i", "sem informação", "desconhecido", "nenhum", "não disponível", "não se aplica",           # pt
    "nessuno", "sconosciuto", "non disponibile",                                                    # it
    "n.v.t.", "nvt", "onbekend", "geen",                                                            # nl
    "无", "無", "暂无", "暫無", "未知", "不详", "不詳", "空", "没有", "沒有", "未填写", "未填寫",         # zh
    "なし", "無し", "不明", "該当なし", "未記入",                                                     # ja
    "없음", "미상", "해당없음", "해당 없음",                                                          # ko
    "н/д", "н.д.", "нет", "нет данных", "не указано", "не указан", "отсутствует", "неизвестно",    # ru
    "немає", "не вказано", "невідомо",                                                              # uk
    "brak", "brak danych", "nie dotyczy", "nieznany",                                               # pl
    "yok", "bilinmiyor", "belirtilmemiş",                                                           # tr
    "không có", "không", "chưa có", "không rõ",                                                     # vi
    "tidak ada", "tidak diketahui",                                                                 # id
    "ไม่มี", "ไม่ระบุ", "ไม่ทราบ",                                                                   # th
    "nincs", "nincs adat", "ismeretlen",                                                            # hu
    "κανένα", "κανένας", "άγνωστο", "δ/υ", "δεν υπάρχει",                                           # el
    "žádný", "žádná", "neuvedeno", "není", "nezadáno",                                              # cs
    "keine", "ohne", "ohne angabe",                                                                 # de
})
_SLASH_SPACES = re.compile(r"\s*/\s*")


def is_placeholder(text: str, words: frozenset[str]) -> bool:
    """Whether a cell says "no value": one of `words` (PLACEHOLDERS or fewer), compared
    stripped and case-folded, with spaces around a slash and a closing dot left out
    ("N / A", "none."), or punctuation alone ("..", "—-", "-/-", "***"; a symbol such as
    "★" or "🌸" is not punctuation)."""
    t = text.strip().casefold()
    if t in words:
        return True
    if not t:
        return False
    # (t is stripped: its first character is no space; most cells begin with a letter)
    if unicodedata.category(t[0])[0] == "P" and all(unicodedata.category(c)[0] == "P" or c.isspace() for c in t):
        return True
    t = " ".join(t.split())
    if "/" in t:
        t = _SLASH_SPACES.sub("/", t)
    return t in words or (t.endswith(".") and t.rstrip(".") in words)


# A column's short values repeat (a segment, a status, a city): remembered per text and
# column's words (is_placeholder is a function of them alone).
_is_placeholder_cached = functools.lru_cache(maxsize=4096)(is_placeholder)


@functools.lru_cache(maxsize=1)
def _bool_placeholders() -> frozenset[str]:
    """PLACEHOLDERS without the words a yes/no field reads as no ("нет", "không", "無"
    are "no" there, not "no value")."""
    def reads(word: str) -> bool:
        try:
            return nz.parse_bool(word) is not None
        except ValueError:
            return False
    return frozenset(w for w in PLACEHOLDERS if not reads(w))


# Fewer for a person's or company's name, where "Na" and "Nil" are names, and for a
# country, where "NA" is Namibia.
_NAME_PLACEHOLDERS = PLACEHOLDERS - {"na", "nil"}
_COUNTRY_PLACEHOLDERS = PLACEHOLDERS - {"na"}
# In a column no field takes, whose meaning is unknown: "NA" may be a region, "Nil" a name.
_KEPT_PLACEHOLDERS = PLACEHOLDERS - {"na", "nil"}
PLACEHOLDER_KINDS = frozenset({"text", "email", "phone", "date", "datetime", "bool", "enum", "tags", "user", "name"})
_PLACEHOLDER_MAX = max(map(len, PLACEHOLDERS)) + 4          # a few spaces around one
# A cell's first character, before anything else is looked at (most cells start otherwise).
_PLACEHOLDER_FIRST = frozenset({c for p in PLACEHOLDERS for c in (p[0], p[0].upper())} | {" ", "\t", "\u3000"})
# Records without a Notes field keep the columns no field takes in this text field.
KEPT_IN = {"ticket": "description", "opportunity": "next_step"}
# Fields whose column is kept as text too (RowPreparer._kept_columns).
ALSO_KEPT = {"ticket": ("pending_since",)}


def kept_in_header(kind: str) -> str:
    """The header of the field a record of `kind` keeps its unmapped columns in ("Notes",
    "Description" for tickets, "Next Step" for opportunities)."""
    return ENTITIES[kind].field(KEPT_IN.get(kind, "notes")).header


# Excel's "1.23457E+16" and pandas' "2.024030512345679e+17": an id written as a float
_SCIENTIFIC = re.compile(r"^[+-]?\d(?:[.,]\d+)?[eE]\+\d{1,3}$")


_PLAIN_SHARE = re.compile(r"^\s*\d*[.,]?\d+\s*$")


def _percent_points(text: str, decimal: str | None) -> Decimal | None:
    """Percent points of "12,5 %", "%12,5", "125‰" read with the column's decimal mark;
    None when the text is not such a share (the field's own check then judges it)."""
    try:
        return nz.parse_share(text, decimal)
    except ValueError:
        return None


# ----- outcomes ----------------------------------------------------------------------

@dataclass(slots=True)
class Outcome:
    """What happened (or, in a dry run, would happen) to one data row."""

    row: int                                   # spreadsheet row number
    action: str                                # "created" | "updated" | "duplicate" | "rejected"
    record: str | None = None                  # created/updated record, or the matched one
    duplicate_of_row: int | None = None
    matched_by: str | None = None              # "email", "phone", "name+company", ...
    problems: dict[str, str] | None = None     # column -> reason (rejected rows)
    changed: list[str] | None = None           # fields an update changed
    warnings: dict[str, str] | None = None     # column -> why its value was left out (row kept)

    @property
    def reason(self) -> str:
        if self.problems:
            return "; ".join(f"{k}: {v}" if k else v for k, v in self.problems.items())
        if self.action == "duplicate":
            what = f"row {self.duplicate_of_row}" if self.duplicate_of_row else self.record
            how = "" if not self.matched_by else f" ({self.matched_by})" if self.matched_by.startswith("same ") \
                else f" (same {self.matched_by})"
            return f"duplicate of {what}{how}"
        return ""

    def as_dict(self) -> dict:
        d = {"row": self.row, "action": self.action}
        if self.record:
            d["record"] = self.record
        if self.duplicate_of_row:
            d["duplicate_of_row"] = self.duplicate_of_row
        if self.matched_by:
            d["matched_by"] = self.matched_by
        if self.problems:
            d["problems"] = dict(self.problems)
        if self.changed:
            d["changed"] = list(self.changed)
        if self.warnings:
            d["warnings"] = dict(self.warnings)
        return d

    @property
    def warning(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in (self.warnings or {}).items())


# ----- the key index -------------------------------------------------------------------

class KeyIndex:
    """hash -> value (a row number or a record sequence), first value wins.

    Sorted int64 runs merged as they grow (like an LSM tree): 16 bytes per key and
    vectorised look-ups, instead of ~100 bytes per entry in a dict.
    """

    RUN_CAP = 1 << 20

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._keys: list[int] = []
        self._vals: list[int] = []

    def __len__(self) -> int:
        return sum(len(k) for k, _ in self._runs) + len(self._keys)

    def add(self, key: int, value: int) -> None:
        self._keys.append(key)
        self._vals.append(value)
        if len(self._keys) >= 65536:
            self.flush()

    def add_many(self, pairs: dict[int, int]) -> None:
        """`add` for every (key, value) of `pairs`, at C speed."""
        self._keys.extend(pairs)
        self._vals.extend(pairs.values())
        if len(self._keys) >= 65536:
            self.flush()

    def flush(self) -> None:
        if not self._keys:
            return
        keys = np.fromiter(self._keys, dtype=np.int64, count=len(self._keys))
        vals = np.fromiter(self._vals, dtype=np.int64, count=len(self._vals))
        self._keys, self._vals = [], []
        self._runs.append(self._sorted(keys, vals))
        # Merging keeps look-ups few; the cap keeps a merge's temporary copies small.
        while (len(self._runs) >= 2 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0])
               and len(self._runs[-1][0]) + len(self._runs[-2][0]) <= self.RUN_CAP):
            (k1, v1), (k2, v2) = self._runs[-2], self._runs[-1]
            self._runs[-2:] = [self._sorted(np.concatenate([k1, k2]), np.concatenate([v1, v2]))]

    @staticmethod
    def _sorted(keys: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        keys, vals = keys[order], vals[order]
        if len(keys) > 1:
            first = np.empty(len(keys), dtype=bool)
            first[0] = True
            np.not_equal(keys[1:], keys[:-1], out=first[1:])
            keys, vals = keys[first], vals[first]
        return keys, vals

    def lookup(self, keys: Iterable[int]) -> dict[int, int]:
        self.flush()
        found: dict[int, int] = {}
        if not self._runs:
            return found
        # Sorted and unique: searchsorted then walks each run once from left to right
        # instead of jumping about it for every key (a third of the time on big runs).
        wanted = np.unique(np.fromiter(keys, dtype=np.int64))
        if not len(wanted):
            return found
        for run_keys, run_vals in self._runs:          # oldest first: first value wins
            if not len(run_keys):
                continue
            pos = np.searchsorted(run_keys, wanted)
            pos[pos >= len(run_keys)] = 0
            hit = run_keys[pos] == wanted
            for k, v in zip(wanted[hit].tolist(), run_vals[pos[hit]].tolist()):
                found.setdefault(k, v)
        return found


def _own_shaped(ref: str) -> bool:
    """Whether another system's id is written as cims's own ids are ("C-000001", "c-12"):
    cims's own record of that id, not this one, answers to it (CIMS_GET, search, show)."""
    prefix, _, number = ref.strip().upper().partition("-")
    return prefix in BY_PREFIX and number.isdigit()


def key_hash(*parts: object) -> int:
    h = hash(parts)
    return h if -(2**63) <= h < 2**63 else h & 0x7FFFFFFFFFFFFFFF


_hash = hash if sys.hash_info.width <= 64 else (lambda parts: key_hash(*parts))


# ----- what the planner needs from the store ---------------------------------------------

class StoreView(Protocol):
    def customer_rows(self) -> Iterator[tuple]: ...   # (seq, name, company, email, phone, mobile, tags, type)
    def kind_rows(self, kind: str) -> Iterator[dict]: ...     # live records of another kind
    def fetch(self, kind: str, ids: list[str]) -> dict[str, dict]: ...
    def orders_numbered(self, numbers: list[str]) -> dict[str, list[dict]]: ...   # stored orders by number


class EmptyStore:
    """A store with nothing in it (previews and unit tests)."""

    def customer_rows(self):
        return iter(())

    def kind_rows(self, kind):
        return iter(())

    def fetch(self, kind, ids):
        return {}

    def orders_numbered(self, numbers):
        return {}


# ----- preparing one row --------------------------------------------------------------

@dataclass
class Options:
    on_duplicate: str = "skip"            # skip | update | create
    update_mode: str = "fill"             # fill | overwrite
    date_orders: dict[str, str] = field(default_factory=dict)
    calendars: dict[str, str] = field(default_factory=dict)   # date field -> "buddhist" | "gregorian"
    compact_dates: dict[str, str] = field(default_factory=dict)   # date field -> order of "240305" (compact_dates)
    swapped_cells: frozenset[str] = frozenset()   # date fields whose date cells read day for month (--date-cells swap)
    unix_dates: dict[str, str] = field(default_factory=dict)      # date field -> "s" | "ms" (unix_times)
    region: str = "CN"
    region_assumed: bool = True           # no --region: phones without "+" must be valid there
    region_from: str = ""                 # who gave the region when not assumed: "--region", "store setting"
    # Not given for this file (--region): other evidence may contradict the region (an
    # email's country domain; other countries the column's numbers read in, by field).
    region_default: bool = True
    foreign_regions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Under an assumed region, rows with a blank Country: the one country the other rows
    # name (taken), or the several they name (their numbers refused); phone_evidence.
    blank_country: dict = field(default_factory=dict)
    decimal_marks: dict[str, str] = field(default_factory=dict)   # field -> "." or ",", decided per column
    # --decimal given: it settles the values that read both ways ("1.250"); a value that reads
    # one way only ("2,5" beside "1.250" KWD) keeps that reading (domain.models)
    decimal_given: bool = False
    fraction_fields: frozenset[str] = frozenset()   # percent-points fields whose column writes 0.4 for 40 %
    mixed_shares: frozenset[str] = frozenset()      # ... whose column writes 0.25 beside 50: up to 1 is unreadable
    discount_amount: bool = False       # the Discount column holds money off: kept in Notes (discount_reading)
    time_unknown: str | None = None     # --time-unknown empty: a date alone in an event time is stored empty
    float_wholes: frozenset[str] = frozenset()      # code/id fields whose column writes 2134 as "2134.0"
    currency: str | None = None           # for rows whose file has no currency of its own
    # money field -> the factor its written numbers are multiplied by ("金额(万元)": 10000; amount_units)
    amount_scales: dict = field(default_factory=dict)
    store_currency: str | None = None     # the store's, when there is no --currency
    currencies: tuple[str, ...] = ()      # settle a bare "$" on the file's evidence (run.settle_bare_symbols)
    # (sign, code) when `currency` is only the assumed reading of the sign the file's other
    # amounts write ("$" = USD): rows taking it are counted as assumed (plain_amounts)
    currency_follows: tuple[str, str] | None = None
    plain_signs: tuple[tuple[str, ...], ...] = ()   # the file's shared signs' candidates: a row's country settles its bare amounts
    keep_unmapped: bool = True            # unmapped columns go to Notes
    serial_offset: int = 0                # days added to a number in a date column (1462: a 1904 workbook)
    amount_per: str | None = None         # rows sharing an order number: "order" total or "line" amounts (shop_orders)
    order_folds: dict = field(default_factory=dict)   # amounts per order: first row -> its further lines
    merged_further: dict = field(default_factory=dict)   # row under an order amount merged down -> its first row
    merged_folds: dict = field(default_factory=dict)     # that first row -> (further lines, count, quantity merged)
    not_done_rows: dict = field(default_factory=dict)    # interaction row -> (status column, value): did not happen
    refunds: dict = field(default_factory=dict)       # payment row -> amounts of its refund rows (importer.refunds)
    refund_rows: dict = field(default_factory=dict)   # refund row -> the payment row it refunds, or None
    # refund row -> (ids it names, its own ids, amount cell): its payment is not in the file
    refund_outside: dict = field(default_factory=dict)
    refund_ids: dict = field(default_factory=dict)    # payment row -> own ids of its refund rows
    refund_other_currency: dict = field(default_factory=dict)   # refund row -> why not subtracted (its currency)
    related_rows: dict = field(default_factory=dict)  # row -> (type, transaction): about another payment
    not_sale_rows: dict = field(default_factory=dict)  # row -> (type, column): no sale (transaction_types)
    repeated_rows: dict = field(default_factory=dict)  # row -> earlier row, the same in every cell (order_numbers)
    shared_numbers: dict = field(default_factory=dict)  # row -> (number, earlier row, its customer): order_numbers
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)   # --value: field -> {text: value}
    # yes/no field -> {one-letter mark: its reading}, decided on the column (importer.yes_no_marks)
    bool_map: dict[str, dict[str, bool]] = field(default_factory=dict)
    probability_share: bool = False       # the probability column holds shares: 0.9 is 90 %
    tz: object = None                     # the zone a time without one is taken in (display_zone); None: UTC
    # date field -> the column giving its time of day ("Date" + "Time"; importer.time_columns)
    time_columns: dict[str, int] = field(default_factory=dict)
    # services.suppression.ErasedList of the store, when it is not empty: a customer row
    # with an erased person's email or phone is rejected (None: nothing checked per row)
    erased: Any = None
    # the file's customer numbers (its Customer ID column's values, code_key): a number typed
    # in its customer name column is linked by one of them (RowPreparer._numbers_not_names)
    # -> the first name a row of the file gives with it ("" when none)
    file_refs: dict[str, str] = field(default_factory=dict)
    # the column (by position) whose marks or signs say each amount's direction (ledger_marks):
    # its "-" is a minus, kept in Notes as written, never a placeholder for no value
    marks_position: int | None = None
    # the trunk prefix ("0") restored before the area code of a phone number in parts, the
    # file's codes typed as numbers ("3" for "03"; importer.area_codes), "" for none
    area_prefix: str = ""
    # a text table (CSV): a cell starting with = that is a formula (text_dialect.is_formula)
    # is what Excel computes, not a value: unreadable, kept in Notes with a warning
    cell_formulas: bool = False


# The percentage a cell shows at its end ("15%", "Rabatt 12.5 %").
_SHOWN_POINTS = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*%\s*$")


def shown_number(v: ShownText) -> float:
    """The number a person reads in a cell shown through its format: the cell's number,
    but a share of 1 for a number shown with a percent sign its format writes as text
    (`0"%"`: Excel shows 15 as "15%" without multiplying by 100, ECMA-376 Part 1,
    18.8.31 — the cell says 15 %, which is 0.15). A real percentage format (`0%`) shows
    0.15 as "15%": its number is already the share. Told apart by the text: the points
    shown equal the cell's number only when the format did not scale it (0 aside)."""
    number = v.number
    if number and v.endswith("%") and (m := _SHOWN_POINTS.search(v)) is not None and float(m.group(1)) == abs(number):
        return number / 100
    return number


def float_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return format(value, ".15g")


def cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _money_value(value: object) -> object:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return value
        d = Decimal(format(value, ".15g"))
        # A float cell is binary and inexact (731.9399999999999); amounts are kept to 4 dp.
        return d.quantize(FOUR_DP, rounding=ROUND_HALF_EVEN) if d.as_tuple().exponent < -4 else d
    return value


def _vcard_address(text: str) -> dict[str, str]:
    """vCard's ADR value "pobox;extended;street;locality;region;code;country" (RFC 6350
    6.3.1) as {address, city, province, postal_code, country}: the parts it fills."""
    parts = [p.strip().replace("\\,", ",") for p in re.split(r"(?<!\\);", text)]
    parts += [""] * (7 - len(parts))
    pobox, extended, street, city, region, code, country = parts[:7]
    out = {"address": ", ".join(p for p in (street, extended, pobox) if p), "city": city,
           "province": region, "postal_code": code, "country": country}
    return {k: v for k, v in out.items() if v}


def _join_name(first: str | None, middle: str | None, last: str | None,
               family_first: bool = False) -> str | None:
    """A full name from its parts: given names first ("John A. Smith"); the family name
    first when the file's headings say so (`family_first`: "Nguyễn Văn An", "Kovács
    Anna"), and always for names in Chinese, Japanese or Korean script, without a space
    ("山田太郎", "王小明", "김민수")."""
    parts = [p for p in (first, middle, last) if p]
    if not parts:
        return None
    if all(_CJK_NAME.search(p) for p in parts):   # 姓 + 名, no space
        return "".join(p for p in (last, middle, first) if p)
    if family_first:
        return " ".join(p for p in (last, middle, first) if p)
    return " ".join(parts)


# Han, kana and Hangul: scripts whose names are written family name first, without a space.
_CJK_NAME = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@functools.lru_cache(maxsize=4096)
def _whole_numbers(text: str, region: str | None) -> tuple[str, ...] | None:
    """The phone numbers of `text` as written ("+1 415 555 0100", "+1 415 555 0101") when
    phonenumbers' matcher (libphonenumber's, made to find numbers in text) finds two or
    more valid ones and nothing but spaces is left between and around them; None
    otherwise (one number, or digits whose numbers it cannot tell apart: "415 555 0100
    415 555 0101", where a country code or parentheses do not mark where one begins).
    `region` reads numbers without "+"; None finds only those with one."""
    import phonenumbers

    found = list(phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID))
    if len(found) < 2:
        return None
    at = 0
    for match in found:
        if text[at:match.start].strip():
            return None
        at = match.end
    return None if text[at:].strip() else tuple(m.raw_string for m in found)


def _vcard_name(text: str, family_first: bool = False) -> str:
    """vCard's N value "family;given;additional;prefixes;suffixes" (RFC 6350 6.2.2; a
    component's several values split by ",") as a full name in reading order:
    "Smith;John;A.;Dr.;Jr." -> "Dr. John A. Smith Jr.", "王;小明;;;" -> "王小明"."""
    parts = [" ".join(v.strip().replace("\\,", ",").replace("\\;", ";")
                      for v in re.split(r"(?<!\\),", p) if v.strip())
             for p in re.split(r"(?<!\\);", text)]
    parts += [""] * (5 - len(parts))
    family, given, additional, prefix, suffix = parts[:5]
    name = _join_name(given or None, additional or None, family or None, family_first) or ""
    return " ".join(p for p in (prefix, name, suffix) if p)


def _parsed_bool(v: object) -> bool | None:
    """A yes/no cell's value, None when it is blank or none (left to the field's check)."""
    try:
        return nz.parse_bool(v)
    except ValueError:
        return None


class RowPreparer:
    """Raw cells -> values for validate_record, remembering which column fed which field."""

    def __init__(self, ent: Entity, mapping: Mapping, options: Options):
        self.ent = ent
        self.options = options
        self.headers = [c.header for c in mapping.columns]
        self.targets = [c.target for c in mapping.columns]
        self.unmapped = [i for i, c in enumerate(mapping.columns)
                         if c.target is None and c.how == "unmapped"]
        if options.discount_amount:     # money off, which the store keeps no field for: to Notes
            self.targets = [None if t == "discount" else t for t in self.targets]
            self.unmapped = sorted(set(self.unmapped) | {i for i, c in enumerate(mapping.columns)
                                                         if c.target == "discount"})
        # fields fed by an opt-out column ("Email Opt Out" -> Marketing Consent): read inverted
        self.inverted = frozenset(c.target for c in mapping.columns if getattr(c, "inverted", False) and c.target)
        # Google's numbered phones go to Mobile or Phone by their label, row by row
        # (mapping.phone_slots); their columns are then read here, not one by one.
        self.phone_slots: list[tuple[int, int]] = []
        if any(d.get("what") == "phone labels" for d in mapping.decisions):
            self.phone_slots = phone_slots(self.headers)
            slot_cols = {c for pair in self.phone_slots for c in pair}
            self.targets = [None if i in slot_cols else t for i, t in enumerate(self.targets)]
            self.unmapped = [i for i in self.unmapped if i not in slot_cols]
        self.address_groups = mapping.address_groups
        self.address_lines = mapping.address_lines
        self.house_numbers = mapping.house_numbers
        self.phone_parts = mapping.phone_parts
        self.mobile_parts = mapping.mobile_parts
        self._phone_parts = frozenset(mapping.phone_parts[1:]) | frozenset(mapping.mobile_parts[1:])
        # a number in parts is read whole: its parts joined in order, an area code typed as
        # a number read as its digits ("6", never "6.0") with the trunk prefix the file lost
        self._parts_view = phone_parts_view(mapping, list(range(len(mapping.columns))), options.area_prefix)
        self.name_continuation = mapping.name_continuation
        # vCard's ADR: "pobox;extended;street;locality;region;code;country" (RFC 6350 6.3.1).
        self.adr_columns = frozenset(i for i, c in enumerate(mapping.columns)
                                     if c.target == "address" and c.header.strip().upper().startswith("ADR"))
        # vCard's ORG is "company;department" (RFC 6350 6.6.4).
        # vCard's N: "family;given;additional;prefixes;suffixes" (RFC 6350 6.2.2).
        self.n_columns = frozenset(i for i, c in enumerate(mapping.columns)
                                   if c.target == "name" and c.header.strip() == "N")
        # vCard's N beside FN (the formatted name, RFC 6350 6.2.1) is left unmapped: a row
        # whose FN is blank takes its name from N.
        self.n_fallback = (next((i for i, c in enumerate(mapping.columns) if c.target is None
                                 and c.header.strip().upper() == "N"), None)
                           if any(c.target == "name" and c.header.strip().upper() == "FN" for c in mapping.columns)
                           and not self.n_columns else None)
        self.family_first = mapping.family_first
        self.org_columns = frozenset(i for i, c in enumerate(mapping.columns)
                                     if c.target in ("company", "customer_name") and header_norm(c.header) == "org")
        self.kinds = {f.key: f.kind for f in ent.fields}
        self.kinds.update({f"customer_{f.key}": f.kind for f in CUSTOMER.fields})
        self.source_of: dict[str, str] = {}
        for c in mapping.columns:
            if c.target:
                self.source_of.setdefault(c.target, c.header)
        # the file says itself which customers are companies: no legal form decides it
        self.typed_by_file = bool({"type", "is_company"} & set(self.source_of))
        # date columns whose heading names UTC ("Created (UTC)", "Zeit (GMT)"): their times
        # without a zone are UTC moments, dated in the user's zone (importer.heading_zone)
        self._utc_headed = frozenset(i for i, c in enumerate(mapping.columns)
                                     if c.target and self.kinds.get(c.target) == "date" and is_utc(c.header))
        # date-and-time columns whose heading names a zone ("Created (UTC)", "Opened (GMT+8)",
        # "日時 (JST)"): field -> that zone, the one their times without a zone are read in
        zoned = {c.target: heading_tz(c.header) for c in mapping.columns
                 if c.target and self.kinds.get(c.target) == "datetime"}
        self.field_zones = {target: found[2] for target, found in zoned.items() if found}
        if self.phone_slots:
            # Which fields the numbered phones fill is decided row by row (each one's
            # label), but that the file gives them is known from its columns: decided here,
            # so every process preparing rows (see importer.parallel) says the same, and an
            # update in overwrite mode takes a new mobile whichever row brought the first.
            first = self.headers[self.phone_slots[0][0]]
            for field in ("phone", "mobile"):
                if field in self.kinds:
                    self.source_of.setdefault(field, first)
        self.has_notes = "notes" in self.kinds
        # Columns of an amount refunded (Stripe's "Amount Refunded") no field takes: kept in
        # Notes like any other, and subtracted from the row's amount (importer.refunds).
        self.refund_cols = tuple(i for i in refunds.refund_columns(self.headers) if i in self.unmapped)
        self.refund_currency_cols = tuple(i for i in refunds.refund_currency_columns(self.headers)
                                          if i in self.unmapped)
        # An order's status column: its text may hold the amount refunded ("已退款(￥50.00)",
        # importer.refunds.refund_in_status), subtracted as a refund column's is.
        # An order's total after refunds ("Adjusted Order Total"): less than the amount, the
        # difference was refunded (importer.refunds.names_adjusted_total)
        self.adjusted_col = (next((i for i, h in enumerate(self.headers)
                                   if i in self.unmapped and refunds.names_adjusted_total(h)), None)
                             if ent.kind == "order" else None)
        self.status_col = (next((i for i, t in enumerate(self.targets) if t == "status"), None)
                           if ent.kind == "order" else None)
        # Where columns no field takes are kept ("Header: value" lines): Notes, or for
        # records without one the text field nearest to it (KEPT_IN).
        self.keep_key = "notes" if self.has_notes else KEPT_IN.get(ent.kind)
        self.headers_of = {f.key: f.header for f in ent.fields}   # field -> its own header
        self.several: dict[str, int] = {}       # column -> cells that held several values
        self.extensions: dict[str, int] = {}    # column -> phone cells with an extension (kept in Notes)
        self.context = {"region": options.region, "region_assumed": options.region_assumed,
                        "region_default": options.region_default,
                        "foreign_regions": dict(options.foreign_regions),
                        **options.blank_country,
                        "region_hint": import_region_hint(options.blank_country.get("region_examples", ())),
                        "date_orders": dict(options.date_orders),
                        "calendars": dict(options.calendars),
                        "compact_dates": dict(options.compact_dates),
                        "swapped_cells": sorted(options.swapped_cells),
                        "decimal_marks": dict(options.decimal_marks), "decimal_given": options.decimal_given,
                        "amount_scales": dict(options.amount_scales),
                        # the zone times without one are taken in; values read so ("times", "dates")
                        "tz": options.tz, "zoneless": Counter(),
                        # --time-unknown: "empty" stores a date alone in a time something happened as unknown
                        "time_unknown": options.time_unknown,
                        # an activity file's dates alone keep their day (they decide no SLA)
                        "day_only_ok": ("occurred_at",),
                        # date column -> times written in UTC (Z, +00:00) dated in options.tz; and
                        # of those, the ones whose date there is not the UTC one
                        "utc_dates": Counter(), "utc_dates_moved": Counter(),
                        # of those, the ones read so because the heading names UTC ("Created (UTC)")
                        "utc_headed": Counter(),
                        # date-and-time field -> the zone its heading names; field -> times read in it
                        "field_zones": dict(self.field_zones), "zone_headed": Counter(),
                        # name column -> cells written "Name <address>" (the address to Email)
                        "name_mailboxes": Counter(), "display_names": Counter(), "email_names_kept": Counter(),
                        "phone_alternatives": Counter(),
                        # name or company column -> cells holding an attention line after the name
                        "attention_parts": Counter(),
                        # house number column -> rows whose number stayed in Notes (no street, no country)
                        "house_apart": Counter(),
                        # (id column, value) -> cells that are dates (date cells, or text such as "12-Oct")
                        "id_dates": Counter(),
                        # (amount column, sign) -> amounts written with a one-letter sign ("R 1,200.00")
                        "short_signs": Counter(),
                        # first/last name column -> cells Name did not hold (kept in Notes)
                        "name_parts": Counter(),
                        # tags column -> system labels left out ("* myContacts")
                        "system_labels": Counter(),
                        # address name -> rows that took it, having none of the first one
                        "address_fallback": Counter(),
                        # postal code column -> codes given back the zeros a spreadsheet dropped
                        "zeros_restored": Counter(), "zeros_examples": Counter(), "separators_restored": Counter(),
                        # phone column -> cells of whole numbers with only spaces between them (_whole_numbers)
                        "spaced_numbers": Counter(),
                        # (column, text) -> cells holding a placeholder for "no value" ("N/A", "-")
                        "placeholders": Counter(),
                        # legal form -> customers typed Company by it (domain.legal_forms)
                        "legal_forms": Counter(),
                        # other systems' customer ids written as cims's own are ("C-000001")
                        "own_shaped_refs": Counter(),
                        # (phone field, country) -> numbers only possible in the store's region,
                        # valid in that country: left empty (domain.models._check_valid_here)
                        "invalid_here": Counter(), "country_by_number": Counter(),
                        # name column -> person rows named "Company, Person" (Odoo): the person kept
                        "company_first": Counter(), "company_first_examples": Counter(),
                        # SAP's Name 2: rows where it continued Name 1 ("joined") or was kept in Notes
                        "name_continued": Counter(), "name_continued_examples": Counter(),
                        # (name column, "rejected" | "linked") -> name cells holding a number alone
                        "numbers_not_names": Counter(), "numbers_not_names_examples": Counter()}
        if "currency" in self.kinds:
            # (symbol, code) -> rows where an ambiguous symbol ("$") was read by guess
            given = options.currency if options.currency and not options.currency_follows else None
            self.context.update(currency=options.currency or options.store_currency,
                                currencies=tuple(options.currencies) + ((given,) if given else ()),
                                assumed=Counter())
            if not given:
                # code -> rows whose amounts gave no currency and took the store's
                self.context["defaulted"] = Counter()

    @functools.cached_property
    def _currency_rows(self) -> tuple[int, ...] | None:
        """None for records without a currency; else the columns giving a row's country,
        which settles a shared currency symbol (importer.row_currency)."""
        if "currency" not in self.kinds:
            return None
        return row_currency.country_columns(self.headers, self.targets)

    @functools.cached_property
    def _headed_currency(self) -> tuple[tuple[str, str], ...]:
        """(money field, the one currency its column's heading states: "Amount (EUR)")."""
        out = []
        for header, target in zip(self.headers, self.targets):
            if target is not None and self.kinds.get(target) == "money" and (code := header_code(header)):
                out.append((target, code))
        return tuple(out)

    @functools.cached_property
    def _headed_signs(self) -> tuple[tuple[str, tuple[str, tuple[str, ...]]], ...]:
        """(money field, the shared sign its column's heading states: "Amount ($)")."""
        return tuple((target, sign) for header, target in zip(self.headers, self.targets)
                     if target is not None and self.kinds.get(target) == "money" and (sign := header_sign(header)))

    @functools.cached_property
    def _money_targets(self) -> tuple[str, ...]:
        return tuple(t for t in self.source_of if self.kinds.get(t) == "money")

    def _settle_currency(self, values: list, data: dict) -> None:
        """A Currency cell writing a symbol several currencies share ("¥", "Rs.") as the
        code its row's country, then --currency or the store's (context "currencies"),
        then the house reading (counted as assumed) make it; an amount's shared symbol
        ("¥1,200") with no Currency of its row: the row's Currency from its country. A
        cell nothing settles stays, for the Currency validator to refuse (the import's
        first pass has stopped on such files already: run.settle_bare_symbols)."""
        country = row_currency.row_country(values, self._currency_rows) if self._currency_rows else None
        cur = data.get("currency")
        if type(cur) is str:
            codes = money.currency_candidates(cur)
            if len(codes) == 1 and money.is_currency_noun(cur):
                data["currency"] = codes[0]      # "Kronor": the one currency the word names
                return
            if len(codes) < 2:
                return
            code, assumed = row_currency.by_country(codes, country), False
            if code is None:
                try:
                    code, assumed = money.settle_currency(cur, self.context.get("currencies") or ())
                except ValueError:
                    return
            if assumed and (counter := self.context.get("assumed")) is not None:
                counter[(cur.strip(), code)] += 1
            data["currency"] = code
            return
        if cur is not None:
            return
        for key, code in self._headed_currency:
            if data.get(key) not in (None, ""):
                data["currency"] = code         # "Amount (EUR)": the heading states it
                return
        for key, (sign, codes) in self._headed_signs:
            v = data.get(key)
            if is_blank_cell(v) or not plain_text(v):
                continue
            # "350" under "Amount ($)": as "$350" is read (plain_amounts, run.settle_bare_symbols)
            code, assumed = row_currency.by_country(codes, country), False
            if code is None:
                try:
                    code, assumed = money.currency_of_token(sign, self.context.get("currencies") or ())
                except money.CurrencyError:
                    return                      # the first pass has stopped on it
            if assumed and (counter := self.context.get("assumed")) is not None:
                counter[(sign, code)] += 1
            data["currency"] = code
            return
        if not country:
            return
        for key in self._money_targets:
            shared = row_currency.shared_symbol(data.get(key))
            if shared is not None and (code := row_currency.by_country(shared[1], country)) is not None:
                data["currency"] = code         # "¥1,200" in a row whose Country is Japan: JPY
                return
        signs = self.options.plain_signs
        filled = [v for key in self._money_targets if not is_blank_cell(v := data.get(key))]
        if signs and filled and all(plain_text(v) for v in filled):
            # "350.00" in a row whose Country is Canada, in a file writing "$": CAD (plain_amounts)
            codes = {code for cands in signs if (code := row_currency.by_country(cands, country))}
            if len(codes) == 1:
                data["currency"] = codes.pop()

    @functools.cached_property
    def _percent_targets(self) -> tuple[tuple[str, bool], ...]:
        """Mapped number fields that people write as a percentage ("25%"): (field, whether
        it holds percent points, as "Probability %" does, rather than a fraction)."""
        return tuple((t, self.headers_of.get(t, "").endswith("%")) for t in self.source_of
                     if self.kinds.get(t) in ("int", "decimal") and t in PERCENT_FIELDS)

    @functools.cached_property
    def _percent_headed(self) -> frozenset[str]:
        """Share fields (Discount, kept as a share of 1) whose column's heading says its
        numbers are percent points ("Discount %", "Discount (%)", "% Discount")."""
        return frozenset(t for t, h in self.source_of.items()
                         if t in PERCENT_FIELDS and self.kinds.get(t) == "decimal" and "%" in h)

    @functools.cached_property
    def _id_targets(self) -> tuple[str, ...]:
        """Mapped fields that hold an id or code as text: never a number in scientific
        notation (its digits are gone)."""
        return tuple(t for t in ID_FIELDS if t in self.source_of)

    @functools.cached_property
    def _mapped(self) -> list[tuple[int, str, bool]]:
        """(column, field, whether text passes through _convert unchanged) per mapped column."""
        out = []
        for i, target in enumerate(self.targets):
            if target is None:
                continue
            kind = self.kinds.get(target, "text")
            changes_text = kind in ("money", "decimal") or target in self.inverted
            out.append((i, target, not changes_text))
        for columns in (self.address_lines, self.phone_parts, self.mobile_parts):
            if not columns:
                continue
            # the lines of the street address, the parts of a phone number, joined in their
            # order (mapping._address_lines, mapping._phone_parts)
            slots = [k for k, (i, t, _) in enumerate(out) if i in columns]
            rank = {i: r for r, i in enumerate(columns)}
            ordered = sorted((out[k] for k in slots), key=lambda e: rank[e[0]])
            for k, entry in zip(slots, ordered):
                out[k] = entry
        return out

    @functools.cached_property
    def _cells(self) -> list[tuple[int, str, bool, frozenset[str] | None, bool]]:
        """`_mapped` with, per column, the texts read as an empty cell in it (`_placeholders`)
        and whether any rule of `raw` for a text cell other than a placeholder, an error,
        a formula, the apostrophe mark and several values (" ::: ") can apply to it: tags,
        vCard parts, lists of values, extensions, money signs, ids that look like dates,
        mailboxes in names, Unix times, UTC times. The options and the mapping are fixed
        before a planner is made, so this is decided once per import, not per cell."""
        out = []
        for i, target, text_as_is in self._mapped:
            rules = self._rules_of(i, target)
            out.append((i, target, text_as_is, self._placeholders.get(target), rules if any(rules) else False))
        return out

    def _rules_of(self, i: int, target: str) -> tuple[bool, ...]:
        """Which of `raw`'s rules for a text cell can apply to column `i` (its field
        `target`), each as the part of the rule's test that depends on the column alone:
        (tags, a vCard part (N, ORG, ADR), a list of values, a phone extension, a money
        sign, an id that looks like a date, a mailbox in a name, an attention line, a Unix
        time, a time under a UTC heading, a UTC instant, a display name in an email cell). Decided once per import: the
        options and the mapping are fixed before a planner is made."""
        kind = self.kinds.get(target)
        tz = self.options.tz is not None
        return (target == "tags", i in self.n_columns or i in self.org_columns or i in self.adr_columns,
                i in self._several_columns, self.has_notes and kind == "phone", kind == "money",
                target in _ID_DATE_FIELDS, target in _NAME_MAILBOX_FIELDS,
                self.has_notes and target in _ATTENTION_FIELDS,
                target in self.options.unix_dates and kind in ("date", "datetime"),
                i in self._utc_headed and tz, tz and kind == "date", self.has_notes and kind == "email")

    def raw(self, values: list) -> tuple[dict[str, Any], list[str]]:
        data: dict[str, Any] = {}
        extra: list[str] = []
        mailboxes: list[tuple[int, str, str]] = []
        self._display_names: list[str] = []
        self._email_names: list[tuple[str, str, str]] = []     # (column, display name, cell) in email cells
        self._moved_phones: list[tuple[str, str, tuple[str, ...]]] = []
        if self._parts_view is not None:
            values = self._parts_view(values)
        n = len(values)
        has_notes = self.has_notes
        formulas = self.options.cell_formulas
        for i, target, text_as_is, found, special in self._cells:
            v = values[i] if i < n else ""
            if type(v) is str:   # most cells: skip the general blank check and conversion
                if not v or v.isspace():
                    continue
                if found is not None and v[0] in _PLACEHOLDER_FIRST and len(v) <= _PLACEHOLDER_MAX \
                        and _is_placeholder_cached(v, found):
                    if target == "name":
                        # no name: the row is refused saying so, not stored as "N/A" nor
                        # taken for a blank cell without a word
                        data.setdefault(UNREADABLE, {})[target] = Unreadable(
                            v.strip(), f"'{v.strip()}' says there is no name, and a {self.ent.label} needs one")
                        continue
                    self.context["placeholders"][(self.headers[i], v.strip())] += 1
                    continue
                if v[0] == "#" and ERROR_TEXT.match(v.strip()):
                    # "#N/A" as a CSV saved from Excel writes an error cell: not a value
                    data.setdefault(UNREADABLE, {})[target] = error_cell(v)
                    continue
                if formulas and v.lstrip()[:1] == "=" and is_formula(v.lstrip()):
                    # checked as it will be stored (trimmed): " =cmd|…", "\t=1+1", NBSP first
                    # a CSV cell Excel would compute (=CONCATENATE("0",A2), =A2*2, =cmd|…):
                    # the file holds the formula, not the value; never stored as one
                    data.setdefault(UNREADABLE, {})[target] = Unreadable(v.strip()[:200], (
                        "a formula: the file holds the formula, not the value Excel shows (it refers to "
                        "other cells or computes something); save the sheet's values (Paste Special > "
                        "Values) and export again"))
                    continue
                if formulas:
                    # our CSV exports guard a formula start after a list separator inside
                    # a field too (cell_text.csv_guarded): that apostrophe is taken off
                    v = csv_unguarded_inner(v)
                if v[0] == "'" and len(v) > 1 and (v[1] in FORMULA_TRIGGERS or (
                        # ''=x: our CSV export of the text '=x (one apostrophe more)
                        formulas and v.lstrip("'")[:1] in FORMULA_TRIGGERS) or (
                        v[1].isdigit() and (target in ID_FIELDS or self.kinds.get(target) in _NUMBER_KINDS))):
                    # Our own exports (and other careful ones) guard text that starts like a
                    # formula with an apostrophe; only that guard is taken off. Before digits
                    # in a code, number or date it is the spreadsheet's "keep as text" mark
                    # ('02134 keeps its zero), not part of the value; in free text ('90s) it stays.
                    v = v[1:]
                if special:
                    # a column some rule below may apply to (RowPreparer._cells: the part of
                    # each rule's test that depends on the column alone, `_rules_of`); in the
                    # others only a Google Contacts list of values can be met
                    (tags, vcard, listed, phone_ext, money_sign, id_date, mailbox, attention, unix, utc_headed,
                     utc_instant, email_name) = special
                    if tags and (MULTI_SEPARATOR.strip() in v or _SYSTEM_LABEL.match(v)):
                        v = self._user_labels(i, v)
                        if not v:
                            continue
                    elif not vcard:
                        pass
                    elif i in self.n_columns and ";" in v:
                        v = _vcard_name(v, self.family_first)
                        if not v:
                            continue
                    elif i in self.org_columns and ";" in v:
                        v = self._org_company(i, v, extra)
                        if not v:
                            continue
                    elif i in self.adr_columns and v.count(";") >= 6:
                        adr = _vcard_address(v)
                        v = adr.pop("address", "")
                        for key, part in adr.items():
                            if key in self.kinds and key not in self.source_of:
                                data[key] = part
                            elif self.has_notes:
                                extra.append(f"{self.headers[i]}: {part}")
                        if not v:
                            continue
                    if has_notes and MULTI_SEPARATOR in v:
                        v = self._first_of_several(i, v, extra)
                    elif listed and _SEVERAL_HINT_RX.search(v):
                        v = self._first_of_listed(i, v, extra, values)
                    if phone_ext and _EXTENSION_HINT.search(v) and nz.has_phone_extension(v):
                        # E.164 holds no extension: the number is stored, the whole text is
                        # kept in Notes so the extension is not lost (counted for the summary).
                        header = self.headers[i]
                        self.extensions[header] = self.extensions.get(header, 0) + 1
                        extra.append(f"{header}: {v.strip()}")
                    if (email_name and "@" in v and v.rstrip()[-1:] in ">)"
                            and len(boxes := mailbox_list(v)) == 1 and boxes[0][0]):
                        # "Bob Ray <bob@x.com>": the field holds the address; the name written
                        # before it is compared with the row's name after the loop
                        self._email_names.append((self.headers[i], boxes[0][0], v.strip()))
                    if money_sign and v[:1].isalpha() and (sign := money.short_sign(v)):
                        self.context["short_signs"][(self.headers[i], sign)] += 1
                    if id_date and v[:1].isalnum() and _EXCEL_DATE_TEXT.match(v):
                        self.context["id_dates"][(self.headers[i], v.strip())] += 1
                    if mailbox and "@" in v and (
                            len(_BRACKETED_ADDRESS.findall(v)) > 1 or _ADDRESS_ALONE.fullmatch(v)):
                        several = len(_BRACKETED_ADDRESS.findall(v)) > 1
                        data.setdefault(UNREADABLE, {})[target] = Unreadable(v.strip(), (
                            "several people with their email addresses in one name cell; give each their own row"
                            if several else "an email address where the name belongs, and no name"))
                        continue
                    if mailbox and "@" in v and (box := _NAME_MAILBOX.match(v)):
                        # "Ann Lee <ann@x.com>" (a mail program's display name): the name is the
                        # person's; the address goes to Email when the row has none (after the loop)
                        v = box["name"].strip()
                        mailboxes.append((i, target, box["addr"]))
                        self.context["name_mailboxes"][self.headers[i]] += 1
                    if attention and (cut := attention_inside(v)) is not None:
                        # "Acme GmbH\nz. Hd. Frau Meier": the name is the text before the attention
                        # line, which goes to Notes as a folded attention row does (continued_rows)
                        v, attention = cut
                        extra.append(f"{self.headers[i]}: {attention}")
                        self.context["attention_parts"][self.headers[i]] += 1
                    if unix:
                        # "1709600000" in a column of Unix times (importer.unix_times)
                        data[target] = self._unix_time(target, v, self.options.unix_dates[target], self.kinds[target])
                        continue
                    if utc_headed and ":" in v and (day := self._utc_headed_date(target, v)) is not None:
                        data[target] = day
                        continue
                    if utc_instant and v[-1:] in _UTC_LAST and _UTC_INSTANT.search(v.rstrip()):
                        data[target] = self._utc_instant_date(target, v)
                        continue
                elif has_notes and MULTI_SEPARATOR in v:
                    v = self._first_of_several(i, v, extra)
                if text_as_is:
                    if target == "tags" and data.get("tags"):
                        v = f"{data['tags']}, {v}"       # several tag columns (mapping.SEVERAL_COLUMNS)
                    elif i in self._phone_parts and data.get(target):
                        v = _joined_phone_parts(data[target], v)  # its parts in order (mapping._phone_parts)
                    elif i in self.house_numbers:
                        v = self._joined_house(i, data.get("address"), v, values, extra)
                        if v is None:
                            continue
                    elif target == "address" and data.get("address"):
                        v = _joined_address(data["address"], v)   # its lines 2 and 3 (mapping._address_lines)
                    data[target] = v
                    continue
            elif is_blank_cell(v):
                continue
            elif type(v) is Unreadable:
                data.setdefault(UNREADABLE, {})[target] = v
                continue
            elif (i in self._utc_headed and self.options.tz is not None and isinstance(v, dt.datetime)
                  and v.tzinfo is None and v.time() != dt.time(0)
                  and (day := self._utc_headed_date(target, v)) is not None):
                data[target] = day
                continue
            elif target in _ID_DATE_FIELDS and isinstance(v, dt.date):
                self.context["id_dates"][(self.headers[i], getattr(v, "shown", None) or v.isoformat()[:10])] += 1
            v = self._convert(target, v)
            if type(v) is Unreadable:
                data.setdefault(UNREADABLE, {})[target] = v
                continue
            if i in self.house_numbers and v not in (None, ""):
                v = self._joined_house(i, data.get("address"), v, values, extra)    # "7" as a number cell
                if v is None:
                    continue
            elif target == "address" and data.get("address") and v not in (None, ""):
                v = f"{data['address']}, {v}"           # a line 2 or 3 written as a number
            data[target] = v
        if self._display_names and "name" in self.kinds and not data.get("name") \
                and "name" not in data.get(UNREADABLE, {}):
            # the name a mail program wrote before the address, for a row whose Name is empty
            data["name"] = self._display_names[0]
            self.context["display_names"]["name"] += 1
        if self._email_names and self.has_notes:
            # a display name the Email field cannot hold is kept in Notes unless it is the
            # row's name (in any order of its words, "Roe, Bob" or "Bob Roe"; its parts when split)
            parts = [str(data.get(k) or "") for k in ("first_name", "middle_name", "last_name")]
            own = _name_words(" ".join(parts) if any(parts) else str(data.get("name") or ""))
            for header, shown, cell in self._email_names:
                if not _same_name_words(_name_words(shown), own):
                    extra.append(f"{header}: {cell}")        # the cell as written
                    self.context["email_names_kept"][header] += 1
        for i, target, address in mailboxes:
            email = _NAME_MAILBOX_FIELDS[target]
            have = data.get(email)
            if email in self.kinds and (not isinstance(have, str) or not have.strip()):
                data[email] = address
            elif not (isinstance(have, str) and have.strip().casefold() == address.casefold()) and self.has_notes:
                extra.append(f"{self.headers[i]}: {address}")
        for key, col in self.options.time_columns.items():
            cell = values[col] if col < n else None
            if not is_blank_cell(cell) and key not in data.get(UNREADABLE, ()):
                joined = time_columns.join(data.get(key), cell, self.headers[col])     # "Date" + "Time"
                if type(joined) is Unreadable:
                    data.pop(key, None)
                    data.setdefault(UNREADABLE, {})[key] = joined
                else:
                    data[key] = joined
        for key in MUST_READ_OF.get(self.ent.kind, ()):
            if key not in data and key not in data.get(UNREADABLE, ()):
                # an activity with no date is no record of when it happened
                data.setdefault(UNREADABLE, {})[key] = Unreadable(
                    "", f"empty: {_a_label(self.ent.label)} is not saved without its date")
        if self.phone_slots:
            self._route_phones(values, data, extra)
        used = self._other_address(values, data) if self.address_groups else ()
        if self.name_continuation is not None:
            used = (*used, *self._continue_name(values, data))
        if self.n_fallback is not None and "name" not in data and self.n_fallback < n:
            v = values[self.n_fallback]
            if type(v) is str and ";" in v and (v := _vcard_name(v, self.family_first)):
                data["name"] = v
                used = (*used, self.n_fallback)
        if self.options.keep_unmapped and self.keep_key:
            kept_placeholders = self._kept_placeholders
            for i in self._kept_columns:
                if i in used:
                    continue
                v = values[i] if i < n else ""
                if (type(v) is str and v and v[0] in _PLACEHOLDER_FIRST and len(v) <= _PLACEHOLDER_MAX
                        and i != self.options.marks_position and is_placeholder(v, kept_placeholders)):
                    # "Colour: N/A" says nothing: dropped as a mapped field's placeholder is
                    self.context["placeholders"][(self.headers[i], v.strip())] += 1
                    continue
                if not is_blank_cell(v):
                    extra.append(f"{self.headers[i]}: {cell_text(v).strip()}")
        for c in self._country_columns:
            if c < n and not is_blank_cell(values[c]):
                data[ROW_REGION] = values[c]
                break
        signed: set[str] = set()        # fields whose cell wrote its % sign: "5%" is 5 %, never asked
        for key, points in self._percent_targets:
            v = data.get(key)
            if type(v) is str and (number := _percent_points(v, self.options.decimal_marks.get(key))) is not None:
                signed.add(key)
                if self.kinds.get(key) == "int" and number != number.to_integral_value():
                    # "12,5 %" for a whole-percent field: not rounded silently
                    del data[key]
                    data.setdefault(UNREADABLE, {})[key] = Unreadable(
                        v, f"{v.strip()!r} is {format(number.normalize(), 'f')} %, not a whole percentage")
                elif self.kinds.get(key) == "decimal":      # a share of 1 (Discount): "25%" is 0.25
                    if 0 <= number <= 100:
                        data[key] = number / 100
                elif points or 0 <= number <= 100:    # else the field refuses the text as written
                    data[key] = number if points else number / 100      # "25%": 25 points, or 0.25
            elif key in self._percent_headed and (number := _bare_share(v)) is not None and 0 <= number <= 100:
                data[key] = number / 100        # "10" under "Discount %": 10 % of the price, 0.10
        for key in self.options.fraction_fields:
            v = data.get(key)
            if key not in signed and v is not None and not isinstance(v, bool) and (type(v) is not str or _PLAIN_SHARE.match(v)):
                try:
                    share = nz.parse_money(v if type(v) is str else repr(v), self.options.decimal_marks.get(key))
                except ValueError:
                    continue
                if share is not None and 0 <= share <= 1:
                    data[key] = (share * 100).normalize()     # "0,4" in a column of fractions: 40 %
        for key in self.options.mixed_shares:
            v = data.get(key)
            if key not in signed and v is not None and type(v) is not Unreadable and (share := _bare_share(v)) is not None and 0 < share <= 1:
                shown = cell_text(v).strip()
                del data[key]
                data.setdefault(UNREADABLE, {})[key] = Unreadable(
                    shown, f"'{shown}' could be {format((share * 100).normalize(), 'f')} % or {shown} %: the "
                           "column writes both shares of 1 and numbers above 1 (write 25% to say which)")
        for key in self.options.float_wholes:
            v = data.get(key)
            if type(v) is not str:
                continue
            if key in POSTAL_FIELDS:
                if (whole := postal_whole(v)) is not None:
                    data[key] = whole           # "2134.0", "1067.00": no postal code has a decimal point
                elif is_stray_decimal(v):       # "1010.5" among "2134.0": no postal code at all
                    shown = v.strip()
                    del data[key]
                    data.setdefault(UNREADABLE, {})[key] = Unreadable(
                        shown, f"'{shown}' is no postal code: it has a decimal fraction, and no country's "
                               "postal code has a decimal point")
            elif (whole := id_whole(v)) is not None:
                data[key] = whole               # "12520.0" beside "CG-1": the id a float wrote
            elif is_float_whole(v):
                data[key] = whole_of(v)         # "2134.0" in a column a float export wrote (float_exports)
        for key in self._id_targets:
            v = data.get(key)
            if type(v) is str and ("E+" in v or "e+" in v) and _SCIENTIFIC.match(v.strip()):
                del data[key]
                data.setdefault(UNREADABLE, {})[key] = lost_digits(v.strip())
        for key, country_key in self._postal_targets:
            v = data.get(key)
            if type(v) is str and "1" <= v[:1] <= "9":      # digits first (a suffix may follow)
                self._restore_zeros(data, key, v, data.get(country_key))
        if len(values) > len(self.targets):           # cells beyond the last column
            spill = [cell_text(v).strip() for v in values[len(self.targets):] if not is_blank_cell(v)]
            if spill and self.keep_key:
                extra.append("More: " + " | ".join(spill))
        for key, given in self.options.value_map.items():
            v = data.get(key)
            if isinstance(v, str) and (said := given.get(value_key(v))) is not None:
                data[key] = said          # --value "Contract sent=Negotiation"
        for key, marks in self.options.bool_map.items():
            v = data.get(key)
            if isinstance(v, str) and (said_mark := marks.get(yes_no_mark(v) or "")) is not None:
                data[key] = said_mark     # "E" in a Finnish K/E column: no
        if self._currency_rows is not None and (self._currency_rows or "currency" in data or self._headed_currency
                                               or self._headed_signs):
            self._settle_currency(values, data)
        if self.options.probability_share and "probability" in data and "probability" not in signed:
            # "1%" says its own scale: never read again as a share of 1 (only bare 0.9 is)
            data["probability"] = share_to_percent(data["probability"])
        if self._name_targets:
            self._numbers_not_names(data)
        if self._moved_phones:
            data[OTHER_PHONES] = self._moved_phones
        return data, extra

    @functools.cached_property
    def _name_targets(self) -> tuple[str, ...]:
        """The mapped fields holding a person's or customer's name (NAME_TARGETS), whose
        values are never a number alone (`_numbers_not_names`)."""
        return tuple(t for t in NAME_TARGETS if t in self.source_of)

    def _numbers_not_names(self, data: dict) -> None:
        """A name cell that is a number alone ("100235" among the names of a Customer
        column, `number_not_name`) is never a name. An order's (a contact's, ...) customer
        named so is linked by that number when it is the row's own customer number, or one
        the file's customer-number column holds (Options.file_refs); otherwise, and for a
        record's own name, the cell is unreadable: the row is rejected saying so. Counted
        per column for the summary (context "numbers_not_names")."""
        for key in self._name_targets:
            v = data.get(key)
            if v is None or (number := number_not_name(v)) is None:
                continue
            column = self.source_of.get(key, key)
            if key.startswith("customer_") and "customer_id" in self.kinds:
                ref = _text(data.get("customer_ref"))
                if code_key(number) == code_key(ref or "") or (
                        not ref and code_key(number) in self.options.file_refs):
                    del data[key]
                    data["customer_ref"] = ref or number
                    if key == "customer_name" and (named := self.options.file_refs.get(code_key(number))):
                        # the name the file gives that number on another row: the customer made
                        # here if that row comes later is theirs, not a customer without a name
                        data[key] = named
                    self.context["numbers_not_names"][(column, "linked")] += 1
                    self.context["numbers_not_names_examples"][(column, number)] += 1
                    continue
            whose = "customer" if key.startswith("customer_") or self.ent.kind == "customer" else self.ent.label
            del data[key]
            data.setdefault(UNREADABLE, {})[key] = Unreadable(
                number, f"a number where the {whose}'s name belongs: {number}")
            self.context["numbers_not_names"][(column, "rejected")] += 1
            self.context["numbers_not_names_examples"][(column, number)] += 1

    @functools.cached_property
    def _placeholders(self) -> dict[str, frozenset[str]]:
        """field -> the texts read as an empty cell in it (PLACEHOLDERS; fewer for names
        and countries; none for amounts, counts and the MUST_READ fields, and none in a
        file cims wrote, whose values are what was stored)."""
        out: dict[str, frozenset[str]] = {}
        if is_own_export(self.headers):
            return out
        for target in self.source_of:
            kind = self.kinds.get(target, "text")
            bare = target.removeprefix("customer_")
            if (kind not in PLACEHOLDER_KINDS or bare in MUST_READ
                    or target in CHECKED.get(self.ent.kind, ()) or target in self.options.value_map):
                # read by importer.values and --value (a placeholder there stops). A
                # record's own name that is a placeholder refuses its row (see raw); a
                # customer's name on another record is left empty (the row's email or
                # id may still find the customer)
                continue
            out[target] = (_COUNTRY_PLACEHOLDERS if bare == "country"
                           else _NAME_PLACEHOLDERS if kind == "name" or bare == "company"
                           else _bool_placeholders() if kind == "bool"
                           else PLACEHOLDERS)
        return out

    @functools.cached_property
    def _kept_placeholders(self) -> frozenset[str]:
        """The texts read as an empty cell in a column kept in Notes ("N/A", "-", "无"):
        PLACEHOLDERS but "NA", which such a column may mean (North America, Namibia),
        and "Nil", a name; none in a file cims wrote (its values are what was stored)."""
        return frozenset() if is_own_export(self.headers) else _KEPT_PLACEHOLDERS

    @functools.cached_property
    def _postal_targets(self) -> tuple[tuple[str, str], ...]:
        """(postal code field, the field of its country) for the mapped postal codes."""
        return tuple((k, c) for k, c in (("postal_code", "country"), ("customer_postal_code", "customer_country"))
                     if k in self.source_of)

    def _restore_zeros(self, data: dict, key: str, text: str, country: object) -> None:
        """Put back the leading zeros a spreadsheet dropped from a postal code of the
        row's country (its Country cell, else a region set with --region or `cims
        settings region`; never the assumed one), counted for the summary."""
        region = region_for_country(country) if country else None
        if region is None and not country and not self.context["region_assumed"]:
            region = self.context["region"]          # a country cell naming no country gets none
        if region is None or (restored := restored_zeros(text, region)) is None:
            return
        data[key] = restored
        header = self.source_of[key]
        counts = self.context["zeros_restored"]
        counts[header] += 1
        if restored.count("-") + restored.count(" ") > text.count("-") + text.count(" "):
            self.context["separators_restored"][header] += 1     # "1234" -> "01-234" (PL)
        # the three smallest codes per column: the same whichever process prepared which chunk
        examples = self.context["zeros_examples"]
        examples[(header, text, restored, region)] += 1
        mine = sorted(e for e in examples if e[0] == header)
        for extra in mine[3:]:
            del examples[extra]

    def warm_up(self) -> None:
        """Build the lazy tables preparing these rows will need (country names), so a
        process forked after this shares them instead of building its own."""
        if "country" in self.source_of or self._country_columns:
            preload_countries()

    def _continue_name(self, values: list, data: dict) -> tuple[int, ...]:
        """SAP's Name 2 joined to the row's name where it continues it (mapping.name_continues),
        counted for the summary; () where it does not (it is then kept in Notes)."""
        col, target = self.name_continuation
        v = values[col] if col < len(values) else None
        first = data.get(target)
        if is_blank_cell(v) or type(first) is not str or not first.strip():
            return ()
        second = cell_text(v).strip()
        joins = name_continues(first, second)
        self.context["name_continued"]["joined" if joins else "kept"] += 1
        examples = self.context["name_continued_examples"]
        key = ("joined" if joins else "kept", first.strip(), second)
        examples[key] += 1
        for extra in sorted(e for e in examples if e[0] == key[0])[2:]:
            del examples[extra]
        if not joins:
            return ()
        data[target] = joined_name(first, second)
        return (col,)

    @functools.cached_property
    def _kept_columns(self) -> list[int]:
        """The columns kept as "Header: value" lines: those no field takes, and those
        whose field holds only part of what they say (ALSO_KEPT: a ticket's "Updated at"
        is a Pending ticket's pause, and for every ticket the help desk's last change)."""
        also = [i for i, t in enumerate(self.targets) if t in ALSO_KEPT.get(self.ent.kind, ())]
        return sorted({*self.unmapped, *also})

    @functools.cached_property
    def _country_columns(self) -> tuple[int, ...]:
        """Unmapped columns that give the rows' phone country when the Country field does
        not ("Country Code": +44; Outlook's "Home Country/Region" beside the "Business
        Country/Region" the field took), if the table has phone fields."""
        if not any(self.kinds.get(t) == "phone" for _, t, _ in self._mapped):
            return ()
        return tuple(i for i, (header, target) in enumerate(zip(self.headers, self.targets))
                     if target is None and is_country_header(header))

    @functools.cached_property
    def _several_columns(self) -> dict[int, str]:
        """{column: "email" | "phone"}: the columns whose cells may list several values."""
        if not self.has_notes:
            return {}
        return {i: self.kinds[t] for i, t, _ in self._mapped if self.kinds.get(t) in ("email", "phone")}

    def _other_address(self, values: list, data: dict) -> frozenset[int]:
        """A row whose chosen address (mapping.address_groups) is empty takes the first
        other address it has, whole: Outlook's Home address for a contact with no
        Business one. Returns the columns used (not repeated in Notes)."""
        n = len(values)
        _name, first = self.address_groups[0]
        if any(t in data or t in data.get(UNREADABLE, {}) for t in first):
            return frozenset()
        for name, cols in self.address_groups[1:]:
            got = {t: values[i] for t, i in cols.items() if i < n and not is_blank_cell(values[i])}
            if not ("address" in got or "city" in got):
                continue
            for t, v in got.items():
                data[t] = v.strip() if isinstance(v, str) else cell_text(v).strip()
            self.context["address_fallback"][name] += 1
            return frozenset(cols[t] for t in got)
        return frozenset()

    def _user_labels(self, i: int, text: str) -> str:
        """A Labels cell of Google Contacts ("* myContacts ::: Suppliers"): the user's own
        labels as tags ("Suppliers"); the system's, written with "* " ("* myContacts",
        "* starred"), are left out (counted for the summary)."""
        parts = [p.strip() for p in text.split(MULTI_SEPARATOR.strip()) if p.strip()]
        own = [p for p in parts if not _SYSTEM_LABEL.match(p)]
        if len(own) < len(parts):
            self.context["system_labels"][self.headers[i]] += 1
        return ", ".join(own)

    def _org_company(self, i: int, text: str, extra: list[str]) -> str:
        """vCard's ORG "Vinos García S.A.;Ventas" (company;unit;...): the company in the
        field, the units in Notes; "Fleurs Dupont;" has none (RFC 6350 6.6.4)."""
        parts = [p.strip() for p in re.split(r"(?<!\\);", text)]
        units = [p for p in parts[1:] if p]
        if units and self.has_notes:
            extra.append(f"{self.headers[i]} (department): " + "; ".join(units))
        return parts[0].replace("\\;", ";")

    def _route_phones(self, values: list, data: dict, extra: list[str]) -> None:
        """Google's "Phone N - Value" cells, each to Mobile or Phone as its "Phone N -
        Label" says (Mobile/Cell: Mobile; anything else: Phone), first come first served;
        a number whose field is taken (and the further values of a ::: cell) go to Notes
        with the label."""
        n = len(values)
        for vcol, lcol in self.phone_slots:
            v = values[vcol] if vcol < n else ""
            if is_blank_cell(v):
                continue
            text = cell_text(v).strip()
            label = cell_text(values[lcol]).strip() if lcol < n and not is_blank_cell(values[lcol]) else ""
            header = self.headers[vcol] + (f" ({label})" if label else "")
            parts = [p.strip() for p in text.split(MULTI_SEPARATOR.strip()) if p.strip()]
            field = "mobile" if _MOBILE_LABEL.search(label) else "phone"
            if field in data or field in data.get(UNREADABLE, {}):
                if self.has_notes:
                    extra.append(f"{header}: " + " | ".join(parts))
                continue
            data[field] = parts[0]
            data.setdefault(ROW_COLUMNS, {})[field] = self.headers[vcol]
            if len(parts) > 1 and self.has_notes:
                self.several[self.headers[vcol]] = self.several.get(self.headers[vcol], 0) + 1
                extra.append(f"{header}: " + " | ".join(parts[1:]))

    def keep_name_parts(self, name: object, parts: dict[str, object], extra: list[str]) -> None:
        """A row with a Name and first/last name columns that say something else (Xero's
        ContactName "Kiwi Coffee Ltd" beside FirstName "Aroha"): Name is the record's
        name, and the parts it does not hold go to Notes ("FirstName: Aroha"), counted
        per column for the summary, never dropped."""
        words = {w.casefold() for w in str(name).replace(",", " ").split()}
        text = str(name).casefold()
        for key, value in parts.items():
            v = _text(value)
            if not v or v.casefold() in words or (len(v) > 1 and not v.isascii() and v.casefold() in text):
                continue
            header = self.source_of.get(key, key)
            extra.append(f"{header}: {v}")
            self.name_parts[header] += 1

    @property
    def name_parts(self) -> Counter:
        return self.context["name_parts"]

    @functools.cached_property
    def _country_column(self) -> int | None:
        return next((i for i, t in enumerate(self.targets) if t in ("country", "customer_country")), None)

    def _joined_house(self, i: int, street: object, number: object, values: list, extra: list[str]) -> str | None:
        """The street's first line with the house number of column `i` joined in the order
        mapping._house_number decided ("Hauptstraße 12a", "Rua Augusta, 1500", "12 rue de la
        Paix"; by the row's country for an English heading, else --region or the store's
        region). None (the number kept in Notes, counted) for a row with no street or, under
        an English heading, no country and no region given."""
        number = number.strip() if isinstance(number, str) else cell_text(number).strip()
        if isinstance(number, str) and re.fullmatch(r"\d+\.0", number):
            number = number[:-2]                      # 7.0: a number cell
        order = self.house_numbers[i]
        street = street.strip() if isinstance(street, str) else ""
        if order == "country":
            col = self._country_column
            cell = values[col] if col is not None and col < len(values) else None
            code = region_for_country(cell.strip()) if isinstance(cell, str) and cell.strip() else None
            if code is None and not self.options.region_assumed:
                code = self.options.region
            order = (None if code is None else "before" if code in NUMBER_FIRST
                     else "after," if code in COMMA_AFTER else "after")
        if order in ("suffix", "flat/", "flat lgh"):
            # a flat's number or an addition with no house number in its row: not joined
            house = next((k for k, o in self.house_numbers.items() if o not in ("suffix", "flat/", "flat lgh")), None)
            cell = values[house] if house is not None and house < len(values) else None
            if is_blank_cell(cell) or not cell_text(cell).strip():
                street = ""
        if not street or order is None:
            if self.has_notes:
                extra.append(f"{self.headers[i]}: {number}")
            self.context["house_apart"][self.headers[i]] += 1
            return None
        if order == "suffix":
            return f"{street} {number}"
        if order == "flat/":
            return f"{street}/{number}"              # "ul. Długa 5/3", "Dlouhá 730/5"
        if order == "flat lgh":
            return f"{street} lgh {number}"          # "Storgatan 5 lgh 1101"
        return f"{number} {street}" if order == "before" else f"{street}, {number}" if order == "after," \
            else f"{street} {number}"

    def _first_of_listed(self, i: int, text: str, extra: list[str], values: list | None = None) -> str:
        """Several addresses or numbers with another program's separator ("a@x.com; b@y.org",
        one per line): the first in the field, the others to Notes, as with Google's.
        Only when every part is one (an @ in each address, six digits in each number);
        otherwise the cell is left as it is for the field's own check. Whole phone numbers
        with only spaces between them ("+1 415 555 0100 +1 415 555 0101", "(415) 555-0104
        (415) 555-0105") are several when phonenumbers' matcher finds two or more valid
        numbers that are the whole cell (`_whole_numbers`); the other numbers are written in
        Notes in E.164 once the row's region is known (validate)."""
        if self._several_columns[i] == "email" and "<" in text and (boxes := mailbox_list(text)):
            # Outlook's "Roe, Bob <bob@x.com>; "Doe, Dee" <dee@x.com>": RFC 5322 mailboxes
            parts = [addr for _name, addr in boxes]
            if boxes[0][0]:
                self._display_names.append(boxes[0][0])     # a name for a row with none (raw)
                self._email_names.append((self.headers[i], boxes[0][0], text.strip()))
            if len(boxes) == 1:
                return parts[0]
            header = self.headers[i]
            self.several[header] = self.several.get(header, 0) + 1
            extra.append(f"{header}: " + " | ".join((f'"{name}"' if "," in name else name) + f" <{addr}>" if name else addr
                                               for name, addr in boxes[1:]))
            return parts[0]
        email = self._several_columns[i] == "email"
        if not email and not _LIST_MARK_RX.search(text):
            # A number whose only hint was a space ("030 1234567", "(415) 555-0123"): no list
            # mark, no slash, so neither an alternative ending nor a split below can apply; only
            # numbers one after the other with spaces between (the `spaced` rule) can be several.
            # Any that are go the whole way below (the same answer: tested against it), and so
            # does a cell with digits enough for two whole numbers (`_whole_numbers` below).
            spaced = text.split()
            if len(spaced) < 2 or (
                    not all(_SPACED_PHONE.fullmatch(p) and sum(c.isdigit() for c in p) >= 7 for p in spaced)
                    and (len(text) - text.count(" ") - text.count("+") < _TWO_NUMBERS
                         or sum(c.isdigit() for c in text) < _TWO_NUMBERS)):
                return text
        if not email and (alt := _ALTERNATIVE_ENDING.fullmatch(text.strip())) \
                and sum(c.isdigit() for c in alt["number"]) >= 6:
            # "030 1234567/8": the number, and another ending to it (…568) for a second line;
            # the field holds one number, the whole text goes to Notes, counted for the summary
            header = self.headers[i]
            self.context["phone_alternatives"][header] += 1
            extra.append(f"{header}: {text.strip()}")
            return alt["number"].strip()
        if email:
            parts = [p for p in _SEVERAL_EMAILS.split(text.strip()) if p]
            whole = [p.count("@") == 1 for p in parts]
        else:
            parts = [p for p in _SEVERAL_PHONES.split(text.strip()) if p]
            whole = [sum(c.isdigit() for c in p) >= 6 for p in parts]
            if len(parts) == 1 and " " in parts[0]:
                spaced = parts[0].split()
                if all(_SPACED_PHONE.fullmatch(p) and sum(c.isdigit() for c in p) >= 7 for p in spaced):
                    parts, whole = spaced, [True] * len(spaced)
                elif (len(parts[0]) - parts[0].count(" ") - parts[0].count("+") >= _TWO_NUMBERS     # cheap first
                      and sum(c.isdigit() for c in parts[0]) >= _TWO_NUMBERS
                      and (found := _whole_numbers(parts[0], self._row_phone_region(values)))):
                    parts, whole = list(found), [True] * len(found)
                    self.context["spaced_numbers"][self.headers[i]] += 1
        ok = len(parts) > 1 and all(whole)
        if len(parts) == 1 and all(whole) and parts[0] != text.strip():
            return parts[0]             # "a@x.com;": a separator with nothing after it
        if not ok:
            return text
        if self._several_columns[i] != "email" and nz.fax_labelled(parts[0]):
            # "FAX 03-… / TEL 03-…": the first number not labelled a fax is the phone
            kept = next((p for p in parts if not nz.fax_labelled(p)), parts[0])
            parts = [kept, *(p for p in parts if p is not kept)]
        header = self.headers[i]
        self.several[header] = self.several.get(header, 0) + 1
        line = f"{header}: " + " | ".join(parts[1:])
        extra.append(line)
        if not email:
            self._moved_phones.append((line, self.targets[i], tuple(parts[1:])))
        return parts[0]

    def _row_phone_region(self, values: list | None) -> str | None:
        """The region a row's phone numbers without "+" are read in while its cells are
        split: its Country cell's, else the region given or set (never only assumed);
        None when neither says (then only numbers with their country code are found)."""
        col = self._country_col
        if values is not None and col is not None and col < len(values) and not is_blank_cell(values[col]):
            return region_for_country(cell_text(values[col]).strip())
        return None if self.context["region_assumed"] else self.context["region"]

    @functools.cached_property
    def _country_col(self) -> int | None:
        """The column of the row's own country (Country, an order's customer country)."""
        for key in ("country", "customer_country"):
            if key in self.targets:
                return self.targets.index(key)
        return None

    def _first_of_several(self, i: int, text: str, extra: list[str]) -> str:
        """Google Contacts writes several values in one cell ("a@x.com ::: b@x.com"): the
        first goes in the field, the others to Notes (counted per column for the summary)."""
        parts = [p.strip() for p in text.split(MULTI_SEPARATOR.strip())]
        parts = [p for p in parts if p]
        if len(parts) <= 1:
            return parts[0] if parts else ""
        header = self.headers[i]
        self.several[header] = self.several.get(header, 0) + 1
        line = f"{header}: " + " | ".join(parts[1:])
        extra.append(line)
        if self.kinds.get(self.targets[i]) == "phone":
            self._moved_phones.append((line, self.targets[i], tuple(parts[1:])))
        return parts[0]

    def _convert(self, target: str, v: object) -> object:
        kind = self.kinds.get(target, "text")
        if (self.inverted and target in self.inverted and kind == "bool" and opt_out.neutral(v)
                and (said := _parsed_bool(v)) is not None):
            # "Email Opt Out" 1: no consent; 0 (not opted out) is no consent given either, only
            # no decision: consent is a clear affirmative act (GDPR Art. 4(11), 7(1)), so the
            # field is left empty (importer.opt_out)
            return False if said else None
        if (unit := self.options.unix_dates.get(target)) is not None and kind in ("date", "datetime"):
            return self._unix_time(target, v, unit, kind)
        if isinstance(v, ShownDateValue):
            # A date cell: the date for date fields, the text Excel shows ("12-Oct" under
            # d-mmm) for the others: an order number, a customer id, a postal code.
            return v if kind in ("date", "datetime") else v.shown
        if type(v) is ShownText:
            # A number shown through its format: the number for number fields, the text
            # the person sees for the others ("ID-0017", "100-0001").
            if kind not in _NUMBER_KINDS:
                return str(v)
            # an amount is the number the cell holds: 120 under 0"%" shows "120%", the
            # sign only text (the import stops on it unless --amount-scale says so)
            number = v.cell if kind == "money" else shown_number(v)
            if target in PERCENT_FIELDS and v.endswith("%") and kind in ("int", "decimal"):
                # 0.25 shown as "25%" (or 25 under 0"%"): the percentage the cell shows,
                # exactly, read as a percent written with its sign: never rescaled again
                points = (Decimal(repr(float(number))) * 100).normalize()
                return f"{format(points, 'f')}%"
            if kind == "int" and v.endswith("%") and self.headers_of.get(target, "").endswith("%"):
                return round(number * 100, 9)       # 0.25 shown as 25% into "Probability %"
            v = number
        if kind in ("money", "decimal"):
            return _money_value(v)
        if (kind in ("date", "datetime") and self.options.serial_offset and isinstance(v, (int, float))
                and not isinstance(v, bool) and target not in self.options.compact_dates):
            return v + self.options.serial_offset       # a date serial of a workbook counting from 1904
        if kind in ("date", "datetime", "phone", "bool", "int"):
            return v
        if isinstance(v, dt.time):
            return v.isoformat()
        if isinstance(v, float) and abs(v) >= 1e16 and v.is_integer():
            # An id typed as a number: its digits, not 1.2345678901234e+16; or, when the
            # file lost some of them, unreadable (never a rounded id).
            return long_number(v) or str(int(v))
        return cell_text(v) if not isinstance(v, str) else v

    def _unix_time(self, target: str, v: object, unit: str, kind: str) -> object:
        """A Unix time of a column decided to write them (importer.unix_times): the UTC instant
        for a time field, its date in the user's zone for a date field; the value as it is
        (refused by the field's own rules) when it is none."""
        moment = unix_times.moment(v, unit)
        if moment is None:
            return v
        if kind == "datetime":
            return moment
        return moment.astimezone(self.options.tz or dt.timezone.utc).date()

    def _utc_headed_date(self, target: str, v: object) -> dt.date | None:
        """The date in the user's zone of a time without a zone in a column whose heading names
        UTC ("Created (UTC)": 2024-03-31 23:30 is 1 April in Asia/Shanghai); None when the cell
        is no such time (a date alone keeps its date; a time with its own zone is read by it)."""
        read: Counter = Counter()
        try:
            moment = nz.parse_datetime(v, self.options.date_orders.get(self.source_of.get(target, ""))
                                       or self.options.date_orders.get(target), tz=None, zoneless=read)
        except ValueError:
            return None                   # refused by the field's own rules, as before
        if moment is None or not read.get("times"):
            return None
        day = moment.astimezone(self.options.tz).date()
        column = self.source_of.get(target, target)
        self.context["utc_dates"][column] += 1
        self.context["utc_headed"][column] += 1
        if day != moment.date():
            self.context["utc_dates_moved"][column] += 1
        return day

    def _utc_instant_date(self, target: str, v: str) -> object:
        """The date in the user's zone of a time written in UTC ("2024-03-06T23:30:00Z" is 7 March
        in Asia/Shanghai): such a time is a moment a system logged, not the date anyone wrote
        down. A time with another offset ("-0500", a shop's own zone) keeps its written date."""
        try:
            moment = nz.parse_datetime(v, self.options.date_orders.get(self.source_of.get(target, ""))
                                       or self.options.date_orders.get(target))
        except ValueError:
            return v                      # refused by the field's own rules, as before
        if moment is None:
            return v
        day = moment.astimezone(self.options.tz).date()
        self.context["utc_dates"][self.source_of.get(target, target)] += 1
        if day != moment.date():
            self.context["utc_dates_moved"][self.source_of.get(target, target)] += 1
        return day

    def optional_failures(self, exc: ValidationFailed, data: dict) -> dict[str, tuple[str, str]] | None:
        """{field: (column label, reason)} when every problem is an optional field the row
        gave (so the row can be kept without it); None otherwise."""
        if not self.has_notes or isinstance(exc, NegativeValue):
            return None             # a negative sale or deal: the row is refused, never kept without it
        by_header = {f.header: f for f in self.ent.fields}
        labels = self.problems_by_column(exc)
        out: dict[str, tuple[str, str]] = {}
        for (header, reason), label in zip(exc.problems.items(), labels):
            f = by_header.get(header)
            if (f is None or f.required or f.key == "notes" or f.key not in data or reason == "required"
                    or f.key in MUST_READ or f.key in MUST_READ_OF.get(self.ent.kind, ())):
                return None
            out[f.key] = (label, reason)
        return out or None

    def problems_by_column(self, exc: ValidationFailed) -> dict[str, str]:
        out: dict[str, str] = {}
        header_to_key = {f.header: f.key for f in self.ent.fields}
        for header, reason in exc.problems.items():
            key = header_to_key.get(header)
            column = self.source_of.get(key) if key else None
            label = column if column and column == header else (
                f"{column} ({header})" if column else header)
            out[label] = reason
        return out


class _RowColumns:
    """A RowPreparer as one row's problems and Notes name its columns: a field filled from
    a column chosen row by row (a numbered phone, by its label) is that row's column."""

    def __init__(self, prep: RowPreparer, columns: dict[str, str]):
        self._prep = prep
        self.source_of = {**prep.source_of, **columns}

    def __getattr__(self, name: str):
        return getattr(self._prep, name)

    problems_by_column = RowPreparer.problems_by_column
    optional_failures = RowPreparer.optional_failures


def validate(ent: Entity, data: dict, context: dict, prep: RowPreparer,
             warnings: dict[str, str] | None = None) -> dict:
    """Clean values; ValidationFailed with problems by source column.

    With `warnings` (a dict to fill): when only optional fields are unreadable, the row
    is kept, those fields are left empty, their text goes to Notes and `warnings`
    says which and why. A missing or invalid required field still rejects the row.
    """
    if ROW_COLUMNS in data:
        prep = _RowColumns(prep, data.pop(ROW_COLUMNS))
    if OTHER_PHONES in data:
        clean = validate(ent, {k: v for k, v in data.items() if k != OTHER_PHONES}, context, prep, warnings)
        _other_phones_e164(clean, data[OTHER_PHONES])
        return clean
    if ROW_REGION in data:
        given = data.pop(ROW_REGION)
        region = region_for_dial_code(given) or region_for_country(given)
        if region is not None:
            context = {**context, "region": region, "region_assumed": False, "region_default": False,
                       "region_written": given if isinstance(given, str) else None}
        elif unknown := unknown_country(given):
            context = {**context, "country_unknown": unknown}
    unreadable = data.pop(UNREADABLE, None)
    if unreadable:
        _leave_out_unreadable(ent, data, unreadable, prep, warnings)
        if ent.kind == "opportunity" and "probability" in unreadable:
            # "left empty", as the warning says: never the stage's default (pipeline.LEFT_EMPTY)
            clean = validate(ent, data, context, prep, warnings)
            clean["probability"] = LEFT_EMPTY
            return clean
    kept = data.pop(KEPT_NOTES, None)
    _fit_notes(data, prep, warnings)
    try:
        clean = validate_record(ent, data, context=context)
        # a time in the future, a probability Won or Lost would replace: refused here,
        # where the row and its column can be named (never replaced at the write)
        check_given_times_and_rules(ent, clean, context)
        if kept:
            clean[KEPT_NOTES] = kept
        return clean
    except ValidationFailed as exc:
        # Only the problems are kept: the exception's traceback holds this frame, and a
        # frame that refers to it would be a reference cycle holding the whole chunk
        # (every caller's frame) until the cycle collector runs.
        first = prep.problems_by_column(exc)
        soft = prep.optional_failures(exc, data) if warnings is not None else None
        if not soft:
            raise ValidationFailed(first) from None
    moved = []
    for key, (label, reason) in soft.items():
        moved.append(f"{prep.source_of.get(key, label)}: {cell_text(data.pop(key)).strip()}")
        warnings[label] = f"{reason} (left empty; the text is kept in Notes)"
    _with_notes(data, moved)
    kept = "\n".join(t for t in (kept, data.pop(KEPT_NOTES, None)) if t)
    _fit_notes(data, prep, warnings)
    try:
        clean = validate_record(ent, data, context=context)
    except ValidationFailed as exc:
        warnings.clear()
        raise ValidationFailed({**first, **prep.problems_by_column(exc)}) from None
    if kept:
        clean[KEPT_NOTES] = kept
    for key in soft:
        # Left empty, as the warning says: a field's default (an order's status Completed,
        # quantity 1) would be a guess where the file said something it could not read.
        if key in clean and ent.field(key).default is not None:
            clean[key] = None
    if ent.kind == "opportunity" and "probability" in soft:
        clean["probability"] = LEFT_EMPTY          # the stage's default would be a guess too
    return clean


# a phone number written with nothing but its digits and separators: E.164 says all of it
_PLAIN_PHONE = re.compile(r"[+＋]?[\d\s().\-/]+")


def _other_phones_e164(clean: dict, moved: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """The Notes lines of the other numbers of a phone cell whose first went to its field
    (RowPreparer._first_of_listed: "Phone: 415 555 0112") written in E.164 ("Phone:
    +14155550112"), as the field holds its number, so a search by the number's digits in
    any spacing finds them: numbers with a country code by it, the others in the country
    the field's number was read in (the same cell's). A number with more than its digits
    (an extension, a label) keeps its text after it ("+14155550112 (415 555 0112 x12)");
    one that cannot be read so stays as written."""
    import phonenumbers

    for line, key, numbers in moved:
        first = clean.get(key)
        region = None
        if isinstance(first, str) and first.startswith("+"):
            try:
                region = phonenumbers.region_code_for_country_code(phonenumbers.parse(first).country_code)
            except phonenumbers.NumberParseException:
                region = None
        written = []
        for text in numbers:
            own = nz.has_country_code(text)
            if not own and region in (None, "ZZ"):
                written.append(text)
                continue
            try:
                e164 = nz.normalize_phone(text, region if region not in (None, "ZZ") else "US", assumed=False)
            except ValueError:
                e164 = None
            if not e164:
                written.append(text)
            elif _PLAIN_PHONE.fullmatch(text.strip()):
                written.append(e164)
            else:
                written.append(f"{e164} ({text.strip()})")
        new = line[:len(line) - len(" | ".join(numbers))] + " | ".join(written)
        if new == line:
            continue
        for field in ("notes", KEPT_NOTES):
            notes = clean.get(field)
            if isinstance(notes, str) and line in notes:
                lines = notes.split("\n")
                at = len(lines) - 1 - lines[::-1].index(line) if line in lines else None
                if at is not None:
                    lines[at] = new
                    clean[field] = "\n".join(lines)


_CUT_MARK = "\n[… {n:,} more characters: cut here, they are only in the file]"


def _fit_notes(data: dict, prep: RowPreparer, warnings: dict[str, str] | None) -> None:
    """Notes longer than a cell holds (models.MAX_TEXT, Excel's 32,767 characters less a
    margin) are cut, with a mark saying how much is left out, and the row is warned:
    one long note does not refuse a customer (only a required field does). Without
    `warnings` (a caller that keeps no warnings) the row is refused as before."""
    notes = data.get("notes")
    if warnings is None or not isinstance(notes, str) or len(notes) <= MAX_TEXT:
        return
    keep = MAX_TEXT - len(_CUT_MARK.format(n=len(notes)))
    cut = notes.rfind("\n", keep - 2000, keep)
    keep = cut if cut > 0 else keep
    data["notes"] = notes[:keep] + _CUT_MARK.format(n=len(notes) - keep)
    warnings[prep.source_of.get("notes", "Notes")] = (
        f"{len(notes):,} characters, more than a cell holds ({MAX_TEXT:,}): its first {keep:,} characters "
        "kept with a mark saying how many more, the rest is only in the file")


def _bare_share(v: object) -> Decimal | None:
    """A percent field's cell as a plain number (0.25, "0,25", "1"), None for text with
    a sign ("25%") or no number."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, Decimal)):
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if type(v) is str and _PLAIN_SHARE.match(v):
        try:
            return Decimal(v.strip().replace(",", "."))
        except ArithmeticError:
            return None
    return None


def _leave_out_unreadable(ent: Entity, data: dict, unreadable: dict, prep: RowPreparer,
                          warnings: dict[str, str] | None) -> None:
    """Fields whose cell holds no readable value (an error such as #N/A, a number that
    lost digits): never stored as a value. An optional field is left empty with a
    warning and what the cell shows kept in Notes; a required field (or one a required
    field is made from: names, the customer) rejects the row (ValidationFailed)."""
    fields = {f.key: f for f in ent.fields}
    hard: dict[str, str] = {}
    moved: list[str] = []
    for key, cell in unreadable.items():
        label = prep.source_of.get(key, key)
        f = fields.get(key)
        optional = (f is not None and not f.required and key != "name" and key not in MUST_READ
                    and key not in MUST_READ_OF.get(ent.kind, ())) or (
            key == "customer_ref" and ent.kind == "customer")         # a customer's old id: optional
        if not optional or warnings is None or not prep.keep_key:
            hard[label] = cell.reason
            continue
        warnings[label] = f"{cell.reason} (left empty; the text is kept in {kept_in_header(ent.kind)})"
        moved.append(f"{label}: {cell.shown}")
    if hard:
        if warnings is not None:
            warnings.clear()
        raise ValidationFailed(hard)
    _with_notes(data, moved, prep.keep_key)


# Fields holding a person's or a customer's name: a number alone is never one of them.
NAME_TARGETS = ("name", "first_name", "last_name", "customer_name", "customer_first_name", "customer_last_name")
_NUMBER_ALONE = re.compile(r"\d[\d\s]*")
# No letter at all: digits with separators, signs and brackets ("100235.0", "(555) 123-4567",
# "+86 139 1234 5678", "1,234"), or a number in scientific notation ("1.00235E+05")
_LETTERLESS = re.compile(r"[+\-(]*\d[\d\s.,'’()/+\-]*|[+\-]?\d+(?:[.,]\d+)?[eE][+\-]?\d+")


def number_not_name(value: object) -> str | None:
    """The text of a name cell with no letter at all, never a name: a number alone, digits
    (any script's) with spaces, separators, signs and brackets ("100235", "２０００１", "100 235",
    "100235.0", "1.00235E+05", a phone "(555) 123-4567", a workbook's number cell); None for
    anything else ("3M", "7-Eleven", "A1 Bakery", "1&1", "#1", "0815-Müller")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        text = cell_text(value).strip()
        return text if _LETTERLESS.fullmatch(text) else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text and _LETTERLESS.fullmatch(unicodedata.normalize("NFKC", text)) else None


def _a_label(label: str) -> str:
    """'an interaction', 'a ticket'."""
    return ("an " if label[:1] in "aeiou" else "a ") + label


def _with_notes(data: dict, extra: list[str], key: str = "notes") -> None:
    """Add `extra` ("Header: value" lines of columns not mapped) to the row's `key`
    field (Notes, or the field a record without Notes keeps them in), and remember
    them under KEPT_NOTES (an update appends them to the stored notes)."""
    if extra:
        notes = data.get(key)
        if notes not in (None, ""):
            # a line the row's notes hold already (a phone with an extension that was then
            # left empty, kept once for each reason) is not written twice
            have = set(cell_text(notes).split("\n"))
            extra = [line for line in extra if line not in have
                     # "Phone: 0755-1234567" left empty, its line "Phone: 0755-1234567/8" kept already
                     and not any(h.startswith(line) and h[len(line):].lstrip()[:1] == "/" for h in have)]
            if not extra:
                return
        text = "\n".join(extra)
        data[key] = f"{cell_text(notes)}\n{text}" if notes not in (None, "") else text
        if key == "notes":
            kept = data.get(KEPT_NOTES)
            data[KEPT_NOTES] = f"{kept}\n{text}" if kept else text


def _add_tag(data: dict, tag: str) -> None:
    tags = data.get("tags")
    data["tags"] = f"{cell_text(tags)}, {tag}" if tags not in (None, "") else tag


def _digits(v: object) -> str:
    """A phone's digits without a leading 0 or "(0)": "+44 (0)20 7946 0958" and
    "020 7946 0958" both end as "2079460958"."""
    return re.sub(r"\D", "", (_text(v) or "").replace("(0)", "")).lstrip("0")


def _text(v: object) -> str | None:
    if v is None or is_blank_cell(v):
        return None
    return " ".join(cell_text(v).split()) or None


# ----- keys --------------------------------------------------------------------------------

def customer_keys(c: dict) -> list[tuple[str, int]]:
    """Duplicate keys of a clean customer: email (`email_key`), each phone (alone, and
    with each of the name's forms (`name_forms`): a phone several names share matches the
    holders whose names may be this one, and Planner.plan compares them with
    `name_match`), name+company (or name alone when the customer has no other key), as
    `name_key` and `company_key` compare them."""
    return _customer_keys(c, email_key(c.get("email")), is_its_company(c.get("name"), c.get("company")))


def _customer_keys(c: dict, mail_key: str, own: bool) -> list[tuple[str, int]]:
    """`customer_keys` given the row's `email_key` and whether its name is its Company's
    (`is_its_company`), which `customer_facts` needs too: computed once per row."""
    # key_hash inlined (this runs for every imported row): on a 64-bit build hash() is
    # already a signed 64-bit int.
    keys: list[tuple[str, int]] = []
    email, phone, mobile, name, company = (c.get("email"), c.get("phone"), c.get("mobile"),
                                           c.get("name"), c.get("company"))
    if email:
        keys.append(("email", _hash(("e", mail_key))))
    # a Person row whose name is its Company ("Mrs. Fields Cookies" at MRS FIELDS COOKIES):
    # `own` (is_its_company is False for a row without a Company)
    forms = name_forms(name) if (phone or mobile) else ()
    if forms and (own or c.get("type") == "Company"):
        # a company's name ("Mrs. Fields Cookies") meets the holders of its name as written
        forms = (*forms, "\x01" + company_key(name))
    for number in (phone, mobile):
        if number:
            keys.append(("phone", _hash(("p", number))))
            for form in forms:   # the holders this name may be, found when others share it too
                keys.append(("phone", _hash(("pn", number, form))))
    if name and company:
        firm = company_key(company)
        mine = firm if own else name_key(name)        # a company's name: no title taken off
        keys.append(("name+company", _hash(("n", mine, firm))))
    elif name and not keys:      # a company's name as company_key compares it: "ACME Limited" is Acme Ltd
        if company_name(name, None, c.get("type")):       # no title taken off a company's name
            keys.append(("name", _hash(("n", company_key(name), ""))))
        else:
            person = name_key(name)
            keys.append(("name", _hash(("n", person, ""))))
            if parse_name(name).titled and (written := company_key(name)) != person:
                # a title may begin a company's name ("Mrs. Fields Cookies"): a row or record
                # of no Type meets a Company of that name as written
                keys.append(("name", _hash(("n", written, ""))))
    return keys


def customer_facts(clean: dict) -> tuple[tuple[str, str, bool], bool, str | None]:
    """What Planner.plan asks of a clean customer row that depends on the row alone:
    (whose phone it is: (name, email key, a company?), whether its email is a role's
    mailbox, and the name's Simplified form when it is a person's name in Chinese
    characters that `_maybe_script_person` looks up, else None). Computed where the row
    is prepared (prepare_customers: in the forked worker of importer.parallel on a big
    file), so the process that plans and writes only looks it up."""
    return _customer_facts(clean, email_key(clean.get("email")),
                           is_its_company(clean.get("name"), clean.get("company")))


def _customer_facts(clean: dict, key: str, own: bool) -> tuple[tuple[str, str, bool], bool, str | None]:
    """`customer_facts` given the row's `email_key` and `is_its_company` (see _customer_keys)."""
    name = clean.get("name") or ""
    email = clean.get("email")
    me = (name, email if key == email else key,     # the row's own text when equal: sent back as a reference
          clean.get("type") == "Company" or own)
    folded = None
    if not name.isascii() and clean.get("type") != "Company" and (len(name) < 4 or not company_parts(name)[1]):
        folded = simplified(name)
        if folded == name:
            folded = name
    return me, is_role_mailbox(email), folded


def _yes() -> bool:
    return True


def _shareable(kind: str, clean: dict, h: int) -> bool:
    """Whether the number of a clean customer or contact whose duplicate key is `h` may
    belong to several people (domain.duplicates.may_be_shared): a landline, not a mobile."""
    forms = name_forms(clean.get("name"))
    cid = clean.get("customer_id")
    for number in (clean.get("phone"), clean.get("mobile")):
        if not number:
            continue
        hashes = ([_hash(("p", number))] + [_hash(("pn", number, f)) for f in forms] if kind == "customer"
                  else [key_hash("cp", cid, number)] + [key_hash("cpn", cid, number, f) for f in forms])
        if h in hashes:
            return may_be_shared(number)
    return False


def _record_keys(kind: str, r: dict, nth: int = 0) -> list[tuple[str, int]]:
    cid = r.get("customer_id")
    if kind == "order":
        if r.get("order_number"):
            # An order is its number for that customer on that day: small shops restart
            # their numbering every year, and merged files reuse each other's numbers.
            return [("order number", key_hash("o", code_key(r["order_number"]), cid, r.get("order_date"),
                                              r.get("line_no") or 1))]
        return [("same order line", key_hash("f", cid, r.get("order_date"), r.get("product"),
                                            r.get("amount"), r.get("quantity"), nth))]
    if kind == "contact":
        keys = []
        if r.get("email"):
            keys.append(("email", key_hash("ce", cid, email_key(r["email"]))))
        forms = name_forms(r.get("name"))
        for f in ("phone", "mobile"):
            if r.get(f):
                keys.append(("phone", key_hash("cp", cid, r[f])))
                for form in forms:     # as customer_keys: the holders this name may be
                    keys.append(("phone", key_hash("cpn", cid, r[f], form)))
        if not keys and r.get("name"):
            keys.append(("name", key_hash("cn", cid, name_key(r["name"]))))
        return keys
    if kind == "opportunity":
        return [("name", key_hash("op", cid, (r.get("name") or "").casefold()))]
    if kind == "ticket":
        return [("subject", key_hash("t", cid, (r.get("subject") or "").casefold(), r.get("opened_at")))]
    if kind == "interaction":
        return [("same interaction", key_hash("i", cid, r.get("kind"), r.get("occurred_at"),
                                              (r.get("subject") or "").casefold(), (r.get("notes") or "")[:200]))]
    return []


# ----- the planner ---------------------------------------------------------------------------

@dataclass
class Planned:
    """A planned chunk: outcomes in row order and what to write."""

    outcomes: list[Outcome]
    creates: list[tuple[Outcome, dict]] = field(default_factory=list)
    updates: list[tuple[Outcome, str, dict, int]] = field(default_factory=list)
    new_customers: list[tuple[str, dict]] = field(default_factory=list)   # (placeholder, values)
    refunds: list[tuple[Outcome, str, dict]] = field(default_factory=list)  # stored orders a refund reduces


class Planner:
    """Classifies rows of one import, chunk by chunk, remembering keys across chunks."""

    def __init__(self, ent: Entity, mapping: Mapping, options: Options, store: StoreView):
        self.ent = ent
        self.mapping = mapping
        self.options = options
        self.store = store
        self.prep = RowPreparer(ent, mapping, options)
        self.row_warnings: dict[int, dict[str, str]] = {}   # rows kept without an unreadable field
        self._rejected: set[int] = set()    # rows refused while planning (their further lines with them)
        # a customers file's other-system ids (tag src:) -> (row, name, email) of the first
        # row giving it: a later row giving it to someone else is refused (_shared_source_id)
        self._source_people: dict[str, tuple[int, str, str]] = {}
        self._kept_notes: dict[int, str] = {}   # row -> its KEPT_NOTES, while its chunk is planned
        self._row_refunds: dict[int, refunds.RowRefund] = {}   # row -> its ROW_REFUND, likewise
        # refunds of orders an earlier import stored (importer.refunds), and their writes
        self.stored_refunds = (refunds.StoredRefunds(store.orders_numbered,
                                                     lambda cid: store.fetch("customer", [cid]).get(cid))
                               if ent.kind == "order" else None)
        self._refund_writes: list[tuple[Outcome, str, dict]] = []
        self.file_index = KeyIndex()
        self._store_index: KeyIndex | None = None
        self.linker = CustomerLinker(store, options, self.prep) if ent.kind != "customer" else None
        self._nth: dict[int, int] = {}
        self._lines: dict[tuple, int] = {}   # lines so far of each order (number, customer, date)
        # rows sharing an order number (importer.shop_orders), when the file has any
        self._order_rows = (OrderLines(options.amount_per, set(self.prep.source_of), options.order_folds,
                                       options.merged_further, options.merged_folds)
                            if options.amount_per or options.merged_further else None)
        # Whose phone is it (customers, contacts): (name key, email) of each row created in
        # this import and of each stored record with a phone. A landline two different names
        # share (a switchboard), or a mobile under another name and email, is not a
        # duplicate (`_two_people`).
        self._row_who: dict[int, tuple[str, str, bool]] = {}
        self._store_who: dict[int, tuple[str, str, bool]] = {}
        # The further holders of a key of this file after its first (file_index), in row
        # order: rows created beside a holder of their landline or role's mailbox under
        # another name, one row for each (name, email, company?) (the same answer of
        # `_two_people`). A row checks every holder in turn (`_first_same`), so that its
        # outcome is the same whatever the chunks: as if the file were planned in one pass.
        self._more_holders: dict[int, dict[tuple[str, str, bool], int]] = {}
        self.shared_phones = 0      # rows imported beside another name with their landline
        self.shared_mailboxes = 0   # ... with a role's mailbox (info@, sales@)
        self.maybe_same = 0         # rows kept apart from a holder whose name may be theirs
        self.maybe_examples: list[str] = []
        self._cities: CityNamesakes | None = None   # Chinese companies, stored and of this file
        self.maybe_company = 0      # new companies that may be another written with(out) its city
        self.maybe_company_examples: list[str] = []
        self._scripts: ScriptNamesakes | None = None   # the same, of names in the other Chinese script
        self.maybe_script = 0       # new companies whose name is another's in Traditional/Simplified
        self.maybe_script_person = 0    # new people likewise
        self.maybe_script_person_examples: list[str] = []
        self._person_scripts: dict[str, dict[str, list[tuple]]] | None = None   # simplified -> spelling -> (id or row, email)
        self.maybe_script_examples: list[str] = []
        self._turned: dict[str, dict[str, list[tuple[str, str, str]]]] | None = None   # see name_variants.add_turned
        self.maybe_turned = 0       # new people whose name is another's with the family name at the other end
        self.maybe_turned_examples: list[str] = []

    # -- store keys, built on first use --

    @property
    def store_index(self) -> KeyIndex:
        if self._store_index is None:
            idx = KeyIndex()
            if self.ent.kind == "customer":
                for seq, name, company, email, phone, mobile, _tags, kind in self.store.customer_rows():
                    for _how, h in customer_keys({"name": name, "company": company, "email": email,
                                                  "phone": phone, "mobile": mobile, "type": kind}):
                        idx.add(h, seq)
                    if phone or mobile or is_role_mailbox(email):
                        self._store_who[seq] = (name or "", email_key(email),
                                                kind == "Company" or is_its_company(name, company))
            else:
                counts: dict[int, int] = {}
                for r in self.store.kind_rows(self.ent.kind):
                    seq = int(r["id"].rsplit("-", 1)[1])
                    nth = 0
                    if self.ent.kind == "order" and not r.get("order_number"):
                        base = key_hash("f", r.get("customer_id"), r.get("order_date"), r.get("product"),
                                        r.get("amount"), r.get("quantity"))
                        nth = counts[base] = counts.get(base, -1) + 1
                    for _how, h in _record_keys(self.ent.kind, r, nth):
                        idx.add(h, seq)
                    if self.ent.kind == "contact" and (r.get("phone") or r.get("mobile")
                                                       or is_role_mailbox(r.get("email"))):
                        self._store_who[seq] = (r.get("name") or "", email_key(r.get("email")), False)
            idx.flush()
            self._store_index = idx
        return self._store_index

    # -- one chunk --

    def prepare_customers(self, rows: list[tuple[int, list]]) -> list[tuple]:
        """Normalise and validate customer rows: (row, clean values or None, problems or
        None, duplicate keys (`customer_keys`), what plan asks of the row (`customer_facts`)
        or None).

        Pure (no store, no memory of earlier rows), so it can run in a forked process
        (importer.parallel; the keys' hashes are the same there).
        """
        out: list[tuple] = []
        ctx = self.prep.context
        for number, values in rows:
            try:
                data, extra = self.prep.raw(values)
                warned: dict[str, str] = {}
                clean = self._customer(data, extra, ctx, warned)
                if self.options.erased and (hit := self.options.erased.match(clean)) is not None:
                    out.append((number, None, self._erased_problem(*hit), [], None))    # a person erased
                    continue
                # the email's key and whether the name is its Company's serve both (once per row)
                mail_key = email_key(clean.get("email"))
                own = is_its_company(clean.get("name"), clean.get("company"))
                out.append((number, clean, None, _customer_keys(clean, mail_key, own),
                            _customer_facts(clean, mail_key, own)))
                if warned:
                    self.row_warnings[number] = warned
            except ValidationFailed as exc:
                out.append((number, None, dict(exc.problems), [], None))
        return out

    def plan(self, rows: list[tuple[int, list]],
             prepared_customers: list[tuple] | None = None) -> Planned:
        """Classify one chunk. Customers may come already prepared (see prepare_customers)."""
        # (row, clean, keys, customer_facts or None, outcome when refused already)
        prepared: list[tuple[int, dict | None, list[tuple[str, int]], tuple | None, Outcome | None]] = []
        ctx = self.prep.context
        new_customers: list[tuple[str, dict]] = []
        if self.ent.kind == "customer":
            for number, clean, problems, keys, facts in (prepared_customers if prepared_customers is not None
                                                         else self.prepare_customers(rows)):
                if clean is None:
                    prepared.append((number, None, [], None,
                                     Outcome(number, "rejected", problems=problems)))
                elif (shared := self._shared_source_id(number, clean)) is not None:
                    prepared.append((number, None, [], None, Outcome(number, "rejected", problems=shared)))
                else:
                    prepared.append((number, clean, keys, facts, None))
        else:
            for number, values in rows:
                try:
                    if number in self.options.repeated_rows:
                        prepared.append((number, None, [], None, Outcome(
                            number, "duplicate", duplicate_of_row=self.options.repeated_rows[number],
                            matched_by="same in every column")))
                        continue
                    data, extra = self.prep.raw(values)
                    first = self._order_rows.of(number, data) if self._order_rows is not None else None
                    if first is not None and first in self._rejected:
                        # its line was to be added to a row not stored: refused with it, not lost
                        self._rejected.add(number)
                        column = self.prep.source_of.get("order_number", "Order number")
                        prepared.append((number, None, [], None, Outcome(number, "rejected", problems={
                            column: f"a further line of the order on row {first}, which was rejected: "
                                    "fix that row and import both again"})))
                        continue
                    if first is not None:
                        prepared.append((number, None, [], None, Outcome(
                            number, "duplicate", duplicate_of_row=first,
                            matched_by=MERGED_LINE if number in self.options.merged_further else FURTHER_LINE)))
                        continue
                    if number in self.options.not_done_rows:
                        from .activity_status import not_done_problem
                        self._rejected.add(number)
                        prepared.append((number, None, [], None, Outcome(number, "rejected", problems=not_done_problem(
                            *self.options.not_done_rows[number]))))
                        continue
                    if number in self.options.refund_rows:
                        prepared.append((number, None, [], None, self._refund_row(number)))
                        continue
                    if number in self.options.not_sale_rows:
                        from .transaction_types import not_a_sale_problem
                        prepared.append((number, None, [], None, Outcome(number, "rejected", problems=not_a_sale_problem(
                            *self.options.not_sale_rows[number]))))
                        continue
                    if number in self.options.related_rows:
                        said, about = self.options.related_rows[number]
                        column = self.prep.source_of.get("amount", "Amount")
                        prepared.append((number, None, [], None, Outcome(number, "rejected", problems={column: (
                            f"'{said or 'a movement'}' about transaction {about}: money of that payment held, "
                            "released or converted, not a sale of its own")})))
                        continue
                    warned: dict[str, str] = {}
                    if self.linker is not None:
                        self.linker.row_number = number
                    clean, new_cust = self._linked(data, extra, ctx, warned)
                    if self.ent.kind == "contact" and self.options.erased \
                            and (hit := self.options.erased.match(clean)) is not None:
                        # a contact is a person too: one erased at their request is not added
                        raise ValidationFailed(self._erased_problem(*hit))
                    if self.prep.refund_cols or number in self.options.refunds or self.prep.status_col is not None \
                            or self.prep.adjusted_col is not None:
                        self._refunded(number, values, clean, warned)
                    if "currency" in self.prep.kinds:
                        self._finer_than_minor(clean)
                    if number in self.options.shared_numbers:
                        from .order_numbers import shared_number_warning
                        column = self.prep.source_of.get("order_number", "Order number")
                        said = shared_number_warning(*self.options.shared_numbers[number])
                        warned[column] = f"{warned[column]}; {said}" if warned.get(column) else said
                    if self.ent.kind == "interaction" and _in_future(clean.get("occurred_at")):
                        column = self.prep.source_of.get("occurred_at", "Occurred At")
                        warned[column] = (f"{clean['occurred_at']} is in the future: an interaction is one that "
                                          "took place (a planned activity? remove it, or give the status column)")
                    if warned:
                        self.row_warnings[number] = warned
                    if new_cust is not None:
                        new_customers.append(new_cust)
                    keys = self._linked_keys(clean)
                except ValidationFailed as exc:
                    self._rejected.add(number)
                    prepared.append((number, None, [], None,
                                     Outcome(number, "rejected", problems=dict(exc.problems))))
                    continue
                prepared.append((number, clean, keys, None, None))

        all_keys = [h for p in prepared for _how, h in p[2]]
        file_hits = self.file_index.lookup(all_keys) if all_keys else {}
        dedupe = self.options.on_duplicate != "create"
        store_hits = self.store_index.lookup(all_keys) if (all_keys and dedupe) else {}

        planned = Planned([], new_customers=new_customers)
        planned.refunds, self._refund_writes = self._refund_writes, []
        pending: dict[int, int] = {}
        to_fetch: list[str] = []
        skipped: list[tuple[Outcome, str, dict]] = []    # duplicates of stored records, skipped
        people = self.ent.kind in ("customer", "contact")     # whose phone may be shared
        row_who = self._row_who
        more = self._more_holders
        for number, clean, keys, facts, rejected in prepared:
            if rejected is not None:
                planned.outcomes.append(rejected)
                continue
            assert clean is not None
            kept = clean.pop(KEPT_NOTES, None)
            if kept:
                self._kept_notes[number] = kept
            row_refund = clean.pop(ROW_REFUND, None)
            match_row = match_seq = None
            how_row = how_seq = None
            shared: list[str] = []          # phones this row shares with another name
            mailbox: list[str] = []         # ... and a role's mailbox
            if facts is not None:       # computed where the row was prepared (customer_facts)
                me, role_mailbox, folded = facts
            else:
                role_mailbox = people and is_role_mailbox(clean.get("email"))
                me = ((clean.get("name") or "", email_key(clean.get("email")),
                       clean.get("type") == "Company" or is_its_company(clean.get("name"), clean.get("company")))
                      if people else ("", "", False))
                folded = None
            maybe: list[str] = []           # holders this row may be: kept apart, said
            held: list[int] = []            # keys of this file's holders of its landline or mailbox
            keyed = clean if self.linker is None else self._keyed(clean)
            if dedupe:
                for how, h in keys:
                    r = file_hits.get(h)        # a holder in an earlier chunk is before this chunk's
                    if r is None:
                        r = pending.get(h)
                    s = store_hits.get(h)
                    if people and how == "phone" and (r is not None or s is not None):
                        if r is not None:
                            held.append(h)
                            r = self._first_same(me, h, r, shared, maybe,
                                                 lambda: _shareable(self.ent.kind, keyed, h))
                        if s is not None and (two := _two_people(me, self._store_who.get(s),
                                                                 lambda: _shareable(self.ent.kind, keyed, h))):
                            (maybe if two == UNSURE else shared).append(format_id(self.ent, s))
                            s = None
                    elif people and how == "email" and role_mailbox and (r is not None or s is not None):
                        # a role's mailbox (info@, sales@) several people share: another
                        # name is another person, as with a switchboard number
                        if r is not None:
                            held.append(h)
                            r = self._first_same(me, h, r, mailbox, maybe, _yes)
                        if s is not None and (two := _two_people(me, self._store_who.get(s), _yes)):
                            (maybe if two == UNSURE else mailbox).append(format_id(self.ent, s))
                            s = None
                    if r is not None and (match_row is None or r < match_row):
                        match_row, how_row = r, how
                    if s is not None and match_seq is None:
                        match_seq, how_seq = s, how
            if match_row is not None:
                self.row_warnings.pop(number, None)
                planned.outcomes.append(Outcome(number, "duplicate", duplicate_of_row=match_row,
                                                matched_by=how_row))
                continue
            if match_seq is not None:
                record_id = format_id(self.ent, match_seq)
                if self.ent.kind == "order" and number in self.options.refunds:
                    # a payment stored by an earlier import, refunded in this (overlapping) file
                    planned.outcomes.append(self._refund_of_stored_payment(number, record_id, clean, planned))
                    continue
                out = Outcome(number, "duplicate", record=record_id, matched_by=how_seq,
                              warnings=self.row_warnings.pop(number, None))
                planned.outcomes.append(out)
                if row_refund is not None:
                    self._row_refunds[number] = row_refund
                if self.options.on_duplicate != "update" and self.ent.kind in PROGRESSING:
                    # skipped: what the stored record lacks (or a refund) is said, never implied done
                    skipped.append((out, record_id, clean))
                if self.options.on_duplicate == "update":
                    planned.updates.append((out, record_id, clean, -1))
                    to_fetch.append(record_id)
                    for _how, h in keys:
                        pending.setdefault(h, number)
                    for h in held:
                        more.setdefault(h, {}).setdefault(me, number)
                    if people and (clean.get("phone") or clean.get("mobile") or role_mailbox):
                        row_who[number] = me     # later rows find whose number it is
                continue
            warned = self.row_warnings.pop(number, None)
            if shared:
                shared = [w for w in dict.fromkeys(shared) if w not in maybe]
            if shared:
                self.shared_phones += 1
                warned = {**(warned or {}), self._phone_label(): (
                    "the same phone as " + ", ".join(shared) + " under another name "
                    f"(a shared number): imported as a separate {self.ent.label}")}
            if mailbox := [w for w in dict.fromkeys(mailbox) if w not in maybe]:
                self.shared_mailboxes += 1
                warned = {**(warned or {}), self._email_label(): (
                    "the same email as " + ", ".join(mailbox) + " under another name "
                    f"(a role's shared mailbox): imported as a separate {self.ent.label}")}
            if maybe:
                warned = self._maybe_same(number, me[0], list(dict.fromkeys(maybe)), row_who, warned)
            if self.ent.kind == "customer" and not me[0].isascii():
                warned = self._maybe_company(number, clean, warned, folded)
            if self.ent.kind == "customer" and " " in me[0] and not me[2]:
                warned = self._maybe_turned(number, clean, warned)
            out = Outcome(number, "created", warnings=warned)
            planned.outcomes.append(out)
            planned.creates.append((out, clean))
            for _how, h in keys:
                pending.setdefault(h, number)
            for h in held:      # keys of holders this row is not: it holds them too, after them
                more.setdefault(h, {}).setdefault(me, number)
            if people and (clean.get("phone") or clean.get("mobile") or role_mailbox):
                row_who[number] = me

        if planned.updates:
            self._plan_updates(planned, to_fetch)
        if skipped:
            self._say_skipped(skipped)
        self._kept_notes.clear()
        self._row_refunds.clear()
        self.file_index.add_many(pending)
        return planned

    def _first_same(self, me: tuple[str, str, bool], h: int, first: int, others: list[str],
                    maybe: list[str], shareable) -> int | None:
        """The first row of this file holding key `h` (its landline, or its role's
        mailbox) that is the person `me` (`_two_people`), checking each holder in row
        order from `first`; the holders passed whose names do not say are added to
        `maybe`, and the first holder, when another person, to `others` (the warning
        names it, as it did when only the first holder was kept). None when no holder
        is this person."""
        row_who = self._row_who
        more = self._more_holders.get(h)
        holders = (first,) if more is None else (first, *more.values())
        for r in holders:
            two = _two_people(me, row_who.get(r), shareable)
            if not two:
                return r
            if two == UNSURE:
                maybe.append(f"row {r}")
            elif r == first:
                others.append(f"row {r}")
        return None

    def _erased_problem(self, field: str, day: str) -> dict[str, str]:
        """{column: reason} of a customer row refused as a person erased at their request
        (options.erased: services.suppression); checked where rows are prepared, so that
        a big import does it in its second process (importer.parallel)."""
        column = self.prep.source_of.get(field) or CUSTOMER.field(field).header
        return {column: self.options.erased.import_reason(day)}

    def _maybe_same(self, number: int, name: str, maybe: list[str], row_who: dict,
                    warned: dict | None) -> dict:
        """The warning of a row kept apart from holders of its phone whose names may be
        its own ("王先生" beside "王伟", "Mr Smith" beside "John Smith"): the names do not
        say, so it is a record of its own and the summary says so (`maybe_same`)."""
        whose = []
        for who in maybe:
            held = row_who.get(int(who[4:])) if who.startswith("row ") else self._store_who.get(
                int(who.rsplit("-", 1)[1]))
            whose.append(f"{who} ({held[0]})" if held and held[0] else who)
        self.maybe_same += 1
        if len(self.maybe_examples) < 3:
            self.maybe_examples.append(f"row {number} '{name}' / {whose[0]}")
        merge = "cims customer merge" if self.ent.kind == "customer" else f"cims {self.ent.kind} edit"
        return {**(warned or {}), self.prep.source_of.get("name") or "Name": (
            f"may be the same person as {', '.join(whose)} (the same phone; the names do not say whether "
            f"'{name}' is that person): imported as a separate {self.ent.label}; if they are one, "
            f"merge them ({merge})")}

    def _maybe_company(self, number: int, clean: dict, warned: dict | None,
                       folded: str | None = None) -> dict | None:
        """The warning of a new Chinese company whose name is a stored or earlier row's
        with a province or city written on one of them only (`CityNamesakes`): it may be
        that company or another, so it is made and said (`maybe_company`). `folded`: the
        name's Simplified form when customer_facts found it a person's (its test below)."""
        name = clean.get("name") or ""
        if folded is not None:
            return self._maybe_script_person(number, name, clean.get("email"), warned, folded)
        # a legal form is 3 characters or more with the name: a person's 2- or 3-character
        # name (most rows of a Chinese customer list) needs no look
        if clean.get("type") != "Company" and (len(name) < 4 or not company_parts(name)[1]):
            return self._maybe_script_person(number, name, clean.get("email"), warned)
        if self._cities is None:
            self._cities, self._scripts = CityNamesakes(), ScriptNamesakes()
            for seq, stored, *_rest in self.store.customer_rows():
                self._cities.add(format_id(CUSTOMER, seq), stored or "")
                self._scripts.add(format_id(CUSTOMER, seq), stored or "")
        assert self._scripts is not None
        found = self._cities.find(name)
        self._cities.add(f"row {number}", name)
        other_script = self._scripts.find(name)
        self._scripts.add(f"row {number}", name)
        if not found and other_script:
            return self._maybe_script(number, name, other_script, warned)
        if not found:
            return warned
        whose = ", ".join(f"{who} ({n})" for who, n in found[:3])
        self.maybe_company += 1
        if len(self.maybe_company_examples) < 3:
            self.maybe_company_examples.append(f"row {number} '{name}' / {whose}")
        return {**(warned or {}), self.prep.source_of.get("name") or "Name": (
            f"may be the same company as {whose} (a province or city is written on one name only): imported "
            "as a separate customer; if they are one, merge them (cims customer merge)")}

    def _maybe_script_person(self, number: int, name: str, email: object, warned: dict | None,
                             folded: str | None = None) -> dict | None:
        """The warning of a new person whose Chinese name is a stored or earlier row's in
        the other script (王偉 beside 王伟): one person written by a Hong Kong or Taiwan
        system and a mainland one, or two people, so it is made and said
        (`maybe_script_person`). Not when both have an email and the emails differ."""
        index = self._person_scripts
        if index is None:
            index = self._person_scripts = {}
            for seq, stored, _company, stored_email, *_rest in self.store.customer_rows():
                if stored and not stored.isascii():
                    spellings = index.setdefault(simplified(stored), {})
                    spellings.setdefault(stored, []).append((format_id(CUSTOMER, seq), stored_email))
        if folded is None:
            folded = simplified(name)
        spellings = index.get(folded)
        if spellings is None:
            index[folded] = {name: [(number, email)]}
            return warned
        found = []
        if len(spellings) > 1 or name not in spellings:
            mine = email_key(_text(email) or "")
            found = [(who if isinstance(who, str) else f"row {who}", n)
                     for n, held in spellings.items() if n != name for who, theirs in held
                     if not (mine and theirs and email_key(_text(theirs) or "") != mine)]
        held = spellings.setdefault(name, [])
        if len(held) < 8:           # a file of a thousand 王伟 stays linear
            held.append((number, email))
        if not found:
            return warned
        whose = ", ".join(f"{who} ({n})" for who, n in found[:3])
        self.maybe_script_person += 1
        if len(self.maybe_script_person_examples) < 3:
            self.maybe_script_person_examples.append(f"row {number} '{name}' / {whose}")
        return {**(warned or {}), self.prep.source_of.get("name") or "Name": (
            f"may be the same person as {whose} (the same name in Traditional and Simplified Chinese "
            "characters): imported as a separate customer; if they are one, merge them (cims customer merge)")}

    def _maybe_script(self, number: int, name: str, found: list[tuple[str, str]], warned: dict | None) -> dict:
        """The warning of a new Chinese company whose name is a stored or earlier row's
        written in the other script (`ScriptNamesakes`: 深圳明達 beside 深圳明达): a Hong Kong
        or Taiwan company and a mainland one of that name may be one or two, so it is made
        and said (`maybe_script`)."""
        whose = ", ".join(f"{who} ({n})" for who, n in found[:3])
        self.maybe_script += 1
        if len(self.maybe_script_examples) < 3:
            self.maybe_script_examples.append(f"row {number} '{name}' / {whose}")
        return {**(warned or {}), self.prep.source_of.get("name") or "Name": (
            f"may be the same company as {whose} (the same name in Traditional and Simplified Chinese "
            "characters): imported as a separate customer; if they are one, merge them (cims customer merge)")}

    def _maybe_turned(self, number: int, clean: dict, warned: dict | None) -> dict | None:
        """The warning of a new person whose name is a stored or earlier row's with the
        family name at the other end (`turned_names`: "Иван Иванов" beside "Иванов Иван",
        "Anna Kovács" beside "Kovács Anna"): one file wrote it family name first, the
        other given name first, or they are two people; so it is made and said
        (`maybe_turned`). Not when both have an email and the emails differ."""
        name = clean.get("name") or ""
        if self._turned is None:
            self._turned = {}
            for seq, stored, company, email, _phone, _mobile, _tags, kind in self.store.customer_rows():
                if stored and " " in stored and not company_name(stored, company, kind):
                    add_turned(self._turned, format_id(CUSTOMER, seq), stored, email or "")
        # the same words in any order first (cheap), then the order itself (turned_names)
        bag, order = word_bag(name)
        near = self._turned.get(bag)
        found = []
        if near and (len(near) > 1 or order not in near) and not company_name(name, clean.get("company"),
                                                                              clean.get("type")):
            email = email_key(clean.get("email"))
            turned = turned_names(name)
            found = [(who, n) for holders in near.values() for who, n, theirs in holders
                     if name_key(n) in turned and not (email and theirs and email_key(theirs) != email)]
        add_turned(self._turned, f"row {number}", name, clean.get("email") or "", (bag, order))
        if not found:
            return warned
        whose = ", ".join(f"{who} ({n})" for who, n in found[:3])
        self.maybe_turned += 1
        if len(self.maybe_turned_examples) < 3:
            self.maybe_turned_examples.append(f"row {number} '{name}' / {whose}")
        return {**(warned or {}), self.prep.source_of.get("name") or "Name": (
            f"may be the same person as {whose} (the same name with the family name at the other end): "
            "imported as a separate customer; if they are one, merge them (cims customer merge)")}

    def identity_inferences(self) -> list[dict]:
        """What the summary says about people this import could not tell apart, and
        customers it linked by a name written another way (see CustomerLinker)."""
        out = []
        if self.maybe_same:
            out.append({"what": "possibly the same person",
                        "decided": f"{self.maybe_same} row(s) kept as {self.ent.plural} of their own, "
                                   "with a warning",
                        "evidence": "the same phone as a row or record whose name may be the same person "
                                    "(a title with a family name alone, an initial, Jr.) but does not say: "
                                    + "; ".join(self.maybe_examples)})
        if self.maybe_company:
            out.append({"what": "possibly the same company",
                        "decided": f"{self.maybe_company} row(s) kept as customers of their own, with a warning",
                        "evidence": "a company's name with a province or city beside the same name without "
                                    "one: " + "; ".join(self.maybe_company_examples)})
        if self.maybe_turned:
            out.append({"what": "possibly the same person",
                        "decided": f"{self.maybe_turned} row(s) kept as customers of their own, with a warning",
                        "evidence": "a person's name written family name first beside the same name written "
                                    "given name first (Иванов Иван, Иван Иванов): "
                                    + "; ".join(self.maybe_turned_examples)})
        if self.maybe_script:
            out.append({"what": "possibly the same company",
                        "decided": f"{self.maybe_script} row(s) kept as customers of their own, with a warning",
                        "evidence": "a company's name in Traditional Chinese characters beside the same name in "
                                    "Simplified ones (or the other way round): "
                                    + "; ".join(self.maybe_script_examples)})
        if self.maybe_script_person:
            out.append({"what": "possibly the same person",
                        "decided": f"{self.maybe_script_person} row(s) kept as customers of their own, with a "
                                   "warning",
                        "evidence": "a person's name in Traditional Chinese characters beside the same name in "
                                    "Simplified ones (or the other way round), emails not differing: "
                                    + "; ".join(self.maybe_script_person_examples)})
        if self.linker is not None:
            out += self.linker.inferences()
        return out

    def _email_label(self) -> str:
        """The file's email column, as the summary names columns."""
        return self.prep.source_of.get("email") or "Email"

    def _phone_label(self) -> str:
        """The file's phone column(s), as the summary names columns."""
        src = self.prep.source_of
        return " / ".join(dict.fromkeys(src[k] for k in ("phone", "mobile") if k in src)) or "Phone"

    def _plan_updates(self, planned: Planned, ids: list[str]) -> None:
        current = self.store.fetch(self.ent.kind, ids)
        keep = []
        overwrite = self.options.update_mode == "overwrite"
        for out, record_id, clean, _v in planned.updates:
            rec = current.get(record_id)
            if rec is None:
                continue
            changes, added_to = self._changes(out, rec, clean, overwrite)
            if changes:
                out.action = "updated"
                out.changed = [self.ent.field(k).header + (" (added to)" if k in added_to else "")
                               for k in changes]
                keep.append((out, record_id, changes, rec["version"]))
        planned.updates = keep

    def _say_skipped(self, skipped: list[tuple[Outcome, str, dict]]) -> None:
        """Rows skipped as duplicates of stored records (--on-duplicate skip) of a kind a
        later download brings news of (PROGRESSING): what this row has that the stored
        record lacks (a ticket's first response, a payment's refund) is said as not
        applied, with the option that applies it; never as if it were stored."""
        current = self.store.fetch(self.ent.kind, [r for _o, r, _c in skipped])
        for out, record_id, clean in skipped:
            rec = current.get(record_id)
            if rec is None:
                continue
            said = dict(out.warnings or {})
            refund = self._row_refunds.pop(out.row, None)
            if refund is not None:
                state, _changes, what = refunds.refund_on_stored(refund, rec)
                cur = refund.currency
                if state == "apply":
                    after = ("it becomes Returned" if refund.what == "full"
                             else f"it then stores the {refund.kept} {cur} kept")
                    what = (f"refund of {refund.total} {cur} not applied: {record_id} is stored with "
                            f"{rec.get('amount')} {rec.get('currency') or cur} {rec.get('status') or ''}".rstrip()
                            + f" and this row was skipped as a duplicate; --on-duplicate update applies it ({after})")
                elif state == "already":
                    what = f"the refund of {refund.total} {cur} is stored already: {what}"
                else:
                    what = f"refund of {refund.total} {cur} not applied: {what}"
                said[refund.column] = what
            changes, _added = self._changes(out, rec, clean, False)
            for key in changes:
                if key in ("notes", "tags"):
                    continue
                f = self.ent.field(key)
                value = changes[key]
                shown = value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else value
                said[self.prep.source_of.get(key, f.header)] = (
                    f"{record_id} has no {f.header}; this file's {shown} was not filled in (the row was "
                    "skipped as a duplicate): --on-duplicate update fills it")
            out.warnings = said or None

    def _changes(self, out: Outcome, rec: dict, clean: dict, overwrite: bool) -> tuple[dict, set[str]]:
        """The changes the row `clean` makes to its stored record `rec` (fill: empty fields
        only; `overwrite`: every field the file has), and the fields added to. A payment's
        refund (ROW_REFUND) is brought to the stored order in both modes
        (refunds.refund_on_stored), and the row's warning says what was done."""
        ctx_currency = self.prep.context.get("currency")
        skip = {"customer_id", "line_no", "order_number", "tags", "owner", "source"}
        changes: dict = {}
        kept = self._kept_notes.get(out.row)
        added_to: set[str] = set()
        refund = self._row_refunds.get(out.row)
        by_refund: dict = {}
        if refund is not None:
            state, by_refund, what = refunds.refund_on_stored(refund, rec)
            if state == "blocked" and overwrite:
                what = f"{refund.total} {refund.currency} refunded; {what}: the file's amount and status written"
            elif state == "blocked":
                what = f"refund of {refund.total} {refund.currency} not applied: {what}"
            elif state == "already":
                what = f"the refund of {refund.total} {refund.currency} is stored already: {what}"
            out.warnings = {**(out.warnings or {}), refund.column: what}
            if state == "blocked" and overwrite:
                refund = None            # overwrite: the file's amount and status, as any other field's
        for f in self.ent.fields:
            if not f.editable or f.internal or f.key in skip:
                continue
            if refund is not None and f.key in ("amount", "status"):
                continue                 # the refund's to decide (above), in either mode
            new = clean.get(f.key)
            if new in (None, ""):
                continue
            old = rec.get(f.key)
            if f.key == "notes" and old not in (None, "") and kept:
                # Text kept from columns the file does not map is added to the stored
                # notes: it never replaces them (the file may have no Notes column).
                own = "notes" in self.prep.source_of and overwrite
                base = new[:-len(kept)].rstrip("\n") if new.endswith(kept) else ""
                start = base if own and base else old
                added = "\n".join(line for line in kept.split("\n") if line not in start.split("\n"))
                new = f"{start}\n{added}" if added else start
                if new != old:
                    changes[f.key] = new
                    added_to.add(f.key)
                continue
            if old not in (None, "") and not self._from_file(f.key):
                continue                 # the file has no column for it: nothing to overwrite with
            if f.default is not None and new == f.default and f.key not in self.prep.source_of:
                continue                 # a default filled in, not a value from the file
            if (f.key == "currency" and f.key not in self.prep.source_of
                    and new == ctx_currency and not any(k in changes for k in ("amount", "profit"))):
                continue                 # the store's (or --currency) filled in; no amount changed
            if old in (None, "") or (overwrite and old != new):
                changes[f.key] = new
        if clean.get("tags") and ("tags" in self.prep.source_of or SOURCE_TAG in clean["tags"]):
            # The file's tags are added to the stored ones, in both update modes: stored
            # tags are never removed (src: tags and segments people rely on).
            merged = _merge_tags(rec.get("tags"), clean.get("tags"))
            if merged != rec.get("tags"):
                changes["tags"] = merged
        if refund is not None and by_refund:
            if "notes" in by_refund:         # the refund's Notes line after what the row adds
                notes = str(changes.get("notes", rec.get("notes")) or "")
                by_refund["notes"] = f"{notes}\n{refund.note}" if notes else refund.note
                if "notes" in changes:
                    added_to.add("notes")
            changes.update(by_refund)
        return changes, added_to

    def _from_file(self, key: str) -> bool:
        """Whether the file has a column for field `key` (or for what it is made from)."""
        src = self.prep.source_of
        return key in src or any(k in src for k in _MADE_FROM.get(key, ()))

    # -- customers --

    def _customer(self, data: dict, extra: list[str], ctx: dict, warned: dict | None = None) -> dict:
        first, middle, last = data.pop("first_name", None), data.pop("middle_name", None), data.pop("last_name", None)
        if not data.get("name"):
            joined = _join_name(_text(first), _text(middle), _text(last), self.prep.family_first)
            if joined:
                data["name"] = joined
        elif first is not None or middle is not None or last is not None:    # (None parts say nothing)
            self.prep.keep_name_parts(data["name"], {"first_name": first, "middle_name": middle,
                                                     "last_name": last}, extra)
        is_company = data.pop("is_company", None)
        if is_company is not None and not data.get("type"):
            try:
                flag = nz.parse_bool(is_company)
            except ValueError as exc:
                raise ValidationFailed({self.prep.source_of.get("is_company", "Type"): str(exc)}) from None
            if flag is not None:
                data["type"] = "Company" if flag else "Person"
        if "is_company" in self.prep.source_of and data.get("type") == "Person":
            self._company_first(data)
        ref = code_text(_text(data.pop("customer_ref", None)))
        if ref:
            _add_tag(data, SOURCE_TAG + ref)
            if _own_shaped(ref):
                # "C-000001" from another system: cims's own C-000001 is another customer
                self.prep.context["own_shaped_refs"][ref.strip()] += 1
        _with_notes(data, extra)
        if not data.get("source"):
            data["source"] = "Import"
        if not data.get("name") and data.get("company"):
            # A row with only a company is the company itself.
            data["name"] = data["company"]
            data.setdefault("type", "Company")
        if not data.get("type") and not self.prep.typed_by_file and (
                form := legal_form(data.get("name")) or own_business_word(data.get("name"), data.get("company"))):
            # "Acme GmbH", "上海华联有限公司": a company, where the file has no Type column; so
            # is "山田商店", "Blue Sky Trading" (a business's word: legal_forms.business_word)
            data["type"] = "Company"
            self.prep.context["legal_forms"][form] += 1
        return validate(self.ent, data, ctx, self.prep, warned)

    def _shared_source_id(self, number: int, clean: dict) -> dict[str, str] | None:
        """The problem of a customers row whose other-system id (Customer ID, kept as tag
        src:ID) an earlier row of the file gave to another person: another name and
        another email (issue 14: both were created with one id, and every later file
        naming that id was refused as ambiguous). None when the id is new here or the
        rows are one person (the duplicate check then joins them)."""
        refs = source_ids(clean.get("tags"))
        if not refs:            # most rows: no other-system id, nothing to compare
            return None
        name = " ".join(str(clean.get("name") or "").split()).casefold()
        email = str(clean.get("email") or "").casefold()
        for ref in refs:
            key = code_key(ref)
            if key in NO_CUSTOMER_REF:
                continue                # a guest checkout's "0", "guest": no one's id
            first = self._source_people.get(key)
            if first is None:
                self._source_people[key] = (number, name, email)
                continue
            row, first_name, first_email = first
            if (name and name == first_name) or (email and email == first_email):
                continue
            column = self.prep.source_of.get("customer_ref", "Customer ID")
            return {column: f"'{ref}' is already the id of another customer on row {row} of this file (another "
                            "name and email): two customers cannot share one id; correct the id, or leave it "
                            "empty for one of them"}
        return None

    def _company_first(self, data: dict) -> None:
        """A person's name written "Company, Person" in a file that says which rows are
        companies (Odoo's display name: "Azure Interior, Brandon Freeman" with Is a
        Company False and Related Company "Azure Interior"): the person's name kept,
        the company being in Company already; counted for the summary. The row's own
        Company must begin the name, so no name is split on a guess ("Smith, John"
        without Company Smith stays as written)."""
        name, company = _text(data.get("name")), _text(data.get("company"))
        person = company_first_person(name, company) if name and company else None
        if person is None:
            return
        data["name"] = person
        header = self.prep.source_of.get("name", "Name")
        self.prep.context["company_first"][header] += 1
        examples = self.prep.context["company_first_examples"]
        examples[(name, person)] += 1
        for extra in sorted(examples)[3:]:      # the same three whichever process saw which rows
            del examples[extra]

    # -- orders, contacts, opportunities, tickets --

    def _linked(self, data: dict, extra: list[str], ctx: dict,
                warned: dict | None = None) -> tuple[dict, tuple[str, dict] | None]:
        assert self.linker is not None
        first, middle, last = (data.pop(k, None) for k in ("first_name", "middle_name", "last_name"))
        if "name" in self.prep.kinds and not data.get("name"):
            joined = _join_name(_text(first), _text(middle), _text(last), self.prep.family_first)
            if joined:
                data["name"] = joined
        elif data.get("name"):
            self.prep.keep_name_parts(data["name"], {"first_name": first, "middle_name": middle,
                                                     "last_name": last}, extra)
        _customer_from_parts(data, self.prep.family_first)
        unreadable = data.get(UNREADABLE)
        self._no_ref(data, unreadable, extra, warned)
        if unreadable and any(k in CUSTOMER_WHO for k in unreadable):
            # the customer cannot be told: never linked by the row's other values
            raise ValidationFailed({self.prep.source_of.get(k, k): cell.reason
                                    for k, cell in unreadable.items() if k in CUSTOMER_WHO})
        if unreadable and warned is not None:
            # A customer's phone, email, ... that cannot be read: left out (the customer is
            # still told by name or id), its text kept in the row's notes with a warning.
            for k in [k for k in unreadable if k.startswith("customer_")]:
                cell = unreadable.pop(k)
                label = self.prep.source_of.get(k, k)
                warned[label] = f"{cell.reason} (left empty; the text is kept in Notes)"
                extra.append(f"{label}: {cell.shown}")
            if not unreadable:
                data.pop(UNREADABLE)
        customer_id, new_customer = self.linker.resolve(data, ctx)
        if self.linker.unknown_ref is not None:
            # an id the store does not know, the customer found by email/phone: the id kept
            column, ref = self.linker.unknown_ref
            extra.append(f"{column}: {ref}")
        if warned is not None:
            for key, (reason, text) in self.linker.last_dropped.items():
                label = self.prep.source_of.get(key, key)
                warned[label] = f"{reason} (the new customer's {label} is left empty; the text is kept in Notes)"
                extra.append(f"{label}: {text}")
        if warned is not None:
            # a later row of a customer this file created: its own values the customer
            # lacks (or that cannot be read) kept with the row, never dropped (issue 14)
            for key, (reason, text) in self.linker.last_kept.items():
                label = self.prep.source_of.get(key, key)
                warned[label] = f"{reason} (not stored on the customer; the text is kept in Notes)"
                extra.append(f"{label}: {text}")
        if new_customer is not None and warned is not None and self.linker.last_maybe:
            column = self.prep.source_of.get("customer_name", "Customer")
            if self.linker.maybe_ref is not None:
                # an id no customer holds, the name of a customer holding another id
                warned[column] = (f"a new customer '{new_customer[1]['name']}' (id {self.linker.maybe_ref}), "
                                  f"possibly the same person as {', '.join(self.linker.last_maybe)}: the ids "
                                  "differ, so they were not joined; if they are one, `cims customer merge` "
                                  "joins them")
            else:
                warned[column] = (f"a new customer '{new_customer[1]['name']}', who may be "
                                  f"{', '.join(self.linker.last_maybe)} (the names do not say): give the row a "
                                  "Customer ID column to link it instead")
        if "deal_status" in data:
            self._deal_status(data, extra)
        _with_notes(data, extra, self.prep.keep_key or "notes")
        for k in [k for k in data if k.startswith("customer_") and k != "customer_id"]:
            data.pop(k)
        data["customer_id"] = customer_id if customer_id.startswith("C-") else "C-000000"
        if self.ent.kind == "order":
            number = _text(data.get("order_number"))
            if number and "line_no" not in data:
                order = (code_key(number), self.linker.stable(customer_id),
                         cell_text(data.get("order_date", "")).strip())
                self._lines[order] = line = self._lines.get(order, 0) + 1
                data["line_no"] = line
        clean = validate(self.ent, data, ctx, self.prep, warned)
        # a negative amount or quantity was refused by validate_record (models.refuse_negative)
        clean["customer_id"] = customer_id
        if new_customer is not None and self.options.erased and (
                hit := self.options.erased.match(new_customer[1])) is not None:
            # the row's customer would be a person erased at their request: not created again
            column = self.prep.source_of.get(f"customer_{hit[0]}") or CUSTOMER.field(hit[0]).header
            raise ValidationFailed({column: self.options.erased.import_reason(hit[1])})
        if new_customer is not None:
            self.linker.commit_new(new_customer)
        return clean, new_customer

    def _no_ref(self, data: dict, unreadable: dict | None, extra: list[str], warned: dict | None) -> None:
        """A row's other-system customer id that names nobody: WooCommerce's guest id `0`,
        `guest`, `-1`, `nan`, `none` (`NO_CUSTOMER_REF`) is no id (the row is linked by
        name and email); an error cell (#N/A) in the id column of a row that names its
        customer is no id either, said with a warning and its text kept in Notes."""
        ref = _text(data.get("customer_ref"))
        if ref and ref.casefold() in NO_CUSTOMER_REF:
            data.pop("customer_ref")
        has_name = any(_text(data.get(k)) for k in ("customer_name", "customer_first_name", "customer_last_name",
                                                       "customer_company"))
        if unreadable and "customer_ref" in unreadable and has_name and not (
                set(unreadable) & (CUSTOMER_WHO - {"customer_ref"})):
            cell = unreadable.pop("customer_ref")
            data.pop("customer_ref", None)
            label = self.prep.source_of.get("customer_ref", "Customer ID")
            if warned is not None:
                warned[label] = f"{cell.reason} (no customer id: the row is linked by its customer's name)"
            extra.append(f"{label}: {cell.shown}")
            if not unreadable:
                data.pop(UNREADABLE, None)

    def _deal_status(self, data: dict, extra: list[str]) -> None:
        """A deal status column (open / won / lost) over the Stage: a won or lost deal is Won
        or Lost whatever stage it was in, and that stage is kept with the other columns."""
        said = data.pop("deal_status")
        try:
            stage = deal_status_stage(said)
        except ValueError as exc:
            raise ValidationFailed({self.prep.source_of.get("deal_status", "Deal Status"): str(exc)}) from None
        if stage is None:
            return
        was = data.get("stage")
        if was not in (None, "") and str(was).strip().casefold() != stage.casefold():
            extra.append(f"{self.prep.source_of.get('stage', 'Stage')}: {cell_text(was).strip()}")
        data["stage"] = stage

    def _refund_row(self, number: int) -> Outcome:
        """A row that refunds a payment (importer.refunds): part of that payment, or
        rejected when the payment is not in the file."""
        paid = self.options.refund_rows[number]
        column = self.prep.source_of.get("amount", "Amount")
        if paid is not None and number in self.options.refund_other_currency:
            # listed: a refund in another currency than its payment's is not subtracted
            return Outcome(number, "rejected", problems={column: self.options.refund_other_currency[number]})
        if paid is not None:
            return Outcome(number, "duplicate", duplicate_of_row=paid, matched_by=refunds.REFUND_ROW)
        outside = self.options.refund_outside.get(number)
        if self.stored_refunds is not None and outside is not None:
            done = self.stored_refunds.apply(*outside, mark=self._amount_mark())
            if done is not None and done.action == "updated":
                out = Outcome(number, "updated", record=done.record, changed=list(done.changes),
                              warnings={column: done.warning})
                self._refund_writes.append((out, done.record, done.changes))
                return out
            if done is not None and done.action == "duplicate":
                return Outcome(number, "duplicate", record=done.record, matched_by=done.warning)
            if done is not None:
                return Outcome(number, "rejected", problems={column: done.warning})
        refs, own = (outside[0], outside[1]) if outside is not None else ([], [])
        if refs and not own:
            # no reference column (PayPal's "Reference Txn ID"): the only id is the refund's own
            why = (f"a refund that names no payment (its id {refs[0]!r} is its own; the file has no column "
                   "naming the payment it refunds), so which order it refunds cannot be told: not stored as "
                   "a sale; export the file with the payment's reference (PayPal: Reference Txn ID), or "
                   "subtract it from that order by hand")
        elif refs:
            why = (f"a refund of payment {refs[0]!r}, which is not in this file: not stored as a sale; import it "
                   "with its payment, or subtract it from that order by hand")
        else:
            why = ("a refund that names no payment, so which order it refunds cannot be told: not stored as a "
                   "sale; import it with its payment's reference, or subtract it from that order by hand")
        return Outcome(number, "rejected", problems={column: why})

    def _amount_mark(self) -> str | None:
        """The decimal mark the amount column was read with ("comma"/"point"), or None."""
        ctx = self.prep.context
        return (ctx.get("decimal_marks") or {}).get("amount") or ctx.get("decimal")

    def _refund_of_stored_payment(self, number: int, record_id: str, clean: dict, planned: Planned) -> Outcome:
        """A payment row that is an order stored before, with refund rows of this file
        folded into it (an overlapping download): the refunds are subtracted from the
        stored order as refund rows of a later file are (StoredRefunds: once, by their
        transaction ids), or the row is rejected saying why they were not."""
        self.row_warnings.pop(number, None)       # said of the row as if it were new: not so
        column = self.prep.source_of.get("amount", "Amount")
        assert self.stored_refunds is not None
        done = self.stored_refunds.apply([_text(clean.get("order_number"))], self.options.refund_ids.get(number, []),
                                         list(self.options.refunds[number]), _text(clean.get("currency")),
                                         mark=self._amount_mark())
        if done is not None and done.action == "updated" and done.record == record_id:
            out = Outcome(number, "updated", record=record_id, changed=list(done.changes),
                          warnings={column: done.warning})
            planned.refunds.append((out, record_id, done.changes))
            return out
        if done is not None and done.action == "duplicate":
            return Outcome(number, "duplicate", record=record_id, matched_by=done.warning)
        why = done.warning if done is not None else f"no stored order has number {clean.get('order_number')}"
        return Outcome(number, "rejected", problems={column: (
            f"this payment is stored already ({record_id}) and this file refunds it, but the refund was not "
            f"subtracted: {why}")})

    def _finer_than_minor(self, clean: dict) -> None:
        """Count the row's amounts written with more decimals than its currency's ISO 4217
        minor unit ("19.999" USD, "1.2345" EUR): stored exactly as written (the store keeps
        up to 4 decimals; none is rounded away), and said in the summary (context
        "finer_than_minor": (column, code) -> rows, with examples)."""
        code = clean.get("currency")
        if not isinstance(code, str) or len(code) != 3:
            return
        digits = money.minor_units(code)
        for target in self.prep._money_targets:
            amount = clean.get(target)
            if not isinstance(amount, Decimal) or not amount.is_finite():
                continue
            exponent = amount.normalize().as_tuple().exponent
            if isinstance(exponent, int) and -exponent > digits:
                column = self.prep.source_of.get(target, target)
                counts = self.prep.context.setdefault("finer_than_minor", Counter())
                examples = self.prep.context.setdefault("finer_than_minor_examples", {})
                counts[(column, code)] += 1
                shown = examples.setdefault((column, code), [])
                if len(shown) < 3:
                    shown.append(format(amount.normalize(), "f"))

    def _refunded(self, number: int, values: list, clean: dict, warned: dict) -> None:
        """Subtract what the row's refund columns and its refund rows refunded (importer.refunds)."""
        n = len(values)
        # a refund column whose heading names its currency ("Amount Refunded (EUR)"): its bare
        # amounts are in that currency (one in another than the order's is warned, not subtracted)
        # or a column of the refund's currency ("Refund Currency") does
        said = next((refunds._text(values[i]) for i in self.prep.refund_currency_cols
                     if i < n and refunds._text(values[i])), "")
        said = said.upper() if len(said) == 3 and said.isalpha() else None
        cells = [refunds.in_heading_currency(values[i], header_code(self.prep.headers[i]) or said)
                 for i in self.prep.refund_cols if i < n and not refunds.is_flag(values[i])]
        if self.options.amount_scales.get("amount") == "minor":
            # a payment API's amount_refunded is in minor units as its amount is (paid_amount.MINOR)
            cells = [refunds.from_minor(c, clean.get("currency")) for c in cells]
        cells += self.options.refunds.get(number, [])
        label = self.prep.headers[self.prep.refund_cols[0]] if self.prep.refund_cols else "Refund"
        if (at := self.prep.adjusted_col) is not None and at < n:
            # the total after refunds says all that was refunded (refund columns included)
            refunded, problem = refunds.adjusted_difference(values[at], clean, self._amount_mark())
            if problem:
                warned[self.prep.headers[at]] = problem
            if refunded is not None:
                cells, label = [refunded], self.prep.headers[at]
        at = self.prep.status_col
        if (at is not None and at < n and not any(_text(c) for c in cells)
                and (inside := refunds.refund_in_status(values[at])) is not None):
            # "已退款(￥50.00)": the status gives the amount refunded (a refund column of the
            # row, when filled, says it already)
            cells.append(refunds.status_refund_cell(inside, clean.get("currency") or None))
            label = self.prep.headers[at]
        if not cells:
            return
        charged = clean.get("amount")
        said = refunds.apply_refund(clean, cells, self._amount_mark())
        if said is not None and said.what in ("full", "partial") and isinstance(charged, Decimal):
            # kept for when the row is a payment stored before (a later download): the
            # refund is brought to the stored order, or said not to be (refunds.refund_on_stored)
            clean[ROW_REFUND] = refunds.RowRefund(
                label, said.what, said.total, charged, clean.get("amount"), _text(clean.get("currency")) or "",
                str(clean.get("notes") or "").split("\n")[-1])
        if said is not None and said[1] in ("full", "partial") and self.options.refund_ids.get(number):
            # the refunds applied, by id: a later download with them again does not subtract them twice
            clean["notes"] = f"{clean['notes']}\n{refunds.refund_lines(self.options.refund_ids[number])}"
        if said is not None and said[1] == "fraction":
            # as an amount with a fraction in a currency without one: refused, never rounded
            raise ValidationFailed({label: said[0]})
        if said is not None:
            warned[label] = said[0]

    def _keyed(self, clean: dict) -> dict:
        """`clean` with its customer as duplicate keys name it (CustomerLinker.stable)."""
        assert self.linker is not None
        cid = clean.get("customer_id")
        stable = self.linker.stable(cid) if cid else cid
        return clean if stable == cid else {**clean, "customer_id": stable}

    def _linked_keys(self, clean: dict) -> list[tuple[str, int]]:
        clean = self._keyed(clean)
        nth = 0
        if self.ent.kind == "order" and not clean.get("order_number"):
            base = key_hash("f", clean.get("customer_id"), clean.get("order_date"), clean.get("product"),
                            clean.get("amount"), clean.get("quantity"))
            nth = self._nth[base] = self._nth.get(base, -1) + 1
        return _record_keys(self.ent.kind, clean, nth)


@functools.lru_cache(maxsize=4096)
def names_one_customer(name: str, their_name: str, their_company: str = "", row_company: str = "") -> bool:
    """Whether a row's customer `name` may be the customer named `their_name`: not another
    person's (`name_match`: "Smith, John", "J. Smith", "Acme Limited" for "Acme Ltd"), the
    same company (`same_company`, also in Traditional characters: 深圳明達 for 深圳明达),
    the same person with the family name at the other end (`turned_names`), or the name of
    the customer's Company field `their_company` (a contact file's company of a person
    customer). `row_company`: the row's own Company column, compared as its name too.
    Cached: a file names one customer on many rows."""
    if name_match(name, their_name) != OTHER:
        return True
    mine = [n for n in (name, row_company) if n]
    theirs = [n for n in (their_name, their_company) if n]
    if any(same_company(simplified(a), simplified(b)) for a in mine for b in theirs):
        return True
    return _linked_name(their_name) in turned_names(name)


# Kinds whose customer column is the customer's own name (a contact's company, a deal's or
# an interaction's account): an id has one name there, so another name under it is another
# customer unless the row's email or phone is theirs (`_ref_not_another`). An order's name
# may be a billing name and a ticket's a requester, several of them under one id.
OWN_NAME_KINDS = frozenset({"contact", "opportunity", "interaction"})

# The row's customer columns a new customer is made from: (row target, customer field).
_NEW_CUSTOMER_FIELDS = (("customer_segment", "segment"), ("customer_country", "country"),
                        ("customer_postal_code", "postal_code"), ("customer_email", "email"),
                        ("customer_phone", "phone"), ("city", "city"), ("province", "province"),
                        ("customer_company", "company"))
# Details of a new customer left out when they cannot be read (the row is still stored).
_DROPPABLE = frozenset({"email", "phone", "postal_code", "segment"})
# The row's columns that tell its customer: unreadable, the row is refused.
# Other-system customer ids that name nobody (a shop's guest checkout, an empty cell
# exported by pandas): no id, the row is linked by its customer's name and email.
NO_CUSTOMER_REF = frozenset({"0", "guest", "-1", "nan", "none", "null"})
CUSTOMER_WHO = frozenset({"customer_name", "customer_ref", "customer_first_name", "customer_last_name",
                          "customer_company"})


def company_first_person(name: str, company: str) -> str | None:
    """The person's name of a name written "Company, Person" whose company part is
    `company` (as `_written_name` compares names: case, width and spacing aside):
    "Azure Interior, Brandon Freeman" at "Azure Interior" -> "Brandon Freeman". None
    when the name does not begin with the company and a comma, or what follows is no
    person's name (empty, no letter, or a legal form: "Acme, Inc." at "Acme")."""
    want = _written_name(company)
    at = name.find(",")
    while at != -1:
        if _written_name(name[:at]) == want:
            rest = " ".join(name[at + 1:].split())
            # "Acme, Inc." at Acme: what follows the comma is the company's legal form
            form_only = company_parts(f"{company} {rest}")[0] == company_parts(company)[0]
            if rest and any(c.isalpha() for c in rest) and not form_only and not company_name(rest) \
                    and not is_its_company(name, company):
                return rest
            return None
        at = name.find(",", at + 1)
    return None


def _customer_from_parts(data: dict, family_first: bool = False) -> None:
    """An order's customer given in parts (a shop's Billing First Name and Last Name, or
    only its Billing Company): joined into the customer's name, as a customer row's are
    (family name first when `family_first`: mapping.name_order)."""
    first, last = data.pop("customer_first_name", None), data.pop("customer_last_name", None)
    if _text(data.get("customer_name")):
        return
    joined = _join_name(_text(first), None, _text(last), family_first)
    if joined or _text(data.get("customer_company")):
        data["customer_name"] = joined or data["customer_company"]


def _merge_tags(old: str | None, new: str | None) -> str | None:
    """The stored tags with the file's added, each once whatever its case (the stored
    spelling kept: "VIP" and the file's "vip" are one tag)."""
    seen: dict[str, str] = {}
    for text in (old, new):
        for t in (text or "").split(","):
            t = t.strip()
            if t:
                seen.setdefault(nz.tag_key(t), t)
    return ", ".join(seen.values()) or None


# What a person can do about a phone number refused under the assumed region, in the
# terms of `cims import` and the Import sheet.
IMPORT_REGION_HINT = ("give the row's country in a Country column, or the file's with --region "
                      "(e.g. --region DE), or write the number with + and its country code")


def import_region_hint(examples: tuple[str, ...] = ()) -> str:
    """IMPORT_REGION_HINT naming the countries the file points to as the example
    (importer.phone_evidence: "--region TW" for a file of Taiwanese addresses) instead
    of --region DE, which stands for any country."""
    if not examples:
        return IMPORT_REGION_HINT
    shown = " or ".join(f"--region {r}" for r in examples)
    return IMPORT_REGION_HINT.replace("--region (e.g. --region DE)", f"{shown} (where the file points)")


# Why a further row of an order whose total its first row holds is not stored again.
def _in_future(when) -> bool:
    """Whether a date or time read from a row is after now (a day after today for a date)."""
    import datetime as _d

    if isinstance(when, _d.datetime):
        now = _d.datetime.now(when.tzinfo) if when.tzinfo else _d.datetime.now()
        return when > now + _d.timedelta(hours=1)
    if isinstance(when, _d.date):
        return when > _d.date.today() + _d.timedelta(days=1)
    return False


MERGED_LINE = "merged amount: a further line of that order, added to it; the amount is on that row"
FURTHER_LINE = "order number: a further line of that order, added to it; the total is on that row"
NEW_NAMES_KEPT = 10     # names of customers an import creates, kept for its summary


def _linked_name(name: str, firm: bool = False) -> str:
    """How an order's (contact's, ...) customer name finds a customer: as duplicate checks
    compare names (`name_key`: "Chen, Alice" is Alice Chen, "王 小明" is 王小明), a
    company's with no title taken off (`firm`: "Mrs. Fields Cookies", `written_key`; a
    legal form written another way is found as a company, and said), or as written when
    the name has no letters or digits."""
    return (written_key(name) if firm else name_key(name)) or name.casefold()


class CityNamesakes:
    """Chinese companies whose names differ by a province or city written on one only
    ("北京明达科技有限公司" and "明达科技"): they may or may not be one company
    (`company_core`), so the import makes both and says so, it does not merge them."""

    def __init__(self) -> None:
        self._with_city: dict[str, list[tuple[str, str]]] = {}   # name without its city -> (who, name)
        self._plain: dict[str, list[tuple[str, str]]] = {}       # name with no city -> (who, name)

    def add(self, who: str, name: str) -> None:
        if name and not name.isascii():
            core = company_core(name)
            index = self._with_city if core else self._plain
            index.setdefault(core or company_parts(name)[0], []).append((who, name))

    def find(self, name: str) -> list[tuple[str, str]]:
        """(who, name) of the companies added that `name` may be."""
        if not name or name.isascii():
            return []
        core = company_core(name)
        return list(self._plain.get(core, ()) if core else self._with_city.get(company_parts(name)[0], ()))


def _written_name(name: str) -> str:
    """A name as written, case, spacing and character width aside ("MARIA  GARCIA" and
    "Ｍａｒｉａ Garcia" are "maria garcia"); word order and commas count."""
    return " ".join((name if name.isascii() else unicodedata.normalize("NFKC", name)).casefold().split())


class CustomerLinker:
    """Finds or plans the customer an order/contact/opportunity/ticket row belongs to.

    By our own id (C-000123), by the source system's id (kept as tag "src:<id>"), or by
    name: as written, then as `name_key` compares names ("Mr. John Smith" is John Smith),
    then as a company (`same_company`: "ACME Limited" is Acme Ltd), then by the Company
    field of a stored customer (a person at Acme Ltd); a customer of this import's own
    found the same way. A name that finds several customers at one of these steps is
    not linked: the row is rejected naming them, and the id settles it. A customer not
    found is created (once per import) from the row's customer columns.
    """

    def __init__(self, store: StoreView, options: Options, prep: RowPreparer):
        self.store = store
        self.options = options
        self.prep = prep
        self._by_ref: dict[str, str] | None = None
        self._ref_holders: dict[str, list[str]] = {}   # other-system id -> stored ids, when several hold it
        self._by_name: dict[str, str] | None = None
        self._by_exact: dict[str, list[str]] = {}   # name as written (casefolded) -> ids: wins over _by_name
        self._evidence_of: dict[str, dict] = {}       # stored customer -> its record, for `_contradicts`
        self._by_email: dict[str, list[str]] = {}   # email_key -> stored ids
        self._by_base: dict[str, list[tuple[str, str]]] | None = None     # company_parts base -> (id, name)
        self._by_company: dict[str, list[tuple[str, str]]] | None = None  # the same, of the Company field
        self._names: dict[str, str] = {}        # id -> name (or company, when it has none), for messages
        self._named: set[str] = set()           # ids with a name
        self._bases_built = False
        self._new_bases: dict[str, list[tuple[str, str]]] = {}   # base -> (placeholder, name) of new ones
        self.refused: dict[str, dict[str, str]] = {}   # link key -> the problem of a name of several customers
        self.loose = 0                          # rows linked by a name written another way
        self.loose_examples: list[str] = []
        self.ambiguous = 0                      # rows not linked: the name finds several customers
        self.ambiguous_examples: list[str] = []
        self._by_family: dict[str, list[tuple[str, str]]] | None = None   # family form -> stored (id, name)
        self._new_family: dict[str, list[tuple[str, str]]] = {}          # the same, of new ones
        self._new_people: dict[str, tuple[str, str]] = {}    # name key -> (placeholder, name) of new ones
        self._cities: CityNamesakes | None = None   # Chinese companies, stored and new
        self.last_maybe: list[str] = []         # who the customer resolve() just planned may be
        self.maybe_ref: str | None = None       # the row's unknown id when last_maybe names a namesake with another id
        self.maybe = 0                          # new customers whose names may be another's
        self.maybe_examples: list[str] = []
        self._namesake_records: dict[tuple, dict[str, dict]] = {}   # stored namesakes, fetched once
        self._row: dict = {}                    # the row resolve() links now: its evidence
        self._evidence_used = False             # whether that row's evidence chose or refused
        self.seen: dict[str, str] = {}          # key -> record id or placeholder
        self.other_person = 0                   # rows refused: their name or id is an earlier row's other person
        self.other_person_examples: list[str] = []
        self.row_number = 0                     # the file row resolve() links now (set by the Planner)
        self.last_kept: dict[str, tuple[str, str]] = {}   # row target -> (reason, text): kept in Notes
        self._first_of: dict[str, tuple[int, str, str, str]] = {}   # "ref:" key -> (row, name, email, phone)
        self._new_values: dict[str, tuple[int, dict]] = {}   # link key -> (row, clean values) of a new customer
        self.new_count = 0
        self.new_names: list[str] = []         # the first NEW_NAMES_KEPT created, for the summary
        self.linked: set[str] = set()
        self.made: set[str] = set()             # customers this import created
        self.placeholder_of: dict[str, str] = {}  # id of a customer this import created -> its placeholder
        self._exists: dict[str, bool] = {}
        self._by_phone: dict[str, list[tuple[str, str]]] = {}   # last 7 digits -> (stored id, digits)
        self.unknown_ref: tuple[str, str] | None = None   # (column, id) of the row resolve() just linked by email/phone
        self._with_ref: set[str] = set()        # stored customers with another system's id (src:)
        # all-digit src: ids with leading zeros, by their digits without them ("00123" -> "123"):
        # a later file that lost the zeros (a CSV opened in Excel) names the same customer
        self._by_ref_digits: dict[str, list[tuple[str, str]]] = {}
        self.zeros_linked = 0                   # rows linked by an id that lost its leading zeros
        self.zeros_examples: list[str] = []
        self._ref_namesakes: list[str] = []     # an unknown id's namesakes holding another id
        self._ref_linked: dict[str, str] = {}   # "ref:<id>" -> how an unknown id's customer was found
        self.by_contact = 0                     # rows whose unknown customer id was linked by email/phone
        self.by_contact_examples: list[str] = []
        self.named_by_email = 0                 # new customers of no name, named after their email
        self.contact_only = 0                   # rows of no customer id or name linked by email/phone
        self.contact_only_examples: list[str] = []
        self.named_by_email_examples: list[str] = []

    def _load(self) -> None:
        if self._by_ref is not None:
            return
        self._by_ref, self._by_name = {}, {}
        self._by_base, self._by_company = {}, {}
        self._by_email = {}
        for seq, name, company, email, phone, mobile, tags, kind in self.store.customer_rows():
            rid = format_id(CUSTOMER, seq)
            if email:
                self._by_email.setdefault(email_key(email), []).append(rid)
            for number in {_digits(phone), _digits(mobile)} - {""}:
                if len(number) >= 7:
                    self._by_phone.setdefault(number[-7:], []).append((rid, number))
            for ref in source_ids(tags):
                held = self._by_ref.setdefault(code_key(ref), rid)
                if held != rid:
                    self._ref_holders.setdefault(code_key(ref), [held]).append(rid)
                self._with_ref.add(rid)
                if ref.isdigit() and ref.startswith("0") and ref.lstrip("0"):
                    self._by_ref_digits.setdefault(ref.lstrip("0"), []).append((rid, ref))
            if name:
                self._by_name.setdefault(_linked_name(name, company_name(name, company, kind)), []).append(rid)
                self._by_exact.setdefault(name.casefold(), []).append(rid)
                self._names[rid] = name
                self._named.add(rid)
            if company:
                self._names.setdefault(rid, company)
                # the company's base, as company_parts gives it, is computed on first use
                self._by_company.setdefault(company, []).append((rid, company))

    def _companies(self) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
        """(base -> stored customers of that name, base -> stored customers whose Company
        field it is), built the first time a name is not found as written."""
        assert self._by_base is not None and self._by_company is not None
        if not self._bases_built:
            self._bases_built = True
            for rid, name in self._names.items():
                if rid in self._named:
                    self._by_base.setdefault(company_parts(simplified(name))[0], []).append((rid, name))
            by_company: dict[str, list[tuple[str, str]]] = {}
            for company, holders in self._by_company.items():
                by_company.setdefault(company_parts(simplified(company))[0], []).extend(holders)
            self._by_company = by_company
        return self._by_base, self._by_company

    def _one(self, name: str, found: list[tuple[str, str]], how: str) -> str | None:
        """The one customer `found` (id, name) names, None for none; ValidationFailed
        naming them when they are several."""
        ids = list(dict.fromkeys(rid for rid, _ in found))
        if len(ids) <= 1:
            return ids[0] if ids else None
        fits, given = self._by_evidence(ids)
        if given and len(fits) == 1:
            return fits[0]          # the row's customer email, phone or postal code names one
        shown = ", ".join(f"{rid} ({self._names.get(rid) or dict(found).get(rid, '')})" for rid in ids[:4])
        why = (f"; the row's customer {'/'.join(given)} fits " + ("none of them" if not fits else ", ".join(fits))
               if given else "")
        column = self.prep.source_of.get("customer_name", "Customer")
        self.ambiguous += 1
        if len(self.ambiguous_examples) < 3:
            self.ambiguous_examples.append(f"'{name}': {shown}")
        raise ValidationFailed({column: (
            f"'{name}' is {how} of {len(ids)} customers: {shown}{why}; not linked to any of them. Give the row "
            f"a Customer ID column with the one meant (e.g. {ids[0]}) or the customer's Email, or merge them "
            "first (cims customer merge)")})

    def _has_evidence(self) -> bool:
        """Whether the row gives its customer's email, phone, postal code or Company."""
        return any(_text(self._row.get(k)) for k in ("customer_email", "customer_phone", "customer_postal_code",
                                                     "customer_company"))

    def _by_evidence(self, ids: list[str]) -> tuple[list[str], list[str]]:
        """(the stored customers among `ids` that every piece of the row's own customer
        evidence fits, what that evidence was: "email", "phone", "postal code", "company"). Customers
        of this import (placeholders) have no stored values and fit nothing."""
        data = self._row

        def plain(v: object) -> str:
            return "".join((_text(v) or "").split()).casefold()

        def digits_of(v: object) -> str:
            # "+44 (0)20 …" and "020 …" both end as the stored +4420…: compared by their last digits
            return re.sub(r"\D", "", (_text(v) or "").replace("(0)", "")).lstrip("0")

        given = []
        if email := email_key(plain(data.get("customer_email"))):    # as duplicate checks compare them
            given.append(("email", lambda r: email_key(plain(r.get("email"))) == email))
        if len(phone := digits_of(data.get("customer_phone"))) >= 6:
            given.append(("phone", lambda r: any(digits_of(r.get(f)).endswith(phone) and digits_of(r.get(f))
                                                 for f in ("phone", "mobile"))))
        if postal := plain(data.get("customer_postal_code")):
            given.append(("postal code", lambda r: plain(r.get("postal_code")) == postal))
        # The row's Company (customer_company), as same_company compares companies: a
        # namesake at that company is the one meant; a Company none of them has says nothing.
        company = _text(data.get("customer_company")) or ""
        if not given and not company:
            return list(ids), []
        stored = [i for i in ids if i.startswith("C-")]
        key = tuple(stored)
        records = self._namesake_records.get(key)
        if records is None:
            records = self._namesake_records[key] = self.store.fetch("customer", stored) if stored else {}
        fits = list(ids)
        for _what, test in given:
            fits = [i for i in fits if i in records and test(records[i])]
        used = [w for w, _ in given]
        if company:
            at = [i for i in fits if i in records and records[i].get("company")
                  and same_company(company, records[i]["company"])]
            if at:
                fits, used = at, used + ["company"]
        if used:
            self._evidence_used = True
        return fits, used

    def _in_store(self, name: str, firm: bool = False) -> tuple[str | None, str]:
        """The stored customer a name finds and how: "" as written or as name_key compares
        names (company_key when `firm`); "'Acme Ltd'" (the stored name) as a company;
        "Company 'Acme Ltd'" by the Company field of a customer."""
        assert self._by_name is not None
        found = self._by_exact.get(name.casefold()) or self._by_name.get(_linked_name(name, firm)) or []
        rid = self._one(name, self._named_not_contradicted(name, [(r, self._names.get(r, "")) for r in found]),
                        "the name")
        if rid is not None:
            return rid, ""
        by_base, by_company = self._companies()
        # Traditional and Simplified characters aside (深圳明達 is the stored 深圳明达: `simplified`)
        folded = simplified(name)
        base, _forms = company_parts(folded)
        named = self._uncontradicted([(r, n) for r, n in by_base.get(base, ()) if same_company(folded, simplified(n))])
        rid = self._one(name, named, "the name of a company")
        if rid is not None:
            return rid, f"'{dict(named)[rid]}'"
        working = self._uncontradicted([(r, c) for r, c in by_company.get(base, ())
                                        if same_company(folded, simplified(c))])
        rid = self._one(name, working, "the Company")
        return rid, (f"{self._names.get(rid, '')}, Company '{dict(working)[rid]}'" if rid else "")

    def _by_row_email(self) -> tuple[str | None, str]:
        """The one stored customer whose email is the row's customer email as duplicate
        checks compare them (`email_key`: case, Gmail dots and +tags), when the name
        finds none ("K. Becker" with KLAUS@BECKER.DE is the stored Klaus Becker)."""
        email = email_key(" ".join((_text(self._row.get("customer_email")) or "").split()))
        found = self._by_email.get(email, []) if email else []
        if len(found) != 1:
            return None, ""
        self._evidence_used = True      # this row's email chose: not the name's link for other rows
        return found[0], f"{self._names.get(found[0], found[0])}, by the email"

    def _by_row_phone(self, name: str | None) -> tuple[str | None, str]:
        """The one stored customer whose phone or mobile is the row's customer phone
        (compared by its last digits, so "0532 …" is the stored "+90 532 …"); a number that
        may be shared (a landline, `may_be_shared`) only when the names do not differ."""
        number = _digits(self._row.get("customer_phone"))
        if len(number) < 7:
            return None, ""
        found = list(dict.fromkeys(rid for rid, digits in self._by_phone.get(number[-7:], ())
                                   if digits.endswith(number) or number.endswith(digits)))
        if len(found) != 1:
            return None, ""
        rid = found[0]
        stored = self._names.get(rid, "")
        if name and stored and name_match(name, stored) == OTHER and may_be_shared("+" + number):
            return None, ""
        self._evidence_used = True
        return rid, f"{stored or rid}, by the phone"

    def _unknown_ref(self, ref: str, name: str | None, firm: bool) -> str | None:
        """The stored customer a row whose customer id the store does not know belongs to:
        an id of another system is no evidence against the row's other values, so it is
        found as it would be without the id: by the row's email, then its phone, then its
        name (as `_in_store`; not a customer who has another system's id of its own:
        K-77 is not the stored src:K-12 of the same name). None when none finds one.
        ValidationFailed when the name is that of several customers and nothing tells."""
        rid, how = self._by_row_email()
        if rid is None:
            rid, how = self._by_row_phone(name)
        if rid is None and name:
            rid, how = self._in_store(name, firm)
            if rid is not None and rid in self._with_ref and not self._other_email(rid):
                # another system's id of its own: maybe the same person under a new id, maybe a
                # namesake; created, with a warning naming them (never joined on the name alone)
                self._ref_namesakes = [f"{rid} ({self._names.get(rid, rid)}, whose id there is "
                                       f"{', '.join(r for r, held in self._by_ref.items() if held == rid)[:40]})"]
            if rid is not None and (rid in self._with_ref or self._other_email(rid)):
                return None
            how = f"{self._names.get(rid, rid)}, by the name" if rid is not None else ""
        if rid is None:
            return None
        self._ref_linked["ref:" + code_key(ref)] = how
        self._count_unknown_ref(ref, rid, how)
        return rid

    def _other_order(self, name: str) -> list[tuple[str, str]]:
        """(id or placeholder, name) of the customers, stored or of this import, whose name
        is this person's with its family name at the other end (`turned_names`: the stored
        "Иванов Иван" for "Иван Иванов", "Kovács Anna" for "Anna Kovács")."""
        assert self._by_name is not None
        found: list[tuple[str, str]] = []
        for turned in turned_names(name):
            found += [(rid, self._names.get(rid, "")) for rid in self._by_name.get(turned, ())]
            new = self._new_people.get(turned)
            if new is not None:
                found.append((self.seen.get(new[0][4:], new[0]), new[1]))
        return list(dict.fromkeys(found))

    def _in_other_order(self, name: str) -> tuple[str | None, str]:
        """The one customer whose name is this person's written the other way round
        (family name first in one file, given name first in the other) and whose stored
        email and phone the row's do not contradict (`_contradicts`); ValidationFailed naming
        them when several could be meant and the row's evidence picks none."""
        # a person's name turned round is no company's ("Stanley Morgan" is not "Morgan Stanley")
        candidates = [(rid, n) for rid, n in self._other_order(name) if not self._is_company(rid)]
        # many namesakes: `_one` refuses naming them or lets the row's evidence pick one
        found = [(rid, n) for rid, n in candidates if not self._contradicts(rid)] if len(candidates) <= 8 \
            else candidates
        if len(found) < len(candidates):
            self._evidence_used = True      # this row's email or phone ruled one out: not for other rows
        rid = self._one(name, found, "the name, in the other word order,")
        if rid is None:
            return None, ""
        return rid, f"'{dict(found)[rid]}', the same name in the other order"

    def _uncontradicted(self, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """`found` (customers a name written another way finds) without those the row's
        email or phone says are someone else (`_contradicts`); a few only (many: `_one`
        names them)."""
        if not found or len(found) > 8:
            return found
        kept = [(rid, n) for rid, n in found if not self._contradicts(rid)]
        if len(kept) < len(found):
            self._evidence_used = True      # this row's evidence ruled one out: not for other rows
        return kept

    def _named_not_contradicted(self, name: str, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The one stored customer of this name, unless the row's customer email or phone
        says it is someone else (`_contradicts`): then the row is refused naming it (the
        person may have a new address, or be another of that name: the file cannot say),
        or, when the row gives a customer id of its own, not taken. Several namesakes go to
        `_one` as they are (the row's evidence picks or it refuses)."""
        ids = list(dict.fromkeys(rid for rid, _ in found))
        if len(ids) != 1 or not self._contradicts(ids[0]):
            return found
        self._evidence_used = True
        if _text(self._row.get("customer_ref")):
            return []                   # a customer id of its own: that customer, made if need be
        column = self.prep.source_of.get("customer_name", "Customer")
        raise ValidationFailed({column: (
            f"'{name}' is {ids[0]} by name, but the row's customer email or phone is not that customer's; "
            f"not linked. Give the row a Customer ID column (e.g. {ids[0]}), or correct the email or phone")})

    def _record(self, rid: str) -> dict:
        """The stored customer `rid` (fetched once per import), {} when there is none."""
        record = self._evidence_of.get(rid)
        if record is None:
            record = self._evidence_of[rid] = self.store.fetch("customer", [rid]).get(rid) or {}
        return record

    def _is_company(self, rid: str) -> bool:
        """Whether the stored customer `rid` is a company (Type Company, or a legal form in
        its name); False for a customer of this import."""
        if not rid.startswith("C-"):
            return False
        record = self.store.fetch("customer", [rid]).get(rid) or {}
        return company_name(record.get("name") or "", record.get("company"), record.get("type"))

    def _contradicts(self, rid: str) -> bool:
        """Whether the row's customer email or phone says the stored customer `rid` is
        someone else: it has an email and the row gives another (as `email_key` compares
        them), or it has a phone or mobile and the row's customer phone is neither (last 7
        digits). A customer of this import, or one with no such value, is not contradicted."""
        if not rid.startswith("C-"):
            return False
        written_email, phone = _text(self._row.get("customer_email")), _digits(self._row.get("customer_phone"))
        if not written_email and len(phone) < 7:
            return False                # nothing to contradict with: no look-up
        record = self._evidence_of.get(rid)
        if record is None:
            record = self._evidence_of[rid] = self.store.fetch("customer", [rid]).get(rid) or {}
        email = email_key(" ".join((written_email or "").split()))
        if email and record.get("email") and email_key(record["email"]) != email:
            return True
        stored = {_digits(record.get(f))[-7:] for f in ("phone", "mobile")} - {""}
        return len(phone) >= 7 and bool(stored) and phone[-7:] not in stored

    def _other_email(self, rid: str) -> bool:
        """Whether the row gives its customer an email and the stored customer `rid` has
        another one (the same name at another address is another customer)."""
        email = email_key(" ".join((_text(self._row.get("customer_email")) or "").split()))
        if not email or not rid.startswith("C-"):
            return False
        stored = (self.store.fetch("customer", [rid]).get(rid) or {}).get("email")
        return bool(stored) and email_key(stored) != email

    def _zeros_lost(self, ref: str) -> str | None:
        """The one stored customer whose all-digit id is `ref` with leading zeros ("00123"
        for "123": the zeros a spreadsheet drops), counted for the summary; None when none
        or several are."""
        held = {rid: stored for rid, stored in self._by_ref_digits.get(ref, ())}
        if len(held) != 1:
            return None
        ((rid, stored),) = held.items()
        self.zeros_linked += 1
        example = f"{ref} -> {rid} (src:{stored})"
        if len(self.zeros_examples) < 3 and example not in self.zeros_examples:
            self.zeros_examples.append(example)
        return rid

    def _count_unknown_ref(self, ref: str, rid: str, how: str) -> None:
        self.unknown_ref = (self.prep.source_of.get("customer_ref", "Customer ID"), ref)
        self.by_contact += 1
        example = f"{ref} -> {rid} ({how})"
        if len(self.by_contact_examples) < 3 and example not in self.by_contact_examples:
            self.by_contact_examples.append(example)

    def _loosely(self, name: str, rid: str, how: str) -> None:
        self.loose += 1
        if len(self.loose_examples) < 3:
            self.loose_examples.append(f"'{name}' -> {rid if rid.startswith('C-') else 'a new customer'} ({how})")

    def inferences(self) -> list[dict]:
        """What the summary says about customers found by a name written another way, and
        names that found several customers (see the class)."""
        out = []
        if self.zeros_linked:
            out.append({"what": "customer ids that lost their leading zeros",
                        "decided": f"{self.zeros_linked} row(s) linked to the customer whose id has the zeros",
                        "evidence": "an all-digit id the store holds with leading zeros only (a spreadsheet "
                                    "drops them): " + "; ".join(self.zeros_examples)})
        if self.loose:
            out.append({"what": "customers found by a name written another way",
                        "decided": f"{self.loose} row(s) linked to a customer of that name",
                        "evidence": "legal forms (Ltd = Limited, 有限公司), Traditional and Simplified Chinese "
                                    "characters (深圳明達 = 深圳明达), a person's name in the other order (family "
                                    "name first or last: Иванов Иван = Иван Иванов), a customer's Company field: "
                                    + "; ".join(self.loose_examples)
                                    + ". A Customer ID column links a row to another customer."})
        if self.maybe:
            out.append({"what": "new customers who may be another",
                        "decided": f"{self.maybe} customer(s) created, with a warning on the row",
                        "evidence": "a name that may be a customer's but does not say (a title with a family "
                                    "name alone, an initial, Jr.; a company with a city written on one name only; "
                                    "a name in the other order with another email or phone): " + "; ".join(self.maybe_examples)
                                    + ". A Customer ID column links such a row; cims customer merge joins two."})
        if self.by_contact:
            out.append({"what": "customer ids the store does not know",
                        "decided": f"{self.by_contact} row(s) linked to the stored customer of their email or phone",
                        "evidence": "; ".join(self.by_contact_examples)
                                    + ". An id of another system is no evidence against the row's email, phone "
                                      "or name: the row is linked as it would be without it, and the id is kept "
                                      "in the row's Notes; a customer is created only when nothing finds one."})
        if self.contact_only:
            out.append({"what": "customers told by email or phone only",
                        "decided": f"{self.contact_only} row(s) with no customer id or name linked to the customer "
                                   "of their email or phone",
                        "evidence": "; ".join(self.contact_only_examples)
                                    + ". Emails are compared as duplicate checks compare them (case, Gmail dots "
                                      "and +tags), phones by their last digits; an email no customer has creates "
                                      "one named after it, a phone alone creates none (the row is rejected)."})
        if self.named_by_email:
            out.append({"what": "new customers without a name",
                        "decided": f"{self.named_by_email} named after their email address",
                        "evidence": "the row gives the customer's email (and perhaps an id) but no name: "
                                    + ", ".join(self.named_by_email_examples)
                                    + ". A customer is never named after an id of another system; a Customer "
                                      "Name column (or importing the customers first) names them."})
        if self.other_person:
            out.append({"what": "rows of another person under a customer's name or id",
                        "decided": f"{self.other_person} row(s) not linked (rejected, listed in the report)",
                        "evidence": "; ".join(self.other_person_examples)
                                    + ". The row's customer email or phone is not that of the customer an earlier "
                                      "row (or the store) gave this name or id. A Customer ID column of its own "
                                      "links such a row."})
        if self.ambiguous:
            out.append({"what": "customer names of several customers",
                        "decided": f"{self.ambiguous} row(s) not linked (rejected, listed in the report)",
                        "evidence": "; ".join(self.ambiguous_examples)
                                    + ". A Customer ID column (C-000123) says which one."})
        return out

    def resolve(self, data: dict, ctx: dict) -> tuple[str, tuple[str, dict] | None]:
        """(customer id or a new customer's placeholder, (placeholder, clean values) of a
        customer to create or None). ValidationFailed when the customer cannot be told.
        After it, `last_dropped` is {row target: (reason, text)} of the new customer's
        optional details that could not be read and were left out, and `last_kept` the
        same of a later row's customer values its customer (created by this file) lacks
        or that cannot be read: kept in the row's Notes (issue 14)."""
        self.last_kept = {}
        self._key = ""
        out = self._resolve(data, ctx)
        if self._key.startswith("ref:") and self._key not in self._first_of:
            self._first_of[self._key] = (self.row_number, _text(data.get("customer_name")) or "",
                                         self._row_email(), _digits(data.get("customer_phone")))
        return out

    def _row_email(self) -> str:
        """The row's customer email as `email_key` compares emails; "" when none or unreadable."""
        text = " ".join((_text(self._row.get("customer_email")) or "").split())
        try:
            return email_key(nz.normalize_email(text) or "") if text else ""
        except ValueError:
            return ""

    def _check_known(self, key: str, known: str, name: str | None, ref: str | None) -> None:
        """A later row of a link key an earlier row of this file resolved (`seen`): refused
        when it is plainly another person (ValidationFailed), else `last_kept` filled.

        - an other-system id whose rows disagree on the name AND the email (or the name and
          the phone) is refused naming the id and its first row;
        - a name of a customer this file created, with an email or phone not that
          customer's, is refused naming the row that created it (as a stored customer of
          that name would be: `_named_not_contradicted`);
        - the row's customer email and phone its customer (created by this file) lacks, or
          that cannot be read, go to `last_kept`."""
        email, phone = self._row_email(), _digits(self._row.get("customer_phone"))
        first = self._first_of.get(key) if key.startswith("ref:") else None
        if first is not None:
            self._ref_not_another(ref or key[4:], f"that of row {first[0]} ({first[1]})", name, *first[1:])
        new = self._new_values.get(key)
        if new is None:
            if known.startswith("C-") and key.startswith("name:") and name:
                self._named_not_contradicted(name, [(known, "")])
            return
        row, clean = new
        theirs_email = email_key(clean.get("email") or "")
        theirs_phone = {_digits(clean.get(f))[-7:] for f in ("phone", "mobile")} - {""}
        if key.startswith("name:") and name and (
                (email and theirs_email and email != theirs_email)
                or (len(phone) >= 7 and theirs_phone and phone[-7:] not in theirs_phone)):
            self._another_person(f"'{name}' of rows {row} and {self.row_number}")
            column = self.prep.source_of.get("customer_name", "Customer")
            raise ValidationFailed({column: (
                f"'{name}' is the new customer of row {row} by name, but the row's customer email or phone is "
                "not that customer's; not linked. Give the row a Customer ID column, or correct the email or "
                "phone")})
        written = _text(self._row.get("customer_email"))
        if written and not email:
            self.last_kept["customer_email"] = ("not an email address", written)
        elif email and email != theirs_email:
            self.last_kept["customer_email"] = (
                f"the customer created on row {row} has " + ("another email" if theirs_email else "no email"),
                written or "")
        written = _text(self._row.get("customer_phone"))
        if written and len(phone) < 7:
            self.last_kept["customer_phone"] = ("not a phone number (too few digits)", written)
        elif written and phone[-7:] not in theirs_phone:
            self.last_kept["customer_phone"] = (
                f"the customer created on row {row} has " + ("another phone" if theirs_phone else "no phone"),
                written)

    def _ref_not_another(self, ref: str, whose: str, name: str | None, their_name: str, their_email: str,
                         their_phone: str, their_company: str = "", strict: bool | None = None) -> None:
        """ValidationFailed when the row's customer name is another's than `their_name`
        (`_names_one`) and its email (as `email_key` compares them) or phone (last 7 digits)
        is not theirs either: one id `ref` given to two people. `whose` says where the id's
        customer comes from ("that of row 2 (Alice Wong)").

        `strict` (by default: a contact, deal or interaction, `OWN_NAME_KINDS`, whose
        customer column is the customer's own name): another name is refused unless the
        row's email or phone is theirs. Otherwise (an order's billing name, a ticket's
        requester) another name with one email stays linked, and with no email and phone
        to compare it is linked with a warning, its text kept in the row's Notes
        (`last_kept`): never joined without a word (issue 14)."""
        if not name or not their_name or self._names_one(name, their_name, their_company):
            return
        email, phone = self._row_email(), _digits(self._row.get("customer_phone"))
        their_email = email_key(their_email) if their_email else ""
        compared = [(w, mine == theirs) for w, mine, theirs, enough in (("email", email, their_email, 1),
                                                                       ("phone", phone[-7:], their_phone[-7:], 7))
                    if len(mine) >= enough and len(theirs) >= enough]
        differ = [w for w, same in compared if not same]
        if strict is None:
            strict = self.prep.ent.kind in OWN_NAME_KINDS
        column = self.prep.source_of.get("customer_ref", "Customer ID")
        if differ:
            self._another_person(f"id {ref}: '{their_name}' / '{name}'")
            raise ValidationFailed({column: (
                f"customer id '{ref}' is {whose}, but this row's customer name and {' and '.join(differ)} are "
                "another person's; not linked. Give each customer their own id, or leave the id empty to link "
                "the row by name")})
        if compared:
            return                      # another name, the same email or phone: one customer
        if strict:
            self._another_person(f"id {ref}: '{their_name}' / '{name}'")
            raise ValidationFailed({column: (
                f"customer id '{ref}' is {whose}, but this row names another customer ('{name}') and gives no "
                "email or phone of theirs to say it is the same one; not linked. Correct the id or the name, "
                "or leave the id empty to link the row by name")})
        self.last_kept["customer_name"] = (
            f"another name than that of customer id '{ref}' ({their_name}), linked by the id", name)

    def _one_holder(self, ref: str, name: str | None, ids: list[str]) -> str:
        """The one of several stored customers holding other-system id `ref` (tag src:,
        given to two customers by an earlier import or by hand) whose name the row's
        customer name may be (`_names_one`) and whose email and phone the row's do not
        contradict (`_contradicts`), the row's evidence (`_by_evidence`) settling
        between several; ValidationFailed naming them when none or several fit. Each row
        is decided on its own (never kept in `seen`)."""
        self._evidence_used = True
        fits = []
        for rid in ids:
            record = self._record(rid)
            if self._contradicts(rid):
                continue
            if name and not self._names_one(name, record.get("name") or record.get("company") or "",
                                            record.get("company") or ""):
                continue
            fits.append(rid)
        if len(fits) > 1:
            chosen, given = self._by_evidence(fits)
            fits = chosen if given and chosen else fits
        if len(fits) == 1:
            return fits[0]
        shown = ", ".join(f"{rid} ({self._names.get(rid, '')})" for rid in ids[:4]) + (" …" if len(ids) > 4 else "")
        self.ambiguous += 1
        if len(self.ambiguous_examples) < 3:
            self.ambiguous_examples.append(f"id {ref}: {shown}")
        column = self.prep.source_of.get("customer_ref", "Customer ID")
        raise ValidationFailed({column: (
            f"customer id '{ref}' is held by {len(ids)} customers in the store (tag src:{ref}): {shown}; this "
            f"row's customer name, email and phone fit {'none' if not fits else 'more than one'} of them; not "
            f"linked. Give the row our id (e.g. {ids[0]}), or merge them first (cims customer merge)")})

    def _names_one(self, name: str, their_name: str, their_company: str = "") -> bool:
        """Whether the row's customer `name` may be the customer named `their_name`
        (`names_one_customer`, the row's own Company column counted as its name too)."""
        return names_one_customer(name, their_name, their_company, _text(self._row.get("customer_company")) or "")

    def _another_person(self, example: str) -> None:
        self.other_person += 1
        if len(self.other_person_examples) < 3:
            self.other_person_examples.append(example)

    def _new_key(self, rid: str) -> str | None:
        """The link key of a customer this import created (or plans: its placeholder), else None."""
        if rid.startswith("new:"):
            return rid[4:]
        placeholder = self.placeholder_of.get(rid)
        return placeholder[4:] if placeholder else None

    def _resolve(self, data: dict, ctx: dict) -> tuple[str, tuple[str, dict] | None]:
        self._row = data
        self.last_dropped: dict[str, tuple[str, str]] = {}
        self.unknown_ref = None
        self._ref_namesakes = []
        self.maybe_ref: str | None = None       # the row's unknown id, when last_maybe names namesakes of another id
        # an id as a person reads it: "C001" with a zero-width space, "Ｃ００１" and "c001"
        # are C001 (domain.invisible.code_key), in the store's src: tags and in this file
        ref = code_text(_text(data.get("customer_ref")))
        name = _text(data.get("customer_name"))
        if name:
            try:
                name = nz.normalize_name(name)
            except ValueError as exc:
                raise ValidationFailed({self.prep.source_of.get("customer_name", "Customer"): str(exc)}) from None
        if not ref and not name:
            return self._by_contact_only(data, ctx)
        if ref and re.fullmatch(r"[Cc]-\d{1,9}", ref):
            # Shaped like our id, but an old system may number its customers C-78 too:
            # its id kept as a tag (src:C-78) counts as much as ours, and when both name
            # different customers the row says so instead of picking one.
            rid = f"C-{int(ref[2:]):06d}"
            exists = self._exists.get(rid)
            if exists is None:
                exists = self._exists[rid] = bool(self.store.fetch("customer", [rid]))
            self._load()
            assert self._by_ref is not None
            theirs = self._by_ref.get(code_key(ref))
            column = self.prep.source_of.get("customer_ref", "Customer")
            if exists and theirs is not None and theirs != rid:
                raise ValidationFailed({column: f"{ref} is our customer {rid}, and also {theirs}'s id in the "
                                                f"system it came from (tag src:{ref}); fix the id in the file "
                                                "to one of them"})
            if not exists and theirs is None:
                raise ValidationFailed({column: f"no customer {rid}"})
            rid = rid if exists else theirs
            if name:
                # our id names one customer, whose name we know: another's name on the row
                # means the id or the name is wrong (issue 14: never joined silently)
                record = self._record(rid)
                whose = "our customer" if exists else "by its id in the system it came from,"
                self._ref_not_another(ref, f"{whose} {rid} ({record.get('name') or record.get('company') or ''})",
                                      name, record.get("name") or record.get("company") or "",
                                      record.get("email") or "",
                                      _digits(record.get("phone")) or _digits(record.get("mobile")),
                                      record.get("company") or "", strict=True)
            self.linked.add(rid)
            return rid, None
        if not ref and name:
            # A stored customer of exactly this name first: "Chen, Alice" may be stored beside
            # "Alice Chen" (made before names were compared as name_key does).
            self._load()
            exact = self._by_exact.get(name.casefold())
            if exact is not None and len(exact) == 1:
                self._named_not_contradicted(name, [(exact[0], "")])    # refused when the email says otherwise
                self.linked.add(exact[0])
                return exact[0], None
        # a name that is the row's Company too, or has a legal form, is a company's
        firm = bool(name) and company_name(name or "", _text(data.get("customer_company")))
        key = ("ref:" + code_key(ref)) if ref else ("name:" + _linked_name(name or "", firm))
        known = self.seen.get(key)
        self._key = key
        if known is not None:
            self._check_known(key, known, name, ref)
            if key in self._ref_linked:
                self._count_unknown_ref(ref or "", known, self._ref_linked[key])
            if known.startswith("C-") and known not in self.made:
                self.linked.add(known)
            return known, None
        self._evidence_used = False
        if key in self.refused and not self._has_evidence():
            self.ambiguous += 1
            raise ValidationFailed(dict(self.refused[key]))
        self._load()
        assert self._by_ref is not None and self._by_name is not None
        if ref:
            rid = self._by_ref.get(code_key(ref))
            if rid is None and ref.isdigit() and not ref.startswith("0"):
                rid = self._zeros_lost(ref)
            if code_key(ref) in self._ref_holders:
                # several stored customers hold the id: the row's name, email and phone pick one
                rid = self._one_holder(ref, name, self._ref_holders[code_key(ref)])
            elif rid is not None and name:
                # the stored customer of this id, unless the row's name and email say another's
                record = self._record(rid)
                self._ref_not_another(ref, f"{rid} ({record.get('name') or ''}) by its id in the system it "
                                      "came from", name, record.get("name") or "", record.get("email") or "",
                                      _digits(record.get("phone")) or _digits(record.get("mobile")),
                                      record.get("company") or "")
            if rid is None and (rid := self._unknown_ref(ref, name, firm)) is not None:
                # the file's id names this customer in the rest of the file too (K-77 without an email)
                self.seen[key] = rid
                self.linked.add(rid)
                return rid, None
        else:
            assert name
            try:
                rid, how = self._in_store(name, firm)
                if rid is None:
                    rid, how = self._in_file(name)
                if rid is None:
                    rid, how = self._by_row_email()
                if rid is None and not firm:
                    rid, how = self._in_other_order(name)
            except ValidationFailed as exc:
                if not self._evidence_used:     # another row's evidence may still pick one
                    self.refused[key] = dict(exc.problems)
                raise
            if rid is not None and how and (new_key := self._new_key(rid)) is not None:
                # a customer of this file found by a name written another way: held to its values too
                self._check_known(new_key, rid, name, None)
            if rid is not None and how:
                self._loosely(name, rid, how)
        if rid is not None:
            # picked among namesakes by this row's evidence, or found by a name written
            # another way (other script, other order): each later row is checked on its own
            if not self._evidence_used and not (not ref and how):
                self.seen[key] = rid
            if rid.startswith("C-") and rid not in self.made:
                self.linked.add(rid)
            return rid, None
        # The new customer's placeholder is this row's link key (a name or an id, never
        # empty): every later row of that customer finds it in `seen`, and no row of
        # another customer can share it (issue 14: a loop variable once named `key` here
        # made "new:phone" of every customer whose phone could not be read, and all their
        # orders went to the last one created).
        placeholder = f"new:{key}"
        clean = self._new_customer(data, name, ref, ctx)
        self.last_maybe = self._may_be(name, firm) if name and not ref else []
        self.maybe_ref = None
        if ref and name and self._ref_namesakes:
            self.last_maybe, self.maybe_ref = self._ref_namesakes, ref
            self.maybe += 1
            if len(self.maybe_examples) < 3:
                self.maybe_examples.append(f"'{name}' (id {ref}) / {self._ref_namesakes[0]}")
        return placeholder, (placeholder, clean)

    def _by_contact_only(self, data: dict, ctx: dict) -> tuple[str, tuple[str, dict] | None]:
        """A row that names its customer by email or phone only (no id, no name: an orders
        file with an Email column, or an empty Name): the customer is found as duplicate
        checks compare them (email: case, Gmail dots and +tags; phone: its last digits), a
        stored customer first, then one this file creates. Not found: an email makes a new
        customer named after the address (`_email_as_name`, said in the summary); a phone
        alone makes none (a number names no one and may be shared): the row is refused
        naming the column and what settles it."""
        email, phone = self._row_email(), _digits(data.get("customer_phone"))
        if not email and len(phone) < 7:
            written = [self.prep.source_of[k] for k in ("customer_email", "customer_phone")
                       if k in self.prep.source_of and _text(data.get(k))]
            raise ValidationFailed({"Customer": "no customer id or name in this row" + (
                f", and its {' / '.join(written)} cannot be read to find one" if written else "")})
        key = f"email:{email}" if email else f"phone:{phone}"
        self._key = key
        known = self.seen.get(key)
        if known is not None:
            if known.startswith("C-") and known not in self.made:
                self.linked.add(known)
            self.contact_only += 1
            return known, None
        self._load()
        self._evidence_used = False
        rid, how = self._by_row_email() if email else (None, "")
        if rid is None and len(phone) >= 7:
            rid, how = self._by_row_phone(None)
        if rid is None:
            # an email (or phone) several stored customers share tells none of them: refused
            # naming them, never a new customer beside them
            several = (self._by_email.get(email, []) if email else []) or (
                list(dict.fromkeys(r for r, digits in self._by_phone.get(phone[-7:], ())
                                   if digits.endswith(phone) or phone.endswith(digits))) if len(phone) >= 7 else [])
            if len(several) > 1:
                column = self.prep.source_of.get("customer_email" if email else "customer_phone", "Customer")
                shown = ", ".join(f"{r} ({self._names.get(r, '')})" for r in several[:4])
                self.ambiguous += 1
                if len(self.ambiguous_examples) < 3:
                    self.ambiguous_examples.append(f"'{column}': {shown}")
                raise ValidationFailed({column: (
                    f"no customer id or name in this row, and its {'email' if email else 'phone'} is that of "
                    f"{len(several)} customers: {shown}; not linked. Give the row a Customer ID or name column, "
                    "or merge them first (cims customer merge)")})
        if rid is None:
            rid, how = self._new_by_contact(email, phone)
        if rid is not None:
            self.seen[key] = rid
            if rid.startswith("C-") and rid not in self.made:
                self.linked.add(rid)
            self.contact_only += 1
            example = f"{data.get('customer_email') or data.get('customer_phone')} -> " + (
                rid if rid.startswith("C-") else "a new customer of this file") + f" ({how})"
            if len(self.contact_only_examples) < 3 and example not in self.contact_only_examples:
                self.contact_only_examples.append(example)
            return rid, None
        if not email:
            column = self.prep.source_of.get("customer_phone", "Customer Phone")
            raise ValidationFailed({column: (
                "no customer id or name in this row, and no customer (stored or of this file) has the phone "
                f"{_text(data.get('customer_phone'))}; a phone alone creates no customer (it names no one and "
                "may be shared). Import the customers first, or give the file a customer name or email column "
                "(--map \"COLUMN=Customer Name\")")})
        placeholder = f"new:{key}"
        clean = self._new_customer(data, None, None, ctx)
        self.last_maybe = []
        self.maybe_ref = None
        return placeholder, (placeholder, clean)

    def _new_by_contact(self, email: str, phone: str) -> tuple[str | None, str]:
        """The one customer this import creates whose email (as `email_key` compares them)
        or phone (last 7 digits) is the row's: (its id, or its placeholder before then; how)."""
        found = []
        for key, (_row, clean) in self._new_values.items():
            if email and clean.get("email") and email_key(clean["email"]) == email:
                found.append(key)
            elif not email and len(phone) >= 7 and phone[-7:] in (
                    {_digits(clean.get(f))[-7:] for f in ("phone", "mobile")} - {""}):
                found.append(key)
        if len(found) != 1:
            return None, ""
        key = found[0]
        rid = self.seen.get(key, f"new:{key}")
        return rid, f"'{self._new_values[key][1].get('name')}' of this file, by the {'email' if email else 'phone'}"

    def _new_customer(self, data: dict, name: str | None, ref: str | None, ctx: dict) -> dict:
        """The clean values of the customer a row creates, from its customer columns
        (`_NEW_CUSTOMER_FIELDS`); its optional details that cannot be read (`_DROPPABLE`)
        left out and kept in `last_dropped` ({row target: (reason, text)}).
        ValidationFailed when the customer itself cannot be made, as when the row has no
        customer name: a customer is never named after its id (issue 14: "C001" with a
        zero-width space once made a customer called "C001")."""
        if not name and (name := self._email_as_name()) is None:
            column = self.prep.source_of.get("customer_ref", "Customer ID")
            named_by = self.prep.source_of.get("customer_name")
            raise ValidationFailed({column: (
                f"no customer has the id '{ref}' (in the store's src: tags or earlier in this file), and the row "
                + (f"has no {named_by} or customer email" if named_by else "gives no customer name or email")
                + " to create one; import the customers first, or give the file a customer name column "
                  "(--map \"COLUMN=Customer Name\")")})
        values = {"name": name, "source": "Import"}
        for target, field_key in _NEW_CUSTOMER_FIELDS:
            v = data.get(target)
            if v not in (None, ""):
                values[field_key] = v
        if name and (legal_form(name) or own_business_word(name, values.get("company"))):
            values["type"] = "Company"       # "Acme GmbH", "上海华联有限公司", "田中商事" (domain.legal_forms)
        if ref:
            values["tags"] = SOURCE_TAG + ref
        try:
            clean = validate_record(CUSTOMER, values, context=ctx)
        except ValidationFailed as exc:
            # Optional details of the new customer (phone, email, ...) that cannot be read
            # are left out (reported by _linked, their text kept in the row's notes); the
            # row is refused only when the customer itself (its name) cannot be made.
            by_header = {f.header: f for f in CUSTOMER.fields}
            soft = {by_header[h].key: r for h, r in exc.problems.items()
                    if h in by_header and not by_header[h].required and by_header[h].key in _DROPPABLE}
            if len(soft) != len(exc.problems):
                raise ValidationFailed({f"Customer {k}": v for k, v in exc.problems.items()}) from None
            target_of = {v: k for k, v in _NEW_CUSTOMER_FIELDS}
            for field_key, reason in soft.items():
                self.last_dropped[target_of[field_key]] = (reason, cell_text(values.pop(field_key)).strip())
            try:
                clean = validate_record(CUSTOMER, values, context=ctx)
            except ValidationFailed as exc2:
                self.last_dropped = {}
                raise ValidationFailed({f"Customer {k}": v for k, v in exc2.problems.items()}) from None
        return clean

    def _email_as_name(self) -> str | None:
        """The name of a new customer whose row gives no name but an email (a payment
        export's customer id and email): the address, as a person would know them by it
        (counted for the summary); None when the row has no readable email either."""
        email = _text(self._row.get("customer_email"))
        try:
            email = nz.normalize_email(" ".join((email or "").split())) if email else None
        except ValueError:
            email = None
        if email is None:
            return None
        self.named_by_email += 1
        if len(self.named_by_email_examples) < 3:
            self.named_by_email_examples.append(email)
        return email

    def _may_be(self, name: str, firm: bool = False) -> list[str]:
        """Customers, stored or of this import, whose names may be this new one's
        (`name_match` not OTHER: "王伟" for "王先生", "John Smith" for "J. Smith"), as
        "C-000001 (王伟)"; counted for the summary."""
        found = self._city_namesakes(name)
        if not found and not firm:
            # the name the other way round, of a customer whose email or phone is another's
            found = [f"{rid} ({n})" if rid.startswith("C-") else f"'{n}' of this file"
                     for rid, n in self._other_order(name)]
        if found:
            self.maybe += 1
            if len(self.maybe_examples) < 3:
                self.maybe_examples.append(f"'{name}' / {found[0]}")
            return found[:3]
        forms = name_forms(name) if not firm else ()      # a company's name is no person's
        if not forms:
            return []
        if self._by_family is None:
            self._by_family = {}
            for rid in self._named:
                theirs = name_forms(self._names[rid])
                if theirs:
                    self._by_family.setdefault(theirs[-1], []).append((rid, self._names[rid]))
        found = [f"{rid} ({n})" if rid.startswith("C-") else f"'{n}' of this file"
                 for rid, n in (*self._by_family.get(forms[-1], ()), *self._new_family.get(forms[-1], ()))
                 if name_match(name, n) != OTHER]
        if found:
            self.maybe += 1
            if len(self.maybe_examples) < 3:
                self.maybe_examples.append(f"'{name}' / {found[0]}")
        return found[:3]

    def _city_namesakes(self, name: str) -> list[str]:
        """Customers, stored or of this import, whose name is this Chinese company's with
        a province or city written on one of the two only (`CityNamesakes`)."""
        if name.isascii():
            return []
        if self._cities is None:
            self._cities = CityNamesakes()
            for rid in self._named:
                self._cities.add(rid, self._names[rid])
        return [f"{rid} ({n})" if rid.startswith("C-") else f"'{n}' of this file"
                for rid, n in self._cities.find(name)]

    def _in_file(self, name: str) -> tuple[str | None, str]:
        """A customer this import creates whose name is this company's, written another
        way ("ACME Limited" after "Acme Ltd"): (its id, or its placeholder before then;
        its name as the row that made it wrote it)."""
        folded = simplified(name)
        base, _forms = company_parts(folded)
        found = [(p, n) for p, n in self._new_bases.get(base, ()) if same_company(folded, simplified(n))]
        placeholder = self._one(name, found, "the name of a company")
        if placeholder is None:
            return None, ""
        return self.seen.get(placeholder[4:], placeholder), f"'{dict(found)[placeholder]}' of this file"

    def commit_new(self, new: tuple[str, dict]) -> None:
        placeholder, clean = new
        key = placeholder[4:]
        if key in self.seen:
            # resolve() plans a new customer only for a key no row has yet: a second one
            # under it would link its rows to the first (never silently: see `resolve`)
            raise RuntimeError(f"two new customers of one import share the link {placeholder!r}")
        self.seen[key] = placeholder
        self._new_values[key] = (self.row_number, clean)
        if key.startswith("name:"):
            self._new_bases.setdefault(company_parts(simplified(clean["name"]))[0], []).append(
                (placeholder, clean["name"]))
            forms = name_forms(clean["name"])
            if forms:
                self._new_family.setdefault(forms[-1], []).append((placeholder, clean["name"]))
                self._new_people.setdefault(key[5:], (placeholder, clean["name"]))
            if self._cities is not None:
                self._cities.add(placeholder, clean["name"])
        self.new_count += 1
        if clean.get("type") == "Company" and (form := legal_form(clean.get("name"))
                                               or own_business_word(clean.get("name"), clean.get("company"))):
            self.prep.context["legal_forms"][form] += 1
        if len(self.new_names) < NEW_NAMES_KEPT:
            self.new_names.append(clean["name"])

    def created(self, placeholder: str, record_id: str) -> None:
        self.seen[placeholder[4:]] = record_id
        self.made.add(record_id)
        self.placeholder_of[record_id] = placeholder

    def stable(self, customer_id: str) -> str:
        """The customer as this import's duplicate keys and order lines name it: the
        placeholder of one it created, before and after it was written (the rows of a
        later chunk link to its id), so that a real run finds what its dry run finds."""
        return self.placeholder_of.get(customer_id, customer_id)


def _joined_phone_parts(before: object, part: object) -> str:
    """A phone number's parts joined with a space ("212" + "555-0123", "03" + "1234" +
    "5678"); a part written whole with + or 00 and its country code is the number itself."""
    text = str(part).strip()
    if text.startswith(("+", "00")) and sum(ch.isdigit() for ch in text) >= 8:
        return text
    return f"{str(before).strip()} {text}"


def phone_parts_view(mapping, columns: list[int], area_prefix: str = ""):
    """For a file whose phone or mobile number is written in parts (mapping.phone_parts,
    mapping.mobile_parts): a function giving a copy of a row with the parts joined into one
    cell (the first part that is neither an area code nor a country code: "Phone" of
    "Country Code" + "Area Code" + "Phone"), the other parts blank, so the phone evidence
    (region, validity) weighs whole numbers, as they are stored; else None. A country code
    part writes the number as +code area number."""
    if not mapping.phone_parts and not mapping.mobile_parts:
        return None
    from .mapping import is_area_code, is_dial_part, is_mobile_area

    groups = []
    for group in (mapping.phone_parts, mapping.mobile_parts):
        if not group:
            continue
        heads = {columns[j]: mapping.columns[j].header for j in group}
        cols = [columns[j] for j in group]
        dials = frozenset(c for c, h in heads.items() if is_dial_part(h))
        areas = frozenset(c for c, h in heads.items() if is_area_code(h) or is_mobile_area(h))
        lead = next((c for c in cols if c not in areas and c not in dials), cols[0])
        groups.append((cols, dials, areas, lead))

    def joined(values: list) -> list:
        out = list(values)
        for cols, dials, areas, lead in groups:
            text = _joined_group(values, cols, dials, areas, area_prefix)
            for c in cols:
                if c < len(out):
                    out[c] = None
            if lead < len(out):
                out[lead] = text or None
        return out

    return joined


def _joined_group(values: list, cols: list[int], dials: frozenset[int], areas: frozenset[int],
                  area_prefix: str) -> str:
    """One number's parts of a row joined (phone_parts_view)."""
    text = ""
    dialled = None
    parts = [(c, values[c]) for c in cols if c < len(values) and values[c] is not None
             and not is_blank_cell(values[c])]
    for c, v in parts:
        part = cell_text(v).strip()
        if len(parts) > 1 and not any(ch.isdigit() for ch in part):
            continue                        # "N/A", "-" in one part: no digits of the number
        if c in dials:
            code = _dial_digits(part)
            if code is not None and len(parts) > 1:
                # "+7", "7", "007": the number is written with its country code, read
                # there (a trunk prefix is that country's, never the file's region's)
                dialled = region_for_dial_code(code)
                text = "+" + code
            continue
        if dialled is not None and c in areas and part.isdigit() and _keeps_zero(dialled) \
                and not part.startswith("0"):
            part = "0" + part               # Italy's "6" for Rome's "06": the 0 follows +39
        elif dialled is None and area_prefix and c in areas and part.isdigit() \
                and not part.startswith(area_prefix):
            part = area_prefix + part       # "3" typed as a number for "03" (importer.area_codes)
        text = _joined_phone_parts(text, part) if text else part
    return text


def _dial_digits(text: str) -> str | None:
    """The country calling code a cell of a "Country Code" column gives ("+44", "44", "0044",
    "1-284"), as digits; None for one that is not a calling code (an ISO code "GB")."""
    text = text.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits or any(ch.isalpha() for ch in text):
        return None
    if text.startswith("00"):
        digits = digits[2:]
    return digits if 1 <= len(digits) <= 4 and region_for_dial_code(digits) else None


@functools.lru_cache(maxsize=256)
def _keeps_zero(region: str | None) -> bool:
    """Whether the region's fixed-line numbers begin with 0 after the country code (Italy,
    San Marino, Vatican: +39 06 …), phonenumbers' metadata: an area code typed as a
    number lost that 0."""
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region(region) if region else None
    pattern = meta.fixed_line.national_number_pattern if meta is not None and meta.fixed_line else ""
    return bool(pattern) and all(alt.startswith("0") for alt in _top_level(pattern))


def _top_level(pattern: str) -> list[str]:
    """A regular expression's top-level alternatives ("0(?:1|2)|0(?:3)" -> two)."""
    out, depth, start = [], 0, 0
    for k, ch in enumerate(pattern):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:k])
            start = k + 1
    return out + [pattern[start:]]


def _cjk(ch: str) -> bool:
    """A Chinese character, kana or hangul (text written without spaces between words)."""
    return bool(ch) and (0x2E80 <= ord(ch) <= 0x9FFF or 0xAC00 <= ord(ch) <= 0xD7AF
                         or 0xF900 <= ord(ch) <= 0xFAFF or 0xFF66 <= ord(ch) <= 0xFF9F)


def _name_words(text: str) -> list[str]:
    """A name's words as a display name is compared with it: case, commas and quotes aside,
    in any order ("Roe, Bob" is "Bob Roe")."""
    return sorted(w for w in re.split(r"[\s,.\"']+", nz.search_key(text) if text else "") if w)


def _same_name_words(shown: list[str], own: list[str]) -> bool:
    """Whether a display name's words are the row's name's: each word once, an initial
    ("Lee, A." for "Ann Lee") standing for a word it begins."""
    left = list(own)
    initials = []
    for word in shown:
        if word in left:
            left.remove(word)
        elif len(word) == 1:
            initials.append(word)
        else:
            return False
    for letter in initials:
        match = next((w for w in left if w.startswith(letter)), None)
        if match is None:
            return False
        left.remove(match)
    return not left


def mailbox_list(text: str) -> list[tuple[str, str]]:
    """The mailboxes of a cell written as a mail program writes recipients ("Roe, Bob
    <bob@x.com>", "\"Doe, Cy\" <cy@x.com>; \"Doe, Dee\" <dee@x.com>"): [(display name,
    address)], read with email.utils.getaddresses (RFC 5322). An unquoted "Last, First"
    is one display name (getaddresses splits it at the comma: the piece with no @ is put
    back before the next address). [] when some piece is neither a name nor an address
    with one @."""
    from email.utils import getaddresses

    out: list[tuple[str, str]] = []
    pending: list[str] = []
    for name, addr in getaddresses([text.replace(";", ",")]):
        if addr.count("@") == 1 and "." in addr.rsplit("@", 1)[1]:
            shown = ", ".join([*pending, name] if name else pending).strip().strip('"').strip()
            out.append((shown, addr))
            pending = []
        elif addr or name:
            if "@" in addr or "@" in name:
                return []
            pending.append((name + " " + addr).strip() if name else addr)
    return out if out and not pending else []


def _joined_address(before: str, part: str) -> str:
    """The parts of one street address joined: ", " between Latin lines ("12 Main St",
    "Apt 4"); nothing between two CJK parts ("朝阳区" + "建国路88号"); a space where
    one side is CJK ("丸の内1-1-1" + "丸の内ビル5F")."""
    before, part = str(before).rstrip(), str(part).strip()
    ends, starts = _cjk(before[-1:]), _cjk(part[:1])
    glue = "" if ends and starts else " " if ends or starts else ", "
    return f"{before}{glue}{part}"
