"""GDPR erase in the copies of the store the product made: backups and the
`*.before-restore-*` files a restore leaves beside the store.

A copy that opens with the current data key is erased in place (a backup is unpacked
into a temporary folder beside it, still encrypted, erased, checked and packed again
under the same name). A copy made before a rekey needs the old key, which the product
no longer has: it is left as it is and named in the result, so the administrator can
delete it.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import CimsError, StoreError
from ..store.db import Store
from . import backup as bk
from .session import Session


def erase_copies(session: Session, cid: str) -> dict[str, list[str]]:
    """Erase customer `cid` in every copy the product controls.

    Returns {"copies_erased": [file names], "copies_not_reached": ["name (reason)"]}.
    """
    session.ensure("admin", "customer", record_id=cid)
    erased: list[str] = []
    missed: list[str] = []
    folder = bk.default_backup_dir(session.store_path)
    # This store's backups only (named "<store>-<time>.cimsbak", as backup() writes them).
    copies = sorted(folder.glob(f"{session.store_path.stem}-*{bk.SUFFIX}")) if folder.is_dir() else []
    for path in copies:
        try:
            if _erase_backup(session, path, cid):
                erased.append(path.name)
        except _Unreachable as exc:
            missed.append(f"{path.name} ({exc})")
    store_path = session.store_path
    for path in sorted(store_path.parent.glob(f"{store_path.name}.before-restore-*")):
        try:
            if _erase_db(session, path, cid):
                erased.append(path.name)
        except _Unreachable as exc:
            missed.append(f"{path.name} ({exc})")
    return {"copies_erased": erased, "copies_not_reached": missed}


class _Unreachable(Exception):
    """A copy the current data key does not open (the reason is the message)."""


def _erase_db(session: Session, db: Path, cid: str) -> bool:
    """Erase `cid` in one database file; False when it does not hold the customer."""
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
        copy = Session(db, store, session.username, "admin", session.data_key, idle_timeout=0)
        return erase_in_store(copy, cid) is not None
    finally:
        store.close()


def _erase_backup(session: Session, path: Path, cid: str) -> bool:
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        into = Path(tmp)
        try:
            manifest = bk._extract(path, into)
        except StoreError as exc:
            raise _Unreachable(exc.message) from None
        db = into / bk.DB_MEMBER
        if not _erase_db(session, db, cid):
            return False
        store = Store.open(db, session.data_key)
        try:
            if store.integrity_check() != "ok":
                raise StoreError(f"{path.name}: the erased copy failed its integrity check; the backup was "
                                 "left as it was")
            counts = bk._counts(store)
        finally:
            store.close()
        manifest.update(counts=counts, sha256={bk.DB_MEMBER: bk._sha256(db),
                                               bk.KEYS_MEMBER: bk._sha256(into / bk.KEYS_MEMBER)})
        partial = into / (path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.write(db, bk.DB_MEMBER)
            zf.write(into / bk.KEYS_MEMBER, bk.KEYS_MEMBER)
            zf.writestr(bk.MANIFEST_MEMBER, json.dumps(manifest, indent=1))
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    return True
