"""Migrations, recorded in the file's `schema_migrations` table.

Entity tables are generated from the layout definition so a new field needs one line
in `domain/schema.py` and a migration here that adds the column.
"""

from __future__ import annotations

from ..domain.schema import ENTITIES, Entity

_NOCASE_KINDS = ("name", "email", "enum", "user", "text")
_SQL_TYPE = {"money": "INTEGER", "decimal": "INTEGER", "int": "INTEGER", "bool": "INTEGER"}


def _entity_table(ent: Entity) -> list[str]:
    cols = ["seq INTEGER PRIMARY KEY",
            "id TEXT NOT NULL UNIQUE",
            "created_at TEXT NOT NULL", "created_by TEXT NOT NULL",
            "updated_at TEXT NOT NULL", "updated_by TEXT NOT NULL",
            "version INTEGER NOT NULL DEFAULT 1",
            "deleted_at TEXT", "deleted_by TEXT", "batch_id TEXT"]
    # Searchable text compares case-insensitively (Shanghai = shanghai, Foo@x.com =
    # foo@x.com); declaring it on the column lets equality filters use the index.
    cols += [f"{f.key} {_SQL_TYPE.get(f.kind, 'TEXT')}"
             + (" COLLATE NOCASE" if f.searchable and f.kind in _NOCASE_KINDS else "") for f in ent.fields]
    stmts = [f"CREATE TABLE {ent.table} ({', '.join(cols)})"]
    for f in ent.fields:
        if f.searchable:
            stmts.append(f"CREATE INDEX ix_{ent.table}_{f.key} ON {ent.table}({f.key})")
    for meta in ("created_at", "updated_at", "batch_id"):
        stmts.append(f"CREATE INDEX ix_{ent.table}_{meta} ON {ent.table}({meta})")
    return stmts


# Free-text search over customers: a trigram index finds any substring of 3+
# characters, which works for Chinese names (no word breaks) as well as English.
# detail=none keeps no positions (a third of the build cost): a search asks the index
# for the rows holding every trigram of the term, then checks the term itself on them.
# Phones are not in it: a search for digits looks at the phone columns directly.
def _fts(cols: tuple[str, ...], detail: str) -> list[str]:
    c = ", ".join(cols)
    new = ", ".join("new." + x for x in cols)
    old = ", ".join("old." + x for x in cols)
    return [
        f"CREATE VIRTUAL TABLE customers_fts USING fts5({c}, "
        f"content='customers', content_rowid='seq', tokenize='trigram'{detail})",
        f"CREATE TRIGGER customers_ai AFTER INSERT ON customers BEGIN "
        f"INSERT INTO customers_fts(rowid, {c}) VALUES (new.seq, {new}); END",
        f"CREATE TRIGGER customers_ad AFTER DELETE ON customers BEGIN "
        f"INSERT INTO customers_fts(customers_fts, rowid, {c}) VALUES ('delete', old.seq, {old}); END",
        f"CREATE TRIGGER customers_au AFTER UPDATE OF {c} ON customers BEGIN "
        f"INSERT INTO customers_fts(customers_fts, rowid, {c}) VALUES ('delete', old.seq, {old}); "
        f"INSERT INTO customers_fts(rowid, {c}) VALUES (new.seq, {new}); END",
    ]


# Tags are in it from migration 4: an imported customer keeps the id it had in the old
# system as the tag "src:<id>", and searching that id should find it.
# City, province and country from migration 9: "London" or "上海 segment:VIP" typed as
# free text finds the customers there (a customer information system is searched by place).
FTS_COLS = ("name", "company", "email", "notes", "tags", "city", "province", "country")
_FTS_V1 = _fts(("name", "company", "email", "phone", "mobile", "notes"), "")
_FTS_V2 = _fts(("name", "company", "email", "notes"), ", detail=none")
_FTS_V4 = _fts(("name", "company", "email", "notes", "tags"), ", detail=none")
_FTS_V9 = _fts(FTS_COLS, ", detail=none")
# Bulk inserts drop the insert trigger and index their rows in one statement at the end
# (several times faster than a trigger per row), all inside the one transaction.
FTS_INSERT_TRIGGER = _FTS_V9[1]
FTS_INDEX_RANGE = (f"INSERT INTO customers_fts(rowid, {', '.join(FTS_COLS)}) "
                   f"SELECT seq, {', '.join(FTS_COLS)} FROM customers WHERE seq BETWEEN ? AND ?")
FTS_INDEX_SEQS = (f"INSERT INTO customers_fts(rowid, {', '.join(FTS_COLS)}) "
                  f"SELECT seq, {', '.join(FTS_COLS)} FROM customers "
                  f"WHERE seq IN (SELECT value FROM json_each(?))")

# Audit actions that put identifiers on the suppression list or take one off
# (services.suppression); the SQL tuple text is the partial index's WHERE and the query's.
ERASURE_ACTIONS = "('gdpr.erase', 'gdpr.suppress', 'gdpr.allow')"

_CORE = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE users (username TEXT PRIMARY KEY, display_name TEXT, role TEXT NOT NULL, "
    "disabled INTEGER NOT NULL DEFAULT 0, totp_secret TEXT, created_at TEXT NOT NULL, "
    "created_by TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1)",
    "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, "
    "action TEXT NOT NULL, entity TEXT, entity_id TEXT, batch_id TEXT, changes TEXT, "
    "digests TEXT, prev_mac TEXT NOT NULL, mac TEXT NOT NULL)",
    "CREATE INDEX ix_audit_entity_id ON audit(entity_id)",
    "CREATE INDEX ix_audit_batch_id ON audit(batch_id)",
    "CREATE TABLE batches (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, "
    "source TEXT, created_at TEXT NOT NULL, created_by TEXT NOT NULL, summary TEXT, undone_at TEXT)",
    "CREATE TABLE stage_history (seq INTEGER PRIMARY KEY, opportunity_id TEXT NOT NULL, "
    "from_stage TEXT, to_stage TEXT NOT NULL, changed_at TEXT NOT NULL, changed_by TEXT NOT NULL)",
    "CREATE INDEX ix_stage_history_opp ON stage_history(opportunity_id)",
]


def _initial() -> list[str]:
    stmts = list(_CORE)
    for ent in ENTITIES.values():
        stmts += _entity_table(ent)
    stmts += _FTS_V1
    return stmts


_V2 = [
    "DROP TRIGGER customers_ai", "DROP TRIGGER customers_ad", "DROP TRIGGER customers_au",
    "DROP TABLE customers_fts",
    *_FTS_V2,
    "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",
    # Records written in bulk share one audit entry; this finds it from a record id.
    "CREATE TABLE audit_refs (entity_id TEXT NOT NULL, seq INTEGER NOT NULL, "
    "PRIMARY KEY (entity_id, seq)) WITHOUT ROWID",
]

def _partial_indexes() -> list[str]:
    # Columns most rows leave empty skip the index for those rows: a filter `col = ?`
    # still uses it, and bulk writes do less. (None of these is a sort key.)
    cols = [("customers", c) for c in ("phone", "province", "source", "rfm_segment")]
    cols += [(e.table, "batch_id") for e in ENTITIES.values()]
    out = []
    for table, col in cols:
        out += [f"DROP INDEX ix_{table}_{col}",
                f"CREATE INDEX ix_{table}_{col} ON {table}({col}) WHERE {col} IS NOT NULL"]
    return out


_V4 = [
    "DROP TRIGGER customers_ai", "DROP TRIGGER customers_ad", "DROP TRIGGER customers_au",
    "DROP TABLE customers_fts",
    *_FTS_V4,
    "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",
]

_V9 = [
    "DROP TRIGGER customers_ai", "DROP TRIGGER customers_ad", "DROP TRIGGER customers_au",
    "DROP TABLE customers_fts",
    *_FTS_V9,
    "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')",      # existing rows indexed again
]

# Currency codes are ISO 4217, upper case (validation does it from now on; older rows
# may say "usd" or "RMB"). Exchange rates the owner enters: 1 `currency` = `rate`
# `base` (the store's currency when entered) from `valid_from` until the next date.
_V5 = [
    *(f"UPDATE {t} SET currency = UPPER(TRIM(currency)) "
      f"WHERE currency IS NOT NULL AND currency != UPPER(TRIM(currency))" for t in ("orders", "opportunities")),
    *(f"UPDATE {t} SET currency = 'CNY' WHERE currency = 'RMB'" for t in ("orders", "opportunities")),
    "CREATE TABLE fx_rates (currency TEXT NOT NULL, base TEXT NOT NULL, valid_from TEXT NOT NULL, "
    "rate TEXT NOT NULL, set_at TEXT NOT NULL, set_by TEXT NOT NULL, "
    "PRIMARY KEY (currency, base, valid_from)) WITHOUT ROWID",
]

# Signatures over the audit trail: one per write (a unit of work), by the user who
# wrote it, covering its entries first_seq..last_seq and the state its records were
# left in (see cims_xl.security.ledger).
_V6 = [
    "CREATE TABLE audit_sigs (last_seq INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL, "
    "signer TEXT NOT NULL, states TEXT NOT NULL, sig TEXT NOT NULL)",
]

def _change_tracking() -> list[str]:
    # What changed since a reader last looked (the worksheet functions' cache): every
    # write stamps its rows with the store's change clock, bumped once per write call,
    # and a row removed for good (import undo) leaves its id in removed_records.
    # The epoch changes when the store is replaced (restore): a reader then reloads.
    out = ["CREATE TABLE change_clock (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL, "
           "epoch TEXT NOT NULL)",
           "INSERT INTO change_clock VALUES (1, 0, lower(hex(randomblob(8))))",
           "CREATE TABLE removed_records (change_seq INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL)",
           "CREATE INDEX ix_removed_records_change_seq ON removed_records(change_seq)"]
    for ent in ENTITIES.values():
        out += [f"ALTER TABLE {ent.table} ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0",
                f"CREATE INDEX ix_{ent.table}_change_seq ON {ent.table}(change_seq)"]
    return out


MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "initial schema", _initial()),
    (2, "search index without positions and phones; bulk audit entries", _V2),
    (3, "indexes of mostly empty columns leave out the empty rows", _partial_indexes()),
    (4, "free-text search covers tags (an imported customer's old id)", _V4),
    (5, "currency codes upper case; exchange rates", _V5),
    (6, "signed audit trail: one signature per write, by its author", _V6),
    (7, "change tracking: rows carry the change clock of their last write", _change_tracking()),
    # A sheet row's random id, written to the workbook before Save commits, and the
    # record that Save created from it: a Save repeated after a crash finds it again.
    (8, "sheet rows remember the record a Save created from them",
     ["CREATE TABLE sheet_rows (token TEXT PRIMARY KEY, record_id TEXT NOT NULL, "
      "created_at TEXT NOT NULL) WITHOUT ROWID"]),
    (9, "free-text search covers city, province and country", _V9),
    # The suppression list (services.suppression) is read from the trail's erase entries:
    # a partial index finds those few among many without reading the rest.
    (10, "erased people's identifiers found quickly in the audit trail (suppression list)",
     [f"CREATE INDEX ix_audit_erasures ON audit(seq) WHERE action IN {ERASURE_ACTIONS}"]),
    # A search also looks for customers a merge retired (deleted, kept stored: their
    # email and numbers find the customer they were merged into); a partial index holds
    # only the deleted rows, so that look costs them, not every customer.
    (11, "deleted customers found without reading every customer (a merged customer's values)",
     ["CREATE INDEX ix_customers_deleted_at ON customers(deleted_at) WHERE deleted_at IS NOT NULL"]),
]
