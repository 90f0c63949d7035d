"""GDPR erase in the copies of the store the product made: backups and the
`*.before-restore-*` files a restore leaves beside the store.

A copy that opens with the current data key is erased in place (a backup is unpacked
into a temporary folder beside it, still encrypted, erased, checked and packed again
under the same name). A copy made before a rekey needs the old key, which the product
no longer has: it is left as it is and named in the result, so the administrator can
delete it.

The erase in a copy is a write like any other: it is signed by the administrator doing
it, with their signing key, so that the copy, once restored, verifies clean. That needs
the copy's trail to hold the same key for them as an enabled administrator (their own
password changes keep the key). When it does not (they were added, made an
administrator or had their password reset after the copy was made), the erase is
written unsigned with the reason in its `gdpr.erase` entry, the copy is named in
"copies_unsigned", and `audit verify` in a store restored from it names the erase as
such (security.ledger.CopyErase) until an administrator runs `audit accept`.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

from ..errors import CimsError, StoreError
from ..scratch import replace_keeping_mode, sweep
from ..security.keys import restore_journal_path
from ..security.ledger import UNSIGNED_WHY
from ..store.db import Store
from . import backup as bk
from .session import Session


def erase_copies(session: Session, cid: str) -> dict[str, list[str]]:
    """Erase customer `cid` in every copy the product controls.

    Returns {"copies_erased": [file names], "copies_not_reached": ["name (reason)"],
    "copies_unsigned": ["name (reason)"]}: the last are erased, but the erase in them
    could not be signed (see the module's docstring).
    """
    session.ensure("admin", "customer", record_id=cid)
    erased: list[str] = []
    missed: list[str] = []
    unsigned: list[str] = []
    folder = bk.default_backup_dir(session.store_path)
    # What backups and restores killed part way left (a whole encrypted copy of the store
    # in a backup's scratch folder, a restore's stage): removed, not left holding the person.
    sweep(folder, "backup")
    if not restore_journal_path(session.store_path).exists():    # a stage a journal names is still needed
        sweep(session.store_path.parent, "restore")
    # This store's backups only (named "<store>-<time>.cimsbak", as backup() writes them).
    copies = sorted(folder.glob(f"{session.store_path.stem}-*{bk.SUFFIX}")) if folder.is_dir() else []
    store_path = session.store_path
    kept = sorted(store_path.parent.glob(f"{store_path.name}.before-restore-*"))
    for path in copies + kept:
        try:
            done = _erase_backup(session, path, cid) if path in copies else _erase_db(session, path, cid)
        except _Unreachable as exc:
            missed.append(f"{path.name} ({exc})")
            continue
        if done.erased:
            erased.append(path.name)
            if done.unsigned:
                why = UNSIGNED_WHY[done.unsigned].format(actor=session.username)
                unsigned.append(f"{path.name} (not signed: {why}; after restoring it, `cims audit accept` "
                                "accepts the erase)")
    return {"copies_erased": erased, "copies_not_reached": missed, "copies_unsigned": unsigned}


class _Done(NamedTuple):
    erased: bool                 # the copy held the customer, and no longer does
    unsigned: str | None         # why the erase there is not signed (UNSIGNED_WHY), or None


class _Unreachable(Exception):
    """A copy the current data key does not open (the reason is the message)."""


def _why_unsigned(session: Session, store: Store) -> str | None:
    """Why `session`'s user cannot sign in the copy `store` (a code of UNSIGNED_WHY), or
    None when they can, or when its trail is not signed at all (a copy from before
    signatures: an unsigned erase there is like every entry before it).

    They can when the copy holds them as an enabled administrator whose signing key is
    the one they sign with now: `sign_key:<user>` is what their signed `user.*` and
    sign-in entries there last recorded (services.auth)."""
    if store.get_meta("signed_from") is None:
        return None
    user = store.fetch_user(session.username)
    if user is None:
        return "not-a-user"
    if user["role"] != "admin" or user.get("disabled"):
        return "not-admin"
    theirs = store.get_meta(f"sign_key:{session.username}")
    if theirs is None:
        return "no-key"
    return None if theirs == session.signing_public else "other-key"


def _erase_db(session: Session, db: Path, cid: str) -> _Done:
    """Erase `cid` in one database file, signed by `session`'s user where the copy's
    trail lets them sign (`_why_unsigned`)."""
    from .gdpr import erase_in_store

    try:
        store = Store.open(db, session.data_key)
        store.get_meta("audit_key")
    except CimsError:
        raise _Unreachable("it does not open with the current data key: made before a rekey; "
                           "delete it if it is no longer needed") from None
    except Exception:   # not a database at all
        raise _Unreachable("not a readable store") from None
    try:
        why = _why_unsigned(session, store)
        signed = why is None and store.get_meta("signed_from") is not None
        copy = session.on_copy(db, store, signed=signed)
        return _Done(erase_in_store(copy, cid, unsigned=why) is not None, why)
    finally:
        store.close()


def _erase_backup(session: Session, path: Path, cid: str) -> _Done:
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        into = Path(tmp)
        try:
            manifest = bk._extract(path, into)
        except StoreError as exc:
            raise _Unreachable(exc.message) from None
        db = into / bk.DB_MEMBER
        done = _erase_db(session, db, cid)
        if not done.erased:
            return done
        store = Store.open(db, session.data_key)
        try:
            if store.integrity_check() != "ok":
                raise StoreError(f"{path.name}: the erased copy failed its integrity check; the backup was "
                                 "left as it was")
            counts = bk._counts(store)
        finally:
            store.close()
        # Signed again by this administrator when an administrator's signature this store
        # vouches for was on it; one that was unsigned (or not vouched for) stays unsigned:
        # an erase must not make a backup someone changed look like an administrator's.
        try:
            bk.check_signature(path, manifest, bk.live_trust(session))
            vouched = True
        except StoreError:
            vouched = False
        manifest.update(counts=counts, sha256={bk.DB_MEMBER: bk._sha256(db),
                                               bk.KEYS_MEMBER: bk._sha256(into / bk.KEYS_MEMBER)})
        if vouched:
            bk.sign_manifest(session, manifest)
        else:
            manifest.pop("signature", None)
        partial = into / (path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.write(db, bk.DB_MEMBER)
            zf.write(into / bk.KEYS_MEMBER, bk.KEYS_MEMBER)
            zf.writestr(bk.MANIFEST_MEMBER, json.dumps(manifest, indent=1))
        replace_keeping_mode(partial, path)
    return done
