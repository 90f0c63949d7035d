"""Which store a sign-in from Excel may open: never one the workbook alone chose.

The ribbon's Sign in used to open whatever path the workbook's `CIMS_StorePath` cell
held. Whoever can write a workbook another person opens could then point it at a copy
of the store in a folder they control (the person's password is tried against their key
file, and everything saved lands in their copy) or, on Windows, at `\\\\host\\share\\x.cims`
(Windows sends the account's NTLM hash to that host when the file is opened).

So the path a workbook names is taken only when it is one this OS account chose itself:

- `$CIMS_STORE`, when set: the workbook must name that store (the same file, links
  followed) or nothing;
- otherwise a store this OS account created or signed in to before by a route the
  workbook does not decide (`cims` on the command line, `cims init`, `cims demo`, a path
  typed at the ribbon's prompt), or accepted with `cims workbook trust WORKBOOK`, or the
  per-user default store (`cims`'s data folder).

Anything else, a relative path, or a path on another computer (UNC `\\\\host\\...`, `//host/...`,
a URL) is refused before any file is touched, with a message that names the path and how
to accept it. A symlink is followed: the list holds the file it leads to.

The list is kept in this account's trust folder (`security.trust.trust_dir`), never
beside the store: `known-stores.json`, holding a random salt and for each store a salted
SHA-256 of its full path, so the folder and file names (which may name a person) are
not on disk in plain text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import ntpath
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .trust import trust_dir

FILE_NAME = "known-stores.json"

# smb://, file://, https://, file:
_URL = re.compile(r"^([a-z][a-z0-9+.-]+://|file:)", re.I)
_SEPS = "\\/"


def is_remote(text: str) -> bool:
    """A path that names another computer (opening it may reach out over the network).

    Decided by how Windows parses the text (`ntpath`, where `/` and `\\` are alike), never
    by touching the file: a drive of two leading separators (`\\\\host\\share`, `//host/share`,
    `/\\host\\share`, `\\/host/share`, `\\\\?\\UNC\\host\\share`), the NT object prefix
    `\\??\\` (`\\??\\UNC\\host`, and a device path is no local file either), or a URL."""
    text = text.strip()
    if _URL.match(text):
        return True
    if text[:4].replace("/", "\\") == "\\??\\":
        return True
    drive, _rest = ntpath.splitdrive(text)
    if len(drive) >= 2 and drive[0] in _SEPS and drive[1] in _SEPS:
        # \\?\C:\x and \\.\C:\x are local drives; \\?\UNC\host and \\.\UNC\host are not
        flat = text.replace("/", "\\")
        if flat[2:3] in ("?", ".") and flat[3:4] == "\\":
            rest = flat[4:]
            return not (len(rest) >= 2 and rest[1] == ":")
        return True
    return False


def _key_text(path: str) -> str:
    """The text a store is known by: remote paths as written (never resolved: that would
    open them), local ones absolute with every link followed."""
    if is_remote(path):
        return "remote:" + ntpath.normcase(path.strip().replace("/", "\\"))
    real = os.path.realpath(os.path.expanduser(path))
    return "local:" + os.path.normcase(real)


def _load() -> dict:
    try:
        doc = json.loads((trust_dir() / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("salt"), str) or not isinstance(doc.get("stores"), list):
        doc = {"salt": os.urandom(16).hex(), "stores": []}
    return doc


def _digest(salt: str, path: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + _key_text(path).encode("utf-8", "surrogatepass")).hexdigest()


def is_known(path: str | os.PathLike) -> bool:
    """Has this OS account created, signed in to or accepted this store?"""
    doc = _load()
    return _digest(doc["salt"], str(path)) in doc["stores"]


def remember(path: str | os.PathLike) -> None:
    """Add a store to this account's list (atomic, mode 0600). Never raises: a trust
    folder that cannot be written means only that the ribbon asks again next time."""
    with contextlib.suppress(OSError, ValueError):
        doc = _load()
        digest = _digest(doc["salt"], str(path))
        if digest in doc["stores"]:
            return
        doc["stores"].append(digest)
        folder = trust_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".known-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
            os.chmod(tmp, 0o600)
            os.replace(tmp, folder / FILE_NAME)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def default_store() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("cims_xl", appauthor=False)) / "cims.cims"


def same_store(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    return _key_text(str(a)) == _key_text(str(b))


@dataclass(frozen=True)
class Verdict:
    path: str                  # the path as the workbook gives it
    problem: str | None        # why sign-in refuses it (None: it may be opened)
    acceptable: bool = True    # `cims workbook trust` can accept it (not: relative, $CIMS_STORE differs)
    resolved: str | None = None          # the file judged: every link followed, once (None: remote)
    identity: tuple[int, int] | None = None   # its (st_dev, st_ino) when judged (None: not there yet)


def identity_of(path: str | os.PathLike) -> tuple[int, int] | None:
    """(st_dev, st_ino) of a local file, None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def judge(named: str, *, also: str | os.PathLike | None = None) -> Verdict:
    """Whether sign-in may open the store `named` by a workbook (see the module's docstring).
    `also`: a store this run already opened by its own choice (a `cims sync`'s store).

    The path is resolved ONCE here (links followed, `os.path.realpath`); the verdict holds
    that resolved path and the file's identity, and the caller opens exactly that path (its
    key file and lock beside it) and checks the identity again after opening
    (`still_the_judged_file`): a link re-pointed after judging changes nothing. A remote
    spelling is never resolved (that would open it)."""
    named = named.strip()
    env = os.environ.get("CIMS_STORE") or None
    remote_named = is_remote(named)
    if not remote_named and not os.path.isabs(os.path.expanduser(named)):
        return Verdict(named, "a relative path (cims does not guess which folder it is in)", acceptable=False)
    resolved = None if remote_named else os.path.realpath(os.path.expanduser(named))
    ok = Verdict(named, None, resolved=resolved, identity=None if resolved is None else identity_of(resolved))
    judged = named if resolved is None else resolved
    if also is not None and same_store(judged, also):
        return ok
    remote = ("a path on another computer (opening it would send this computer's sign-in to that host)"
              if remote_named else None)
    if env is not None:
        if not is_remote(env) and not os.path.isabs(os.path.expanduser(env)):
            return Verdict(named, f"$CIMS_STORE is a relative path ({env}), which would be looked up in "
                           "whatever folder Excel runs in; set CIMS_STORE to the store's full path",
                           acceptable=False)
        if same_store(judged, env):
            return ok
        return Verdict(named, (remote + ", and " if remote else "") + f"not the store $CIMS_STORE names ({env})",
                       acceptable=False)
    if is_known(judged) or (remote is None and same_store(judged, default_store())):
        return ok
    if remote:
        return Verdict(named, remote + ", which this account has not signed in to")
    return Verdict(named, "a store this account has not signed in to before")


def still_the_judged_file(verdict: Verdict, opened: str | os.PathLike) -> bool:
    """After opening: is `opened` the very file `judge` accepted (same path, same st_dev/st_ino)?"""
    if verdict.resolved is None or os.fspath(opened) != verdict.resolved:
        return False
    return verdict.identity is not None and identity_of(opened) == verdict.identity
