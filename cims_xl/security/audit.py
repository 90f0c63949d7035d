"""The tamper-evident audit trail.

Each entry is chained to the previous one by an HMAC keyed from the data key:
``mac = HMAC(k, canonical(seq, at, actor, action, entity, id, batch, values, prev_mac))``.
Editing, deleting or reordering any entry breaks the chain at that entry; the
newest entry's seq and mac are also kept in `meta` so cutting off the tail is seen.

Personal values (fields marked `personal` in the schema, and free text that may name a
person: `free_text`) enter the MAC only through a keyed digest stored beside them. Erasing a person replaces the value by a marker
and keeps the digest, so the chain still verifies after erasure while the value is
gone. (The digest is keyed: without the data key it reveals nothing.)

An entry is about one record (`entity_id` set, `changes` = {field: [before, after]}),
or about the records one write created together (an import chunk, a Save of many
rows): `entity_id` "*N" (N records), `changes` = {record id: {field: value}} with the
values that are not personal, MACed as stored, and `digests` = {"personal": {record
id: {field: value}}, "digest": {record id: keyed digest of those values}}. Erasure
rewrites only the personal part. One entry per write instead of one per record keeps
bulk writes cheap; every record's values are still in the trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from ..domain.schema import ENTITIES
from ..json_text import compact_encoder

ERASED = "[erased]"
GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
_PLAIN_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=str)
# A bulk entry's values (records as stored: no floats) by the faster encoder (json_text).
_BULK_JSON = compact_encoder(default=str)


def loads(text: Any) -> Any:
    """`json.loads` of text read from the store. Anyone with the data key can write any
    value there (a blob, text that is not UTF-8, JSON nested 100,000 deep): whatever is
    not JSON raises ValueError, never RecursionError or TypeError."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except TypeError:
        raise ValueError(f"not JSON text: {type(text).__name__}") from None


def canonical(obj: Any) -> bytes:
    return _CANONICAL.encode(obj).encode("utf-8")


def value_digest(key: bytes, value: Any) -> str:
    """Keyed BLAKE2b of one value (a MAC by construction, and cheap: it runs per personal field)."""
    if value is None:
        data = b"n"
    elif isinstance(value, str):
        data = b"s" + value.encode("utf-8")
    else:
        data = b"j" + canonical(value)
    return hashlib.blake2b(data, digest_size=16, key=key).hexdigest()


def record_digest(key: bytes, values: dict[str, Any]) -> str:
    """Keyed BLAKE2b of one record's personal values in a bulk entry."""
    return _RecordDigest(key)(dict(sorted(values.items())))


class _RecordDigest:
    """record_digest for many records under one key: the keyed state is set up once,
    and the values come with their keys already in sorted order."""

    def __init__(self, key: bytes):
        self.key = key
        self.base = hashlib.blake2b(b"r", digest_size=16, key=key)
        self.prefix = _KeyPrefix()

    def __call__(self, values: dict[str, Any]) -> str:
        # Length-prefixed, so no two different records read the same.
        for v in values.values():
            if type(v) is not str:
                return value_digest(self.key, values)
        prefix = self.prefix
        return self.of_text("".join([f"{prefix[k]}{len(v)}:{v}" for k, v in values.items()]))

    def of_text(self, text: str) -> str:
        """The digest of a record's values written as __call__ writes them."""
        h = self.base.copy()
        h.update(text.encode("utf-8"))
        return h.hexdigest()


class _KeyPrefix(dict):
    def __missing__(self, key: str) -> str:
        self[key] = value = f"{len(key)}:{key}"
        return value


@dataclass
class AuditEvent:
    at: dt.datetime
    actor: str
    action: str
    entity: str | None = None
    entity_id: str | None = None
    batch_id: str | None = None
    changes: dict[str, list] = field(default_factory=dict)   # field -> [before, after]
    # Records created together: record id -> {field: value} (entity_id is then None);
    # with an entity, only its fields are read (the dicts may hold the meta keys too).
    records: dict[str, dict[str, Any]] | None = None


BULK_MARK = "*"
BULK_MAX = 1000          # records per entry: a record's history parses one entry


def is_bulk(entity_id: str | None) -> bool:
    """A stored entry about several created records (see the module docstring)."""
    return isinstance(entity_id, str) and entity_id.startswith(BULK_MARK)


def entry_records(entity_id: str | None, changes_s: str | None,
                  digests_s: str | None) -> dict[str, dict[str, list]]:
    """record id -> {field: [before, after]} for every record a stored entry is about."""
    changes = loads(changes_s or "{}")
    if not is_bulk(entity_id):
        return {entity_id: changes} if entity_id else {}
    personal = loads(digests_s or "{}").get("personal", {})
    return {rid: _created_pairs(values, personal.get(rid, {})) for rid, values in changes.items()}


def record_changes(entity_id: str | None, changes_s: str | None, digests_s: str | None,
                   record_id: str) -> dict[str, list]:
    """{field: [before, after]} of one record in a stored entry (single or bulk)."""
    if not is_bulk(entity_id):
        return loads(changes_s or "{}")
    values = loads(changes_s or "{}").get(record_id)
    if values is None:
        return {}
    personal = loads(digests_s or "{}").get("personal", {}).get(record_id, {})
    return _created_pairs(values, personal)


def _created_pairs(values: dict, personal: dict) -> dict[str, list]:
    """A created record's values in the [before, after] form of single entries."""
    return {f: [None, v] for f, v in {**values, **personal}.items()}


def _personal(entity: str | None) -> frozenset[str]:
    # Personal fields and free text that may name a person (subjects, order products,
    # notes …) enter the MAC only through their keyed digests: erasing a person can then
    # replace those values too without touching the chain or anyone's signature.
    # Identifying fields (a customer's tags, company, city) likewise: see schema.Field.identifying.
    ent = ENTITIES.get(entity or "")
    return frozenset(ent.digested_keys) if ent else frozenset()


def _mac(key: bytes, seq: int, at: str, actor: str, action: str, entity, entity_id, batch_id,
         mac_values: dict, prev_mac: str) -> str:
    body = [seq, at, actor, action, entity, entity_id, batch_id, mac_values, prev_mac]
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def _bulk_mac(key: bytes, seq: int, at: str, actor: str, action: str, entity, entity_id, batch_id,
              changes_s: str, digest_map: dict, prev_mac: str) -> str:
    head = canonical([seq, at, actor, action, entity, entity_id, batch_id, prev_mac])
    mac = hmac.new(key, head, hashlib.sha256)
    mac.update(b"\x00" + changes_s.encode("utf-8") + b"\x00")
    mac.update(canonical(digest_map))
    return mac.hexdigest()


_PLAIN = (str, int, float, bool)
_CONVERTED_KINDS = ("money", "decimal", "date", "datetime")


def _bulk_layout(entity: str | None, records: dict[str, dict[str, Any]]):
    """(not personal keys, personal keys, keys whose values need `jsonable`)."""
    ent = ENTITIES.get(entity or "")
    if ent is not None:
        return _entity_layout(ent.kind)
    keys = list(dict.fromkeys(k for values in records.values() for k in values))
    return tuple(keys), (), tuple(keys)   # nothing personal: no digests


_LAYOUTS: dict[str, tuple] = {}


def _entity_layout(kind: str) -> tuple:
    if kind not in _LAYOUTS:
        ent = ENTITIES[kind]
        personal = set(ent.digested_keys)     # see _personal
        _LAYOUTS[kind] = (tuple(k for k in ent.keys if k not in personal),
                          tuple(sorted(personal)),
                          tuple(f.key for f in ent.fields if f.kind in _CONVERTED_KINDS))
    return _LAYOUTS[kind]


def _bulk_parts(key: bytes, records: dict[str, dict[str, Any]], entity: str | None):
    """Split each record's values (only the entity's fields; None left out) into the
    part MACed as stored and the personal part kept beside its keyed digest."""
    plain_keys, personal_keys, convert = _bulk_layout(entity, records)   # personal_keys sorted
    digest = _RecordDigest(key)
    personal = [(k, digest.prefix[k]) for k in personal_keys]
    plain_convert = tuple(k for k in convert if k not in personal_keys)
    kept: dict[str, dict] = {}
    private: dict[str, dict] = {}
    digests: dict[str, str] = {}
    for rid, values in records.items():
        get = values.get
        mine = {k: v for k in plain_keys if (v := get(k)) is not None}
        for k in plain_convert:
            v = mine.get(k)
            if v is not None and type(v) not in _PLAIN:
                mine[k] = jsonable(v)
        kept[rid] = mine
        if not personal:
            continue
        # The personal part and its digest's text in one pass (the same text and digest
        # as _RecordDigest: its values in sorted key order, all text; else value_digest).
        theirs: dict[str, Any] = {}
        parts: list[str] = []
        text = True
        for k, prefix in personal:
            v = get(k)
            if v is None:
                continue
            if type(v) is not str:
                if type(v) not in _PLAIN and k in convert:
                    v = jsonable(v)
                text = text and type(v) is str
            theirs[k] = v
            if text:
                parts.append(f"{prefix}{len(v)}:{v}")
        if theirs:
            private[rid] = theirs
            digests[rid] = digest.of_text("".join(parts)) if text else value_digest(key, theirs)
    return kept, private, digests


def build_rows(key: bytes, head: tuple[int, str] | None, events: Iterable[AuditEvent]) -> list[tuple]:
    """Rows for the audit table, chained after `head` (seq, mac) of the current newest entry."""
    seq, prev = head if head else (0, GENESIS)
    rows = []
    for ev in events:
        seq += 1
        at = ev.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if ev.records is not None:
            entity_id = f"{BULK_MARK}{len(ev.records)}"
            kept, private, digest_map = _bulk_parts(key, ev.records, ev.entity)
            changes_s = _BULK_JSON(kept)
            digests_s = _BULK_JSON({"personal": private, "digest": digest_map})
            mac = _bulk_mac(key, seq, at, ev.actor, ev.action, ev.entity, entity_id, ev.batch_id,
                            changes_s, digest_map, prev)
        else:
            entity_id = ev.entity_id
            personal = _personal(ev.entity)
            changes = {f: [jsonable(b), jsonable(a)] for f, (b, a) in ev.changes.items()}
            digests = {f: [value_digest(key, v[0]), value_digest(key, v[1])]
                       for f, v in changes.items() if f in personal}
            mac_values = {f: (digests[f] if f in digests else v) for f, v in changes.items()}
            mac = _mac(key, seq, at, ev.actor, ev.action, ev.entity, entity_id, ev.batch_id, mac_values, prev)
            changes_s = canonical(changes).decode("utf-8")
            digests_s = canonical(digests).decode("utf-8") if digests else None
        rows.append((seq, at, ev.actor, ev.action, ev.entity, entity_id, ev.batch_id,
                     changes_s, digests_s, prev, mac))
        prev = mac
    return rows


@dataclass
class VerifyResult:
    """`problem` is the first thing found wrong; `problems` all of them (chain,
    signatures, users, records, pinned head: see security.ledger); `notes` what is
    not wrong but not checked (entries from before the trail was signed)."""
    ok: bool
    entries: int
    problem: str | None = None
    bad_seq: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# What reading values an insider wrote can raise (a blob where text belongs, a number
# where a list belongs ...): the entry holding them is named, never a crash.
UNREADABLE = (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError, UnicodeError)


def _label(row: tuple) -> str:
    seq, at, actor, action, _entity, entity_id = row[:6]
    return f"entry #{seq} ({action} {entity_id or ''} by {actor} at {at})".replace("  ", " ")


def verify_rows(key: bytes, rows: Iterable[tuple], head: tuple[int, str] | None) -> VerifyResult:
    """Walk rows in storage order; report the first entry that does not fit the chain.
    Any value in any column is survived: an entry whose values cannot be read is named."""
    expected_seq, prev = 1, GENESIS
    count = 0
    for row in rows:
        count += 1
        try:
            found = _check_row(key, row, expected_seq, prev)
        except UNREADABLE:
            found = (f"{_label(row)} was edited (its values are not what cims writes)", row[0])
        if isinstance(found, tuple):
            return VerifyResult(False, count, found[0], found[1])
        prev = found
        expected_seq += 1
    if head and (head[0] != expected_seq - 1 or head[1] != prev):
        return VerifyResult(False, count, f"entries after #{expected_seq - 1} are missing "
                                          f"(the trail should end at #{head[0]})", expected_seq)
    return VerifyResult(True, count)


def _check_row(key: bytes, row: tuple, expected_seq: int, prev: str) -> str | tuple[str, int]:
    """The row's MAC (the next entry's prev) when it fits the chain, else (problem, seq)."""
    seq, at, actor, action, entity, entity_id, batch_id, changes_s, digests_s, prev_mac, mac = row
    label = _label(row)
    if seq != expected_seq:
        if seq > expected_seq:
            return f"entry #{expected_seq} is missing (deleted); the next entry is #{seq}", expected_seq
        return f"{label} is out of order", seq
    if is_bulk(entity_id):
        problem = _check_bulk(key, entity, changes_s, digests_s)
        if problem:
            return f"{label} was edited ({problem})", seq
        if prev_mac != prev:
            return f"{label} does not follow the entry before it (deleted or reordered entries)", seq
        want = _bulk_mac(key, seq, at, actor, action, entity, entity_id, batch_id, changes_s or "",
                         loads(digests_s or "{}").get("digest", {}), prev)
        if not hmac.compare_digest(want, mac):
            return f"{label} was edited", seq
        return mac
    try:
        changes = loads(changes_s or "{}")
        digests = loads(digests_s or "{}")
    except ValueError:
        return f"{label} was edited (unreadable values)", seq
    mac_values = {}
    for f, pair in changes.items():
        if f in digests:
            d = digests[f]
            for i in (0, 1):
                if pair[i] != ERASED and value_digest(key, pair[i]) != d[i]:
                    return f"{label} was edited (field {f})", seq
            mac_values[f] = d
        else:
            mac_values[f] = pair
    if prev_mac != prev:
        return f"{label} does not follow the entry before it (deleted or reordered entries)", seq
    want = _mac(key, seq, at, actor, action, entity, entity_id, batch_id, mac_values, prev)
    if not hmac.compare_digest(want, mac):
        return f"{label} was edited", seq
    return mac


def _check_bulk(key: bytes, entity: str | None, changes_s: str | None, digests_s: str | None) -> str | None:
    """What is wrong with a bulk entry's values, or None.

    Each record's personal values must match their digest, unless the record was erased
    (every personal value replaced by the marker).
    """
    try:
        loads(changes_s or "{}")
        doc = loads(digests_s or "{}")
        private, digests = doc.get("personal", {}), doc.get("digest", {})
        for rid in set(private) | set(digests):
            values = private.get(rid, {})
            if values and all(v == ERASED for v in values.values()):
                continue
            if record_digest(key, values) != digests.get(rid):
                return f"record {rid}"
    except (AttributeError, TypeError, ValueError):
        return "unreadable values"
    return None


def marker_rewrites(key: bytes, entity_id: str | None, changes_s: str | None,
                    digests_s: str | None) -> set[str]:
    """The records of one stored entry whose values were replaced by the erase marker
    after the entry was written: a personal value reads as the marker while its keyed
    digest is of another value. Text a user typed or imported that reads like the marker
    keeps the digest of that very text, so it is never taken for a rewrite (and a value
    without a digest is MACed as stored: an erase never rewrites it)."""
    found: set[str] = set()
    if is_bulk(entity_id):
        doc = loads(digests_s or "{}")
        personal, digests = doc.get("personal", {}), doc.get("digest", {})
        for rid, values in personal.items():
            if (isinstance(values, dict) and ERASED in values.values()
                    and record_digest(key, values) != digests.get(rid)):
                found.add(rid)
        return found
    if not entity_id:
        return found
    changes, digests = loads(changes_s or "{}"), loads(digests_s or "{}")
    marker = None
    for f, pair in changes.items():
        d = digests.get(f)
        if not (isinstance(pair, list) and isinstance(d, list) and len(pair) == len(d) == 2):
            continue
        for i in (0, 1):
            if pair[i] == ERASED:
                marker = marker or value_digest(key, ERASED)
                if d[i] != marker:
                    found.add(entity_id)
                    return found
    return found


def erase_values(changes_s: str, digests_s: str | None, fields: Iterable[str]) -> str:
    """Replace the personal values of `fields` in one entry's changes with the marker."""
    changes = loads(changes_s or "{}")
    digests = loads(digests_s or "{}")
    for f in fields:
        if f in changes and f in digests:
            changes[f] = [ERASED if v is not None else None for v in changes[f]]
    return canonical(changes).decode("utf-8")


def erase_bulk_record(digests_s: str, record_id: str) -> str | None:
    """A bulk entry's `digests` with one record's personal values replaced by the marker
    (None when the entry holds none of them)."""
    doc = loads(digests_s or "{}")
    values = doc.get("personal", {}).get(record_id)
    if not values:
        return None
    doc["personal"][record_id] = {f: ERASED for f in values}
    return _PLAIN_JSON.encode(doc)




def write_mac(key: bytes, rows: list[tuple]) -> str | None:
    """The MAC of the last of `rows` (one write's entries, in order, as stored) when every
    entry fits the chain from the first one's `prev_mac` on, else None. A signature over
    that MAC (security.ledger) then covers what each of the entries says."""
    if not rows:
        return None
    prev = rows[0][9]
    expected = rows[0][0]
    for row in rows:
        try:
            found = _check_row(key, row, expected, prev)
        except UNREADABLE:
            return None
        if isinstance(found, tuple):
            return None
        prev, expected = found, expected + 1
    return prev
