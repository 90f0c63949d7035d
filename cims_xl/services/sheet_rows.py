"""Records created from sheet rows, found again by the row's random id.

Save writes a random id into each new row's hidden `_key` cell and saves the workbook
*before* it commits; the commit records which id each new record came from. If the
process dies after the commit but before the record ids reach the workbook, the next
Save of the same rows finds the records instead of creating them again.
"""

from __future__ import annotations

from ..domain.schema import entity
from .records import create_many, list_records
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
        rec = create_many(session, kind, [clean], validated=True, context=context)[0]
        if token:
            session.store.insert_sheet_rows([(token, rec["id"])])
        uow.commit()
    return rec
