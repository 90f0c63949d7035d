"""Merge two customers: children move to the kept one, blanks are filled, the other is retired."""

from __future__ import annotations

from ..domain.schema import CUSTOMER, ENTITIES, normalize_id
from ..errors import NotFound, ValidationFailed
from ..security.audit import AuditEvent
from ..store import queries
from ..store.db import utcnow
from . import records
from .session import Session


def merge_customers(session: Session, keep_id: str, drop_id: str) -> dict:
    keep_id, drop_id = normalize_id(keep_id), normalize_id(drop_id)
    if keep_id == drop_id:
        raise ValidationFailed({"Customer": "cannot merge a customer into itself"})
    session.ensure("merge", "customer", record_id=drop_id)
    keep = session.store.fetch_record(CUSTOMER, keep_id)
    drop = session.store.fetch_record(CUSTOMER, drop_id)
    for rid, rec in ((keep_id, keep), (drop_id, drop)):
        if rec is None:
            raise NotFound(f"no customer {rid}")
    moved = 0
    now = utcnow()
    moved_ids: dict[str, list[str]] = {}
    crossed_before = {kind: _crossed(session, ent, queries.children_of(session.store, ent, [drop_id]))
                      for kind, ent in ENTITIES.items() if records._names_a_contact(ent)}
    with session.unit_of_work() as uow:
        for ent in ENTITIES.values():
            if not any(f.key == "customer_id" for f in ent.fields):
                continue
            child_ids = queries.children_of(session.store, ent, [drop_id])
            if child_ids:
                records._service_update_many(session, [(cid, {"customer_id": keep_id}, None) for cid in child_ids],
                                            token=records._SERVICE, validated=True, action="merge")
                moved += len(child_ids)
                moved_ids[ent.kind] = child_ids
        # Contacts and the records naming them moved together: a record the merge moved
        # names no contact of another customer that it did not name before.
        for kind, ids in moved_ids.items():
            if kind in crossed_before:
                _refuse_new_crossings(session, ENTITIES[kind], ids, crossed_before[kind])
        fill = {f.key: drop[f.key] for f in CUSTOMER.fields
                if f.editable and keep.get(f.key) in (None, "") and drop.get(f.key) not in (None, "")}
        if drop.get("notes") and keep.get("notes") and drop["notes"] not in keep["notes"]:
            # both have notes: the retired one's are added, never lost
            fill["notes"] = f"{keep['notes']}\n{drop['notes']}"
        if drop.get("tags") and keep.get("tags"):
            tags = dict.fromkeys([t.strip() for t in (keep["tags"] + "," + drop["tags"]).split(",") if t.strip()])
            fill["tags"] = ", ".join(tags)
        if fill:
            records._service_update_many(session, [(keep_id, fill, None)], token=records._SERVICE, action="merge")
        else:
            session.audit([AuditEvent(now, session.username, "merge", "customer", keep_id, None,
                                      {"merged_from": [None, drop_id]})])
            session.store.update_record(CUSTOMER, keep_id, {"version": keep["version"] + 1, "updated_at": now,
                                                            "updated_by": session.username},
                                        expected_version=keep["version"])
        session.store.update_record(CUSTOMER, drop_id, {"deleted_at": now, "deleted_by": session.username,
                                                        "updated_at": now, "updated_by": session.username,
                                                        "version": drop["version"] + 1},
                                    expected_version=drop["version"])
        session.audit([AuditEvent(now, session.username, "merge", "customer", drop_id, None,
                                  {"merged_into": [None, keep_id]})])
        uow.commit()
    return {"kept": keep_id, "merged": drop_id, "moved": moved, "filled": sorted(fill)}


def _crossed(session: Session, ent, ids: list[str]) -> set[str]:
    """The records among `ids` whose contact is a contact of another customer."""
    if not ids or not records._names_a_contact(ent):
        return set()
    rows = session.store.fetch_records(ent, ids=ids)
    theirs = records._contact_customers(session, [r["contact_id"] for r in rows if r.get("contact_id")])
    return {r["id"] for r in rows
            if r.get("contact_id") and theirs.get(r["contact_id"]) not in (None, r["customer_id"])}


def _refuse_new_crossings(session: Session, ent, ids: list[str], before: set[str]) -> None:
    new = sorted(_crossed(session, ent, ids) - before)
    if new:
        rows = session.store.fetch_records(ent, ids=new[:5])
        named = sorted({r["contact_id"] for r in rows})
        raise ValidationFailed({ent.field("contact_id").header:
                                f"the merge would leave {', '.join(new[:5])}{' and more' if len(new) > 5 else ''} "
                                f"naming {', '.join(named)}, a deleted contact that stays with the retired "
                                "customer; restore it or clear Contact ID on them first. Nothing was merged"})
