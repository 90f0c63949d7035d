"""Password policy: at least 12 characters, not a common password, not the user name.

Also how a password becomes the bytes the key derivation gets (`password_bytes`):

* Text only. Bytes that were not text in the terminal's encoding reach Python as lone
  surrogates (PEP 383) from $CIMS_PASSWORD or stdin, or as a UnicodeDecodeError at a
  prompt; no UTF-8 encoding exists for them. That is a typing problem, not a wrong
  password and not a damaged key file: ValidationFailed saying so (the bytes are never
  repeated: they are a secret), raised before any derivation, so it is no attempt.
* Unicode-normalised to NFKC (NIST SP 800-63B §5.1.1.2), when set and when typed:
  `Café` typed as e + U+0301 (macOS, some input methods) is the same password as the
  precomposed é. A slot made before that (no "text" mark) is tried with the text
  as typed, then composed and decomposed (keys.KeyFile.unlock_keys), and rewrapped NFKC.
"""

from __future__ import annotations

import functools
import importlib.resources
import unicodedata

from ..errors import ValidationFailed

MIN_LENGTH = 12
PASSWORD_FORM = "NFKC"          # NIST SP 800-63B §5.1.1.2: NFKC or NFKD


def not_text_reason(encoding: str = "UTF-8") -> str:
    return (f"holds bytes that are not {encoding} text (not shown: it is a secret); set the terminal to "
            f"{encoding} and type it again")


def password_text(password: str, where: str = "Password") -> str:
    """`password` unchanged when it is text; ValidationFailed naming `where` when it holds
    bytes that were not text (lone surrogates, PEP 383). Never shows the value."""
    if not isinstance(password, str):
        raise ValidationFailed({where: "must be text"})
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed({where: not_text_reason()}) from None
    return password


def normalised(password: str) -> str:
    """The password as it is kept: text (password_text) in NFKC."""
    return unicodedata.normalize(PASSWORD_FORM, password_text(password))


def password_bytes(password: str, form: str | None = PASSWORD_FORM) -> bytes:
    """What the key derivation gets: UTF-8 of the NFKC form (form=None: as given, for a
    slot made before passwords were normalised)."""
    text = password_text(password)
    return (unicodedata.normalize(form, text) if form else text).encode("utf-8")


@functools.cache
def _common() -> frozenset[str]:
    text = importlib.resources.files("cims_xl.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str = "") -> None:
    """Raise ValidationFailed with a plain reason if the password is too weak (judged in
    the form it is kept: NFKC)."""
    password = normalised(password)
    if len(password) < MIN_LENGTH:
        raise ValidationFailed({"Password": f"must be at least {MIN_LENGTH} characters"})
    low = password.lower()
    if low in _common():
        raise ValidationFailed({"Password": "is on the list of common passwords; choose another"})
    if len(set(password)) <= 2:
        raise ValidationFailed({"Password": "uses too few different characters"})
    if username and username.lower() in low:
        raise ValidationFailed({"Password": "must not contain the user name"})
