"""GDPR / PIPL: export everything about one customer; erase one customer's personal data."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..domain.schema import CUSTOMER, ENTITIES, normalize_id
from ..errors import NotFound
from ..scratch import write_private
from ..security.audit import ERASED, AuditEvent, erase_bulk_record, erase_values, is_bulk, jsonable
from ..store.db import utcnow
from . import records
from .search import customer_360
from .session import Session

ERASED_NAME = "[erased]"
SECTIONS = ("contacts", "interactions", "orders", "opportunities", "tickets")


def export_customer(session: Session, customer_id: str, out_path: str | os.PathLike | None = None) -> dict:
    """Everything stored about one customer, with each record's change history.

    Writes JSON or .xlsx (by the file's suffix) when `out_path` is given.
    """
    session.ensure("export", "customer", record_id=customer_id)
    data = customer_360(session, customer_id)
    doc = {"customer": data["customer"], **{k: data[k] for k in SECTIONS},
           "lifetime_value": data["lifetime_value"], "lifetime_values": data["lifetime_values"]}
    ids = [data["customer"]["id"]] + [r["id"] for k in SECTIONS for r in data[k]]
    doc["history"] = {rid: records.history(session, rid) for rid in ids}
    doc = json.loads(json.dumps(doc, default=jsonable))
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, "export", "customer", data["customer"]["id"], None,
                                  {"format": [None, Path(out_path).suffix.lstrip(".") if out_path else "data"]})])
        uow.commit()
    if out_path:
        out_path = Path(out_path)
        if out_path.suffix.lower() == ".xlsx":
            _write_xlsx(doc, out_path)   # 0600, atomic
        else:
            write_private(out_path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    return doc


def _write_xlsx(doc: dict, path: Path) -> None:
    from ..excel.safe import write_rows_xlsx

    sheets = {"Customer": [doc["customer"]]}
    for key in SECTIONS:
        sheets[key.title()] = doc[key]
    history = [{"record": rid, "at": h["at"], "actor": h["actor"], "action": h["action"],
                "changes": json.dumps(h["changes"], ensure_ascii=False)}
               for rid, entries in doc["history"].items() for h in entries]
    sheets["History"] = history
    write_rows_xlsx(path, sheets)


def erase_customer(session: Session, customer_id: str) -> dict:
    """Remove a customer's personal data from the record, its contacts, interactions and
    tickets, and from the audit trail's before/after values (the chain still verifies)."""
    session.ensure("admin", "customer", record_id=customer_id)
    cid = normalize_id(customer_id)
    customer = session.store.fetch_record(CUSTOMER, cid, include_deleted=True)
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    now = utcnow()
    touched: list[tuple[str, str]] = [("customer", cid)]
    for kind in ("contact", "interaction", "ticket"):
        ent = ENTITIES[kind]
        for rec in session.store.fetch_records(ent, include_deleted=True, equals={"customer_id": cid}):
            touched.append((kind, rec["id"]))
    with session.unit_of_work() as uow:
        for kind, rid in touched:
            ent = ENTITIES[kind]
            current = session.store.fetch_record(ent, rid, include_deleted=True)
            personal = [k for k in ent.personal_keys if current.get(k) is not None]
            values = {k: None for k in personal}
            if "name" in values:
                values["name"] = ERASED_NAME
            values.update(updated_at=now, updated_by=session.username, version=current["version"] + 1)
            session.store.update_record(ent, rid, values, expected_version=current["version"])
            session.audit([AuditEvent(now, session.username, "erase", kind, rid, None,
                                      {k: [ERASED, ERASED_NAME if k == "name" else None] for k in personal})])
            for seq, _at, _actor, _action, _e, eid, _b, changes, digests, _p, _m in list(
                    session.store.iter_audit(entity_id=rid)):
                if is_bulk(eid):
                    erased = erase_bulk_record(digests, rid)
                    if erased is not None:
                        session.store.rewrite_audit_digests(seq, erased)
                elif digests:
                    session.store.rewrite_audit_values(seq, erase_values(changes, digests, ent.personal_keys))
        session.audit([AuditEvent(now, session.username, "gdpr.erase", "customer", cid, None,
                                  {"records": [None, len(touched)]})])
        uow.commit()
    # Old values must not linger in the search index, freed pages or the WAL.
    session.store.fts_optimize()
    session.store.checkpoint()
    return {"customer": cid, "records": len(touched)}
