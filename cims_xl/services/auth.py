"""Creating a store, signing in, users, passwords, second factor, rekey."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import logging
import os
import time
import unicodedata
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from ..crashpoints import crash_point
from ..domain.models import validate_role, validate_username
from ..errors import (AccountDisabled, AccountLocked, CimsError, NotFound, SignInNotRecorded, StoreError,
                      ValidationFailed, WrongPassword)
from ..domain.money import FALLBACK_CURRENCY, require_currency
from ..security import known_stores, ledger, trust
from ..security.audit import AuditEvent
from ..security.keys import KeyFile, keyfile_path, lock_delay, subkey, FREE_ATTEMPTS, MAX_DELAY
from ..security.passwords import check_password
from ..store.db import Store, utcnow
from .backup import finish_interrupted_restore
from .session import DEFAULT_IDLE_TIMEOUT, Session

_log = logging.getLogger("cims_xl.auth")

TOTP_ISSUER = "cims_xl"
TOTP_STEP = 30


def _harden(path: Path) -> None:
    for p in (path, keyfile_path(path)):
        if p.exists():
            os.chmod(p, 0o600)


def init_store(path: str | os.PathLike, admin: str, password: str, *, kdf: dict | None = None,
               display_name: str | None = None, currency: str | None = None) -> None:
    """Create a new encrypted store with its first administrator.

    currency: the store's currency (ISO 4217, default CNY; see services.settings);
    ValidationFailed names the nearest codes for one that is not.
    """
    from .settings import CURRENCY_KEY
    path = Path(path)
    admin = validate_username(admin)
    check_password(password, admin)
    currency = require_currency(currency if currency is not None else FALLBACK_CURRENCY, "--currency")
    if path.exists():
        raise StoreError(f"{path} already exists; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    data_key = os.urandom(32)
    kf = KeyFile.create(path)
    signing = kf.set_slot(admin, password, data_key, kdf)
    store = Store.open(path, data_key, create=True)
    try:
        now = utcnow()
        with store.transaction():
            store.set_meta("store_id", kf.store_id)
            # The audit MAC key is derived from the data key at creation and kept inside
            # the encrypted store, so rekey does not invalidate old entries.
            store.set_meta("audit_key", subkey(data_key, "audit").hex())
            store.set_meta(CURRENCY_KEY, currency)
            store.insert_user({"username": admin, "display_name": display_name or admin, "role": "admin",
                               "disabled": False, "totp_secret": None, "created_at": now,
                               "created_by": admin})
        session = Session(path, store, admin, "admin", data_key, signing_key=signing, store_id=kf.store_id)
        with session.unit_of_work() as uow:
            store.set_meta(f"sign_key:{admin}", kf.signing_public(admin))
            # The first administrator's key, signed by itself: the root of trust (security.ledger).
            session.audit([AuditEvent(now, admin, "init", None, None, None, {"store_id": [None, kf.store_id],
                                                                              "currency": [None, currency]}),
                           AuditEvent(now, admin, "user.create", "user", admin, None,
                                      {"role": [None, "admin"], "display_name": [None, display_name or admin],
                                       **_key_changes(kf, admin, None, None)})])
            uow.commit()
        kf.seal_mac(data_key)
        kf.save()
    finally:
        store.close()
    _harden(path)
    known_stores.remember(path)


def _verify_totp(secret_b32: str, code: str | None, at: float) -> int | None:
    """The accepted time step, or None. One step of clock drift either way is allowed."""
    if not code:
        return None
    # full-width digits from an East Asian input method are the same digits (NFKC)
    code = "".join(ch for ch in unicodedata.normalize("NFKC", str(code)) if not ch.isspace())
    if not (code.isascii() and code.isdigit()):
        return None
    totp = TOTP(base64.b32decode(secret_b32), 6, SHA1(), TOTP_STEP, enforce_key_length=False)
    step = int(at // TOTP_STEP)
    for delta in (0, -1, 1):
        try:
            totp.verify(code.encode(), (step + delta) * TOTP_STEP)
            return step + delta
        except InvalidToken:
            continue
    return None


def _still_judged(judged, path: Path) -> None:
    """Refuse when the store file is no longer the one the workbook's Store cell was judged by."""
    if judged is not None and not known_stores.still_the_judged_file(judged, path):
        raise StoreError(f"the store {judged.resolved or judged.path} changed (a link was re-pointed or the "
                         "file replaced) between the check and the sign-in; nothing was signed in or "
                         "remembered. Sign in again, and if it repeats, check that folder")


def sign_in(path: str | os.PathLike, username: str, password: str,
            otp: str | Callable[[], str | None] | None = None, *,
            idle_timeout: float = DEFAULT_IDLE_TIMEOUT, now: float | None = None,
            judged=None) -> Session:
    """Derive + unwrap the data key, open the store, check the second factor.

    `judged`: the `known_stores.Verdict` that let a workbook's Store cell name this store;
    `path` must then be the file it resolved, and the file opened must still be that file
    (same st_dev/st_ino), checked after opening and again before it is remembered.

    `otp` is the one-time code, or a function that asks for it: it is called only when
    the user has two-step sign-in, after the password proved right, and without the key
    file locked (a person may take a while to type it). A code that is wrong, missing
    or not given counts as a failed attempt, like a wrong password.
    """
    path = Path(path)
    username = (username or "").strip().lower()
    clock = (lambda: now) if now is not None else time.time
    _still_judged(judged, path)
    store = None
    try:
        with KeyFile.locked(path, settle=finish_interrupted_restore) as kf:
            state = _not_locked_out(kf, username, clock())
            with _counting_failures(kf, username, state, clock()) as attempt:
                unlocked = kf.unlock_keys(username, password)
                attempt.right = True
                store, data_key = _open_finishing_rekey(kf, path, unlocked.data_key, unlocked.pending)
                _still_judged(judged, path)
                if not kf.mac_ok(data_key):
                    raise StoreError(f"{kf.path.name} was changed outside cims (its slots do not match "
                                     "the store); restore it from a backup")
                row = store.fetch_user(username)
                mine = (None if unlocked.signing_key is None else
                        base64.b64encode(unlocked.signing_key.public_key().public_bytes_raw()).decode("ascii"))
                user, outside = _as_the_trail_has_it(store, row or {"username": username, "role": None,
                                                                    NO_ROW: True}, kf.store_id, mine)
                user.pop(NO_ROW, None)
                replaced = bool(user.pop(SLOT_REPLACED, False))
                if row is None:
                    if not user.get("role"):
                        raise WrongPassword("wrong user name or password")
                    outside.append("your row in the list of users was removed; the trail's was used")
                if user.get("disabled"):    # the password was right: saying so reveals nothing
                    raise AccountDisabled(f"the account {username} is disabled; an administrator can "
                                          f"enable it again (cims user enable {username})")
                signing = unlocked.signing_key
                rewrap = not unlocked.normalised   # a slot from before NFKC passwords: wrap it normalised
                if rewrap:
                    kf.rewrap_normalised(username, password, unlocked)
                if signing is None:   # a slot from before signed trails: enrol (same scrypt)
                    signing = kf.enrol_signing_key(username, unlocked.kek)
                if rewrap or unlocked.signing_key is None:
                    kf.seal_mac(data_key)
                    kf.save()
                slot_public = kf.slot_public(username)
                needs_code = bool(user.get("totp_secret"))
                if needs_code and not callable(otp):
                    _check_code(store, username, user["totp_secret"], otp, clock())
                    needs_code = False
                # the attempt was counted before the password was tested: a right one is
                # taken back (all of it, or back to where it was while the code is asked for)
                _reset_failures(kf, username, state, back_to=None if not needs_code else state)
        if needs_code:   # the password was right; ask for the code with the key file free
            try:
                code, gave_up = otp(), False   # type: ignore[operator]
            except Exception:   # a closed prompt: still an attempt, counted below
                code, gave_up = None, True
            with KeyFile.locked(path) as kf:
                state = _not_locked_out(kf, username, clock())
                with _counting_failures(kf, username, state, clock()) as attempt:
                    if gave_up:
                        raise WrongPassword("no one-time code was given")
                    _check_code(store, username, user["totp_secret"], code, clock())
                    attempt.right = True
                    _reset_failures(kf, username, state)
    except BaseException:
        if store is not None:
            store.close()
        raise
    previous_failures = int(state.get("since_success", 0))
    try:
        session = Session(path, store, username, user["role"], data_key, idle_timeout=idle_timeout,
                          signing_key=signing, store_id=kf.store_id)
    except BaseException:
        store.close()
        raise
    # Before anything is written: does the trail still hold the head this OS account
    # pinned? If not, heads are no longer pinned here and `audit verify` names it.
    session.trust_problem, session.trust_kind = _pinned_head_problem(
        store, kf.store_id, path, admin=user.get("role") == "admin")
    session.pin_heads = session.trust_problem is None
    # Beside a copy, this file's own newest entry is still kept, so a later cut or
    # rewrite of this file is named as one.
    session.pin_own_head = session.trust_kind == "copy"
    if outside:
        session.account_problem = (f"your account was changed outside cims ({', '.join(outside)}); that "
                                   "change was ignored: an administrator should run `cims audit verify`")
        _log.warning("sign-in of %s ignored a change to the account made outside cims (%s)",
                     username, ", ".join(outside))
    now = utcnow()
    events = []
    if store.get_meta("signed_from") is None and store.last_audit() is not None:
        # A store from before signed trails: the users as they stand are its baseline.
        events.append(AuditEvent(now, username, "trust.baseline", "user", None, None, {"users": [None, {
            u["username"]: {"role": u["role"], "disabled": u["disabled"]} for u in store.fetch_users()}]}))
    public = session.signing_public
    # A slot judged replaced outside cims (_as_the_trail_has_it) records nothing of its
    # keys: an entry naming them would read as the user replacing her own key, when the
    # key file was changed outside cims (`audit verify` names that).
    new_key = not replaced and store.get_meta(f"sign_key:{username}") != public
    if new_key:
        events.append(AuditEvent(now, username, "user.key", "user", username, None,
                                 {"sign_key": [None, public], "slot_key": [None, slot_public]}))
    events.append(AuditEvent(now, username, "sign-in", "user", username, None,
                             {"failed_attempts_before": [None, previous_failures]}))
    with session.unit_of_work() as uow:
        if new_key:
            store.set_meta(f"sign_key:{username}", public)
        session.audit(events)
        uow.commit()
    # This OS account signed in to this store by a path it chose (a workbook's Store cell
    # is taken only once known_stores accepts it): Excel's Sign in may open it from now on.
    # Only the file that was judged and opened is remembered.
    try:
        _still_judged(judged, path)
    except BaseException:
        session.close()
        raise
    known_stores.remember(path)
    # Copies of the store that killed backups, erases and restores left, and killed
    # imports' scratch: removed (services.leftovers).
    from .leftovers import sweep_quietly

    sweep_quietly(path)
    return session


def _as_the_trail_has_it(store: Store, user: dict, store_id: str,
                         signing_public: str | None = None) -> tuple[dict, list[str]]:
    """The user's row with the security fields a change made outside cims put back as the
    signed audit trail has them, and what was put back ("role", "disabled", "second
    factor").

    Anyone with the data key can write the users table and append a chained audit
    entry (the audit key is shared): every administrator's row marked disabled, a role
    raised or taken away, a second-factor secret no app holds, or a forged
    `user.disable` entry would keep administrators out or let a salesperson in as one.
    So sign-in replays the trail's `user.*` entries as `audit verify` does, trusting
    only what their authors' signatures cover and what their authors may write
    (`security.ledger.signed_users`: only administrators create, disable and enable
    users and change roles), and ignores a row that differs. This never lets in someone
    cims turned away: a disable by cims also removes the user's key slot (a password then
    opens nothing), a role is never higher than the signed trail gives, and a second
    factor ignored is one the trail never enrolled. An entry no valid signature vouches
    for changes nothing. An account no signed entry created, or one whose sign-in slot
    holds a signing key other than the one the signed trail gave it (a slot replaced
    outside cims), signs in as a viewer. A user whose row was removed signs in as the
    trail has them.
    """
    with store.lenient_text():      # an entry's text that is not UTF-8 must not stop sign-in
        return _trail_fields(store, user, store_id, signing_public)


# The role of an account the signed trail does not vouch for (read only, no personal fields).
NO_TRUST_ROLE = "viewer"
NO_ROW = "_no_row"      # sign-in's mark on a user with no row in the users table
# sign-in's mark on a user whose slot holds a signing key the signed trail did not give her
# (replaced outside cims: an old key file put back, say). Nothing is recorded from that slot.
SLOT_REPLACED = "_slot_replaced"


def _signed_from(store: Store, store_id: str) -> int | None:
    """The first entry that must be signed: the earliest of what this OS account saw
    (trust pin), what the store says, and the first signature row (an insider can move
    any one of them later to pass her entries off as older than signatures, but not all;
    moving one earlier only asks more entries to be signed)."""
    candidates = []
    pin = trust.load_pin(store_id)
    for value in ((pin or {}).get("signed_from"), store.get_meta("signed_from"),
                  store.first_audit_sig()):
        if isinstance(value, bool):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            continue
        if number >= 1:
            candidates.append(number)
    return min(candidates) if candidates else None


def _trail_fields(store: Store, user: dict, store_id: str, signing_public: str | None) -> tuple[dict, list[str]]:
    name = user["username"]
    row_missing = bool(user.get(NO_ROW))
    out = dict(user)
    changed: list[str] = []
    try:
        key = bytes.fromhex(store.get_meta("audit_key"))
    except (TypeError, ValueError):
        return out, changed         # the session refuses to start (Session: audit key changed)
    signed_from = _signed_from(store, store_id)
    last = store.last_audit()
    found = ledger.signed_users(store_id, key, signed_from, store.iter_user_entries(), store.iter_audit_sigs(),
                                store.audit_rows, last[0] if last else None, store.audit_link)
    st = found.users.get(name)
    if st is not None and st.role is not None and bool(user.get("disabled")) != bool(st.disabled):
        out["disabled"] = bool(st.disabled)
        changed.append("disabled")
    if (st is not None and st.role is not None and signed_from is not None and st.sign and signing_public
            and st.sign != signing_public):
        # The password opened a slot whose signing key is not the one the signed trail
        # gave this user: the slot was replaced outside cims (another's password now
        # opens this account). It reads, and changes nothing.
        out["role"] = NO_TRUST_ROLE
        out[SLOT_REPLACED] = True
        changed.append("role: your sign-in slot holds a signing key the signed trail did not give you, so it "
                       f"signs in as a {NO_TRUST_ROLE}")
        return out, changed
    if st is None or st.role is None:
        if row_missing:
            return out, changed         # nobody the trail or the list of users knows
        if signed_from is not None and user.get("role") != NO_TRUST_ROLE:
            # No administrator's signed entry made this account (added outside cims, or the
            # signatures that did were stripped): it reads, as a viewer, and changes nothing.
            out["role"] = NO_TRUST_ROLE
            changed.append("role: no administrator's signed entry created this account, so it signs in "
                           f"as a {NO_TRUST_ROLE}")
        return out, changed         # else: a store from before signed trails that never named this user
    if st.role != user.get("role"):
        out["role"] = st.role
        changed.append("role")
    secret = user.get("totp_secret")
    if secret and st.totp is not None:      # None: the trail does not say (a store from before it did)
        wrong = (st.totp is not True or not isinstance(secret, str)
                 or (st.totp_digest is not None and st.totp_digest != ledger.totp_digest(key, secret)))
        if wrong:
            out["totp_secret"] = None
            changed.append("second factor")
    return out, changed


def _pinned_head_problem(store: Store, store_id: str, store_path: Path | None = None,
                         admin: bool = True) -> tuple[str | None, str | None]:
    """What is wrong with the trail compared with the head this OS account pinned, and its
    kind: (None, None), (text, "copy"), (text, "cut"), (text, "rewritten") or (text,
    "stripped"). `admin`: the text may tell to run `cims audit accept` (else: to ask an
    administrator to).

    The pin is kept per store id, which a copy of the store file shares: signing in to a
    copy moves the pin to the copy's entries, which the store never had. When the pinned
    head was written through another file (`trust.pinned_elsewhere`) and this file still
    holds the newest entry this account saw written to it (`trust.own_head`), that is the
    copy, said as such (never "cut" or "rewritten", however the two grow apart). When
    this file lost or changed an entry this account saw written to it, that is named as
    a cut or a rewrite of this file, as before."""
    pin = trust.load_pin(store_id)
    if pin is None:
        return None, None
    seq, mac = pin["head"]
    have = store.audit_mac_at(int(seq))
    hint = trust.copy_hint(admin)
    last = store.last_audit()
    end = last[0] if last else 0
    if have != mac and store_path is not None and trust.pinned_elsewhere(pin, store_path):
        own = trust.own_head(pin, store_path)
        if own is None or store.audit_mac_at(own[0]) == own[1]:
            return _copy_problem(seq, end, own, admin), "copy"
        seq, mac = own         # this file itself lost or changed what was written to it here
        have = store.audit_mac_at(int(seq))
        hint = (f" (a copy of this store file, with entries up to #{pin['head'][0]}, was also signed in to on "
                "this computer, but this file itself no longer holds what this computer saw written to it)")
    if have is None:
        return (f"the trail was cut: before this sign-in it ended at entry #{end}, but this computer "
                f"already saw entry #{seq}; entries #{end + 1}–#{seq} were removed "
                "(or an older copy of the store was put back)" + hint), "cut"
    if have != mac:
        return (f"entry #{seq} is not the one this computer saw: the trail was rewritten at or before #{seq}"
                f"{hint}"), "rewritten"
    if pin.get("signed_from") is not None and store.get_meta("signed_from") != pin["signed_from"]:
        return (f"signatures start at entry #{store.get_meta('signed_from')} in the store, but this computer "
                f"saw them start at #{pin['signed_from']} (signatures were stripped)"), "stripped"
    return None, None


def _copy_problem(pinned: int, end: int, own: tuple[int, str] | None, admin: bool) -> str:
    """The warning when the pinned head came from another store file of this store id."""
    accept = ("run `cims audit accept` here" if admin
              else "ask an administrator to run `cims audit accept` here")
    if own is not None:
        holds = (f"this file still holds every entry this computer saw written to it (up to #{own[0]}; "
                 f"it now ends at #{end}), so nothing was cut or rewritten here")
    else:
        holds = (f"this file ends at #{end} and this computer has not seen it written here before, so "
                 f"if there is no such copy, entries up to #{pinned} were removed from it")
    return (f"a copy of this store file (the same store id, at another path) was signed in to on this "
            f"computer, and its trail went on with entries this file does not have (up to #{pinned}); "
            f"{holds}. Keep using one of the two: if it is this one, {accept}, and stop using the copy")


def _key_changes(kf: KeyFile, username: str, old_sign: str | None, old_slot: str | None) -> dict:
    """The audit changes that record a user's (new) signing and key-slot public keys."""
    out = {}
    sign, slot = kf.signing_public(username), kf.slot_public(username)
    if sign != old_sign:
        out["sign_key"] = [old_sign, sign]
    if slot != old_slot:
        out["slot_key"] = [old_slot, slot]
    return out


def _open_finishing_rekey(kf: KeyFile, path: Path, current: bytes, pending: bytes | None) -> tuple[Store, bytes]:
    """Open the store; after a rekey that was cut short, settle which key it has.

    SQLCipher rekeys in one transaction, so the file opens with exactly one of the two
    keys. Try the current key first (opening it rolls back a half-done rekey); if it
    does not open, the rekey finished: the pending key becomes every user's key.

    A record that is not well formed (`KeyFile.pending_problem`: planted or damaged)
    is never used: when the current key opens the store it is dropped, with a warning
    in the log; when it does not, StoreError says to restore the key file.
    """
    if not kf.rekey_pending:
        return Store.open(path, current), current
    problem = kf.pending_problem()
    if problem is not None:
        try:
            store = Store.open(path, current)
        except StoreError:
            raise StoreError(f"{kf.path.name} holds a damaged record of an unfinished key change ({problem}) "
                             "and the store does not open with the current key; restore the key file "
                             "from a backup") from None
        _log.warning("%s held a damaged record of an unfinished key change (%s); it was dropped",
                     kf.path.name, problem)
        kf.abandon_rekey()
        kf.save()
        return store, current
    try:
        store = Store.open(path, current)
    except StoreError:
        if pending is None:
            raise
        store = Store.open(path, pending)
        kf.finish_rekey()
        kf.save()
        return store, pending
    kf.abandon_rekey()
    kf.save()
    return store, current


def _not_locked_out(kf: KeyFile, username: str, wall: float) -> dict:
    """The user's lockout state; AccountLocked while a delay runs.

    The lockout section is not MACed (KeyFile.lockout), so a lock is never longer than
    the longest the policy gives (MAX_DELAY, 1 hour) from now: a planted far-off date
    is cut to one hour from the first attempt that sees it (and saved so, else the hour
    would move on with the clock).
    """
    state = kf.lockout(username)
    until = state.get("locked_until")
    at = dt.datetime.fromtimestamp(wall, dt.timezone.utc)
    if until is not None and until > at + MAX_DELAY:
        until = at + MAX_DELAY
        state = {**state, "locked_until": until}
        kf.set_lockout(username, state)
        _save_or_refuse(kf)
    if until is not None and at < until:
        wait = until - at
        raise AccountLocked(f"too many failed sign-ins for {username}; try again in "
                            f"{max(1, int(wait.total_seconds()))} seconds")
    return state


def check_not_locked(path: str | os.PathLike, username: str, *, now: float | None = None) -> None:
    """Raise AccountLocked when `username` may not sign in yet, before a password is asked for.

    `sign_in` refuses a locked account before it looks at the password, so saying so
    first tells nobody more than a wrong password would, and spares the person typing
    one for nothing. Reads the key file without its lock and writes nothing; a store or
    key file that cannot be read is left for `sign_in` to name (it may finish a restore).
    """
    try:
        kf = KeyFile.load(path)
    except (CimsError, OSError):
        return
    username = (username or "").strip().lower()
    until = kf.lockout(username).get("locked_until")
    at = dt.datetime.fromtimestamp(now if now is not None else time.time(), dt.timezone.utc)
    if until is not None and at < until:
        wait = min(until - at, MAX_DELAY)
        raise AccountLocked(f"too many failed sign-ins for {username}; try again in "
                            f"{max(1, int(wait.total_seconds()))} seconds")


class _Attempt:
    right = False     # set once the password (or code) proved right


def _save_or_refuse(kf: KeyFile) -> None:
    """Save the key file's lockout section, or refuse the sign-in (SignInNotRecorded).

    The count of failed sign-ins is a security control: when it cannot be recorded
    (full disk, read-only folder) sign-in fails CLOSED, with one message whatever the
    password was, so that neither the delay nor the count can be skipped and the error
    tells nobody whether a password was right."""
    try:
        kf.save(point="keys.lockout-written")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SignInNotRecorded(
            f"sign-in refused: the count of failed sign-ins could not be saved in {kf.path.parent} "
            f"({reason}), and cims does not check a password it cannot count. Nothing was "
            "signed in or changed. Free some space (or make the folder writable) and sign in "
            "again") from None


@contextlib.contextmanager
def _counting_failures(kf: KeyFile, username: str, state: dict, wall: float):
    """Count the attempt as failed, with its delay, and SAVE that before the password or
    code inside is tested (refused with SignInNotRecorded when it cannot be saved). A
    WrongPassword inside then needs no further write. The caller marks the attempt right
    (`attempt.right = True`) once it is, and takes the count back (`_reset_failures`)."""
    failed = state["failed"] + 1
    delay = lock_delay(failed)
    at = dt.datetime.fromtimestamp(wall, dt.timezone.utc)
    kf.set_lockout(username, {"failed": failed,
                              "since_success": state["since_success"] + 1,
                              "locked_until": (at + delay) if delay else None})
    _save_or_refuse(kf)
    attempt = _Attempt()
    try:
        yield attempt
    except WrongPassword as exc:
        left = FREE_ATTEMPTS - failed
        hint = (f" ({left} attempt{'s' if left != 1 else ''} left before a delay)" if left > 0
                else f"; sign-in is locked for {int(delay.total_seconds())} seconds" if delay else "")
        raise WrongPassword(exc.message + hint) from None
    except Exception:
        # Not a wrong password: a damaged key file, a disabled account, a store that could
        # not be opened. The count is taken back if it can be (if not, it stays: failing
        # closed). An interrupt (Ctrl-C, a kill) keeps it: the guess may have been tested.
        try:
            kf.set_lockout(username, state)
            kf.save()
        except OSError:
            pass
        raise


def _check_code(store: Store, username: str, secret: str, code: str | None, wall: float) -> None:
    step = _verify_totp(secret, code, wall)
    last = store.get_meta(f"totp_step:{username}", -1)
    if isinstance(last, bool) or not isinstance(last, int) or last > int(wall // TOTP_STEP) + 1:
        # Not a step cims stored (a used code is at most one step ahead of the clock): a
        # value written outside cims must not lock the user out of their second factor.
        last = -1
    if step is None or step <= last:
        raise WrongPassword("the one-time code is wrong or missing" if step is None
                            else "that one-time code was already used; wait for the next one")
    with store.transaction():
        store.set_meta(f"totp_step:{username}", step)


def _reset_failures(kf: KeyFile, username: str, state: dict, *, back_to: dict | None = None) -> None:
    """Take back the attempt `_counting_failures` counted: to no failures, or `back_to`
    (the state before it, while a second factor is still to be checked)."""
    kf.set_lockout(username, back_to if back_to is not None else
                   {"failed": 0, "since_success": 0, "locked_until": None})
    _save_or_refuse(kf)


def sign_out(session: Session) -> None:
    if session.is_open:
        with session.unit_of_work() as uow:
            session.audit([AuditEvent(utcnow(), session.username, "sign-out", "user", session.username)])
            uow.commit()
    session.close()


# ----- users --------------------------------------------------------------------------

def check_user_addable(session: Session, username: str, role: str) -> tuple[str, str]:
    """What `add_user` refuses before a password is looked at, found before the new user's
    password is asked for: PermissionDenied (not an administrator), ValidationFailed (a
    name or role cims does not take, a user of that name). Returns (username, role)."""
    session.ensure("admin", record_id=username)
    username = validate_username(username)
    role = validate_role(role)
    if session.store.fetch_user(username):
        raise ValidationFailed({"User": f"{username} already exists"})
    return username, role


def check_enableable(session: Session, username: str) -> str:
    """What `enable_user` refuses before a password is looked at (not an administrator,
    no such user, not disabled), found before the new password is asked for; the name."""
    session.ensure("admin", record_id=username)
    user = _user_or_404(session, username)
    if not user["disabled"]:
        raise ValidationFailed({"User": f"{user['username']} is not disabled"})
    return user["username"]


def check_password_changeable(session: Session, username: str) -> str:
    """What `change_password` refuses before a password is looked at (someone else's
    without being an administrator, no such user, disabled), found before the new
    password is asked for; the name."""
    username = _self_or_admin(session, username)
    user = _user_or_404(session, username)
    if user["disabled"]:
        raise ValidationFailed({"User": f"{username} is disabled"})
    return username


def add_user(session: Session, username: str, role: str, password: str, *, kdf: dict | None = None,
             display_name: str | None = None) -> dict:
    username, role = check_user_addable(session, username, role)
    check_password(password, username)
    with KeyFile.locked(session.store_path) as kf:
        if kf.has_slot(username) or session.store.fetch_user(username):
            raise ValidationFailed({"User": f"{username} already exists"})
        now = utcnow()
        with session.unit_of_work() as uow:
            session.store.insert_user({"username": username, "display_name": display_name or username,
                                       "role": role, "disabled": False, "totp_secret": None,
                                       "created_at": now, "created_by": session.username})
            kf.set_slot(username, password, session.data_key, kdf)
            session.store.set_meta(f"sign_key:{username}", kf.signing_public(username))
            session.audit([AuditEvent(now, session.username, "user.create", "user", username, None,
                                      {"role": [None, role], "display_name": [None, display_name or username],
                                       **_key_changes(kf, username, None, None)})])
            kf.seal_mac(session.data_key)
            kf.save()  # the slot exists only if the user row commits just after
            uow.commit()
    return {"username": username, "role": role}


def list_users(session: Session) -> list[dict]:
    """The users as sign-in treats them: role, disabled and second factor as the signed
    audit trail has them (`_as_the_trail_has_it`), not as a row changed outside cims
    says. `changed_outside` lists what such a change tried ("role", "disabled", …), or
    is empty."""
    session.ensure("read")
    kf = KeyFile.load(session.store_path)
    out = []
    for row in session.store.fetch_users():
        name = row["username"]
        u, outside = _as_the_trail_has_it(session.store, dict(row), kf.store_id, kf.signing_public(name))
        out.append({"username": name, "display_name": u["display_name"], "role": u["role"],
                    "disabled": u["disabled"], "totp": bool(u["totp_secret"]),
                    "can_sign_in": kf.has_slot(name) and not u["disabled"],
                    "signing_key": trust.fingerprint(kf.signing_public(name)),
                    "failed_attempts": kf.lockout(name).get("failed", 0),
                    "changed_outside": outside})
    return out


def _self_or_admin(session: Session, username: str) -> str:
    """Users manage their own sign-in settings; anyone else's needs an administrator."""
    username = username.strip().lower()
    if username != session.username:
        session.ensure("admin", record_id=username)
    return username


def _user_or_404(session: Session, username: str) -> dict:
    user = session.store.fetch_user(username.strip().lower())
    if not user:
        raise NotFound(f"no user named {username}")
    return user


def set_role(session: Session, username: str, role: str) -> None:
    session.ensure("admin", record_id=username)
    user = _user_or_404(session, username)
    role = validate_role(role)
    if user["role"] == "admin" and role != "admin":
        _ensure_other_admin(session, user["username"])
    with session.unit_of_work() as uow:
        session.store.update_user(user["username"], {"role": role})
        session.audit([AuditEvent(utcnow(), session.username, "user.role", "user", user["username"], None,
                                  {"role": [user["role"], role]})])
        uow.commit()


def _ensure_other_admin(session: Session, username: str) -> None:
    admins = [u for u in session.store.fetch_users()
              if u["role"] == "admin" and not u["disabled"] and u["username"] != username]
    if not admins:
        raise ValidationFailed({"User": "this is the last administrator; make someone else admin first"})


def disable_user(session: Session, username: str) -> None:
    """Remove the user's key slot (they can no longer sign in) and mark them disabled.

    Raises ValidationFailed for yourself (another administrator does it) and for the last
    enabled administrator; NotFound for an unknown user.
    """
    session.ensure("admin", record_id=username)
    user = _user_or_404(session, username)
    if user["disabled"]:
        raise ValidationFailed({"User": f"{user['username']} is already disabled"})
    if user["role"] == "admin":
        _ensure_other_admin(session, user["username"])
    if user["username"] == session.username:
        raise ValidationFailed({"User": "you cannot disable yourself; another administrator can"})
    with KeyFile.locked(session.store_path) as kf:
        with session.unit_of_work() as uow:
            session.store.update_user(user["username"], {"disabled": True})
            session.audit([AuditEvent(utcnow(), session.username, "user.disable", "user", user["username"],
                                      None, {"disabled": [False, True]})])
            kf.remove_slot(user["username"], keep_verifier=True)
            kf.seal_mac(session.data_key)
            kf.save()
            uow.commit()


def enable_user(session: Session, username: str, new_password: str, *, kdf: dict | None = None) -> None:
    """Let a disabled user sign in again, with a new password the administrator gives.

    Disabling removed their key slot, so a new one is made (a new signing key, as with a
    reset). Audited as `user.enable` ({"disabled": [true, false]}, the mirror of
    `user.disable`) followed by `user.password` with the new keys. Raises
    PermissionDenied (not admin), NotFound, ValidationFailed (not disabled; weak password).
    """
    username = check_enableable(session, username)
    check_password(new_password, username)
    with KeyFile.locked(session.store_path) as kf:
        with session.unit_of_work() as uow:
            old_sign, old_slot = kf.signing_public(username), kf.slot_public(username)
            session.store.update_user(username, {"disabled": False})
            kf.set_slot(username, new_password, session.data_key, kdf)
            session.store.set_meta(f"sign_key:{username}", kf.signing_public(username))
            now = utcnow()
            session.audit([AuditEvent(now, session.username, "user.enable", "user", username, None,
                                      {"disabled": [True, False]}),
                           AuditEvent(now, session.username, "user.password", "user", username, None,
                                      _key_changes(kf, username, old_sign, old_slot))])
            kf.set_lockout(username, {"failed": 0, "since_success": 0, "locked_until": None})
            kf.seal_mac(session.data_key)
            kf.save()
            uow.commit()


def change_password(session: Session, username: str, new_password: str, *, kdf: dict | None = None) -> None:
    """Rewrap one slot. Users change their own; admins may reset anyone's."""
    username = check_password_changeable(session, username)
    check_password(new_password, username)
    with KeyFile.locked(session.store_path) as kf:
        with session.unit_of_work() as uow:
            old_sign, old_slot = kf.signing_public(username), kf.slot_public(username)
            # Your own change keeps your signing key; a reset by an administrator gives a new one.
            own = session._signing_key if username == session.username else None
            kf.set_slot(username, new_password, session.data_key, kdf, signing_key=own)
            session.store.set_meta(f"sign_key:{username}", kf.signing_public(username))
            session.audit([AuditEvent(utcnow(), session.username, "user.password", "user", username, None,
                                      _key_changes(kf, username, old_sign, old_slot))])
            kf.set_lockout(username, {"failed": 0, "since_success": 0, "locked_until": None})
            kf.seal_mac(session.data_key)
            kf.save()
            uow.commit()


def totp_enrol(session: Session, username: str) -> str:
    """Start enrolment: returns the otpauth:// URI; `totp_confirm` with a code activates it."""
    username = _self_or_admin(session, username)
    _user_or_404(session, username)
    secret = base64.b32encode(os.urandom(20)).decode()
    with session.unit_of_work() as uow:
        session.store.set_meta(f"totp_pending:{username}", secret)
        uow.commit()
    totp = TOTP(base64.b32decode(secret), 6, SHA1(), TOTP_STEP, enforce_key_length=False)
    return totp.get_provisioning_uri(username, TOTP_ISSUER)


def totp_confirm(session: Session, username: str, code: str, *, now: float | None = None) -> None:
    username = _self_or_admin(session, username)
    secret = session.store.get_meta(f"totp_pending:{username}")
    if not secret:
        raise ValidationFailed({"Code": "no second-factor enrolment is in progress; start it first"})
    step = _verify_totp(secret, code, time.time() if now is None else now)
    if step is None:
        raise ValidationFailed({"Code": "that code does not match; check the authenticator app's clock"})
    with session.unit_of_work() as uow:
        session.store.update_user(username, {"totp_secret": secret})
        session.store.set_meta(f"totp_pending:{username}", None)
        session.store.set_meta(f"totp_step:{username}", step)
        session.audit([AuditEvent(utcnow(), session.username, "user.totp", "user", username, None,
                                  {"totp": [False, True],
                                   "totp_digest": [None, ledger.totp_digest(session.audit_key, secret)]})])
        uow.commit()


def totp_disable(session: Session, username: str) -> None:
    username = _self_or_admin(session, username)
    _user_or_404(session, username)
    with session.unit_of_work() as uow:
        session.store.update_user(username, {"totp_secret": None})
        session.audit([AuditEvent(utcnow(), session.username, "user.totp", "user", username, None,
                                  {"totp": [True, False], "totp_digest": [None, None]})])
        uow.commit()


def rekey(session: Session) -> None:
    """Rotate the data key; no step of it can leave a store nobody opens.

    Order: check the key file (MAC, every slot well formed) and that no other session
    has the store open (StoreBusy), all before anything changes; save the new key
    sealed for every user as a pending record beside the current slots; `PRAGMA
    rekey` (one transaction); audit; make the pending key current. A crash at any
    point is settled at the next sign-in (`_open_finishing_rekey`). Raises
    PermissionDenied, StoreError (damaged key file), StoreBusy.
    """
    session.ensure("admin")
    store = session.store
    with KeyFile.locked(session.store_path) as kf:
        if kf.rekey_pending or not kf.mac_ok(session.data_key):
            raise StoreError(f"{kf.path.name} was changed outside cims (its slots do not match the store); "
                             "nothing was changed; restore it from a backup")
        kf.validate_slots()
        store.take_sole_use()
        short = store.rewrite_room_missing()      # said before anything is written
        if short is not None:
            store.release_sole_use()
            raise short
        crash_point("rekey.checked")
        new_key = os.urandom(32)
        try:
            kf.begin_rekey(new_key)
            kf.save()
        except BaseException:
            store.release_sole_use()
            raise
        crash_point("rekey.journal-saved")
        # From here on the pending record stays until we know which key the file has.
        try:
            store.rekey(new_key)
        except Exception:
            # The pending record stays: the next sign-in opens the store with whichever key
            # it has and settles the record (_open_finishing_rekey).
            with contextlib.suppress(Exception):
                store.release_sole_use()
            raise
        crash_point("rekey.database-rekeyed")
        session._data_key = new_key
        with session.unit_of_work() as uow:
            session.audit([AuditEvent(utcnow(), session.username, "rekey")])
            uow.commit()
        crash_point("rekey.audited")
        kf.finish_rekey()
        kf.save()
        crash_point("rekey.finished")
