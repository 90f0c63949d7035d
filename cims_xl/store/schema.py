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
_FTS_COLS = ("name", "company", "email", "phone", "mobile", "notes")
_FTS = [
    f"CREATE VIRTUAL TABLE customers_fts USING fts5({', '.join(_FTS_COLS)}, "
    "content='customers', content_rowid='seq', tokenize='trigram')",
    f"CREATE TRIGGER customers_ai AFTER INSERT ON customers BEGIN "
    f"INSERT INTO customers_fts(rowid, {', '.join(_FTS_COLS)}) "
    f"VALUES (new.seq, {', '.join('new.' + c for c in _FTS_COLS)}); END",
    f"CREATE TRIGGER customers_ad AFTER DELETE ON customers BEGIN "
    f"INSERT INTO customers_fts(customers_fts, rowid, {', '.join(_FTS_COLS)}) "
    f"VALUES ('delete', old.seq, {', '.join('old.' + c for c in _FTS_COLS)}); END",
    f"CREATE TRIGGER customers_au AFTER UPDATE OF {', '.join(_FTS_COLS)} ON customers BEGIN "
    f"INSERT INTO customers_fts(customers_fts, rowid, {', '.join(_FTS_COLS)}) "
    f"VALUES ('delete', old.seq, {', '.join('old.' + c for c in _FTS_COLS)}); "
    f"INSERT INTO customers_fts(rowid, {', '.join(_FTS_COLS)}) "
    f"VALUES (new.seq, {', '.join('new.' + c for c in _FTS_COLS)}); END",
]

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
    stmts += _FTS
    return stmts


MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "initial schema", _initial()),
]
