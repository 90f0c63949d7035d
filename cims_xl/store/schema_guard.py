"""Schema objects cims did not make: found, and removed before every write.

Every user who can sign in holds the data key, so an insider can add a trigger to the
store (`CREATE TRIGGER ... AFTER UPDATE ON customers ... BEGIN UPDATE customers SET
deleted_at = ... END`) or replace one of cims's own under the same name. The trigger
then runs inside the next user's write: what that write changes is no longer what its
audit entry says, yet the record's state is read back and signed as that user's
(security.ledger). So before every write transaction (Store, after BEGIN IMMEDIATE)
the triggers and views in the file are compared with the ones the migrations make
(`expected_objects`, exact SQL text): a foreign one is dropped, an altered or missing
one of ours is made again, all inside that transaction, and the caller (the session)
writes an audit entry naming what was removed (`Repair`; a digest of the SQL, never its
text, which may hold personal data).

Only triggers and views are compared: they are the schema objects that change what a
write does (a view can carry INSTEAD OF triggers). Tables and indexes an insider adds
do not change what cims writes or reads.

TEMP triggers live in one connection's temporary schema: one planted on the insider's
own connection never reaches another process's writes. This connection's own temporary
schema (e.g. code loaded into the same process) is checked too: cims makes no
temporary triggers or views.

The check is cheap: it runs again only when the connection's schema cookies (`PRAGMA
schema_version` of main and temp) changed since it last ran. SQLite re-reads the schema
of a connection only when that cookie changes, so a trigger planted with the cookie
reset to its old value does not run on this connection either; a new connection (every
cims process) checks at its first write.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlcipher3

from .schema import MIGRATIONS

_KINDS = ("trigger", "view")
# Ours whose absence or change leaves the search index out of step with the rows.
_FTS_TRIGGERS = frozenset({"customers_ai", "customers_ad", "customers_au"})
FTS_REBUILD = "INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')"

_expected: dict[tuple[int, ...], dict[tuple[str, str], tuple[str, str]]] = {}


def expected_objects(migrations: list | None = None) -> dict[tuple[str, str], tuple[str, str]]:
    """{(type, name): (table, SQL)} of every trigger and view `migrations` (default: all
    of store.schema.MIGRATIONS, the ones Store.open applies) leave in a store, with
    SQLite's own stored SQL text: they are run once on an empty in-memory database
    (about 10 ms, cached)."""
    migrations = MIGRATIONS if migrations is None else migrations
    versions = tuple(m[0] for m in migrations)
    if versions not in _expected:
        conn = sqlcipher3.connect(":memory:", isolation_level=None)
        try:
            for _version, _name, statements in migrations:
                for sql in statements:
                    conn.execute(sql)
            found = {(t, n): (tbl, sql) for t, n, tbl, sql in conn.execute(
                "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE type IN ('trigger', 'view')")}
        finally:
            conn.close()
        _expected[versions] = found
    return _expected[versions]


@dataclass(frozen=True)
class Repair:
    """One schema object found wrong. `what`: "foreign" (cims did not make it: dropped),
    "altered" (one of ours with other SQL: dropped and made again), "missing" (one of
    ours gone: made again). `sql` is the text found (None when missing): kept in memory
    only, for a keyed digest in the audit entry."""
    what: str
    type: str
    name: str
    table: str | None
    schema: str
    sql: str | None

    def describe(self) -> str:
        where = f" on {self.table}" if self.table and self.table != self.name else ""
        temp = " (temporary, this connection only)" if self.schema == "temp" else ""
        if self.what == "foreign":
            return f"a {self.type} {self.name}{where}{temp} that cims did not make"
        if self.what == "altered":
            return f"cims's {self.type} {self.name}{where}, replaced with other SQL"
        return f"cims's {self.type} {self.name}{where}, removed"


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def find(conn, migrations: list | None = None) -> list[Repair]:
    """What differs from `expected_objects(migrations)` in main and temp; reads only."""
    expected = expected_objects(migrations)
    out: list[Repair] = []
    seen: set[tuple[str, str]] = set()
    for schema in ("main", "temp"):
        rows = conn.execute(f"SELECT type, CAST(name AS BLOB), CAST(tbl_name AS BLOB), CAST(sql AS BLOB) "
                            f"FROM {schema}.sqlite_master WHERE type IN ('trigger', 'view') ORDER BY rowid")
        for kind, name_b, table_b, sql_b in rows:
            name, table, sql = _text(name_b), _text(table_b), _text(sql_b)
            want = expected.get((kind, name)) if schema == "main" else None
            if want is None:
                out.append(Repair("foreign", kind, name, table, schema, sql))
            else:
                seen.add((kind, name))
                if sql != want[1]:
                    out.append(Repair("altered", kind, name, table, schema, sql))
    for (kind, name), (table, _sql) in expected.items():
        if (kind, name) not in seen:
            out.append(Repair("missing", kind, name, table, "main", None))
    return out


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def repair(conn, migrations: list | None = None) -> list[Repair]:
    """Drop foreign and altered triggers and views, make ours again (and the search index
    when one of its triggers was wrong), on `conn` inside its open write transaction.
    Returns what was found (empty when all was as the migrations made it)."""
    found = find(conn, migrations)
    if not found:
        return found
    expected = expected_objects(migrations)
    # Triggers first: dropping a view drops its triggers with it.
    for r in sorted((r for r in found if r.what != "missing"), key=lambda r: r.type != "trigger"):
        exists = conn.execute(f"SELECT 1 FROM {r.schema}.sqlite_master WHERE type = ? AND name = ?",
                              (r.type, r.name)).fetchone()
        if exists:
            conn.execute(f"DROP {r.type.upper()} {r.schema}.{_quoted(r.name)}")
    for r in found:
        if r.what in ("altered", "missing"):
            conn.execute(expected[(r.type, r.name)][1])
    if any(r.what in ("altered", "missing") and r.name in _FTS_TRIGGERS for r in found):
        conn.execute(FTS_REBUILD)   # rows written while it was wrong are indexed again
    return found
