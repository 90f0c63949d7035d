"""Reading and verifying the audit trail (administrators only)."""

from __future__ import annotations

import json

from ..security import audit as chain
from .session import Session


def show(session: Session, *, limit: int = 50, entity_id: str | None = None,
         batch_id: str | None = None) -> list[dict]:
    session.ensure("admin")
    out = []
    for seq, at, actor, action, entity, eid, batch, changes, _d, _p, _m in session.store.iter_audit(
            entity_id=entity_id, batch_id=batch_id, limit=limit, newest_first=True):
        out.append({"seq": seq, "at": at, "actor": actor, "action": action, "entity": entity,
                    "id": eid, "batch": batch, "changes": json.loads(changes or "{}")})
    return out


def verify(session: Session) -> chain.VerifyResult:
    """Walk the whole chain; report the first entry that was edited, deleted or reordered."""
    session.ensure("admin")
    head = session.store.get_meta("audit_head")
    return chain.verify_rows(session.audit_key, session.store.iter_audit_physical(),
                             tuple(head) if head else None)
