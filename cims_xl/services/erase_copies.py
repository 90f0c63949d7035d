"""GDPR erase in the copies of the store the product made: backups (in the store's
backup folder, and wherever else the audit trail says `backup --dir` wrote one) and the
`*.before-restore-*` files a restore leaves beside the store; and the names of the files
it exported that may hold the person (gdpr export, report workbooks).

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

import datetime as dt

import json
import zipfile
from pathlib import Path
from typing import NamedTuple

from ..crashpoints import crash_point
from ..errors import CimsError, StoreError
from ..scratch import replace_keeping_mode, scratch_dir, sweep
from ..security.ledger import UNSIGNED_WHY
from ..store.db import Store
from . import backup as bk
from .leftovers import sweep_copy_leftovers
from .session import Session


def erase_copies(session: Session, cid: str) -> dict[str, list[str]]:
    """Erase customer `cid` in every copy the product controls.

    Returns {"copies_erased": [file names], "copies_not_reached": ["name (reason)"],
    "copies_unsigned": ["name (reason)"], "exports_not_reached": ["path (what, who, when)"],
    "workbooks_to_refresh": [workbooks cims synced that are still there: they hold the
    person until their next Refresh], "leftovers_removed": [partly written workbooks], "copies_removed": [the partly written
    copies of the store killed processes left, removed (services.leftovers)]}:
    "copies_unsigned" are erased, but the erase in them could not be signed (see the
    module's docstring); "exports_not_reached" are files cims wrote that may hold the
    person and cannot be changed (a gdpr export, a report workbook).
    """
    session.ensure("admin", "customer", record_id=cid)
    erased: list[str] = []
    missed: list[str] = []
    unsigned: list[str] = []
    folder = bk.default_backup_dir(session.store_path)
    # This store's backups only (named "<store>-<time>.cimsbak", as backup() writes them).
    copies = sorted(folder.glob(f"{session.store_path.stem}-*{bk.SUFFIX}")) if folder.is_dir() else []
    # And every backup the audit trail says cims wrote elsewhere (`backup --dir`) since
    # the customer was added; those it cannot find are named with where and when.
    elsewhere, lost, exports = _known_copies(session, cid, copies)
    # What backups, erases and restores killed part way left (a whole encrypted copy of
    # the store in their scratch folders, maybe still holding the person): removed, and
    # named below when they cannot be (services.leftovers).
    swept, stuck = sweep_copy_leftovers(session.store_path, {p.parent for p in elsewhere})
    missed.extend(stuck)
    copies += elsewhere
    missed.extend(lost)
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
    removed, left = _workbook_leftovers(session)
    missed.extend(left)
    return {"copies_erased": erased, "copies_not_reached": missed, "copies_unsigned": unsigned,
            "exports_not_reached": exports, "workbooks_to_refresh": synced_workbooks(session, _first_written(session, cid)),
            "leftovers_removed": removed,
            "copies_removed": [str(p) for p in swept if p.is_absolute() and not p.name.startswith(".cims-rows-")
                               and not p.name.startswith(".cims-sst-")]}


# The audit action `cims sync` writes once per workbook path before its first write
# (excel.sync): where erase looks for partly written copies.
WORKBOOK_FILE_ACTION = "workbook.file"


# A file's modification time may be rounded (FAT: 2 s): a workbook written this close
# before a person was first written is still taken to hold them.
_MTIME_SLACK = 2.0


def synced_workbooks(session: Session, since: str | None = None) -> list[str]:
    """The workbooks `cims sync` wrote (the audit trail's `workbook.file` paths) that are
    still where it wrote them, each once (a path recorded as given and resolved is one
    workbook): they may still hold an erased person until their next Refresh. With
    `since` (the audit time the person was first written), only those changed since
    then: a workbook last written (refreshed, saved, edited) before the person was in
    the store cannot hold their rows, and naming it would teach people to ignore the list."""
    floor = None
    if since:
        try:
            floor = dt.datetime.fromisoformat(since.replace("Z", "+00:00")).timestamp() - _MTIME_SLACK
        except ValueError:
            floor = None        # an unreadable time: every workbook is named, as before
    seen: dict[Path, str] = {}
    for row in session.store.iter_audit_actions((WORKBOOK_FILE_ACTION,)):
        path = (json.loads(row[7] or "{}").get("path") or [None, None])[1]
        if not path:
            continue
        try:
            real = Path(path).resolve()
            there = real.is_file() and (floor is None or real.stat().st_mtime >= floor)
        except OSError:
            continue
        if there:
            seen.setdefault(real, path)
    return sorted(seen.values())


def _first_written(session: Session, cid: str) -> str | None:
    """The audit time of the first entry about `cid` or a customer merged into it (whose
    rows are its own now, as are those of one merged into that one …), None when the
    trail has none."""
    from .merge import merge_edges

    edges = merge_edges(session)
    ids = {cid}
    while more := {old for old, kept in edges.items() if kept in ids} - ids:
        ids |= more
    times = [row[1] for rid in ids for row in session.store.iter_audit(entity_id=rid, limit=1)]
    return min(times) if times else None


def _workbook_leftovers(session: Session) -> tuple[list[str], list[str]]:
    """The partly written workbook copies (`.cims-save-<pid>-…`, 0600) that a sync or a
    report write killed part way left beside a workbook: removed from the folder of every
    workbook and report file the audit trail says cims wrote (`workbook.file`,
    `report.file`). Returns (paths removed, "path (why not)" for those another OS account
    owns, which only that account or an administrator of the computer can remove)."""
    from ..reports.refresh import REPORT_FILE_ACTION
    from ..scratch import _NAME, owned_by_me, pid_alive

    # folder -> the suffixes of the workbooks written there (a save's scratch has its workbook's)
    folders: dict[Path, set[str]] = {}
    for row in session.store.iter_audit_actions((WORKBOOK_FILE_ACTION, REPORT_FILE_ACTION)):
        path = (json.loads(row[7] or "{}").get("path") or [None, None])[1]
        if path:
            for where in dict.fromkeys((Path(path), Path(path).resolve())):
                folders.setdefault(where.parent, set()).add(where.suffix)
    removed: list[str] = []
    left: list[str] = []
    for folder, suffixes in sorted(folders.items()):
        removed += [str(p) for p in sweep(folder, "save", tuple(sorted(suffixes)))]
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            m = _NAME.match(entry.name)
            if (m and m["purpose"] == "save" and entry.suffix in suffixes and entry.is_file()
                    and not pid_alive(int(m["pid"])) and not owned_by_me(entry)):
                left.append(f"{entry} (a partly written workbook another OS account's cims left; that "
                            "account can delete it)")
    return removed, left


# What a backup cims cannot find any more still holds, said with it (`gdpr erase`).
_MOVED = ("if it was moved or copied, that copy still holds the customer: restoring it over this store "
          "erases them again, restoring it to another store path does not; delete it")


def _known_copies(session: Session, cid: str, found: list[Path]) -> tuple[list[Path], list[str], list[str]]:
    """(backups cims wrote outside `found` that are still where it wrote them, the
    backups it wrote that are not there any more, the files it exported that may hold
    `cid`), from the audit trail: every `backup` entry since `cid` was first written
    (its "path"; an older version recorded only the file name), less those cims deleted
    itself (`backup.removed`), every `gdpr export` of `cid` to a file and every report
    workbook written to a file (`report.file`) since then. The last two cims cannot
    reach: they are named with where and when, to be deleted by hand."""
    from ..reports.refresh import REPORT_FILE_ACTION

    store = session.store
    # A contact person erased alone: an export of their customer holds them too.
    theirs = {cid}
    if cid.upper().startswith("P-"):
        from ..domain.schema import ENTITIES

        contact = store.fetch_record(ENTITIES["contact"], cid, include_deleted=True)
        if contact and contact.get("customer_id"):
            theirs.add(contact["customer_id"])
    first = next(store.iter_audit(entity_id=cid, limit=1), None)
    since = first[0] if first else 0
    names = {p.name for p in found}
    removed: set[str] = set()
    written: list[tuple[str, str, str, str | None]] = []      # (at, actor, file name, path)
    exports: list[str] = []
    for seq, at, actor, action, _e, eid, _b, changes, _d, _p, _m in store.iter_audit_actions(
            (bk.BACKUP_ACTION, bk.BACKUP_REMOVED_ACTION, "export", REPORT_FILE_ACTION)):
        values = json.loads(changes or "{}")
        after = {k: v[1] for k, v in values.items() if isinstance(v, list) and len(v) == 2}
        when = _when(at)
        if action == bk.BACKUP_REMOVED_ACTION:
            removed.update(after.get("paths") or [])
        elif seq < since:
            continue
        elif action == bk.BACKUP_ACTION:
            written.append((when, actor, eid or "", after.get("path")))
        elif action == "export" and eid in theirs and after.get("path"):
            exports.append(f"{after['path']} (gdpr export of {eid} by {actor}, {when}): delete it")
        elif action == REPORT_FILE_ACTION and after.get("path"):
            exports.append(f"{after['path']} (report workbook by {actor}, {when}: its customer names may "
                           "include this one): delete it or write it again")
    found_paths = {str(p.resolve()) for p in found}
    there: list[Path] = []
    lost: list[str] = []
    for when, actor, name, path in written:
        if path is None:            # written by a version that kept only the name
            if name not in names:
                lost.append(f"{name} (backup by {actor}, {when}, to a folder that version of cims did not "
                            f"record, or deleted since; {_MOVED})")
        elif path in removed or path in found_paths:
            continue
        elif Path(path).is_file():
            there.append(Path(path))
        else:
            lost.append(f"{name} (backup by {actor}, {when}, to {Path(path).parent}; not there any more: "
                        f"{_MOVED})")
    return sorted(set(there)), lost, exports


def _when(at: str) -> str:
    """An audit time as 'YYYY-MM-DD HH:MM UTC'."""
    return at[:16].replace("T", " ") + " UTC"


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
    # Unpacked in cims's own scratch shape (`.cims-erase-<pid>-…`, 0700): a process killed
    # here leaves a copy still holding the person, which the next erase, backup or sign-in
    # removes (services.leftovers).
    with scratch_dir(path.parent, "erase") as into:
        try:
            manifest = bk._extract(path, into)
        except StoreError as exc:
            raise _Unreachable(exc.message) from None
        crash_point("erase.backup-unpacked")
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
