"""Key slots: how each user's password opens the store's data key.

The store is encrypted with one random 256-bit data key, used by SQLCipher as a raw
key. That key is never written down in the clear. For each user there is one slot in
the key file beside the database (`<store>.keys`):

* a key-encryption key is derived from the user's password with scrypt at OWASP
  parameters (N=2^17, r=8, p=1) and a random salt;
* it AES-GCM-wraps the user's X25519 private key (the slot);
* the data key is sealed to the user's X25519 public key (ephemeral ECDH + HKDF +
  AES-GCM).

Sign-in = derive + unwrap + unseal (slow on purpose, once). A password change rewraps
one slot. Because the data key is sealed to public keys, `rekey` can rotate the data
key and reseal it for every user without knowing anyone else's password, and an admin
can add a user the same way.

The key file also holds what sign-in needs before the store is open: the
failed-attempt counters for lockout, keyed by digests of the names tried, never the
names as typed (a password typed into the user-name field must not be kept:
`KeyFile.lockout_key`). Slots are bound to the store id and user name by
AES-GCM associated data (a slot copied to another user or store does not open), and
the whole set of slots is MACed with a key derived from the data key, checked after
every successful sign-in, so an edited key file is noticed.

Rekey is a journalled change. Every slot is validated first; the new data key is
sealed for every user into a `pending_rekey` record (with the MAC the slots will
have) and that is saved *before* `PRAGMA rekey` touches the database. SQLCipher
rewrites the file in one transaction, so after a crash the database opens with
exactly one of the two keys; the next sign-in tries the current key, then the
pending one, and finishes (`finish_rekey`) or drops (`abandon_rekey`) the record.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import stat
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from filelock import FileLock

from .. import scratch
from ..crashpoints import crash_point
from ..errors import AccountDisabled, StoreError, WrongPassword
from .passwords import PASSWORD_FORM, password_bytes, password_text

log = logging.getLogger("cims_xl.keys")

FORMAT = "cims-keys-1"
SCRATCH_PURPOSE = "keys"        # the key file's scratch copies: .cims-keys-<pid>-…
OWASP_SCRYPT = {"name": "scrypt", "n": 2**17, "r": 8, "p": 1}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def keyfile_path(store_path: str | os.PathLike) -> Path:
    return Path(str(store_path) + ".keys")


def restore_journal_path(store_path: str | os.PathLike) -> Path:
    """Written while a restore swaps files; its presence means the swap must be finished."""
    return Path(str(store_path) + ".restoring")


# scrypt needs 128·r·n bytes and time in proportion to n·r·p (RFC 7914 §6). cims writes
# OWASP's N=2^17, r=8, p=1 (128 MiB); a key file may ask for at most twice that work, so a
# planted setting cannot make every sign-in take gigabytes of memory or minutes of CPU.
MAX_SCRYPT_WORK = 2 * 2**17 * 8


def scrypt_settings_ok(n: int, r: int, p: int) -> bool:
    """Whether scrypt settings are ones a cims key file may hold (bounded memory and time)."""
    return (1 < n and n & (n - 1) == 0 and 1 <= r and 1 <= p
            and n * r <= MAX_SCRYPT_WORK and n * r * p <= MAX_SCRYPT_WORK)


# How to recover from a key file that cannot be read (README: Backup and restore).
KEYFILE_BACK = ("; put the key file back from a backup: a .cimsbak file is a zip, and its store.cims.keys "
                "goes beside the store under the store's name + .keys (README: Backup and restore)")


def lock_mode(store_path: str | os.PathLike) -> int:
    """The mode a new `<store>.lock` is made with: the store file's read and write bits
    (a store shared by a group, 0660, gets a lock the group can take), 0600 without one."""
    try:
        return stat.S_IMODE(os.stat(store_path).st_mode) & 0o666 or 0o600
    except OSError:
        return 0o600


def derive_kek(password: str, salt: bytes, kdf: dict, form: str | None = PASSWORD_FORM) -> bytes:
    """scrypt (RFC 7914) of the password (passwords.password_bytes: UTF-8 of its NFKC form,
    or of the text as given with form=None); StoreError for settings a cims key file never
    has; ValidationFailed for a password that is not text (checked first)."""
    secret = password_bytes(password, form)
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        name = kdf.get("name") if isinstance(kdf, dict) else None
        raise StoreError(f"unknown key derivation {str(name)[:20]!r} in the key file: it is damaged or "
                         f"was changed outside cims{KEYFILE_BACK}")
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    except (KeyError, TypeError, ValueError):
        n = r = p = 0
    if not scrypt_settings_ok(n, r, p):
        raise StoreError("the key file's key derivation settings are damaged; restore it from a backup")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret)


def _slot_forms(slot: dict, password: str) -> list[str | None]:
    """The forms of `password` to try on a slot: NFKC for one cims made normalised (marked
    "text": "NFKC"). An older slot holds the text as it was typed then, most likely
    composed (NFC: Windows, most input methods) or decomposed (NFD: macOS file dialogs,
    some keyboards): the text as typed now, then its NFC and NFD forms where they differ
    (two or three derivations for a password with accents, one attempt for the count)."""
    if slot.get("text") == PASSWORD_FORM:
        return [PASSWORD_FORM]
    import unicodedata
    forms: list[str | None] = [None]
    seen = {password}
    for form in ("NFC", "NFD"):
        text = unicodedata.normalize(form, password)
        if text not in seen:
            seen.add(text)
            forms.append(form)
    return forms


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A key for one purpose (audit MAC, key-file MAC), derived from the data key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"cims:{purpose}".encode()).derive(data_key)


def _seal(data_key: bytes, public: X25519PublicKey, aad: bytes) -> dict:
    eph = X25519PrivateKey.generate()
    shared = eph.exchange(public)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cims:seal").derive(shared)
    nonce = os.urandom(12)
    return {"eph": b64(eph.public_key().public_bytes_raw()), "nonce": b64(nonce),
            "sealed": b64(AESGCM(key).encrypt(nonce, data_key, aad))}


def _unseal(slot: dict, private: X25519PrivateKey, aad: bytes) -> bytes:
    eph = X25519PublicKey.from_public_bytes(unb64(slot["eph"]))
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cims:seal").derive(private.exchange(eph))
    return AESGCM(key).decrypt(unb64(slot["nonce"]), unb64(slot["sealed"]), aad)


@dataclass
class Unlocked:
    """What one password opens: the store's data key, the user's Ed25519 signing key
    (None in a slot made before signing keys existed) and the key-encryption key."""
    data_key: bytes
    signing_key: Ed25519PrivateKey | None
    kek: bytes
    pending: bytes | None = None    # the data key of a rekey cut short (see begin_rekey)
    private: X25519PrivateKey | None = None
    normalised: bool = True         # False: the slot predates normalised passwords (rewrap_normalised)


@dataclass
class Slot:
    username: str
    data: dict


class KeyFile:
    """The `<store>.keys` file: slots and lockout counters. Writes are atomic."""

    def __init__(self, path: Path, doc: dict):
        self.path = path
        self.doc = doc

    # -- load / save --

    @classmethod
    def create(cls, store_path: str | os.PathLike) -> "KeyFile":
        path = keyfile_path(store_path)
        if path.exists():
            raise StoreError(f"{path} already exists; refusing to overwrite a key file")
        return cls(path, {"format": FORMAT, "store_id": secrets.token_hex(16), "slots": {},
                          "lockout": {}, "mac": ""})

    @classmethod
    def load(cls, store_path: str | os.PathLike) -> "KeyFile":
        path = keyfile_path(store_path)
        if not Path(store_path).exists():
            raise StoreError(f"no store at {store_path}; create one with `cims init --admin NAME`")
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError(f"{Path(store_path).name} has no key file ({path.name}) beside it: "
                             "it is not a cims store or the key file was moved") from None
        except (ValueError, UnicodeDecodeError):
            raise StoreError(f"{path.name} is damaged (not a cims key file){KEYFILE_BACK}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise StoreError(f"{path.name} is not a cims key file{KEYFILE_BACK}")
        return cls(path, doc)

    def save(self, *, point: str = "keys.scratch-written") -> None:
        """Write the key file atomically (0600 scratch file, fsync, rename). `point`: the
        crash point once the scratch file is written (sign-in's counting names its own).

        The scratch file (`.cims-keys-<pid>-…`, cims_xl.scratch) holds what the key file
        holds: slots wrapped with password-derived keys, data keys sealed to each slot's
        X25519 key, never a key in the clear. One a killed process left is removed by the
        next save or lock there (`sweep_leftovers`)."""
        self.tidy_lockout()      # a key file from before held typed names (tidy_lockout)
        data = json.dumps(self.doc, indent=1, sort_keys=True).encode("utf-8")
        tmp = scratch.scratch_file(self.path.parent, SCRATCH_PURPOSE)
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            crash_point(point)
            scratch.replace_keeping_mode(tmp, self.path)     # a group-shared key file stays shared
        finally:
            tmp.unlink(missing_ok=True)

    def sweep_leftovers(self) -> list[Path]:
        """Remove the scratch copies of this key file that killed processes left beside it;
        returns what went. Call with the key file locked.

        Two kinds: `.cims-keys-<pid>-…` of a process that is gone (scratch.sweep), and
        `<store>.keys.XXXXXXXX` that cims before that naming made with mkstemp. One of the
        older kind goes only when it cannot be a copy a person made: its suffix is 8
        characters of mkstemp's alphabet with both a letter and a digit (so not a date
        or a word), it is a regular file this OS account owns, and it is a key file of
        this very store."""
        gone = scratch.sweep(self.path.parent, SCRATCH_PURPOSE)
        legacy = re.compile(re.escape(self.path.name) + r"\.([a-z0-9_]{8})")
        try:
            entries = list(self.path.parent.iterdir())
        except OSError:
            return gone
        for entry in entries:
            m = legacy.fullmatch(entry.name)
            if (m is None or not re.search(r"[a-z]", m[1]) or not re.search(r"\d", m[1])
                    or entry.is_symlink() or not entry.is_file() or not scratch.owned_by_me(entry)):
                continue
            try:
                doc = json.loads(entry.read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError):
                continue
            if isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("store_id") == self.store_id:
                with contextlib.suppress(OSError):
                    entry.unlink()
                    gone.append(entry)
        if gone:
            log.info("removed %d scratch cop%s of %s left by a process that was killed", len(gone),
                      "y" if len(gone) == 1 else "ies", self.path.name)
        return gone

    @staticmethod
    @contextlib.contextmanager
    def locked(store_path: str | os.PathLike,
               settle: Callable[[Path], object] | None = None) -> Iterator["KeyFile"]:
        """Load under an exclusive lock (read-modify-write of counters and slots).

        `settle(store_path)` runs first under the lock (sign-in finishes a restore that
        was cut short there). No lock file is made beside a store that does not exist.
        """
        if not Path(store_path).exists() and not restore_journal_path(store_path).exists():
            raise StoreError(f"no store at {store_path}; create one with `cims init --admin NAME`, "
                             "or restore a backup there with `cims restore`")
        # filelock: flock on Linux and macOS, LockFileEx on Windows (fcntl does not
        # exist there).
        with FileLock(str(store_path) + ".lock", mode=lock_mode(store_path)):
            if settle is not None:
                settle(Path(store_path))
            kf = KeyFile.load(store_path)
            kf.sweep_leftovers()
            yield kf

    # -- slots --

    @property
    def store_id(self) -> str:
        return self.doc["store_id"]

    def usernames(self) -> list[str]:
        return sorted(self.doc["slots"])

    def has_slot(self, username: str) -> bool:
        return username in self.doc["slots"]

    def _aad(self, username: str, what: str) -> bytes:
        return f"{FORMAT}:{self.store_id}:{username}:{what}".encode()

    def set_slot(self, username: str, password: str, data_key: bytes, kdf: dict | None = None,
                 signing_key: Ed25519PrivateKey | None = None) -> Ed25519PrivateKey:
        """Create or replace a user's slot (new password; new X25519 key pair).

        The user's Ed25519 signing key is wrapped by the same password-derived key:
        `signing_key` keeps the one they have (a password change of their own), None
        makes a new one (a new user, or a reset by an administrator). Returns it.
        """
        kdf = dict(kdf or OWASP_SCRYPT)
        self.doc.get("disabled", {}).pop(username, None)
        salt = os.urandom(16)
        kek = derive_kek(password, salt, kdf)
        private = X25519PrivateKey.generate()
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        nonce = os.urandom(12)
        self.doc["slots"][username] = {
            "kdf": kdf, "salt": b64(salt), "nonce": b64(nonce),
            "wrapped": b64(AESGCM(kek).encrypt(nonce, raw, self._aad(username, "private"))),
            "public": b64(private.public_key().public_bytes_raw()),
            "seal": _seal(data_key, private.public_key(), self._aad(username, "data-key")),
            "text": PASSWORD_FORM,
        }
        signing_key = signing_key or Ed25519PrivateKey.generate()
        self._wrap_signing_key(username, kek, signing_key)
        return signing_key

    def _wrap_signing_key(self, username: str, kek: bytes, signing_key: Ed25519PrivateKey) -> None:
        slot = self.doc["slots"][username]
        nonce = os.urandom(12)
        slot["sign_nonce"] = b64(nonce)
        slot["sign_wrapped"] = b64(AESGCM(kek).encrypt(nonce, signing_key.private_bytes_raw(),
                                                       self._aad(username, "signing-key")))
        slot["sign_public"] = b64(signing_key.public_key().public_bytes_raw())

    def rewrap_normalised(self, username: str, password: str, unlocked: "Unlocked") -> None:
        """Wrap the same keys again under the NFKC form of `password` (a slot made before
        passwords were normalised, opened with it). No public key changes: the seal, the
        audit trail's keys and a pending rekey stay valid. Call seal_mac and save after."""
        slot = self.doc["slots"][username]
        salt, nonce = os.urandom(16), os.urandom(12)
        kek = derive_kek(password, salt, slot["kdf"])
        raw = unlocked.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                             serialization.NoEncryption())
        slot.update({"salt": b64(salt), "nonce": b64(nonce), "text": PASSWORD_FORM,
                     "wrapped": b64(AESGCM(kek).encrypt(nonce, raw, self._aad(username, "private")))})
        if unlocked.signing_key is not None and slot.get("sign_wrapped"):
            self._wrap_signing_key(username, kek, unlocked.signing_key)
        unlocked.kek, unlocked.normalised = kek, True

    def slot_public(self, username: str) -> str | None:
        """The slot's X25519 public key (base64), or None when the user has no slot."""
        slot = self.doc["slots"].get(username)
        return slot["public"] if slot else None

    def signing_public(self, username: str) -> str | None:
        """The user's Ed25519 public key (base64) as the slot holds it, or None."""
        slot = self.doc["slots"].get(username)
        return slot.get("sign_public") if slot else None

    def remove_slot(self, username: str, *, keep_verifier: bool = False) -> None:
        """Remove a user's slot (the data key sealed for them goes with it).

        keep_verifier: keep only what proves their password (salt, KDF and the wrapped
        X25519 key, which opens nothing once the seal is gone), so that a disabled user
        who types the right password is told the account is disabled (`unlock_keys`).
        """
        if isinstance(self.doc.get("lockout"), dict):
            self.doc["lockout"].pop(self.lockout_key(username), None)
            self.doc["lockout"].pop(username, None)
        slot = self.doc["slots"].pop(username, None)
        if keep_verifier and slot is not None:
            self.doc.setdefault("disabled", {})[username] = {
                k: slot[k] for k in ("kdf", "salt", "nonce", "wrapped", "public", "text") if k in slot}

    def _opens_disabled(self, username: str, gone: dict, password: str) -> bool:
        for form in _slot_forms(gone, password):
            try:
                kek = derive_kek(password, unb64(gone["salt"]), gone["kdf"], form)
                raw = AESGCM(kek).decrypt(unb64(gone["nonce"]), unb64(gone["wrapped"]),
                                          self._aad(username, "private"))
                public = X25519PrivateKey.from_private_bytes(raw).public_key().public_bytes_raw()
            except (InvalidTag, KeyError, TypeError, ValueError):
                continue
            if b64(public) == gone.get("public"):
                return True
        return False

    def unlock(self, username: str, password: str) -> bytes:
        """Derive, unwrap and unseal: the data key, or WrongPassword."""
        return self.unlock_keys(username, password).data_key

    def unlock_keys(self, username: str, password: str) -> "Unlocked":
        """One scrypt derivation (more for an older slot, see below) opens the data key,
        the user's signing key and, after a rekey that was cut short, the pending data key (sealed to the same key pair).

        `signing_key` is None for a slot made before signing keys existed; call
        `enrol_signing_key` with `Unlocked.kek` to give the user one. Raises WrongPassword,
        or ValidationFailed (before any derivation: not an attempt) for a password that is
        not text. A slot made before passwords were normalised is tried with the text as
        typed and its NFC and NFD forms (`_slot_forms`): one attempt for the caller's count.
        """
        password_text(password)
        slot = self.doc["slots"].get(username)
        if slot is None:
            gone = self.doc.get("disabled", {}).get(username)
            if gone is None:
                # Spend the same time as a real attempt so user names cannot be probed
                # (the scrypt of the name's lockout key is that time, when it was spent).
                if not self.name_digest_spent(username):
                    derive_kek(password, b"\0" * 16, OWASP_SCRYPT)
            elif self._opens_disabled(username, gone, password):   # only the right password learns it
                raise AccountDisabled(f"the account {username} is disabled; an administrator can enable it "
                                      f"again (cims user enable {username})")
            raise WrongPassword("wrong user name or password")
        private = kek = None
        for form in _slot_forms(slot, password):
            try:
                kek = derive_kek(password, unb64(slot["salt"]), slot["kdf"], form)
            except (KeyError, TypeError, ValueError):
                raise StoreError(f"{self.path.name} is damaged (the slot of {username} is not valid); "
                                 "restore it from a backup") from None
            try:
                raw = AESGCM(kek).decrypt(unb64(slot["nonce"]), unb64(slot["wrapped"]),
                                          self._aad(username, "private"))
                private = X25519PrivateKey.from_private_bytes(raw)
                break
            except (InvalidTag, ValueError, KeyError, TypeError):
                continue
        if private is None:
            raise WrongPassword("wrong user name or password")
        try:
            data_key = _unseal(slot["seal"], private, self._aad(username, "data-key"))
            signing = None
            if slot.get("sign_wrapped"):
                signing = Ed25519PrivateKey.from_private_bytes(AESGCM(kek).decrypt(
                    unb64(slot["sign_nonce"]), unb64(slot["sign_wrapped"]),
                    self._aad(username, "signing-key")))
        except (InvalidTag, ValueError, KeyError, TypeError):
            raise WrongPassword("wrong user name or password") from None
        pending = None
        record = self.pending_record()
        seal = record["seals"].get(username) if record else None
        if seal is not None:
            try:
                pending = _unseal(seal, private, self._aad(username, "data-key"))
            except (InvalidTag, ValueError, KeyError, TypeError):
                pending = None
        return Unlocked(data_key, signing, kek, pending, private, slot.get("text") == PASSWORD_FORM)

    def enrol_signing_key(self, username: str, kek: bytes) -> Ed25519PrivateKey:
        """Give a user whose slot has no signing key a new one (wrapped by `kek`)."""
        key = Ed25519PrivateKey.generate()
        self._wrap_signing_key(username, kek, key)
        return key

    # -- rekey journal --

    def validate_slots(self) -> None:
        """Check every slot is well formed and usable before a change that touches all of them.

        Besides the shape (scrypt settings in bounds, salt/nonce/ciphertext lengths), the
        slot's X25519 public key must give a shared secret with a fresh key (RFC 7748 §6.1:
        a low-order point gives all zeros, which `exchange` refuses) and its Ed25519
        public key must be a point of the curve outside the small subgroup
        (`ed25519_public_usable`). Raises StoreError naming the first slot that fails
        (nothing is changed).
        """
        for username, slot in sorted(self.doc["slots"].items()):
            try:
                kdf = slot["kdf"]
                n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
                ok = (kdf.get("name") == "scrypt" and scrypt_settings_ok(n, r, p)
                      and len(unb64(slot["salt"])) >= 16 and len(unb64(slot["nonce"])) == 12
                      and len(unb64(slot["wrapped"])) == 48)
                public = X25519PublicKey.from_public_bytes(unb64(slot["public"]))
                X25519PrivateKey.generate().exchange(public)     # ValueError for a low-order point
                seal = slot["seal"]
                ok = ok and _seal_shape_ok(seal)
                if slot.get("sign_public") is not None:
                    ok = ok and ed25519_public_usable(unb64(slot["sign_public"]))
            except (KeyError, TypeError, ValueError, AttributeError):
                ok = False
            if not ok:
                raise StoreError(f"the key slot of {username} in {self.path.name} is damaged; nothing was "
                                 "changed (it is malformed or holds a key that cannot be used: disable that "
                                 "user, or restore the key file from a backup)")

    def pending_record(self) -> dict | None:
        """The `pending_rekey` record when it is well formed, else None.

        Well formed: {"seals": {user: {"eph", "nonce", "sealed"}}, "mac": 64 hex digits},
        every seal of the lengths `_seal` writes. Anything else (planted or damaged) is
        treated as no record; `pending_problem` says why.
        """
        return None if self.pending_problem() else self.doc.get("pending_rekey")

    def pending_problem(self) -> str | None:
        """Why a present `pending_rekey` record cannot be used, or None (none, or usable)."""
        record = self.doc.get("pending_rekey")
        if record is None:
            return None
        if not isinstance(record, dict) or set(record) != {"seals", "mac"}:
            return "it is not a record of seals and a MAC"
        mac, seals = record["mac"], record["seals"]
        if not (isinstance(mac, str) and len(mac) == 64 and all(c in "0123456789abcdef" for c in mac)):
            return "its MAC is not valid"
        if not isinstance(seals, dict) or not seals:
            return "it has no seals"
        for username, seal in seals.items():
            if not (isinstance(username, str) and _seal_shape_ok(seal)):
                return "one of its seals is damaged"
        return None

    @property
    def rekey_pending(self) -> bool:
        """True when the file holds a `pending_rekey` record (well formed or not)."""
        return "pending_rekey" in self.doc

    def begin_rekey(self, new_key: bytes) -> None:
        """Record the new key sealed for every user, and the MAC the slots will then have."""
        self.validate_slots()
        seals = {}
        for username, slot in self.doc["slots"].items():
            try:
                public = X25519PublicKey.from_public_bytes(unb64(slot["public"]))
                seals[username] = _seal(new_key, public, self._aad(username, "data-key"))
            except (ValueError, TypeError, KeyError):
                raise StoreError(f"the key slot of {username} in {self.path.name} is damaged; nothing was "
                                 "changed (it holds a key that cannot be used: disable that user, or restore "
                                 "the key file from a backup)") from None
        future = {u: {**s, "seal": seals[u]} for u, s in self.doc["slots"].items()}
        self.doc["pending_rekey"] = {"seals": seals, "mac": self._mac(new_key, future)}

    def finish_rekey(self) -> None:
        """The database now uses the pending key: make it every slot's key.

        Only for a well-formed record (`pending_record`); StoreError otherwise.
        """
        pending = self.pending_record()
        if pending is None:
            raise StoreError(f"the record of an unfinished key change in {self.path.name} is damaged; "
                             "restore the key file from a backup")
        self.doc.pop("pending_rekey")
        for username, seal in pending["seals"].items():
            if username in self.doc["slots"]:
                self.doc["slots"][username]["seal"] = seal
        self.doc["mac"] = pending["mac"]

    def abandon_rekey(self) -> None:
        """The database still uses the current key: forget the pending one."""
        self.doc.pop("pending_rekey", None)

    # -- integrity --

    def _mac_input(self, slots: dict | None = None) -> bytes:
        body = {"format": self.doc["format"], "store_id": self.store_id,
                "slots": self.doc["slots"] if slots is None else slots}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def _mac(self, data_key: bytes, slots: dict | None = None) -> str:
        return hmac.new(subkey(data_key, "keyfile"), self._mac_input(slots), hashlib.sha256).hexdigest()

    def seal_mac(self, data_key: bytes) -> None:
        self.doc["mac"] = self._mac(data_key)

    def mac_ok(self, data_key: bytes) -> bool:
        mac = self.doc.get("mac", "")
        return isinstance(mac, str) and hmac.compare_digest(self._mac(data_key).encode(),
                                                            mac.encode("utf-8", "replace"))

    # -- lockout --

    def _lockout_record(self) -> dict:
        """The salt and scrypt settings that key the lockout section (`lockout_key`),
        made on first use: a random 16-byte salt and the costliest scrypt settings of the
        slots (OWASP without a slot). One planted or damaged (not base64, settings out of
        bounds, or cheaper than the cheapest slot) is replaced by a new one, which only
        forgets counts, as deleting the section would."""
        record = self.doc.get("lockout_key")
        costs = [_kdf_cost(s.get("kdf")) for s in self.doc["slots"].values() if isinstance(s, dict)]
        costs = [c for c in costs if c]
        try:
            salt = unb64(record["salt"])
            kdf = record["kdf"]
            cost = _kdf_cost(kdf)
            ok = len(salt) == 16 and cost and cost >= min(costs, default=0)
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            kdfs = [s.get("kdf") for s in self.doc["slots"].values() if isinstance(s, dict)]
            kdfs = [k for k in kdfs if _kdf_cost(k)]
            kdf = max(kdfs, key=_kdf_cost) if kdfs else dict(OWASP_SCRYPT)
            record = {"salt": b64(os.urandom(16)),
                      "kdf": {"name": "scrypt", "n": int(kdf["n"]), "r": int(kdf["r"]), "p": int(kdf["p"])}}
            self.doc["lockout_key"] = record
        return record

    def _is_user(self, username: str) -> bool:
        disabled = self.doc.get("disabled")
        return username in self.doc["slots"] or (isinstance(disabled, dict) and username in disabled)

    def lockout_key(self, username: str) -> str:
        """The key of `username`'s entry in the lockout section: 64 hex digits, never the name.

        A name typed at sign-in may be a password typed into the wrong field, so the
        section never holds typed text. A user's name (a slot or a disabled account) is
        keyed by HMAC-SHA256 under the per-store salt: quick, and it hides nothing, as
        the slots name every user in the clear. Any other name is keyed by scrypt of the
        name under that salt with the slots' own (costliest) settings.

        What whoever holds the key file (a copy, a backup, a lost laptop) can do: read
        which users have failed sign-ins, as before; for the other entries, only guess
        what was typed, one scrypt per guess per file, as slow as guessing a user's
        password against her slot in the same file, so a password typed as a name is no
        easier to get from the lockout section than from the slot it opens. The salt is
        in the file (nothing outside it exists before a password is known), so the cost
        per guess is the whole protection. The scrypt is spent once per name and process
        (sign-in's dummy derivation for names that are nobody's is skipped for it,
        `unlock_keys`), so a made-up name still takes about as long as a real one.
        """
        record = self._lockout_record()
        salt = unb64(record["salt"])
        text = username.encode("utf-8", "surrogatepass")
        if self._is_user(username):
            return hmac.new(salt, b"user:" + text, hashlib.sha256).hexdigest()
        kdf = record["kdf"]
        memo = (record["salt"], int(kdf["n"]), int(kdf["r"]), int(kdf["p"]), username)
        key = _NAME_DIGESTS.get(memo)
        if key is None:
            key = Scrypt(salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]),
                         p=int(kdf["p"])).derive(b"cims-lockout-name:" + text).hex()
            while len(_NAME_DIGESTS) >= 8:
                _NAME_DIGESTS.pop(next(iter(_NAME_DIGESTS)))
            _NAME_DIGESTS[memo] = key
        return key

    def name_digest_spent(self, username: str) -> bool:
        """Whether this process already spent the scrypt of `lockout_key` on this name."""
        record = self.doc.get("lockout_key")
        try:
            kdf = record["kdf"]
            return (record["salt"], int(kdf["n"]), int(kdf["r"]), int(kdf["p"]), username) in _NAME_DIGESTS
        except (KeyError, TypeError, ValueError):
            return False

    def tidy_lockout(self) -> None:
        """Key every entry of the lockout section as `lockout_key` does: a key file from
        before held the names as typed. A user's entry is kept under its new key; any
        other name's entry is dropped (its count is lost; its text must not stay)."""
        section = self.doc.get("lockout")
        if not isinstance(section, dict):
            return
        for name in [n for n in section if not (isinstance(n, str) and _DIGEST_KEY.fullmatch(n))]:
            entry = section.pop(name)
            if isinstance(name, str) and self._is_user(name):
                section.setdefault(self.lockout_key(name), entry)

    def lockout(self, username: str) -> dict:
        """The user's failed-attempt state: {"failed": int >= 0, "since_success": int >= 0,
        "locked_until": aware datetime or None}. Entries are keyed by `lockout_key`.

        This section cannot be MACed (while a password is wrong the data key that keys
        the MAC is not known), so anyone who can write the file can edit it. Values of
        the wrong type or shape read as "no lock" (0 failures, not locked): treating
        them as the longest lock would hand whoever can write the file a way to lock
        everyone out by writing garbage, and the same person can already delete the
        section, so reading them as no lock gives nothing away. A date far ahead is
        capped by `_not_locked_out` in services.auth to MAX_DELAY from now.
        """
        self.tidy_lockout()      # a user's entry from before, under her name: read, not skipped
        section = self.doc.get("lockout")
        if not isinstance(section, dict) or not section:
            return {"failed": 0, "since_success": 0, "locked_until": None}
        raw = section.get(self.lockout_key(username))
        raw = raw if isinstance(raw, dict) else {}
        return {"failed": _count(raw.get("failed")), "since_success": _count(raw.get("since_success")),
                "locked_until": _aware_time(raw.get("locked_until"))}

    def set_lockout(self, username: str, state: dict) -> None:
        """Store one user's state (`locked_until` a datetime or None); a damaged section is replaced.

        A name is counted whether or not it is a user's (so that a wrong password tells
        nobody which names exist), but the names that are nobody's share a table of at
        most UNKNOWN_LOCKOUTS entries: the one tried longest ago is dropped for a new one,
        so made-up names cannot grow the file without bound. A user's (or a disabled
        account's) entry is never dropped: spraying made-up names cannot reset a real
        user's count. Entries are kept in the order they were last tried, under
        `lockout_key` (never the name as typed)."""
        if not isinstance(self.doc.get("lockout"), dict):
            self.doc["lockout"] = {}
        self.tidy_lockout()
        section = self.doc["lockout"]
        until = state.get("locked_until")
        def tried(name: str) -> int:         # the order names were last tried in (the file sorts keys)
            entry = section.get(name)
            return _count(entry.get("tried")) if isinstance(entry, dict) else 0

        last = max((tried(name) for name in section), default=0)
        if last + 1 >= _MAX_COUNT:             # renumbered in the same order, before the count tops out
            for n, name in enumerate(sorted(section, key=tried), 1):
                if isinstance(section[name], dict):
                    section[name]["tried"] = n
            last = len(section)
        section[self.lockout_key(username)] = {
            "failed": _count(state.get("failed")), "since_success": _count(state.get("since_success")),
            "locked_until": until.isoformat() if isinstance(until, dt.datetime) else _iso_or_none(until),
            "tried": last + 1}
        disabled = self.doc.get("disabled") if isinstance(self.doc.get("disabled"), dict) else {}
        users = {self.lockout_key(name) for name in (*self.doc["slots"], *disabled)}
        nobodys = sorted((key for key in section if key not in users), key=tried)
        for key in nobodys[:max(0, len(nobodys) - UNKNOWN_LOCKOUTS)]:
            del section[key]


# Lockout entries are keyed by 64 hex digits (KeyFile.lockout_key); anything else is a
# name as typed, from a key file cims wrote before (KeyFile.tidy_lockout).
_DIGEST_KEY = re.compile(r"[0-9a-f]{64}")
# The scrypt keys of names that are nobody's this process computed (the last few).
_NAME_DIGESTS: dict[tuple, str] = {}


def _kdf_cost(kdf: object) -> int:
    """n·r·p of scrypt settings a cims key file may hold, else 0."""
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])     # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return 0
    if kdf.get("name") != "scrypt" or not scrypt_settings_ok(n, r, p):    # type: ignore[union-attr]
        return 0
    return n * r * p


FREE_ATTEMPTS = 5
# Lockout entries kept for names that are nobody's (KeyFile.set_lockout): about 80 bytes each.
UNKNOWN_LOCKOUTS = 64
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)


def lock_delay(failed: int) -> dt.timedelta | None:
    """Delay after `failed` consecutive failures: none for the first 5, then 30 s doubling, capped at 1 h."""
    if failed < FREE_ATTEMPTS:
        return None
    # 2**7 * 30 s > 1 h already: a huge planted count must not overflow timedelta.
    return min(BASE_DELAY * (2 ** min(failed - FREE_ATTEMPTS, 16)), MAX_DELAY)


_MAX_COUNT = 10**6


def _count(value: object) -> int:
    """A counter from the (unMACed) lockout section: an int in 0..10**6, else 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return min(max(value, 0), _MAX_COUNT)


def _aware_time(value: object) -> dt.datetime | None:
    """An ISO 8601 date-time with a UTC offset, else None (a damaged value reads as no lock)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _iso_or_none(value: object) -> str | None:
    at = _aware_time(value)
    return at.isoformat() if at else None


def _seal_shape_ok(seal: object) -> bool:
    """A data-key seal as `_seal` writes it: 32-byte point, 12-byte nonce, 32+16-byte ciphertext."""
    try:
        return (isinstance(seal, dict) and len(unb64(seal["eph"])) == 32 and len(unb64(seal["nonce"])) == 12
                and len(unb64(seal["sealed"])) == 48)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


# Edwards25519 (RFC 8032 §5.1): p = 2^255 - 19, d = -121665/121666.
_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def ed25519_public_usable(raw: bytes) -> bool:
    """True when `raw` is a 32-byte Ed25519 public key that decodes to a curve point
    (RFC 8032 §5.1.3) outside the small subgroup (8·A is not the neutral point).

    A small-order key makes signatures meaningless (some verifiers accept one signature
    for every message); `cryptography` loads such keys without complaint.
    """
    if not isinstance(raw, (bytes, bytearray)) or len(raw) != 32:
        return False
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    sign = raw[31] >> 7
    if y >= _P:
        return False
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    if x2 == 0:
        if sign:
            return False
        x = 0
    else:
        x = pow(x2, (_P + 3) // 8, _P)
        if (x * x - x2) % _P:
            x = x * _SQRT_M1 % _P
        if (x * x - x2) % _P:
            return False
        if x & 1 != sign:
            x = _P - x
    for _ in range(3):      # 8·A by three doublings (complete twisted Edwards addition, a = -1)
        t = _D * x * x * y * y % _P
        x, y = (2 * x * y * pow(1 + t, _P - 2, _P) % _P,
                (y * y + x * x) * pow(1 - t, _P - 2, _P) % _P)
    return not (x == 0 and y == 1)
