"""Import batches: every imported row carries its batch id; any batch can be undone."""

from __future__ import annotations

import sys
from collections import OrderedDict

from ..domain.models import stored_text_context, validate_record
from ..domain.schema import ENTITIES, kind_of_id
from ..errors import Conflict, NotFound, ValidationFailed
from ..security.audit import ERASED, AuditEvent, entry_records, marker_rewrites
from ..store import queries
from ..store.db import utcnow
from .session import Session


def new_batch(session: Session, kind: str, source: str, *, summary: dict | None = None) -> str:
    """Open a batch (inside the import's unit of work).

    source: the file's name; bytes in it that are not text in the file system's encoding
    (a Latin-1 name on a UTF-8 system, kept by Python as lone surrogates, PEP 383) are
    stored as \\xNN escapes, since no text column can hold them."""
    session.ensure("import", kind)
    source = _file_name_text(source)
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


def _file_name_text(name: str) -> str:
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    encoding = sys.getfilesystemencoding()
    return name.encode(encoding, "surrogateescape").decode(encoding, "backslashreplace")


def finish_batch(session: Session, batch_id: str, summary: dict) -> None:
    with session.unit_of_work() as uow:
        session.store.update_batch(batch_id, summary=summary)
        uow.commit()


def list_batches(session: Session) -> list[dict]:
    session.ensure("read")
    return session.store.fetch_batches()


def _batch_changes(session: Session, batch_id: str, author: str,
                   foreign: "OrderedDict[str, str] | None" = None) -> "OrderedDict[str, dict]":
    """Per record touched by the batch: how it was touched and the values before it.

    Only entries written by the batch's `author` count: anyone can write an entry that
    names a batch (a signed entry of their own, or raw SQL), and an undo runs under
    the signature of whoever undoes it, so a record attached to the batch by someone
    else must not be removed or restored by it. Such records go into `foreign`
    ({record id: the actor of the first such entry}) when the author wrote nothing
    about them in the batch.
    """
    touched: OrderedDict[str, dict] = OrderedDict()
    others: OrderedDict[str, str] = OrderedDict()
    for seq, _at, actor, action, entity, eid, _b, changes, digests, _p, _m in session.store.iter_audit(
            batch_id=batch_id):
        if entity not in ENTITIES or action not in ("create", "update"):
            continue
        if actor != author:
            for rid in entry_records(eid, changes, digests):
                others.setdefault(rid, actor)
            continue
        for rid, fields in entry_records(eid, changes, digests).items():
            entry = touched.setdefault(rid, {"kind": entity, "created": False, "before": {}, "last_seq": seq})
            entry["last_seq"] = seq
            if action == "create":
                entry["created"] = True      # removed by an undo: its values are not needed
            elif not entry["created"]:
                rewritten = None
                for f, (before, _after) in fields.items():
                    if before == ERASED:
                        # erased since (the marker over another value's keyed digest): an undo
                        # must not bring it back (nor fail on it); the same text typed by a
                        # user is a value like any other (audit.marker_rewrites)
                        if rewritten is None:
                            rewritten = marker_rewrites(session.audit_key, eid, changes, digests)
                        if rid in rewritten:
                            continue
                    entry["before"].setdefault(f, before)
    if foreign is not None:
        foreign.update((rid, actor) for rid, actor in others.items() if rid not in touched)
    return touched


UNDO_CHUNK = 5_000      # records removed, and audit entries written, per statement


def undo_batch(session: Session, batch_id: str, *, force: bool = False) -> dict:
    """Revert exactly one batch: its created rows removed, its updated rows restored.

    Refuses when a record was changed after the import (that change would be lost),
    unless `force`. Works in bulk (a 100,000-row import undoes in seconds); every
    removed record still gets its own audit entry.

    Only what the batch's author wrote in that batch is undone (`_batch_changes`);
    records whose entries in the batch were written by anyone else are left as they
    are and listed under "left" ("C-000037 (entry by lina, not by mei who imported)"),
    and counted in the `import.undo` entry.
    Returns {"batch", "removed", "restored", "forced", "left"}.
    """
    batch_id = batch_id.strip().upper()
    session.ensure("import", record_id=batch_id)
    batch = session.store.fetch_batch(batch_id)
    if batch is None:
        raise NotFound(f"no import batch {batch_id}")
    if batch["undone_at"]:
        raise ValidationFailed({"Batch": f"{batch_id} was already undone"})
    foreign: OrderedDict[str, str] = OrderedDict()
    touched = _batch_changes(session, batch_id, batch["created_by"], foreign)
    later = _changed_later(session, touched)
    if later and not force:
        raise Conflict(f"{len(later)} record(s) changed after import {batch_id}, e.g. {later[0]}; "
                       "undoing would lose those changes (use --force to undo anyway)")
    now = utcnow()
    removed = restored = 0
    held: dict[str, str] = {}       # customers left in place: id -> a record still under it
    with session.unit_of_work() as uow:
        # Children first, so no order is left pointing at a removed customer.
        for kind in sorted({e["kind"] for e in touched.values()}, key=lambda k: k == "customer"):
            ent = ENTITIES[kind]
            mine = [(rid, e) for rid, e in touched.items() if e["kind"] == kind]
            created = [rid for rid, e in mine if e["created"]]
            if created:
                session.ensure("delete", kind)
                present = queries.stored_ids(session.store, ent, created, include_deleted=True)
                gone = [rid for rid in created if rid in present]
                if kind == "customer":
                    # A customer that records outside this import now hang under (an order
                    # typed in later) stays: removing it would leave them pointing at nothing.
                    kept = _customers_with_others(session, gone)
                    gone = [rid for rid in gone if rid not in kept]
                    held.update(kept)
                for start in range(0, len(gone), UNDO_CHUNK):
                    part = gone[start:start + UNDO_CHUNK]
                    session.store.hard_delete(ent, part)
                    session.audit([AuditEvent(now, session.username, "undo", kind, rid, batch_id,
                                              {"removed": [False, True]}) for rid in part])
                removed += len(gone)
            updated = [(rid, e) for rid, e in mine if not e["created"]]
            if updated:
                from .records import _SERVICE, _service_update_many
                live = queries.stored_ids(session.store, ent, [rid for rid, _e in updated])
                back = [(rid, validate_record(ent, e["before"], partial=True,
                                               context=stored_text_context(ent)), None)
                        for rid, e in updated if rid in live]
                _service_update_many(session, back, token=_SERVICE, action="undo")
                restored += len(back)
        session.store.update_batch(batch_id, undone_at=now)
        session.audit([AuditEvent(now, session.username, "import.undo", batch["kind"], batch_id, batch_id,
                                  {"removed": [None, removed], "restored": [None, restored],
                                   **({"left": [None, list(foreign) + list(held)]} if foreign or held else {})})])
        uow.commit()
    left = [f"{rid} (entry by {actor}, not by {batch['created_by']} who imported)" for rid, actor in foreign.items()]
    left += [f"{cid} (still has {child}, added after the import)" for cid, child in held.items()]
    return {"batch": batch_id, "removed": removed, "restored": restored, "forced": bool(later), "left": left}


def _customers_with_others(session: Session, customer_ids: list[str]) -> dict[str, str]:
    """{customer id: one record still under it} among these customers (called after the
    batch's own child records were removed, so what is left came from elsewhere)."""
    out: dict[str, str] = {}
    for kind in [k for k in ENTITIES if k != "customer"]:      # every record kind held by a customer
        for cid, ids in queries.records_under(session.store, ENTITIES[kind], customer_ids).items():
            out.setdefault(cid, ids[0])
    return out


def _changed_later(session: Session, touched: "OrderedDict[str, dict]") -> list[str]:
    """Records changed after the batch touched them ("C-000001 (update by mei)"), and
    records added later to customers the batch created."""
    newest = session.store.newest_audit_seqs(list(touched))
    later_ids = [rid for rid, e in touched.items() if newest.get(rid, e["last_seq"]) != e["last_seq"]]
    later = []
    for rid in later_ids:
        if not later:      # the first one is named in the message: say what happened to it
            row = next(iter(session.store.iter_audit(entity_id=rid, newest_first=True, limit=1)))
            later.append(f"{rid} ({row[3]} by {row[2]})")
        else:
            later.append(rid)
    created_customers = [rid for rid, e in touched.items() if e["created"] and e["kind"] == "customer"]
    if created_customers:
        for ent in ENTITIES.values():
            if any(f.key == "customer_id" for f in ent.fields):
                for child in queries.children_of(session.store, ent, created_customers):
                    if child not in touched:
                        later.append(f"{child} (added later to an imported customer)")
    return later


__all__ = ["new_batch", "finish_batch", "list_batches", "undo_batch", "kind_of_id"]
