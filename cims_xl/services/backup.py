"""Encrypted backups and restore.

A backup is one `.cimsbak` file: a zip (stored, not compressed) holding an online copy
of the encrypted database, the key file as it was, and a manifest with checksums and
row counts (no personal data). Everything inside is as encrypted as the store itself:
opening a backup needs a password that opened the store when the backup was made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..domain.schema import ENTITIES
from ..errors import StoreError, ValidationFailed
from ..security.audit import AuditEvent
from ..security.keys import KeyFile, keyfile_path
from ..store.db import Store, backup_store, utcnow
from .session import Session

SUFFIX = ".cimsbak"
DB_MEMBER, KEYS_MEMBER, MANIFEST_MEMBER = "store.cims", "store.cims.keys", "manifest.json"


def _counts(store: Store) -> dict[str, int]:
    return {kind: len(list(store.iter_column_tuples(ent, ["id"]))) for kind, ent in ENTITIES.items()}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_backup_dir(store_path: Path) -> Path:
    return Path(store_path).parent / "backups"


def backup(session: Session, dest_dir: str | os.PathLike | None = None, *, keep: int = 10) -> Path:
    """Copy the store online into `dest_dir`, verify the copy by reopening it, keep the newest `keep`."""
    session.ensure("admin")
    if keep < 1:
        raise ValidationFailed({"Keep": "must be at least 1"})
    dest = Path(dest_dir) if dest_dir else default_backup_dir(session.store_path)
    dest.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = dest / f"{session.store_path.stem}-{stamp}{SUFFIX}"
    n = 1
    while target.exists():
        n += 1
        target = dest / f"{session.store_path.stem}-{stamp}-{n}{SUFFIX}"
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, "backup", None, target.name)])
        uow.commit()
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        db = Path(tmp) / DB_MEMBER
        backup_store(session.store, db, session.data_key)
        keys = Path(tmp) / KEYS_MEMBER
        shutil.copyfile(keyfile_path(session.store_path), keys)
        copy = Store.open(db, session.data_key)
        try:
            if copy.integrity_check() != "ok":
                raise StoreError("the backup copy failed its integrity check; nothing was kept")
            counts = _counts(copy)
            copy.checkpoint()
        finally:
            copy.close()
        if counts != _counts(session.store):
            raise StoreError("the backup copy does not hold the same rows as the store; nothing was kept")
        manifest = {"format": "cims-backup-1", "store_id": session.store.get_meta("store_id"),
                    "created_at": utcnow().isoformat(), "created_by": session.username, "counts": counts,
                    "sha256": {DB_MEMBER: _sha256(db), KEYS_MEMBER: _sha256(keys)}}
        partial = target.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.write(db, DB_MEMBER)
            zf.write(keys, KEYS_MEMBER)
            zf.writestr(MANIFEST_MEMBER, json.dumps(manifest, indent=1))
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    _prune(dest, session.store_path.stem, keep)
    return target


def _prune(dest: Path, stem: str, keep: int) -> None:
    backups = sorted(dest.glob(f"{stem}-*{SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
    for old in backups[:-keep]:
        old.unlink()


def list_backups(dest_dir: str | os.PathLike) -> list[Path]:
    return sorted(Path(dest_dir).glob(f"*{SUFFIX}"))


def _extract(backup_file: Path, into: Path) -> dict:
    try:
        with zipfile.ZipFile(backup_file) as zf:
            manifest = json.loads(zf.read(MANIFEST_MEMBER))
            for member in (DB_MEMBER, KEYS_MEMBER):
                zf.extract(member, into)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise StoreError(f"{backup_file.name} is not a cims backup") from None
    for member, digest in manifest.get("sha256", {}).items():
        if _sha256(into / member) != digest:
            raise StoreError(f"{backup_file.name} is damaged ({member} does not match its checksum)")
    return manifest


def verify_backup(backup_file: str | os.PathLike, username: str, password: str) -> dict:
    """Open a backup with a user's password; return its manifest if it is sound."""
    backup_file = Path(backup_file)
    with tempfile.TemporaryDirectory() as tmp:
        manifest = _extract(backup_file, Path(tmp))
        db = Path(tmp) / DB_MEMBER
        key = KeyFile.load(db).unlock(username.strip().lower(), password)
        store = Store.open(db, key)
        try:
            if store.integrity_check() != "ok" or _counts(store) != manifest["counts"]:
                raise StoreError(f"{backup_file.name} failed verification")
        finally:
            store.close()
    return manifest


def restore(session: Session, backup_file: str | os.PathLike, password: str) -> dict:
    """Replace the store with a backup. The admin's password must open the backup.

    The current files are kept beside the store as `*.before-restore-<time>` and the
    session is closed; sign in again afterwards.
    """
    session.ensure("admin")
    backup_file = Path(backup_file)
    store_path = session.store_path
    with tempfile.TemporaryDirectory(dir=store_path.parent) as tmp:
        manifest = _extract(backup_file, Path(tmp))
        db = Path(tmp) / DB_MEMBER
        unlocked = KeyFile.load(db).unlock_keys(session.username, password)
        key = unlocked.data_key
        restored = Store.open(db, key)
        try:
            if restored.integrity_check() != "ok":
                raise StoreError(f"{backup_file.name} failed its integrity check; nothing was restored")
            user = restored.fetch_user(session.username)
            if not user or user["role"] != "admin":
                raise StoreError("you are not an administrator in that backup; nothing was restored")
            # Signed with the admin's key as the backup holds it; its head is what this OS
            # account pins from now on (the trail deliberately goes back to the backup's).
            restored_session = Session(db, restored, session.username, "admin", key,
                                       signing_key=unlocked.signing_key)
            with restored_session.unit_of_work() as uow:
                restored_session.audit([AuditEvent(utcnow(), session.username, "restore", None,
                                                   backup_file.name)])
                uow.commit()
            restored.checkpoint()
        finally:
            restored.close()
        session.pin_heads = False   # the store this entry goes into is about to be replaced
        with session.unit_of_work() as uow:
            session.audit([AuditEvent(utcnow(), session.username, "restore.replaced", None, backup_file.name)])
            uow.commit()
        session.store.checkpoint()
        session.close()
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
        for src in (store_path, keyfile_path(store_path)):
            if src.exists():
                shutil.copy2(src, src.with_name(f"{src.name}.before-restore-{stamp}"))
        for extra in ("-wal", "-shm"):
            Path(str(store_path) + extra).unlink(missing_ok=True)
        os.replace(db, store_path)
        os.replace(Path(tmp) / KEYS_MEMBER, keyfile_path(store_path))
        for p in (store_path, keyfile_path(store_path)):
            os.chmod(p, 0o600)
    return manifest
