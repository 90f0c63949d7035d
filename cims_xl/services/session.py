"""A signed-in session: who is acting, the open store, and the unit of work.

Every service takes a Session first. It holds the raw data key only as long as it is
open; it closes itself after `idle_timeout` seconds without use.
"""

from __future__ import annotations

import base64
import contextlib
import threading
import time
from pathlib import Path
from typing import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..domain.schema import ENTITIES, kind_of_id
from ..errors import PermissionDenied, SessionExpired, StoreError
from .. import interrupts
from ..security import audit as audit_chain
from ..security import ledger, trust
from ..security.audit import AuditEvent
from ..security.roles import allowed, ensure_allowed
from ..store.db import Store, utcnow

DEFAULT_IDLE_TIMEOUT = 15 * 60
# How often a session reads its user's role and status back from the store (seconds):
# an administrator's `user disable` or `user role` in another process reaches a live
# session (Excel's, which every worksheet function and Save keeps in use) within this
# time, and before its next write in any case.
USER_RECHECK_SECONDS = 1.0


# Audit actions that change no data: a unit of work of only these saves nothing the user
# made (a Ctrl-C or a failure after it says "Interrupted." or the error alone, not that
# changes were saved). Besides sign-in's own entries, cims's bookkeeping: a user's signing
# key and the trail's baseline (sign-in), where a workbook or report file is written,
# which old backups `--keep` removed.
NOT_CHANGES = frozenset({"sign-in", "sign-out", "denied", "export", "backup", ledger.SCHEMA_REPAIR,
                         "user.key", "trust.baseline", "workbook.file", "report.file", "backup.removed"})


class UnitOfWork:
    """`with session.unit_of_work() as uow: ...; uow.commit()`.

    Leaving the block without `commit()` rolls back. A unit of work opened while
    another is open joins it: only the outermost one commits or rolls back.
    """

    def __init__(self, session: "Session"):
        self.session = session
        self.joined = False
        self.committed = False

    def __enter__(self) -> "UnitOfWork":
        # One writer at a time per session: a unit of work of another thread waits for this
        # one to end (it would join its transaction, take its ids and audit entries, and a
        # rollback of either would lose the other's write); this thread's own nested
        # units of work join it as before.
        self.session._write_lock.acquire()
        try:
            store = self.session.store
            self.joined = store.in_transaction
            if not self.joined:
                store.begin()
                try:
                    self.session._audit_schema_repairs()
                except BaseException:
                    self.session._discard()
                    store.rollback()
                    raise
        except BaseException:
            self.session._write_lock.release()
            raise
        return self

    def commit(self) -> None:
        if self.joined:
            return
        self.session._flush_denials()
        actions = (self.session._pending or {}).get("actions", set())
        self.session._seal()
        # A Ctrl-C from here on is raised after the commit and the pin of its head, as
        # InterruptedAfterSave (see cims_xl.interrupts).
        with interrupts.interrupts_deferred():
            self.session.store.commit()
            self.committed = True
            if actions - NOT_CHANGES:
                interrupts.note_saved("import" if "import" in actions else "change")
            self.session._after_commit()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.joined:
                return
            if not self.committed:
                self.session._discard()
                self.session.store.rollback()
                # A refused action is recorded even though the work around it was not.
                self.session._write_denials_now()
        finally:
            self.session._write_lock.release()


class Session:
    def __init__(self, store_path: Path, store: Store, username: str, role: str,
                 data_key: bytes, *, idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                 clock=time.monotonic, signing_key: Ed25519PrivateKey | None = None,
                 store_id: str | None = None):
        self.store_path = Path(store_path)
        self._store: Store | None = store
        self.username = username
        self.role = role
        self._data_key: bytes | None = data_key
        try:
            self._audit_key = bytes.fromhex(store.get_meta("audit_key"))
        except (TypeError, ValueError):
            raise StoreError("the store's audit key was changed outside cims, so no entry can be written "
                             "or checked; restore the store from a backup") from None
        self.idle_timeout = idle_timeout
        self._clock = clock
        self._last_used = clock()
        # this user's row (role, disabled) as it was at sign-in, read back by `check`
        # (_recheck_user); the session's role is the one the signed trail vouches for,
        # which a row edited outside cims may not be (auth.sign_in ignores that edit)
        self._user_checked_at = self._last_used
        self._signed_in_as = (username, role)     # who signed in: `check` refuses a session rewritten since
        self._follow_user_row = True      # private: off only for an erase of a backup copy (on_copy)
        self._user_row = self._user_row_now(store)
        self._denials: list[AuditEvent] = []
        self._write_lock = threading.RLock()     # units of work of one session, one thread at a time
        # Signing: the user's Ed25519 key (None: entries go unsigned, and verify says so),
        # the entries of the open unit of work, and whether heads are pinned on this
        # OS account (not when sign-in found the pinned head missing: see auth.sign_in).
        self._signing_key = signing_key
        self.store_id: str = store_id or store.get_meta("store_id")
        self._pending: dict | None = None
        self._sealed_head: tuple[int, str] | None = None
        self._signed_from_known = False
        self.pin_heads = True
        self.pin_own_head = False        # pin only this file's own head (trust.save_pin own_only)
        self.trust_problem: str | None = None
        self.trust_kind: str | None = None     # "copy", "cut", "rewritten", "stripped"
        # Set by sign-in when it ignored a change to this user's own row made outside cims.
        self.account_problem: str | None = None

    # -- lifetime --

    @property
    def is_open(self) -> bool:
        return self._store is not None

    def check(self, *, recheck: bool = False) -> None:
        """Raise SessionExpired if closed, idle too long, or if this user was disabled,
        removed, given another role, or given new keys by an administrator (a password
        reset, `user enable`) since signing in; otherwise mark as used.

        The role is decided at sign-in, from the user's row as the signed trail vouches for
        it (auth.sign_in). The row is read back at most every USER_RECHECK_SECONDS (and
        whenever `recheck`: before each write), so an administrator's `user disable` or
        `user role` in another process ends a session that stays in use (Excel's). Any
        change ends it, a promotion too: the next sign-in checks the new role against the
        trail, so a row edited outside cims never widens a live session."""
        if self._store is None:
            raise SessionExpired("you are signed out; sign in again")
        now = self._clock()
        if self.idle_timeout and now - self._last_used > self.idle_timeout:
            self.close()
            raise SessionExpired(f"signed out after {int(self.idle_timeout // 60)} minutes without use; sign in again")
        self._last_used = now
        if self._follow_user_row and (self.username, self.role) != self._signed_in_as:
            # its user or role rewritten in this process (`session.role = "admin"`): never a
            # wider session than the one signed in; the trail would name such writes anyway
            self.close()
            raise SessionExpired("this session's user or role was changed after sign-in; sign in again")
        if self._follow_user_row and (recheck or now - self._user_checked_at >= USER_RECHECK_SECONDS) \
                and not self._store.writing_behind:
            # While writes run behind (inside a transaction, which holds the store's write
            # lock from its BEGIN IMMEDIATE) no other process can change the user's row, and
            # the queued writes are records and audit entries, never a user's row or key: the
            # read would give the row as it was and only wait for every queued write first
            # (an import's rows, once a second). It is read at the first check after.
            self._recheck_user(now)

    def _user_row_now(self, store: Store) -> tuple | None:
        return store.user_status(self.username)

    def _recheck_user(self, now: float) -> None:
        assert self._store is not None
        row = self._user_row_now(self._store)
        self._user_checked_at = now
        if row == self._user_row:
            return
        if (row is not None and self._user_row is not None and row[:2] == self._user_row[:2]
                and row[2] is not None and row[2] == self.signing_public):
            self._user_row = row          # this session's own key, enrolled at its sign-in
            return
        self.close()
        if row is None or row[1]:
            raise SessionExpired("your account was disabled or removed since you signed in; you are signed out")
        if self._user_row is not None and row[0] == self._user_row[0]:
            raise SessionExpired("your password was reset or your account enabled again by an administrator since "
                                 "you signed in; sign in again")
        raise SessionExpired(f"your role was changed (to {row[0]}) since you signed in; sign in again")

    @property
    def store(self) -> Store:
        if self._store is None:
            raise SessionExpired("you are signed out; sign in again")
        return self._store

    @property
    def data_key(self) -> bytes:
        self.check()
        assert self._data_key is not None
        return self._data_key

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
        self._store = None
        self._data_key = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def unit_of_work(self) -> UnitOfWork:
        self.check(recheck=True)        # a write: the user's role and status as they are now
        return UnitOfWork(self)

    # -- permissions --

    def may(self, action: str, kind: str | None = None, owner: str | None = None) -> bool:
        return allowed(role=self.role, action=action, kind=kind, owner=owner, actor=self.username)

    def ensure(self, action: str, kind: str | None = None, *, owner: str | None = None,
               record_id: str | None = None, hand_over: bool = False, moved_to: str | None = None,
               own_owner: bool = False, rewrites: tuple = (), authored: bool = False,
               late_fills: tuple = (), reprioritizes: bool = False,
               refills: tuple = ()) -> None:
        """Raise PermissionDenied unless allowed; the denial goes to the audit trail.
        `rewrites`: the recorded times (roles.RECORDED_TIMES) an update changes once set.
        `hand_over`: `owner` is the new owner an update gives the record; `moved_to`: the
        customer an update moves the record to, `owner` that customer's; `authored`: `owner`
        is the Owner of a record that says who said or did it (roles.ensure_allowed)."""
        self.check()
        try:
            ensure_allowed(role=self.role, actor=self.username, action=action, kind=kind,
                           owner=owner, record_id=record_id, hand_over=hand_over, moved_to=moved_to,
                           own_owner=own_owner, rewrites=rewrites, authored=authored,
                           late_fills=late_fills, reprioritizes=reprioritizes, refills=refills)
        except PermissionDenied as exc:
            self._denials.append(AuditEvent(utcnow(), self.username, "denied", kind, record_id, None,
                                            {"action": [None, action], "reason": [None, exc.message]}))
            if not self.store.in_transaction:
                self._write_denials_now()
            raise

    def _flush_denials(self) -> None:
        if self._denials:
            events, self._denials = self._denials, []
            self.audit(events)

    def _write_denials_now(self) -> None:
        if self._denials and self._store is not None:
            with self.store.transaction():
                self._flush_denials()
                self._seal()
            self._after_commit()

    # -- audit --

    def audit(self, events: Iterable[AuditEvent]) -> None:
        """Append to the audit trail inside the current transaction."""
        store = self.store
        assert store.in_transaction, "audit entries are written in the same transaction as the change"
        self._audit_schema_repairs()
        events = list(events)
        rows = audit_chain.build_rows(self._audit_key, store.last_audit(), events)
        if rows:
            store.insert_audit(rows)
            refs = [(rid, row[0]) for ev, row in zip(events, rows) if ev.records for rid in ev.records]
            if refs:
                store.insert_audit_refs(refs)
            store.set_meta("audit_head", [rows[-1][0], rows[-1][-1]])
            self._note_written(events, rows)

    def _audit_schema_repairs(self) -> None:
        """Name in the trail the triggers and views the store removed before this write
        (store.schema_guard): one `schema.repair` entry, signed with this write."""
        repairs = self.store.take_schema_repairs()
        if not repairs:
            return
        items = [{"what": r.what, "type": r.type, "name": r.name, "table": r.table, "schema": r.schema,
                  "sql_digest": None if r.sql is None else audit_chain.value_digest(self._audit_key, r.sql)}
                 for r in repairs]
        self.audit([AuditEvent(utcnow(), self.username, ledger.SCHEMA_REPAIR, None, None, None,
                               {"objects": [None, items]})])

    def _note_written(self, events: list[AuditEvent], rows: list[tuple]) -> None:
        """Remember this unit of work's entries and the records they touched (for `_seal`)."""
        w = self._pending
        if w is None:
            self._pending = w = {"first": rows[0][0], "touched": {}, "states": {}}
        w["last"], w["mac"] = rows[-1][0], rows[-1][-1]
        w.setdefault("actions", set()).update(ev.action for ev in events)
        touched = w["touched"]
        for ev in events:
            if ev.action == "create" and ev.entity in ENTITIES:
                w.setdefault("created", set()).update(ev.records if ev.records is not None else (ev.entity_id,))
            if ev.records is not None and ev.entity in ENTITIES:
                # Records created together: read back now, behind the caller when the write
                # goes behind (a later change in this unit of work is read again at `_seal`).
                ids = list(ev.records)
                if touched:
                    for rid in ids:
                        touched.pop(rid, None)
                self.store.record_digests_behind(ENTITIES[ev.entity], ids, w["states"])
            elif ev.entity in ENTITIES and ev.entity_id:
                with contextlib.suppress(ValueError):
                    if kind_of_id(ev.entity_id).kind == ev.entity:
                        touched[ev.entity_id] = ev.entity

    def _seal(self) -> None:
        """Sign this unit of work's entries and the state it left its records in
        (inside the transaction, just before it commits). See security.ledger."""
        w, self._pending = self._pending, None
        if w is None or self._signing_key is None:
            return
        store = self.store
        store.flush()
        states: dict[str, str | None] = w["states"]
        if not self._signed_from_known:
            if store.get_meta("signed_from") is None:
                # The first signed write: every record stored so far is its baseline.
                store.set_meta("signed_from", w["first"])
                for ent in ENTITIES.values():
                    states.update(store.iter_record_digests(ent))
            self._signed_from_known = True
        by_kind: dict[str, list[str]] = {}
        for rid, kind in w["touched"].items():
            by_kind.setdefault(kind, []).append(rid)
        for kind, ids in by_kind.items():
            states.update(store.record_digests(ENTITIES[kind], ids))
        # The rows this write changed as they were before it (records it created aside):
        # `audit verify` checks them against the state the trail signed last, so a change
        # made outside cims is named even after this write covered the record again.
        created = w.get("created", ())
        for rid, digest in store.take_before().items():
            if rid not in created:
                states[ledger.BEFORE_MARK + rid] = digest
        states_s, sig = ledger.sign_write(self._signing_key, self.store_id, w["first"], w["last"], w["mac"],
                                          self.username, states)
        store.insert_audit_sig(w["first"], w["last"], self.username, states_s, sig)
        self._sealed_head = (w["last"], w["mac"])

    def _discard(self) -> None:
        self._pending = None
        self._sealed_head = None
        self._signed_from_known = False

    def _after_commit(self) -> None:
        """Pin the new head on this OS account (see security.trust)."""
        head, self._sealed_head = self._sealed_head, None
        if head is not None and (self.pin_heads or self.pin_own_head) and self.store_id:
            # The write is committed; a pin that cannot be written only weakens what the
            # next verify can tell, so it does not fail the write.
            with contextlib.suppress(OSError):
                trust.save_pin(self.store_id, head, store_path=self.store_path, own_only=not self.pin_heads)

    def on_copy(self, store_path: Path, store: Store, *, signed: bool) -> "Session":
        """This administrator's session on a copy of the store (a backup being erased),
        with the same data key; its writes are signed with this user's key when `signed`
        (the copy's trail must vouch for that key) and never pin the copy's head on this
        OS account (the pin is the live store's)."""
        copy = Session(store_path, store, self.username, self.role, self.data_key, idle_timeout=0,
                       signing_key=self._signing_key if signed else None)
        copy.pin_heads = False
        copy._follow_user_row = False        # the copy's users table is the backup's, not this store's
        return copy

    def also_sign(self, records: dict[str, str]) -> None:
        """Have the open unit of work's signature also cover these records' current
        states ({record id: kind}), e.g. those of an erase an administrator accepts.
        Call after this unit of work's first `audit`."""
        assert self._pending is not None, "also_sign follows an audit entry in the same unit of work"
        self._pending["touched"].update(records)

    def sign(self, message: bytes) -> str | None:
        """Ed25519 signature (RFC 8032; base64) of `message` with this user's signing
        key, or None for a user without one yet. For what is signed outside the audit
        trail (a backup's manifest); callers give their own context string in `message`."""
        if self._signing_key is None:
            return None
        return base64.b64encode(self._signing_key.sign(message)).decode("ascii")

    @property
    def signing_public(self) -> str | None:
        """This user's Ed25519 public key (base64), or None without a signing key."""
        if self._signing_key is None:
            return None
        return base64.b64encode(self._signing_key.public_key().public_bytes_raw()).decode("ascii")

    @property
    def audit_key(self) -> bytes:
        self.check()
        return self._audit_key
