"""Merge two customers: children move to the kept one, blanks are filled, the other is retired."""

from __future__ import annotations

import json

from ..domain.schema import CUSTOMER, ENTITIES, format_id, normalize_id
from ..errors import ValidationFailed
from ..security.audit import AuditEvent
from ..store import queries
from ..store.db import utcnow
from . import records
from .session import Session


def merge_preview(session: Session, keep_id: str, drop_id: str) -> dict:
    """What `merge_customers` would do, found before anyone is asked to confirm (a merge
    has no undo): the role first (PermissionDenied), then both customers (NotFound),
    never one into itself. Changes nothing. Returns {"kept": {"id", "name", "email"},
    "merged": {...}, "moves": {kind: number of its records that move, deleted ones
    too}}; the names and emails only for a role that may merge (which reads them)."""
    keep_id, drop_id = normalize_id(keep_id), normalize_id(drop_id)
    if keep_id == drop_id:
        raise ValidationFailed({"Customer": "cannot merge a customer into itself"})
    session.ensure("merge", "customer", record_id=drop_id)
    found = {}
    for role, rid in (("kept", keep_id), ("merged", drop_id)):
        rec = session.store.fetch_record(CUSTOMER, rid)
        if rec is None:
            raise records.not_found(session, CUSTOMER, rid)
        found[role] = {"id": rid, "name": rec.get("name"), "email": rec.get("email")}
    moves = {}
    for ent in ENTITIES.values():
        if any(f.key == "customer_id" for f in ent.fields):
            n = len(queries.children_of(session.store, ent, [drop_id], include_deleted=True))
            if n:
                moves[ent.kind] = n
    return {**found, "moves": moves}


def merge_customers(session: Session, keep_id: str, drop_id: str) -> dict:
    """Merge `drop_id` into `keep_id`: every record under the retired customer moves to
    the kept one, soft-deleted ones too (contacts, interactions, orders, opportunities,
    tickets: a restore brings them back under the kept customer, and its GDPR export and
    erase find them), each change audited as a merge; the kept customer's blanks are
    filled and the other is retired. A contact of the retired customer with the email of
    one of the kept customer's contacts moves too (both are kept, nothing is lost) and is
    named in "same_email_contacts". Needs the merge permission and, for each record, the
    right to edit it where it is and where it goes. Where both have a value and they
    differ (another email, mobile, name, city…), the kept one's stays and the retired
    one's is kept in the kept customer's Notes ("Merged from C-…: Email …; Mobile …"),
    never dropped; search and the duplicate check still find the kept customer by the
    retired one's values (the retired record stays stored). The kept customer's merge
    entry names the retired one ("merged_from"). Returns {"kept", "merged", "moved"
    (records moved), "moved_deleted" (of them soft-deleted), "filled" (fields filled),
    "kept_in_notes" (fields whose differing value went to Notes),
    "same_email_contacts": [{"contact", "same_email_as", "role_mailbox"}], "primary_kept":
    [{"contact" (the retired customer's primary, now a contact of the kept one), "primary"
    (the kept customer's primary, which stays)}]}."""
    keep_id, drop_id = normalize_id(keep_id), normalize_id(drop_id)
    if keep_id == drop_id:
        raise ValidationFailed({"Customer": "cannot merge a customer into itself"})
    session.ensure("merge", "customer", record_id=drop_id)
    keep = session.store.fetch_record(CUSTOMER, keep_id)
    drop = session.store.fetch_record(CUSTOMER, drop_id)
    for rid, rec in ((keep_id, keep), (drop_id, drop)):
        if rec is None:
            raise records.not_found(session, CUSTOMER, rid)
    moved = moved_deleted = 0
    now = utcnow()
    moved_ids: dict[str, list[str]] = {}
    store = session.store
    # Deleted records too: left behind, they would stay with a retired customer (a restore
    # would bring them back there, the kept customer's GDPR export would miss them).
    crossed_before = {kind: _crossed(session, ent, queries.children_of(store, ent, [drop_id], include_deleted=True))
                      for kind, ent in ENTITIES.items() if records._names_a_contact(ent)}
    same_email = _same_email_contacts(session, keep_id, drop_id)
    arrived = records._arrived_not_primary(session)
    already = len(arrived)
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
                if f.editable and f.key not in _CONSENT and keep.get(f.key) in (None, "")
                and drop.get(f.key) not in (None, "")}
        consent = _consent_kept(keep, drop)
        fill.update({k: v for k, v in consent.items() if v != keep.get(k)})
        if drop.get("tags") and keep.get("tags"):
            tags = dict.fromkeys([t.strip() for t in (keep["tags"] + "," + drop["tags"]).split(",") if t.strip()])
            fill["tags"] = ", ".join(tags)
        # Where both have a value and they differ, the kept one's stays in the field and the
        # retired one's is kept in Notes, one line naming where it came from: never dropped.
        differ = _differing(keep, drop)
        # the consent decision not kept (the pair as one: a yes and the date of a no never meet)
        differ.update(_consent_not_kept(keep, drop, consent))
        notes = [keep["notes"]] if keep.get("notes") else []
        if drop.get("notes") and keep.get("notes") and drop["notes"] not in keep["notes"]:
            notes.append(drop["notes"])     # both have notes: the retired one's are added, never lost
        elif drop.get("notes") and not keep.get("notes"):
            notes.append(drop["notes"])
        if differ:
            notes.append(f"Merged from {drop_id}: "
                         + "; ".join(f"{CUSTOMER.field(k).header} {v}" for k, v in differ.items()))
        if keep.get("marketing_consent") is not None and any(consent[k] != keep.get(k) for k in _CONSENT):
            # the kept customer's own decision, replaced by the retired one's later one
            notes.append(f"Before merging {drop_id}: " + "; ".join(
                f"{CUSTOMER.field(k).header} {_as_text(keep[k])}" for k in _CONSENT if keep.get(k) is not None))
        if "\n".join(notes) != (keep.get("notes") or ""):
            fill["notes"] = "\n".join(notes)
        if fill:
            records._service_update_many(session, [(keep_id, fill, None)], token=records._SERVICE, action="merge",
                                         audit_extra={keep_id: {"merged_from": [None, drop_id]}})
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
            "filled": sorted(k for k in fill if k != "notes"
                             or drop.get("notes") and drop["notes"] not in (keep.get("notes") or "")),
            "kept_in_notes": list(differ), "same_email_contacts": same_email,
            # the retired customer's primary contact moved as a contact: the kept one's stays
            "primary_kept": [{"contact": pid, "primary": holder} for pid, _cid, holder in arrived[already:]]}


_CONSENT = ("marketing_consent", "marketing_consent_at")


def _consent_kept(keep: dict, drop: dict) -> dict:
    """The marketing consent decision the kept customer has after a merge, as one pair
    (Marketing Consent, Consent Date): a decision never takes the other's date. The later
    dated decision wins (a withdrawal after a yes, or a yes after a no: GDPR Art. 7(3), a
    consent is withdrawn as it was given); a decision without a date against a different
    one is settled towards no consent (a consent must be demonstrable, Art. 7(1)); a
    customer with no decision takes the other's."""
    mine = (keep.get("marketing_consent"), keep.get("marketing_consent_at"))
    theirs = (drop.get("marketing_consent"), drop.get("marketing_consent_at"))
    if theirs[0] is None:
        return dict(zip(_CONSENT, mine))
    if mine[0] is None or mine[0] == theirs[0] and mine[1] is None:
        return dict(zip(_CONSENT, theirs if mine[0] is None or theirs[1] is not None else mine))
    if mine[0] == theirs[0]:
        return dict(zip(_CONSENT, mine))
    if mine[1] is not None and theirs[1] is not None:
        return dict(zip(_CONSENT, theirs if theirs[1] > mine[1] else mine))
    return dict(zip(_CONSENT, mine if mine[0] is False else theirs))


def _consent_not_kept(keep: dict, drop: dict, kept: dict) -> dict[str, str]:
    """{field: the retired customer's value as Notes writes it} of its consent decision
    when the merge did not keep it (see _consent_kept)."""
    theirs = {k: drop.get(k) for k in _CONSENT}
    if theirs["marketing_consent"] is None or (theirs["marketing_consent"] == kept["marketing_consent"]
                                               and theirs["marketing_consent_at"] in (None, kept["marketing_consent_at"])):
        return {}
    return {k: _as_text(v) for k, v in theirs.items() if v is not None}


def _differing(keep: dict, drop: dict) -> dict[str, str]:
    """{field: the retired customer's value as Notes writes it} of each editable field
    (Notes and Tags aside: those are joined) where both customers have a value and the
    two differ: an email as the duplicate check reads addresses (domain.duplicates
    .email_key), a name or other text case and spacing aside, the rest as stored."""
    from ..domain.countries import region_for_country
    from ..domain.duplicates import email_key

    out: dict[str, str] = {}
    for f in CUSTOMER.fields:
        if not f.editable or f.key in ("notes", "tags") or f.key in _CONSENT:
            continue        # consent: as one decision (_consent_kept)
        mine, theirs = keep.get(f.key), drop.get(f.key)
        if mine in (None, "") or theirs in (None, ""):
            continue
        if f.kind == "email":
            same = email_key(mine) == email_key(theirs)
        elif f.key == "country" and region_for_country(mine) is not None:
            same = region_for_country(mine) == region_for_country(theirs)      # USA, United States, US
        elif f.key == "postal_code" and str(mine).isdigit() and str(theirs).isdigit():
            same = str(mine).lstrip("0") == str(theirs).lstrip("0")           # 02134 and Excel's 2134
        elif isinstance(mine, str) and isinstance(theirs, str):
            same = " ".join(mine.split()).casefold() == " ".join(theirs.split()).casefold()
        else:
            same = mine == theirs
        if not same:
            out[f.key] = _as_text(theirs)
    return out


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return " ".join(str(value).split())


def merge_edges(session: Session) -> dict[str, str]:
    """{retired customer id: the customer it was merged into} from the merge entries of
    the audit trail (the retired customer's `merged_into`), one read of the trail; an
    entry that cannot be read is left out."""
    into: dict[str, str] = {}
    for drop_id, changes in session.store.iter_merge_audit():
        try:
            keep = (json.loads(changes or "{}").get("merged_into") or [None, None])[1]
        except (ValueError, AttributeError, IndexError, TypeError):
            continue
        if isinstance(keep, str) and drop_id:
            into[drop_id] = keep
    return into


def _merged_into(session: Session, customer_id: str) -> str | None:
    """The live customer a retired customer was merged into (following a chain: C into B,
    B into A gives A), from the merge entries of the audit trail; None when it was not
    merged, or everything it went into is deleted too."""
    into = merge_edges(session)
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


def merged_away(session: Session, customer_id: str) -> dict | None:
    """When `customer_id` is a customer a merge retired: {"id" (it), "into" (the customer
    it was merged into), "kept" (the live customer that holds its data now, following a
    chain: C into B, B into A gives A; None when that one is gone too), "at" (when it was
    merged, aware UTC), "by"}; None when it is live or was never merged. Reads the merge
    entries of this customer only (the trail's index), never the whole trail."""
    import datetime as dt

    cid = normalize_id(customer_id)
    store = session.store
    if store.fetch_record(CUSTOMER, cid) is not None:
        return None
    first = None
    seen, at_id = {cid}, cid
    while True:
        into = None
        for row in store.iter_audit(entity_id=at_id):
            if row[3] != "merge" or row[4] != "customer" or row[5] != at_id:
                continue
            try:
                keep = (json.loads(row[7] or "{}").get("merged_into") or [None, None])[1]
            except (ValueError, AttributeError, IndexError, TypeError):
                continue
            if isinstance(keep, str):
                into = (keep, row[1], row[2])
        if into is None:
            break
        if first is None:
            first = {"id": cid, "into": into[0], "kept": None,
                     "at": dt.datetime.fromisoformat(into[1].replace("Z", "+00:00")), "by": into[2]}
        if into[0] in seen:
            break
        seen.add(into[0])
        if store.fetch_record(CUSTOMER, into[0]) is not None:
            first["kept"] = into[0]
            break
        at_id = into[0]
    return first


def merged_message(info: dict) -> str:
    """"C-000002 was merged into C-000001 on 2026-12-02 06:04 UTC" (and where its data is
    now when that one was merged on too, or is gone)."""
    text = f"{info['id']} was merged into {info['into']} on {info['at']:%Y-%m-%d %H:%M} UTC"
    if info["kept"] and info["kept"] != info["into"]:
        text += f", which was merged into {info['kept']} (it holds the data now)"
    elif not info["kept"]:
        text += f"; {info['into']} is deleted too"
    return text


def kept_for(session: Session, customer_ids) -> dict[str, str]:
    """{retired customer id: the live customer holding its data} for those of
    `customer_ids` a merge retired (see `merged_away`)."""
    out = {}
    for cid in customer_ids:
        info = merged_away(session, cid)
        if info and info["kept"]:
            out[cid] = info["kept"]
    return out


def retired_holding(session: Session, values: dict) -> list[tuple[str, str, str]]:
    """(field, retired customer id, live customer holding its data) for each of the
    email, phone and mobile of `values` (clean values) that a customer a merge retired
    had: adding it again is adding the kept customer again. An email as the duplicate
    check reads addresses (domain.duplicates.email_key), a number as stored (E.164, in
    either the phone or the mobile field)."""
    from ..domain.duplicates import email_key

    out = []
    for how in ("email", "phone", "mobile"):
        value = values.get(how)
        if not value:
            continue
        cols = ("email",) if how == "email" else ("phone", "mobile")
        found = []
        for col in cols:
            found += [r["id"] for r in session.store.fetch_records(CUSTOMER, include_deleted=True,
                                                                   equals={col: value})
                      if r["deleted_at"] is not None]
        key = email_key(value) if how == "email" else None
        if key and (key.endswith("@gmail.com") or "xn--" in value or not value.isascii()):
            # the same mailbox written another way (Gmail's dots and +tags, IDNA), as
            # records._same_mailbox reads it
            found += [format_id(CUSTOMER, seq) for seq, email, gone in
                      session.store.iter_column_tuples(CUSTOMER, ["seq", "email", "deleted_at"], include_deleted=True)
                      if gone is not None and email and email_key(email) == key]
        kept = kept_for(session, list(dict.fromkeys(found)))
        out += [(how, rid, kid) for rid, kid in kept.items()]
    return out


def retired_map(session: Session) -> dict[str, str]:
    """{retired customer id: the live customer holding its data} of every customer a
    merge retired (one read of the trail's merge entries, for bulk readers such as the
    import's duplicate index)."""
    into = merge_edges(session)
    out: dict[str, str] = {}
    live: dict[str, bool] = {}
    for drop_id in into:
        seen, at = {drop_id}, into.get(drop_id)
        while at and at not in seen:
            if at not in live:
                live[at] = session.store.fetch_record(CUSTOMER, at) is not None
            if live[at]:
                out[drop_id] = at
                break
            seen.add(at)
            at = into.get(at)
    return {rid: kept for rid, kept in out.items() if session.store.fetch_record(CUSTOMER, rid) is None}
