"""The suppression list: an erased person is not added again without an administrator.

When a customer is erased at their request (GDPR Art. 17, PIPL Art. 47), the shop may
still hold the spreadsheet it imported them from. So that importing it again, `cims
customer add` or the workbook's Save do not quietly bring the person back, the erase
keeps their identifiers, and only as keyed digests (never the values):

* email, as the import's duplicate check compares it (domain.duplicates.email_key:
  case, IDNA domains, Gmail's dots and +tags);
* phone and mobile, in E.164 ("+8613800138000").

Digest = keyed BLAKE2b (security.audit.value_digest) under a key derived (HKDF) from
the store's audit key, which backups carry and `rekey` does not change. Without the
key a digest tells nothing; with it, one can only test a value one already knows.

Where the list lives: in the audit trail itself. The `gdpr.erase` entry of an erase
holds "identifiers" (the digests); a restore that brings back a trail without some of
them adds a `gdpr.suppress` entry; an administrator takes one off with `gdpr.allow`
(`allow_again`). The trail is chained and signed, so nobody removes a digest unseen
(`audit verify` names an edited or deleted entry, and a `gdpr.allow` by anyone but an
administrator; such an entry is also ignored here). A partial index
(store migration 10) finds these few entries quickly.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Iterable

import phonenumbers

from ..domain.duplicates import email_key
from ..domain.schema import CUSTOMER
from ..errors import NotFound, ValidationFailed
from ..security.audit import AuditEvent, value_digest
from ..security.keys import subkey
from ..store.db import utcnow
from .session import Session

ERASE = "gdpr.erase"
SUPPRESS = "gdpr.suppress"      # digests a restore carried over from the replaced store
ALLOW = "gdpr.allow"            # an administrator took one identifier off the list
IDENTIFIERS = "identifiers"     # the changes key holding [None, [digest, ...]]
CHECKED = ("email", "phone", "mobile")
ALLOW_COMMAND = "cims gdpr allow-again EMAIL_OR_PHONE"


def _key(session: Session) -> bytes:
    return subkey(session.audit_key, "erased-identifiers")


def _email(value: object) -> str | None:
    if not isinstance(value, str) or "@" not in value:
        return None
    key = email_key(value.strip())
    return key or None


def _phone(value: object, region: str | None = None) -> str | None:
    """E.164 text of a stored or typed number; a number that does not parse keeps its
    digits (with "+" when it had one), so that the same text always gives the same."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[:1] == "+" and text[1:].isdigit() and text[1:].isascii():
        return text          # already E.164, as every validated number is (fast: once per row)
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else (region or "CN"))
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = "".join(c for c in text if c.isdigit())
    return ("+" if text.startswith("+") else "") + digits if len(digits) >= 6 else None


def _digest(key: bytes, kind: str, text: str) -> str:
    return value_digest(key, f"{kind}:{text}")


class _Digester:
    """`_digest` under one key, the keyed state set up once (it runs per imported row)."""

    def __init__(self, key: bytes):
        self._base = {kind: hashlib.blake2b(f"s{kind}:".encode(), digest_size=16, key=key)
                      for kind in ("email", "phone")}

    def __call__(self, kind: str, text: str) -> str:
        h = self._base[kind].copy()
        h.update(text.encode("utf-8"))
        return h.hexdigest()


def _digests(key: bytes, emails: Iterable[object], phones: Iterable[object], region: str | None) -> list[str]:
    out = {_digest(key, "email", e) for v in emails if (e := _email(v))}
    out |= {_digest(key, "phone", p) for v in phones if (p := _phone(v, region))}
    return sorted(out)


def _region(session: Session) -> str | None:
    from .settings import store_region
    return store_region(session)


def erased_identifiers(session: Session, person) -> dict:
    """{"identifiers": [None, [digest, …]]} for the `gdpr.erase` entry of an erase:
    the digests of the emails and phone numbers in `person` (gdpr.PersonValues: the
    erased customer's, its merged duplicates' and its contacts' values, from the store
    and the trail, before they are erased). {} when there are none. Call before the
    entry is written, inside the erase's unit of work."""
    emails = [v for v in person.names if isinstance(v, str) and "@" in v and " " not in v.strip()]
    found = _digests(_key(session), emails, person.phones, _region(session))
    return {IDENTIFIERS: [None, found]} if found else {}


@dataclass
class _Entry:
    customer: str
    at: str          # YYYY-MM-DD of the erase


class ErasedList:
    """The suppression list of a store as its trail says now: digest -> _Entry.
    Falsy when empty (the import then checks nothing per row)."""

    def __init__(self, key: bytes, entries: dict[str, _Entry], region: str | None):
        self._digest, self.entries, self._region = _Digester(key), entries, region

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, values: dict) -> tuple[str, str] | None:
        """(field key, date erased) of the first of the email, phone and mobile in
        `values` (validated values: E.164 phones) that belongs to an erased person; None
        when none does."""
        entries = self.entries
        if not entries:
            return None
        digest, get = self._digest, values.get
        for field in CHECKED:
            v = get(field)
            if not v:
                continue
            if field == "email":
                text, kind = _email(v), "email"
            else:
                text, kind = _phone(v, self._region), "phone"
            if text:
                hit = entries.get(digest(kind, text))
                if hit is not None:
                    return field, hit.at
        return None

    @staticmethod
    def import_reason(day: str) -> str:
        """Why an import rejects a row of a person erased on `day`."""
        return _refusal_text(day, IMPORT_REFUSED)

    def refusal(self, values: dict, action: str) -> ValidationFailed | None:
        """The ValidationFailed (keyed by the field's header) refusing `values` that match
        an erased person, saying `action` ("not imported; remove the row from the file");
        None when they match none."""
        hit = self.match(values)
        if hit is None:
            return None
        field, day = hit
        return ValidationFailed({CUSTOMER.field(field).header: _refusal_text(day, action)})


def _refusal_text(day: str, action: str) -> str:
    return f"matches a person erased on {day} at their request: {action}"


ADD_REFUSED = (f"not added (if they come back and agree, an administrator can allow them again: "
               f"{ALLOW_COMMAND})")
IMPORT_REFUSED = "not imported; remove the row from the file"
EDIT_REFUSED = (f"not saved (if they come back and agree, an administrator can allow them again: "
                f"{ALLOW_COMMAND})")


def _admins(session: Session) -> frozenset[str]:
    return frozenset(u["username"] for u in session.store.fetch_users() if u.get("role") == "admin")


def _listed(changes: object) -> list[str]:
    try:
        pair = json.loads(changes or "{}").get(IDENTIFIERS)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return []
    if not isinstance(pair, list) or len(pair) != 2:
        return []
    return [d for d in (pair[1] or []) if isinstance(d, str)] if isinstance(pair[1], list) else []


def _removed(changes: object) -> list[str]:
    try:
        pair = json.loads(changes or "{}").get(IDENTIFIERS)
    except (ValueError, TypeError, AttributeError, RecursionError):
        return []
    if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], list):
        return []
    return [d for d in pair[0] if isinstance(d, str)]


def _erased_on(changes: object) -> str | None:
    """The erase date a carried-over entry (`carry_over`) names."""
    try:
        pair = json.loads(changes or "{}").get("erased_on")
    except (ValueError, TypeError, AttributeError, RecursionError):
        return None
    return pair[1] if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str) else None


def erased_list(session: Session) -> ErasedList:
    """The store's suppression list, read from its trail (see the module docstring).
    A `gdpr.allow` counts only when an administrator wrote it. Any signed-in user (the
    import, `customer add` and Save check against it); it reveals no value."""
    session.check()
    store = session.store
    entries: dict[str, _Entry] = {}
    admins: frozenset[str] | None = None
    with store.lenient_text():
        rows = list(store.iter_erasures())
    for _seq, at, actor, action, entity_id, changes in rows:
        if action in (ERASE, SUPPRESS):
            day = _erased_on(changes) or (at[:10] if isinstance(at, str) else "?")
            for d in _listed(changes):
                entries.setdefault(d, _Entry(entity_id if isinstance(entity_id, str) else "?", day))
        elif action == ALLOW:
            if admins is None:
                admins = _admins(session)
            if actor in admins:
                for d in _removed(changes):
                    entries.pop(d, None)
    return ErasedList(_key(session), entries, _region(session))


def ensure_not_erased(session: Session, rows: Iterable[dict], action: str = ADD_REFUSED,
                      listed: ErasedList | None = None) -> None:
    """Raise ValidationFailed (keyed by the field's header) for the first of `rows`
    (validated customer values) that matches an erased person; reads the list once."""
    listed = erased_list(session) if listed is None else listed
    if not listed:
        return
    for values in rows:
        refused = listed.refusal(values, action)
        if refused is not None:
            raise refused


def allow_again(session: Session, value: str) -> dict:
    """Take one email or phone number off the suppression list, for a person who was
    erased and has come back and agreed to be kept again (administrators only; audited
    as `gdpr.allow`, naming the erased customer id and the digest, never the value).

    `value`: an email (compared as the import compares them) or a phone number (typed
    without a country code: the store's region). Returns {"allowed": "email"|"phone",
    "erased_customer": id, "erased_on": date}. Raises PermissionDenied, or NotFound
    when no erased person had it."""
    session.ensure("admin", "customer")
    key = _key(session)
    text = (value or "").strip()
    if "@" in text:
        kind, norm = "email", _email(text)
    else:
        kind, norm = "phone", _phone(text, _region(session))
    listed = erased_list(session)
    digest = _digest(key, kind, norm) if norm else None
    hit = listed.entries.get(digest) if digest else None
    if hit is None:
        raise NotFound(f"no erased person had that {kind}; nothing was changed")
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, ALLOW, "customer", hit.customer, None,
                                  {IDENTIFIERS: [[digest], None]})])
        uow.commit()
    return {"allowed": kind, "erased_customer": hit.customer, "erased_on": hit.at}


def _key_check(key: bytes) -> str:
    return hmac.new(key, b"cims erased-identifiers key check", hashlib.sha256).hexdigest()[:32]


def snapshot(session: Session) -> dict:
    """The suppression list to carry into a restored store (`carry_over`): its entries
    by customer and a check of the key they were made with (no key, no value)."""
    listed = erased_list(session)
    by_customer: dict[str, dict] = {}
    for digest, entry in listed.entries.items():
        by_customer.setdefault(entry.customer, {"at": entry.at, "digests": []})["digests"].append(digest)
    return {"key_check": _key_check(_key(session)), "customers": by_customer}


def carry_over(session: Session, taken: dict | None) -> list[str]:
    """Put on the restored store's list (`session` on it) the digests of `taken`
    (`snapshot` of the replaced store) that its trail lacks: people erased after the
    backup was made stay suppressed. One signed `gdpr.suppress` entry per customer;
    nothing when the restored store's key differs (a backup of another store).
    Returns the customer ids carried over. Administrators only (a restore)."""
    session.ensure("admin", "customer")
    if not taken or taken.get("key_check") != _key_check(_key(session)):
        return []
    have = erased_list(session).entries
    events = []
    for cid, item in sorted(taken.get("customers", {}).items()):
        new = sorted(d for d in item["digests"] if d not in have)
        if new:
            events.append(AuditEvent(utcnow(), session.username, SUPPRESS, "customer", cid, None,
                                     {IDENTIFIERS: [None, new], "erased_on": [None, item["at"]]}))
    if events:
        with session.unit_of_work() as uow:
            session.audit(events)
            uow.commit()
    return [ev.entity_id for ev in events]
