"""The tamper-evident audit trail.

Each entry is chained to the previous one by an HMAC keyed from the data key:
``mac = HMAC(k, canonical(seq, at, actor, action, entity, id, batch, values, prev_mac))``.
Editing, deleting or reordering any entry breaks the chain at that entry; the
newest entry's seq and mac are also kept in `meta` so cutting off the tail is seen.

Personal values (fields marked `personal` in the schema) enter the MAC only through
a keyed digest stored beside them. Erasing a person replaces the value by a marker
and keeps the digest, so the chain still verifies after erasure while the value is
gone. (The digest is keyed: without the data key it reveals nothing.)

An entry is about one record (`entity_id` set, `changes` = {field: [before, after]})
or, for records written together (an import chunk, a Save of many rows), about all of
them: `entity_id` "*N" (N records), `changes` = {record id: {field: [before, after]}} and one
keyed digest per record over its personal values. One entry per write instead of one
per record keeps bulk writes cheap; every record's values are still in the trail.
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

ERASED = "[erased]"
GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


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


@dataclass
class AuditEvent:
    at: dt.datetime
    actor: str
    action: str
    entity: str | None = None
    entity_id: str | None = None
    batch_id: str | None = None
    changes: dict[str, list] = field(default_factory=dict)   # field -> [before, after]
    # Several records in one entry: record id -> {field: [before, after]}.
    records: dict[str, dict[str, list]] | None = None


BULK_MARK = "*"


def is_bulk(entity_id: str | None) -> bool:
    """A stored entry about several records (see the module docstring)."""
    return bool(entity_id) and entity_id.startswith(BULK_MARK)


def record_changes(entity_id: str | None, changes_s: str | None, record_id: str) -> dict[str, list]:
    """{field: [before, after]} of one record in a stored entry (single or bulk)."""
    changes = json.loads(changes_s or "{}")
    return changes.get(record_id, {}) if is_bulk(entity_id) else changes


def entry_records(entity_id: str | None, changes_s: str | None) -> dict[str, dict]:
    """record id -> {field: [before, after]} for every record a stored entry is about."""
    changes = json.loads(changes_s or "{}")
    if is_bulk(entity_id):
        return changes
    return {entity_id: changes} if entity_id else {}


def _personal(entity: str | None) -> frozenset[str]:
    ent = ENTITIES.get(entity or "")
    return frozenset(ent.personal_keys) if ent else frozenset()


def _mac(key: bytes, seq: int, at: str, actor: str, action: str, entity, entity_id, batch_id,
         mac_values: dict, prev_mac: str) -> str:
    body = [seq, at, actor, action, entity, entity_id, batch_id, mac_values, prev_mac]
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def _jsonable_pairs(changes: dict[str, list]) -> dict[str, list]:
    return {f: [jsonable(b), jsonable(a)] for f, (b, a) in changes.items()}


def _record_digest(key: bytes, changes: dict[str, list], personal: frozenset[str]) -> str | None:
    """One keyed digest over a record's personal values in a bulk entry."""
    values = {f: v for f, v in changes.items() if f in personal}
    return value_digest(key, values) if values else None


def _bulk_mac_values(records: dict[str, dict], digests: dict[str, str],
                     personal: frozenset[str]) -> dict:
    out = {}
    for rid, changes in records.items():
        vals = {f: v for f, v in changes.items() if f not in personal}
        if rid in digests:
            vals["#personal"] = digests[rid]
        out[rid] = vals
    return out


def build_rows(key: bytes, head: tuple[int, str] | None, events: Iterable[AuditEvent]) -> list[tuple]:
    """Rows for the audit table, chained after `head` (seq, mac) of the current newest entry."""
    seq, prev = head if head else (0, GENESIS)
    rows = []
    for ev in events:
        seq += 1
        personal = _personal(ev.entity)
        at = ev.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if ev.records is not None:
            changes = {rid: _jsonable_pairs(ch) for rid, ch in ev.records.items()}
            digests = {rid: d for rid, ch in changes.items()
                       if (d := _record_digest(key, ch, personal)) is not None}
            mac_values = _bulk_mac_values(changes, digests, personal)
            entity_id = f"{BULK_MARK}{len(changes)}"
        else:
            changes = _jsonable_pairs(ev.changes)
            digests = {f: [value_digest(key, v[0]), value_digest(key, v[1])]
                       for f, v in changes.items() if f in personal}
            mac_values = {f: (digests[f] if f in digests else v) for f, v in changes.items()}
            entity_id = ev.entity_id
        mac = _mac(key, seq, at, ev.actor, ev.action, ev.entity, entity_id, ev.batch_id, mac_values, prev)
        rows.append((seq, at, ev.actor, ev.action, ev.entity, entity_id, ev.batch_id,
                     canonical(changes).decode("utf-8"), canonical(digests).decode("utf-8") if digests else None,
                     prev, mac))
        prev = mac
    return rows


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    problem: str | None = None
    bad_seq: int | None = None


def verify_rows(key: bytes, rows: Iterable[tuple], head: tuple[int, str] | None) -> VerifyResult:
    """Walk rows in storage order; report the first entry that does not fit the chain."""
    expected_seq, prev = 1, GENESIS
    count = 0
    for row in rows:
        seq, at, actor, action, entity, entity_id, batch_id, changes_s, digests_s, prev_mac, mac = row
        count += 1
        label = f"entry #{seq} ({action} {entity_id or ''} by {actor} at {at})".replace("  ", " ")
        if seq != expected_seq:
            if seq > expected_seq:
                return VerifyResult(False, count, f"entry #{expected_seq} is missing (deleted); "
                                                  f"the next entry is #{seq}", expected_seq)
            return VerifyResult(False, count, f"{label} is out of order", seq)
        try:
            changes = json.loads(changes_s or "{}")
            digests = json.loads(digests_s or "{}")
        except ValueError:
            return VerifyResult(False, count, f"{label} was edited (unreadable values)", seq)
        if is_bulk(entity_id):
            try:
                bad = _check_bulk_digests(key, changes, digests, _personal(entity))
                mac_values = _bulk_mac_values(changes, digests, _personal(entity))
            except (AttributeError, TypeError, ValueError):
                return VerifyResult(False, count, f"{label} was edited (unreadable values)", seq)
            if bad:
                return VerifyResult(False, count, f"{label} was edited (record {bad})", seq)
        else:
            mac_values = {}
            for f, pair in changes.items():
                if f in digests:
                    d = digests[f]
                    for i in (0, 1):
                        if pair[i] != ERASED and value_digest(key, pair[i]) != d[i]:
                            return VerifyResult(False, count, f"{label} was edited (field {f})", seq)
                    mac_values[f] = d
                else:
                    mac_values[f] = pair
        if prev_mac != prev:
            return VerifyResult(False, count, f"{label} does not follow the entry before it "
                                              "(deleted or reordered entries)", seq)
        want = _mac(key, seq, at, actor, action, entity, entity_id, batch_id, mac_values, prev)
        if not hmac.compare_digest(want, mac):
            return VerifyResult(False, count, f"{label} was edited", seq)
        prev = mac
        expected_seq += 1
    if head and (head[0] != expected_seq - 1 or head[1] != prev):
        return VerifyResult(False, count, f"entries after #{expected_seq - 1} are missing "
                                          f"(the trail should end at #{head[0]})", expected_seq)
    return VerifyResult(True, count)


def _check_bulk_digests(key: bytes, records: dict, digests: dict, personal: frozenset[str]) -> str | None:
    """The first record whose personal values no longer match their digest, or None.

    An erased record has every personal value replaced by the marker: nothing to check.
    """
    for rid, changes in records.items():
        values = {f: v for f, v in changes.items() if f in personal}
        if not values and rid not in digests:
            continue
        flat = [x for pair in values.values() for x in pair if x is not None]
        if flat and all(x == ERASED for x in flat):
            continue
        if rid not in digests or value_digest(key, values) != digests[rid]:
            return rid
    return None


def erase_values(changes_s: str, digests_s: str | None, fields: Iterable[str],
                 record_id: str | None = None) -> str:
    """Replace the personal values of `fields` in one entry's changes with the marker
    (in a bulk entry: those of `record_id` only)."""
    changes = json.loads(changes_s or "{}")
    digests = json.loads(digests_s or "{}")
    if record_id is not None:
        if record_id not in digests:
            return changes_s
        target = changes.get(record_id, {})
        for f in fields:
            if f in target:
                target[f] = [ERASED if v is not None else None for v in target[f]]
        return canonical(changes).decode("utf-8")
    for f in fields:
        if f in changes and f in digests:
            changes[f] = [ERASED if v is not None else None for v in changes[f]]
    return canonical(changes).decode("utf-8")
