"""Encrypted backups and restore.

A backup is one `.cimsbak` file: a zip (stored, not compressed) holding an online copy
of the encrypted database, the key file as it was, and a manifest with checksums and
row counts (no personal data). Everything inside is as encrypted as the store itself:
opening a backup needs a password that opened the store when the backup was made.

The manifest is signed (Ed25519, RFC 8032) by the administrator who made the backup,
with the signing key their audit entries are signed with; its SHA-256 sums cover the
database and the key file. Every user holds the data key, so anyone who can sign in
can open a backup and change it; only an administrator can sign one. A restore checks
the signature against the keys this store's trail and this OS account's pin
(security.trust) know for the signer, and that the signer is an administrator, before
anything is replaced (`BackupSignature`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from ..crashpoints import crash_point
from ..domain.schema import ENTITIES
from ..errors import BackupSignature, CimsError, StoreError, ValidationFailed, WrongPassword
from ..scratch import keep_mode, replace_keeping_mode, scratch_dir, sweep, write_private
from ..security import ledger, trust
from ..security.audit import AuditEvent, canonical
from ..security.keys import KeyFile, keyfile_path, restore_journal_path
from ..store.db import Store, backup_store, utcnow
from .session import Session
from . import suppression

SUFFIX = ".cimsbak"
DB_MEMBER, KEYS_MEMBER, MANIFEST_MEMBER = "store.cims", "store.cims.keys", "manifest.json"


SIG_CONTEXT = "cims-backup-sig-1"
UNSIGNED_OPTION = "--unsigned"


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
    """Copy the store online into `dest_dir`, verify the copy by reopening it, keep the newest `keep`.

    `dest_dir` is made if missing; StoreError names it and the OS reason when it cannot
    be made or written (before anything is audited). Returns the backup file's path.
    """
    session.ensure("admin")
    if keep < 1:
        raise ValidationFailed({"Keep": "must be at least 1"})
    dest = Path(dest_dir) if dest_dir else default_backup_dir(session.store_path)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if not os.access(dest, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise StoreError(f"cannot keep backups in {dest}: {exc.strerror or exc}; nothing was backed up") from None
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = dest / f"{session.store_path.stem}-{stamp}{SUFFIX}"
    n = 1
    while target.exists():
        n += 1
        target = dest / f"{session.store_path.stem}-{stamp}-{n}{SUFFIX}"
    with session.unit_of_work() as uow:
        # Where it went, whole: `gdpr erase` reaches it there, or names it (services.erase_copies).
        session.audit([AuditEvent(utcnow(), session.username, BACKUP_ACTION, None, target.name, None,
                                  {"path": [None, str(target.resolve())]})])
        uow.commit()
    # What killed backups, erases and restores left of copies of the store (services.leftovers).
    from .leftovers import sweep_copy_leftovers

    sweep_copy_leftovers(session.store_path, [dest])
    with scratch_dir(dest, "backup") as tmp:
        db = Path(tmp) / DB_MEMBER
        backup_store(session.store, db, session.data_key)
        keys = Path(tmp) / KEYS_MEMBER
        shutil.copyfile(keyfile_path(session.store_path), keys)
        # A key file cims wrote before kept the names typed at sign-in; the copy keeps none
        # (KeyFile.tidy_lockout: a password typed as a user name must not reach a backup).
        KeyFile.load(db).save()         # db's key file is `keys` (store.cims + .keys)
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
        sign_manifest(session, manifest)
        crash_point("backup.copied")
        partial = Path(tmp) / "backup.partial"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.write(db, DB_MEMBER)
            zf.write(keys, KEYS_MEMBER)
            zf.writestr(MANIFEST_MEMBER, json.dumps(manifest, indent=1))
        replace_keeping_mode(partial, target)
    from .. import interrupts

    interrupts.note_done(f"the backup {target} was written")      # a failure from here on says so
    pruning = f"older backups beyond the newest {keep} may not have been removed"
    interrupts.note_left_after_save(pruning)
    removed = _prune(dest, session.store_path.stem, keep)
    interrupts.left_done(pruning)
    if removed:
        with session.unit_of_work() as uow:
            session.audit([AuditEvent(utcnow(), session.username, BACKUP_REMOVED_ACTION, None, None, None,
                                      {"paths": [None, [str(p.resolve()) for p in removed]]})])
            uow.commit()
    return target


# The audit entries that say where the backups cims wrote are ("backup": {"path"}) and
# which of them it deleted itself ("backup.removed": {"paths"}, `--keep`).
BACKUP_ACTION = "backup"
BACKUP_REMOVED_ACTION = "backup.removed"


def _manifest_message(manifest: dict) -> bytes:
    """What a backup's signature signs: the context string and the manifest without its
    signature (canonical JSON: sorted keys, no spaces)."""
    return canonical([SIG_CONTEXT, {k: v for k, v in manifest.items() if k != "signature"}])


def sign_manifest(session: Session, manifest: dict) -> dict:
    """`manifest` (changed in place and returned) with "signature": {"signer": user name,
    "public": base64 Ed25519 public key, "sig": base64 signature of `_manifest_message`},
    made with the signed-in user's signing key; without a "signature" when the user has
    no signing key yet."""
    manifest.pop("signature", None)
    sig = session.sign(_manifest_message(manifest))
    if sig is not None:
        manifest["signature"] = {"signer": session.username, "public": session.signing_public, "sig": sig}
    return manifest


@dataclass(frozen=True)
class BackupTrust:
    """What a backup's signature is checked against.

    keys: {user name: fingerprints ('SHA256:…', security.trust.fingerprint)} of the
    signing keys known for each user outside the backup (the live store's trail and key
    file, this OS account's pin), or None on a computer that knows no store of it (a
    restore onto a new machine): then the pin alone, else only the backup's own key file.
    admins: who may have signed (the live store's administrators), or None (the backup's
    own administrators: checked when it is opened).
    allow_unsigned: a backup with no signature at all (made by cims before backups were
    signed) is taken; a signature that does not check is never taken.
    """

    keys: dict[str, set[str]] | None = None
    admins: frozenset[str] | None = None
    allow_unsigned: bool = False
    store_id: str | None = None     # whose store `keys` and `admins` are


def live_trust(session: Session, *, allow_unsigned: bool = False) -> BackupTrust:
    """The BackupTrust of a signed-in store, from what cannot be forged with the data key
    alone: the trail as `audit verify` replays it (every signing key that entries
    accepted as signed gave each user, so an older backup signed with the key its maker
    had then still checks; the users the replay makes administrators, disabled ones too:
    their backups stay theirs), and this OS account's pin. Not the users table, the key
    file or the index from records to entries, which anyone who can sign in can edit."""
    from . import audit_log

    _result, replay, store_id, _signed_from = audit_log._check_trail(session)
    keys: dict[str, set[str]] = {u: {fp for k in ks if (fp := trust.fingerprint(k))}
                                 for u, ks in replay.keys_ever().items()}
    pin = trust.load_pin(store_id) if store_id else None
    for name, fp in ((pin or {}).get("keys") or {}).items():
        if fp:
            keys.setdefault(name, set()).add(fp)
    admins = frozenset(u for u, st in replay.users.items() if st.role == "admin")
    return BackupTrust(keys, admins, allow_unsigned, session.store.get_meta("store_id"))


def check_signature(backup_file: Path, manifest: dict, how: BackupTrust, own_keys: KeyFile | None = None) -> dict:
    """Whether the backup is as an administrator made it. Returns {"signed_by": user or
    None (unsigned, taken because `how.allow_unsigned`), "fingerprint", "checked_against":
    what the key was found in}. Raises BackupSignature (nothing is restored) when the
    manifest carries no signature (unless allowed), a signature that does not verify
    (the backup was changed after it was made), a key not known for the signer, or a
    signer who is not an administrator. `own_keys`: the backup's own key file, the
    last resort for a key on a computer that knows nothing of the store (said so)."""
    name = backup_file.name
    sig = manifest.get("signature")
    if sig is None:
        if how.allow_unsigned:
            return {"signed_by": None, "fingerprint": None,
                    "checked_against": f"nothing: the backup is not signed (taken with {UNSIGNED_OPTION})"}
        raise BackupSignature(f"{name} is not signed (made by cims before backups were signed, or its "
                              "signature was removed); nothing was restored. Restore it only if you know "
                              f"it is yours, with {UNSIGNED_OPTION}")
    if not (isinstance(sig, dict) and all(isinstance(sig.get(k), str) for k in ("signer", "public", "sig"))):
        raise BackupSignature(f"{name} carries a signature cims does not write; nothing was restored")
    signer, public = sig["signer"], sig["public"]
    if how.store_id is not None and manifest.get("store_id") != how.store_id:
        # a backup of another store (restored with --other-store): this store knows
        # nothing of its keys or administrators
        how = BackupTrust(allow_unsigned=how.allow_unsigned)
    if not ledger.detached_ok(public, _manifest_message(manifest), sig["sig"]):
        raise BackupSignature(f"{name} was changed after it was made (its signature does not match its "
                              "contents); nothing was restored")
    fp = trust.fingerprint(public)
    shown = signer[:40]
    if how.keys is not None:
        known = how.keys.get(signer, set())
        if fp not in known:
            raise BackupSignature(f"{name} is signed as {shown} with a key this store has never given "
                                  f"{shown} ({fp}); nothing was restored")
        against = f"{shown}'s keys in this store's trail"
    else:
        store_id = manifest.get("store_id")
        pinned = ((trust.load_pin(store_id) if isinstance(store_id, str) and store_id.isalnum() else None)
                  or {}).get("keys") or {}
        if signer in pinned:
            if pinned[signer] != fp:
                raise BackupSignature(f"{name} is signed as {shown} with a key this computer has not seen "
                                      f"for {shown} ({fp}; it knows {pinned[signer]}); nothing was restored")
            against = f"the key this computer pinned for {shown}"
        else:
            theirs = trust.fingerprint(own_keys.signing_public(signer)) if own_keys is not None else None
            if theirs != fp:
                raise BackupSignature(f"{name} is signed as {shown} with a key its own key file does not "
                                      f"hold for {shown}; nothing was restored")
            against = (f"only the backup's own key file (this computer knows nothing of the store): "
                       f"compare {fp} with `cims user list` on a computer that does")
    if how.admins is not None and signer not in how.admins:
        raise BackupSignature(f"{name} is signed by {shown}, who is not an administrator of this store; "
                              "nothing was restored")
    return {"signed_by": signer, "fingerprint": fp, "checked_against": against}


def _prune(dest: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of the store named `stem` in `dest`; the deleted."""
    backups = sorted(dest.glob(f"{stem}-*{SUFFIX}"), key=lambda p: p.stat().st_mtime_ns)
    removed = []
    for old in backups[:-keep]:
        removed.append(old.resolve())
        old.unlink()
    return removed


def list_backups(dest_dir: str | os.PathLike) -> list[Path]:
    return sorted(Path(dest_dir).glob(f"*{SUFFIX}"))


# What a backup's members may be: the JSON ones small (a manifest is a few hundred bytes,
# a key file a few KB per user), the store as large as it is but never compressible (it
# is encrypted throughout: deflate gains nothing on it), and never more than the disk
# beside the store can take. A file beyond these is refused before anything is read
# into memory or written: a 740-byte manifest of nested brackets, a 1 MB file holding a
# 1 GB string, 3 MB of zeros unpacking to a 3 GB "store".
JSON_MEMBER_MAX = {MANIFEST_MEMBER: 1 << 20, KEYS_MEMBER: 16 << 20}
STORE_RATIO_MAX = 1.5           # declared size over packed size for the encrypted store
DISK_MARGIN = 64 << 20          # left free on the disk after unpacking a backup


def _not_a_backup(backup_file: Path, why: str = "") -> StoreError:
    return StoreError(f"{backup_file.name} is not a cims backup" + (f" ({why})" if why else ""))


def _json_member(backup_file: Path, zf: zipfile.ZipFile, member: str) -> dict:
    """A JSON member of an open backup, its declared size checked before it is read."""
    info = zf.getinfo(member)
    if info.file_size > JSON_MEMBER_MAX[member]:
        raise _not_a_backup(backup_file, f"its {member} is {info.file_size:,} bytes")
    try:
        doc = json.loads(zf.read(member))
    except RecursionError:            # brackets nested beyond what any backup writes
        raise _not_a_backup(backup_file, f"its {member} is nested too deep") from None
    if not isinstance(doc, dict):
        raise _not_a_backup(backup_file)
    return doc


def _check_store_member(backup_file: Path, zf: zipfile.ZipFile, into: Path) -> None:
    info = zf.getinfo(DB_MEMBER)
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > STORE_RATIO_MAX * info.compress_size + 4096:
        raise _not_a_backup(backup_file, f"its store unpacks to {info.file_size:,} bytes from "
                                         f"{info.compress_size:,}: an encrypted store does not compress")
    free = shutil.disk_usage(into).free
    if info.file_size + DISK_MARGIN > free:
        raise StoreError(f"{backup_file.name} needs {info.file_size:,} bytes unpacked and the disk has "
                         f"{free:,} free; nothing was restored")


def _extract(backup_file: Path, into: Path) -> dict:
    try:
        with zipfile.ZipFile(backup_file) as zf:
            manifest = _json_member(backup_file, zf, MANIFEST_MEMBER)
            _check_store_member(backup_file, zf, into)
            if zf.getinfo(KEYS_MEMBER).file_size > JSON_MEMBER_MAX[KEYS_MEMBER]:
                raise _not_a_backup(backup_file, f"its {KEYS_MEMBER} is too large")
            for member in (DB_MEMBER, KEYS_MEMBER):
                zf.extract(member, into)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise StoreError(f"{backup_file.name} is not a cims backup") from None
    for member, digest in manifest.get("sha256", {}).items():
        if _sha256(into / member) != digest:
            raise StoreError(f"{backup_file.name} is damaged ({member} does not match its checksum)")
    return manifest


def read_manifest(backup_file: str | os.PathLike) -> dict:
    """A backup's manifest (format, store id, who made it when, row counts per record
    kind, checksums; no personal data), without opening the encrypted store.
    Raises StoreError for a file that is not a cims backup."""
    return _backup_json(Path(backup_file), MANIFEST_MEMBER)


def _backup_json(backup_file: Path, member: str) -> dict:
    """One JSON object member of a backup (manifest, key file), read from the zip in
    memory. Raises StoreError for a file that is not a cims backup."""
    try:
        with zipfile.ZipFile(backup_file) as zf:
            return _json_member(backup_file, zf, member)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise StoreError(f"{backup_file.name} is not a cims backup") from None


def check_restore(session: Session, backup_file: str | os.PathLike, *, allow_other_store: bool = False,
                  allow_unsigned: bool = False) -> dict:
    """What `restore` would refuse without a password for the backup, found before anyone
    is asked to confirm: PermissionDenied (not an administrator), StoreError (the file is
    not a cims backup or cannot be read; it is a backup of another store and
    `allow_other_store` is False), BackupSignature (see `check_signature`; the sums the
    signature covers are checked by the restore itself). Reads only the manifest and
    the key file; changes nothing. Returns the manifest, with "signature_checked".
    """
    session.ensure("admin")
    backup_file = Path(backup_file)
    manifest = read_manifest(backup_file)
    current_id = session.store.get_meta("store_id")
    backup_id = manifest.get("store_id")
    if current_id is not None and backup_id != current_id and not allow_other_store:
        raise StoreError(f"{backup_file.name} is a backup of another store, not this one; nothing was "
                         "restored (to replace this store with it anyway, add --other-store)")
    own = _backup_json(backup_file, KEYS_MEMBER)
    manifest["signature_checked"] = check_signature(
        backup_file, manifest, live_trust(session, allow_unsigned=allow_unsigned),
        KeyFile(backup_file, own) if isinstance(own.get("slots"), dict) else None)
    return manifest


def backup_password_opens(backup_file: str | os.PathLike, username: str, password: str) -> bool:
    """Whether `password` opens `username`'s key slot in the backup's key file (one KDF
    run, read from the zip in memory: nothing is extracted, no key is kept). Says nothing
    of the rest of the backup: `restore` still checks it all. Raises StoreError for a
    file that is not a cims backup."""
    backup_file = Path(backup_file)
    doc = _backup_json(backup_file, KEYS_MEMBER)
    if not isinstance(doc.get("slots"), dict):
        raise StoreError(f"{backup_file.name} is not a cims backup")
    try:
        KeyFile(backup_file, doc).unlock_keys(username.strip().lower(), password)
    except WrongPassword:
        return False
    except CimsError:    # a disabled account, a damaged slot: restore says which
        return True
    return True


def verify_backup(backup_file: str | os.PathLike, username: str, password: str, *,
                  allow_unsigned: bool = False) -> dict:
    """Open a backup with a user's password; return its manifest (with
    "signature_checked", see `check_signature`: checked against this computer's pin or
    the backup's own key file) if it is sound. Raises StoreError, BackupSignature,
    WrongPassword."""
    backup_file = Path(backup_file)
    with scratch_dir(None, "verify") as tmp:
        manifest = _extract(backup_file, Path(tmp))
        db = Path(tmp) / DB_MEMBER
        kf = KeyFile.load(db)
        manifest["signature_checked"] = check_signature(backup_file, manifest,
                                                        BackupTrust(allow_unsigned=allow_unsigned), kf)
        key = kf.unlock(username.strip().lower(), password)
        store = Store.open(db, key)
        try:
            if store.integrity_check() != "ok" or _counts(store) != manifest["counts"]:
                raise StoreError(f"{backup_file.name} failed verification")
        finally:
            store.close()
    return manifest


def restore(session: Session, backup_file: str | os.PathLike, password: str, *,
            allow_other_store: bool = False, allow_unsigned: bool = False) -> dict:
    """Replace the store with a backup (admin), atomically and recoverably.

    `password` is the admin's password IN THE BACKUP: the one valid when the backup was
    made, which differs from today's after a password change (the session proves
    today's). A wrong one raises WrongPassword naming the backup; it does not count
    toward the live store's sign-in lockout (nothing is signed in to). The admin must
    be an administrator in the backup. A backup of another store (other `store_id`) is refused unless
    `allow_other_store`. Other sessions must have the store closed (StoreBusy after a
    short wait: their later writes would be lost). The restore is audited in the
    restored store ("restore") and in the replaced one ("restore.replaced"); the
    replaced files are kept beside the store as `*.before-restore-<time>`. The session
    is closed; sign in again afterwards. Raises PermissionDenied, WrongPassword,
    StoreError, StoreBusy, BackupSignature (the backup is not as an administrator of
    this store signed it, `check_signature`; an unsigned one is taken only with
    `allow_unsigned`). Returns the backup's manifest, with "access_lost" and
    "roles_changed" (`access_changes`: who can no longer sign in, whose role changed)
    and "signature_checked"; `preview_restore` tells the same before anything is changed.
    """
    session.ensure("admin")
    backup_file = Path(backup_file)
    store_path = session.store_path
    current_id = session.store.get_meta("store_id")
    journal = restore_journal_path(store_path)
    with KeyFile.locked(store_path):   # no one signs in until the swap is over
        with scratch_dir(store_path.parent, "restore", keep_if=journal.exists) as stage:
            manifest = _stage(backup_file, stage, session.username, password, current_id, allow_other_store,
                              live_trust(session, allow_unsigned=allow_unsigned),
                              session.store.fetch_users(), session.store.seqs_used(),
                              session.store.erased_customers(), suppression.snapshot(session))
            crash_point("restore.staged")
            session.store.take_sole_use()   # StoreBusy while another session has it open
            session.pin_heads = False       # the store this entry goes into is about to be replaced
            session.pin_own_head = False
            with session.unit_of_work() as uow:
                session.audit([AuditEvent(utcnow(), session.username, "restore.replaced", None, backup_file.name,
                                          None, {"backup_store_id": [current_id, manifest.get("store_id")]})])
                uow.commit()
            session.close()
            _swap(store_path, stage, manifest.pop(_PIN, None))
    return manifest


def restore_new(store_path: str | os.PathLike, backup_file: str | os.PathLike, username: str,
                password: str, *, allow_unsigned: bool = False) -> dict:
    """Create the store at `store_path` from a backup (a new machine, a lost store).

    The user must be an administrator in the backup and `password` their password
    there. Refuses when a store already exists at `store_path` (use `restore`).
    The signature is checked against the key this OS account pinned for its signer,
    else against the backup's own key file only (said in "signature_checked": compare
    the fingerprint). Leaves nothing behind when it fails. Raises WrongPassword,
    StoreError, BackupSignature.
    """
    store_path = Path(store_path)
    backup_file = Path(backup_file)
    if store_path.exists() or keyfile_path(store_path).exists():
        raise StoreError(f"{store_path} already exists; sign in and restore over it instead")
    store_path.parent.mkdir(parents=True, exist_ok=True)
    lock = Path(str(store_path) + ".lock")
    had_lock = lock.exists()
    try:
        with FileLock(str(lock), mode=0o600), \
                scratch_dir(store_path.parent, "restore", keep_if=restore_journal_path(store_path).exists) as stage:
            manifest = _stage(backup_file, stage, username.strip().lower(), password, None, True,
                              BackupTrust(allow_unsigned=allow_unsigned))
            crash_point("restore.staged")
            _swap(store_path, stage, manifest.pop(_PIN, None))
    finally:
        if not had_lock and not store_path.exists() and not restore_journal_path(store_path).exists():
            lock.unlink(missing_ok=True)
    return manifest


def access_changes(live: list[dict], kept: list[dict]) -> dict[str, list[dict]]:
    """Who a restore takes access from, and whose role it changes.

    `live`: the store's users now; `kept`: the backup's (rows as `Store.fetch_users`).
    Returns {"access_lost": [{"user", "role", "why"}] for each user who can sign in now
    but not after the restore (not in the backup, or disabled there), "roles_changed":
    [{"user", "role_now", "role_in_backup"}]}, each sorted by user name.
    """
    there = {u["username"]: u for u in kept}
    lost, roles = [], []
    for user in sorted(live, key=lambda u: u["username"]):
        if user.get("disabled"):
            continue
        name, old = user["username"], there.get(user["username"])
        if old is None:
            lost.append({"user": name, "role": user["role"], "why": "added after the backup was made"})
        elif old.get("disabled"):
            lost.append({"user": name, "role": user["role"], "why": "disabled in the backup"})
        elif old["role"] != user["role"]:
            roles.append({"user": name, "role_now": user["role"], "role_in_backup": old["role"]})
    return {"access_lost": lost, "roles_changed": roles}


def preview_restore(session: Session, backup_file: str | os.PathLike, password: str, *,
                    allow_other_store: bool = False, allow_unsigned: bool = False) -> dict:
    """What restoring `backup_file` would do to the users, before anything is changed.

    Opens the backup as `restore` does (same checks, same `password`: the admin's in the
    backup) in a scratch folder and changes nothing. Returns {"backup": file name,
    "created_at", "access_lost", "roles_changed"} (see `access_changes`) and
    "signature_checked". Raises PermissionDenied, WrongPassword, StoreError,
    BackupSignature as `restore` does.
    """
    session.ensure("admin")
    backup_file = Path(backup_file)
    current_id = session.store.get_meta("store_id")
    with scratch_dir(session.store_path.parent, "preview") as tmp:
        manifest, _kf, _unlocked, restored = _open_staged(backup_file, Path(tmp), session.username, password,
                                                           current_id, allow_other_store,
                                                           live_trust(session, allow_unsigned=allow_unsigned))
        try:
            changes = access_changes(session.store.fetch_users(), restored.fetch_users())
            lost = _work_since(session.store, restored)
        finally:
            restored.close()
    return {"backup": backup_file.name, "created_at": manifest.get("created_at"), **changes,
            "since": lost, "signature_checked": manifest.get("signature_checked")}


def _work_since(current: Store, backup: Store) -> dict:
    """What a restore of `backup` would take away from `current`, from the two audit
    trails: {"created", "changed", "deleted"} (records, by id), "other" (other audited
    changes: users, settings, recomputed scores), "entries" (audit entries after the
    backup's last, sign-ins not counted), "continues" (False when this store's trail does
    not continue the backup's: the counts are then of the whole trail past the backup's
    length and may be rough), and "records" {kind: [now, in backup]} where they differ."""
    head = backup.last_audit()
    seq = head[0] if head else 0
    continues = head is None or current.audit_mac_at(seq) == head[1]
    made: dict[str, set] = {"create": set(), "update": set(), "delete": set()}
    other, entries = set(), set()
    for entry, action, record in current.audit_records_since(seq):
        entries.add(entry)
        if action in made and record:
            made[action].add(record)
        else:
            other.add(entry)
    created = made["create"]
    changed = made["update"] - created
    deleted = made["delete"]
    now, then = _counts(current), _counts(backup)
    return {"created": len(created), "changed": len(changed - deleted), "deleted": len(deleted),
            "other": len(other), "entries": len(entries), "continues": continues,
            "records": {k: [now[k], then.get(k, 0)] for k in now if now[k] != then.get(k, 0)}}


def _open_staged(backup_file: Path, stage: Path, username: str, password: str, current_id: str | None,
                 allow_other_store: bool, how: BackupTrust):
    """Extract a backup into `stage`, check its signature (`how`), open it with the
    user's password there and check it: (manifest, key file, Unlocked, open Store).
    Closes the store when a check fails."""
    manifest = _extract(backup_file, stage)
    db = stage / DB_MEMBER
    kf = KeyFile.load(db)
    manifest["signature_checked"] = check_signature(backup_file, manifest, how, kf)
    try:
        unlocked = kf.unlock_keys(username, password)
    except WrongPassword:
        raise WrongPassword(f"that password does not open {backup_file.name} for {username}: it needs "
                            f"{username}'s password from when the backup was made") from None
    key = unlocked.data_key
    restored = Store.open(db, key)
    try:
        if restored.integrity_check() != "ok" or _counts(restored) != manifest.get("counts"):
            raise StoreError(f"{backup_file.name} failed its checks; nothing was restored")
        backup_id = restored.get_meta("store_id")
        if backup_id != kf.store_id or manifest.get("store_id") != backup_id:
            raise StoreError(f"{backup_file.name} does not hold one store (its store ids disagree); "
                             "nothing was restored")
        if current_id is not None and backup_id != current_id and not allow_other_store:
            raise StoreError(f"{backup_file.name} is a backup of another store, not this one; nothing was "
                             "restored (to replace this store with it anyway, add --other-store)")
        user = restored.fetch_user(username)
        if not user or user["role"] != "admin" or user.get("disabled"):
            raise StoreError("you are not an administrator in that backup; nothing was restored")
        signer = (manifest.get("signature_checked") or {}).get("signed_by")
        if how.admins is None and signer is not None and (restored.fetch_user(signer) or {}).get("role") != "admin":
            raise BackupSignature(f"{backup_file.name} is signed by {signer[:40]}, who is not an administrator "
                                  "in it; nothing was restored")
    except BaseException:
        restored.close()
        raise
    return manifest, kf, unlocked, restored


def _stage(backup_file: Path, stage: Path, username: str, password: str, current_id: str | None,
           allow_other_store: bool, how: BackupTrust, live_users: list[dict] | None = None,
           seqs_used: dict[str, int] | None = None, erased: list[str] | None = None,
           suppressed: dict | None = None) -> dict:
    """Extract and check a backup into `stage`, and audit the restore inside it. With
    `live_users` (the store's users now), the manifest returned also holds
    `access_changes` ("access_lost", "roles_changed"). `seqs_used` (the replaced store's
    `Store.seqs_used`) are kept in the restored one: the ids given after the backup was
    made are never given again. `erased` (the customers the replaced store's trail says
    were erased) are erased again in the restored store when the backup still holds
    them: a restore never brings back a person someone erased (listed in the manifest
    returned under "erased_again"), and the replaced store's suppression list
    (`suppressed`) is kept (customers carried over under "still_refused")."""
    manifest, kf, unlocked, restored = _open_staged(backup_file, stage, username, password, current_id,
                                                    allow_other_store, how)
    db, key = stage / DB_MEMBER, unlocked.data_key
    try:
        backup_id = restored.get_meta("store_id")
        if live_users is not None:
            manifest.update(access_changes(live_users, restored.fetch_users()))
        # Signed with the admin's key as the backup holds it; its head is what this OS
        # account pins from now on (the trail deliberately goes back to the backup's).
        restored_session = Session(db, restored, username, "admin", key, signing_key=unlocked.signing_key)
        restored_session.pin_heads = False      # pinned below, with the backup's keys
        restored_session.pin_own_head = False
        with restored_session.unit_of_work() as uow:
            restored_session.audit([AuditEvent(utcnow(), username, "restore", None, backup_file.name, None,
                                               {"replaced_store_id": [None, current_id]})])
            restored.new_change_epoch()     # caches of the replaced store's records reload
            for kind, seq in (seqs_used or {}).items():
                restored.keep_seq_used(kind, seq)
            uow.commit()
        manifest["erased_again"] = _erase_again(restored_session, erased or [])
        # The replaced store's suppression list (`suppressed`: suppression.snapshot) stays.
        if carried := suppression.carry_over(restored_session, suppressed):
            manifest["still_refused"] = carried
        # The users' keys pinned from now on are the backup's: users added after it was
        # made are gone from it (access_changes), and must not be missed by `audit verify`.
        # Pinned by `_swap` once its journal says the swap will happen: a restore refused
        # or interrupted before that must leave this OS account's pin of the store alone
        # (it had made every later command report a cut trail on the intact store).
        manifest[_PIN] = (backup_id, restored.last_audit(),
                          {u: trust.fingerprint(kf.signing_public(u)) for u in kf.usernames()},
                          restored.get_meta("signed_from"))
        restored.checkpoint()
        manifest["store_id"] = backup_id
    finally:
        restored.close()
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    return manifest


_PIN = "_pin"      # the manifest's entry _stage leaves for _swap (never shown)


def _erase_again(session: Session, erased: list[str]) -> list[str]:
    """Erase, in the store being restored, the customers erased after the backup was
    made (its trail has no `gdpr.erase` of them but still holds them); their ids."""
    from .gdpr import erase_in_store

    store, again = session.store, []
    done = set(store.erased_customers())
    for cid in erased:
        if cid in done:
            continue
        if erase_in_store(session, cid) is not None:
            again.append(cid)
    return again


# ----- the swap: journalled so that a crash part way is finished at the next sign-in -----

def _swap(store_path: Path, stage: Path, pin: tuple | None = None) -> None:
    """Put the staged database and key file in place of the store's.

    A journal beside the store names the stage first; every step after it is redone by
    `finish_interrupted_restore` if the process dies, so the store is never left as a
    database without its key file or the other way round. `pin` (trust.save_pin's
    arguments: the restored store's head and users' keys) is pinned on this OS account
    once the journal is written, so that a restore that never reaches it leaves the
    store's pin as it was.
    """
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    journal = restore_journal_path(store_path)
    write_private(journal, json.dumps({"stage": stage.name, "stamp": stamp}).encode())
    if pin is not None:
        with contextlib.suppress(OSError):
            trust.save_pin(*pin, store_path)
    crash_point("restore.journal-saved")
    _roll_forward(store_path, stage, stamp)
    journal.unlink()
    crash_point("restore.done")


def _roll_forward(store_path: Path, stage: Path, stamp: str) -> None:
    pairs = [(stage / DB_MEMBER, store_path), (stage / KEYS_MEMBER, keyfile_path(store_path))]
    # The replaced files move aside first, both of them, then the new ones come in.
    for src, dst in pairs:
        if src.exists() and dst.exists():
            aside = dst.with_name(f"{dst.name}.before-restore-{stamp}")
            if not aside.exists():
                os.replace(dst, aside)
    for extra in ("-wal", "-shm", "-journal"):
        if (stage / DB_MEMBER).exists():
            Path(str(store_path) + extra).unlink(missing_ok=True)
    crash_point("restore.old-moved-aside")
    for src, dst in pairs:
        if src.exists():
            # The store put back keeps the mode and group of the one it replaces (now aside).
            aside = dst.with_name(f"{dst.name}.before-restore-{stamp}")
            keep_mode(aside if aside.exists() else None, src)
            os.replace(src, dst)
            crash_point(f"restore.placed-{'keys' if dst.suffix == '.keys' else 'database'}")


def finish_interrupted_restore(store_path: str | os.PathLike) -> bool:
    """Finish a restore whose process died during the swap; True if there was one.

    Call with the store's lock held (sign-in does). The staged files were complete and
    checked before the journal was written, so finishing means moving them in.
    """
    store_path = Path(store_path)
    journal = restore_journal_path(store_path)
    try:
        doc = json.loads(journal.read_text(encoding="utf-8"))
        stage = store_path.parent / doc["stage"]
        stamp = str(doc["stamp"])
    except FileNotFoundError:
        sweep(store_path.parent, "restore", dirs=True)   # stages of restores killed before their swap
        return False
    except (ValueError, KeyError, TypeError):
        raise StoreError(f"{journal.name} (an unfinished restore) is damaged; restore the backup again") from None
    if stage.parent != store_path.parent or not stage.name.startswith(".cims-restore-"):
        raise StoreError(f"{journal.name} (an unfinished restore) is damaged; restore the backup again")
    _roll_forward(store_path, stage, stamp)
    journal.unlink()
    shutil.rmtree(stage, ignore_errors=True)
    return True
