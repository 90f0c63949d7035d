"""Import batches: every imported row carries its batch id; any batch can be undone."""

from __future__ import annotations

from collections import OrderedDict

from ..domain.models import validate_record
from ..domain.schema import ENTITIES, kind_of_id
from ..errors import Conflict, NotFound, ValidationFailed
from ..security.audit import AuditEvent, entry_records
from ..store import queries
from ..store.db import utcnow
from .session import Session


def new_batch(session: Session, kind: str, source: str, *, summary: dict | None = None) -> str:
    """Open a batch (inside the import's unit of work)."""
    session.ensure("import", kind)
    with session.unit_of_work() as uow:
        seq = session.store.next_batch_seq()
        batch_id = f"B-{seq:06d}"
        now = utcnow()
        session.store.insert_batch({"seq": seq, "id": batch_id, "kind": kind, "source": source,
                                    "created_at": now, "created_by": session.username, "summary": summary})
        session.audit([AuditEvent(now, session.username, "import", kind, batch_id, batch_id,
                                  {"source": [None, source]})])
        uow.commit()
    return batch_id


def finish_batch(session: Session, batch_id: str, summary: dict) -> None:
    with session.unit_of_work() as uow:
        session.store.update_batch(batch_id, summary=summary)
        uow.commit()


def list_batches(session: Session) -> list[dict]:
    session.ensure("read")
    return session.store.fetch_batches()


def _batch_changes(session: Session, batch_id: str) -> "OrderedDict[str, dict]":
    """Per record touched by the batch: how it was touched and the values before it."""
    touched: OrderedDict[str, dict] = OrderedDict()
    for seq, _at, _actor, action, entity, eid, _b, changes, digests, _p, _m in session.store.iter_audit(
            batch_id=batch_id):
        if entity not in ENTITIES or action not in ("create", "update"):
            continue
        for rid, fields in entry_records(eid, changes, digests).items():
            entry = touched.setdefault(rid, {"kind": entity, "created": False, "before": {}, "last_seq": seq})
            entry["last_seq"] = seq
            if action == "create":
                entry["created"] = True
            for f, (before, _after) in fields.items():
                entry["before"].setdefault(f, before)
    return touched


def undo_batch(session: Session, batch_id: str, *, force: bool = False) -> dict:
    """Revert exactly one batch: its created rows removed, its updated rows restored.

    Refuses when a record was changed after the import (that change would be lost),
    unless `force`.
    """
    batch_id = batch_id.strip().upper()
    session.ensure("import", record_id=batch_id)
    batch = session.store.fetch_batch(batch_id)
    if batch is None:
        raise NotFound(f"no import batch {batch_id}")
    if batch["undone_at"]:
        raise ValidationFailed({"Batch": f"{batch_id} was already undone"})
    touched = _batch_changes(session, batch_id)
    later = []
    for rid, entry in touched.items():
        newest = list(session.store.iter_audit(entity_id=rid, newest_first=True, limit=1))
        if newest and newest[0][0] != entry["last_seq"]:
            later.append(f"{rid} ({newest[0][3]} by {newest[0][2]})")
    created_customers = [rid for rid, e in touched.items() if e["created"] and e["kind"] == "customer"]
    if created_customers:
        for ent in ENTITIES.values():
            if any(f.key == "customer_id" for f in ent.fields):
                for child in queries.children_of(session.store, ent, created_customers):
                    if child not in touched:
                        later.append(f"{child} (added later to an imported customer)")
    if later and not force:
        raise Conflict(f"{len(later)} record(s) changed after import {batch_id}, e.g. {later[0]}; "
                       "undoing would lose those changes (use --force to undo anyway)")
    now = utcnow()
    removed = restored = 0
    with session.unit_of_work() as uow:
        # Children first, so no order is left pointing at a removed customer.
        order = sorted(touched.items(), key=lambda kv: kv[1]["kind"] == "customer")
        for rid, entry in order:
            ent = ENTITIES[entry["kind"]]
            current = session.store.fetch_record(ent, rid, include_deleted=True)
            if current is None:
                continue
            if entry["created"]:
                session.ensure("delete", ent.kind, record_id=rid)
                session.store.hard_delete(ent, [rid])
                session.audit([AuditEvent(now, session.username, "undo", ent.kind, rid, batch_id,
                                          {"removed": [False, True]})])
                removed += 1
            else:
                from .records import update
                values = validate_record(ent, entry["before"], partial=True)
                update(session, rid, values, batch_id=None, action="undo")
                restored += 1
        session.store.update_batch(batch_id, undone_at=now)
        session.audit([AuditEvent(now, session.username, "import.undo", batch["kind"], batch_id, batch_id,
                                  {"removed": [None, removed], "restored": [None, restored]})])
        uow.commit()
    return {"batch": batch_id, "removed": removed, "restored": restored, "forced": bool(later)}


__all__ = ["new_batch", "finish_batch", "list_batches", "undo_batch", "kind_of_id"]
