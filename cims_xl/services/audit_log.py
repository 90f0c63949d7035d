"""Reading and verifying the audit trail (administrators only)."""

from __future__ import annotations

import itertools

from ..domain.schema import CUSTOMER, ENTITIES, format_id, normalize_id
from ..security import audit as chain
from ..security import ledger, trust
from ..security.audit import AuditEvent
from ..security.keys import KeyFile
from ..store.db import ENGINE_ERRORS, utcnow
from .session import Session
from .settings import CURRENCY_KEY, REGION_KEY, SLA_KEY


def _audit_id(session: Session, typed: str) -> str:
    """The id as the audit trail holds it: a record id normalised ("c-5" -> "C-000005"),
    a user name in lower case (user names are stored that way)."""
    user = typed.strip().lower()
    return user if session.store.fetch_user(user) is not None else normalize_id(typed)


def _whole_second(at):
    """An entry's stored time ("2026-12-02T12:12:53.000000Z") as every other JSON time is
    written ("2026-12-02T12:12:53Z"); a time with a fraction of a second keeps it."""
    if isinstance(at, str) and at.endswith(".000000Z"):
        return at[:-8] + "Z"
    return at


def show(session: Session, *, limit: int = 50, entity_id: str | None = None,
         batch_id: str | None = None) -> list[dict]:
    """Newest entries first. An entry about many records shows how many and the first
    and last id, unless `entity_id` asks for one of them (then: its changes)."""
    session.ensure("admin")
    wanted = _audit_id(session, entity_id) if entity_id else None
    with session.store.lenient_text():    # text written outside cims that is not UTF-8
        rows = list(session.store.iter_audit(entity_id=wanted, batch_id=batch_id, limit=limit,
                                             newest_first=True))
    out = []
    for seq, at, actor, action, entity, eid, batch, changes, digests, _p, _m in rows:
        entry = {"seq": seq, "at": _whole_second(at), "actor": actor, "action": action, "entity": entity,
                 "id": eid, "batch": batch}
        try:
            if wanted and chain.is_bulk(eid):
                entry["id"] = wanted
                entry["changes"] = chain.record_changes(eid, changes, digests, wanted)
            elif chain.is_bulk(eid):
                ids = list(chain.loads(changes or "{}"))
                entry["id"] = f"{ids[0]} … {ids[-1]}" if ids else None
                entry["changes"] = {"records": [None, len(ids)]}
            else:
                entry["changes"] = chain.loads(changes or "{}")
        except _UNREADABLE:
            entry["changes"] = {"unreadable": [None, "values cims never writes (see cims audit verify)"]}
        out.append(entry)
    return out


def verify(session: Session) -> chain.VerifyResult:
    """Check the whole trail and name everything that does not hold.

    * the HMAC chain: the first entry edited, deleted or reordered (security.audit);
    * the index from record ids to entries about many records;
    * signatures: every entry since the trail was first signed belongs to a write
      signed by its author's Ed25519 key, as the replayed trail vouches for it;
    * users: the users table and the key file's slots are what administrators' signed
      entries made them (no raised role, no ghost slot);
    * records: each stored record is the state its newest signed write left; its
      created_by / updated_by / deleted_by, owner and customer are the trail's; record
      entries use only the actions cims writes, by roles allowed for the record's owner
      as replayed; an `[erased]` value needs an administrator's erase of that record;
      each opportunity's stage history (what pipeline reports date) is the stage changes
      of its entries, at their times, by their authors;
    * settings: the store's currency, SLA targets, exchange rates and import batches'
      authors are what audited entries made them;
    * this OS account's pin (security.trust): the head it saw is still in the trail
      (sign-in checked that before writing its own entry), the keys are the pinned ones.

    When everything holds, the head and the users' key fingerprints are pinned anew.
    Administrators only. Returns a VerifyResult (`problems` all, `notes` unsigned parts).
    """
    out, replay, store_id, signed_from = _check_trail(session)
    if out.ok and replay.last_mac is not None:
        try:
            trust.save_pin(store_id, (replay.last_seq, replay.last_mac), replay.fingerprints(), signed_from,
                           session.store_path)
        except OSError as exc:
            out.notes.append(f"this computer could not keep what it saw ({trust.trust_dir()}: "
                             f"{exc.strerror or type(exc).__name__})")
    elif not out.ok:
        session.pin_heads = False   # writes in this session must not pin a head past the damage
        session.pin_own_head = False
    return out


# What reading a value written outside cims can raise: named, never a crash (a blob, text
# that is not UTF-8, JSON nested too deep, a number where a date belongs ...).
_UNREADABLE = chain.UNREADABLE + (ArithmeticError,) + ENGINE_ERRORS


def _check_trail(session: Session):
    """(VerifyResult, the ledger's Replay of the whole trail, store id, signed_from):
    everything `verify` checks, without pinning anything. Survives any value anyone with
    the data key can write: what cannot be read is named as a problem (which record,
    entry, signature or setting), and the rest is still checked."""
    session.ensure("admin")
    store = session.store
    with store.lenient_text():
        return _check_trail_lenient(session, store)


def _check_trail_lenient(session: Session, store):
    kf = KeyFile.load(session.store_path)
    store_id = kf.store_id
    pin = trust.load_pin(store_id)
    unread: list[str] = []

    def read(what: str, fn, default=None):
        try:
            return fn()
        except _UNREADABLE as exc:
            unread.append(f"{what} cannot be read: changed outside cims ({type(exc).__name__})")
            return default

    signed_from = read("where the signatures start (meta signed_from)",
                       lambda: store.get_meta("signed_from", strict=True))
    if signed_from is not None and (type(signed_from) is not int):
        unread.append("where the signatures start (meta signed_from) was changed outside cims "
                      "(it is not an entry number)")
        signed_from = None
    sigs = {}
    for row in read("the signatures (audit_sigs)", lambda: list(store.iter_audit_sigs()), []):
        first, last, signer, states_s, sig = row
        if type(first) is int and type(last) is int and all(isinstance(v, str) for v in (signer, states_s, sig)):
            sigs[first] = row
        else:
            unread.append(f"the signature of the write ending at entry #{last} was changed outside cims "
                          "(its values are not what cims writes)")
    replay = ledger.Replay(store_id, signed_from, sigs, pin, head_problem=session.trust_problem)
    replay.audit_key = session.audit_key
    replay.slot_keys = {name: slot.get("sign_public") for name, slot in kf.doc["slots"].items()
                        if isinstance(slot, dict) and isinstance(slot.get("sign_public"), str)}
    head = read("the trail's newest entry (meta audit_head)",
                lambda: store.get_meta("audit_head", strict=True))
    if head is not None and not (isinstance(head, list) and len(head) == 2 and type(head[0]) is int
                                 and isinstance(head[1], str)):
        unread.append("the record of the trail's newest entry (meta audit_head) was changed outside cims")
        head = None
    bulk: dict[int, list[str]] = {}

    def rows():
        for row in store.iter_audit_physical():
            if chain.is_bulk(row[5]):
                try:
                    bulk[row[0]] = sorted(chain.loads(row[7] or "{}"))
                except _UNREADABLE:
                    pass   # verify_rows names this entry
            try:
                replay.feed(row)
            except _UNREADABLE:
                unread.append(f"entry #{row[0]}: its values are not what cims writes (changed outside cims)")
                if replay._open is not None and replay._open[1] == row[0]:
                    try:
                        replay._check_signature(row[10])
                    except _UNREADABLE:
                        replay._open = None
            yield row

    walk = rows()
    result = chain.verify_rows(session.audit_key, walk, tuple(head) if head else None)
    for _ in walk:   # the replay reads the rest of the trail after the chain's first problem
        pass
    problems = [] if result.ok else [result.problem]
    if result.ok:
        refs: dict[int, list[str]] = {}
        for rid, seq in read("the index of records to entries (audit_refs)",
                             lambda: list(store.iter_audit_refs()), []):
            if not isinstance(rid, str) or type(seq) is not int:
                problems.append("the record index of the trail holds a row cims never writes (changed outside cims)")
                continue
            refs.setdefault(seq, []).append(rid)
        for seq in sorted(set(bulk) | set(refs)):
            if sorted(refs.get(seq, [])) != bulk.get(seq, []):
                result = chain.VerifyResult(False, result.entries,
                                            f"the record index of entry #{seq} was changed "
                                            "(records' histories would be incomplete)", seq)
                problems.append(result.problem)
                break
    if read("the store's id (meta store_id)", lambda: store.get_meta("store_id", strict=True)) != store_id:
        problems.append("the store's id was changed outside cims (it no longer matches its key file)")
    records = itertools.chain.from_iterable(store.iter_record_digests(ent) for ent in ENTITIES.values())
    authors = itertools.chain.from_iterable(store.iter_record_authors(ent) for ent in ENTITIES.values())
    users = [{**u, "totp_digest": ledger.totp_digest(session.audit_key, _secret_text(u.get("totp_secret")))}
             for u in read("the users table", store.fetch_users, [])]
    fx = read("the exchange rates", lambda: {
        f"{r['currency']}/{r['base']} from {r['valid_from'].isoformat()}": (str(r["rate"]), r["set_by"])
        for r in store.fx_rates()})
    settings = {"currency": read("the store's currency", lambda: store.get_meta(CURRENCY_KEY, strict=True)),
                "sla_targets": read("the SLA targets", lambda: store.get_meta(SLA_KEY, strict=True)),
                "region": read("the phone region", lambda: store.get_meta(REGION_KEY, strict=True)),
                "fx": fx}
    try:
        replay.finish(head=tuple(head) if head else None, users_table=users,
                      slots=kf.doc["slots"], records=records, store_signed_from=signed_from,
                      authors=authors, settings=settings,
                      batches=read("the imports (batches)", store.fetch_batches, []),
                      stage_history=read("the opportunities' stage history", store.stage_history))
    except _UNREADABLE as exc:
        replay.problems.append(f"the store holds values cims never writes, and verify could not compare "
                               f"everything after them ({type(exc).__name__}); the problems above were found "
                               "before that")
    problems += unread + replay.problems
    problems += [f"the store holds {r.describe()}: it would change what the next write does "
                 "(written outside cims; that write removes it)" for r in store.schema_problems()]
    problems += _search_index_problems(store, read)
    out = chain.VerifyResult(not problems, result.entries, problems[0] if problems else None,
                             result.bad_seq, problems, replay.notes)
    return out, replay, store_id, signed_from


def _search_index_problems(store, read) -> list[str]:
    """The derived search index checked against the customers (Store.check_search_index).
    A difference is named, and the index is rebuilt from the records at once: it holds
    nothing the records do not, so the rebuild loses nothing, and text search finds
    every customer again. [] when it matches."""
    found = read("the search index (customers_fts)", store.check_search_index)
    if found is None or found.ok:
        return []
    parts = []
    if found.missing:
        ids = [format_id(CUSTOMER, seq) for seq in found.missing]
        shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5:,} more" if len(ids) > 5 else "")
        parts.append(f"text search did not find {shown}")
    if found.extra:
        parts.append(f"it held {len(found.extra):,} entries of no customer")
    if not parts:
        parts.append("its entries were not those of the customers' values")
    fixed = read("the search index (rebuilding it)", lambda: store.rebuild_search_index() or True)
    return ["the search index no longer matched the customers (changed outside cims): " + "; ".join(parts)
            + ("; verify rebuilt it from the records" if fixed else "")]


def _secret_text(secret):
    """A TOTP secret as text for its digest (a value cims never writes still gets one)."""
    return secret if secret is None or isinstance(secret, str) else repr(secret)


def check_may_accept(session: Session) -> None:
    """PermissionDenied (audited) unless the signed-in user may accept the trail: asked
    before the question, so a role that may not is not asked first (administrators only)."""
    session.ensure("admin")


def accept_trail(session: Session) -> dict:
    """Pin the trail as it is now on this OS account, after an administrator has looked
    into what `verify` named (e.g. a store file deliberately put back from a copy).

    Writes a signed `trust.accept` entry naming the head that was pinned before, so the
    decision is itself in the trail, and pins the new head with each user's signing-key
    fingerprint as the trail now has it: what was accepted is what later checks compare
    with (nothing is left to be trusted on first use again). Administrators only.
    Erases cims wrote unsigned into a backup that was then restored (verify names each:
    "entries #a–#b are cims's own erase of C-… in a backup …") are accepted by name in
    that entry, whose signature also holds the state their records are in now.
    Returns {"was": [seq, mac] or None, "now": seq, "keys_changed": [{"user", "was",
    "now"}] for each user whose pinned fingerprint is not the accepted one},
    "erases_accepted": ["#a–#b (C-…)"] when there were such erases}.
    """
    session.ensure("admin")
    store = session.store
    store_id = KeyFile.load(session.store_path).store_id
    old_pin = trust.load_pin(store_id) or {}
    before = old_pin.get("head")
    # Erases cims wrote unsigned into a backup since restored (ledger.CopyErase): the
    # signed entry names them, and its signature holds their records' states.
    erases = _check_trail(session)[1].pending_copy_erases()
    changes: dict = {"pinned_head": [before, None]}
    if erases:
        changes["accepted_erases"] = [None, [[run.first, run.last] for run in erases]]
    session.trust_problem = session.trust_kind = None
    session.pin_heads = session.pin_own_head = False
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, ledger.ACCEPT, None, None, None, changes)])
        for run in erases:
            session.also_sign(run.records)
        uow.commit()
    head = store.last_audit()
    _out, replay, _id, signed_from = _check_trail(session)
    keys = replay.fingerprints()
    pinned = old_pin.get("keys") or {}
    changed = [{"user": u, "was": pinned.get(u), "now": keys.get(u)}
               for u in sorted(set(pinned) | set(keys)) if u in pinned and pinned.get(u) != keys.get(u)]
    trust.save_pin(store_id, head, keys, signed_from, session.store_path)
    session.pin_heads = True
    out = {"was": before, "now": head[0], "keys_changed": changed}
    if erases:
        out["erases_accepted"] = [f"{run.label} ({run.customer})" for run in erases]
    return out


KEY_CHANGED = "changed since this computer checked: run `cims audit verify`"


def trust_fingerprints(session: Session) -> list[dict]:
    """Each user's signing-key fingerprint, and what this OS account pinned for them.

    For an administrator to compare between computers (or read out over the phone):
    the same user must show the same fingerprint everywhere. Rows: username, role,
    disabled, fingerprint ('SHA256:…' of the Ed25519 key in the user's slot, None when
    the user has not signed in since signatures began), pinned (the fingerprint this
    OS account pinned at its last clean `audit verify`, or None), status ("pinned",
    "not pinned yet", "no key yet", or `KEY_CHANGED`: a password reset by an
    administrator gives the user a new key, signed in the trail; a key put in the key
    file by anyone else is not, and `audit verify` names it). Any role.
    """
    session.ensure("read")
    kf = KeyFile.load(session.store_path)
    pin = trust.load_pin(kf.store_id) or {}
    pinned = pin.get("keys") or {}
    out = []
    for u in session.store.fetch_users():
        fp = trust.fingerprint(kf.signing_public(u["username"]))
        mine = pinned.get(u["username"])
        status = ("no key yet" if fp is None else "not pinned yet" if mine is None
                  else "pinned" if mine == fp else KEY_CHANGED)
        out.append({"username": u["username"], "role": u["role"], "disabled": u["disabled"],
                    "fingerprint": fp, "pinned": mine, "status": status})
    return out
