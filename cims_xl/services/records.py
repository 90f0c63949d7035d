"""Create, read, update and delete records of every entity.

Every write: role check (`session.ensure`) before anything reaches the store, one
unit of work, an audit entry in the same transaction, `version` + 1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from typing import Any, Iterable, Sized

from ..domain.legal_forms import company_by_name
from ..domain.models import check_written, for_update, validate_record
from ..domain.normalize import has_phone_extension
from ..domain.schema import (CUSTOMER, ENTITIES, FROM_IMPORT, Entity, computed_problem, entity, format_id,
                             kind_of_id, normalize_id)
from ..errors import CimsError, Conflict, NotFound, PermissionDenied, ValidationFailed
from ..security.audit import BULK_MAX, AuditEvent, record_changes
from ..security.roles import AUTHORED, CUSTOMER_OWNED, RECORDED_TIMES, owner_matters
from ..store.db import to_db, utcnow
from .session import Session
from .suppression import EDIT_REFUSED, ensure_not_erased, erased_list

# Entities whose records belong to a user (sales may edit only their own).
OWNER_FIELD = {"customer": "owner", "opportunity": "owner", "interaction": "owner"}
WRITE_ACTIONS = ("create", "update", "delete", "restore", "undo", "erase", "merge", "rfm")


def _ent_for_id(record_id: str) -> Entity:
    try:
        return kind_of_id(record_id)
    except ValueError as exc:
        raise NotFound(str(exc)) from None


def _owner(session: Session, ent: Entity, values: dict, cache: dict | None = None) -> str | None:
    """Whose record this is, for the role check: its own owner field, or for contacts,
    interactions and orders the owner of the customer they belong to (looked up only
    when the acting role cares; `cache` holds customer id -> owner within one write)."""
    if ent.kind in CUSTOMER_OWNED:
        if not owner_matters(session.role, ent.kind):
            return None
        cid = values.get("customer_id")
        if cache is not None and cid in cache:
            return cache[cid]
        customer = session.store.fetch_record(CUSTOMER, normalize_id(cid), include_deleted=True) if cid else None
        # No such customer: the reference check refuses the row with a clearer message.
        owner = customer.get("owner") if customer else session.username
        if cache is not None:
            cache[cid] = owner
        return owner
    key = OWNER_FIELD.get(ent.kind)
    return values.get(key) if key else None


def user_names(session: Session) -> dict[str, str]:
    """How names people write find cims users: {"=" + user name in lower case: user name
    as stored} (a user's own name, exactly), and {case-folded name: user name} by user
    name and by display name where only one user has that folded form ("Maria Lopez" ->
    "maria"; "weiss" and "weiß" fold alike, so neither is found by folding)."""
    session.ensure("read")
    users = session.store.fetch_users()
    names = {"=" + u["username"].lower(): u["username"] for u in users}
    folded: dict[str, set[str]] = {}
    for u in users:
        folded.setdefault(u["username"].casefold(), set()).add(u["username"])
        if u.get("display_name"):
            folded.setdefault(" ".join(u["display_name"].split()).casefold(), set()).add(u["username"])
    for key, who in folded.items():
        if len(who) == 1:
            names[key] = next(iter(who))
    return names


def disabled_user_names(session: Session) -> frozenset[str]:
    """The user names (as stored) of the cims users who are disabled: they can no longer
    sign in, so records given to them (an import's Owner or Assignee) are worth a word."""
    session.ensure("read")
    return frozenset(u["username"] for u in session.store.fetch_users() if u.get("disabled"))


def as_user_names(ent: Entity, values: dict, names: dict[str, str]) -> dict:
    """`values` with each user field (owner, assignee) that names a cims user set to
    that user's name as stored: a user's own name first (any case), else a name that
    folds to one user's name or display name only (`user_names`); any other name is kept
    as written (an agent of another help desk is no cims user). Changes and returns
    `values`."""
    for key in _user_keys(ent):
        v = values.get(key)
        if isinstance(v, str) and v:
            values[key] = user_for(names, v) or v
    return values


def user_for(names: dict[str, str], written: str) -> str | None:
    """The cims user a written name is (`as_user_names`), or None."""
    written = " ".join(written.split())
    return names.get("=" + written.lower()) or names.get(written.casefold())


def _user_keys(ent: Entity) -> tuple[str, ...]:
    """The keys of `ent`'s user fields (owner, assignee)."""
    keys = _USER_KEYS.get(ent.kind)
    if keys is None:
        keys = _USER_KEYS[ent.kind] = tuple(f.key for f in ent.fields if f.kind == "user")
    return keys


_USER_KEYS: dict[str, tuple[str, ...]] = {}


def _mask(session: Session, ent: Entity, rec: dict) -> dict:
    """Hide personal fields and free text from roles that may not read them."""
    if session.may("read_personal", ent.kind):
        return rec
    private = ent.private_keys
    return {k: (None if k in private else v) for k, v in rec.items()}


def _apply_rules(session: Session, ent: Entity, before: dict | None, after: dict, now: dt.datetime,
                 sla_targets: Any = None, imported: bool = False) -> dict:
    """Computed fields: ticket due times and clocks, opportunity probability and close date.
    `imported`: a record an import creates (a ticket's times are the file's, never "now")."""
    if ent.kind == "ticket":
        from ..domain import sla
        if sla_targets is None:
            from .settings import sla_targets as load_sla_targets
            sla_targets = load_sla_targets(session)
        return sla.apply_ticket_change(before, after, now, sla_targets, imported=imported)
    if ent.kind == "opportunity":
        from ..domain import pipeline
        return pipeline.apply_opportunity_change(before, after, now, imported=imported)
    if ent.kind == "order":
        from ..domain import sla
        # an order is placed when it is: an Order Date after today (beyond CLOCK_SKEW) is refused
        sla.check_not_future(before, after, now, (("order_date", ent.field("order_date").header),))
        return {}
    if ent.kind == "interaction":
        from ..domain import sla
        # it happened: a When in the future is refused (naming it), never stored
        sla.check_not_future(before, after, now, (("occurred_at", ent.field("occurred_at").header),))
        if before is None and not imported and not after.get("occurred_at"):
            return {"occurred_at": now}     # logged without a time: it happened now (an import's stays the file's)
    return {}


def _check_refs(session: Session, ent: Entity, rows: list[dict]) -> None:
    for f in ent.fields:
        if f.kind != "ref":
            continue
        wanted = {r[f.key] for r in rows if r.get(f.key)}
        if not wanted:
            continue
        target = ENTITIES[f.ref]
        found = session.store.lookup_ids(target, "id", wanted)
        missing = sorted(wanted - set(found))
        if missing:
            raise ValidationFailed({f.header: f"no {target.label} {missing[0]}"})


# A record that names both a customer and one of its contacts (interactions, tickets):
# the contact must be a contact of that customer, or the record is about one customer
# and another's person (a data-subject request follows both ids: services.gdpr).
def _names_a_contact(ent: Entity) -> bool:
    keys = {f.key for f in ent.fields}
    return "contact_id" in keys and "customer_id" in keys and ent.kind != "contact"


def _contact_customers(session: Session, contact_ids: Iterable[str]) -> dict[str, str]:
    """{contact id: its customer id} of these contacts (deleted ones too)."""
    from ..domain.schema import ENTITIES as _E

    ids = sorted({c for c in contact_ids if c})
    out: dict[str, str] = {}
    for i in range(0, len(ids), 5_000):
        out.update((r["id"], r["customer_id"]) for r in session.store.fetch_records(
            _E["contact"], ids=ids[i:i + 5_000], include_deleted=True))
    return out


def _check_contacts(session: Session, ent: Entity, rows: list[dict]) -> None:
    """ValidationFailed naming Contact ID, the contact and both customers when a row's
    contact is a contact of another customer than the row's."""
    if not _names_a_contact(ent):
        return
    wanted = [normalize_id(r["contact_id"]) for r in rows if r.get("contact_id")]
    if not wanted:
        return
    theirs = _contact_customers(session, wanted)
    for r in rows:
        pid = normalize_id(r["contact_id"]) if r.get("contact_id") else None
        if pid is None or pid not in theirs:
            continue            # no such contact: the reference check names it
        cid = normalize_id(r.get("customer_id") or "")
        if theirs[pid] != cid:
            raise ValidationFailed({ent.field("contact_id").header:
                                    f"{pid} is a contact of {theirs[pid]}, not of {cid}; name a contact of "
                                    f"{cid} or leave Contact ID empty"})


def _check_contact_move(session: Session, contact_id: str, new_customer: str | None) -> None:
    """ValidationFailed when a contact is given to another customer while records of
    other customers than `new_customer` name it (they would then name another
    customer's person); the message names them and what to do."""
    from ..domain.schema import ENTITIES as _E

    named: list[str] = []
    for ent in _E.values():
        if _names_a_contact(ent):
            named += [r["id"] for r in session.store.fetch_records(ent, equals={"contact_id": contact_id})
                      if r["customer_id"] != new_customer]
    if named:
        shown = ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")
        raise ValidationFailed({CONTACT_CUSTOMER_HEADER:
                                f"{contact_id} is the contact of {shown}, which belong to another customer than "
                                f"{new_customer}; clear Contact ID on them first (or merge the two customers: "
                                f"contacts and the records naming them move together)"})


CONTACT_CUSTOMER_HEADER = "Customer ID"


def _changes(before: dict | None, after: dict, keys: Iterable[str]) -> dict[str, list]:
    if before is None:
        return {k: [None, after[k]] for k in keys if after.get(k) is not None}
    return {k: [before.get(k), after[k]] for k in keys if k in after and before.get(k) != after[k]}


# ----- computed fields and typed times ---------------------------------------------------------

@functools.cache
def _computed_names(kind: str) -> tuple[tuple[str, Any], ...]:
    """(name, field) of every name a written row may give a computed field by: its key,
    header or lower-case header (as validate_record reads them)."""
    return tuple((name, f) for f in ENTITIES[kind].fields if not f.editable
                 for name in dict.fromkeys((f.key, f.header, f.header.lower())))


def _blank_or_default(value: object, default: object) -> bool:
    if value is None or value != value or (isinstance(value, str) and not value.strip()):   # NaN, NaT
        return True
    return default is not None and (value == default or str(value).strip() == str(default))


def _refuse_computed(ent: Entity, data: dict, *, imported: bool = False) -> None:
    """ValidationFailed naming the first field of `data` (a new record) that cims computes
    (editable=False: a ticket's due times and its paused clock, Pending Since and Paused
    Seconds; a deal's close date; a customer's RFM segment), given a value. Only an
    import's history (`imported`, the import permission) gives the few of FROM_IMPORT."""
    allowed = FROM_IMPORT.get(ent.kind, frozenset()) if imported else frozenset()
    for name, f in _computed_names(ent.kind):
        if name in data and f.key not in allowed and not _blank_or_default(data[name], f.default):
            raise ValidationFailed({f.header: computed_problem(ent, f.key)})


def _check_typed_times(ent: Entity, given: dict, ticket: dict, now: dt.datetime, context: dict | None) -> None:
    """A ticket's times typed by a person (not an import's history): see sla.check_typed_times."""
    if ent.kind != "ticket":
        return
    from ..domain import sla

    typed = {k: given[k] for k, _header in sla.TYPED_TIMES if given.get(k) is not None}
    if typed:
        sla.check_typed_times(typed, ticket, now, (context or {}).get("tz"))


def _span(length: dt.timedelta) -> str:
    hours = length.total_seconds() / 3600
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    return f"{hours:g} h"


def _check_late_fills(session: Session, ent: Entity, before: dict | None, after: dict, now: dt.datetime,
                      context: dict | None, *, record_id: str | None = None, targets: Any = None) -> None:
    """A ticket's empty First Response or Resolved filled in, long after it fell due, with a
    time that makes its target met (sla.back_dated_fills): a manager's or an administrator's
    (roles.may_record_late_times), refused and audited for other roles. A time recorded
    within the target's own length after the due time, or one after the due time, is daily work."""
    if ent.kind != "ticket":
        return
    from ..domain import sla
    from ..security.roles import may_record_late_times

    if may_record_late_times(session.role):
        return
    if before is not None and after.get("priority") != before.get("priority") and any(
            after.get(k) is not None or before.get(k) is not None for k in ("first_response_at", "resolved_at")):
        # the priority sets the due times a recorded time is judged against
        session.ensure("update", ent.kind, record_id=record_id, reprioritizes=True)
    if targets is None:
        from .settings import sla_targets as load_sla_targets
        targets = load_sla_targets(session)
    late = sla.back_dated_fills(before, after, now, targets)
    if late:
        zone = (context or {}).get("tz")
        shown = tuple((header, sla._shown_time(when, zone), sla._shown_time(due, zone), _span(grace))
                      for header, when, due, grace in late)
        session.ensure("update" if before is not None else "create", ent.kind, record_id=record_id,
                       late_fills=shown)


def _check_refills(session: Session, ent: Entity, before: dict, after: dict, context: dict | None, *,
                   record_id: str | None) -> None:
    """A ticket's Resolved or Closed filled in after a reopen cleared the recorded one, with a
    time before that reopen (the audit trail's entry that moved the status and cleared it):
    a manager's or an administrator's (roles.may_rewrite_recorded_times), refused and audited
    for other roles, as it would turn the recorded time (a breach) into another."""
    if ent.kind != "ticket" or record_id is None:
        return
    from ..domain import sla
    from ..security.roles import may_rewrite_recorded_times

    if may_rewrite_recorded_times(session.role):
        return
    filled = {k: sla.to_utc(after.get(k)) for k in ("resolved_at", "closed_at")
              if before.get(k) is None and after.get(k) is not None}
    if not filled:
        return
    reopened = None
    for row in session.store.iter_audit(entity_id=record_id, newest_first=True):
        entry = dict(zip(session.store.AUDIT_COLS, row))
        if entry["entity_id"] != record_id or entry["action"] not in ("update", "undo"):
            continue
        try:
            changes = json.loads(entry["changes"] or "{}")
        except ValueError:
            continue
        if not isinstance(changes, dict) or "status" not in changes:
            continue
        if any(isinstance(changes.get(k), list) and len(changes[k]) == 2 and changes[k][0] is not None
               and changes[k][1] is None for k in ("resolved_at", "closed_at")):
            try:        # the trail's time: ISO 8601 in UTC, to the microsecond
                reopened = sla.to_utc(dt.datetime.fromisoformat(str(entry["at"])))
            except ValueError:
                return

            break
    if reopened is None:
        return
    zone = (context or {}).get("tz")
    early = tuple((h, sla._shown_time(filled[k], zone), sla._shown_time(reopened, zone))
                  for k, h in RECORDED_TIMES["ticket"] if k in filled and filled[k] < reopened - sla.CLOCK_SKEW)
    if early:
        session.ensure("update", ent.kind, record_id=record_id, refills=early)


# ----- create ----------------------------------------------------------------------------

def _with_zone(ent: Entity | None, context: dict | None) -> dict | None:
    """`context` with the zone a date and time typed without one is taken in: the zone
    times are shown in (domain.display.display_zone), unless the caller names one (the
    sheet's Save, an import)."""
    if (context or {}).get("tz") or (ent is not None and not any(f.kind == "datetime" for f in ent.fields)):
        return context
    from ..domain.display import display_zone

    return {**(context or {}), "tz": display_zone()}


def _with_phone_region(session: Session, context: dict | None) -> dict | None:
    """`context` with the store's phone region (settings.phone_context) unless it names
    a region of its own (an import's --region)."""
    if (context or {}).get("region"):
        return context
    from .settings import phone_context

    given = phone_context(session)
    return {**given, **(context or {})} if given else context


def create(session: Session, kind: str, data: dict, *, batch_id: str | None = None,
           context: dict | None = None) -> dict:
    return create_many(session, kind, [data], batch_id=batch_id, context=context)[0]


# Records of people, whose email and numbers a GDPR erase keeps out (services.suppression).
_PEOPLE = ("customer", "contact")


def with_phone_extensions(kind: str, data: dict) -> dict:
    """`data` (values as typed, field key -> text) with each phone typed with an
    extension ("(415) 555-0136 x123") also kept whole in Notes ("Phone: (415) 555-0136
    x123"), as the import keeps it: the stored number is E.164, which has no extension.
    Records without Notes come back unchanged."""
    ent = entity(kind)
    if not any(f.key == "notes" for f in ent.fields):
        return data
    kept = [f"{f.header}: {data[f.key].strip()}" for f in ent.fields
            if f.kind == "phone" and has_phone_extension(data.get(f.key))]
    if not kept:
        return data
    notes = data.get("notes")
    given = [notes.strip()] if isinstance(notes, str) and notes.strip() else []
    return {**data, "notes": "\n".join(given + kept)}


def create_customer(session: Session, data: dict, *, allow_duplicate: bool = False,
                    context: dict | None = None) -> dict:
    """Create one customer, unless one with the same email, phone or mobile exists
    (Conflict naming it) and `allow_duplicate` is not given; the import and the
    sheet's Save find duplicates their own way. `context` as for `validate_record`."""
    context = _with_phone_region(session, context)
    if company_by_name(data):
        data = {**data, "type": "Company"}     # "Acme GmbH", as the import types it
    if not allow_duplicate:
        from .search import search_customers

        clean = as_user_names(CUSTOMER, validate_record(CUSTOMER, data, context=context), user_names(session))
        # Who may not create learns nothing about who exists.
        session.ensure("create", "customer", owner=clean.get("owner") or session.username)
        _ensure_no_customer_has(session, clean, "added")
    return create(session, "customer", data, context=context)


def create_contact(session: Session, data: dict, *, allow_duplicate: bool = False,
                   context: dict | None = None) -> dict:
    """Create one contact, unless a contact of the same customer is this person: the same
    email (as the import reads addresses: case, Gmail's dots and +tags) or the same phone or
    mobile number, unless the names say two people share it (a switchboard, a role's
    mailbox): the rule of the Contacts sheet's Save and of the import
    (sheet_rows.NewRowDuplicates). Conflict naming it, unless `allow_duplicate`."""
    if not allow_duplicate:
        from .sheet_rows import NewRowDuplicates

        ent = entity("contact")
        clean = validate_record(ent, data, context=_with_zone(ent, _with_phone_region(session, context)))
        session.ensure("create", "contact")
        dup = NewRowDuplicates(session, "contact", [clean]).find(clean)
        if dup is not None:
            raise Conflict(f"{dup.record_id} is already a contact of {clean.get('customer_id')} with this {dup.how}; "
                           f"nothing was added. Edit that contact (contact edit {dup.record_id}), or add this one "
                           "anyway with --allow-duplicate")
    return create(session, "contact", data, context=context)


def contact_duplicate(session: Session, record_id: str, changes: dict, context: dict | None = None) -> str | None:
    """The Conflict text when editing contact `record_id` with `changes` (an email, phone,
    mobile or customer given) makes it another contact of the same customer again (the
    rule of `create_contact`), else None. Its own values are never a conflict."""
    from .sheet_rows import NewRowDuplicates

    keys = ("email", "phone", "mobile", "customer_id")
    if not any(changes.get(k) not in (None, "") for k in keys):
        return None
    ent = entity("contact")
    rid = normalize_id(record_id)
    current = session.store.fetch_record(ent, rid)
    if current is None:
        return None
    # Who may not change it learns nothing about who exists.
    session.ensure("update", "contact", owner=_owner(session, ent, current), record_id=rid)
    given = {k: changes[k] for k in keys if k in changes}
    clean = validate_record(ent, given, partial=True, context=for_update(_with_phone_region(session, context),
                                                                        current))
    if not any(clean.get(k) not in (None, "") and clean[k] != current.get(k) for k in clean):
        return None
    after = {**current, **clean}
    dup = NewRowDuplicates(session, "contact", [after], itself=rid).find(after)
    if dup is None:
        return None
    return (f"{dup.record_id} is already a contact of {after.get('customer_id')} with this {dup.how}; nothing was "
            f"changed. Edit that contact (contact edit {dup.record_id}), or change it anyway with --allow-duplicate")


def update_contact(session: Session, record_id: str, changes: dict, *, allow_duplicate: bool = False,
                   expected_version: int | None = None, context: dict | None = None) -> dict:
    """Change one contact (as `update`), unless it becomes another contact of its customer
    again (`contact_duplicate`: Conflict) and `allow_duplicate` is not given."""
    if not allow_duplicate:
        if (said := contact_duplicate(session, record_id, changes, context)) is not None:
            raise Conflict(said)
    return update(session, record_id, changes, expected_version=expected_version, context=context)


def update_customer(session: Session, record_id: str, changes: dict, *, allow_duplicate: bool = False,
                    expected_version: int | None = None, context: dict | None = None) -> dict:
    """Change one customer (as `update`), unless the email, phone or mobile it is given
    is another customer's (Conflict naming it, as `create_customer` says it) and
    `allow_duplicate` is not given. A value the customer has already is no conflict."""
    context = _with_phone_region(session, context)
    if changes.get("name") and company_by_name(changes):
        current = session.store.fetch_record(CUSTOMER, normalize_id(record_id))
        if current is not None and company_by_name(changes, current.get("type")):
            changes = {**changes, "type": "Company"}    # renamed "Acme GmbH": as the import types it
    if not allow_duplicate and any(changes.get(k) not in (None, "") for k in ("email", "phone", "mobile")):
        rid = normalize_id(record_id)
        current = session.store.fetch_record(CUSTOMER, rid)
        if current is not None:
            # Who may not change it learns nothing about who exists.
            session.ensure("update", "customer", owner=_owner(session, CUSTOMER, current), record_id=rid)
            clean = validate_record(CUSTOMER, {k: changes[k] for k in ("email", "phone", "mobile") if k in changes},
                                    partial=True, context=for_update(context, current))
            new = {k: v for k, v in clean.items() if v and v != current.get(k)}
            _ensure_no_customer_has(session, new, "changed", rid)
    return update(session, record_id, changes, expected_version=expected_version, context=context)


def _ensure_no_customer_has(session: Session, clean: dict, done: str, itself: str | None = None) -> None:
    """Conflict when a stored customer other than `itself` has the email, phone or
    mobile of `clean` (clean values): the email as the import's duplicate check reads
    addresses (domain.duplicates.email_key: case, a domain in IDNA's ASCII form, Gmail's
    dots and "+tag"), a number as stored (E.164). `done`: what was not done ("added")."""
    from ..domain.duplicates import email_key, is_role_mailbox
    from .search import search_customers

    for how in ("email", "phone", "mobile"):
        value = clean.get(how)
        if not value:
            continue
        same = email_key(value) if how == "email" else value.casefold()
        for other in search_customers(session, value, limit=5).rows:
            if other["id"] == itself:
                continue
            theirs = {email_key(other.get("email") or "")} | {(other.get(k) or "").casefold()
                                                               for k in ("phone", "mobile")}
            if same in theirs:
                if how == "email" and (other.get("email") or "").casefold() != value.casefold():
                    _conflict(other["id"], _ANOTHER_WAY, done)
                _conflict(other["id"], f"this {'phone' if how == 'mobile' else how}", done,
                          (" (a role's mailbox several people share: info@, sales@)" if is_role_mailbox(value)
                           else "") if how == "email"
                          else " (a number several people share: a switchboard, a family's phone)")
    _same_mailbox(session, clean.get("email"), done, itself)
    from .merge import retired_holding

    for how, retired, kept in retired_holding(session, clean):
        if kept != itself:
            _conflict(kept, f"this {'phone' if how == 'mobile' else how} (it was {retired}'s, a customer "
                            f"merged into {kept})", done)
    _deleted_customer_has(session, clean, done)


def _deleted_customer_has(session: Session, clean: dict, done: str) -> None:
    """Conflict when a deleted customer has this email, phone or mobile: adding it again
    would leave that one's history (deleted with it) behind, so the message names it,
    when it was deleted and the restore that brings it back with its records. A customer
    a merge retired is not one (its values are the kept customer's: retired_holding)."""
    from ..domain.duplicates import email_key
    from .merge import kept_for

    wanted = {}
    if clean.get("email"):
        wanted[email_key(clean["email"])] = "email"
    for k in ("phone", "mobile"):
        if clean.get(k):
            wanted[str(clean[k]).casefold()] = "phone"
    if not wanted:
        return
    cols = ["id", "email", "phone", "mobile", "deleted_at"]
    for rid, email, phone, mobile, gone in session.store.iter_column_tuples(CUSTOMER, cols, include_deleted=True):
        if gone is None:
            continue
        theirs = [email_key(email)] if email else []
        theirs += [str(v).casefold() for v in (phone, mobile) if v]
        for key in theirs:
            if key in wanted and not kept_for(session, [rid]):
                anyway = "add this one anyway" if done == "added" else "change it anyway"
                raise Conflict(f"{rid}, deleted on {str(gone)[:10]}, has this {wanted[key]}; nothing was {done}. "
                               f"Restore it with `cims customer restore {rid}` (the records deleted with it come "
                               f"back too), or {anyway} with --allow-duplicate")


def _conflict(rid: str, what: str, done: str, shared: str = "") -> None:
    anyway = "add this one anyway" if done == "added" else "change it anyway"
    raise Conflict(f"{rid} already has {what}; nothing was {done}. Edit that customer (customer edit {rid}), "
                   f"or {anyway}{shared} with --allow-duplicate")


def _same_mailbox(session: Session, email: str | None, done: str = "added", itself: str | None = None) -> None:
    """Conflict when a stored customer's address is this one's mailbox written another
    way, as the import's duplicate check reads addresses (domain.duplicates.email_key:
    Gmail's dots and "+tag", a domain written in IDNA's ASCII form); the same address as
    written is found by search before."""
    from ..domain.duplicates import email_key

    key = email_key(email)
    if not key.endswith("@gmail.com") and "xn--" not in (email or "") and (email or "").isascii():
        return
    for seq, other in session.store.iter_column_tuples(CUSTOMER, ["seq", "email"]):
        if other and email_key(other) == key and (rid := format_id(CUSTOMER, seq)) != itself:
            _conflict(rid, _ANOTHER_WAY, done)


_ANOTHER_WAY = ("this mailbox, written another way (Gmail ignores dots and +tags; a domain may be written in its "
                "xn-- form)")


# Rows are validated, written and audited a chunk at a time; the store writes one chunk
# on its worker thread while the next is validated (see Store.write_behind). A multiple
# of BULK_MAX, so chunks make whole audit entries.
CREATE_CHUNK = 5 * BULK_MAX


def create_many(session: Session, kind: str, rows: Iterable[dict], *, batch_id: str | None = None,
                validated: bool = False, context: dict | None = None, imported: bool = False) -> list[dict]:
    """Validate and insert rows in one transaction; all or nothing. `imported`: the rows
    come from an import of another system's records (see domain.sla: history).

    Every row is validated (`validate_record`), whatever `validated` says: the flag is
    still accepted, so that callers of earlier versions keep working, but it no longer
    skips validation. Rows a caller validated already come out as they went in; a value
    no validator accepts (an email "not an email", a stage outside its list, a bidi
    override) is refused and nothing is stored. Only cims's own writers of rows they
    validated themselves (the import, a workbook Save) skip it, by `_service_create_many`."""
    del validated           # accepted for callers of earlier versions; never skips validation
    return _create_many(session, kind, rows, batch_id=batch_id, validated=False, context=context,
                        imported=imported)


def _service_create_many(session: Session, kind: str, rows: Iterable[dict], *, token: object,
                         batch_id: str | None = None, validated: bool = False, context: dict | None = None,
                         imported: bool = False) -> list[dict]:
    """`create_many` as cims's own import or workbook Save, which pass rows they validated
    themselves (`validated`: not validated twice; only the invariants of `check_written`
    are checked again): PermissionDenied unless `token` is the one those modules pass."""
    if token is not _SERVICE:
        raise PermissionDenied("rows are written unvalidated only by cims's own import and workbook Save; "
                               "records.create_many validates every row")
    return _create_many(session, kind, rows, batch_id=batch_id, validated=validated, context=context,
                        imported=imported)


def _create_many(session: Session, kind: str, rows: Iterable[dict], *, batch_id: str | None,
                 validated: bool, context: dict | None, imported: bool) -> list[dict]:
    ent = entity(kind)
    session.check()
    if imported:
        # an import's history (a ticket's own due times): only who may import writes it
        session.ensure("import", kind)
    now = utcnow()
    actor = session.username
    owner_key = OWNER_FIELD.get(kind)
    keys = ent.keys
    key_set = set(keys)
    out: list[dict] = []
    owners: dict = {}
    total = len(rows) if isinstance(rows, Sized) else None
    if not validated and "currency" in key_set and not (context or {}).get("currency"):
        from .settings import store_currency   # amounts typed without a currency are in it
        context = {**(context or {}), "currency": store_currency(session)}
    if not validated and any(f.kind == "phone" for f in ent.fields):
        context = _with_phone_region(session, context)
    if not validated:
        context = _with_zone(ent, context)
    with session.unit_of_work() as uow:
        store = session.store
        seq = store.next_seq(ent)
        sla_targets = None
        has_users = bool(_user_keys(ent))
        names: dict[str, str] | None = None
        if kind == "ticket":
            from .settings import sla_targets as load_sla_targets
            sla_targets = load_sla_targets(session)
        # A customer erased at their request is not added again (services.suppression);
        # an import's own customer rows are refused one by one by its planner instead.
        # (A contact is a person too: their email or number under another customer is
        # refused the same way.)
        erased = erased_list(session) if kind in _PEOPLE and not imported else None
        meta = dict(created_at=now, created_by=actor, updated_at=now, updated_by=actor, version=1,
                    deleted_at=None, deleted_by=None, batch_id=batch_id)
        with contextlib.ExitStack() as behind:
            part: list[dict] = []
            # Inside a longer write that already goes behind (an import), chunks need not
            # be short at either end.
            joined = store.writing_behind
            limit = _chunk_limit(0, total, joined)
            for data in rows:
                _refuse_computed(ent, data, imported=imported)
                if validated:
                    values = dict(data)
                    check_written(ent, values)     # the invariants hold on every path (cheap)
                else:
                    values = validate_record(ent, data, context=context)
                if has_users:
                    if names is None:
                        names = user_names(session)
                    as_user_names(ent, values, names)
                if owner_key and not values.get(owner_key):
                    values[owner_key] = actor
                session.ensure("create", kind, owner=_owner(session, ent, values, owners))
                if owner_key and kind in CUSTOMER_OWNED and values.get(owner_key) != actor:
                    # an interaction's own Owner too: a salesperson records her own, never
                    # in another's name (as customers and opportunities)
                    session.ensure("create", kind, owner=values.get(owner_key), own_owner=True)
                if erased:
                    ensure_not_erased(session, [values], listed=erased)
                if not imported:
                    _check_typed_times(ent, values, values, now, context)
                values.update(_apply_rules(session, ent, None, values, now, sla_targets, imported))
                if not imported:
                    _check_late_fills(session, ent, None, values, now, context, targets=sla_targets)
                # validate_record gives exactly the entity's keys; rows passed as validated
                # may carry others (or lack some)
                rec = values if not validated or values.keys() == key_set else {k: values.get(k) for k in keys}
                rec["id"] = format_id(ent, seq)
                rec.update(meta)        # the same for every row of this write
                seq += 1
                part.append(rec)
                if len(part) == limit:
                    if not out:   # a bulk write: from now on, written behind (fewer rows: no thread)
                        behind.enter_context(store.write_behind())
                    _write_created(session, ent, part, now, batch_id)
                    out += part
                    part = []
                    limit = _chunk_limit(len(out), total, joined)
            if part:
                _write_created(session, ent, part, now, batch_id)
                out += part
        uow.commit()
    return out


def _one_primary(session: Session, contacts: list[dict], now: dt.datetime, batch_id: str | None) -> None:
    """One primary contact per customer: a contact made primary (added or edited) takes
    the place of the customer's primary until then, which is demoted (is_primary False,
    audited) and named in `session.demoted_primaries` [(demoted id, new primary id)] for
    the caller to say. Of several new primaries of one customer in one write, the last
    stays primary."""
    ent = entity("contact")
    newest: dict[str, dict] = {}
    for rec in contacts:
        if rec.get("is_primary") and rec.get("customer_id"):
            earlier = newest.get(rec["customer_id"])
            if earlier is not None:
                earlier["is_primary"] = False
                _demoted(session).append((earlier["id"], rec["id"]))
            newest[rec["customer_id"]] = rec
    if not newest:
        return
    for pid, cid, primary in session.store.iter_column_tuples(ent, ["id", "customer_id", "is_primary"]):
        new = newest.get(cid)
        if new is None or not primary or pid == new["id"]:
            continue
        old = session.store.fetch_record(ent, pid)
        session.store.update_record(ent, pid, {"is_primary": False, "updated_at": now,
                                               "updated_by": session.username, "version": old["version"] + 1},
                                    expected_version=old["version"])
        session.audit([AuditEvent(now, session.username, "update", "contact", pid, batch_id,
                                  {"is_primary": [True, False]})])
        _demoted(session).append((pid, new["id"]))


def _primary_of(session: Session, customer_id: str, other_than: str) -> str | None:
    """The id of `customer_id`'s primary contact (other than `other_than`), or None."""
    for pid, cid, primary in session.store.iter_column_tuples(entity("contact"), ["id", "customer_id", "is_primary"]):
        if cid == customer_id and primary and pid != other_than:
            return pid
    return None


def _arrived_not_primary(session: Session) -> list:
    """[(contact id, the customer it moved to, that customer's primary, kept)]: primary
    contacts moved to a customer with a primary of its own, which stay non-primary there."""
    if not hasattr(session, "arrived_not_primary"):
        session.arrived_not_primary = []
    return session.arrived_not_primary


def _demoted(session: Session) -> list:
    if not hasattr(session, "demoted_primaries"):
        session.demoted_primaries = []
    return session.demoted_primaries


def _chunk_limit(done: int, total: int | None, joined: bool = False) -> int:
    """Rows in the next chunk: a short first one, so the writer starts early, and short
    last ones when the end is known, so little is left to write after the last row is
    validated; CREATE_CHUNK in between (and always, when `joined` to a longer write)."""
    short = min(BULK_MAX, CREATE_CHUNK)
    if joined:
        return CREATE_CHUNK
    if done == 0 or (total is not None and total - done <= CREATE_CHUNK):
        return short
    return CREATE_CHUNK


def _write_created(session: Session, ent: Entity, part: list[dict], now: dt.datetime,
                   batch_id: str | None) -> None:
    """Insert and audit a chunk of new records (inside create_many's transaction)."""
    _check_refs(session, ent, part)
    _check_contacts(session, ent, part)
    store = session.store
    if ent.kind == "contact":
        _one_primary(session, part, now, batch_id)
    store.insert_records(ent, part)
    actor = session.username
    if len(part) == 1:
        session.audit([AuditEvent(now, actor, "create", ent.kind, part[0]["id"], batch_id,
                                  _changes(None, part[0], ent.keys))])
    else:   # one entry per BULK_MAX records (see security.audit)
        session.audit(AuditEvent(now, actor, "create", ent.kind, None, batch_id,
                                 records={r["id"]: r for r in part[i:i + BULK_MAX]})
                      for i in range(0, len(part), BULK_MAX))
    if ent.kind == "opportunity":
        for r in part:
            store.add_stage_change(r["id"], None, r["stage"], now, actor)


def missing(session: Session, ent: Entity, record_id: str) -> NotFound:
    """NotFound for a record that is not live: one that was deleted says when and how
    to bring it back ("no customer C-000002: deleted on 2026-12-01 by ann; `cims customer
    restore C-000002` brings it back"), so its id never just stops opening."""
    gone = session.store.fetch_record(ent, normalize_id(record_id), include_deleted=True)
    if gone is None or gone.get("deleted_at") is None or not session.may("read", ent.kind):
        return NotFound(f"no {ent.label} {record_id}")
    when = gone["deleted_at"]
    day = when.date().isoformat() if isinstance(when, dt.datetime) else str(when)[:10]
    owner = gone.get("customer_id") if ent.kind != "customer" else None
    how = (f"restore its customer {owner} (`cims customer restore {owner}`)"
           if owner and session.store.fetch_record(CUSTOMER, owner) is None
           else f"`cims {ent.kind} restore {gone['id']}` brings it back")
    return NotFound(f"no {ent.label} {record_id}: deleted on {day} by {gone.get('deleted_by')}; {how}")


# ----- read --------------------------------------------------------------------------------

def get(session: Session, record_id: str, *, include_deleted: bool = False) -> dict:
    session.ensure("read")
    ent = _ent_for_id(record_id)
    rec = session.store.fetch_record(ent, normalize_id(record_id), include_deleted=include_deleted)
    if rec is None:
        raise not_found(session, ent, record_id)
    return _mask(session, ent, rec)


def not_found(session: Session, ent: Entity, record_id: str) -> NotFound:
    """NotFound for a record that is not live, saying what the store knows: a customer a
    merge retired is named with the customer it was merged into ("C-000002 was merged
    into C-000001 on …"), not "no customer"."""
    if ent.kind == "customer":
        from .merge import merged_away, merged_message

        info = merged_away(session, record_id)
        if info is not None:
            return NotFound(merged_message(info) + (f"; use {info['kept']}" if info["kept"] else ""))
    return missing(session, ent, record_id)       # deleted: when, and its restore


def list_records(session: Session, kind: str, *, include_deleted: bool = False,
                 ids: Iterable[str] | None = None, **equals: Any) -> list[dict]:
    session.ensure("read")
    ent = entity(kind)
    rows = session.store.fetch_records(ent, ids=ids, include_deleted=include_deleted, equals=equals)
    return [_mask(session, ent, r) for r in rows]


def change_clock(session: Session) -> tuple[str, int]:
    """(epoch, n) of the store's change clock: n grows with every record write, the epoch
    is new when the store's file was replaced. Compare with a later call to know whether
    anything changed, then ask `changes_since(n)` what."""
    session.ensure("read")
    return session.store.change_clock()


def changes_since(session: Session, kind: str, since: int) -> tuple[list[dict], list[str]]:
    """What changed in `kind` after change clock `since`: (records written since, masked
    as `list_records` masks them, deleted ones included with their `deleted_at`; ids of
    records removed for good)."""
    session.ensure("read")
    ent = entity(kind)
    rows = session.store.fetch_changed(ent, since)
    return [_mask(session, ent, r) for r in rows], session.store.removed_since(ent, since)


def customer_of(session: Session, kind: str) -> dict[str, str]:
    """{record id: customer id} of the live records of a child entity (orders, tickets …)."""
    session.ensure("read")
    return session.store.column_pairs(entity(kind), "id", "customer_id")


def history(session: Session, record_id: str) -> list[dict]:
    """Audit entries for one record, oldest first, each with the version it produced."""
    session.ensure("read")
    ent = _ent_for_id(record_id)
    out, version = [], 0
    record_id = normalize_id(record_id)
    hidden = frozenset() if session.may("read_personal", ent.kind) else frozenset(ent.private_keys)
    for seq, at, actor, action, _e, eid, batch, changes, digests, _p, _m in session.store.iter_audit(
            entity_id=record_id):
        if _e != ent.kind:
            continue
        if action in WRITE_ACTIONS:
            version += 1
        out.append({"seq": seq, "at": dt.datetime.fromisoformat(at.replace("Z", "+00:00")), "actor": actor,
                    "action": action, "batch_id": batch, "version": version,
                    "changes": _hide(record_changes(eid, changes, digests, record_id), hidden)})
    return out


HIDDEN = "[hidden]"


def _hide(changes: dict[str, list], hidden: frozenset[str]) -> dict[str, list]:
    """A history entry's changes with the values of `hidden` fields replaced by a marker
    (the entry still says that the field changed)."""
    if not hidden:
        return changes
    return {f: ([None if v is None else HIDDEN for v in pair] if f in hidden else pair)
            for f, pair in changes.items()}


def values_at(session: Session, record_id: str, version: int) -> dict:
    """The record's business values as they were at `version` (replayed from the audit trail).

    Values come back in stored-JSON form (strings for dates and amounts); callers compare
    them after normalising both sides the same way.
    """
    values: dict[str, Any] = {}
    for entry in history(session, record_id):
        if entry["version"] > version:
            break
        for f, (_before, after) in entry["changes"].items():
            values[f] = after
    return values


# ----- update --------------------------------------------------------------------------------

# Writes cims makes for itself, which may do what an edit may not: a merge moves
# contacts and the records naming them together (services.merge re-checks the whole
# move), an undo puts back the computed values an import changed (services.batches),
# the RFM refresh writes the computed segment (services.segments). Each is accepted
# only with the private token those modules pass (`_service_update_many`), and needs
# its own permission; the public `update`/`update_many` take action="update" only.
# The import and a workbook Save write rows they validated themselves the same way
# (`_service_create_many`, `_service_update_many` with action "update"): the public
# `create_many`/`update_many` validate every row, `validated=True` or not.
class _ServiceWrite:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<cims service write>"


_SERVICE = _ServiceWrite()
# action -> (permission it needs, computed fields it may set: None any, empty none)
_SERVICE_ACTIONS: dict[str, tuple[str, frozenset | None]] = {
    "merge": ("merge", frozenset()),
    "undo": ("import", None),
    "rfm": ("update", frozenset({"rfm_segment"})),
}


def _refuse_action(action: object) -> None:
    if action != "update":
        raise PermissionDenied(f"action={action!r} is not an edit: cims writes it only from its own "
                               "merge, import undo or RFM refresh (merge.merge_customers, batches.undo_import, "
                               "segments.update_rfm_segments); records.update takes action='update'")


def update(session: Session, record_id: str, changes: dict, *, expected_version: int | None = None,
           batch_id: str | None = None, context: dict | None = None, action: str = "update") -> dict:
    _refuse_action(action)
    return update_many(session, [(record_id, changes, expected_version)], batch_id=batch_id,
                       context=context)[0]


def update_many(session: Session, updates: Iterable[tuple[str, dict, int | None]], *,
                batch_id: str | None = None, context: dict | None = None, validated: bool = False,
                action: str = "update") -> list[dict]:
    """Validate and apply edits (record id, changes, expected version or None) in one
    transaction; all or nothing.

    Every change is validated (`validate_record`), whatever `validated` says: the flag is
    still accepted, so that callers of earlier versions keep working, but it no longer
    skips validation (see `create_many`). Only cims's own writers of changes they
    validated themselves skip it, by `_service_update_many`."""
    del validated           # accepted for callers of earlier versions; never skips validation
    _refuse_action(action)
    return _update_many(session, updates, batch_id=batch_id, context=context, validated=False,
                        action="update")


def _service_update_many(session: Session, updates: Iterable[tuple[str, dict, int | None]], *, token: object,
                        action: str, batch_id: str | None = None, context: dict | None = None,
                        validated: bool = False, audit_extra: dict[str, dict] | None = None,
                        imported: bool = False) -> list[dict]:
    """`update_many` as cims's own import, workbook Save (action "update", changes they
    validated themselves: `validated`, not validated twice), merge, undo or RFM refresh
    (see _SERVICE_ACTIONS): PermissionDenied unless `token` is the one those modules pass.
    `audit_extra` {record id: {key: [before, after]}}: written in that record's audit
    entry beside its field changes (a merge names the customer merged in: "merged_from").
    `imported`: the import's own updates, another system's history (its times are the
    file's, not typed; needs the import permission)."""
    if token is not _SERVICE or (action not in _SERVICE_ACTIONS and action != "update"):
        raise PermissionDenied(f"action={action!r} is written only by cims's own services")
    return _update_many(session, updates, batch_id=batch_id, context=context, validated=validated,
                        action=action, audit_extra=audit_extra, imported=imported)


def _update_many(session: Session, updates: Iterable[tuple[str, dict, int | None]], *,
                 batch_id: str | None, context: dict | None, validated: bool, action: str,
                 audit_extra: dict[str, dict] | None = None, imported: bool = False) -> list[dict]:
    session.check()
    now = utcnow()
    actor = session.username
    out = []
    if not validated:
        context = _with_zone(None, _with_phone_region(session, context))
    updates = list(updates)
    names: dict[str, dict[str, str]] = {}     # {"users": user_names}, read once for all the updates
    with session.unit_of_work() as uow:
        # The rows as found, read a few thousand at a time instead of one per update
        # (what the write signs as their state before it: see Store.note_before).
        by_kind: dict[str, list[str]] = {}
        for record_id, _changes, _version in updates:
            with contextlib.suppress(CimsError):
                by_kind.setdefault(_ent_for_id(record_id).kind, []).append(normalize_id(record_id))
        for kind, ids in by_kind.items():
            for i in range(0, len(ids), 5_000):
                session.store.note_before(entity(kind), ids[i:i + 5_000])
        for record_id, changes, expected_version in updates:
            out.append(_update_one(session, record_id, changes, expected_version, batch_id, context,
                                   validated, action, now, actor, names,
                                   (audit_extra or {}).get(normalize_id(record_id)), imported))
        uow.commit()
    return out


def _update_one(session, record_id, changes, expected_version, batch_id, context, validated, action, now, actor,
                names: dict | None = None, extra: dict | None = None, imported: bool = False):
    ent = _ent_for_id(record_id)
    record_id = normalize_id(record_id)
    # A merge moves the retired customer's soft-deleted records too (services.merge): they
    # are the customer's as much as the live ones (a restore, a GDPR export follow them).
    current = session.store.fetch_record(ent, record_id, include_deleted=action == "merge")
    if current is None:
        raise not_found(session, ent, record_id)
    session.ensure("update", ent.kind, owner=_owner(session, ent, current), record_id=record_id)
    permission, unlocked = _SERVICE_ACTIONS.get(action, ("update", frozenset()))
    if permission != "update":     # the permission checked is the action's own
        session.ensure(permission, ent.kind, record_id=record_id)
    if imported:                   # an import's history: only who may import writes it
        session.ensure("import", ent.kind, record_id=record_id)
    if validated:
        values = dict(changes)
        check_written(ent, values, current)    # the invariants hold on every path (cheap)
    else:
        values = validate_record(ent, changes, partial=True, context=for_update(context, current))
    if any(values.get(k) for k in _user_keys(ent)):
        cache = names if names is not None else {}
        if "users" not in cache:
            cache["users"] = user_names(session)
        values = as_user_names(ent, dict(values), cache["users"])
    locked = [k for k in values if not ent.field(k).editable and values[k] != current.get(k)
              and not (unlocked is None or k in unlocked)]
    if locked:
        raise ValidationFailed({ent.field(locked[0]).header: computed_problem(ent, locked[0])})
    if ent.kind in CUSTOMER_OWNED:
        # Moving a record to another customer needs the right to that customer's records too.
        if values.get("customer_id") not in (None, current.get("customer_id")):
            session.ensure("update", ent.kind, owner=_owner(session, ent, values), record_id=record_id,
                           moved_to=values.get("customer_id"))
    # Every record with an Owner of its own (customers, opportunities, interactions): a new
    # owner is a hand-over, checked by the same rule for each.
    owner_key = OWNER_FIELD.get(ent.kind)
    if owner_key and owner_key in values and values[owner_key] != current.get(owner_key):
        session.ensure("update", ent.kind, owner=values[owner_key], record_id=record_id, hand_over=True)
    if ent.kind in AUTHORED:
        # what it says (subject, notes, time, customer) is its Owner's: another user's is a manager's
        session.ensure("update", ent.kind, owner=current.get(OWNER_FIELD[ent.kind]), record_id=record_id,
                       authored=True)
    for f in ent.fields:
        if f.required and f.key in values and values[f.key] in (None, ""):
            raise ValidationFailed({f.header: "required"})
    if ent.kind == "opportunity" and "stage" in values and values["stage"] in (None, ""):
        # a deal is always at a stage (its history records each move): emptied, it is refused
        raise ValidationFailed({ent.field("stage").header: "cannot be emptied; give one of "
                                + ", ".join(ent.field("stage").choices)})
    if expected_version is not None and int(expected_version) != current["version"]:
        when = current["updated_at"].strftime("%Y-%m-%d %H:%M UTC")
        raise Conflict(f"{record_id} was changed by {current['updated_by']} at {when} "
                       f"(you have version {expected_version}, the store has {current['version']})")
    diff = {k: v for k, v in values.items() if current.get(k) != v}
    if not diff:
        return _mask(session, ent, current)
    if ent.kind in _PEOPLE and any(diff.get(k) for k in ("email", "phone", "mobile")):
        # an erased person's email or number written onto a customer: refused as on create
        cache = names if names is not None else {}
        if "erased" not in cache:
            cache["erased"] = erased_list(session)
        ensure_not_erased(session, [diff], EDIT_REFUSED, listed=cache["erased"])
    if action == "update" and not imported:
        _check_typed_times(ent, diff, {**current, **diff}, now, context)
    rewrites = tuple(k for k, _h in RECORDED_TIMES.get(ent.kind, ()) if k in diff and current.get(k) is not None)
    if rewrites:
        # a recorded time, once set, is a manager's to change (it decides an SLA); a time
        # no one may type (in the future, before the opening) is refused as such first
        session.ensure("update", ent.kind, record_id=record_id, rewrites=rewrites)
    computed = _apply_rules(session, ent, current, diff, now, imported=imported)
    diff.update({k: v for k, v in computed.items() if current.get(k) != v})
    if action == "update" and not imported:
        _check_late_fills(session, ent, current, {**current, **diff}, now, context, record_id=record_id)
        _check_refills(session, ent, current, {**current, **diff}, context, record_id=record_id)
    _check_refs(session, ent, [diff])
    if action != "merge":     # a merge moves contacts and the records naming them together
        if _names_a_contact(ent) and ("customer_id" in diff or "contact_id" in diff):
            _check_contacts(session, ent, [{**current, **diff}])
        if ent.kind == "contact" and "customer_id" in diff:
            _check_contact_move(session, record_id, diff["customer_id"])
    meta = {"updated_at": now, "updated_by": actor, "version": current["version"] + 1}
    if batch_id:
        meta["batch_id"] = batch_id
    if (ent.kind == "contact" and current.get("is_primary") and diff.get("customer_id")
            and values.get("is_primary") is not True
            and (holder := _primary_of(session, diff["customer_id"], record_id)) is not None):
        # a primary contact moved (a merge, `contact edit --customer-id`) arrives as a
        # contact, not as the primary: the customer it joins keeps its own unless asked
        diff["is_primary"] = False
        _arrived_not_primary(session).append((record_id, diff["customer_id"], holder))
    if ent.kind == "contact" and (diff.get("is_primary") or (current.get("is_primary") and "customer_id" in diff)):
        _one_primary(session, [{**current, **diff}], now, batch_id)
    if not session.store.update_record(ent, record_id, {**diff, **meta}, expected_version=current["version"]):
        raise Conflict(f"{record_id} was changed by someone else just now; refresh and try again")
    session.audit([AuditEvent(now, actor, action, ent.kind, record_id, batch_id,
                              {**_changes(current, diff, diff), **(extra or {})})])
    if ent.kind == "opportunity" and "stage" in diff:
        session.store.add_stage_change(record_id, current.get("stage"), diff["stage"], now, actor)
    return _mask(session, ent, {**current, **diff, **meta})


def set_stage_history(session: Session, opportunity_id: str, rows: list[tuple]) -> None:
    """Replace an opportunity's stage history with back-dated changes (the demo's plausible
    paths): rows of (from stage or None, to stage, aware datetime). Administrators only;
    written with a signed `stage_history.set` entry, so `audit verify` can tell it from a
    change made outside cims. Raises PermissionDenied, NotFound."""
    from ..security.ledger import STAGE_HISTORY_SET

    session.ensure("admin")
    oid = normalize_id(opportunity_id)
    if session.store.fetch_record(entity("opportunity"), oid, include_deleted=True) is None:
        raise NotFound(f"no opportunity {opportunity_id}")
    stamp = [[a, b, at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")] for a, b, at in rows]
    with session.unit_of_work() as uow:
        session.store.replace_stage_history(oid, rows, session.username)
        session.audit([AuditEvent(utcnow(), session.username, STAGE_HISTORY_SET, "opportunity", oid, None,
                                  {"stage_history": [None, stamp]})])
        uow.commit()


# ----- delete ---------------------------------------------------------------------------------

def check_deletable(session: Session, record_id: str) -> dict:
    """What `delete` would refuse, found before anyone is asked to confirm.

    Returns the record. Raises PermissionDenied (the role may not delete it) or
    NotFound (no such record, or already deleted); changes nothing.
    """
    ent = _ent_for_id(record_id)
    record_id = normalize_id(record_id)
    session.ensure("delete", ent.kind, record_id=record_id)
    current = session.store.fetch_record(ent, record_id)
    if current is None:
        raise not_found(session, ent, record_id)
    return current


# The records that hang off a customer, in the order a restore brings them back
# (contacts first: the others may name one).
UNDER_CUSTOMER = ("contact", "interaction", "order", "opportunity", "ticket")


def records_under(session: Session, customer_id: str, *, deleted_at: object = None,
                  deleted_by: str | None = None) -> dict[str, list[str]]:
    """{kind: [ids]} of the live records of a customer (a delete takes them with it),
    or, given `deleted_at`/`deleted_by`, of the deleted ones deleted with it (same
    stamp and user: a restore brings them back)."""
    out: dict[str, list[str]] = {}
    session.ensure("read", "customer")
    stamp = None if deleted_at is None else to_db("datetime", deleted_at)
    for kind in UNDER_CUSTOMER:
        ent = entity(kind)
        cols = ["id", "customer_id", "deleted_at", "deleted_by"]
        ids = [rid for rid, cid, gone, by in session.store.iter_column_tuples(ent, cols,
                                                                              include_deleted=stamp is not None)
               if cid == customer_id and (gone is None if stamp is None else (gone == stamp and by == deleted_by))]
        if ids:
            out[kind] = ids
    return out


def describe_records(found: dict[str, list[str]], limit: int = 5) -> str:
    """'1 order (O-000001), 2 opportunities (OP-000001, OP-000002)'."""
    parts = []
    for kind, ids in found.items():
        label = entity(kind).label
        noun = label if len(ids) == 1 else ("opportunities" if label == "opportunity" else f"{label}s")
        shown = ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
        parts.append(f"{len(ids)} {noun} ({shown})")
    return ", ".join(parts)


def delete(session: Session, record_id: str, *, expected_version: int | None = None,
           batch_id: str | None = None) -> dict[str, list[str]]:
    """Soft delete: the row stays (for audit and undo) but no longer appears anywhere.

    A customer takes its live contacts, interactions, orders, opportunities and tickets
    with it, in the same write and with the same stamp, each audited ("deleted_with"), so
    no report counts a record nothing can open and `restore` of the customer brings them
    all back. Returns {kind: [ids]} of the records deleted with it."""
    ent = _ent_for_id(record_id)
    record_id = normalize_id(record_id)
    now = utcnow()
    session.ensure("delete", ent.kind, record_id=record_id)
    with session.unit_of_work() as uow:
        current = session.store.fetch_record(ent, record_id)
        if current is None:
            raise not_found(session, ent, record_id)
        if expected_version is not None and int(expected_version) != current["version"]:
            raise Conflict(f"{record_id} was changed by {current['updated_by']} since you read it; refresh first")
        values = {"deleted_at": now, "deleted_by": session.username, "updated_at": now,
                  "updated_by": session.username, "version": current["version"] + 1}
        if not session.store.update_record(ent, record_id, values, expected_version=current["version"]):
            raise Conflict(f"{record_id} was changed by someone else just now; refresh and try again")
        events = [AuditEvent(now, session.username, "delete", ent.kind, record_id, batch_id,
                             {"deleted": [False, True]})]
        taken = records_under(session, record_id) if ent.kind == "customer" else {}
        for kind, ids in taken.items():
            sub = entity(kind)
            for rid in ids:
                rec = session.store.fetch_record(sub, rid)
                session.store.update_record(sub, rid, {**values, "version": rec["version"] + 1},
                                            expected_version=rec["version"])
                events.append(AuditEvent(now, session.username, "delete", kind, rid, batch_id,
                                         {"deleted": [False, True], "deleted_with": [None, record_id]}))
        session.audit(events)
        uow.commit()
    return taken


def restore(session: Session, record_id: str) -> dict:
    """Bring back a soft-deleted record. One still under a customer that an older
    version's merge retired comes back under the customer that one was merged into
    (services.merge._follow_merge: moved first, audited as a merge). A customer brings
    back the records deleted with it (`delete`; listed under "restored_with"); a record
    of a customer that is still deleted is refused, naming the customer to restore."""
    ent = _ent_for_id(record_id)
    record_id = normalize_id(record_id)
    session.ensure("delete", ent.kind, record_id=record_id)
    from .merge import _follow_merge

    # still under a customer an older version's merge retired: it goes where that one went
    _follow_merge(session, record_id)
    now = utcnow()
    with_it: dict[str, list[str]] = {}
    with session.unit_of_work() as uow:
        current = session.store.fetch_record(ent, record_id, include_deleted=True)
        if current is None or current["deleted_at"] is None:
            raise NotFound(f"no deleted {ent.label} {record_id}")
        if ent.kind == "customer":
            from .merge import merged_away, merged_message

            info = merged_away(session, record_id)
            if info is not None:
                # its records and values are the kept customer's now: a restore would make
                # the person twice
                raise Conflict(merged_message(info) + "; nothing was restored (its records and values are "
                               f"{info['kept'] or 'the kept customer'}'s)")
        owner = current.get("customer_id") if ent.kind != "customer" else None
        if owner and session.store.fetch_record(CUSTOMER, owner) is None:
            gone = session.store.fetch_record(CUSTOMER, owner, include_deleted=True)
            if gone is not None and gone["deleted_at"] is not None:
                raise Conflict(f"{record_id} belongs to {owner}, which is deleted; nothing was restored. "
                               f"Restore the customer (customer restore {owner}): it brings back the records "
                               "deleted with it")
        # its contact may have gone to another customer while it was deleted
        _check_contacts(session, ent, [current])
        values = {"deleted_at": None, "deleted_by": None, "updated_at": now, "updated_by": session.username,
                  "version": current["version"] + 1}
        session.store.update_record(ent, record_id, values, expected_version=current["version"])
        events = [AuditEvent(now, session.username, "restore", ent.kind, record_id, None,
                             {"deleted": [True, False]})]
        if ent.kind == "customer":
            with_it = records_under(session, record_id, deleted_at=current["deleted_at"],
                                    deleted_by=current["deleted_by"])
            for kind, ids in with_it.items():
                sub = entity(kind)
                for rid in ids:
                    rec = session.store.fetch_record(sub, rid, include_deleted=True)
                    session.store.update_record(sub, rid, {**values, "version": rec["version"] + 1},
                                                expected_version=rec["version"])
                    events.append(AuditEvent(now, session.username, "restore", kind, rid, None,
                                             {"deleted": [True, False], "deleted_with": [record_id, None]}))
        session.audit(events)
        uow.commit()
    out = get(session, record_id)
    if ent.kind == "customer":
        out = {**out, "restored_with": with_it}
    return out


def contacts_of_other_customers(session: Session) -> list[dict]:
    """Every record that names a contact of another customer than its own (written
    before every write path refused it, by a merge of an older version that left the
    retired customer's deleted records behind, or by a copy of the store changed outside
    cims): [{"id", "customer_id", "contact_id", "contact_of", "deleted"}], soft-deleted
    records too (a restore would refuse them), for an administrator to put right
    (`cims audit contacts`). A data-subject request follows both ids already
    (services.gdpr). Administrators only."""
    session.ensure("admin")
    from ..domain.schema import ENTITIES as _E

    theirs = dict(session.store.iter_column_tuples(_E["contact"], ["id", "customer_id"], include_deleted=True))
    out = []
    for ent in _E.values():
        if not _names_a_contact(ent):
            continue
        for rid, cid, pid, gone in session.store.iter_column_tuples(
                ent, ["id", "customer_id", "contact_id", "deleted_at"], include_deleted=True):
            if pid and theirs.get(pid) not in (None, cid):
                out.append({"id": rid, "customer_id": cid, "contact_id": pid, "contact_of": theirs[pid],
                            "deleted": gone is not None})
    return out
