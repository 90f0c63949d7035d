"""Merge two customers: children move to the kept one, blanks are filled, the other is retired."""

from __future__ import annotations

import json

from ..domain.schema import CUSTOMER, ENTITIES, normalize_id
from ..errors import NotFound, ValidationFailed
from ..security.audit import AuditEvent
from ..store import queries
from ..store.db import utcnow
from . import records
from .session import Session


def merge_customers(session: Session, keep_id: str, drop_id: str) -> dict:
    """Merge `drop_id` into `keep_id`: every record under the retired customer moves to
    the kept one, soft-deleted ones too (contacts, interactions, orders, opportunities,
    tickets: a restore brings them back under the kept customer, and its GDPR export and
    erase find them), each change audited as a merge; the kept customer's blanks are
    filled and the other is retired. A contact of the retired customer with the email of
    one of the kept customer's contacts moves too (both are kept, nothing is lost) and is
    named in "same_email_contacts". Needs the merge permission and, for each record, the
    right to edit it where it is and where it goes. Returns {"kept", "merged", "moved"
    (records moved), "moved_deleted" (of them soft-deleted), "filled" (fields filled),
    "same_email_contacts": [{"contact", "same_email_as", "role_mailbox"}]}."""
    keep_id, drop_id = normalize_id(keep_id), normalize_id(drop_id)
    if keep_id == drop_id:
        raise ValidationFailed({"Customer": "cannot merge a customer into itself"})
    session.ensure("merge", "customer", record_id=drop_id)
    keep = session.store.fetch_record(CUSTOMER, keep_id)
    drop = session.store.fetch_record(CUSTOMER, drop_id)
    for rid, rec in ((keep_id, keep), (drop_id, drop)):
        if rec is None:
            from .records import missing

            raise missing(session, CUSTOMER, rid)
    moved = moved_deleted = 0
    now = utcnow()
    moved_ids: dict[str, list[str]] = {}
    store = session.store
    # Deleted records too: left behind, they would stay with a retired customer (a restore
    # would bring them back there, the kept customer's GDPR export would miss them).
    crossed_before = {kind: _crossed(session, ent, queries.children_of(store, ent, [drop_id], include_deleted=True))
                      for kind, ent in ENTITIES.items() if records._names_a_contact(ent)}
    same_email = _same_email_contacts(session, keep_id, drop_id)
    with session.unit_of_work() as uow:
        for ent in ENTITIES.values():
            if not any(f.key == "customer_id" for f in ent.fields):
                continue
            child_ids = queries.children_of(store, ent, [drop_id], include_deleted=True)
            if child_ids:
                live = queries.children_of(store, ent, [drop_id])
                records._service_update_many(session, [(cid, {"customer_id": keep_id}, None) for cid in child_ids],
                                            token=records._SERVICE, validated=True, action="merge")
                moved += len(child_ids)
                moved_deleted += len(child_ids) - len(live)
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
    return {"kept": keep_id, "merged": drop_id, "moved": moved, "moved_deleted": moved_deleted,
            "filled": sorted(fill), "same_email_contacts": same_email}


def _merged_into(session: Session, customer_id: str) -> str | None:
    """The live customer a retired customer was merged into (following a chain: C into B,
    B into A gives A), from the merge entries of the audit trail; None when it was not
    merged, or everything it went into is deleted too."""
    into: dict[str, str] = {}
    for drop_id, changes in session.store.iter_merge_audit():
        try:
            keep = (json.loads(changes or "{}").get("merged_into") or [None, None])[1]
        except (ValueError, AttributeError, IndexError, TypeError):
            continue
        if isinstance(keep, str) and drop_id:
            into[drop_id] = keep
    seen = {customer_id}
    at = into.get(customer_id)
    while at and at not in seen:
        if session.store.fetch_record(CUSTOMER, at) is not None:
            return at
        seen.add(at)
        at = into.get(at)
    return None


def _follow_merge(session: Session, record_id: str) -> str | None:
    """Before a deleted record is restored: when it is still under a customer that an
    older version's merge retired (that merge left deleted records behind), move it to
    the customer that one was merged into, written and audited as a merge (the merge
    permission and the right to edit it there, as in `merge_customers`). Returns the
    customer it went to, or None when nothing was to move."""
    ent = records._ent_for_id(record_id)
    rid = normalize_id(record_id)
    if not any(f.key == "customer_id" for f in ent.fields):
        return None
    current = session.store.fetch_record(ent, rid, include_deleted=True)
    cid = (current or {}).get("customer_id")
    if current is None or current["deleted_at"] is None or not cid \
            or session.store.fetch_record(CUSTOMER, cid) is not None:
        return None
    keep = _merged_into(session, cid)
    if keep is None:
        return None
    session.ensure("merge", "customer", record_id=cid)
    records._service_update_many(session, [(rid, {"customer_id": keep}, None)], token=records._SERVICE,
                                 validated=True, action="merge")
    return keep


def _same_email_contacts(session: Session, keep_id: str, drop_id: str) -> list[dict]:
    """The retired customer's contacts (deleted ones too) whose email is that of one of
    the kept customer's contacts, as the import's duplicate check reads addresses
    (domain.duplicates.email_key: case, Gmail's dots and "+tag", IDNA): [{"contact",
    "same_email_as", "role_mailbox"}]. The merge keeps both: the same address may be a
    mailbox several people share (info@), and each contact's own records stay hers."""
    from ..domain.duplicates import email_key, is_role_mailbox

    contact = ENTITIES["contact"]
    kept: dict[str, str] = {}
    for rec in session.store.fetch_records(contact, include_deleted=True, equals={"customer_id": keep_id}):
        if rec.get("email"):
            kept.setdefault(email_key(rec["email"]), rec["id"])
    out = []
    for rec in session.store.fetch_records(contact, include_deleted=True, equals={"customer_id": drop_id}):
        twin = kept.get(email_key(rec["email"])) if rec.get("email") else None
        if twin:
            out.append({"contact": rec["id"], "same_email_as": twin, "role_mailbox": is_role_mailbox(rec["email"])})
    return out


def _crossed(session: Session, ent, ids: list[str]) -> set[str]:
    """The records among `ids` (deleted ones too) whose contact is a contact of another customer."""
    if not ids or not records._names_a_contact(ent):
        return set()
    rows = session.store.fetch_records(ent, ids=ids, include_deleted=True)
    theirs = records._contact_customers(session, [r["contact_id"] for r in rows if r.get("contact_id")])
    return {r["id"] for r in rows
            if r.get("contact_id") and theirs.get(r["contact_id"]) not in (None, r["customer_id"])}


def _refuse_new_crossings(session: Session, ent, ids: list[str], before: set[str]) -> None:
    new = sorted(_crossed(session, ent, ids) - before)
    if new:
        rows = session.store.fetch_records(ent, ids=new[:5], include_deleted=True)
        named = sorted({r["contact_id"] for r in rows})
        raise ValidationFailed({ent.field("contact_id").header:
                                f"the merge would leave {', '.join(new[:5])}{' and more' if len(new) > 5 else ''} "
                                f"naming {', '.join(named)}, a contact of another customer than the kept one; "
                                "clear Contact ID on them first. Nothing was merged"})
