"""GDPR / PIPL: export everything about one customer; erase one customer's personal data."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import phonenumbers

from ..domain.duplicates import parse_name
from ..domain.mentions import (Finder, address_anchor, address_pattern, literal_anchor, literal_pattern, name_anchor,
                               name_pattern, name_words, spaced_script)
from ..domain.schema import CUSTOMER, ENTITIES, SOURCE_TAG, kind_of_id, normalize_id, source_ids
from ..errors import CimsError, NotFound
from ..scratch import write_private
from ..security.audit import (ERASED, AuditEvent, canonical, entry_records, erase_bulk_record, erase_values,
                              is_bulk, jsonable, loads, record_changes)
from ..store.db import utcnow
from . import records
from .search import customer_360
from .session import Session
from .suppression import erased_identifiers

ERASED_NAME = "[erased]"
SECTIONS = ("contacts", "interactions", "orders", "opportunities", "tickets")


def export_customer(session: Session, customer_id: str, out_path: str | os.PathLike | None = None, *,
                    write_xlsx: Callable[[Path, dict[str, list[dict]]], None] | None = None) -> dict:
    """Everything stored about one customer, with each record's change history.

    A customer merged into it (`customer merge`) is the same person: its own record, as
    the store keeps it, is in "merged_customers" and its history in "history". Asked for
    a customer a merge retired, it exports the customer that holds its data now, and
    "requested" says so ({"id", "merged_into", "merged_at", "exported", "note"}).

    Writes JSON or .xlsx (by the file's suffix) when `out_path` is given. An .xlsx is
    written by `write_xlsx(path, {sheet name: rows as dicts})`, passed in by the entry
    point (`cims_xl.excel.safe.write_rows_xlsx`: 0600, atomic, formulas neutralised);
    without one an .xlsx path raises CimsError before anything is read or audited.
    """
    if out_path and Path(out_path).suffix.lower() == ".xlsx" and write_xlsx is None:
        raise CimsError("an .xlsx export needs a workbook writer; write .json instead")
    from .merge import merged_away, merged_message

    # A customer a merge retired: its data is the kept customer's now (its records moved
    # there, its own record is kept beside): the export answers for that one.
    requested = merged_away(session, customer_id)
    if requested is not None and requested["kept"]:
        customer_id = requested["kept"]
    session.ensure("export", "customer", record_id=customer_id)
    data = customer_360(session, customer_id)
    cid = data["customer"]["id"]
    # Customers merged into this one (directly or through a chain): their own records as
    # the store keeps them, with their history, and anything still under their ids.
    retired = _merged_into(session, cid)
    for rid in retired:
        for key in SECTIONS:
            kind = _KIND_OF_SECTION[key]
            have = {r["id"] for r in data[key]}
            for rec in session.store.fetch_records(ENTITIES[kind], include_deleted=True, equals={"customer_id": rid}):
                if rec["id"] not in have:
                    data[key].append(records.get(session, rec["id"], include_deleted=True))
    # Records of other customers that name one of this customer's contacts are about
    # this customer's person too (stored before every write path checked the two agreed).
    for kind, rec in _naming_contacts_of(session, cid, include_deleted=True):
        key = _SECTION_OF[kind]
        if all(r["id"] != rec["id"] for r in data[key]):
            data[key].append(records.get(session, rec["id"], include_deleted=True))
    # Deleted records are still stored (a restore brings them back, an erase scrubs
    # them): the person's export holds them too, marked deleted, with their history.
    for key in SECTIONS:
        kind = _KIND_OF_SECTION[key]
        have = {r["id"] for r in data[key]}
        for rec in session.store.fetch_records(ENTITIES[kind], include_deleted=True, equals={"customer_id": cid}):
            if rec["id"] not in have and rec.get("deleted_at") is not None:
                data[key].append(records.get(session, rec["id"], include_deleted=True))
    for key in SECTIONS:
        for r in data[key]:
            r["deleted"] = r.get("deleted_at") is not None
    doc = {"customer": data["customer"], **{k: data[k] for k in SECTIONS},
           "lifetime_value": data["lifetime_value"], "lifetime_values": data["lifetime_values"]}
    if retired:
        doc["merged_customers"] = [records.get(session, rid, include_deleted=True) for rid in retired
                                   if session.store.fetch_record(CUSTOMER, rid, include_deleted=True) is not None]
    if requested is not None and requested["kept"]:
        doc["requested"] = {"id": requested["id"], "merged_into": requested["into"], "merged_at": requested["at"],
                            "exported": cid,
                            "note": f"{merged_message(requested)}; exported {cid}, which holds its data"}
    crossed = _crossed(session, cid, [r for k in SECTIONS for r in data[k]])
    if crossed:
        doc["records_naming_another_customer"] = crossed
    mentioned = _mentioned_in(session, cid, {cid, *retired, *(r["id"] for k in SECTIONS for r in data[k])})
    if mentioned:
        doc["mentioned_in"] = mentioned
    ids = [data["customer"]["id"]] + [r["id"] for r in doc.get("merged_customers", [])] \
        + [r["id"] for k in SECTIONS for r in data[k]]
    doc["history"] = {rid: records.history(session, rid) for rid in ids}
    doc = json.loads(json.dumps(doc, default=jsonable))
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, "export", "customer", data["customer"]["id"], None,
                                  {"format": [None, Path(out_path).suffix.lstrip(".") if out_path else "data"],
                                   # where the file went: `gdpr erase` names it (services.erase_copies)
                                   **({"path": [None, str(Path(out_path).resolve())]} if out_path else {})})])
        uow.commit()
    if out_path:
        out_path = Path(out_path)
        if out_path.suffix.lower() == ".xlsx":
            write_xlsx(out_path, _xlsx_sheets(doc))   # 0600, atomic
        else:
            write_private(out_path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    return doc


def _mentioned_in(session: Session, cid: str, own: set[str]) -> list[dict]:
    """[{"record", "kind", "field", "text"}] of the prose of records that are not the
    person's own (`own`: the exported ones) and mention them: their whole name, emails,
    phone numbers or addresses, found as `gdpr erase` finds what it scrubs there
    (`_erase_mentions`, `_scrubber(words=False)`), so an access request (GDPR Art. 15)
    shows what an erase would change. The text may name other people: review it."""
    store = session.store
    touched = _touched(session, cid, list(store.iter_audit(entity_id=cid)))
    audit = {rid: list(store.iter_audit(entity_id=rid)) for _k, rid in touched}
    scrub = _scrubber(_person_values(session, touched, audit), words=False)
    own = own | {rid for _k, rid in touched}
    out = []
    for ent in ENTITIES.values():
        keys = _mention_keys(ent)
        if not keys:
            continue
        for rid, *texts in store.iter_column_tuples(ent, ["id", *keys], include_deleted=True):
            if rid in own:
                continue
            out += [{"record": rid, "kind": ent.kind, "field": ent.field(k).header, "text": v}
                    for k, v in zip(keys, texts) if isinstance(v, str) and scrub(v) != v]
    return out


_SECTION_OF = {"interaction": "interactions", "ticket": "tickets"}
_KIND_OF_SECTION = {"contacts": "contact", "interactions": "interaction", "orders": "order",
                    "opportunities": "opportunity", "tickets": "ticket"}


def _naming_contacts_of(session: Session, cid: str, *, include_deleted: bool = False) -> list[tuple[str, dict]]:
    """(kind, record) of the records of OTHER customers than `cid` that name one of
    `cid`'s contacts (deleted contacts too; deleted records with `include_deleted`)."""
    store = session.store
    contacts = [r["id"] for r in store.fetch_records(ENTITIES["contact"], include_deleted=True,
                                                     equals={"customer_id": cid})]
    out = []
    for kind in _SECTION_OF:
        for pid in contacts:
            out += [(kind, r) for r in store.fetch_records(ENTITIES[kind], include_deleted=include_deleted,
                                                           equals={"contact_id": pid})
                    if r["customer_id"] != cid]
    return out


def _crossed(session: Session, cid: str, rows: list[dict]) -> list[dict]:
    """The exported records whose customer and contact disagree (stored before every
    write path refused that; `cims audit contacts` lists them all): each with its
    customer, its contact and the contact's customer, for the administrator to review
    before the export goes out (such a record may hold the other customer's data)."""
    named = [r for r in rows if r.get("contact_id") and r.get("customer_id")]
    if not named:
        return []
    from .records import _contact_customers

    theirs = _contact_customers(session, [r["contact_id"] for r in named])
    return [{"record": r["id"], "customer_id": r["customer_id"], "contact_id": r["contact_id"],
             "contact_of": theirs.get(r["contact_id"])}
            for r in named if theirs.get(r["contact_id"]) not in (None, r["customer_id"])]


def _xlsx_sheets(doc: dict) -> dict[str, list[dict]]:
    """The export document as workbook sheets: {sheet name: rows as dicts}."""
    sheets = {"Customer": [doc["customer"]]}
    if doc.get("merged_customers"):
        sheets["Merged Customers"] = doc["merged_customers"]
    if doc.get("requested"):
        sheets["Requested"] = [doc["requested"]]
    for key in SECTIONS:
        sheets[key.title()] = doc[key]
    if doc.get("records_naming_another_customer"):
        sheets["Review"] = doc["records_naming_another_customer"]
    if doc.get("mentioned_in"):
        sheets["Mentioned In"] = doc["mentioned_in"]
    history = [{"record": rid, "at": h["at"], "actor": h["actor"], "action": h["action"],
                "changes": json.dumps(h["changes"], ensure_ascii=False)}
               for rid, entries in doc["history"].items() for h in entries]
    sheets["History"] = history
    return sheets


# Related records whose personal fields are erased, and whose free text (subjects,
# opportunity names, order products and notes) is cleared of the erased names.
RELATED = ("contact", "interaction", "ticket", "order", "opportunity")


def _free_text(ent) -> tuple[str, ...]:
    """Fields that are not personal but may name a person (see schema.Field.free_text)."""
    return ent.free_text_keys


def erase_customer(session: Session, customer_id: str) -> dict:
    """Remove a customer's personal data everywhere the product keeps it.

    In the store: the customer, its contacts, interactions, tickets, orders and
    opportunities (personal fields blanked; old-system id tags "src:…" removed, and a
    Person's company, city and province blanked; the customer's and contacts' names,
    emails, phone numbers and addresses removed from subjects, opportunity names, order
    products and notes), every other record's prose that mentions them (notes,
    descriptions, free text) and the audit trail's values of all of them (the chain
    still verifies). Records an
    import undo removed are found through the audit trail. Then every backup in the
    store's backup folder, every backup the audit trail says cims wrote elsewhere, and
    every `*.before-restore-*` copy that opens with the current data key is erased the
    same way; the others are listed, not changed (services.erase_copies).

    A contact person's id (P-…) erases that person alone (GDPR Art. 17 applies to every
    data subject): their contact record and its audit values, their name, email and
    numbers in the interactions and tickets that name them (the facts kept) and in every
    other record's prose, the same copies; the customer stays. The result then has
    "contact" and "contact_of" (its customer) instead of "customer".

    Returns {"customer", "records", "mentions_erased" (other records changed), "copies_erased": [file names], "copies_not_reached":
    [file names with the reason], "copies_unsigned", "exports_not_reached" [files cims wrote
    that may hold the person: path, what, who, when]}, and "audit_entries_not_reached" (a sentence) when
    audit entries written before free text was digested still name the person. Raises NotFound when neither the store nor its audit
    trail knows the customer.
    """
    contact = is_contact_id(customer_id)
    session.ensure("admin", "contact" if contact else "customer", record_id=customer_id)
    cid = normalize_id(customer_id)
    of = (session.store.fetch_record(CONTACT, cid, include_deleted=True) or {}).get("customer_id") if contact else None
    _note_pending(session, cid, True)         # until the copies are done too (see unfinished_erases)
    done = erase_in_store(session, cid)
    if done is None:
        _note_pending(session, cid, False)
        raise NotFound(f"no {'contact' if contact else 'customer'} {customer_id}")
    from .erase_copies import erase_copies

    copies = erase_copies(session, cid)
    _note_pending(session, cid, False)
    who = {"contact": cid, "contact_of": of} if contact else {"customer": cid}
    out = {**who, "records": done.records, "mentions_erased": done.mentions, **copies}
    if done.sealed_entries:
        out["audit_entries_not_reached"] = (
            f"{len(done.sealed_entries)} audit entries written before this version keep free text "
            f"(a subject, product or note) naming the person, or their old-system id, company or town: "
            f"#{done.sealed_entries[0]}"
            + (f"–#{done.sealed_entries[-1]}" if len(done.sealed_entries) > 1 else "")
            + "; they are sealed by the audit chain and its signatures")
    return out


_PENDING = "erase_pending"     # meta: customers whose erase has not yet reached every copy


def _note_pending(session: Session, cid: str, pending: bool) -> None:
    store = session.store
    now = [c for c in unfinished_erases(session) if c != cid] + ([cid] if pending else [])
    with store.transaction():
        store.set_meta(_PENDING, now)


def unfinished_erases(session: Session) -> list[str]:
    """Customers whose `erase_customer` did not finish (the process was killed between
    the store and its backups): run the erase again for each. Read from meta; [] when
    none."""
    value = session.store.get_meta(_PENDING, [])
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


def _merged_into(session: Session, cid: str) -> list[str]:
    """Ids of the customers merged into `cid`, directly or through a chain of merges
    (B merged into A, C into B), from the merge entries of the audit trail."""
    from .merge import merge_edges

    into: dict[str, list[str]] = {}
    for drop_id, keep in merge_edges(session).items():
        into.setdefault(keep, []).append(drop_id)
    found: dict[str, None] = {}
    todo = [cid]
    while todo:
        for drop_id in into.get(todo.pop(), []):
            if drop_id != cid and drop_id not in found:
                found[drop_id] = None
                todo.append(drop_id)
    return list(found)


def _touched(session: Session, cid: str, customer_rows: list) -> list[tuple[str, str]]:
    """(kind, id) of the customer, of every customer merged into it (a duplicate of the
    same person, retired by `customer merge`), and of every record under them, also
    those an import undo removed (they were created in one of the batches that created
    the customer)."""
    store = session.store
    touched: dict[tuple[str, str], None] = {}
    for one in [cid, *_merged_into(session, cid)]:
        rows = customer_rows if one == cid else list(store.iter_audit(entity_id=one))
        for key in _touched_one(session, one, rows):
            touched[key] = None
    return list(touched)


def _touched_one(session: Session, cid: str, customer_rows: list) -> list[tuple[str, str]]:
    store = session.store
    touched: dict[tuple[str, str], None] = {("customer", cid): None}
    for kind in RELATED:
        for rec in store.fetch_records(ENTITIES[kind], include_deleted=True, equals={"customer_id": cid}):
            touched[(kind, rec["id"])] = None
    # Records of other customers that name one of its contacts: about this person too.
    for kind, rec in _naming_contacts_of(session, cid, include_deleted=True):
        touched[(kind, rec["id"])] = None
    for batch in sorted({row[6] for row in customer_rows if row[6]}):
        for _seq, _at, _actor, action, entity, eid, _b, changes, digests, _p, _m in store.iter_audit(batch_id=batch):
            if entity not in RELATED or action not in ("create", "update"):
                continue
            for rid, fields in entry_records(eid, changes, digests).items():
                if (fields.get("customer_id") or [None, None])[1] == cid and (entity, rid) not in touched:
                    # only records gone from the store: one still there now belongs to another customer
                    if store.fetch_record(ENTITIES[entity], rid, include_deleted=True) is None:
                        touched[(entity, rid)] = None
    return list(touched)


# What of a customer or contact free text may repeat: its names and emails (the
# existing word rules), phone numbers (matched by their digits) and postal addresses.
_NAME_KEYS = ("name", "email")
_PHONE_KEYS = ("phone", "mobile")
_ADDRESS_KEYS = ("address",)


@dataclass
class PersonValues:
    """The erased people's values as the store and its trail hold them: `names` (names
    and emails), `phones` (as stored, E.164 from this version on) and `addresses`."""
    names: list[str]
    phones: list[str]
    addresses: list[str]


def _person_values(session: Session, touched: list[tuple[str, str]], audit: dict[str, list]) -> PersonValues:
    """The values of the customers and contacts in `touched`, from the store and every
    audit entry about them (values already erased are left out)."""
    found: dict[str, set[str]] = {k: set() for k in (*_NAME_KEYS, *_PHONE_KEYS, *_ADDRESS_KEYS)}
    for kind, rid in touched:
        if kind not in ("customer", "contact"):
            continue
        rec = session.store.fetch_record(ENTITIES[kind], rid, include_deleted=True) or {}
        values = [(k, rec.get(k)) for k in found]
        for row in audit.get(rid, []):
            for f, pair in record_changes(row[5], row[7], row[8], rid).items():
                if f in found and isinstance(pair, list):
                    values += [(f, v) for v in pair]
        for f, v in values:
            if isinstance(v, str) and len(v.strip()) >= 2 and v.strip() not in (ERASED, ERASED_NAME):
                found[f].add(v.strip())

    def of(keys):
        return sorted({v for k in keys for v in found[k]}, key=len, reverse=True)

    return PersonValues(of(_NAME_KEYS), of(_PHONE_KEYS), of(_ADDRESS_KEYS))


_PARTS = re.compile(r"[()（）,，;；/|]+")
# A name written "Last, First" (a list's order): its words are one name, not two parts.
_LAST_FIRST = re.compile(r"[^()（）,，;；/|]+[,，][^()（）,，;；/|]+")


def _variants(names: list[str], *, words: bool = True) -> list[str]:
    """What free text may call a person: the whole name or email, each part of a name
    ("张伟 (Zhang Wei)": "张伟", "Zhang Wei") and, with `words`, each of its words of two
    or more letters ("Zhang", "Wei"), and a name with a title also without it ("Dr.
    Anna Kovács": "Anna Kovács"); longest first. Without `words` (in records of other
    people) a name or part in a script that spaces its words (Latin, Cyrillic …) counts
    only when it has two words or more: "Wei" or "Émile" alone could be anyone
    ("Kovács, Anna" is two words). Each is then found in any order of its words, case,
    accents and width (`_name_alternative`)."""
    out: set[str] = set()
    for name in names:
        if "@" in name:
            out.add(name)
            continue
        whole = name.strip()
        if sum(c.isalnum() for c in whole) < 2:
            continue                           # "?", "王": nothing that says who
        if words or not spaced_script(whole) or len(name_words(whole)) >= 2:
            out.add(whole)
        untitled = _untitled(whole)
        if untitled:
            out.add(untitled)
        for part in ([] if _LAST_FIRST.fullmatch(whole) else _PARTS.split(name)):
            part = part.strip()
            if len(part) < 2:
                continue
            if words or not spaced_script(part) or len(part.split()) >= 2:
                out.add(part)
            if words:
                out.update(w for w in part.split() if len(w) >= 2)
        if words and _LAST_FIRST.fullmatch(whole):
            out.update(w for w in name_words(whole) if len(w) >= 2)
    return sorted(out, key=len, reverse=True)


def _untitled(name: str) -> str | None:
    """A name of two words or more without the title written before it ("Dr. Anna
    Kovács" -> "Anna Kovács"; titles from nameparser's lists, see
    `domain.duplicates.parse_name`), or None when it has none."""
    if not spaced_script(name) or _PARTS.search(name):
        return None
    parsed = parse_name(name)
    if not parsed.titled or parsed.cjk:
        return None
    words = name_words(name)
    found = None
    for k in range(1, len(words) - 1):         # the same name without its first k words
        if parse_name(" ".join(words[k:])).key == parsed.key:
            found = " ".join(words[k:])
    return found


def _name_alternative(variant: str) -> tuple[str, tuple[str, ...]]:
    """A name variant as (a pattern over folded text, its anchors) (`domain.mentions`):
    an email or a name with brackets as written; a name in any order of its words
    ("Anna Kovács", "Kovács, Anna", "KOVACS Anna", "Kovacs Anna")."""
    if "@" in variant or re.search(r"[()（）;；/|]", variant):
        return literal_pattern(variant), literal_anchor(variant)
    return name_pattern(variant), name_anchor(variant)


_ADDRESS_SPLIT = re.compile(r"[\n\r,，;；、]+")
# Where a Chinese or Japanese address steps down a level: what follows is still the
# same place ("北京市朝阳区建国路88号" -> "朝阳区建国路88号", "建国路88号").
_ADDRESS_LEVEL = re.compile(r"(?<=[省市区縣县州都道府])")
_MIN_ADDRESS_PART = 4


_HOUSE_NUMBER = re.compile(r"\s*\d+\s*[^\W\d_]?\s*")


def _address_variants(addresses: list[str]) -> list[str]:
    """What free text may repeat of a postal address: the whole address, each line, and
    each part (between commas, or after a province/city/district of a CJK address) that
    holds a house number (a digit) and at least four characters: "12 Rue de la Paix",
    "建国路88号". A part that is a house number alone goes with the part before and the
    part after it ("Via Roma, 12", "221b, Baker Street"). A part without a number
    ("朝阳区", "Paris") names a place many people share, not this person, and is left
    alone. Each is then found however the street type, case, punctuation and width are
    written (`domain.mentions.address_pattern`)."""
    out: set[str] = set()
    for address in addresses:
        out.add(" ".join(address.split()))
        for line in address.splitlines():
            if len(line.strip()) >= _MIN_ADDRESS_PART:
                out.add(" ".join(line.split()))
        parts = [p for p in _ADDRESS_SPLIT.split(address) if p.strip()]
        for i, part in enumerate(parts):
            pieces = [part] + [part[m.start():] for m in _ADDRESS_LEVEL.finditer(part) if 0 < m.start() < len(part)]
            if _HOUSE_NUMBER.fullmatch(part):
                pieces = [f"{parts[i - 1]}, {part}"] * (i > 0) + [f"{part}, {parts[i + 1]}"] * (i + 1 < len(parts))
            for piece in pieces:
                piece = " ".join(piece.split())
                if len(piece) >= _MIN_ADDRESS_PART and any(c.isdigit() for c in piece) \
                        and any(c.isalpha() for c in piece):
                    out.add(piece)
    return sorted(out, key=len, reverse=True)


_PHONE_GAP = r"[\s\-.()/]*"
_MIN_PHONE_DIGITS = 6


def _phone_patterns(phones: list[str]) -> list[str]:
    """Regular expressions that find each phone number however it is written: by its
    digits, with any spaces, dashes, dots, slashes or parentheses between them, with or
    without the country code ("+86", "0086") or the trunk prefix "0"; never inside a
    longer run of digits. "+8613800138000" finds "+86 138 0013 8000", "13800138000"
    and "138-0013-8000". A number of fewer than six digits is not looked for."""
    out: set[str] = set()
    for phone in phones:
        try:
            number = phonenumbers.parse(phone, None)
            digits = phonenumbers.national_significant_number(number)
            country = str(number.country_code)
        except phonenumbers.NumberParseException:
            digits, country = "".join(c for c in phone if c.isdigit()), ""
        digits = digits.lstrip("0") or digits
        if len(digits) < _MIN_PHONE_DIGITS:
            continue
        prefix = (rf"(?:(?:\+|00){_PHONE_GAP}{country}{_PHONE_GAP})?" if country else "") + rf"(?:\(?0\)?{_PHONE_GAP})?"
        out.add(rf"(?<!\d){prefix}{_PHONE_GAP.join(digits)}(?!\d)")
    return sorted(out)


def _finder(person: PersonValues, *, words: bool = True) -> Finder:
    """The person's names, emails, addresses and phone numbers as one `Finder` (one
    compiled pattern); `words` as in `_scrubber`."""
    names = [(v, _name_alternative(v)) for v in _variants(person.names, words=words)]
    places = [(v, (address_pattern(v, reorder=not re.search(r"[\n,，;；]", v)), address_anchor(v)))
              for v in _address_variants(person.addresses)]
    ordered = [alt for _v, alt in sorted(names + places, key=lambda pair: len(pair[0]), reverse=True)]
    return Finder(ordered, _phone_patterns(person.phones))


def _scrubber(person: PersonValues, *, words: bool = True) -> Callable[[object], object]:
    """A function that replaces in a text every mention of the person by `[erased]`
    (anything else comes back as it is). `words`: also single name words (in the
    person's own records); without it, only what cannot mean someone else (see
    `_variants`). Names and addresses are matched folded (`domain.mentions`: case,
    width, accents, Traditional/Simplified Han, the order of a name's words, street
    type abbreviations)."""
    finder = _finder(person, words=words)
    return lambda text: finder.replace(text, ERASED_NAME) if isinstance(text, str) else text


# Fields of any record that are written prose and may mention someone else: free text
# (schema.Field.free_text) and the personal notes and description of other people.
_PROSE = ("notes", "description")


def _mention_keys(ent) -> tuple[str, ...]:
    return tuple(f.key for f in ent.fields if f.free_text or (f.personal and f.key in _PROSE))


def _erase_mentions(session: Session, scrub: Callable[[object], object], skip: set[str], now,
                    sealed: set[int], only: set[str] | None = None) -> int:
    """Remove the person from the prose of every record not in `skip` (records of other
    people: "referred by 王小明 (wangxm@hengtong.cn)") and from the audit trail's values
    of those fields; returns how many records that changed.

    `scrub` is `_scrubber(…, words=False)`: whole names (in any order of their words,
    case, accents, width, Traditional or Simplified), name parts, emails, phone numbers
    and addresses (street types abbreviated or not), not single name words. In the trail a value that mentions
    the person becomes the marker (a value MACed through its digest can only be itself
    or the marker; in a bulk entry, the record's whole personal part); a value an older
    version MACed as stored is added to `sealed`. Each record changed, in the store or
    its trail, gets an `erase` entry (before-values the marker), inside the caller's
    unit of work. `only`: just these records (those that name an erased contact)."""
    store = session.store
    if only is not None:
        def left_out(rid) -> bool:
            return rid in skip or rid not in only
    else:
        def left_out(rid) -> bool:
            return rid in skip
    rewritten: dict[str, tuple[str, set[str]]] = {}       # record id -> (kind, fields)
    writes: list[tuple[str, int, str]] = []               # ("values"|"digests", seq, text)

    def mentions(key: str, value: object, keys: tuple[str, ...]) -> bool:
        return key in keys and isinstance(value, str) and scrub(value) != value

    for seq, _at, _actor, _action, entity, eid, _b, changes, digests, _p, _m in store.iter_audit():
        ent = ENTITIES.get(entity or "")
        keys = _mention_keys(ent) if ent else ()
        if not keys:
            continue
        if is_bulk(eid):
            personal = loads(digests or "{}").get("personal", {})
            hit = [rid for rid, values in personal.items() if not left_out(rid) and isinstance(values, dict)
                   and any(mentions(k, v, keys) for k, v in values.items())]
            for rid in hit:
                digests = erase_bulk_record(digests, rid)
                rewritten.setdefault(rid, (ent.kind, set()))[1].update(k for k in personal[rid] if k in keys)
            if hit:
                writes.append(("digests", seq, digests))
            plain = loads(changes or "{}")
            if any(not left_out(rid) and isinstance(values, dict) and any(mentions(k, v, keys) for k, v in values.items())
                   for rid, values in plain.items()):
                sealed.add(seq)
            continue
        if not eid or left_out(eid):
            continue
        values, digested = loads(changes or "{}"), loads(digests or "{}")
        changed = False
        for f, pair in values.items():
            if not isinstance(pair, list) or not any(mentions(f, v, keys) for v in pair):
                continue
            if f not in digested:
                sealed.add(seq)
                continue
            values[f] = [ERASED if mentions(f, v, keys) else v for v in pair]
            rewritten.setdefault(eid, (ent.kind, set()))[1].add(f)
            changed = True
        if changed:
            writes.append(("values", seq, canonical(values).decode("utf-8")))
    for what, seq, text in writes:
        (store.rewrite_audit_values if what == "values" else store.rewrite_audit_digests)(seq, text)

    found: dict[str, tuple[object, dict]] = {}
    for ent in ENTITIES.values():
        keys = _mention_keys(ent)
        if not keys:
            continue
        for rid, *texts in list(store.iter_column_tuples(ent, ["id", *keys], include_deleted=True)):
            if left_out(rid):
                continue
            new = {k: scrub(v) for k, v in zip(keys, texts) if mentions(k, v, keys)}
            if new or rid in rewritten:
                found[rid] = (ent, new)
    for rid, (kind, _fields) in rewritten.items():
        if rid not in found:
            found[rid] = (ENTITIES[kind], {})
    events = []
    for rid, (ent, new) in found.items():
        current = store.fetch_record(ent, rid, include_deleted=True)
        changes = {k: [ERASED, v] for k, v in new.items()}
        for f in sorted(rewritten.get(rid, (None, set()))[1] - set(new)):
            changes[f] = [ERASED, current.get(f) if current else None]
        if new and current is not None:
            store.update_record(ent, rid, {**new, "updated_at": now, "updated_by": session.username,
                                           "version": current["version"] + 1},
                                expected_version=current["version"])
        events.append(AuditEvent(now, session.username, "erase", ent.kind, rid, None, changes))
    if events:
        session.audit(events)
    return len(found)


# A Person customer's fields that are not personal alone but, with the rest of the
# store, point at the person: blanked on erase (a Company's are its own, not a person's).
PERSON_IDENTIFYING = ("company", "city", "province")


def _customer_type(current: dict | None, rows: list, rid: str) -> str:
    """The customer's type, from the store or (a customer only the trail remembers) its
    newest entry that set one; "Person" when none says."""
    if current is not None:
        return current.get("type") or "Person"
    found = None
    for row in rows:
        pair = record_changes(row[5], row[7], row[8], rid).get("type")
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str) and pair[1] != ERASED:
            found = pair[1]
    return found or "Person"


def _identifying(customer_type: str) -> tuple[str, ...]:
    """The identifying customer fields erase removes from the record and its trail:
    tags (old-system ids "src:…") always; company, city and province of a Person."""
    return ("tags",) + (PERSON_IDENTIFYING if customer_type == "Person" else ())


def _identifies(key: str, pair: list) -> bool:
    """Whether a trail value pair of an identifying field holds an identifier: any value
    of company/city/province, an old-system id among tags."""
    if key == "tags":
        return any(isinstance(v, str) and source_ids(v) for v in pair)
    return any(v not in (None, ERASED) for v in pair)


def _identifiers_cleared(rec: dict, ident: tuple[str, ...], scrub) -> dict:
    """{field: new value} that removes a customer's identifiers: the tags without the
    old-system ids ("src:CRM-007") and tags that name the person; None for the other
    fields of `ident` that hold a value."""
    out: dict = {k: None for k in ident if k != "tags" and rec.get(k) is not None}
    tags = rec.get("tags")
    if "tags" in ident and isinstance(tags, str):
        parts = [t.strip() for t in tags.split(",") if t.strip()]
        kept = [t for t in parts if not t.startswith(SOURCE_TAG) and scrub(t) == t]
        if kept != parts:
            out["tags"] = ", ".join(kept) or None
    return out


@dataclass
class Erased:
    """What `erase_in_store` did: how many records it erased, and the audit entries that
    an older version wrote with free text MACed as stored, which still name the person
    (changing them would break the chain and its signatures)."""
    records: int
    sealed_entries: list[int]
    mentions: int = 0     # records of other people whose text mentioned the person


def check_erasable(session: Session, customer_id: str) -> str:
    """What `erase_customer` would refuse, found before anyone is asked to confirm.

    Returns the customer's id (normalised). Raises PermissionDenied (not an
    administrator) or NotFound (neither the store nor its audit trail knows the
    customer); changes nothing.
    """
    cid = normalize_id(customer_id)
    if is_contact_id(cid):
        session.ensure("admin", "contact", record_id=cid)
        if _contact_known(session, cid) is None:
            raise NotFound(f"no contact {customer_id}")
        return cid
    session.ensure("admin", "customer", record_id=customer_id)
    store = session.store
    if store.fetch_record(CUSTOMER, cid, include_deleted=True) is None and not any(
            row[4] == "customer" for row in store.iter_audit(entity_id=cid)):
        raise NotFound(f"no customer {customer_id}" + _erasable_hint(customer_id))
    return cid


def _erasable_hint(typed: str) -> str:
    """What a "no customer" answer adds when the id typed is of another kind of record:
    only a customer (C-…) or a contact person (P-…) is a person that can be erased."""
    try:
        ent = kind_of_id(normalize_id(typed))
    except ValueError:
        return ""
    if ent.kind in ("customer", "contact"):
        return ""
    return (f": {normalize_id(typed)} is {'an' if ent.label[0] in 'aeiou' else 'a'} {ent.label}, not a person; "
            "erase its customer (C-…) or the contact person it names (P-…)")


def erasable_person(session: Session, customer_id: str) -> dict:
    """Whose data `erase_customer` would remove, to show the administrator before they
    confirm: {"id", "name", "email"} (name and email None when not known). The values
    come from the store, or for a customer only the audit trail remembers (removed by an
    import undo), from its newest entries. Raises what `check_erasable` raises; changes
    nothing."""
    cid = check_erasable(session, customer_id)
    rec = session.store.fetch_record(CONTACT if is_contact_id(cid) else CUSTOMER, cid, include_deleted=True) or {}
    out = {"id": cid, "name": rec.get("name"), "email": rec.get("email")}
    if not rec:
        for row in session.store.iter_audit(entity_id=cid):
            for f, pair in record_changes(row[5], row[7], row[8], cid).items():
                if f in ("name", "email") and isinstance(pair, list) and pair[1] not in (None, ERASED):
                    out[f] = pair[1]
    return out


def _erase_records(session: Session, touched: list[tuple[str, str]], audit: dict[str, list], scrub,
                   now, sealed: set[int]) -> None:
    """Erase each record of `touched` (kind, id) in the store and in its audit entries
    (`audit`: {id: its rows}): personal fields blanked (a required name the marker),
    free text cleared of the person (`scrub`), a customer's identifiers; inside the
    caller's unit of work. Entries an older version wrote with free text MACed as stored
    go to `sealed`."""
    store = session.store
    for kind, rid in touched:
        ent = ENTITIES[kind]
        free = _free_text(ent)
        current = store.fetch_record(ent, rid, include_deleted=True)
        ident = _identifying(_customer_type(current, audit[rid], rid)) if kind == "customer" else ()
        if current is not None:
            personal = [k for k in ent.personal_keys if current.get(k) is not None]
            values: dict = {k: None for k in personal}
            if "name" in values and ent.field("name").required:
                values["name"] = ERASED_NAME
            cleaned = {k: scrub(current[k]) for k in free if isinstance(current.get(k), str)}
            values.update({k: v for k, v in cleaned.items() if v != current[k]})
            values.update(_identifiers_cleared(current, ident, scrub))
            if values:
                changes = {k: [ERASED, values[k]] for k in values}
                values.update(updated_at=now, updated_by=session.username, version=current["version"] + 1)
                store.update_record(ent, rid, values, expected_version=current["version"])
                session.audit([AuditEvent(now, session.username, "erase", kind, rid, None, changes)])
        for seq, _at, _actor, _action, _e, eid, _b, changes, digests, _p, _m in audit[rid]:
            # Personal values and free text are MACed through their digests (written so
            # from this version on): they become the marker and the chain, and every
            # signature over it, still verify. Free text an older version MACed as
            # stored cannot change without breaking the chain: it is counted instead.
            if is_bulk(eid):
                erased = erase_bulk_record(digests, rid)
                if erased is not None:
                    store.rewrite_audit_digests(seq, erased)
                mine = json.loads(changes or "{}").get(rid) or {}
                if any(f in free and scrub(v) != v for f, v in mine.items()):
                    sealed.add(seq)
                continue
            if digests:
                erased = erase_values(changes, digests, ent.erasable_keys + ident)
                if erased != canonical(json.loads(changes or "{}")).decode("utf-8"):
                    store.rewrite_audit_values(seq, erased)
                values = json.loads(erased)
            else:
                values = json.loads(changes or "{}")
            if any(f in free and [scrub(v) for v in pair] != pair for f, pair in values.items()
                   if isinstance(pair, list)):
                sealed.add(seq)
            held = json.loads(digests or "{}")
            if any(f in ident and f not in held and isinstance(pair, list) and _identifies(f, pair)
                   for f, pair in values.items()):
                sealed.add(seq)      # an identifier an older version MACed as stored


def erase_in_store(session: Session, cid: str, *, unsigned: str | None = None) -> Erased | None:
    """Erase customer `cid` in the store `session` has open, or None when neither the
    store nor its audit trail knows the customer.

    `unsigned`: in a copy the administrator cannot sign (services.erase_copies), why
    (a code of security.ledger.UNSIGNED_WHY); the `gdpr.erase` entry records it."""
    if is_contact_id(cid):
        return _erase_contact_in_store(session, normalize_id(cid), unsigned=unsigned)
    session.ensure("admin", "customer", record_id=cid)
    store = session.store
    customer_rows = list(store.iter_audit(entity_id=cid))
    if store.fetch_record(CUSTOMER, cid, include_deleted=True) is None and not any(
            row[4] == "customer" for row in customer_rows):
        return None
    touched = _touched(session, cid, customer_rows)
    audit = {rid: list(store.iter_audit(entity_id=rid)) for _k, rid in touched}
    person = _person_values(session, touched, audit)
    scrub = _scrubber(person)
    now = utcnow()
    sealed: set[int] = set()       # entries of an older version whose free text still names them
    with session.unit_of_work() as uow:
        _erase_records(session, touched, audit, scrub, now, sealed)
        mentions = _erase_mentions(session, _scrubber(person, words=False), {rid for _k, rid in touched}, now, sealed)
        summary = {"records": [None, len(touched)]}
        if mentions:
            summary["mentions"] = [None, mentions]
        if unsigned:
            summary["unsigned"] = [None, unsigned]
        # Keyed digests of their email and phones: an old spreadsheet does not bring them back.
        summary.update(erased_identifiers(session, person))
        session.audit([AuditEvent(now, session.username, "gdpr.erase", "customer", cid, None, summary)])
        uow.commit()
    # Old values must not linger in the search index, freed pages or the WAL.
    store.fts_optimize()
    store.checkpoint()
    return Erased(len(touched), sorted(sealed), mentions)


# ----- a contact person on their own (GDPR Art. 17 applies to any data subject) -----

CONTACT = ENTITIES["contact"]


def is_contact_id(record_id: str) -> bool:
    """Whether `record_id` is a contact's id (P-…): erase and export then act on that
    person alone, not on a customer."""
    try:
        return kind_of_id(normalize_id(record_id)).kind == "contact"
    except ValueError:
        return False


def naming_contact(session: Session, pid: str) -> list[tuple[str, dict]]:
    """(kind, record) of every interaction and ticket (deleted ones too) that names
    contact `pid`."""
    return [(kind, rec) for kind in _SECTION_OF
            for rec in session.store.fetch_records(ENTITIES[kind], include_deleted=True, equals={"contact_id": pid})]


def _contact_known(session: Session, pid: str, rows: list | None = None) -> dict | None:
    """The contact as stored (deleted too), {} when only the audit trail knows it, None
    when neither does."""
    rec = session.store.fetch_record(CONTACT, pid, include_deleted=True)
    if rec is not None:
        return rec
    rows = rows if rows is not None else list(session.store.iter_audit(entity_id=pid))
    return {} if any(row[4] == "contact" for row in rows) else None


def _erase_contact_in_store(session: Session, pid: str, *, unsigned: str | None = None) -> Erased | None:
    """Erase contact person `pid` alone: their record (name the marker, email, phones and
    notes blanked) and its audit values; their name, email and numbers in the records
    that name them (interactions, tickets: their facts kept, the person masked, single
    name words too) and in every other record's prose (whole names only); their email
    and numbers on the erased list. The customer they are a contact of is not erased.
    None when neither the store nor its trail knows the contact."""
    session.ensure("admin", "contact", record_id=pid)
    store = session.store
    rows = list(store.iter_audit(entity_id=pid))
    if _contact_known(session, pid, rows) is None:
        return None
    touched = [("contact", pid)]
    audit = {pid: rows}
    person = _person_values(session, touched, audit)
    naming = {rec["id"] for _k, rec in naming_contact(session, pid)}
    now = utcnow()
    sealed: set[int] = set()
    with session.unit_of_work() as uow:
        _erase_records(session, touched, audit, _scrubber(person), now, sealed)
        mentions = _erase_mentions(session, _scrubber(person), {pid}, now, sealed, only=naming) if naming else 0
        mentions += _erase_mentions(session, _scrubber(person, words=False), {pid} | naming, now, sealed)
        summary = {"records": [None, 1]}
        if mentions:
            summary["mentions"] = [None, mentions]
        if unsigned:
            summary["unsigned"] = [None, unsigned]
        summary.update(erased_identifiers(session, person))
        session.audit([AuditEvent(now, session.username, "gdpr.erase", "contact", pid, None, summary)])
        uow.commit()
    store.fts_optimize()
    store.checkpoint()
    return Erased(1, sorted(sealed), mentions)


def export_contact(session: Session, contact_id: str, out_path: str | os.PathLike | None = None, *,
                   write_xlsx: Callable[[Path, dict[str, list[dict]]], None] | None = None) -> dict:
    """Everything stored about one contact person: their record, the interactions and
    tickets that name them (deleted ones too, marked), and the history of each; written
    as `export_customer` writes (JSON, or .xlsx through `write_xlsx`). Needs the export
    permission; audited as an export of the contact. Raises NotFound for no such
    contact."""
    if out_path and Path(out_path).suffix.lower() == ".xlsx" and write_xlsx is None:
        raise CimsError("an .xlsx export needs a workbook writer; write .json instead")
    pid = normalize_id(contact_id)
    session.ensure("export", "contact", record_id=pid)
    contact = records.get(session, pid, include_deleted=True)
    doc: dict = {"contact": {**contact, "deleted": contact.get("deleted_at") is not None},
                 "interactions": [], "tickets": []}
    for kind, rec in naming_contact(session, pid):
        got = records.get(session, rec["id"], include_deleted=True)
        doc[_SECTION_OF[kind]].append({**got, "deleted": got.get("deleted_at") is not None})
    ids = [pid] + [r["id"] for k in ("interactions", "tickets") for r in doc[k]]
    doc["history"] = {rid: records.history(session, rid) for rid in ids}
    doc = json.loads(json.dumps(doc, default=jsonable))
    with session.unit_of_work() as uow:
        session.audit([AuditEvent(utcnow(), session.username, "export", "contact", pid, None,
                                  {"format": [None, Path(out_path).suffix.lstrip(".") if out_path else "data"],
                                   **({"path": [None, str(Path(out_path).resolve())]} if out_path else {})})])
        uow.commit()
    if out_path:
        out_path = Path(out_path)
        if out_path.suffix.lower() == ".xlsx":
            history = [{"record": rid, "at": h["at"], "actor": h["actor"], "action": h["action"],
                        "changes": json.dumps(h["changes"], ensure_ascii=False)}
                       for rid, entries in doc["history"].items() for h in entries]
            write_xlsx(out_path, {"Contact": [doc["contact"]], "Interactions": doc["interactions"],
                                  "Tickets": doc["tickets"], "History": history})
        else:
            write_private(out_path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    return doc
