"""The role × entity × action matrix, checked against the real services and store."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import cims_xl.services
from cims_xl.errors import PermissionDenied
from cims_xl.services import (audit_log, auth, backup, batches, erase_copies, gdpr, merge, records, segments,
                              settings, sheet_rows, suppression)

ROLES = ("admin", "manager", "sales", "support", "viewer")
KINDS = ("customer", "contact", "interaction", "order", "opportunity", "ticket")

# Written out by hand from PRODUCT.md, not computed from cims_xl.security.roles.
Y, N = True, False
EXPECTED = {
    # kind:        create (under own customer), create (someone else's), update (someone else's),
    #              update (own), delete
    "admin":   {k: (Y, Y, Y, Y, Y) for k in KINDS},
    "manager": {k: (Y, Y, Y, Y, Y) for k in KINDS},
    # Contacts, interactions and orders belong to their customer's owner.
    "sales": {"customer": (Y, N, N, Y, N), "contact": (Y, N, N, Y, N), "interaction": (Y, N, N, Y, N),
              "order": (Y, N, N, Y, N), "opportunity": (Y, N, N, Y, N), "ticket": (N, N, N, N, N)},
    # Support: interactions in their own name (another user's is a manager's to edit).
    "support": {"customer": (N, N, N, N, N), "contact": (N, N, N, N, N), "interaction": (Y, N, N, Y, N),
                "order": (N, N, N, N, N), "opportunity": (N, N, N, N, N), "ticket": (Y, Y, Y, Y, N)},
    "viewer": {k: (N, N, N, N, N) for k in KINDS},
}
ACTIONS = ("create", "create_other", "update_other", "update_own", "delete")


def _payload(kind: str, customer_id: str) -> dict:
    return {
        "customer": {"name": "Matrix Test Co", "type": "Company"},
        "contact": {"customer_id": customer_id, "name": "王五"},
        "interaction": {"customer_id": customer_id, "kind": "Call", "subject": "follow-up"},
        "order": {"customer_id": customer_id, "order_date": "2024-05-01", "amount": "100.00"},
        "opportunity": {"customer_id": customer_id, "name": "Renewal", "stage": "Lead"},
        "ticket": {"customer_id": customer_id, "subject": "Login fails", "priority": "P2"},
    }[kind]


def _payload_for_other(kind: str, their_customer: str) -> dict:
    """A record for someone else: under their customer, or owned by them."""
    data = _payload(kind, their_customer)
    if kind in ("customer", "opportunity", "interaction"):
        data["owner"] = "admin"
    return data


def _edit(kind: str) -> dict:
    return {"customer": {"city": "杭州"}, "contact": {"title": "CTO"}, "interaction": {"subject": "moved"},
            "order": {"quantity": 3}, "opportunity": {"next_step": "call back"},
            "ticket": {"status": "Open"}}[kind]


@pytest.fixture
def world(admin, session_as):
    """One record of each kind owned by admin, and one of each owned by the acting user."""
    def records_owned_by(owner_session):
        cust = records.create(admin, "customer", {"name": f"Owned by {owner_session.username}",
                                                  "owner": owner_session.username})
        out = {"customer": cust["id"]}
        for kind in KINDS[1:]:
            data = _payload(kind, cust["id"])
            if kind in ("opportunity", "interaction"):
                data["owner"] = owner_session.username
            out[kind] = records.create(admin, kind, data)["id"]
        return out

    def make(role):
        session = admin if role == "admin" else session_as(role)
        return session, records_owned_by(admin), records_owned_by(session)
    return make


def _denials(admin, actor):
    return [e for e in audit_log.show(admin, limit=1000) if e["action"] == "denied" and e["actor"] == actor]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ACTIONS)
def test_exactly_the_allowed_role_entity_action_calls_succeed_and_each_denial_is_audited(
        world, admin, role, kind, action):
    session, theirs, mine = world(role)
    expected = EXPECTED[role][kind][ACTIONS.index(action)]
    denials_before = len(_denials(admin, session.username))

    def attempt():
        if action == "create":
            return records.create(session, kind, _payload(kind, mine["customer"]))
        if action == "create_other":
            return records.create(session, kind, _payload_for_other(kind, theirs["customer"]))
        if action == "update_other":
            return records.update(session, theirs[kind], _edit(kind))
        if action == "update_own":
            return records.update(session, mine[kind], _edit(kind))
        return records.delete(session, theirs[kind])

    if expected:
        attempt()
        if action.startswith("update"):
            target = theirs[kind] if action == "update_other" else mine[kind]
            assert records.get(admin, target)["version"] == 2
    else:
        with pytest.raises(PermissionDenied, match=f"{session.username} \\({role}\\) may not"):
            attempt()
        assert len(_denials(admin, session.username)) == denials_before + 1
        for rid in theirs.values():
            assert records.get(admin, rid)["version"] == 1


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_read_customers(admin, session_as, role):
    records.create(admin, "customer", {"name": "Readable"})
    session = admin if role == "admin" else session_as(role)
    assert [c["name"] is not None for c in records.list_records(session, "customer")] == \
        [role != "viewer"]


def test_a_viewer_sees_no_personal_fields(admin, session_as):
    c = records.create(admin, "customer", {"name": "张三", "email": "zs@example.com", "city": "上海"})
    viewer = session_as("viewer")
    seen = records.get(viewer, c["id"])
    assert seen["name"] is None and seen["email"] is None and seen["city"] == "上海"


def test_a_salesperson_cannot_give_their_customer_to_someone_else(admin, session_as):
    sales = session_as("sales", "sally")
    c = records.create(sales, "customer", {"name": "Mine"})
    assert c["owner"] == "sally"
    with pytest.raises(PermissionDenied):
        records.update(sales, c["id"], {"owner": "admin"})
    with pytest.raises(PermissionDenied) as denied:
        records.create(sales, "customer", {"name": "For someone else", "owner": "admin"})
    # the owner is what is refused, not creating customers
    assert "for admin" in str(denied.value) and "for themselves" in str(denied.value)


def test_a_denial_inside_a_larger_unit_of_work_is_still_audited(admin, session_as):
    viewer = session_as("viewer", "vic")
    with pytest.raises(PermissionDenied):
        with viewer.unit_of_work() as uow:
            records.create(viewer, "customer", {"name": "Nope"})
            uow.commit()
    assert len(_denials(admin, "vic")) == 1
    assert records.list_records(admin, "customer") == []


import datetime as _dt
NOW = _dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=_dt.timezone.utc)


# ----- no public service function lets a viewer write --------------------------------------

def _write_calls(admin):
    cust = records.create(admin, "customer", {"name": "Target"})
    other = records.create(admin, "customer", {"name": "Other"})
    opp = records.create(admin, "opportunity", {"customer_id": cust["id"], "name": "Deal", "stage": "Lead"})
    person = records.create(admin, "contact", {"customer_id": cust["id"], "name": "Contact Person"})
    return {
        "records.create": lambda s: records.create(s, "customer", {"name": "x"}),
        "records.create_many": lambda s: records.create_many(s, "customer", [{"name": "x"}]),
        "records.update": lambda s: records.update(s, cust["id"], {"city": "x"}),
        "records.update_many": lambda s: records.update_many(s, [(cust["id"], {"city": "x"}, None)]),
        "records.create_customer": lambda s: records.create_customer(s, {"name": "X", "email": cust["email"]}),
        "records.update_customer": lambda s: records.update_customer(s, cust["id"], {"email": "new@example.org"}),
        "records.create_contact": lambda s: records.create_contact(s, {"customer_id": cust["id"], "name": "New One"}),
        "records.update_contact": lambda s: records.update_contact(s, person["id"], {"title": "x"}),
        "records.delete": lambda s: records.delete(s, cust["id"]),
        "records.restore": lambda s: records.restore(s, cust["id"]),
        "merge.merge_customers": lambda s: merge.merge_customers(s, cust["id"], other["id"]),
        # what a merge would move, shown before its [y/N] question: a viewer is refused first
        "merge.merge_preview": lambda s: merge.merge_preview(s, cust["id"], other["id"]),
        "batches.new_batch": lambda s: batches.new_batch(s, "customer", "file.xlsx"),
        "batches.undo_batch": lambda s: batches.undo_batch(s, "B-000001"),
        "batches.finish_batch": None,  # only reachable after new_batch, which is checked
        "auth.add_user": lambda s: auth.add_user(s, "newbie", "admin", "Another-Strong-Pass-1"),
        "auth.set_role": lambda s: auth.set_role(s, "admin", "viewer"),
        "auth.disable_user": lambda s: auth.disable_user(s, "admin"),
        "auth.enable_user": lambda s: auth.enable_user(s, "admin", "Another-Strong-Pass-1"),
        "auth.change_password": lambda s: auth.change_password(s, "admin", "Another-Strong-Pass-1"),
        # the checks asked before a new password is typed (cims user add / enable / passwd)
        "auth.check_user_addable": lambda s: auth.check_user_addable(s, "newbie", "admin"),
        "auth.check_enableable": lambda s: auth.check_enableable(s, "admin"),
        "auth.check_password_changeable": lambda s: auth.check_password_changeable(s, "admin"),
        "auth.totp_enrol": lambda s: auth.totp_enrol(s, "admin"),
        "auth.totp_confirm": lambda s: auth.totp_confirm(s, "admin", "123456"),
        "auth.totp_disable": lambda s: auth.totp_disable(s, "admin"),
        "auth.rekey": lambda s: auth.rekey(s),
        "sheet_rows.create_for_row": lambda s: sheet_rows.create_for_row(s, "customer", {"name": "X"}, "~1"),
        "settings.set_store_currency": lambda s: settings.set_store_currency(s, "USD"),
        "settings.set_fx_rate": lambda s: settings.set_fx_rate(s, "USD", "7.10", "2024-01-01"),
        "settings.delete_fx_rate": lambda s: settings.delete_fx_rate(s, "USD", "2024-01-01"),
        "settings.set_store_region": lambda s: settings.set_store_region(s, "DE"),
        # checks made before a [y/N] question: a viewer is refused before being asked
        "records.check_deletable": lambda s: records.check_deletable(s, cust["id"]),
        "gdpr.check_erasable": lambda s: gdpr.check_erasable(s, cust["id"]),
        "gdpr.erasable_person": lambda s: gdpr.erasable_person(s, cust["id"]),
        "backup.check_restore": lambda s: backup.check_restore(s, "missing.cimsbak"),
        "backup.backup": lambda s: backup.backup(s),
        "backup.restore": lambda s: backup.restore(s, "missing.cimsbak", "pw"),
        "backup.preview_restore": lambda s: backup.preview_restore(s, "missing.cimsbak", "pw"),
        "gdpr.export_customer": lambda s: gdpr.export_customer(s, cust["id"]),
        "gdpr.export_contact": lambda s: gdpr.export_contact(s, person["id"]),
        "gdpr.erase_customer": lambda s: gdpr.erase_customer(s, cust["id"]),
        "gdpr.erase_in_store": lambda s: gdpr.erase_in_store(s, cust["id"]),
        "erase_copies.erase_copies": lambda s: erase_copies.erase_copies(s, cust["id"]),
        "audit_log.show": lambda s: audit_log.show(s),
        "segments.update_rfm_segments": lambda s: segments.update_rfm_segments(s),
        # writes only for roles that may update every customer; a viewer's call writes
        # nothing (tests/test_reports_policy.py)
        "segments.refresh_before_reports": None,
        "audit_log.verify": lambda s: audit_log.verify(s),
        "audit_log.accept_trail": lambda s: audit_log.accept_trail(s),
        "audit_log.check_may_accept": lambda s: audit_log.check_may_accept(s),     # before its question
        "records.set_stage_history": lambda s: records.set_stage_history(s, opp["id"], [(None, "Lead", NOW)]),
        "suppression.allow_again": lambda s: suppression.allow_again(s, "someone@example.com"),
        "suppression.carry_over": lambda s: suppression.carry_over(s, {"key_check": "", "customers": {}}),
    }


# Public service functions that only read, or that need no role (sign-in itself).
READ_ONLY = {"auth.init_store", "auth.sign_in", "auth.sign_out", "auth.list_users", "records.get",
             "records.list_records", "records.history", "records.values_at", "records.change_clock",
             "records.changes_since", "records.customer_of", "search.search_customers",
             "search.customer_360", "search.customer_id_for", "search.lifetime_value", "search.lifetime_values",
             "search.lifetime_values_by_currency", "query_text.refuse_text_for_role", "query_text.refuse_too_many_terms", "settings.store_currency", "settings.assumed_region", "settings.currency_region", "settings.fx_rates", "settings.money_settings", "settings.sla_targets", "batches.list_batches", "frames.load_frame",
             "frames.stage_history_frame", "frames.ticket_time_edits_frame", "backup.list_backups", "backup.verify_backup",
             "backup.default_backup_dir", "backup.read_manifest", "audit_log.trust_fingerprints", "sheet_rows.records_for_rows",
             # No session: the backup's administrator password is checked (a new machine),
             # and sign-in's own recovery of a restore cut short.
             "backup.restore_new", "backup.finish_interrupted_restore",
             # A pure comparison of two lists of users (no session, no store).
             "backup.access_changes",
             # A backup's signature: made inside `backup` (admin), checked against what the
             # store and this OS account know (reads; nothing is written).
             "backup.sign_manifest", "backup.check_signature", "backup.live_trust",
             # A pure function on typed values (a phone's extension kept in Notes).
             "records.with_phone_extensions",
             # The records a customer's delete takes with it (read), a list of them said in
             # words (pure), and the NotFound of a record that is not live (read).
             "records.records_under", "records.describe_records", "records.missing",
             "settings.store_region", "settings.phone_context",
             # Who the user fields' names are (read), and a pure function on them.
             "records.user_names", "records.disabled_user_names", "records.as_user_names", "records.user_for",
             # The customers whose erase did not reach every backup (read from meta).
             "gdpr.unfinished_erases",
             # No session: a lockout read from the key file before a password is asked for,
             # and whether a password opens a backup file the caller already holds.
             "auth.check_not_locked", "backup.backup_password_opens",
             # Lifetime values converted with the rates (reads), and the check that refuses
             # to compare them when an order has no rate.
             "lifetime.lifetime_values_converted", "lifetime.converted_totals", "lifetime.ensure_convertible",
             "lifetime.refuse_unconverted",
             # The suppression list: read from the trail (digests only), checked against
             # rows a caller already validated, and the digests an erase writes in its entry.
             "suppression.erased_list", "suppression.ensure_not_erased", "suppression.erased_identifiers",
             "suppression.snapshot",
             # No session and no store data: this OS account's own crash leftovers of cims's
             # exact scratch shape (copies of the store a killed cims left, import scratch),
             # removed only when their process has ended; run at sign-in, backup and erase.
             "leftovers.sweep_copy_leftovers", "leftovers.sweep_import_scratch", "leftovers.sweep_quietly",
             # The workbooks cims synced that are still there (read from the trail's
             # workbook.file entries; an erase lists them to refresh).
             "erase_copies.synced_workbooks",
             # The records whose contact is another customer's (admin only; reads).
             "records.contacts_of_other_customers",
             # What the store knows of a customer a merge retired (reads the merge entries
             # about it), the message naming it, and the pure test of a contact's id.
             "merge.merged_away", "merge.merged_message", "merge.kept_for", "merge.retired_holding",
             "merge.retired_map", "merge.merge_edges",
             "records.not_found", "gdpr.is_contact_id", "gdpr.naming_contact",
             # The query language of a search (pure), and whether an edit makes a contact
             # another of its customer's again (reads; the edit itself is checked).
             "query_text.parse_query", "records.contact_duplicate"}


def _public_service_functions() -> set[str]:
    names = set()
    for mod in pkgutil.iter_modules(cims_xl.services.__path__):
        module = importlib.import_module(f"cims_xl.services.{mod.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{mod.name}.{name}")
    return names


def test_no_public_service_function_lets_a_viewer_write(admin, session_as):
    calls = _write_calls(admin)
    unknown = _public_service_functions() - set(calls) - READ_ONLY
    assert not unknown, f"new service functions need a viewer check here: {sorted(unknown)}"
    viewer = session_as("viewer")
    for name, call in calls.items():
        if call is None:
            continue
        with pytest.raises(PermissionDenied):
            call(viewer)
