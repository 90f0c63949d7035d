"""Read queries for search, lifetime value and report frames (SQL stays in this package)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..domain.divisions import place_forms, place_key, same_place
from ..domain.duplicates import email_key
from ..domain.mentions import ARABIC_FOLDABLE, search_spellings
from ..domain.normalize import GREEK_VOWELS, SEARCH_FOLDS, search_key, tag_key
from ..domain.schema import CUSTOMER, NOT_REVENUE_STATUSES, OPEN_TICKET_STATUSES, Entity
from .db import MONEY_SCALE, Store, to_db

_EXCLUDED_ORDER_STATUSES = NOT_REVENUE_STATUSES
_NOT_REVENUE_SQL = ", ".join(f"'{x}'" for x in NOT_REVENUE_STATUSES)
_LTV_SQL = ("(SELECT COALESCE(SUM(o.amount), 0) FROM orders o WHERE o.customer_id = c.id "
            f"AND o.deleted_at IS NULL AND COALESCE(o.status, '') NOT IN ({_NOT_REVENUE_SQL}) "
            "AND COALESCE(o.currency, '{cur}') = '{cur}')")
_CODE = re.compile(r"^[A-Z]{3}$")


def _ltv_sql(currency: str) -> str:
    """Lifetime value in one currency (a checked ISO code, so it can be part of the SQL)."""
    if not _CODE.match(currency or ""):
        raise ValueError(f"not a currency code: {currency!r}")
    return _LTV_SQL.format(cur=currency)


_TEXT_COLS = ("name", "company", "email", "phone", "mobile", "notes", "tags", "city", "province", "country")
TEXT_COLUMNS = _TEXT_COLS   # what free text in a customer search looks at
SORTABLE = {"name": "c.name", "company": "c.company", "city": "c.city", "created": "c.created_at",
            "updated": "c.updated_at", "id": "c.seq", "ltv": "ltv"}


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


_DIGITS = re.compile(r"^[\d+()\-]+$")


def _index_grams(term: str) -> list[str]:
    """FTS5 expressions, one per 3-character piece of `term` folded as a search folds it
    (normalize.search_key), that every row holding the term holds.

    The trigram index folds case letter by letter, and not İ or ı to i: a piece with "i"
    asks for it with "İ" and "ı" as well ("ist" OR "İst": "İstanbul" and "ISTANBUL";
    "yil" OR "yıl": "Yılmaz" and "YILMAZ"). A piece
    touching "ss" is left out: the row may write ß there ("strasse" in "Straße"), one
    letter the index cannot split."""
    folded = search_key(term)
    elastic: set[int] = set()
    start = folded.find("ss")
    while start >= 0:
        elastic.update((start, start + 1))
        start = folded.find("ss", start + 1)
    # a Greek vowel may carry an accent in the row ("αθηνα" in "Αθήνα"): not asked for
    elastic.update(i for i, ch in enumerate(folded) if ch in GREEK_VOWELS)
    out = []
    for i in range(len(folded) - 2):
        if elastic & {i, i + 1, i + 2}:
            continue
        gram = folded[i:i + 3]
        spellings = [""]
        for ch in gram:
            spellings = [s + c for s in spellings for c in ((ch, "İ", "ı") if ch == "i" else (ch,))]
        quoted = ['"' + g.replace('"', '""') + '"' for g in spellings]
        out.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
    return list(dict.fromkeys(out))


def _trigrams(term: str) -> str:
    """An FTS5 query for the rows holding every 3-character piece of `term`."""
    return "(" + " AND ".join(_index_grams(term)) + ")"


def _any_spelling(term: str) -> str | None:
    """An FTS5 query for the rows holding every 3-character piece of `term` or of one of
    its spellings without marks (mentions.search_spellings: "Müller" as "muller" or
    "mueller") or Traditional writings (_han_writings: "台北市" as "臺北市"), or None when a
    spelling has no such piece (it cannot be narrowed)."""
    spellings = (list(dict.fromkeys([term, *search_spellings(term), *_han_writings(term)])) if _VARIANT.search(term)
                 else [term])
    if not all(_index_grams(s) for s in spellings):
        return None
    return "(" + " OR ".join(_trigrams(s) for s in spellings) + ")"


def _fold_guard(folded: str) -> str | None:
    """A GLOB pattern for the text in which letters beyond ASCII may fold into `folded`
    (normalize.SEARCH_FOLDS: "*[İ]*" for "ist", "*[ßẞ]*" for "strasse"), or None when
    none may: only such text is folded in Python, the rest is left to LIKE."""
    chars = "".join(c for c, f in SEARCH_FOLDS.items() if any(x in folded for x in f))
    return f"*[{chars}]*" if chars else None


# A Latin letter, plain or marked: a term holding one may be written with other marks in
# the row ("alvarez" in "Álvarez", "mueller" in "Müller").
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
# A letter a row may write another way that a search treats as the same: Latin (marks),
# Arabic (hamza on alef, harakat, ى/ي, ة/ه: mentions.fold_arabic) and Han (Traditional
# or Simplified: "曉" is "晓").
_VARIANT = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0600-\u06ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Text holding a Latin letter with a mark (or a combining mark): only such text is
# compared by its spellings without marks (cims_unmark) in SQL; the rest as written.
MARKED_GUARD = "*[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f" + ARABIC_FOLDABLE + "]*"
# The columns that hold names and places, where a user types a word without its marks
# ("Alvarez" for "Álvarez", "Muller" for "Müller"); emails, numbers, notes and tags are
# compared as written (case aside), which keeps a search over them fast.
MARKED_COLUMNS = ("name", "company", "city", "province")


def _marked_rows(store: Store) -> list[tuple[int, dict[str, str]]]:
    """(seq, {column: its spellings without marks joined by U+0001}) of the customers
    (deleted ones too: a merge's retired ones are searched) whose name, company, city or
    province holds a Latin letter with a mark: read once per change of the store (its
    change clock) and kept on the store object, so a search compares them in Python
    without a Python call per row in SQL."""
    clock = store.change_clock()
    cached = getattr(store, "_search_marked_rows", None)
    if cached is not None and cached[0] == clock:
        return cached[1]
    cols = MARKED_COLUMNS
    sql = (f"SELECT seq, {', '.join(cols)} FROM customers WHERE "
           + " OR ".join(f"{c} GLOB ?" for c in cols))
    rows = [(row[0], {c: "\x01".join(search_spellings(v)) for c, v in zip(cols, row[1:])
                      if isinstance(v, str) and v})
            for row in store.conn.execute(sql, [MARKED_GUARD] * len(cols))]
    store._search_marked_rows = (clock, rows)
    return rows


def _unmarked_seqs(store: Store, term: str, columns: tuple[str, ...]) -> list[int]:
    """Seqs of the customers with a marked letter whose `columns` hold `term` once the
    marks are off on both sides (mentions.search_spellings)."""
    rows = _marked_rows(store)
    memo = store._search_marked_memo if getattr(store, "_search_marked_memo", (None,))[0] is rows else None
    if memo is None:
        memo = store._search_marked_memo = (rows, {})
    key = (term, columns)
    if key not in memo[1]:
        mine = search_spellings(term)
        cols = [c for c in columns if c in MARKED_COLUMNS]
        if len(memo[1]) > 256:
            memo[1].clear()
        memo[1][key] = [seq for seq, texts in rows if any(sp in texts.get(c, "") for c in cols for sp in mine)]
    return memo[1][key]


def _unmarked(store: Store, term: str, params: list, columns: tuple[str, ...]) -> str | None:
    """SQL true when one of `columns` holds `term` once the marks of Latin letters are
    off on both sides, as the duplicate check and the erase read names
    (mentions.search_spellings: "Alvarez" finds "José Álvarez"; "Muller" and "Mueller"
    find "Müller"; "Müller" finds "Mueller"; "احمد" finds "أحمد"; "曉明" finds "晓明"), or None
    when the term has no Latin, Arabic or Han letter
    (or none of the columns is a name's or place's: MARKED_COLUMNS)."""
    if not _VARIANT.search(term) or not any(c in MARKED_COLUMNS for c in columns):
        return None
    import json

    parts = []
    # a row written without marks: the term's spellings without them ("Müller" as "mueller")
    # and a term in Simplified Chinese in its Traditional writings ("台北" as "臺北": _han_writings)
    for sp in dict.fromkeys([*search_spellings(term), *_han_writings(term)]):
        if sp != search_key(term):
            for col in columns:
                if col in MARKED_COLUMNS:
                    # ASCII: LIKE (case aside); else as written ("احمد" in a row without
                    # hamza, "王晓明" in a row written in Simplified)
                    params.append(_like(sp) if sp.isascii() else sp)
                    parts.append(f"c.{col} LIKE ? ESCAPE '\\'" if sp.isascii() else f"instr(c.{col}, ?) > 0")
    params.append(json.dumps(_unmarked_seqs(store, term, columns)))
    parts.append("c.seq IN (SELECT value FROM json_each(?))")
    return "(" + " OR ".join(parts) + ")"


def _any_column(term: str, params: list, columns: tuple[str, ...] = _TEXT_COLS, store: Store | None = None) -> str:
    """`_written` or (given the store) `_unmarked`: the term as written (case aside), or
    without the marks of Latin letters on either side."""
    if not columns:
        return "0"
    written = _written(term, params, columns)
    unmarked = None if store is None else _unmarked(store, term, params, columns)
    return written if unmarked is None else f"({written} OR {unmarked})"


def _written(term: str, params: list, columns: tuple[str, ...] = _TEXT_COLS) -> str:
    """SQL that is true when one of the customer's text `columns` contains `term`,
    case aside as normalize.search_key folds it ("istanbul" finds "İstanbul",
    "STRASSE" finds "Straße", "οδοσ" finds "ΟΔΟΣ" and "οδος").

    ASCII terms keep LIKE's case-insensitivity, and fold in Python only text holding a
    letter that may fold into them (İ, ß); others use instr(), several times faster.
    """
    if not columns:
        return "0"
    if term.isascii():
        folded = search_key(term)
        guard = _fold_guard(folded)
        if guard is None:
            params += [_like(term)] * len(columns)
            return "(" + " OR ".join(f"c.{col} LIKE ? ESCAPE '\\'" for col in columns) + ")"
        parts = []
        for col in columns:
            params += [_like(term), guard, folded]
            parts.append(f"(c.{col} LIKE ? ESCAPE '\\' OR (c.{col} GLOB ? AND instr(cims_casefold(c.{col}), ?) > 0))")
        return "(" + " OR ".join(parts) + ")"
    if term.lower() == term.upper():
        # no letters with a case (Chinese, Japanese, digits): as written
        params += [term] * len(columns)
        return "(" + " OR ".join(f"instr(c.{col}, ?) > 0" for col in columns) + ")"
    # letters with a case beyond ASCII ("münchen", "ÉMILE", "Straße"): as written, else folded
    folded = search_key(term)
    parts = []
    for col in columns:
        params += [term, folded]
        parts.append(f"(instr(c.{col}, ?) > 0 OR instr(cims_casefold(c.{col}), ?) > 0)")
    return "(" + " OR ".join(parts) + ")"


def _unmarked_equal(store: Store, col: str, value: str) -> tuple[list[str], list[int]] | None:
    """(the other spellings to compare `col` with as written, the seqs of the rows with
    marks whose `col` is `value`) once the spellings a search treats as one are taken on
    both sides (mentions.search_spellings: `--city "san jose"` is "San José", `--city عمان`
    is "عمّان", `--city 臺北` is "台北"), or None when `col` is not a name's or place's
    (MARKED_COLUMNS) or `value` has no letter written other ways. The rows with marks are
    read once per change of the store (_marked_rows), not per search."""
    if col not in MARKED_COLUMNS or not _VARIANT.search(value):
        return None
    mine = set(search_spellings(value)) | set(_han_writings(value))
    place = col in PLACE_COLUMNS
    written = set(_place_forms(col, value))
    others = sorted({f for sp in mine for f in _place_forms(col, sp)} - written - {search_key(value)})
    rows = _marked_rows(store)
    memo = store._search_equal_memo if getattr(store, "_search_equal_memo", (None,))[0] is rows else None
    if memo is None:
        memo = store._search_equal_memo = (rows, {})
    if (col, value) not in memo[1]:
        if len(memo[1]) > 256:
            memo[1].clear()
        # a place is the same place with or without its suffix, never with another (same_place)
        memo[1][(col, value)] = [
            seq for seq, texts in rows
            if (any(same_place(sp, t) for sp in mine for t in texts.get(col, "").split("\x01")) if place
                else mine & set(texts.get(col, "").split("\x01")))]
    return others, memo[1][(col, value)]


# The columns that hold a place: a filter on them finds it written with or without its
# administrative suffix (divisions.place_forms: `--city 上海` is "上海市", `city:北京市` "北京").
PLACE_COLUMNS = ("city", "province")


def _place_forms(col: str, value: str) -> tuple[str, ...]:
    """`value` and (in a place's column) its writings with and without a suffix."""
    return place_forms(value) if col in PLACE_COLUMNS else (value,)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@functools.lru_cache(maxsize=4096)
def _han_writings(term: str) -> tuple[str, ...]:
    """`term`'s Traditional writings when it holds Han characters (OpenCC s2t, s2tw, s2hk:
    "台北" is "臺北", "发展" "發展"), for finding text stored in Traditional by a term typed
    in Simplified (the other way, both sides are read Simplified: search_spellings)."""
    if term.isascii() or not _HAN.search(term):
        return ()
    return tuple(dict.fromkeys(w for w in (_opencc(c).convert(term) for c in ("s2t", "s2tw", "s2hk"))
                               if w != term))


@functools.lru_cache(maxsize=3)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def _same_text(col: str, value: Any, params: list, store: Store | None = None) -> str:
    """`_same_text_written`, or (given the store) with `_unmarked_equal`'s rows as well:
    the customers' seqs read from the column's own index and from the rows with marks,
    so the filter stays a lookup, never a read of every row."""
    mine: list = []
    written = _same_text_written(col, value, mine)
    unmarked = _unmarked_equal(store, col, value) if store is not None and isinstance(value, str) else None
    if unmarked is None:
        params += mine
        return written
    import json

    others, seqs = unmarked
    params += [*mine, *others, json.dumps(seqs)]
    eq = "".join(f" OR c.{col} = ?" for _ in others)
    return (f"c.seq IN (SELECT c.seq FROM customers c WHERE {written}{eq} "
            "UNION ALL SELECT value FROM json_each(?))")


def _same_text_written(col: str, value: Any, params: list) -> str:
    """SQL true when column `col` holds `value`, case aside as a search folds it
    (normalize.search_key): `--city istanbul` finds "İstanbul", `--city münchen`
    "MÜNCHEN". SQLite's NOCASE, which the columns are declared with, folds ASCII letters
    only (SQLite docs, "Collating Sequences"). Only rows that hold a letter which may
    fold into the value (any non-ASCII letter for a non-ASCII value) are folded in Python."""
    if not isinstance(value, str):
        params.append(value)
        return f"c.{col} = ?"
    folded = search_key(value)
    # "İSTANBUL" and "ｍｉｌａｎｏ" fold to ASCII: NOCASE compares that too; a place in Han
    # characters is looked up with and without its suffix ("上海" and "上海市": place_forms)
    exact = list(dict.fromkeys([value, folded] if folded.isascii() else _place_forms(col, value)))
    params += exact
    sql = " OR ".join(f"c.{col} = ?" for _ in exact)
    if folded.isascii():
        guard = _fold_guard(folded)
    elif value.lower() == value.upper():
        # no letters with a case (深圳, القاهرة, ソウル): compared as written, as free text
        # without a case is (_written); the column's index answers it, no row is folded
        guard = None
    else:
        guard = "*[^ -~]*"
    if guard is None:
        return f"({sql})" if len(exact) > 1 else sql
    params += [guard, folded]
    return f"({sql} OR (c.{col} GLOB ? AND cims_casefold(c.{col}) = ?))"


# A word that more than this share of customers hold (say "Company" in "Company 12")
# does not narrow the search: asking the index for it costs more than checking the
# rows directly.
BROAD_SHARE = 0.2


def _narrowing(store: Store, terms: list[str]) -> list[str]:
    """The terms worth asking the trigram index for: those with a trigram that few
    customers hold (or none). The others are still checked, by a scan.

    A trigram's rows are counted only up to the "broad" line (a LIMIT on the index's
    own row list): a trigram every customer holds costs that many steps, not all of them."""
    if not terms:
        return terms
    rows = store.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM customers").fetchone()[0]
    broad = int(BROAD_SHARE * rows)
    out = []
    for t in terms:
        # folded whole (search_key): "İst".lower() alone is four characters
        if any(store.conn.execute(
                "SELECT count(*) FROM (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ? LIMIT ?)",
                (g, broad + 1)).fetchone()[0] <= broad for g in _index_grams(t)):
            out.append(t)
    return out


@dataclass
class CustomerCriteria:
    ids: list[str] = field(default_factory=list)          # our own record ids (C-000123)
    emails: list[str] = field(default_factory=list)       # exact (case-insensitive)
    phones: list[str] = field(default_factory=list)       # exact E.164 on phone or mobile
    digits: list[str] = field(default_factory=list)       # part of a phone number
    digit_endings: list[str] = field(default_factory=list)  # a national number: the end of a stored one
    number_texts: list[str] = field(default_factory=list)   # a number as typed: also matched as text
    fts_terms: list[str] = field(default_factory=list)    # 3+ characters: trigram index
    like_terms: list[str] = field(default_factory=list)   # shorter terms: substring scan
    equals: dict[str, Any] = field(default_factory=dict)  # city, province, ... (case-insensitive)
    tag: str | None = None
    created_from: str | None = None
    created_to: str | None = None
    updated_from: str | None = None
    updated_to: str | None = None
    has_open_tickets: bool | None = None
    ltv_min: Any = None
    ltv_max: Any = None
    ltv_currency: str = "CNY"       # lifetime value filters and sort count orders in this currency
    # Text columns free-text terms match (a viewer's search leaves out personal ones).
    text_columns: tuple[str, ...] = _TEXT_COLS
    # Live customers that match the text too: a customer merged into them matches it.
    also_ids: list[str] = field(default_factory=list)
    # (fts_terms, the ones worth asking the trigram index for): _text_where's, kept
    narrowed: tuple[tuple[str, ...], list[str]] | None = None


# The part before @ of a Gmail address as duplicates.email_key reads it, in SQL (no Python
# call per row): up to a "+", without dots, lower case (Gmail's are ASCII).
_LOCAL_SQL = "substr(c.email, 1, instr(c.email, '@') - 1)"
_GMAIL_LOCAL_SQL = (f"lower(replace(CASE WHEN instr({_LOCAL_SQL}, '+') > 0 THEN substr({_LOCAL_SQL}, 1, "
                    f"instr({_LOCAL_SQL}, '+') - 1) ELSE {_LOCAL_SQL} END, '.', ''))")


def _text_where(store: Store, crit: CustomerCriteria, params: list) -> list[str]:
    """The conditions of the criteria's text (ids, emails, numbers, words), ANDed; their
    parameters appended to `params`."""
    where, text_any = [], []
    for i in crit.ids:
        text_any.append("c.id = ?")
        params.append(i)
    for e in crit.emails:
        key = email_key(e)
        if key.endswith("@gmail.com"):
            # one Gmail mailbox written another way (dots, a +tag, googlemail.com), as the
            # duplicate check reads it (duplicates.email_key)
            # (its first letter as the key's: no address starts with a dot; LIKE's prefix
            # can use the email index)
            local = key.rsplit("@", 1)[0]
            text_any.append("(c.email = ? OR (c.email LIKE ? ESCAPE '\\' AND (c.email LIKE '%@gmail.com' OR "
                            f"c.email LIKE '%@googlemail.com') AND {_GMAIL_LOCAL_SQL} = ?))")
            params += [e, _like(local[:1])[1:], local]
        else:
            text_any.append("c.email = ?")
            params.append(e)
    for p in crit.phones:
        text_any.append("(c.phone = ? OR c.mobile = ?)")
        params += [p, p]
    pieces = [_like(d) for d in crit.digits] + [_like(d)[:-1] for d in crit.digit_endings]
    for d in ([] if crit.phones else pieces):  # a full number uses the index only
        # A part of a number: read from the two numbers' own indexes (a few MB), not from
        # every customer's row (the whole table, decrypted page by page: 110 ms against
        # 15 at 100,000 customers, the first search of a process).
        text_any.append("c.seq IN (SELECT seq FROM customers INDEXED BY ix_customers_phone WHERE phone IS NOT NULL "
                        "AND phone LIKE ? ESCAPE '\\' UNION ALL SELECT seq FROM customers INDEXED BY "
                        "ix_customers_mobile WHERE mobile LIKE ? ESCAPE '\\')")
        params += [d, d]
    for t in crit.number_texts:
        # the number as written in the text columns (notes, tags: "met on 2024-03-05",
        # "src:98765432"): the trigram index finds the candidates, the text is checked on them
        spelled = _any_spelling(t) if len(t) >= 3 else None
        if spelled is not None:
            params.append(spelled)
            text_any.append("(c.seq IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?) AND "
                            + _any_column(t, params, crit.text_columns, store) + ")")
        else:
            text_any.append(_any_column(t, params, crit.text_columns, store))
    if text_any:
        where.append("(" + " OR ".join(text_any) + ")")
    # the terms worth asking the index for, found once per search (the deleted customers'
    # query and the live one ask for the same terms)
    terms = tuple(crit.fts_terms)
    if crit.narrowed is None or crit.narrowed[0] != terms:
        crit.narrowed = (terms, [t for t in _narrowing(store, [t for t in terms if not _DIGITS.match(t)])
                                 if _any_spelling(t) is not None])
    indexed = crit.narrowed[1]
    if indexed:
        # The index has no positions: it finds the rows holding every trigram of every
        # term; the term itself is then checked on those rows.
        fts = "c.seq IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?)"
        params.append(" AND ".join(_any_spelling(t) for t in indexed))
        if any(_VARIANT.search(t) for t in indexed) and any(c in MARKED_COLUMNS for c in crit.text_columns):
            # the index holds letters as written: a row writing a term's letters with
            # marks ("Álvarez" for "alvarez") is a candidate too (_unmarked checks it)
            import json

            seqs = sorted({q for t in indexed for q in _unmarked_seqs(store, t, crit.text_columns)})
            fts = f"({fts} OR c.seq IN (SELECT value FROM json_each(?)))"
            params.append(json.dumps(seqs))
        where.append(fts)
    for t in crit.fts_terms:
        # Digits may be part of a phone number, which the index does not hold: a scan.
        where.append(_any_column(t, params, crit.text_columns, store))
    for t in crit.like_terms:
        # Terms too short for the trigram index (two-character Chinese names): a scan.
        where.append(_any_column(t, params, crit.text_columns, store))
    return where


def deleted_customers_matching(store: Store, crit: CustomerCriteria, limit: int = 1000) -> list[str]:
    """Ids of deleted customers (a merge retires one by deleting it) whose stored values
    match the criteria's text; [] when the criteria have no text."""
    params: list = []
    text = _text_where(store, crit, params)
    if not text:
        return []
    cond = " AND ".join(text)
    if crit.fts_terms or crit.like_terms or ((crit.digits or crit.digit_endings) and not crit.phones):
        # a scan: the text is compared on the deleted rows only, never on every live one
        cond = f"CASE WHEN c.deleted_at IS NULL THEN 0 ELSE ({cond}) END"
    sql = f"SELECT c.id FROM customers c WHERE c.deleted_at IS NOT NULL AND {cond} LIMIT ?"
    return [r[0] for r in store.conn.execute(sql, params + [int(limit)])]


def search_customer_ids(store: Store, crit: CustomerCriteria, *, sort: str = "name",
                        descending: bool = False, limit: int = 50, offset: int = 0) -> tuple[int, list[str]]:
    where, params = ["c.deleted_at IS NULL"], []
    text = _text_where(store, crit, params)
    if crit.also_ids:
        # customers found by the values of a customer merged into them (services.merge)
        import json
        where.append("((" + (" AND ".join(text) or "0") + ") OR c.id IN (SELECT value FROM json_each(?)))")
        params.append(json.dumps(crit.also_ids))
    else:
        where += text
    for col, value in crit.equals.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):     # any of these (e.g. one country's names)
            where.append(f"c.{col} IN ({', '.join('?' * len(value))})")
            params.extend(value)
            continue
        where.append(_same_text(col, value, params, store))
    if crit.tag:
        # LIKE ignores the case of ASCII letters; tags with other letters are compared as
        # tags are (normalize.tag_key: "İSTANBUL" is "istanbul")
        where.append("((', ' || COALESCE(c.tags, '') || ', ') LIKE ? ESCAPE '\\' OR (c.tags GLOB '*[^ -~]*' "
                     "AND (', ' || cims_fold(c.tags) || ', ') LIKE ? ESCAPE '\\'))")
        params.append("%, " + crit.tag.replace("%", "\\%").replace("_", "\\_") + ", %")
        params.append("%, " + tag_key(crit.tag).replace("%", "\\%").replace("_", "\\_") + ", %")
    for col, op, value in (("created_at", ">=", crit.created_from), ("created_at", "<", crit.created_to),
                           ("updated_at", ">=", crit.updated_from), ("updated_at", "<", crit.updated_to)):
        if value:
            where.append(f"c.{col} {op} ?")
            params.append(value)
    if crit.has_open_tickets is not None:
        exists = ("EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = c.id AND t.deleted_at IS NULL "
                  f"AND t.status IN ({', '.join('?' * len(OPEN_TICKET_STATUSES))}))")
        where.append(exists if crit.has_open_tickets else "NOT " + exists)
        params += list(OPEN_TICKET_STATUSES)
    if crit.ltv_min is not None:
        where.append(f"{_ltv_sql(crit.ltv_currency)} >= ?")
        params.append(to_db("money", crit.ltv_min))
    if crit.ltv_max is not None:
        where.append(f"{_ltv_sql(crit.ltv_currency)} <= ?")
        params.append(to_db("money", crit.ltv_max))
    where_sql = " AND ".join(where)
    order = SORTABLE.get(sort)
    if order is None:
        raise ValueError(f"cannot sort by {sort!r}; use one of: {', '.join(SORTABLE)}")
    if order == "ltv":
        order = _ltv_sql(crit.ltv_currency)
    direction = "DESC" if descending else "ASC"
    tail = f"FROM customers c WHERE {where_sql} ORDER BY {order} {direction}, c.seq {direction} LIMIT ? OFFSET ?"
    page_params = params + [int(limit), int(offset)]
    count_sql = f"SELECT count(*) FROM customers c WHERE {where_sql}"
    if _sorts_every_match(store, "SELECT c.id " + tail, page_params):
        # The page is sorted from every match anyway: one pass counts them too, instead of
        # a second pass over the same rows (the conditions are checked once, not twice).
        rows = store.conn.execute("SELECT c.id, count(*) OVER () " + tail, page_params).fetchall()
        if rows or not offset:
            return (rows[0][1] if rows else 0), [r[0] for r in rows]
        return store.conn.execute(count_sql, params).fetchone()[0], []
    total = store.conn.execute(count_sql, params).fetchone()[0]
    ids = [r[0] for r in store.conn.execute("SELECT c.id " + tail, page_params)]
    return total, ids


def _sorts_every_match(store: Store, sql: str, params: list) -> bool:
    """Whether SQLite's plan for `sql` sorts all its rows before the LIMIT (a temporary
    B-tree for the ORDER BY), rather than reading an index in order and stopping early."""
    return any("TEMP B-TREE FOR ORDER BY" in str(row[-1]).upper()
               for row in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def lifetime_values(store: Store, customer_ids: list[str],
                    default_currency: str) -> dict[str, dict[str, int]]:
    """Sum of non-cancelled order amounts (stored units) per customer and currency
    (orders without a currency count in `default_currency`); {} for no orders."""
    import json
    rows = store.conn.execute(
        "SELECT customer_id, COALESCE(currency, ?), COALESCE(SUM(amount), 0) FROM orders "
        f"WHERE deleted_at IS NULL AND COALESCE(status, '') NOT IN ({_NOT_REVENUE_SQL}) "
        "AND customer_id IN (SELECT value FROM json_each(?)) GROUP BY customer_id, COALESCE(currency, ?)",
        (default_currency, json.dumps(customer_ids), default_currency))
    out: dict[str, dict[str, int]] = {cid: {} for cid in customer_ids}
    for cid, cur, total in rows:
        out[cid][cur] = total
    return out


def order_totals_by_day(store: Store, customer_ids: list[str] | None,
                        default_currency: str) -> list[tuple[str, str, str | None, int]]:
    """(customer id, currency, order date ISO or None, sum of amounts in stored units) of
    revenue orders (live, not cancelled/returned/draft), one row per customer, currency
    and day: what converting lifetime values at each order's date needs. Orders without
    a currency count in `default_currency`; `customer_ids` None: every customer."""
    import json
    where = "" if customer_ids is None else "AND customer_id IN (SELECT value FROM json_each(?)) "
    params: list = [default_currency] + ([] if customer_ids is None else [json.dumps(customer_ids)])
    return store.conn.execute(
        "SELECT customer_id, COALESCE(currency, ?) AS cur, order_date, COALESCE(SUM(amount), 0) FROM orders "
        f"WHERE deleted_at IS NULL AND customer_id IS NOT NULL AND amount IS NOT NULL "
        f"AND COALESCE(status, '') NOT IN ({_NOT_REVENUE_SQL}) {where}"
        "GROUP BY customer_id, cur, order_date", params).fetchall()


def has_revenue_outside(store: Store, currency: str) -> bool:
    """Whether any revenue order (live, not cancelled/returned/draft) is in a currency
    other than `currency` (orders without one count in it)."""
    return store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE deleted_at IS NULL AND amount IS NOT NULL "
        f"AND COALESCE(status, '') NOT IN ({_NOT_REVENUE_SQL}) AND COALESCE(currency, ?) != ?)",
        (currency, currency)).fetchone()[0] == 1


def stored_ids(store: Store, ent: Entity, ids: list[str], *, include_deleted: bool = False) -> set[str]:
    """Which of these ids are records of `ent`: live ones, or with `include_deleted` any."""
    import json
    live = "" if include_deleted else "deleted_at IS NULL AND "
    return {r[0] for r in store.conn.execute(
        f"SELECT id FROM {ent.table} WHERE {live}id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),))}


def customers_tagged(store: Store, tag: str) -> list[tuple[str, str]]:
    """(id, tags) of live customers whose tags text contains `tag` (case-insensitive)."""
    return store.conn.execute("SELECT id, tags FROM customers WHERE deleted_at IS NULL "
                              "AND tags LIKE ? ESCAPE '\\' ORDER BY seq", (_like(tag),)).fetchall()


def children_of(store: Store, ent: Entity, customer_ids: list[str], *, include_deleted: bool = False) -> list[str]:
    """Ids of the `ent` records under these customers, oldest first (soft-deleted ones
    too with `include_deleted`)."""
    import json
    live = "deleted_at IS NULL AND " if not include_deleted else ""
    return [r[0] for r in store.conn.execute(
        f"SELECT id FROM {ent.table} WHERE {live}customer_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY seq", (json.dumps(customer_ids),))]


def read_columns(store: Store, ent: Entity, columns: list[str]) -> tuple[list[str], list[tuple]]:
    """Raw stored values of live rows, for building data frames quickly."""
    cur = store.iter_column_tuples(ent, columns)
    return columns, list(cur)


def stage_history_rows(store: Store) -> list[tuple]:
    return store.conn.execute("SELECT opportunity_id, from_stage, to_stage, changed_at, changed_by "
                              "FROM stage_history ORDER BY seq").fetchall()


__all__ = ["CustomerCriteria", "search_customer_ids", "lifetime_values", "children_of", "read_columns",
           "stage_history_rows", "MONEY_SCALE"]


def records_under(store: Store, ent: Entity, customer_ids: list[str]) -> dict[str, list[str]]:
    """{customer id: ids of `ent` records under it (deleted ones too)} for these customers."""
    import json
    out: dict[str, list[str]] = {}
    for cid, rid in store.conn.execute(
            f"SELECT customer_id, id FROM {ent.table} WHERE customer_id IN (SELECT value FROM json_each(?))",
            (json.dumps(customer_ids),)):
        out.setdefault(cid, []).append(rid)
    return out


def distinct_customer_values(store: Store, column: str) -> list[str]:
    """The different non-empty values of a searchable customer column (read from its index)."""
    if column not in {f.key for f in CUSTOMER.fields if f.searchable}:
        raise ValueError(f"not a searchable customer column: {column!r}")
    return [v for (v,) in store.conn.execute(
        f"SELECT DISTINCT {column} FROM customers WHERE {column} IS NOT NULL AND deleted_at IS NULL")]
