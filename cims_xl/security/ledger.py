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
* **Records are what the trail signed.** The newest signed state of every record
  must be the row in the store.

Like a ledger database's client (immudb, Certificate Transparency's signed tree
heads), each OS account pins the newest head it saw outside the store
(`security.trust`), so a cut or rewritten trail is named even when the rewrite is
internally consistent.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..domain.schema import ENTITIES
from .audit import canonical
from .roles import allowed
from .trust import fingerprint

SIG_CONTEXT = "cims-audit-sig-1"
USER_ADMIN_ACTIONS = ("user.create", "user.role", "user.disable")
BASELINE = "trust.baseline"
ENROL = "user.key"
# Record actions and the permission each needs (owner unknown here: the most lenient).
_RECORD_PERMISSION = {"create": "create", "update": "update", "delete": "delete", "restore": "delete",
                      "merge": "merge", "erase": "admin"}
MAX_LISTED = 20     # record problems listed one by one; the rest are counted


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


@dataclass
class UserState:
    role: str | None = None
    disabled: bool = False
    sign: str | None = None      # Ed25519 public key, base64
    slot: str | None = None      # X25519 key-slot public key, base64


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

    # -- the walk --

    def feed(self, row: tuple) -> None:
        seq, at, actor, action, entity, entity_id, _batch, changes_s, _digests, _prev, mac = row
        self.last_seq, self.last_mac = seq, mac
        signed = self.signed_from is not None and seq >= self.signed_from
        if not signed:
            self.unsigned += 1
            self.unsigned_until = at
        else:
            self._check_covered(seq, actor)
        self._apply(seq, actor, action, entity, entity_id, changes_s, signed)
        if signed and self._open is not None and self._open[1] == seq:
            self._check_signature(mac)
        pin = self.pin
        if pin and seq == pin["head"][0]:
            self.pinned_mac_seen = mac
        if pin and seq == pin.get("keys_at"):
            self.keys_at_pin = {u: fingerprint(s.sign) for u, s in self.users.items() if s.sign}

    def _check_covered(self, seq: int, actor: str) -> None:
        if self._open is None:
            sig = self.sigs.get(seq)
            if sig is None:
                self.problems.append(f"entry #{seq} is not signed by anyone (written outside cims, "
                                     "or its signature was removed)")
                return
            self._open, self._range_ok = sig, True
            self._used.add(seq)
            self._in_first_write = seq == self.signed_from
        if actor != self._open[2]:
            self.problems.append(f"entry #{seq} names {actor} as its author, but the write it is part of "
                                 f"was signed by {self._open[2]}")
            self._range_ok = False

    def _check_signature(self, mac: str) -> None:
        first, last, signer, states_s, sig = self._open   # type: ignore[misc]
        self._open = None
        self._in_first_write = False
        key = self.users.get(signer, UserState()).sign
        label = f"#{first}" if first == last else f"#{first}–#{last}"
        if key is None:
            self.problems.append(f"entries {label} are signed by {signer}, whose signing key no "
                                 "administrator vouched for in the trail")
            return
        if not signature_ok(key, self.store_id, first, last, mac, signer, states_s, sig):
            # Every later signature covers this entry too (through the chain): one run of
            # failures is one rewrite, named once at its start.
            run = self._failed[-1] if self._failed else None
            if run is not None and run[1] == first - 1:
                run[1] = last
                run[2].setdefault(signer, None)
            else:
                self._failed.append([first, last, {signer: None}])
        try:
            states = json.loads(states_s)
        except ValueError:
            return
        for rid, digest in states.items():
            self.states[rid] = (digest, last, signer)

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
            return
        if signed and entity in ENTITIES and action in _RECORD_PERMISSION:
            role = self.users.get(actor, UserState()).role
            if role is None or not allowed(role=role, action=_RECORD_PERMISSION[action], kind=entity,
                                           owner=actor, actor=actor):
                self.problems.append(f"entry #{seq}: {actor} ({role or 'not a user'}) may not "
                                     f"{action} a {ENTITIES[entity].label}, yet the trail says they did")
        if entity != "user" or not action.startswith("user.") or not entity_id:
            return
        try:
            changes = json.loads(changes_s or "{}")
        except ValueError:
            return
        actor_role = self.users.get(actor, UserState()).role
        target = self.users.get(entity_id)
        if signed:
            why = self._refusal(action, actor, actor_role, entity_id, target)
            if why:
                self.problems.append(f"entry #{seq}: {actor} ({actor_role or 'not a user'}) {why}")
                return
        st = self.users.setdefault(entity_id, UserState())
        # Keys come only from signed entries: an unsigned one vouches for nothing.
        fields = (("role", "role"), ("disabled", "disabled"), ("sign_key", "sign"), ("slot_key", "slot"))
        for key, attr in fields if signed else fields[:2]:
            if key in changes:
                setattr(st, attr, changes[key][1])
        if action == "user.disable":
            st.slot = None

    def _refusal(self, action: str, actor: str, actor_role: str | None, name: str,
                 target: UserState | None) -> str | None:
        if action == "user.create":
            if target is not None and target.role is not None:
                return f"created {name}, who already exists"
            # The store's first administrator creates themselves (the root of trust).
            bootstrap = actor == name and not any(u.role for u in self.users.values())
            if actor_role != "admin" and not bootstrap:
                return f"created the user {name}; only an administrator may"
        elif action in USER_ADMIN_ACTIONS:
            if actor_role != "admin":
                verb = {"user.role": "changed the role of", "user.disable": "disabled"}[action]
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
        return None

    # -- the end --

    def finish(self, *, head: tuple[int, str] | None, users_table: list[dict], slots: dict[str, dict],
               records: Iterable[tuple[str, str]], store_signed_from: Any) -> None:
        """Compare the replay with what the store holds and what this account pinned."""
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
        if self.unsigned:
            when = (self.unsigned_until or "")[:10]
            self.notes.append(f"entries #1–#{self.unsigned} are unsigned, before {when} "
                              "(written before this version signed the trail)")

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
                                 "(or an older copy of the store was put back)")
        elif self.pinned_mac_seen is not None and self.pinned_mac_seen != mac:
            self.problems.append(f"entry #{seq} is not the one this computer saw: the trail was rewritten "
                                 f"at or before #{seq}")
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
        for name in sorted(set(table) | {n for n, s in self.users.items() if s.role}):
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
        for name, slot in sorted(slots.items()):
            st = self.users.get(name)
            if st is None or st.role is None:
                self.problems.append(f"the key file has a sign-in slot for {name}, whom no administrator added")
                continue
            if st.disabled:
                self.problems.append(f"the key file has a sign-in slot for {name}, who was disabled")
            if st.slot is not None and slot.get("public") != st.slot:
                self.problems.append(f"the sign-in slot of {name} was replaced outside cims "
                                     "(its key is not the one in the trail)")
            if st.sign is not None and slot.get("sign_public") not in (None, st.sign):
                self.problems.append(f"the signing key in {name}'s slot is not the one in the trail "
                                     "(replaced outside cims)")
        never = sorted(n for n, s in self.users.items() if s.role and not s.disabled and s.sign is None)
        if never:
            self.notes.append("no signing key yet (sign in once to get one): " + ", ".join(never))

    def fingerprints(self) -> dict[str, str | None]:
        """Each user's signing-key fingerprint as the replayed trail has it."""
        return {u: fingerprint(s.sign) for u, s in self.users.items() if s.role}

    def _check_records(self, records: Iterable[tuple[str, str]]) -> None:
        found: list[str] = []
        seen: set[str] = set()
        for rid, digest in records:
            seen.add(rid)
            want = self.states.get(rid)
            if want is None:
                found.append(f"record {rid} is not in the signed trail (added outside cims)")
            elif want[0] != digest:
                found.append(f"record {rid} was changed outside cims (it differs from the state "
                             f"{want[2]} signed at entry #{want[1]})")
        for rid, (digest, seq, by) in self.states.items():
            if digest is not None and rid not in seen:
                found.append(f"record {rid} was removed outside cims ({by} signed it at entry #{seq})")
        self.problems += found[:MAX_LISTED]
        if len(found) > MAX_LISTED:
            self.problems.append(f"… and {len(found) - MAX_LISTED} more records changed outside cims")


def _after(changes_s: str | None, key: str) -> Any:
    try:
        pair = json.loads(changes_s or "{}").get(key)
    except (ValueError, AttributeError):
        return None
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None
