"""Data frames of live records for reports (personal columns blanked for viewers)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ..domain.schema import entity
from ..store import queries
from ..store.db import MONEY_SCALE
from .session import Session

_SCALE_DIGITS = len(str(MONEY_SCALE)) - 1          # MONEY_SCALE is a power of ten
_META = ["id", "created_at", "created_by", "updated_at", "updated_by", "version", "batch_id"]


def load_frame(session: Session, kind: str, columns: list[str] | None = None, *,
               exact_money: bool = False) -> pd.DataFrame:
    """Live rows of one entity. Money: float64 units (exact_money: Decimal objects, None
    for blank: the reports add them exactly); dates: datetime64; datetimes: UTC."""
    session.ensure("read", kind)
    ent = entity(kind)
    kinds = {f.key: f.kind for f in ent.fields}
    kinds.update({"created_at": "datetime", "updated_at": "datetime"})
    cols = columns or (_META + [f.key for f in ent.fields])
    cols, rows = queries.read_columns(session.store, ent, cols)
    df = pd.DataFrame.from_records(rows, columns=cols)
    if kind != "customer" and "customer_id" in df.columns and len(df):
        # a record still live under a deleted customer (deleted before a delete took its
        # records with it) is counted nowhere, as nothing can open it
        gone = {cid for cid, at in session.store.iter_column_tuples(entity("customer"), ["id", "deleted_at"],
                                                                    include_deleted=True) if at is not None}
        if gone:
            df = df[~df["customer_id"].isin(gone)].reset_index(drop=True)
    for c in cols:
        k = kinds.get(c)
        if k == "money" and exact_money:
            df[c] = pd.Series([None if v is None or v != v else Decimal(int(v)).scaleb(-_SCALE_DIGITS)
                               for v in df[c].tolist()], index=df.index, dtype=object)
        elif k in ("money", "decimal"):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64") / MONEY_SCALE
        elif k == "date":
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%d", errors="coerce")
        elif k == "datetime":
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%dT%H:%M:%SZ", errors="coerce", utc=True)
        elif k == "bool":
            df[c] = df[c].map({1: True, 0: False})
    if not session.may("read_personal", kind):
        for c in ent.private_keys:
            if c in df.columns:
                df[c] = None
    return df


def stage_history_frame(session: Session) -> pd.DataFrame:
    session.ensure("read", "opportunity")
    rows = queries.stage_history_rows(session.store)
    df = pd.DataFrame.from_records(rows, columns=["opportunity_id", "from_stage", "to_stage",
                                                  "changed_at", "changed_by"])
    df["changed_at"] = pd.to_datetime(df["changed_at"], format="%Y-%m-%dT%H:%M:%SZ", utc=True)
    return df


def ticket_time_edits_frame(session: Session) -> pd.DataFrame:
    """The recorded times of tickets (Opened, First Response, Resolved, Closed) that were
    changed after they were set, from the audit trail: one row per change (ticket_id,
    field header, at, actor). Setting an empty time is no edit, nor is a reopen's
    clearing of Resolved and Closed (the status change in the same entry); anything
    else is (the Service report names those tickets: their SLA may read as met because
    of it). No personal value: ids, field names, users."""
    import json

    from ..security.roles import RECORDED_TIMES

    session.ensure("read", "ticket")
    times = RECORDED_TIMES["ticket"]
    rows = []
    for _seq, at, actor, rid, changes_s in session.store.iter_audit_entity_changes("ticket", ("update", "undo")):
        try:
            changes = json.loads(changes_s or "{}")
        except ValueError:
            continue
        if not isinstance(changes, dict):
            continue
        for key, header in times:
            pair = changes.get(key)
            if not (isinstance(pair, list) and len(pair) == 2) or pair[0] is None or pair[0] == pair[1]:
                continue
            if pair[1] is None and "status" in changes:
                continue            # a reopen clears them: the clock's own doing
            rows.append((rid, header, at, actor))
    return pd.DataFrame.from_records(rows, columns=["ticket_id", "field", "at", "actor"])
