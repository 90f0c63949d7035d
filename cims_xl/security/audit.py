"""The tamper-evident audit trail.

Each entry is chained to the previous one by an HMAC keyed from the data key:
``mac = HMAC(k, canonical(seq, at, actor, action, entity, id, batch, values, prev_mac))``.
Editing, deleting or reordering any entry breaks the chain at that entry; the
newest entry's seq and mac are also kept in `meta` so cutting off the tail is seen.

Personal values (fields marked `personal` in the schema) enter the MAC only through
a keyed digest stored beside them. Erasing a person replaces the value by a marker
and keeps the digest, so the chain still verifies after erasure while the value is
gone. (The digest is keyed: without the data key it reveals nothing.)
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


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


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


def _personal(entity: str | None) -> frozenset[str]:
    ent = ENTITIES.get(entity or "")
    return frozenset(ent.personal_keys) if ent else frozenset()


def _mac(key: bytes, seq: int, at: str, actor: str, action: str, entity, entity_id, batch_id,
         mac_values: dict, prev_mac: str) -> str:
    body = [seq, at, actor, action, entity, entity_id, batch_id, mac_values, prev_mac]
    return hmac.new(key, canonical(body), hashlib.sha256).hexdigest()


def build_rows(key: bytes, head: tuple[int, str] | None, events: Iterable[AuditEvent]) -> list[tuple]:
    """Rows for the audit table, chained after `head` (seq, mac) of the current newest entry."""
    seq, prev = head if head else (0, GENESIS)
    rows = []
    for ev in events:
        seq += 1
        personal = _personal(ev.entity)
        changes = {f: [jsonable(b), jsonable(a)] for f, (b, a) in ev.changes.items()}
        digests = {f: [value_digest(key, v[0]), value_digest(key, v[1])]
                   for f, v in changes.items() if f in personal}
        mac_values = {f: (digests[f] if f in digests else v) for f, v in changes.items()}
        at = ev.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        mac = _mac(key, seq, at, ev.actor, ev.action, ev.entity, ev.entity_id, ev.batch_id, mac_values, prev)
        rows.append((seq, at, ev.actor, ev.action, ev.entity, ev.entity_id, ev.batch_id,
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


def erase_values(changes_s: str, digests_s: str | None, fields: Iterable[str]) -> str:
    """Replace the personal values of `fields` in one entry's changes with the marker."""
    changes = json.loads(changes_s or "{}")
    digests = json.loads(digests_s or "{}")
    for f in fields:
        if f in changes and f in digests:
            changes[f] = [ERASED if v is not None else None for v in changes[f]]
    return canonical(changes).decode("utf-8")
