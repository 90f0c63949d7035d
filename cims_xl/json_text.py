"""Compact JSON text of the bulk writes (an import's rows, their audit entries), made
by orjson where it writes what the standard library's encoder would, else by `json`.

An import of 100,000 customers encodes every row three times (the one-statement insert's
parameter, the audit entry's values and its personal part); orjson does that about five
times faster than `json.JSONEncoder`, on the one process that bounds the import's time.
What orjson refuses (a lone surrogate in a string, an integer beyond 64 bits, a dict
key that is not text) is left to `json`; datetimes and dataclasses go to `default` as
`json` hands them. The values encoded here hold no floats (records as the store keeps
them): a float would be spelled differently ("1e16" for "1e+16") and a NaN written as
null, where `json` writes NaN.
"""

from __future__ import annotations

import json
from typing import Any, Callable

try:  # a wheel for every platform cims supports; without it the standard encoder does all
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    orjson = None

# Types orjson would write in its own way (datetimes as RFC 3339, dataclasses as
# objects): handed to `default` as `json` hands them.
_PASSTHROUGH = 0 if orjson is None else (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS)


def compact_encoder(*, default: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """A function obj -> JSON text equal in value to `json.JSONEncoder(separators=(",", ":"),
    ensure_ascii=False, default=default).encode(obj)`, for values that hold no float
    (records as the store keeps them: text, integers, None, amounts as text or integer
    cents, dates as text; lists and dicts of them): orjson writes a NaN or an infinity
    as null where `json` writes NaN, and the text is not checked for one.

    Raises what that encoder raises (TypeError for a value it cannot write)."""
    slow = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=default, check_circular=False)
    if orjson is None:
        return slow.encode
    dumps, failed = orjson.dumps, orjson.JSONEncodeError

    def encode(obj: Any) -> str:
        try:
            return dumps(obj, default=default, option=_PASSTHROUGH).decode("utf-8")
        except failed:
            return slow.encode(obj)

    return encode
