"""Reading and verifying the audit trail (administrators only)."""

from __future__ import annotations

import json

from ..domain.schema import normalize_id
from ..security import audit as chain
from .session import Session


def _audit_id(session: Session, typed: str) -> str:
    """The id as the audit trail holds it: a record id normalised ("c-5" -> "C-000005"),
    a user name in lower case (user names are stored that way)."""
    user = typed.strip().lower()
    return user if session.store.fetch_user(user) is not None else normalize_id(typed)


def show(session: Session, *, limit: int = 50, entity_id: str | None = None,
         batch_id: str | None = None) -> list[dict]:
    """Newest entries first. An entry about many records shows how many and the first
    and last id, unless `entity_id` asks for one of them (then: its changes)."""
    session.ensure("admin")
    wanted = _audit_id(session, entity_id) if entity_id else None
    out = []
    for seq, at, actor, action, entity, eid, batch, changes, digests, _p, _m in session.store.iter_audit(
            entity_id=wanted, batch_id=batch_id, limit=limit, newest_first=True):
        entry = {"seq": seq, "at": at, "actor": actor, "action": action, "entity": entity,
                 "id": eid, "batch": batch}
        if wanted and chain.is_bulk(eid):
            entry["id"] = wanted
            entry["changes"] = chain.record_changes(eid, changes, digests, wanted)
        elif chain.is_bulk(eid):
            ids = list(json.loads(changes or "{}"))
            entry["id"] = f"{ids[0]} … {ids[-1]}" if ids else None
            entry["changes"] = {"records": [None, len(ids)]}
        else:
            entry["changes"] = json.loads(changes or "{}")
        out.append(entry)
    return out


def verify(session: Session) -> chain.VerifyResult:
    """Walk the whole chain; report the first entry that was edited, deleted or reordered.

    The index from record ids to the entries about many records is checked too: a
    record's history must not lose an entry without this saying so.
    """
    session.ensure("admin")
    head = session.store.get_meta("audit_head")
    bulk: dict[int, list[str]] = {}

    def rows():
        for row in session.store.iter_audit_physical():
            if chain.is_bulk(row[5]):
                try:
                    bulk[row[0]] = sorted(json.loads(row[7] or "{}"))
                except ValueError:
                    pass   # verify_rows names this entry
            yield row

    result = chain.verify_rows(session.audit_key, rows(), tuple(head) if head else None)
    if not result.ok:
        return result
    refs: dict[int, list[str]] = {}
    for rid, seq in session.store.iter_audit_refs():
        refs.setdefault(seq, []).append(rid)
    for seq in sorted(set(bulk) | set(refs)):
        if sorted(refs.get(seq, [])) != bulk.get(seq, []):
            return chain.VerifyResult(False, result.entries,
                                      f"the record index of entry #{seq} was changed "
                                      "(records' histories would be incomplete)", seq)
    return result
