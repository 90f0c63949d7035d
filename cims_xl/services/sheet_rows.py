"""Records created from sheet rows, found again by the row's random id.

Save writes a random id into each new row's hidden `_key` cell and saves the workbook
*before* it commits; the commit records which id each new record came from. If the
process dies after the commit but before the record ids reach the workbook, the next
Save of the same rows finds the records instead of creating them again.

`NewRowDuplicates` is the duplicate check of the records a Save is about to create
(customers and contacts), by the rules `cims customer add` and the import apply.
"""

from __future__ import annotations

from typing import Callable, Iterable, NamedTuple

from ..domain.duplicates import email_key, is_its_company, is_role_mailbox, may_be_shared, two_people
from ..domain.schema import CONTACT, CUSTOMER, entity, format_id
from .records import _SERVICE, _service_create_many, list_records
from .session import Session


def records_for_rows(session: Session, kind: str, tokens: list[str]) -> dict[str, dict]:
    """token -> record (deleted ones too) of `kind` an earlier Save by this user created
    from that row.

    The token table is not signed: anyone who can open the store could point a token at
    any record, and a Save would then write the row over it. So a token is followed only
    to a record this user created (`created_by`, which the signed audit state covers) and
    nobody else has changed since; any other mapping is ignored and the row is saved as
    new (its duplicate checks still apply).
    """
    session.check()
    ids = session.store.sheet_row_records(tokens) if tokens else {}
    if not ids:
        return {}
    found = {rec["id"]: rec for rec in list_records(session, entity(kind).kind, ids=sorted(set(ids.values())),
                                                      include_deleted=True)}
    me = session.username
    return {token: found[rid] for token, rid in ids.items()
            if rid in found and found[rid].get("created_by") == me
            and (found[rid].get("updated_by") in (me, None))}


def create_for_row(session: Session, kind: str, clean: dict, token: str | None, *,
                   context: dict | None = None) -> dict:
    """Create one validated record and remember the row it came from, in one transaction.

    Raises what `records.create_many` raises (PermissionDenied, ValidationFailed ...).
    """
    with session.unit_of_work() as uow:
        rec = _service_create_many(session, kind, [clean], token=_SERVICE, validated=True, context=context)[0]
        if token:
            session.store.insert_sheet_rows([(token, rec["id"])])
        uow.commit()
    return rec


# Kinds whose new rows are checked for duplicates (as `cims customer add` and the import do).
DEDUPED_KINDS = ("customer", "contact")


class Duplicate(NamedTuple):
    """The record a new row duplicates and which of the row's fields say so."""

    record_id: str
    how: str                       # "email" or "phone"
    fields: tuple[str, ...]        # the row's field keys that match ("email", "phone", "mobile")
    deleted_on: str | None = None  # a deleted customer's: the day it was deleted (restore it instead)
    # "" when the row is that record's person; "unsure" or "other" when the names say it
    # may be another person who shares the number or role mailbox (duplicates.two_people),
    # whom `cims customer add` refuses too unless --allow-duplicate
    maybe: str = ""


Holder = tuple[str, str, bool]     # (name, email_key, name is a company's): see duplicates.two_people


class NewRowDuplicates:
    """Which stored (or just created) record a new customer or contact row duplicates.

    The rules are those of `cims customer add` and of the import (domain.duplicates):
    the same email address (`email_key`: case, IDNA domains, Gmail's dots and +tags) is
    one person, but for a role's mailbox (info@, sales@: `is_role_mailbox`) under another
    name; the same phone or mobile number (E.164, either field) is one person
    unless `two_people` says the names are two people who share it (a landline under
    another name, or a mobile with two different emails). Such a customer row (a
    shared number or role mailbox under another name) may still be the same person:
    as `cims customer add` refuses it, it is found too (`Duplicate.maybe`), unless
    `allow_duplicate` (`customer add --allow-duplicate`). A contact is a duplicate only
    of a contact of the same customer. A customer a merge retired is matched as the kept
    customer (its values are the kept customer's: services.merge); another deleted customer
    is matched after the live ones (the row is refused naming it and its restore); other
    deleted records are not matched.

    The store is read once, for the numbers and addresses `rows` hold (one scan of the
    table, whatever the number of rows); `add` makes a record created in the same Save
    count, so the second of two rows that are one person is its duplicate.
    """

    def __init__(self, session: Session, kind: str, rows: Iterable[dict], *, allow_duplicate: bool = False,
                 itself: str | None = None):
        self.kind = entity(kind).kind
        self.itself = itself                 # an edited record: never its own duplicate
        # A new customer with another customer's phone or role mailbox under another name
        # may be the same person: refused as `cims customer add` refuses it, unless allowed.
        self.refuse_shared = self.kind == "customer" and not allow_duplicate
        self._emails: dict[tuple, str] = {}                  # (scope, email key) -> record id
        self._phones: dict[tuple, list[str]] = {}            # (scope, number) -> record ids
        self._who: dict[str, Holder] = {}
        self._deleted: dict[str, str] = {}                   # deleted customer id -> day deleted
        rows = list(rows)
        emails = {self._email(r) for r in rows} - {None}
        phones = {k for r in rows for k in self._numbers(r)}
        if emails or phones:
            self._read_store(session, emails, phones)

    def _scope(self, values: dict):
        return values.get("customer_id") if self.kind == "contact" else None

    def _email(self, values: dict) -> tuple | None:
        key = email_key(values.get("email"))
        return (self._scope(values), key) if key else None

    def _numbers(self, values: dict) -> dict[tuple, list[str]]:
        out: dict[tuple, list[str]] = {}
        for f in ("phone", "mobile"):
            if values.get(f):
                out.setdefault((self._scope(values), values[f]), []).append(f)
        return out

    def _holder(self, values: dict) -> Holder:
        name = values.get("name") or ""
        company = self.kind == "customer" and (values.get("type") == "Company"
                                               or is_its_company(name, values.get("company")))
        return (name, email_key(values.get("email")), bool(company))

    def _read_store(self, session: Session, emails: set, phones: set) -> None:
        if self.kind == "customer":
            ent, cols = CUSTOMER, ["seq", "name", "company", "email", "phone", "mobile", "type", "deleted_at"]
        else:
            ent, cols = CONTACT, ["seq", "name", "customer_id", "email", "phone", "mobile", "deleted_at"]
        # One scan, deleted customers too: remembered after the live ones (a live one is
        # matched first). A customer a merge retired stays stored: its email and numbers
        # are the kept customer's, whom a new row then duplicates; a row re-adding another
        # deleted customer is refused naming it and its restore, not added beside it.
        gone: dict[str, dict] = {}
        for row in session.store.iter_column_tuples(ent, cols, include_deleted=self.kind == "customer"):
            values = dict(zip(cols, row))
            if values["deleted_at"] is not None and self.kind != "customer":
                continue
            mine_e = self._email(values)
            mine_p = [k for k in self._numbers(values) if k in phones]
            if (mine_e is None or mine_e not in emails) and not mine_p:
                continue
            if format_id(ent, values["seq"]) == self.itself:
                continue
            if values["deleted_at"] is not None:
                gone[format_id(ent, values["seq"])] = values
                continue
            self._remember(values, format_id(ent, values["seq"]), only=(emails, phones))
        if gone:
            from .merge import kept_for

            kept = kept_for(session, list(gone))
            for rid, values in gone.items():
                if rid in kept:
                    self._remember(values, kept[rid], only=(emails, phones), who=kept[rid] not in self._who)
                else:
                    self._deleted[rid] = str(values["deleted_at"])[:10]
                    self._remember(values, rid, only=(emails, phones))

    def _remember(self, values: dict, record_id: str, only: tuple[set, set] | None = None, *,
                  who: bool = True) -> None:
        key = self._email(values)
        if key is not None and (only is None or key in only[0]):
            self._emails.setdefault(key, record_id)
        for number in self._numbers(values):
            if only is None or number in only[1]:
                self._phones.setdefault(number, []).append(record_id)
        if who:
            self._who[record_id] = self._holder(values)

    def find(self, values: dict) -> Duplicate | None:
        """The record `values` (a validated new row) duplicates, or None."""
        key = self._email(values)
        me = self._holder(values)
        maybe: Duplicate | None = None
        if key is not None and key in self._emails:
            held = self._emails[key]
            # a role's mailbox (info@, sales@) under another name is another person
            # sharing it, as the import decides (domain.duplicates.is_role_mailbox)
            verdict = two_people(me, self._who.get(held), _always) if is_role_mailbox(values.get("email")) else None
            if not verdict:
                return Duplicate(held, "email", ("email",), self._deleted.get(held))
            maybe = Duplicate(held, "email", ("email",), self._deleted.get(held), verdict)
        for number, fields in self._numbers(values).items():
            for record_id in self._phones.get(number, ()):
                verdict = two_people(me, self._who.get(record_id), _shareable(number[1]))
                if verdict is None:
                    return Duplicate(record_id, "phone", tuple(fields), self._deleted.get(record_id))
                maybe = maybe or Duplicate(record_id, "phone", tuple(fields), self._deleted.get(record_id), verdict)
        return maybe if self.refuse_shared else None

    def add(self, values: dict, record_id: str) -> None:
        """Count a record just created from `values` for the rows after it."""
        self._remember(values, record_id)


def _always() -> bool:
    return True


def _shareable(number: str) -> Callable[[], bool]:
    return lambda: may_be_shared(number)
