"""What this OS account has seen of a store, kept where the store's users cannot reach it.

Like SSH's `known_hosts`: the first time an OS account opens a store, it trusts what
it sees (trust on first use) and writes it down in its own user data folder, not
beside the store. Afterwards, anything that does not follow on from what was written
down is named by `audit verify`.

One small JSON file per store, `<trust dir>/<store id>.json`:

* `head`: [seq, mac] of the newest audit entry this account saw (a signed tree head
  in Certificate Transparency's terms; the mac chains every entry before it). A store
  whose trail no longer holds that entry was cut or rewritten.
* `keys`: {user name: fingerprint} of each user's Ed25519 signing key at that head.
* `signed_from`: the first audit entry that was signed (stripping signatures from
  later entries is then named, not taken for an old store).

The trust folder is `platformdirs.user_data_dir("cims_xl")/trust`, or `$CIMS_TRUST_DIR`.
Nothing personal is in it: sequence numbers, MACs and key fingerprints.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from platformdirs import user_data_dir

ENV = "CIMS_TRUST_DIR"
# A pin is kept per store id, and a copy of a store file has the same id: when a copy and
# the store are both written on one OS account, each looks rewritten to the other.
COPY_HINT = (" (or a copy of this store file, which has the same store id, was written on this computer; "
             "once you know which, `cims audit accept` on the store you keep)")
# The same, for a role that may not accept the trail: it is never told to run what it may not.
COPY_HINT_ASK = (" (or a copy of this store file, which has the same store id, was written on this computer; "
                 "once you know which, ask an administrator to run `cims audit accept` on the store you keep)")
# How many store files (paths) of one store id a pin remembers the own head of.
PATHS_KEPT = 16


def copy_hint(admin: bool) -> str:
    return COPY_HINT if admin else COPY_HINT_ASK


def trust_dir() -> Path:
    """This OS account's trust folder ($CIMS_TRUST_DIR, else the user data folder)."""
    env = os.environ.get(ENV)
    return Path(env) if env else Path(user_data_dir("cims_xl", appauthor=False)) / "trust"


def fingerprint(public_b64: str | None) -> str | None:
    """SSH-style fingerprint of a raw Ed25519 public key: 'SHA256:' + unpadded base64."""
    if not public_b64:
        return None
    digest = hashlib.sha256(base64.b64decode(public_b64)).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def pin_path(store_id: str) -> Path:
    if not store_id or not all(c in "0123456789abcdef" for c in store_id):
        raise ValueError("a store id is lowercase hex")
    return trust_dir() / f"{store_id}.json"


def load_pin(store_id: str) -> dict | None:
    """What this account pinned for the store, or None on first use (or an unreadable pin)."""
    try:
        doc = json.loads(pin_path(store_id).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("head"), list) else None


def path_key(pin: dict, store_path: str | os.PathLike) -> str | None:
    """The store file's path as the pin knows it: a salted SHA-256 of its full path (links
    followed), so no folder or file name is on disk in plain text; None when the pin has
    no salt yet (written before paths were kept)."""
    salt = pin.get("salt")
    if not isinstance(salt, str):
        return None
    real = os.path.normcase(os.path.realpath(os.path.expanduser(os.fspath(store_path))))
    try:
        return hashlib.sha256(bytes.fromhex(salt) + real.encode("utf-8", "surrogatepass")).hexdigest()
    except ValueError:
        return None


def own_head(pin: dict, store_path: str | os.PathLike) -> tuple[int, str] | None:
    """The newest entry this account saw written to the store file at `store_path` (the
    pin's `heads`), or None when it has none for that file."""
    key = path_key(pin, store_path)
    heads = pin.get("heads")
    head = heads.get(key) if isinstance(heads, dict) and key else None
    if isinstance(head, list) and len(head) == 2 and isinstance(head[0], int) and isinstance(head[1], str):
        return head[0], head[1]
    return None


def pinned_elsewhere(pin: dict, store_path: str | os.PathLike) -> bool:
    """Whether the pin's head was written through another store file of the same store id
    (a copy, or the store before it was moved) than the one at `store_path`."""
    where = pin.get("where")
    return isinstance(where, str) and where != path_key(pin, store_path)


def save_pin(store_id: str, head: tuple[int, str], keys: dict[str, str | None] | None = None,
             signed_from: int | None = None, store_path: str | os.PathLike | None = None, *,
             own_only: bool = False) -> None:
    """Pin a head (and, when given, the users' key fingerprints). Atomic, mode 0600.

    `keys` None keeps the fingerprints pinned before; `signed_from` None keeps it too.
    `store_path`: the store file the head was read from; it is kept as that file's own
    head (`own_head`) and, as `where`, as the file the pinned head came from, so a
    copy of the store written on this account can be told from a cut or a rewrite.
    `own_only`: only the file's own head is kept (the pinned head stays as it was).
    """
    old = load_pin(store_id) or {}
    if own_only:
        doc = dict(old)
    else:
        doc = {**old, "store_id": store_id, "head": [int(head[0]), head[1]],
               "keys": old.get("keys", {}) if keys is None else keys,
               "keys_at": old.get("keys_at") if keys is None else int(head[0]),
               "signed_from": old.get("signed_from") if signed_from is None else int(signed_from)}
        doc.pop("where", None)
    if store_path is not None:
        if not isinstance(doc.get("salt"), str):
            doc["salt"] = os.urandom(16).hex()
        key = path_key(doc, store_path)
        heads = {k: v for k, v in (doc.get("heads") or {}).items() if k != key} \
            if isinstance(doc.get("heads"), dict) else {}
        heads[key] = [int(head[0]), head[1]]
        doc["heads"] = dict(list(heads.items())[-PATHS_KEPT:])     # the newest files kept
        if not own_only:
            doc["where"] = key
    if not isinstance(doc.get("head"), list):
        return                # nothing pinned yet: an own head alone is not a pin
    path = pin_path(store_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):   # not on Windows, where the folder is the user's own
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
