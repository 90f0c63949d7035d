"""Password policy: at least 12 characters, not a common password, not the user name."""

from __future__ import annotations

import functools
import importlib.resources

from ..errors import ValidationFailed

MIN_LENGTH = 12


@functools.cache
def _common() -> frozenset[str]:
    text = importlib.resources.files("cims_xl.data").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str = "") -> None:
    """Raise ValidationFailed with a plain reason if the password is too weak."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed({"Password": f"must be at least {MIN_LENGTH} characters"})
    low = password.lower()
    if low in _common():
        raise ValidationFailed({"Password": "is on the list of common passwords; choose another"})
    if len(set(password)) <= 2:
        raise ValidationFailed({"Password": "uses too few different characters"})
    if username and username.lower() in low:
        raise ValidationFailed({"Password": "must not contain the user name"})
