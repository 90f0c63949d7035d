"""Roles and permissions: `allowed` answers, `ensure_allowed` raises.

| role    | may |
|---------|-----|
| admin   | everything, incl. users, keys, backups, restore, audit, erase |
| manager | read/write/delete all business data, import, export, reports |
| sales   | read; create customers; edit the customers and opportunities they own; create and edit the contacts, interactions and orders of customers they own; no export (a report written to a file is one) |
| support | read customers; tickets and interactions create/edit (interactions in their own name; Owner unchanged) |
| viewer  | read only, without personal fields (also in history and search); no export |

This table is the only place that decides; services call it before any write
reaches the store, whatever the sheet or the CLI claims.
"""

from __future__ import annotations

from ..domain.schema import ENTITIES
from ..errors import PermissionDenied

BUSINESS = frozenset(ENTITIES)
ACTIONS = ("read", "read_personal", "create", "update", "delete", "merge", "import",
           "export", "report", "admin")

# role -> action -> kinds allowed (None: not an entity action, or every kind)
_SALES_WRITE = {"customer", "contact", "opportunity", "interaction", "order"}
# Contacts, interactions and orders belong to their customer's owner: the `owner`
# passed for them is the owner of the customer they are (or are being moved) under.
CUSTOMER_OWNED = frozenset({"contact", "interaction", "order"})
_SALES_OWNED = {"customer", "opportunity"} | CUSTOMER_OWNED
_SUPPORT_WRITE = {"ticket", "interaction"}


def allowed(*, role: str, action: str, kind: str | None = None, owner: str | None = None,
            actor: str | None = None) -> bool:
    """May a user with `role` (named `actor`) do `action` on a `kind` record owned by `owner`?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if role == "admin":
        return True
    if action == "admin":
        return False
    if action == "read":
        return role in ("manager", "sales", "support", "viewer")
    if action == "read_personal":
        return role in ("manager", "sales", "support")
    if role == "manager":
        return True
    if role == "sales":
        if action == "create":
            # A salesperson creates records for themselves, not on others' behalf.
            if kind in CUSTOMER_OWNED:
                return owner is not None and owner == actor
            return kind in _SALES_WRITE and (owner is None or owner == actor)
        if action == "update":
            if kind in _SALES_OWNED:
                return owner is not None and owner == actor
            return kind in _SALES_WRITE
        if action == "report":
            return True
        return False
    if role == "support":
        if action in ("create", "update"):
            return kind in _SUPPORT_WRITE
        if action == "report":
            return True
        return False
    if role == "viewer":
        return action == "report"
    return False


# Who may write a record in another user's name (create it with their Owner) or change
# a record's Owner: a manager or an administrator (README). Every other role that may
# write such a record at all (sales: customers, opportunities, interactions under her
# customers; support: interactions) writes it as its own and never hands it over or
# takes it over. A ticket's Assignee is not an owner: support assigns tickets.
NAMING_ROLES = frozenset({"admin", "manager"})


def may_name_owner(*, role: str, actor: str | None, owner: str | None, creating: bool) -> bool:
    """May a user with `role` give a record (with an Owner of its own) the Owner `owner`:
    when `creating` it, or by changing the Owner it has (`owner` is the new one)?"""
    if role in NAMING_ROLES:
        return True
    return creating and owner in (None, actor)


# A ticket's recorded times feed its SLA: once set, only a manager or an administrator
# changes one (support may fill in an empty one, e.g. a reply sent by phone). Header names.
RECORDED_TIMES = {"ticket": (("opened_at", "Opened"), ("first_response_at", "First Response"),
                             ("resolved_at", "Resolved"), ("closed_at", "Closed"))}


# Records whose Owner is who said or did what they record: an interaction is a call, visit
# or email of its Owner. Editing one in another user's name (its subject, notes, time or
# customer) puts words in that user's mouth, so, as writing one in their name, it is a
# manager's or an administrator's (sales: even under a customer they own). One nobody
# owns (an import's) names nobody. Customers and opportunities: their Owner is whose
# account or deal it is (sales edits only their own; support none); a ticket's Assignee
# is work handed out, not authorship.
AUTHORED = frozenset({"interaction"})


def may_edit_authored(*, role: str, actor: str | None, owner: str | None) -> bool:
    """May a user with `role` edit or delete an AUTHORED record whose own Owner is `owner`?"""
    return role in NAMING_ROLES or owner in (None, "", actor)


def may_rewrite_recorded_times(role: str) -> bool:
    """May a user with `role` change a recorded time (RECORDED_TIMES) that is already set?"""
    return role in NAMING_ROLES


def may_record_late_times(role: str) -> bool:
    """May a user with `role` fill in an empty First Response or Resolved time, long after
    it fell due, with a time that makes its target met (sla.back_dated_fills)? A manager
    or administrator: for other roles it would grade their own SLA after the fact."""
    return role in NAMING_ROLES


def owner_matters(role: str, kind: str) -> bool:
    """Does `allowed` for this role and kind depend on the record's owner? (Callers
    skip looking the owner up when it does not.)"""
    return role == "sales" and kind in _SALES_WRITE


def describe(action: str, kind: str | None) -> str:
    what = {"read_personal": "read personal data", "merge": "merge", "import": "import",
            "export": "export personal data", "report": "run reports",
            "admin": "do this (administrators only)"}.get(action, action)
    if kind and action in ("create", "update", "delete", "merge", "read"):
        return f"{what} {ENTITIES[kind].label} records" if action != "update" else f"edit this {ENTITIES[kind].label}"
    return what


def _named(kind: str | None, record_id: str | None) -> tuple[str, str]:
    """(the kind's label, how a refusal names the record: "ticket T-000007" / "this ticket")."""
    label = ENTITIES[kind].label if kind else "record"
    return label, (f"{label} {record_id}" if record_id else f"this {label}")


def _denied(text: str, action: str, kind: str | None, record_id: str | None) -> PermissionDenied:
    """A PermissionDenied carrying what the caller writes to the audit trail."""
    err = PermissionDenied(text)
    err.audit = {"action": action, "kind": kind, "record_id": record_id}  # type: ignore[attr-defined]
    return err


def ensure_allowed(*, role: str, actor: str, action: str, kind: str | None = None,
                   owner: str | None = None, record_id: str | None = None, hand_over: bool = False,
                   moved_to: str | None = None, own_owner: bool = False, rewrites: tuple = (),
                   authored: bool = False, late_fills: tuple = (), reprioritizes: bool = False,
                   refills: tuple = ()) -> None:
    """Raise PermissionDenied (the caller audits it) unless allowed. `hand_over`: the
    check is of the new owner an update gives the record (its own owner was checked):
    the refusal then names that rule, not editing as such. `moved_to`: the check is of
    the customer an update moves a contact, interaction or order to (`owner` is that
    customer's; the record itself may be edited): the refusal names that rule.
    `authored`: the check is of an AUTHORED record's own Owner (`owner`), whose words
    an update or delete would change (the role's right to the record was checked)."""
    if reprioritizes and action == "update" and not may_record_late_times(role):
        # a ticket's priority changed once a First Response or Resolved is recorded: the
        # priority sets the due times those are judged against (a P3 made P4 to record a
        # late time as met, then P3 again, turns a breach into a target met)
        _label, which = _named(kind, record_id)
        raise _denied(
            f"{actor} ({role}) may not change the Priority of {which} once a First Response or Resolved time "
            "is recorded: the priority sets the due times those times are judged against, so only a manager "
            "or administrator changes it then (ask a manager)", action, kind, record_id)
    if late_fills and action in ("create", "update") and not may_record_late_times(role):
        # `late_fills`: (header, time shown, due shown, grace shown) of sla.back_dated_fills
        label, which = _named(kind, record_id)
        said = "; ".join(f"{h} {when} (due by {due}, nothing recorded within {grace} of it)"
                         for h, when, due, grace in late_fills)
        text = (f"{actor} ({role}) may not record {said} on {which}: a time at or before its due time, "
                "recorded after the target's own length has passed since, turns a breach into a target "
                "met, so only a manager or administrator records it (ask a manager; a later time, "
                "as it happened, you may record)")
        raise _denied(text, action, kind, record_id)
    if refills and action == "update" and not may_rewrite_recorded_times(role):
        # `refills`: (header, time shown, reopen shown) of a Resolved/Closed filled in after a
        # reopen cleared the recorded one, with a time before that reopen (records._check_refills)
        label, which = _named(kind, record_id)
        said = "; ".join(f"{h} {when} (it was reopened at {reopened})" for h, when, reopened in refills)
        text = (f"{actor} ({role}) may not record {said} on {which}: a ticket is not resolved or closed "
                "before it was reopened, and an earlier time would replace the recorded one the reopen "
                "cleared, so only a manager or administrator records it (ask a manager; a time after "
                "the reopen, as it happened, you may record)")
        raise _denied(text, action, kind, record_id)
    if authored and action in ("update", "delete") and not may_edit_authored(role=role, actor=actor,
                                                                             owner=owner):
        label, which = _named(kind, record_id)
        verb = "edit" if action == "update" else "delete"
        text = (f"{actor} ({role}) may not {verb} {which}: it is in {owner}'s name (Owner {owner}) and "
                f"records what they said or did; a {role} user edits only the {ENTITIES[kind].plural} in "
                f"their own name, and only a manager or administrator edits another user's (add an "
                f"{label} of your own, or ask {owner} to ask a manager)")
        raise _denied(text, action, kind, record_id)
    if rewrites and action == "update" and not may_rewrite_recorded_times(role) and allowed(
            role=role, action=action, kind=kind, owner=owner, actor=actor):
        # `rewrites`: the recorded times (RECORDED_TIMES keys) the update changes once set
        label, which = _named(kind, record_id)
        headers = dict(RECORDED_TIMES.get(kind or "", ()))
        named = [headers.get(k, k) for k in rewrites]
        listed = " and ".join(named) if len(named) < 3 else ", ".join(named[:-1]) + " and " + named[-1]
        every = ", ".join(h for _k, h in RECORDED_TIMES.get(kind or "", ()))
        text = (f"{actor} ({role}) may not change the {listed} of {which}: once recorded, a {label}'s times "
                f"({every}) are changed only by a manager or administrator, as they decide whether its "
                f"SLA was met (an empty one you may fill in; ask a manager to correct a recorded one)")
        raise _denied(text, action, kind, record_id)
    if ((own_owner and action == "create") or (hand_over and action == "update")) and not may_name_owner(
            role=role, actor=actor, owner=owner, creating=action == "create") and allowed(
            role=role, action=action, kind=kind, owner=owner, actor=actor):
        # the role may write the record: what is refused is another user's name on it (the
        # refusals below, when the role may not, say why in their own words)
        label = ENTITIES[kind].label if kind else "record"
        which = f"{label} {record_id}" if record_id else f"this {label}"
        if action == "create":
            text = (f"{actor} ({role}) may not create {label} records for {owner}: a {role} user records "
                    f"them in their own name (leave the owner out, or ask a manager to assign it)")
        elif owner == actor:
            text = (f"{actor} ({role}) may not take {which} over (Owner {actor}): only a manager or "
                    "administrator changes an Owner (ask a manager)")
        elif owner is None:
            text = (f"{actor} ({role}) may not clear the Owner of {which}: only a manager or "
                    "administrator changes an Owner (ask a manager)")
        else:
            text = (f"{actor} ({role}) may not hand {which} over to {owner}: only a manager or "
                    "administrator changes an Owner (ask a manager to change Owner)")
        err = PermissionDenied(text)
        err.audit = {"action": action, "kind": kind, "record_id": record_id}  # type: ignore[attr-defined]
        raise err
    if not allowed(role=role, action=action, kind=kind, owner=owner, actor=actor):
        text = f"{actor} ({role}) may not {describe(action, kind)}"
        if (hand_over and action == "update" and kind and owner != actor
                and allowed(role=role, action=action, kind=kind, owner=actor, actor=actor)):
            # they may edit it: what is refused is giving it to someone else
            label = ENTITIES[kind].label
            which = f"{label} {record_id}" if record_id else f"this {label}"
            text = (f"{actor} ({role}) may not hand {which} over to {owner}: a {role} user may edit the "
                    f"{ENTITIES[kind].plural} they own but not change their owner (ask a manager to change "
                    "Owner)")
        if (moved_to and action == "update" and kind in CUSTOMER_OWNED
                and allowed(role=role, action=action, kind=kind, owner=actor, actor=actor)):
            # they may edit it where it is: what is refused is the customer it goes to
            label = ENTITIES[kind].label
            which = f"{label} {record_id}" if record_id else f"this {label}"
            whose = f"a customer {owner} owns" if owner else "a customer nobody owns"
            text = (f"{actor} ({role}) may not move {which} to {moved_to}, {whose}: a {role} user keeps "
                    f"{ENTITIES[kind].plural} only on customers they own (ask "
                    f"{owner + ' or ' if owner else ''}a manager)")
        if (action == "create" and owner is not None and owner != actor
                and allowed(role=role, action=action, kind=kind, owner=actor, actor=actor)):
            # allowed for themselves: the owner is what is refused
            if kind in CUSTOMER_OWNED and not own_owner:
                # the owner is the customer's: nobody typed one
                text = (f"{actor} ({role}) may not add {ENTITIES[kind].label} records to a customer {owner} "
                        f"owns: a {role} user adds them only to customers they own (ask {owner} or a "
                        "manager)")
            else:
                text = (f"{actor} ({role}) may not create {ENTITIES[kind].label} records for {owner}: a "
                        f"{role} user creates them for themselves (leave the owner out, or ask a manager "
                        "to assign it)")
        err = PermissionDenied(text)
        err.audit = {"action": action, "kind": kind, "record_id": record_id}  # type: ignore[attr-defined]
        raise err
