"""Signatures over the audit trail, and replaying it to check who may have done what.

The HMAC chain in `security.audit` is keyed by a key every user holds once signed in,
so on its own it proves nothing against an insider. On top of it:

* **Each write is signed by its author.** A unit of work appends entries
  first_seq..last_seq; its author signs (Ed25519, RFC 8032) the newest entry's MAC,
  which chains every entry before it, together with the digest of the stored row of
  every record the write touched (its *state*; None for a record removed):
  ``sign(canonical(["cims-audit-sig-1", store_id, first, last, mac, signer,
  sha256(states)]))``. Erasing a person rewrites values but not MACs (they cover keyed
  digests of personal values), so erased entries still verify.
* **Users are what administrators signed.** Replaying the trail from the start
  rebuilds each user's role, disabled flag, signing key and key-slot key from the
  `user.*` entries. Only an administrator (by the replayed roles) may create users,
  change roles, disable users or reset someone else's password; a user without a
  key yet may enrol their own once (`user.key`, for stores made before signatures).
  The users table and the key file must match the replay.
  Only the `user.*` actions cims writes count, each for its own attributes
  (`USER_ACTIONS`); an entry signed by a user disabled at that point is named.
* **Records are what the trail signed.** The newest signed state of every record
  must be the row in the store; record actions come from an allow-list and are checked
  against the roles with each record's owner as the trail's values make it; the
  author columns and owner of each stored record must match the signed entries; an
  `[erased]` value needs an administrator's erase of that record.
* **Settings are what administrators wrote**: currency, SLA targets, phone region, exchange rates,
  import authors.

Like a ledger database's client (immudb, Certificate Transparency's signed tree
heads), each OS account pins the newest head it saw outside the store
(`security.trust`), so a cut or rewritten trail is named even when the rewrite is
internally consistent.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..domain.schema import ENTITIES, SOURCE_TAG
from .audit import ERASED, GENESIS, canonical, entry_records, is_bulk, loads, marker_rewrites, write_mac
from .roles import allowed
from .trust import COPY_HINT, fingerprint

SIG_CONTEXT = "cims-audit-sig-1"
# In a write's states, "<" + record id: the record's row as the write found it, before its
# first change (a record id never begins with "<"). Verify checks it against the state
# the trail signed last, so a change made outside cims is named even after a later
# honest write signed the record's new state.
BEFORE_MARK = "<"
USER_ADMIN_ACTIONS = ("user.create", "user.role", "user.disable", "user.enable")
BASELINE = "trust.baseline"
ENROL = "user.key"
# Record actions and the permission each needs (security.roles); None: any user may.
# An administrator setting an opportunity's stage history outright (the demo's back-dated
# paths): changes {"stage_history": [None, [[from, to, "YYYY-MM-DDTHH:MM:SSZ"], ...]]}.
STAGE_HISTORY_SET = "stage_history.set"
_RECORD_PERMISSION = {"create": "create", "update": "update", "delete": "delete", "restore": "delete",
                      "merge": "merge", "erase": "admin", "undo": "import", "import": "import",
                      "import.undo": "import", "rfm": "update", "export": "export", "gdpr.erase": "admin",
                      "denied": None, STAGE_HISTORY_SET: "admin",
                      # the suppression list (services.suppression): a restore carries it, an admin allows again
                      "gdpr.suppress": "admin", "gdpr.allow": "admin"}
# Actions only written about customers (merge also about the records it moves).
_CUSTOMER_ONLY = frozenset({"rfm", "export", "gdpr.erase", "gdpr.suppress", "gdpr.allow"})
# Of those, the ones also written about a contact person (erased or exported on their own).
_PERSON_ACTIONS = frozenset({"export", "gdpr.erase"})
# Actions that change a record (its updated_by is then their author).
_MODIFYING = frozenset({"create", "update", "delete", "restore", "merge", "erase", "undo", "rfm"})
_OWNER_FIELD = {"customer": "owner", "opportunity": "owner"}
_CUSTOMER_OWNED = frozenset({"contact", "interaction", "order"})
# user.* (and sign-in) actions: the attributes each may change, and who may write it.
#   "admin": an administrator; "self_or_admin": the user or an administrator; "self": the user.
USER_ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "user.create": (frozenset({"role", "sign_key", "slot_key", "display_name"}), "admin"),
    "user.role": (frozenset({"role"}), "admin"),
    "user.disable": (frozenset({"disabled"}), "admin"),
    "user.enable": (frozenset({"disabled"}), "admin"),
    "user.password": (frozenset({"sign_key", "slot_key"}), "self_or_admin"),
    "user.totp": (frozenset({"totp", "totp_digest"}), "self_or_admin"),
    ENROL: (frozenset({"sign_key", "slot_key"}), "self"),
    "sign-in": (frozenset({"failed_attempts_before"}), "self"),
    "sign-out": (frozenset(), "self"),
}
# Store-wide settings kept outside records: written by administrators, replayed.
SETTINGS_ACTIONS = ("settings.currency", "settings.fx", "settings.sla", "settings.region")
# Triggers and views cims did not make, removed before a write (store.schema_guard):
# {"objects": [None, [{"what", "type", "name", "table", "schema", "sql_digest"}, ...]]}.
SCHEMA_REPAIR = "schema.repair"
# An administrator accepting what verify named: {"accepted_erases": [None, [[first, last], ...]]}.
ACCEPT = "trust.accept"
# Why an erase in a copy of the store went unsigned, as `gdpr.erase` records it
# ({"unsigned": [None, code]}); see services.erase_copies.
UNSIGNED_WHY = {
    "not-a-user": "{actor} was not a user of the store when that backup was made",
    "not-admin": "{actor} was not an administrator when that backup was made",
    "no-key": "{actor} had no signing key yet when that backup was made",
    "other-key": "{actor}'s signing key in that backup is an older one (their password was reset since)",
}
MAX_LISTED = 20     # record problems listed one by one; the rest are counted


def _new_value(changes: dict | None, key: str) -> Any:
    """The value an entry's changes give `key` ([before, after]), or None."""
    pair = (changes or {}).get(key)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _changes_dict(changes_s: str | None) -> dict | None:
    """An entry's changes as a dict, or None when they are not a JSON object."""
    try:
        changes = loads(changes_s or "{}")
    except ValueError:
        return None
    return changes if isinstance(changes, dict) else None


def states_text(states: dict[str, str | None]) -> str:
    """The states as stored and signed: JSON, sorted by record id (ids and digests are ASCII)."""
    return json.dumps(states, sort_keys=True, separators=(",", ":"))


def _message(store_id: str, first: int, last: int, mac: str, signer: str, states_s: str) -> bytes:
    return canonical([SIG_CONTEXT, store_id, first, last, mac, signer,
                      hashlib.sha256(states_s.encode("utf-8")).hexdigest()])


def sign_write(key: Ed25519PrivateKey, store_id: str, first: int, last: int, mac: str, signer: str,
               states: dict[str, str | None]) -> tuple[str, str]:
    """(states JSON, base64 signature) for one write's entries first..last."""
    states_s = states_text(states)
    sig = key.sign(_message(store_id, first, last, mac, signer, states_s))
    return states_s, base64.b64encode(sig).decode("ascii")


def signature_ok(public_b64: str, store_id: str, first: int, last: int, mac: str, signer: str,
                 states_s: str, sig_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64)).verify(
            base64.b64decode(sig_b64), _message(store_id, first, last, mac, signer, states_s))
        return True
    except (InvalidSignature, ValueError):
        return False


def detached_ok(public_b64: str, message: bytes, sig_b64: str) -> bool:
    """Whether `sig_b64` is an Ed25519 signature (RFC 8032) of `message` by the public
    key `public_b64` (both base64; anything malformed is False)."""
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True)).verify(
            base64.b64decode(sig_b64, validate=True), message)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def totp_digest(key: bytes, secret: str | None) -> str | None:
    """Keyed digest (HMAC-SHA256 with the audit key) of a TOTP secret, as `user.totp`
    entries record it; None for no secret."""
    if not secret:
        return None
    return hmac.new(key, b"cims-totp-1\x00" + secret.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class UserState:
    role: str | None = None
    disabled: bool = False
    sign: str | None = None      # Ed25519 public key, base64
    slot: str | None = None      # X25519 key-slot public key, base64
    disabled_at: int | None = None
    display: str | None = None   # display name, when the trail recorded it
    totp: bool | None = None     # second factor on (None: the trail does not say)
    totp_digest: str | None = None
    created_by: str | None = None
    signed_keys: set = field(default_factory=set)   # every Ed25519 key signed entries gave them


@dataclass
class RecordState:
    """What the trail says about one record (for owners and meta columns)."""
    kind: str
    owner: str | None = None
    customer_id: str | None = None
    customers: set = field(default_factory=set)     # every customer it was ever under
    created_by: str | None = None                   # set only by a signed create
    last_by: str | None = None                      # author of the newest signed change
    deleted: bool = False
    deleted_by: str | None = None
    removed: bool = False


# What cims's erase writes, and nothing else: an unsigned run of `erase` entries is taken
# for cims's own erase in a backup (CopyErase) only when each change takes a value of a
# record's own field (never its owner, links, amounts, statuses or bookkeeping) from the
# marker to nothing, to the marker, or to free text with the marker in it.
_ERASE_KINDS = frozenset({"text", "name", "email", "phone", "tags", "date", "datetime", "bool"})


def _erased_value(kind: str | None, key: str, pair: object) -> bool:
    """Whether one change of an `erase` entry is one cims's erase makes (see above)."""
    if not (isinstance(pair, list) and len(pair) == 2 and pair[0] == ERASED):
        return False
    ent = ENTITIES.get(kind or "")
    try:
        field = ent.field(key) if ent is not None else None
    except KeyError:
        return False
    if field is None or field.kind not in _ERASE_KINDS:
        return False
    after = pair[1]
    if after in (None, "", ERASED) or (isinstance(after, str) and ERASED in after):
        return True
    # tags: the ones left once the person's (old-system ids "src:…", their name) are gone
    return field.kind == "tags" and isinstance(after, str) and SOURCE_TAG not in after.casefold()


@dataclass
class CopyErase:
    """A run of unsigned entries that is, by its content and place, cims's own GDPR erase
    of one customer written into a backup (or another copy of the store) that the
    erasing administrator could not sign: `erase` entries of records, then `gdpr.erase`
    of the customer, by one author, each erase turning values into the marker, followed
    (after other such runs) by an administrator's signed `restore` of that backup."""
    first: int
    last: int
    actor: str
    at: str
    customer: str
    records: dict[str, str]          # record id -> kind
    why: str
    accepted: tuple[str, int] | None = None     # (administrator, entry) of the `trust.accept`

    @property
    def label(self) -> str:
        return f"#{self.first}" if self.first == self.last else f"#{self.first}–#{self.last}"

    def problem(self) -> str:
        return (f"entries {self.label} are cims's own erase of {self.customer} in a backup, written by "
                f"{self.actor} on {self.at[:10]} without a signature ({self.why}); if {self.actor} erased "
                f"{self.customer} then, run `cims audit accept` to accept them")

    def note(self) -> str:
        who, seq = self.accepted or ("?", 0)
        return (f"entries {self.label} are cims's own erase of {self.customer} in a backup by {self.actor} "
                f"on {self.at[:10]}, not signed; {who} accepted them at entry #{seq}")


@dataclass
class Replay:
    """Feed it every audit row in order (`feed`), then `finish` with what the store holds."""

    store_id: str
    signed_from: int | None
    sigs: dict[int, tuple[int, int, str, str, str]]          # first_seq -> sig row
    pin: dict | None = None
    # What sign-in found wrong with the pinned head before it wrote anything (it then
    # stands for the head comparison, which the sign-in entry would blur).
    head_problem: str | None = None
    users: dict[str, UserState] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    states: dict[str, tuple[str | None, int, str]] = field(default_factory=dict)  # rid -> (digest, seq, by)
    unsigned: int = 0
    unsigned_until: str | None = None
    last_seq: int = 0
    last_mac: str | None = None
    pinned_mac_seen: str | None = None
    keys_at_pin: dict[str, str | None] | None = None
    _open: tuple[int, int, str, str, str] | None = None
    _used: set[int] = field(default_factory=set)
    _failed: list[list] = field(default_factory=list)     # [first, last, {signer}] runs
    _range_ok: bool = True
    _in_first_write: bool = False
    _write_changed: set = field(default_factory=set)   # records the open write's entries change
    records: dict[str, RecordState] = field(default_factory=dict)
    batches: dict[str, str] = field(default_factory=dict)          # batch id -> who imported it
    erased_seen: dict[str, int] = field(default_factory=dict)      # record id -> first entry holding [erased]
    erased_ok: set = field(default_factory=set)                    # records an administrator erased
    erased_customers: set = field(default_factory=set)             # customers an administrator erased
    # The audit key: with it a value reading `[erased]` counts as erased only when its keyed
    # digest is of another value (audit.marker_rewrites), never when a user typed that text.
    audit_key: bytes | None = None
    currency: str | None = None                                    # None: the trail does not say
    sla: Any = None
    region: str | None = None                                      # the phone region set (settings.region)
    fx: dict[str, tuple[str, str]] = field(default_factory=dict)   # "USD/CNY from 2024-01-01" -> (rate, by)
    # opportunity id -> its stage changes as the trail has them: (from, to, at to the second, by)
    stages: dict[str, list[tuple]] = field(default_factory=dict)
    copy_erases: list[CopyErase] = field(default_factory=list)
    _loose: list[tuple] = field(default_factory=list)       # unsigned erase entries not yet judged
    _loose_records: dict[str, int] = field(default_factory=dict)  # record -> first entry of its CopyErase
    # Signed `schema.repair` entries: [seq, actor, what was removed, (admin, seq) of a later accept]
    schema_repairs: list[list] = field(default_factory=list)
    # The signing keys the key file's slots hold now (user -> base64), given before the walk:
    # a write signed with one the trail did not give its user is that slot's doing.
    slot_keys: dict[str, str | None] = field(default_factory=dict)
    # user -> the entries written with a slot replaced outside cims: [first, last] runs
    _slot_entries: dict[str, list[list[int]]] = field(default_factory=dict)

    # -- the walk --

    def feed(self, row: tuple) -> None:
        seq, at, actor, action, entity, entity_id, batch, changes_s, digests_s, _prev, mac = row
        self.last_seq, self.last_mac = seq, mac
        signed = self.signed_from is not None and seq >= self.signed_from
        loose = False
        if not signed:
            self.unsigned += 1
            self.unsigned_until = at
        elif (self._open is None and seq not in self.sigs and action in ("erase", "gdpr.erase")
              and entity in ENTITIES):
            # Perhaps an erase cims wrote into a backup it could not sign: judged as a run.
            loose = True
            self._loose.append((seq, at, actor, action, entity, entity_id, changes_s))
        else:
            self._end_loose(restored=action == "restore" and entity is None
                            and self.users.get(actor, UserState()).role == "admin")
            self._check_covered(seq, actor)
            who = self.users.get(actor)
            if who is not None and who.disabled and action != "sign-out":
                since = f" at entry #{who.disabled_at}" if who.disabled_at else ""
                self.problems.append(f"entry #{seq}: {actor} wrote it, but was disabled{since} "
                                     "(a disabled user kept writing)")
        if entity in ENTITIES:
            per_record = self._apply_record(seq, actor, action, entity, entity_id, batch, changes_s, digests_s,
                                            signed and not loose)
            if entity == "opportunity":
                self._apply_stages(at, actor, action, entity_id, changes_s, per_record)
        elif entity is None and action in SETTINGS_ACTIONS + ("init",):
            self._apply_setting(seq, actor, action, changes_s, signed)
        self._apply(seq, actor, action, entity, entity_id, changes_s, signed)
        if action == SCHEMA_REPAIR and entity is None and signed:
            self.schema_repairs.append([seq, actor, _schema_objects(changes_s), None])
        if action == ACCEPT and signed and self._open is not None:
            self._accept(seq, actor, changes_s)
        if signed and self._open is not None and self._open[1] == seq:
            self._check_signature(mac)
        pin = self.pin
        if pin and seq == pin["head"][0]:
            self.pinned_mac_seen = mac
        if pin and seq == pin.get("keys_at"):
            self.keys_at_pin = {u: fingerprint(s.sign) for u, s in self.users.items() if s.sign}

    def _end_loose(self, restored: bool = False) -> None:
        """Judge the unsigned erase entries just walked. When the next entry is an
        administrator's `restore` (`restored`: the trail is a backup's, put back), each
        run that ends with the `gdpr.erase` of its customer is a CopyErase; any other
        entry is unsigned."""
        run, self._loose = self._loose, []
        if not restored:
            self._not_signed(run)
            return
        start = 0
        for i, entry in enumerate(run):
            if entry[3] == "gdpr.erase":
                part, start = run[start:i + 1], i + 1
                found = self._copy_erase(part)
                if found is None:
                    self._not_signed(part)
                else:
                    self.copy_erases.append(found)
        self._not_signed(run[start:])

    def _not_signed(self, entries: list[tuple]) -> None:
        for entry in entries:
            self.problems.append(f"entry #{entry[0]} is not signed by anyone (written outside cims, "
                                 "or its signature was removed)")

    def _copy_erase(self, run: list[tuple]) -> CopyErase | None:
        """The run as cims's erase of one customer in a copy, or None when it is not one."""
        last = run[-1]
        actor, customer, final = last[2], last[5], _changes_dict(last[6]) or {}
        if last[4] != "customer" or not customer:
            return None
        records: dict[str, str] = {}
        for seq, _at, who, action, kind, rid, changes_s in run[:-1]:
            changes = _changes_dict(changes_s)
            if who != actor or action != "erase" or not rid or is_bulk(rid) or not changes or not all(
                    _erased_value(kind, f, p) for f, p in changes.items()):
                return None
            records[rid] = kind
        if customer not in records:          # cims's erase always blanks the customer itself
            return None
        code = (final.get("unsigned") or [None, None])[1]
        if code in UNSIGNED_WHY:
            why = UNSIGNED_WHY[code].format(actor=actor)
        elif self.users.get(actor, UserState()).role is None:
            why = UNSIGNED_WHY["not-a-user"].format(actor=actor)
        else:
            why = "the version of cims that wrote it did not sign erases in backups"
        for rid in records:
            self._loose_records[rid] = run[0][0]
            self.erased_ok.add(rid)
        self.erased_customers.add(customer)
        return CopyErase(run[0][0], last[0], actor, last[1] or "", customer, records, why)

    def _accept(self, seq: int, actor: str, changes_s) -> None:
        """A signed `trust.accept` by an administrator accepts the CopyErase runs it names
        (its signature then holds the state of their records) and every schema repair
        before it."""
        if self.users.get(actor, UserState()).role != "admin":
            return
        for rep in self.schema_repairs:
            if rep[3] is None:
                rep[3] = (actor, seq)
        named = (_changes_dict(changes_s) or {}).get("accepted_erases")
        spans = named[1] if isinstance(named, list) and len(named) == 2 and isinstance(named[1], list) else []
        for run in self.copy_erases:
            if run.accepted is None and [run.first, run.last] in spans:
                run.accepted = (actor, seq)
                self._write_changed.update(run.records)

    def pending_copy_erases(self) -> list[CopyErase]:
        """The CopyErase runs no administrator has accepted yet (after `finish`)."""
        return [run for run in self.copy_erases if run.accepted is None]

    def _check_covered(self, seq: int, actor: str) -> None:
        if self._open is None:
            sig = self.sigs.get(seq)
            if sig is None:
                self.problems.append(f"entry #{seq} is not signed by anyone (written outside cims, "
                                     "or its signature was removed)")
                return
            self._open, self._range_ok = sig, True
            self._write_changed = set()
            self._used.add(seq)
            self._in_first_write = seq == self.signed_from
        if actor != self._open[2]:
            self.problems.append(f"entry #{seq} names {actor} as its author, but the write it is part of "
                                 f"was signed by {self._open[2]}")
            self._range_ok = False

    def _check_signature(self, mac: str) -> None:
        first, last, signer, states_s, sig = self._open   # type: ignore[misc]
        self._open = None
        baseline, self._in_first_write = self._in_first_write, False
        key = self.users.get(signer, UserState()).sign
        label = f"#{first}" if first == last else f"#{first}–#{last}"
        if key is None:
            self.problems.append(f"entries {label} are signed by {signer}, whose signing key no "
                                 "administrator vouched for in the trail")
            return
        real = None
        ok = signature_ok(key, self.store_id, first, last, mac, signer, states_s, sig)
        if not ok:
            # Whose key did sign it? A signature that verifies under another user's key over
            # these very entries is no rewrite: that user wrote them in the name of `signer`
            # (a session whose user name was changed in Python). Name who signed, not only
            # whom the entry claims.
            real = next((name for name, user in sorted(self.users.items()) if name != signer
                         and user.sign and signature_ok(user.sign, self.store_id, first, last, mac, signer,
                                                        states_s, sig)), None)
            if real is not None:
                one = first == last
                self.problems.append(f"entr{'y' if one else 'ies'} {label} {'was' if one else 'were'} signed with "
                                     f"{real}'s key, claim{'s' if one else ''} {signer}: {real} wrote "
                                     f"{'it' if one else 'them'} in {signer}'s name (a session whose user name "
                                     "was changed)")
        if not ok and real is None and self._by_replaced_slot(signer, key, first, last, mac, states_s, sig):
            ok = True       # named once, with its cause (`_check_users`)
        if not ok and real is None:
            # Every later signature covers this entry too (through the chain): one run of
            # failures is one rewrite, named once at its start.
            run = self._failed[-1] if self._failed else None
            if run is not None and run[1] == first - 1:
                run[1] = last
                run[2].setdefault(signer, None)
            else:
                self._failed.append([first, last, {signer: None}])
        try:
            states = loads(states_s)
        except ValueError:
            return
        if not isinstance(states, dict):
            return
        for key, digest in states.items():
            if not isinstance(key, str) or not key.startswith(BEFORE_MARK) or baseline:
                continue
            rid = key[len(BEFORE_MARK):]
            was = self.states.get(rid)
            if (was[0] if was else None) != digest:
                self.problems.append(
                    f"record {rid} was changed outside cims before entries {label} ({signer}) changed it: "
                    + ("the trail had signed no state of it" if was is None else
                       f"its row was not the one signed last (#{was[1]}, {was[2]})"))
        for rid, digest in states.items():
            if isinstance(rid, str) and rid.startswith(BEFORE_MARK):
                continue
            before = self.states.get(rid)
            if not baseline and rid not in self._write_changed and (before[0] if before else None) != digest:
                self.problems.append(f"entries {label} ({signer}) change record {rid} without an entry that "
                                     "changes it (a read, a refusal or an import entry used as cover)")
            self.states[rid] = (digest, last, signer)
            self._loose_records.pop(rid, None)

    def _by_replaced_slot(self, signer: str, key: str | None, first: int, last: int, mac: str,
                          states_s: str, sig: str) -> bool:
        """Whether entries #first–#last were signed with the key the signer's slot holds now
        while the trail gave her another (the slot was replaced outside cims, an older key
        file put back, say): noted under that cause, not as a rewrite of the trail."""
        slot = self.slot_keys.get(signer)
        if not slot or slot == key or not signature_ok(slot, self.store_id, first, last, mac, signer,
                                                       states_s, sig):
            return False
        self._note_slot_entries(signer, first, last)
        return True

    def _note_slot_entries(self, name: str, first: int, last: int) -> None:
        runs = self._slot_entries.setdefault(name, [])
        if runs and runs[-1][1] >= first - 1:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])

    # -- users --

    def _apply(self, seq: int, actor: str, action: str, entity, entity_id, changes_s, signed: bool) -> None:
        if action == BASELINE:
            if signed and not self._in_first_write:
                self.problems.append(f"entry #{seq}: {actor} rewrote the list of users ({BASELINE} is only "
                                     "written once, when a store is first opened by this version)")
                return
            snapshot = _after(changes_s, "users") or {}
            for name, values in snapshot.items():
                st = self.users.setdefault(name, UserState())
                st.role, st.disabled = values.get("role"), bool(values.get("disabled"))
                st.totp = st.totp_digest = None
            return
        if entity != "user" or not (action.startswith("user.") or action in USER_ACTIONS):
            return
        changes = _changes_dict(changes_s)
        if changes is None:
            return
        actor_role = self.users.get(actor, UserState()).role
        target = self.users.get(entity_id) if entity_id else None
        rule = USER_ACTIONS.get(action)
        if signed:
            if rule is None:
                self.problems.append(f"entry #{seq}: {actor} ({actor_role or 'not a user'}) wrote a "
                                     f"'{action}' entry about user {entity_id}, which cims never writes")
                return
            extra = sorted(set(changes) - rule[0])
            if extra:
                self.problems.append(f"entry #{seq}: {actor}'s {action} entry about {entity_id} also changes "
                                     f"{', '.join(extra)}, which {action} never changes")
                return
            why = self._refusal(action, actor, actor_role, entity_id or "", target, changes)
            if (why and action == ENROL and actor == entity_id and target is not None and target.sign
                    and _new_value(changes, "sign_key") == self.slot_keys.get(entity_id) != target.sign):
                # A sign-in of an older version recorded the key of a slot replaced outside
                # cims as the user's: that replacement is the cause (`_check_users`).
                self._note_slot_entries(entity_id, seq, seq)
                return
            if why:
                self.problems.append(f"entry #{seq}: {actor} ({actor_role or 'not a user'}) {why}")
                return
        if rule is None or not entity_id:
            return
        st = self.users.setdefault(entity_id, UserState())
        # Keys come only from signed entries: an unsigned one vouches for nothing.
        fields = [("role", "role"), ("disabled", "disabled"), ("display_name", "display"),
                  ("totp", "totp"), ("totp_digest", "totp_digest")]
        if signed:
            fields += [("sign_key", "sign"), ("slot_key", "slot")]
        for key, attr in fields:
            if key in changes and key in rule[0] and isinstance(changes[key], list) and len(changes[key]) == 2:
                setattr(st, attr, changes[key][1])
                if attr == "sign" and isinstance(changes[key][1], str):
                    st.signed_keys.add(changes[key][1])
        if action == "user.create":
            st.created_by = actor if signed else None
            st.totp, st.totp_digest = False, None
            st.disabled = False
        if action == "user.totp" and "totp_digest" not in changes:
            st.totp_digest = None    # an older entry: on or off, secret unknown
        if action == "user.disable":
            st.slot = None
            st.disabled_at = seq

    # -- records --

    def _apply_record(self, seq: int, actor: str, action: str, kind: str, entity_id, batch,
                      changes_s, digests_s, signed: bool) -> dict:
        ent = ENTITIES[kind]
        role = self.users.get(actor, UserState()).role
        known = action in _RECORD_PERMISSION and (action not in _CUSTOMER_ONLY or kind == "customer"
                                                  or (action in _PERSON_ACTIONS and kind == "contact"))
        if action == "merge":
            known = kind == "customer" or any(f.key == "customer_id" for f in ent.fields)
        if signed and not known:
            self.problems.append(f"entry #{seq}: {actor} ({role or 'not a user'}) wrote a '{action}' entry "
                                 f"about a {ent.label}, which cims never writes")
        try:
            per_record = entry_records(entity_id, changes_s, digests_s) if action in _MODIFYING else {}
        except (ValueError, AttributeError):
            per_record = {}
        if action == "import" and entity_id:
            self.batches.setdefault(entity_id, actor)
        permission = _RECORD_PERMISSION.get(action) if known else None
        if signed and permission is not None:
            if role is None:
                ok = False
            elif action in ("create", "update", "rfm", "undo", "merge") and per_record:
                ok = allowed(role=role, action=permission, kind=kind, actor=actor) if action in (
                    "undo", "merge") else True
                for rid, fields in per_record.items():
                    ok = ok and all(allowed(role=role, action="create" if action == "create" else "update",
                                            kind=kind, owner=o, actor=actor)
                                    for o in self._owners(kind, rid, fields, action == "create"))
            else:
                ok = allowed(role=role, action=permission, kind=kind, actor=actor)
            if not ok:
                which = f" {entity_id}" if entity_id and not is_bulk(entity_id) else ""
                self.problems.append(f"entry #{seq}: {actor} ({role or 'not a user'}) may not "
                                     f"{action} the {ent.label}{which}, yet the trail says they did")
        if signed and action == "merge":
            # A merge moves records to the kept customer (Customer ID only) and fills the
            # kept customer's blanks (fields a user may edit): nothing else, never a
            # value cims computes (a ticket's due times).
            for rid, fields in per_record.items():
                if not isinstance(fields, dict):
                    continue
                odd = sorted(k for k in fields if (k != "customer_id" if kind != "customer" else
                                                   any(f.key == k and not f.editable for f in ent.fields)))
                if odd:
                    self.problems.append(f"entry #{seq}: {actor} wrote a merge of {rid} that changes "
                                         f"{', '.join(odd)}, which a merge never changes")
        if signed and batch and action in ("create", "update"):
            owner = self.batches.get(batch)
            if owner is not None and owner != actor:
                self.problems.append(f"entry #{seq}: {actor} attached {ent.label} records to import {batch}, "
                                     f"which {owner} made (an undo of it would remove them as {owner})")
        is_admin = role == "admin"
        if action == "gdpr.erase" and is_admin and entity_id:
            self.erased_customers.add(entity_id)
        rewritten: set | None = None
        for rid, fields in per_record.items():
            if not isinstance(fields, dict):
                continue
            if action == "erase":
                if is_admin:
                    self.erased_ok.add(rid)
            elif any(isinstance(p, list) and ERASED in p for p in fields.values()):
                if rewritten is None:
                    try:
                        rewritten = (set(per_record) if self.audit_key is None else
                                     marker_rewrites(self.audit_key, entity_id, changes_s, digests_s))
                    except (ValueError, TypeError, AttributeError):
                        rewritten = set(per_record)
                if rid in rewritten:
                    self.erased_seen.setdefault(rid, seq)
            if action == "create" and signed and rid in self.records and not self.records[rid].removed:
                self.problems.append(f"entry #{seq}: {actor} wrote a creation of {rid}, which already exists "
                                     "(its history and owner would be taken over)")
                continue
            self._track(rid, kind, action, actor, fields, signed)
            if signed:
                self._write_changed.add(rid)
        return per_record

    def _apply_stages(self, at: str, actor: str, action: str, entity_id, changes_s,
                      per_record: dict) -> None:
        """Each stage an opportunity entered, as cims writes it beside the record
        (records.create_many / update): one row per change, at the entry's time."""
        when = (at or "")[:19] + "Z"
        if action == STAGE_HISTORY_SET and entity_id and self.users.get(actor, UserState()).role == "admin":
            try:
                rows = loads(changes_s or "{}").get("stage_history", [None, []])[1]
                self.stages[entity_id] = [(a, b, t, actor) for a, b, t in rows]
            except (ValueError, TypeError, AttributeError):
                self.stages[entity_id] = [("?", "?", when, actor)]    # named at finish
            return
        if action not in ("create", "update", "undo"):
            return
        for rid, fields in per_record.items():
            pair = fields.get("stage") if isinstance(fields, dict) else None
            if isinstance(pair, list) and len(pair) == 2 and pair[1] is not None and pair[0] != pair[1]:
                self.stages.setdefault(rid, []).append(
                    (None if action == "create" else pair[0], pair[1], when, actor))

    def _check_stage_history(self, rows: Iterable[dict]) -> None:
        stored: dict[str, list[tuple]] = {}
        for r in rows:
            at = r["changed_at"]
            text = at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if at is not None else None
            stored.setdefault(r["opportunity_id"], []).append((r["from_stage"], r["to_stage"], text,
                                                               r["changed_by"]))
        for oid in sorted(set(stored) | set(self.stages)):
            have, want = stored.get(oid, []), self.stages.get(oid, [])
            if have == want:
                continue
            at = next((i for i, (h, w) in enumerate(zip(have, want)) if h != w), min(len(have), len(want)))
            what = (f"its stage change #{at + 1} ({' → '.join(str(x) for x in have[at][:2])} at {have[at][2]} "
                    f"by {have[at][3]}) is not the trail's" if at < len(have)
                    else f"{len(want) - len(have)} of its stage changes are missing")
            self.problems.append(f"the stage history of {oid} was changed outside cims: {what}")

    def _owners(self, kind: str, rid: str, fields: dict, creating: bool) -> list[str | None]:
        """The owners a write to `rid` answers to: before and after (security.roles)."""
        rec = self.records.get(rid)
        out: list[str | None] = []
        if kind in _CUSTOMER_OWNED:
            cids = [] if creating or rec is None else [rec.customer_id]
            pair = fields.get("customer_id")
            if isinstance(pair, list) and len(pair) == 2:
                cids.append(pair[1])
            for cid in cids or [None]:
                cust = self.records.get(cid) if cid else None
                out.append(cust.owner if cust else None)
            return out
        key = _OWNER_FIELD.get(kind)
        if key is None:
            return [None]
        if not creating:
            out.append(rec.owner if rec else None)
        pair = fields.get(key)
        if isinstance(pair, list) and len(pair) == 2:
            out.append(pair[1])
        elif creating:
            out.append(None)
        return out

    def _track(self, rid: str, kind: str, action: str, actor: str, fields: dict, signed: bool) -> None:
        rec = self.records.get(rid)
        if rec is None or action == "create":
            rec = self.records[rid] = RecordState(kind)
            if action == "create" and signed:
                rec.created_by = actor
        for key, attr in (("owner", "owner"), ("customer_id", "customer_id")):
            pair = fields.get(key)
            if isinstance(pair, list) and len(pair) == 2 and pair[1] != ERASED:
                setattr(rec, attr, pair[1])
        if rec.customer_id:
            rec.customers.add(rec.customer_id)
        rec.last_by = actor if signed else None
        deleted = fields.get("deleted")
        if action == "merge" and "merged_into" in fields:
            deleted = [False, True]
        if isinstance(deleted, list) and len(deleted) == 2:
            rec.deleted = bool(deleted[1])
            rec.deleted_by = actor if (signed and rec.deleted) else None
        if action == "undo" and "removed" in fields:
            rec.removed = True

    # -- settings --

    def _apply_setting(self, seq: int, actor: str, action: str, changes_s, signed: bool) -> None:
        changes = _changes_dict(changes_s)
        if changes is None:
            return
        role = self.users.get(actor, UserState()).role
        if signed and action != "init" and role != "admin":
            self.problems.append(f"entry #{seq}: {actor} ({role or 'not a user'}) changed a store setting "
                                 f"({action}); only an administrator may")
            return
        pairs = {k: v[1] for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
        if action in ("init", "settings.currency") and "currency" in pairs:
            self.currency = pairs["currency"]
        elif action == "settings.sla" and "sla_targets" in pairs:
            self.sla = pairs["sla_targets"]
        elif action == "settings.region" and "region" in pairs:
            self.region = pairs["region"]
        elif action == "settings.fx":
            for key, value in pairs.items():
                if value is None:               # `cims fx delete`: the rate is gone
                    self.fx.pop(key, None)
                else:
                    self.fx[key] = (value, actor)

    def _refusal(self, action: str, actor: str, actor_role: str | None, name: str,
                 target: UserState | None, changes: dict | None = None) -> str | None:
        if action == "user.create":
            if target is not None and target.role is not None:
                return f"created {name}, who already exists"
            # The store's first administrator creates themselves (the root of trust).
            bootstrap = actor == name and not any(u.role for u in self.users.values())
            if actor_role != "admin" and not bootstrap:
                return f"created the user {name}; only an administrator may"
        elif action in USER_ADMIN_ACTIONS:
            if actor_role != "admin":
                verb = {"user.role": "changed the role of", "user.disable": "disabled",
                        "user.enable": "enabled"}[action]
                return f"{verb} {name}; only an administrator may"
        elif action == ENROL:
            if actor != name:
                return f"enrolled a signing key for {name}; users enrol only their own"
            if target is None or target.role is None:
                return f"enrolled a signing key for {name}, whom no administrator created"
            if target is not None and target.sign is not None:
                return f"replaced the signing key of {name} without an administrator"
        elif action in ("user.password", "user.totp") and actor != name and actor_role != "admin":
            return f"changed the sign-in of {name}; only an administrator may"
        elif (action == "user.password" and actor == name and target is not None and target.sign is not None
              and _new_value(changes, "sign_key") not in (None, target.sign)):
            # A user's own password change keeps their signing key (services.auth); only an
            # administrator's reset gives a new one. A new key "signed" by itself proves nothing.
            return "replaced their own signing key without an administrator"
        elif action in ("sign-in", "sign-out") and actor != name:
            return f"wrote a {action} entry for {name}; users sign in only as themselves"
        return None

    # -- the end --

    def finish(self, *, head: tuple[int, str] | None, users_table: list[dict], slots: dict[str, dict],
               records: Iterable[tuple[str, str]], store_signed_from: Any,
               authors: Iterable[tuple] = (), settings: dict | None = None,
               batches: Iterable[dict] = (), stage_history: Iterable[dict] | None = None) -> None:
        """Compare the replay with what the store holds and what this account pinned.

        users_table: rows of the users table, each with "totp_digest" (`totp_digest`) added;
        records: (id, row digest); authors: (id, created_by, updated_by, deleted_by, owner,
        customer_id) of every stored record; settings: {"currency", "sla_targets", "region", "fx":
        {"USD/CNY from 2024-01-01": (rate text, set_by)}}; batches: rows of the batches table;
        stage_history: rows of the stage history (`Store.stage_history`), oldest first.
        """
        self._end_loose(restored=False)
        if self._open is not None:
            first, last = self._open[0], self._open[1]
            self.problems.append(f"the write signed as entries #{first}–#{last} lost its newest entries "
                                 f"(the trail ends at #{self.last_seq})")
        for first, sig in self.sigs.items():
            if first not in self._used and (self.signed_from is None or first >= self.signed_from):
                self.problems.append(f"entries #{first}–#{sig[1]} were signed by {sig[2]} but are not in "
                                     "the trail (deleted)")
        for first, last, signers in self._failed:
            first_signer = next(iter(signers))
            span = f"#{first}" if first == last else f"#{first}–#{last}"
            self.problems.append(f"entry #{first} was changed after {first_signer} signed it (or the signature "
                                 f"is forged): the signatures of entries {span} ({', '.join(signers)}) no "
                                 "longer match")
        self._check_pin(store_signed_from)
        self._check_users(users_table, slots)
        self._check_records(records)
        self._check_authors(authors)
        self._check_erased()
        if settings is not None:
            self._check_settings(settings)
        self._check_batches(batches)
        if stage_history is not None:
            self._check_stage_history(stage_history)
        for run in self.copy_erases:
            if run.accepted is None:
                self.problems.append(run.problem())
            else:
                self.notes.append(run.note())
        self._check_schema_repairs()
        if self.unsigned:
            when = (self.unsigned_until or "")[:10]
            self.notes.append(f"entries #1–#{self.unsigned} are unsigned, before {when} "
                              "(written before this version signed the trail)")

    def _check_schema_repairs(self) -> None:
        """Each removal of triggers/views cims did not make is a problem until an
        administrator accepts it (`cims audit accept`): the write it came before did what
        its entry says, but someone with the store's key changed the store's schema to
        change what writes do, and their own raw writes may have run through it."""
        for seq, actor, objects, accepted in self.schema_repairs:
            what = "; ".join(objects) or "put schema objects back"
            if accepted is None:
                self.problems.append(f"entry #{seq}: the store's schema was changed outside cims, to change "
                                     f"what writes do; before a write by {actor}, cims {what}. Find out who "
                                     "did it, then run `cims audit accept`")
            else:
                self.notes.append(f"entry #{seq}: before a write by {actor}, cims {what} (schema changed "
                                  f"outside cims); {accepted[0]} accepted it at entry #{accepted[1]}")

    def _check_pin(self, store_signed_from: Any) -> None:
        pin = self.pin
        if not pin:
            if self.head_problem:
                self.problems.append(self.head_problem)
            return
        seq, mac = pin["head"]
        if self.head_problem:
            self.problems.append(self.head_problem)
        elif self.pinned_mac_seen is None and seq > self.last_seq:
            self.problems.append(f"the trail was cut: it ends at entry #{self.last_seq}, but this computer "
                                 f"already saw entry #{seq}; entries #{self.last_seq + 1}–#{seq} were removed "
                                 "(or an older copy of the store was put back)" + COPY_HINT)
        elif self.pinned_mac_seen is not None and self.pinned_mac_seen != mac:
            self.problems.append(f"entry #{seq} is not the one this computer saw: the trail was rewritten "
                                 f"at or before #{seq}{COPY_HINT}")
        if (pin.get("signed_from") is not None and pin["signed_from"] != store_signed_from
                and not self.head_problem):
            self.problems.append(f"signatures start at entry #{store_signed_from} in the store, but this computer "
                                 f"saw them start at #{pin['signed_from']} (signatures were stripped)")
        if self.keys_at_pin is not None:
            for name, fp in sorted((pin.get("keys") or {}).items()):
                now = self.keys_at_pin.get(name)
                if now != fp:
                    self.problems.append(f"the signing key of {name} at entry #{pin['keys_at']} is {now or 'missing'}, "
                                         f"not {fp} as this computer pinned")

    def _check_users(self, users_table: list[dict], slots: dict[str, dict]) -> None:
        table = {u["username"]: u for u in users_table}
        for name in sorted(set(table) | {n for n, s in self.users.items() if s.role}, key=str):
            st, row = self.users.get(name), table.get(name)
            if row is None:
                self.problems.append(f"user {name} is in the trail but was removed from the store")
            elif st is None or st.role is None:
                self.problems.append(f"user {name} ({row['role']}) is in the store, but no administrator "
                                     "created them in the trail")
            else:
                if row["role"] != st.role:
                    self.problems.append(f"user {name} is {row['role']} in the store, but the signed trail "
                                         f"makes them {st.role} (changed outside cims)")
                if bool(row["disabled"]) != bool(st.disabled):
                    self.problems.append(f"user {name} is {'disabled' if row['disabled'] else 'enabled'} in the "
                                         "store, but not so in the signed trail (changed outside cims)")
                if st.display is not None and row.get("display_name") != st.display:
                    self.problems.append(f"the display name of user {name} was changed outside cims "
                                         "(it is not the one the trail gave them)")
                if st.created_by is not None and row.get("created_by") != st.created_by:
                    self.problems.append(f"user {name} says {row.get('created_by')} created them, but the "
                                         f"trail says {st.created_by} did (changed outside cims)")
                has = bool(row.get("totp_secret"))
                if st.totp is not None and has != st.totp:
                    self.problems.append(f"the second factor of user {name} is {'on' if has else 'off'} in the "
                                         "store, but not so in the trail (changed outside cims)")
                elif st.totp and st.totp_digest is not None and row.get("totp_digest") != st.totp_digest:
                    self.problems.append(f"the second-factor secret of user {name} is not the one enrolled "
                                         "in the trail (replaced outside cims)")
        causes: list[str] = []
        for name, slot in sorted(slots.items(), key=lambda kv: str(kv[0])):
            st = self.users.get(name)
            if st is None or st.role is None:
                self.problems.append(f"the key file has a sign-in slot for {name}, whom no administrator added")
                continue
            if st.disabled:
                self.problems.append(f"the key file has a sign-in slot for {name}, who was disabled")
            slot_changed = st.slot is not None and slot.get("public") != st.slot
            sign_changed = st.sign is not None and slot.get("sign_public") not in (None, st.sign)
            if slot_changed or sign_changed:
                # The cause leads; what followed from it is one line after it.
                what = ("its keys are" if slot_changed and sign_changed else
                        "its key is" if slot_changed else "its signing key is")
                causes.append(f"the sign-in slot of {name} was replaced outside cims ({what} not the one"
                              f"{'s' if what == 'its keys are' else ''} in the trail: an older key file put "
                              f"back, or another's slot copied in); whoever knows the password it holds "
                              f"signs in as {name}, as a viewer. Reset {name}'s password "
                              f"(cims user passwd {name}) and run `cims rekey`")
                runs = self._slot_entries.get(name)
                if runs:
                    spans = ", ".join(f"#{a}" if a == b else f"#{a}–#{b}" for a, b in runs)
                    one = len(runs) == 1 and runs[0][0] == runs[0][1]
                    causes.append(f"so {'entry' if one else 'entries'} {spans} {'was' if one else 'were'} "
                                  f"written with that slot's key: {'it is' if one else 'they are'} not "
                                  f"{name}'s signed word (the trail itself is intact)")
        self.problems[:0] = causes
        never = sorted((n for n, s in self.users.items() if s.role and not s.disabled and s.sign is None), key=str)
        if never:
            self.notes.append("no signing key yet (sign in once to get one): " + ", ".join(map(str, never)))

    def keys_ever(self) -> dict[str, set[str]]:
        """Every signing key (base64) that entries the replay accepted as signed gave each
        user, older ones included (a password reset by an administrator gives a new one)."""
        return {u: set(s.signed_keys) for u, s in self.users.items() if s.signed_keys}

    def fingerprints(self) -> dict[str, str | None]:
        """Each user's signing-key fingerprint as the replayed trail has it."""
        return {u: fingerprint(s.sign) for u, s in self.users.items() if s.role}

    def _check_records(self, records: Iterable[tuple[str, str]]) -> None:
        found: list[str] = []
        seen: set[str] = set()
        for rid, digest in records:
            seen.add(rid)
            want = self.states.get(rid)
            if rid in self._loose_records:
                continue    # changed by an unsigned erase in a copy, which is named itself
            if want is None:
                found.append(f"record {rid} is not in the signed trail (added outside cims)")
            elif want[0] != digest:
                found.append(f"record {rid} was changed outside cims (it differs from the state "
                             f"{want[2]} signed at entry #{want[1]})")
        for rid, (digest, seq, by) in self.states.items():
            if digest is not None and rid not in seen and rid not in self._loose_records:
                found.append(f"record {rid} was removed outside cims ({by} signed it at entry #{seq})")
        self.problems += found[:MAX_LISTED]
        if len(found) > MAX_LISTED:
            self.problems.append(f"… and {len(found) - MAX_LISTED} more records changed outside cims")


    def _check_authors(self, authors: Iterable[tuple]) -> None:
        """Meta columns, owners and customers of stored records against the trail."""
        found: list[str] = []
        for rid, created_by, updated_by, deleted_by, owner, customer_id in authors:
            rec = self.records.get(rid)
            if rec is None:
                continue
            if rec.created_by is not None and created_by != rec.created_by:
                found.append(f"record {rid} says {created_by} created it, but {rec.created_by} signed its creation")
            if rec.last_by is not None and updated_by != rec.last_by:
                found.append(f"record {rid} says {updated_by} changed it last, but {rec.last_by} signed "
                             "its newest change")
            if rec.last_by is not None and (deleted_by or None) != (rec.deleted_by if rec.deleted else None):
                found.append(f"record {rid} says it was deleted by {deleted_by or 'no one'}, but the trail says "
                             f"{rec.deleted_by if rec.deleted else 'no one'} (changed outside cims)")
            if rec.last_by is not None and rec.kind in _OWNER_FIELD and owner != rec.owner:
                found.append(f"record {rid} belongs to {owner or 'no one'} in the store, but the trail gave it "
                             f"to {rec.owner or 'no one'} (changed outside cims)")
            if rec.last_by is not None and customer_id is not None and customer_id != rec.customer_id:
                found.append(f"record {rid} is under {customer_id} in the store, but the trail put it under "
                             f"{rec.customer_id} (changed outside cims)")
        self.problems += found[:MAX_LISTED]
        if len(found) > MAX_LISTED:
            self.problems.append(f"… and {len(found) - MAX_LISTED} more records whose authors or owners differ")

    def _check_erased(self) -> None:
        """An erased value in the trail needs an administrator's erase of that record."""
        found = []
        for rid, seq in sorted(self.erased_seen.items(), key=lambda kv: kv[1]):
            rec = self.records.get(rid)
            if rid in self.erased_ok or rid in self.erased_customers:
                continue
            if rec is not None and rec.customers & self.erased_customers:
                continue
            found.append(f"values of record {rid} in entry #{seq} were replaced by {ERASED}, but no "
                         "administrator erased that record (history wiped outside cims)")
        self.problems += found[:MAX_LISTED]
        if len(found) > MAX_LISTED:
            self.problems.append(f"… and {len(found) - MAX_LISTED} more records whose history was wiped")

    def _check_settings(self, settings: dict) -> None:
        have = settings.get("currency")
        if self.currency is None and have is not None:
            self.notes.append(f"the store's currency ({have}) is not in the trail (a store made before "
                              "this version): set it once more (`cims settings currency`) to have it checked")
        elif self.currency is not None and have != self.currency:
            self.problems.append(f"the store's currency is {have} in the store, but the trail set it to "
                                 f"{self.currency} (changed outside cims: every amount is read in another currency)")
        if settings.get("region") != self.region:
            self.problems.append(f"the phone region is {settings.get('region') or 'not set'} in the store, but "
                                 f"the trail set it to {self.region or 'nothing'} (changed outside cims)")
        if canonical(settings.get("sla_targets")) != canonical(self.sla):
            self.problems.append("the SLA targets were changed outside cims (no audited entry set them)")
        fx = settings.get("fx")
        if fx is None:
            return       # could not be read: named by the caller
        for key in sorted(set(fx) | set(self.fx)):
            mine, want = fx.get(key), self.fx.get(key)
            if mine is None:
                self.problems.append(f"the exchange rate {key} was removed outside cims")
            elif want is None:
                self.problems.append(f"the exchange rate {key} = {mine[0]} was added outside cims")
            elif mine[0] != want[0] or mine[1] != want[1]:
                self.problems.append(f"the exchange rate {key} is {mine[0]} (set by {mine[1]}) in the store, "
                                     f"but {want[1]} set {want[0]} in the trail (changed outside cims)")

    def _check_batches(self, batches: Iterable[dict]) -> None:
        for b in batches:
            who = self.batches.get(b["id"])
            if who is None:
                self.problems.append(f"import {b['id']} is in the store, but no import entry opened it")
            elif b.get("created_by") != who:
                self.problems.append(f"import {b['id']} says {b.get('created_by')} made it, but the trail says "
                                     f"{who} did (changed outside cims)")


def _schema_objects(changes_s: str | None) -> list[str]:
    """The objects a `schema.repair` entry names, as phrases (see store.schema_guard.Repair)."""
    pair = (_changes_dict(changes_s) or {}).get("objects")
    items = pair[1] if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], list) else []
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kind, name, table = str(item.get("type")), str(item.get("name")), item.get("table")
        where = f" on {table}" if table and table != name else ""
        temp = " (temporary)" if item.get("schema") == "temp" else ""
        what = item.get("what")
        out.append(f"removed a {kind} {name}{where}{temp} that cims did not make" if what == "foreign"
                   else f"made its {kind} {name}{where} again (it had been replaced with other SQL)"
                   if what == "altered" else f"made its missing {kind} {name}{where} again")
    return out


def _after(changes_s: str | None, key: str) -> Any:
    try:
        pair = loads(changes_s or "{}").get(key)
    except (ValueError, AttributeError):
        return None
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


# ----- the users sign-in trusts --------------------------------------------------------

@dataclass
class SignedUsers:
    """What `signed_users` found: each user as the trail's trusted `user.*` entries make
    them, and the entries it did not trust (seq -> why)."""
    users: dict[str, UserState]
    ignored: dict[int, str]
    signed_from: int | None


def signed_users(store_id: str, audit_key: bytes, signed_from: int | None, entries: Iterable[tuple],
                 sigs: Iterable[tuple], write_rows: Callable[[int, int], list[tuple]],
                 last_seq: int | None = None, link: Callable[[int], tuple | None] | None = None) -> SignedUsers:
    """Replay the trail's `user.*` entries (and the `trust.baseline` one) the way `audit
    verify` does, trusting only what their signatures cover: sign-in takes a user's
    role, disabled flag, signing key and second factor from this, not from the users
    table or from the newest entry that names them (anyone with the data key can append
    a chained entry: the audit key is shared).

    `entries` are audit rows (Store.AUDIT_COLS) about users in trail order, sign-in and
    sign-out entries left out (they change nothing replayed here); `sigs` the
    signature rows (first_seq, last_seq, signer, states JSON, signature); `write_rows(
    first, last)` the audit rows of one write; `last_seq` the newest entry's seq (a
    signature row reaching past it is no one's); `link(seq)` an entry's (prev_mac, mac)
    as stored, or None (a signature row is first checked against the stored MAC,
    cheaply, and its write read only when it holds; a write must sit between its
    neighbours in the chain). An entry from `signed_from` on is
    trusted when a write holding it is signed by the entry's author (any of the
    signature rows that cover it: a row made up beside the real one changes nothing),
    every entry of that write fits the chain up to the signed MAC, and the signature
    verifies with the author's key as the trusted entries before it give it; only the
    trail's first `user.create` (the store's first administrator creating themselves)
    and a first enrolment (`user.key`, in a store older than signatures) vouch for a
    key they bring. The entry must also be one its author may write
    (`Replay._refusal`: only administrators create, disable and enable users and change
    roles). An entry that is not trusted changes nothing, for anyone. Entries before
    `signed_from` (a store older than signed trails) count as they stand, as in `audit
    verify`. Never raises for what an insider wrote: an entry that cannot be read is
    ignored."""
    return _UserWalk(store_id, audit_key, signed_from, sigs, write_rows, last_seq, link).run(entries)


class _UserWalk:
    def __init__(self, store_id, audit_key, signed_from, sigs, write_rows, last_seq, link=None) -> None:
        self.store_id, self.key, self.signed_from, self.write_rows = store_id, audit_key, signed_from, write_rows
        self.replay = Replay(store_id, signed_from, {})
        self.sigs = sorted((s for s in sigs if _sane_sig(s, last_seq)), key=lambda s: (s[0], s[1]))
        self.firsts = [s[0] for s in self.sigs]
        self.checked: dict[tuple, bool] = {}
        self.ignored: dict[int, str] = {}
        self.root: int | None = None            # seq of the trail's first user.create
        self.baseline_seen = False
        self.link: Callable[[int], tuple | None] = link or (lambda seq: None)

    def run(self, entries: Iterable[tuple]) -> SignedUsers:
        for row in entries:
            try:
                self._entry(row)
            except UNREADABLE_ROWS + (KeyError, IndexError, AttributeError, OverflowError):
                self.ignored[row[0] if row else -1] = "it cannot be read"
        return SignedUsers(self.replay.users, self.ignored, self.signed_from)

    def _entry(self, row: tuple) -> None:
        seq, _at, actor, action, entity, entity_id, _batch, changes_s, _digests_s, _prev, _mac = row
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise ValueError("seq")
        if action == "user.create" and self.root is None:
            self.root = seq
        replay = self.replay
        if self.signed_from is None or seq < self.signed_from:
            replay._apply(seq, actor, action, entity, entity_id, changes_s, False)
            return
        if action == BASELINE:
            # Written once, when a store older than signatures is first opened by a
            # signing version: never in a store whose first administrator signed their
            # own creation, and never twice.
            first_one, self.baseline_seen = not self.baseline_seen, True
            if not first_one or self.root is None or self.root >= self.signed_from:
                self.ignored[seq] = f"a {BASELINE} entry cims did not write"
                return
        if action == "user.create" and actor == entity_id and seq != self.root:
            self.ignored[seq] = "only the store's first administrator creates themselves"
            return
        sig = self._signed_by_author(seq, actor)
        if sig is None:
            self.ignored[seq] = "no signature of its author holds it"
            return
        who = replay.users.get(actor)
        if who is not None and who.disabled:
            self.ignored[seq] = f"written by {actor} while disabled"
            return
        before = len(replay.problems)
        replay._in_first_write = sig[0] == self.signed_from
        replay._apply(seq, actor, action, entity, entity_id, changes_s, True)
        if len(replay.problems) > before:
            self.ignored[seq] = replay.problems[-1]

    def _signed_by_author(self, seq: int, actor) -> tuple | None:
        """A signature row by `actor` covering `seq` whose write holds (see signed_users).
        The narrowest rows first: a write's own row is the narrowest that covers its
        entries (rows end at distinct entries), so rows made up around it, however
        many, are tried after it."""
        end = bisect.bisect_right(self.firsts, seq)
        candidates = [sig for sig in self.sigs[max(0, end - COVERING_LOOKED_AT):end]
                      if sig[1] >= seq and sig[2] == actor]
        candidates.sort(key=lambda sig: sig[1] - sig[0])
        for sig in candidates[:COVERING_TRIED]:
            key = (sig[0], sig[1], sig[2], sig[4])
            if key not in self.checked:
                self.checked[key] = (self._holds_over_stored_mac(sig)
                                     and _write_signed(self.replay, self.store_id, self.key, sig, self.write_rows,
                                                       self.root, self.link))
            if self.checked[key]:
                return sig
        return None

    def _holds_over_stored_mac(self, sig: tuple) -> bool:
        """The signature verifies over the MAC stored for its last entry with a key its
        author may have: one Ed25519 check, before reading and re-MACing the write."""
        first, last, signer, states_s, sig_b64 = sig[:5]
        keys = _candidate_keys(self.replay, signer, None, self.root)
        stored = self.link(last)
        if not keys or stored is None:
            return True                 # not known cheaply: the full check decides
        mac = stored[1]
        if not isinstance(mac, str) or not isinstance(states_s, str) or not isinstance(sig_b64, str):
            return False
        return any(signature_ok(k, self.store_id, first, last, mac, signer, states_s, sig_b64) for k in keys)


# Signature rows ending after an entry's seq looked at for it (the real one is among the
# nearest: writes do not overlap; more are rows made up to slow sign-in down).
COVERING_TRIED = 8
COVERING_LOOKED_AT = 64
# A signature row spanning more entries than this is no write cims makes (a write of
# 1,000,000 imported rows is 1,000 bulk entries).
MAX_WRITE_ENTRIES = 200_000


def _sane_sig(sig: tuple, last_seq: int | None) -> bool:
    first, last = sig[0], sig[1]
    return (type(first) is int and type(last) is int and 0 < first <= last
            and last - first < MAX_WRITE_ENTRIES and (last_seq is None or last <= last_seq))


def _write_signed(replay: "Replay", store_id: str, audit_key: bytes, sig: tuple,
                  write_rows: Callable[[int, int], list[tuple]], root: int | None,
                  link: Callable[[int], tuple | None]) -> bool:
    first, last, signer, states_s, sig_b64 = sig[:5]
    try:
        rows = write_rows(first, last)
    except UNREADABLE_ROWS + (OverflowError,):
        return False
    if len(rows) != last - first + 1 or any(r[0] != first + i for i, r in enumerate(rows)):
        return False
    # The write sits in the chain where it was signed: it follows the entry before it
    # (the start of the trail for entry #1), and the entry after it follows it. A write
    # rewritten in place and signed again by someone else does not.
    previous = link(first - 1) if first > 1 else None
    before = GENESIS if first == 1 else (previous[1] if previous else None)
    if before is not None and rows[0][9] != before:
        return False
    mac = write_mac(audit_key, rows)
    if mac is None or not isinstance(states_s, str) or not isinstance(sig_b64, str):
        return False
    following = link(last + 1)
    if following is not None and following[0] != mac:
        return False
    return any(signature_ok(k, store_id, first, last, mac, signer, states_s, sig_b64)
               for k in _candidate_keys(replay, signer, rows, root))


def _candidate_keys(replay: "Replay", signer, rows: list[tuple] | None, root: int | None) -> list[str]:
    """The keys that may have signed a write by `signer`: the one the trusted entries
    gave them; with none yet, only a key the write itself brings for its author in the
    trail's first user.create or a first enrolment (the replay then refuses the entry
    unless it is one of those). `rows` None: that write is not read yet (any key may do)."""
    known = replay.users.get(signer)
    if known is not None and known.sign:
        return [known.sign]
    if rows is None:
        return []
    keys = []
    for r in rows:
        if r[2] == signer and r[5] == signer and ((r[3] == "user.create" and r[0] == root) or r[3] == ENROL):
            key = _new_value(_changes_dict(r[7]), "sign_key")
            if isinstance(key, str):
                keys.append(key)
    return keys


UNREADABLE_ROWS = (ValueError, TypeError, UnicodeError)
