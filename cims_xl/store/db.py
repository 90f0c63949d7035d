"""The encrypted store: one SQLCipher 4 file opened with a raw 256-bit key.

This package is the only place that imports sqlcipher3 or writes SQL. Values cross
the boundary as Python types (Decimal, date, aware datetime, bool); here they become
SQLite values: money as integer ten-thousandths (exact sums in SQL), dates and
datetimes as ISO text (sortable), booleans as 0/1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import os
import sys
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator, NamedTuple

import sqlcipher3

from ..domain.schema import ENTITIES, META_KEYS, Entity, format_id
from ..errors import StoreBusy, StoreError
from ..interrupts import interrupts_deferred
from ..json_text import compact_encoder
from . import schema_guard
from .schema import ERASURE_ACTIONS, FTS_INDEX_RANGE, FTS_INDEX_SEQS, FTS_INSERT_TRIGGER, MIGRATIONS

MONEY_SCALE = 10_000
BUSY_TIMEOUT_MS = 10_000     # how long a write waits for another process's write to end
# The database engine's own errors: their messages name tables and constraints, never
# values (our SQL binds every value), so logs may keep them (see cims_xl.logs).
ENGINE_ERRORS: tuple[type[BaseException], ...] = (sqlcipher3.Error,)
_UTC = dt.timezone.utc


# ----- value conversion ------------------------------------------------------------

def to_db(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("money", "decimal"):
        return int((Decimal(value) * MONEY_SCALE).to_integral_value())
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        if value.tzinfo is None:
            value = value.replace(tzinfo=_UTC)
        return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "bool":
        return 1 if value else 0
    return value


def from_db(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("money", "decimal"):
        return Decimal(value) / MONEY_SCALE
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_UTC)
    if kind == "bool":
        return bool(value)
    return value


def utcnow() -> dt.datetime:
    return dt.datetime.now(_UTC).replace(microsecond=0)


META_KINDS = {"id": "text", "created_at": "datetime", "created_by": "text",
              "updated_at": "datetime", "updated_by": "text", "version": "int",
              "deleted_at": "datetime", "deleted_by": "text", "batch_id": "text"}


def _kinds(ent: Entity) -> dict[str, str]:
    out = {f.key: f.kind for f in ent.fields}
    out.update(META_KINDS)
    return out


_KINDS = {kind: _kinds(e) for kind, e in ENTITIES.items()}
_SEQ_USED = "seq_used:"      # meta: the highest record number ever given, per kind


def _tag_fold(text):
    """SQL function cims_fold: text as tags are compared (normalize.tag_key)."""
    from ..domain.normalize import tag_key

    return tag_key(text) if isinstance(text, str) else text


# SQLite's primary result codes for a store that cannot be written
# (https://sqlite.org/rescode.html): (why, what to do).
_STORAGE_CODES = {
    "SQLITE_FULL": ("the disk holding it is full", "Free some space and run the command again."),
    "SQLITE_IOERR": ("the disk or file system reported an error",
                     "Check the disk (a network drive or USB stick that went away?) and run the command again."),
    "SQLITE_READONLY": ("it is read-only for this user (the file, its folder or the disk)",
                        "Check the file's and folder's permissions."),
    "SQLITE_CANTOPEN": ("a file beside it could not be made (its folder may be read-only or gone)",
                        "Check the folder and run the command again."),
}
REWRITE_MARGIN = 1 << 20     # beside a second copy of the store: the WAL, the key file, the audit entry
REKEY_NOTHING = "Nothing was changed (the store opens with its current key)."
_STORAGE_TEXTS = (("disk is full", "SQLITE_FULL"), ("disk i/o error", "SQLITE_IOERR"),
                  ("readonly database", "SQLITE_READONLY"))


def storage_failure(exc: BaseException, path: "Path | str | None" = None, *, subject: str | None = None,
                    nothing: str = "Nothing of this change was saved (the store is as it was)."):
    """The `errors.StorageFailed` to tell the user for a SQLite error that says a file
    cannot be written (disk full, I/O error, read-only), else None. `path` is the file
    (its folder's free space tells a full disk behind an I/O error); `subject` what the
    message names, "the store <file name>" by default. The message says nothing of the
    change was saved: SQLite rolls an unfinished transaction back
    (https://sqlite.org/atomiccommit.html)."""
    from ..errors import StorageFailed

    if not isinstance(exc, sqlcipher3.Error):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    code = name if name in _STORAGE_CODES else "_".join(name.split("_")[:2])   # SQLITE_IOERR_WRITE
    if code not in _STORAGE_CODES:
        text = str(exc).lower()
        code = next((c for said, c in _STORAGE_TEXTS if said in text), "")
    if code not in _STORAGE_CODES:
        return None
    if code in ("SQLITE_IOERR", "SQLITE_CANTOPEN") and path is not None and _disk_full(Path(path).parent):
        code = "SQLITE_FULL"        # SQLite could not size its -shm file: say why
    why, advice = _STORAGE_CODES[code]
    subject = subject or (f"the store {Path(path).name}" if path else "the store")
    return StorageFailed(f"{subject} could not be written: {why}. {nothing} {advice}")


def _rows(cursor) -> Iterator[tuple]:
    """A cursor's rows through a generator of our own: `yield from cursor` forwards the
    generator's close() to Cursor.close() (PEP 380), which raised "Cannot operate on a
    closed database" from the collector when a Ctrl-C had left such a generator open
    and the store was closed since ("Exception ignored in ..." on the terminal)."""
    for row in cursor:
        yield row


def _disk_full(folder: Path) -> bool:
    """Whether the disk holding `folder` has no room left (less than 64 KiB, SQLite's
    largest page), as far as the OS says."""
    import shutil

    try:
        return shutil.disk_usage(folder).free < 65536
    except OSError:
        return False


def _search_unmark(text):
    """SQL function cims_unmark: the spellings a search compares beyond case and marks
    (mentions.search_spellings: "Müller" as "muller" and "mueller"), joined by U+0001,
    which no search term holds."""
    from ..domain.mentions import search_spellings

    return "\x01".join(search_spellings(text)) if isinstance(text, str) else text


def _email_key(text):
    """SQL function cims_email_key: an address as the duplicate check compares it."""
    from ..domain.duplicates import email_key

    return email_key(text) if isinstance(text, str) else text


def _search_fold(text):
    """SQL function cims_casefold: text as a search compares it (normalize.search_key)."""
    from ..domain.normalize import search_key

    return search_key(text) if isinstance(text, str) else text


_COLUMNS = {kind: list(META_KEYS) + [f.key for f in e.fields] for kind, e in ENTITIES.items()}
# Columns whose Python value needs converting on the way in (text and ints pass as they
# are), by their place in an insert's parameters (after the seq).
_CONVERTED = {kind: [(i + 1, k) for i, c in enumerate(cols) if (k := _KINDS[kind][c]) in
                     ("money", "decimal", "date", "datetime", "bool")]
              for kind, cols in _COLUMNS.items()}
# Every column's value from a record dict in one C call (records made by the services
# have every key; others fall back to .get).
_PICKERS = {kind: operator.itemgetter(*cols) for kind, cols in _COLUMNS.items()}
BULK_ROWS = 500   # from this many rows on, an insert indexes its text for search in one go
_INT64 = (-2 ** 63, 2 ** 63 - 1)


# Every row a write touches is stamped with the change clock, which that write bumped
# first (`_BUMP_CLOCK`), so "rows with change_seq > n" is what changed since a reader saw n.
_CLOCK = "(SELECT n FROM change_clock)"
_BUMP_CLOCK = "UPDATE change_clock SET n = n + 1"


def _insert_sql(ent: Entity) -> str:
    cols = _COLUMNS[ent.kind]
    return (f"INSERT INTO {ent.table} (seq, {', '.join(cols)}, change_seq) "
            f"VALUES (?, {', '.join('?' * len(cols))}, {_CLOCK})")


# The meta values every row of one write shares (who and when): bound once per chunk
# instead of repeated in every row of the JSON.
_SHARED_META = META_KEYS[1:]


def _insert_json_shared_sql(ent: Entity) -> str:
    # One statement for a whole chunk of rows sent as one JSON array of arrays: SQLite
    # unpacks it in C, and the Python side binds a few parameters instead of 30 per row.
    cols = _COLUMNS[ent.kind]
    picks, j = [], 0
    for c in ["seq"] + cols:
        if c in _SHARED_META:
            picks.append(f":{c}")
        else:
            picks.append(f"value ->> {j}")
            j += 1
    return (f"INSERT INTO {ent.table} (seq, {', '.join(cols)}, change_seq) "
            f"SELECT {', '.join(picks)}, {_CLOCK} FROM json_each(:rows)")


_INSERT_SQL = {kind: _insert_sql(e) for kind, e in ENTITIES.items()}
_INSERT_JSON_SQL = {kind: _insert_json_shared_sql(e) for kind, e in ENTITIES.items()}
_OWN_COLUMNS = {kind: [0] + [i + 1 for i, c in enumerate(cols) if c not in _SHARED_META]
                for kind, cols in _COLUMNS.items()}   # per-row positions in an insert's params
_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"),
                         allow_nan=False)
# The rows of a one-statement insert (values as to_db makes them: no floats).
_ROWS_JSON = compact_encoder()


# ----- writes behind the caller ------------------------------------------------------

class _FtsTrigger:
    """Whether customers' per-row search trigger is dropped in the open transaction."""

    __slots__ = ("dropped",)

    def __init__(self) -> None:
        self.dropped = False


class _WriteBehind:
    """Writes queued to one worker thread and run there in order, on the store's
    connection, while the caller goes on preparing the next ones.

    A chunk of rows goes in as one statement, during which SQLite runs without the
    GIL: validation in Python and the encrypted, indexed writes then use two cores.
    Writes that only the last one counts for (a meta value, putting the search
    trigger back) are deferred to the next drain. A failed write stops the ones
    queued after it; the error is raised to the caller at its next use of the store
    (the transaction is then rolled back as usual).
    """

    MAX_QUEUED = 8   # writes waiting at most (a chunk makes about four): bounds memory
    # The worker needs the GIL back after every statement; by default it would wait up
    # to 5 ms for the busy caller to hand it over.
    SWITCH_INTERVAL = 0.0005

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="cims-store-write")
        self._pending: deque[Future] = deque()
        self._deferred: dict[Any, tuple] = {}
        self._failed = False
        self.audit_head: tuple[int, str] | None = None
        self.next_seq: dict[str, int] = {}   # entity kind -> seq after the ones inserted
        # The users as read while writing behind (Store.fetch_users): their rows cannot
        # change but through this connection (the transaction holds the write lock) and
        # queued writes never touch them; a user written here clears it.
        self.users: list[dict] | None = None
        self.fts = _FtsTrigger()   # read and set on the worker only
        _quick_switch(+1)

    def submit(self, fn, *args) -> None:
        self._enqueue(fn, args)
        while len(self._pending) > self.MAX_QUEUED:
            self._pending.popleft().result()

    def defer(self, key: Any, fn, *args) -> None:
        """Run fn at the next drain, after what is queued; a later defer of the same key
        replaces it."""
        self._deferred.pop(key, None)
        self._deferred[key] = (fn, args)

    def _enqueue(self, fn, args: tuple) -> None:
        self._pending.append(self._pool.submit(self._guarded, fn, args))

    def _guarded(self, fn, args) -> None:
        if self._failed:
            return
        try:
            fn(*args)
        except BaseException:
            self._failed = True
            raise

    def drain(self, *, raise_errors: bool = True) -> None:
        """Wait for every queued write (deferred ones too, unless discarding after an error)."""
        deferred, self._deferred = self._deferred, {}
        if raise_errors:
            for fn, args in deferred.values():
                self._enqueue(fn, args)
        first: BaseException | None = None
        while self._pending:
            try:
                self._pending.popleft().result()
            except BaseException as exc:   # noqa: BLE001 - re-raised below
                first = first or exc
        if first is not None and raise_errors:
            raise first

    def close(self) -> None:
        self.drain(raise_errors=False)
        self._pool.shutdown(wait=True)
        _quick_switch(-1)


_switch_lock = threading.Lock()
_switch_users = [0, 0.005]   # write-behinds open in this process; the interval before the first


def _quick_switch(delta: int) -> None:
    """Shorten Python's thread switch interval while any write-behind is open."""
    with _switch_lock:
        if delta > 0 and _switch_users[0] == 0:
            _switch_users[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_users[1], _WriteBehind.SWITCH_INTERVAL))
        _switch_users[0] += delta
        if delta < 0 and _switch_users[0] == 0:
            sys.setswitchinterval(_switch_users[1])


class _Drained:
    """The connection as the caller's thread sees it while writes run behind: any use
    waits for the queued writes first, so reads see them and the two threads never
    use the connection at the same time."""

    __slots__ = ("_conn", "_behind")

    def __init__(self, conn, behind: _WriteBehind):
        self._conn = conn
        self._behind = behind

    def __getattr__(self, name: str):
        self._behind.drain()
        return getattr(self._conn, name)


# ----- the store ---------------------------------------------------------------------

class Store:
    """An open, keyed store. Create with `Store.open(path, key)`."""

    def __init__(self, path: Path, conn: sqlcipher3.Connection):
        self.path = Path(path)
        self.conn = conn
        self._raw = conn            # the connection itself, for the write-behind worker
        self._behind: _WriteBehind | None = None
        self._key: bytes | None = None             # for the background checkpoint's connection
        self._wrote_behind = False                 # this transaction had bulk writes
        self._checkpointer: threading.Thread | None = None
        self._depth = 0
        self._lock = threading.RLock()
        # The digests of rows as they were before this transaction first changed them
        # (update_record, hard_delete): what the session signs as their state before.
        self._before: dict[str, str | None] = {}
        # Schema objects cims did not make, removed before a write (store.schema_guard):
        # the schema cookies last checked, and what was removed and is not yet in the
        # trail (committed before / in the open transaction / handed to the trail in it).
        self._schema_seen: tuple[int, int] | None = None
        self._guard_on = False
        self._repairs_done: list[schema_guard.Repair] = []
        self._repairs_tx: list[schema_guard.Repair] = []
        self._repairs_taken: list[schema_guard.Repair] = []

    # -- opening --

    @classmethod
    def open(cls, path: str | os.PathLike, key: bytes, *, create: bool = False) -> "Store":
        path = Path(path)
        if not create and not path.exists():
            raise StoreError(f"no store at {path}; create one with `cims init --admin NAME`")
        if len(key) != 32:
            raise StoreError("the data key must be 32 bytes")
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False,
                                  timeout=10.0)
        try:
            # SQLCipher logs decryption failures to stderr; the user gets our message.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            # Reading the schema is the first thing that touches the file: with a wrong
            # key it fails before anything is written, so the file stays as it was.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            # a full disk (SQLite needs room for the -shm/-wal files) is not a wrong key
            failure = storage_failure(exc, path)
            if failure is not None:
                raise failure from None
            raise StoreError(f"{path.name} could not be opened: it is not a cims store, "
                             "or the key does not match") from None
        for pragma in ("PRAGMA journal_mode = WAL", f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
                       "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
                       "PRAGMA secure_delete = ON", "PRAGMA temp_store = MEMORY",
                       # Decrypting a page costs far more than reading it: keep up to 64 MiB
                       # of decrypted pages so warm searches stay in memory.
                       "PRAGMA cache_size = -65536"):
            conn.execute(pragma)
        # Text folded as tags are compared (normalize.tag_key: width and case, "İ" as
        # "i"), for the rows LIKE cannot compare: it folds only ASCII letters
        # ("İSTANBUL" under "istanbul", "München" under "münchen").
        conn.create_function("cims_fold", 1, _tag_fold, deterministic=True)
        # Text folded as a free-text search compares it (normalize.search_key: "Straße"
        # as "strasse", "İstanbul" as "istanbul"), for the rows LIKE and instr() miss.
        conn.create_function("cims_casefold", 1, _search_fold, deterministic=True)
        # Text as a search compares it with Latin marks off ("Álvarez" as "alvarez",
        # "Müller" as "muller" and "mueller"), for the rows that hold such a letter.
        conn.create_function("cims_unmark", 1, _search_unmark, deterministic=True)
        # An email address as the duplicate check reads it (duplicates.email_key: Gmail's
        # dots and +tags), for searching the Gmail addresses.
        conn.create_function("cims_email_key", 1, _email_key, deterministic=True)
        store = cls(path, conn)
        store._key = key
        store.migrate()
        store._guard_on = True    # from here on the schema is the migrations' whole one
        store.refresh_statistics()
        return store

    def close(self) -> None:
        if self._behind is not None:
            self._end_write_behind(raise_errors=False)
        self._join_checkpoint()
        self._key = None
        if self.conn is not None:
            try:
                # Keeps query-planner statistics current; never waits for another writer.
                self.conn.execute("PRAGMA busy_timeout = 0")
                self.conn.execute("PRAGMA optimize")
            except sqlcipher3.Error:
                pass
            self.conn.close()
            self.conn = self._raw = None  # type: ignore[assignment]

    # -- transactions --

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT; nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._begin_immediate()
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self._wrote_behind = False
                self.conn.execute("ROLLBACK")
                self._schema_tx_ended(committed=False)
                raise
            with interrupts_deferred():
                self._depth = 0
                self._commit_sql()
                self._schema_tx_ended(committed=True)

    def begin(self) -> None:
        self._lock.acquire()
        try:
            self._begin_immediate()
        except BaseException:
            self._lock.release()
            raise
        self._depth = 1

    def _begin_immediate(self) -> None:
        """Take the store's write lock, or say plainly that someone else holds it."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise StoreBusy(f"the store is busy: someone else has been saving or importing for "
                            f"over {BUSY_TIMEOUT_MS // 1000} s. Nothing was changed; try again "
                            "when they are done.") from None
        try:
            self._guard_schema()
        except BaseException:
            self.conn.execute("ROLLBACK")
            self._schema_tx_ended(committed=False)
            raise

    # -- schema objects cims did not make (store.schema_guard) --

    def _schema_cookies(self) -> tuple[int, int]:
        conn = self._raw
        return (conn.execute("PRAGMA main.schema_version").fetchone()[0],
                conn.execute("PRAGMA temp.schema_version").fetchone()[0])

    def _guard_schema(self) -> None:
        """Inside the write transaction just begun: remove triggers and views cims did not
        make (ours made again), when the schema changed since the last check."""
        if not self._guard_on:
            return
        cookies = self._schema_cookies()
        if cookies == self._schema_seen:
            return
        self._repairs_tx += schema_guard.repair(self._raw, MIGRATIONS)
        self._schema_seen = self._schema_cookies()

    def schema_problems(self) -> list[schema_guard.Repair]:
        """Triggers and views that differ from the migrations' now (reads only)."""
        return schema_guard.find(self.conn, MIGRATIONS)

    def take_schema_repairs(self) -> list[schema_guard.Repair]:
        """What the schema guard removed and no audit entry names yet, for the caller to
        name in the open transaction (given back if that transaction rolls back)."""
        out = self._repairs_done + self._repairs_tx
        self._repairs_taken += self._repairs_done
        self._repairs_done, self._repairs_tx = [], []
        return out

    def _schema_tx_ended(self, *, committed: bool) -> None:
        self._before = {}
        if committed:
            self._repairs_done += self._repairs_tx
        else:
            # Undone with the transaction: the objects are back, the next write removes
            # them again. What an earlier transaction removed still needs its entry.
            self._repairs_done = self._repairs_taken + self._repairs_done
            self._schema_seen = None
        self._repairs_tx, self._repairs_taken = [], []

    def commit(self) -> None:
        """COMMIT the transaction `begin()` opened. When COMMIT fails (disk full, a lock
        not granted) the transaction is still this object's: the caller's `rollback()`
        ends it and releases the lock (releasing it here too raised a RuntimeError
        there, which hid the real error)."""
        self.flush()   # a queued write that failed raises here, with the transaction still open
        self._commit_sql()
        self._depth = 0
        self._schema_tx_ended(committed=True)
        self._lock.release()

    def _commit_sql(self) -> None:
        if not self._wrote_behind:
            self.conn.execute("COMMIT")
            return
        # A bulk write leaves a large WAL. SQLite would copy it into the file inside this
        # COMMIT (its automatic checkpoint); a background connection does it instead, so
        # the caller does not wait. The data is committed either way.
        self._wrote_behind = False
        every = self.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            self.conn.execute("COMMIT")
            # Still without the automatic checkpoint: ANALYZE's own commit would do it.
            self.refresh_statistics()
        finally:
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {int(every)}")
        self._checkpoint_behind()

    # Rows ANALYZE samples per index: the statistics stay good enough for the query
    # planner, and refreshing them stays cheap however large the store (about 40 ms
    # after a 100,000-row import).
    ANALYSIS_LIMIT = 400

    def refresh_statistics(self) -> None:
        """Bring the query planner's statistics up to date where a table has grown or
        shrunk a lot since they were taken (SQLite's PRAGMA optimize).

        Stale statistics are not harmless: taken when a table had one row, they make
        SQLite scan 100,000 customers for every `id IN (...)` lookup. Runs after every
        bulk write and when the store is opened. It never waits: when another process
        is writing, it gives up at once (the next chance will do it), and it never
        fails the write that came before it.
        """
        conn = self._raw
        conn.execute(f"PRAGMA analysis_limit = {self.ANALYSIS_LIMIT}")
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("PRAGMA optimize = 0x10002").fetchall()
        except sqlcipher3.OperationalError:
            pass          # busy: someone else is writing
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _checkpoint_behind(self) -> None:
        self._join_checkpoint()
        if self._key is None:
            return
        path, key = self.path, self._key

        def run() -> None:
            try:
                conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=10.0)
                try:
                    conn.execute("PRAGMA cipher_log_level = NONE")
                    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                finally:
                    conn.close()
            except sqlcipher3.Error:
                pass   # best effort: the next automatic checkpoint copies what is left

        self._checkpointer = threading.Thread(target=run, name="cims-checkpoint", daemon=True)
        self._checkpointer.start()

    def _join_checkpoint(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.join()
            self._checkpointer = None

    def rollback(self) -> None:
        self._depth = 0
        self._wrote_behind = False
        if self._behind is not None:
            self._behind.drain(raise_errors=False)
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            self._schema_tx_ended(committed=False)
            self._lock.release()

    # -- writes behind --

    @contextmanager
    def write_behind(self) -> Iterator[None]:
        """Inside an open transaction: record inserts and audit entries are queued to a
        worker thread and written in order while the caller prepares the next ones.
        Everything else waits for the queue first. Nested calls join the outer one."""
        if self._behind is not None:
            yield
            return
        if not self.in_transaction:
            raise RuntimeError("write_behind needs an open transaction")
        self._behind = _WriteBehind()
        self._wrote_behind = True
        self.conn = _Drained(self._raw, self._behind)  # type: ignore[assignment]
        ok = False
        try:
            yield
            ok = True
        finally:
            self._end_write_behind(raise_errors=ok)

    def _end_write_behind(self, *, raise_errors: bool) -> None:
        behind, self._behind = self._behind, None
        self.conn = self._raw
        if behind is not None:
            try:
                behind.drain(raise_errors=raise_errors)
            finally:
                behind.close()

    @property
    def writing_behind(self) -> bool:
        return self._behind is not None

    def flush(self) -> None:
        """Wait for queued writes; raise the first that failed."""
        if self._behind is not None:
            self._behind.drain()

    def _write(self, fn, *args) -> None:
        if self._behind is not None:
            self._behind.submit(fn, *args)
        else:
            fn(*args)

    # -- schema --

    def migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, name, statements in MIGRATIONS:
            if version in done:
                continue
            with self.transaction():
                for sql in statements:
                    self.conn.execute(sql)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                                  (version, name, to_db("datetime", utcnow())))

    def migrations(self) -> list[tuple[int, str, str]]:
        return list(self.conn.execute("SELECT version, name, applied_at FROM schema_migrations ORDER BY version"))

    def data_version(self) -> int:
        """Changes whenever any connection commits a write (cheap cache invalidation)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0] * 1_000_003 + self.conn.total_changes

    def take_sole_use(self, wait_ms: int = 3000) -> None:
        """Switch to a rollback journal, which SQLite allows only with no other connection open.

        Waits up to `wait_ms` for others to close, then raises StoreBusy (nothing changed).
        `release_sole_use` switches back to WAL.
        """
        self.checkpoint()
        self.conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            mode = self.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        except sqlcipher3.OperationalError:
            mode = None
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if str(mode).lower() != "delete":
            raise StoreBusy("another session has the store open (Excel, or another cims command); "
                            "close it and try again; nothing was changed")

    def release_sole_use(self) -> None:
        self.conn.execute("PRAGMA journal_mode = WAL")

    def rekey(self, new_key: bytes) -> None:
        """Re-encrypt the whole file with a new raw key, in one transaction.

        SQLCipher cannot rekey in WAL mode: the rewrite runs with a rollback journal, so a
        crash part way leaves a hot journal and the file opens with the old key (rolled
        back), or it finished and opens with the new one. StoreBusy while others are open.
        """
        if len(new_key) != 32:
            raise StoreError("the data key must be 32 bytes")
        self.take_sole_use()
        try:
            self.conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        except sqlcipher3.Error as exc:
            # SQLCipher answers every failure of the rewrite with one generic message
            # ("An error occurred with PRAGMA key or rekey"): a disk without room for
            # the journal (a second copy of the store) is the usual one.
            failure = storage_failure(exc, self.path, nothing=REKEY_NOTHING)
            if failure is None and self.rewrite_room_missing() is not None:
                failure = self.rewrite_room_missing()
            if failure is not None:
                raise failure from None
            raise
        self.release_sole_use()

    def rewrite_room_missing(self):
        """A StorageFailed when the disk holding the store has less room than a rewrite of
        the whole file (rekey: SQLite's rollback journal holds every page once more), else
        None."""
        import shutil

        from ..errors import StorageFailed

        try:
            size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            return None
        need = size + REWRITE_MARGIN
        if free >= need:
            return None
        return StorageFailed(f"the store {self.path.name} could not be written: the disk holding it is full "
                             f"for this change ({free:,} bytes free; it needs about {need:,}, a second copy "
                             f"of the store while it is rewritten). {REKEY_NOTHING} Free some space and run "
                             "the command again.")

    def integrity_check(self) -> str:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def checkpoint(self) -> None:
        self._join_checkpoint()
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- sheet rows a Save created records from --

    def sheet_row_records(self, tokens: Iterable[str]) -> dict[str, str]:
        """token -> record id, for the tokens a Save already created a record from."""
        out: dict[str, str] = {}
        tokens = list(tokens)
        for i in range(0, len(tokens), 500):
            part = tokens[i:i + 500]
            marks = ",".join("?" * len(part))
            out.update(self.conn.execute(
                f"SELECT token, record_id FROM sheet_rows WHERE token IN ({marks})", part).fetchall())
        return out

    def insert_sheet_rows(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember which record each sheet row id created; a row id already mapped (to a
        record the Save would not follow: see services.sheet_rows) now means this one."""
        at = to_db("datetime", utcnow())
        self._write(self._raw.executemany,
                    "INSERT OR REPLACE INTO sheet_rows(token, record_id, created_at) VALUES (?, ?, ?)",
                    [(token, record_id, at) for token, record_id in pairs])

    # -- meta key/value --

    def get_meta(self, key: str, default: Any = None, *, strict: bool = False) -> Any:
        """The JSON value stored under `key`, or `default` when there is none.

        A value cims could not have written (a blob, text that is not UTF-8 or not JSON,
        JSON nested too deep) reads as `default`, as if absent, so that no one with the
        data key can stop every sign-in with one UPDATE; with `strict` it raises
        ValueError instead (for `audit verify`, which names it).
        """
        row = self.conn.execute("SELECT CAST(value AS BLOB) FROM meta WHERE key = ?", (key,)).fetchone()
        if not row:
            return default
        try:
            return json.loads(row[0].decode("utf-8"))
        except (ValueError, RecursionError, TypeError, AttributeError):
            if strict:
                raise ValueError(f"the value of {key} is not one cims writes") from None
            return default

    def set_meta(self, key: str, value: Any) -> None:
        args = ("INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))
        if self._behind is not None:
            self._behind.defer(("meta", key), self._raw.execute, *args)   # only the last value counts
        else:
            self.conn.execute(*args)

    # -- records --

    def next_seq(self, ent: Entity) -> int:
        """The seq (the number in the id) of the next record of `ent`. Inside a write
        behind, after this store inserted records of `ent`, it is known without asking
        SQLite: asking would wait for every queued write (every record insert goes through
        `insert_records`, and the write lock is held until the transaction ends)."""
        if self._behind is not None:
            known = self._behind.next_seq.get(ent.kind)
            if known is not None:
                return known
        row = self.conn.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {ent.table}").fetchone()
        return max(row[0], self._seq_used(ent.kind)) + 1

    # Ids are never given twice. A record's id is its number (seq) after the highest one
    # in its table; the highest number ever given is also kept in meta ("seq_used:<kind>",
    # batches "seq_used:batch") when rows leave the table for good (import undo) and
    # when a restore goes back to a backup, so that a workbook, a report or a person
    # that knew C-000019 never meets another customer under that id.
    def _seq_used(self, kind: str) -> int:
        value = self.get_meta(_SEQ_USED + kind, 0)
        return value if type(value) is int and 0 <= value < 10 ** 12 else 0

    def keep_seq_used(self, kind: str, seq: int) -> None:
        """Remember `seq` as given for `kind` ("customer", …, "batch"): no record or
        batch is numbered `seq` or lower again."""
        if seq > self._seq_used(kind):
            self.set_meta(_SEQ_USED + kind, int(seq))

    def seqs_used(self) -> dict[str, int]:
        """{kind: the highest number given} for every kind of record and for batches."""
        out = {}
        for kind, ent in ENTITIES.items():
            top = self.conn.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {ent.table}").fetchone()[0]
            out[kind] = max(top, self._seq_used(kind))
        top = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM batches").fetchone()[0]
        out["batch"] = max(top, self._seq_used("batch"))
        return out

    def insert_records(self, ent: Entity, rows: list[dict]) -> None:
        """Insert rows whose ids were given by `next_seq` (one transaction is open)."""
        if not rows:
            return
        cols = _COLUMNS[ent.kind]
        converted = _CONVERTED[ent.kind]
        params = []
        times: dict = {}   # the meta times are shared by every row of a write: convert once
        pick = _PICKERS[ent.kind]
        for r in rows:
            try:
                values = [0, *pick(r)]          # [0]: the row's seq, set below
            except KeyError:
                values = [0, *(r.get(c) for c in cols)]
            for i, kind in converted:
                v = values[i]
                if v is None:
                    continue
                if kind == "datetime":
                    t = times.get(v)
                    values[i] = t if t is not None else times.setdefault(v, to_db(kind, v))
                else:
                    values[i] = to_db(kind, v)
                    if kind in ("money", "decimal") and not _INT64[0] <= values[i] <= _INT64[1]:
                        raise StoreError(f"{v} is too large to store")
            values[0] = int(r["id"].rsplit("-", 1)[1])
            params.append(values)
        first, last = params[0][0], params[-1][0]
        contiguous = last - first + 1 == len(params)
        if self._behind is not None:      # see next_seq
            seqs_now = self._behind.next_seq
            seqs_now[ent.kind] = max(seqs_now.get(ent.kind, 0), max(p[0] for p in params) + 1)
        self._write(self._raw.execute, _BUMP_CLOCK)
        bulk = len(params) >= BULK_ROWS
        if bulk:
            bulk_args = self._bulk_args(ent, params)
            if bulk_args is None:
                bulk = False
        if ent.kind == "customer" and (bulk or self._behind is not None):
            # The per-row search trigger is off while the rows go in; each write indexes
            # its own rows in one statement. Behind the caller, the trigger stays off
            # until the queue drains.
            data = bulk_args if bulk else params
            seqs = None if contiguous else _JSON.encode([row[0] for row in params])
            behind = self._behind
            if behind is not None:
                behind.submit(self._id_checked, ent, self._insert_customers_indexed, behind.fts, data, first,
                              last, seqs)
                behind.defer("fts_trigger", self._restore_fts_trigger, behind.fts)
            else:
                trigger = _FtsTrigger()
                self._id_checked(ent, self._insert_customers_indexed, trigger, data, first, last, seqs)
                self._restore_fts_trigger(trigger)
        elif not bulk:
            self._write(self._id_checked, ent, self._raw.executemany, _INSERT_SQL[ent.kind], params)
        else:
            self._write(self._id_checked, ent, self._raw.execute, _INSERT_JSON_SQL[ent.kind], bulk_args)

    def _id_checked(self, ent: Entity, fn, *args) -> None:
        """`fn(*args)`, an insert of new records; StoreError naming the rows when an id it
        gives is already taken. Ids follow the record numbers (`next_seq`), so that only
        happens when a row was written outside cims with another number's id; the insert
        is undone and the caller's transaction with it."""
        try:
            fn(*args)
        except sqlcipher3.IntegrityError as exc:
            if f"{ent.table}.id" not in str(exc):
                raise
            odd = []
            for rid, seq in self._raw.execute(f"SELECT CAST(id AS BLOB), seq FROM {ent.table}"):
                rid = _id_text(rid)
                if not isinstance(seq, int) or rid != format_id(ent, seq):
                    odd.append(f"{rid[:20]!r} at number {seq}")
                    if len(odd) == 3:
                        break
            raise StoreError(f"a {ent.label} written outside cims holds the id of another number "
                             f"({'; '.join(odd) or 'an id already in use'}), so new {ent.plural} cannot "
                             "be numbered; nothing was saved. `cims audit verify` names it; an "
                             "administrator can restore a backup") from None

    @staticmethod
    def _bulk_args(ent: Entity, params: list[list]) -> dict | None:
        """Named parameters of the one-statement insert, or None when the rows do not all
        share their meta values (then they go row by row)."""
        cols = _COLUMNS[ent.kind]
        shared = {c: params[0][i + 1] for i, c in enumerate(cols) if c in _SHARED_META}
        meta = operator.itemgetter(*(i + 1 for i, c in enumerate(cols) if c in _SHARED_META))
        firsts = meta(params[0])
        for row in params:
            if meta(row) != firsts:
                return None
        own = operator.itemgetter(*_OWN_COLUMNS[ent.kind])
        return {**shared, "rows": _ROWS_JSON([own(row) for row in params])}

    def _insert_customers_indexed(self, trigger: _FtsTrigger, data: dict | list, first: int, last: int,
                                  seqs: str | None) -> None:
        # One statement indexes the new rows for search, instead of a trigger per row.
        conn = self._raw
        if not trigger.dropped:
            conn.execute("DROP TRIGGER customers_ai")
            trigger.dropped = True
        if isinstance(data, dict):
            conn.execute(_INSERT_JSON_SQL["customer"], data)
        else:
            conn.executemany(_INSERT_SQL["customer"], data)
        if seqs is None:
            conn.execute(FTS_INDEX_RANGE, (first, last))
        else:
            conn.execute(FTS_INDEX_SEQS, (seqs,))

    def _restore_fts_trigger(self, trigger: _FtsTrigger) -> None:
        if trigger.dropped:
            self._raw.execute(FTS_INSERT_TRIGGER)
            trigger.dropped = False

    def _row_to_dict(self, kind: str, row: tuple, cols: list[str]) -> dict:
        kinds = _KINDS[kind]
        return {c: from_db(kinds[c], v) for c, v in zip(cols, row)}

    def fetch_record(self, ent: Entity, record_id: str, *, include_deleted: bool = False) -> dict | None:
        cols = _COLUMNS[ent.kind]
        sql = f"SELECT {', '.join(cols)} FROM {ent.table} WHERE id = ?"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        row = self.conn.execute(sql, (record_id,)).fetchone()
        return self._row_to_dict(ent.kind, row, cols) if row else None

    def fetch_records(self, ent: Entity, *, ids: Iterable[str] | None = None,
                      include_deleted: bool = False, equals: dict | None = None,
                      order_by: str = "seq", batch_id: str | None = None) -> list[dict]:
        cols = _COLUMNS[ent.kind]
        kinds = _KINDS[ent.kind]
        where, params = [], []
        if not include_deleted:
            where.append("deleted_at IS NULL")
        for k, v in (equals or {}).items():
            if k not in kinds:
                raise ValueError(f"unknown field {k!r}")
            if v is None:
                where.append(f"{k} IS NULL")
            else:
                where.append(f"{k} = ?")
                params.append(to_db(kinds[k], v))
        if batch_id is not None:
            where.append("batch_id = ?")
            params.append(batch_id)
        id_list = list(ids) if ids is not None else None
        if id_list is not None:
            if not id_list:
                return []
            where.append("id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(id_list))
        sql = f"SELECT {', '.join(cols)} FROM {ent.table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order_by}"
        return [self._row_to_dict(ent.kind, r, cols) for r in self.conn.execute(sql, params)]

    def iter_column_tuples(self, ent: Entity, columns: list[str], *,
                           include_deleted: bool = False) -> Iterator[tuple]:
        """Raw stored values (no conversion) of some columns, for bulk readers."""
        for c in columns:
            if c not in _KINDS[ent.kind] and c != "seq":
                raise ValueError(f"unknown field {c!r}")
        sql = f"SELECT {', '.join(columns)} FROM {ent.table}"
        if not include_deleted:
            sql += " WHERE deleted_at IS NULL"
        yield from _rows(self.conn.execute(sql))

    def note_before(self, ent: Entity, record_ids: Iterable[str]) -> None:
        """Remember the digests of these rows as stored now, unless this transaction
        changed them already (see `take_before`)."""
        new = [rid for rid in record_ids if rid not in self._before]
        if new:
            self._before.update(self.record_digests(ent, new))

    def take_before(self) -> dict[str, str | None]:
        """{record id: digest} of the rows this transaction changed, as they were before
        its first change (None: there was no such row); emptied."""
        out, self._before = self._before, {}
        return out

    def update_record(self, ent: Entity, record_id: str, values: dict, *,
                      expected_version: int) -> bool:
        """Write `values` (incl. meta) if the stored version is `expected_version`."""
        self.note_before(ent, (record_id,))
        kinds = _KINDS[ent.kind]
        sets = ", ".join(f"{k} = ?" for k in values) + f", change_seq = {_CLOCK}"
        params = [to_db(kinds[k], v) for k, v in values.items()]
        self.conn.execute(_BUMP_CLOCK)
        cur = self.conn.execute(
            f"UPDATE {ent.table} SET {sets} WHERE id = ? AND version = ?",
            params + [record_id, expected_version])
        return cur.rowcount == 1

    def hard_delete(self, ent: Entity, record_ids: list[str]) -> int:
        """Remove rows for good (import undo); their ids stay in removed_records, stamped
        with the change clock, so readers that cached them drop them."""
        self.note_before(ent, record_ids)
        ids = json.dumps(record_ids)
        top = self.conn.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {ent.table}").fetchone()[0]
        self.keep_seq_used(ent.kind, top)          # the newest ids are not given again
        self.conn.execute(_BUMP_CLOCK)
        self.conn.execute(f"INSERT INTO removed_records (change_seq, kind, id) "
                          f"SELECT {_CLOCK}, ?, id FROM {ent.table} WHERE id IN (SELECT value FROM json_each(?))",
                          (ent.kind, ids))
        cur = self.conn.execute(f"DELETE FROM {ent.table} WHERE id IN (SELECT value FROM json_each(?))",
                                (ids,))
        return cur.rowcount

    # -- change tracking (readers that cache records catch up by what changed) --

    def change_clock(self) -> tuple[str, int]:
        """(epoch, n): n grows with every write to a record table; the epoch is new when
        the file was replaced by another (restore), and then n says nothing."""
        epoch, n = self.conn.execute("SELECT epoch, n FROM change_clock").fetchone()
        return epoch, n

    def new_change_epoch(self) -> None:
        """Tell every reader's cache to reload (call after the file's contents were replaced)."""
        self.conn.execute("UPDATE change_clock SET epoch = lower(hex(randomblob(8))), n = n + 1")

    def fetch_changed(self, ent: Entity, since: int) -> list[dict]:
        """Rows of `ent` written after change clock `since`, deleted ones included."""
        cols = _COLUMNS[ent.kind]
        # INDEXED BY: after a bulk write every row shares one clock value, and statistics
        # taken then make the planner scan the table instead (15 ms at 100,000 rows).
        sql = (f"SELECT {', '.join(cols)} FROM {ent.table} INDEXED BY ix_{ent.table}_change_seq "
               f"WHERE change_seq > ? ORDER BY seq")
        return [self._row_to_dict(ent.kind, r, cols) for r in self.conn.execute(sql, (since,))]

    def removed_since(self, ent: Entity, since: int) -> list[str]:
        """Ids of rows of `ent` removed for good after change clock `since`."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM removed_records INDEXED BY ix_removed_records_change_seq "
            "WHERE change_seq > ? AND kind = ?", (since, ent.kind))]

    def column_pairs(self, ent: Entity, key: str, value: str) -> dict:
        """{key value: value} over the live rows, raw stored values (e.g. id -> customer_id)."""
        return dict(self.iter_column_tuples(ent, [key, value]))

    def lookup_ids(self, ent: Entity, column: str, values: Iterable[Any]) -> dict[Any, str]:
        """Map stored values of an indexed column to the id of a live row having it."""
        if column not in _KINDS[ent.kind]:
            raise ValueError(f"unknown field {column!r}")
        vals = list({v for v in values if v is not None})
        if not vals:
            return {}
        out: dict[Any, str] = {}
        for start in range(0, len(vals), 20_000):
            chunk = vals[start:start + 20_000]
            for v, rid in self.conn.execute(
                    f"SELECT {column}, id FROM {ent.table} WHERE deleted_at IS NULL AND "
                    f"{column} IN (SELECT value FROM json_each(?)) ORDER BY seq DESC",
                    (json.dumps(chunk),)):
                out[v] = rid
        return out

    # -- stage history --

    def add_stage_change(self, opportunity_id: str, from_stage: str | None, to_stage: str,
                         at: dt.datetime, by: str) -> None:
        self.conn.execute("INSERT INTO stage_history(opportunity_id, from_stage, to_stage, changed_at, changed_by) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (opportunity_id, from_stage, to_stage, to_db("datetime", at), by))

    def stage_history(self, opportunity_id: str | None = None) -> list[dict]:
        sql = "SELECT opportunity_id, from_stage, to_stage, changed_at, changed_by FROM stage_history"
        params: tuple = ()
        if opportunity_id:
            sql += " WHERE opportunity_id = ?"
            params = (opportunity_id,)
        sql += " ORDER BY seq"
        return [{"opportunity_id": a, "from_stage": b, "to_stage": c,
                 "changed_at": from_db("datetime", d), "changed_by": e}
                for a, b, c, d, e in self.conn.execute(sql, params)]

    def replace_stage_history(self, opportunity_id: str, rows: list[tuple], by: str) -> None:
        """Demo data only: set an opportunity's stage history to back-dated transitions."""
        self.conn.execute("DELETE FROM stage_history WHERE opportunity_id = ?", (opportunity_id,))
        self.conn.executemany(
            "INSERT INTO stage_history(opportunity_id, from_stage, to_stage, changed_at, changed_by) "
            "VALUES (?, ?, ?, ?, ?)", [(opportunity_id, a, b, to_db("datetime", at), by) for a, b, at in rows])

    # -- exchange rates --

    def fx_rates(self, base: str | None = None) -> list[dict]:
        """Entered rates (rate as Decimal), oldest first per currency."""
        sql = "SELECT currency, base, valid_from, rate, set_at, set_by FROM fx_rates"
        params: tuple = ()
        if base:
            sql += " WHERE base = ?"
            params = (base,)
        sql += " ORDER BY currency, valid_from"
        return [{"currency": c, "base": b, "valid_from": from_db("date", f), "rate": Decimal(r),
                 "set_at": from_db("datetime", a), "set_by": by}
                for c, b, f, r, a, by in self.conn.execute(sql, params)]

    def set_fx_rate(self, currency: str, base: str, valid_from: dt.date, rate: Decimal,
                    at: dt.datetime, by: str) -> None:
        self.conn.execute(
            "INSERT INTO fx_rates(currency, base, valid_from, rate, set_at, set_by) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(currency, base, valid_from) DO UPDATE SET rate = excluded.rate, "
            "set_at = excluded.set_at, set_by = excluded.set_by",
            (currency, base, to_db("date", valid_from), str(rate), to_db("datetime", at), by))

    def delete_fx_rate(self, currency: str, base: str, valid_from: dt.date) -> bool:
        """Remove one entered rate; whether there was one."""
        cur = self.conn.execute("DELETE FROM fx_rates WHERE currency = ? AND base = ? AND valid_from = ?",
                                (currency, base, to_db("date", valid_from)))
        return cur.rowcount > 0

    # -- users --

    def insert_user(self, user: dict) -> None:
        if self._behind is not None:
            self._behind.users = None
        self.conn.execute(
            "INSERT INTO users(username, display_name, role, disabled, totp_secret, created_at, created_by, version) "
            "VALUES (:username, :display_name, :role, :disabled, :totp_secret, :created_at, :created_by, 1)",
            {**user, "created_at": to_db("datetime", user["created_at"]),
             "disabled": 1 if user.get("disabled") else 0})

    def fetch_user(self, username: str) -> dict | None:
        row = self.conn.execute("SELECT username, display_name, role, disabled, totp_secret, created_at, "
                                "created_by FROM users WHERE username = ?", (username,)).fetchone()
        if not row:
            return None
        try:
            created_at = from_db("datetime", row[5])
        except (TypeError, ValueError):
            created_at = None     # written outside cims: sign-in and verify still read the row
        return {"username": row[0], "display_name": row[1], "role": row[2], "disabled": bool(row[3]),
                "totp_secret": row[4], "created_at": created_at, "created_by": row[6]}

    def user_status(self, username: str) -> tuple[str, bool, str | None] | None:
        """(role, disabled, the signing key the store holds for the user) as the store
        holds them, None for no such user: what a live session reads back
        (services.session.Session.check). An administrator's `user enable` or password
        reset gives the user a new signing key, so a session opened before either ends."""
        row = self.conn.execute("SELECT role, disabled FROM users WHERE username = ?", (username,)).fetchone()
        if row is None:
            return None
        return row[0], bool(row[1]), self.get_meta(f"sign_key:{username}")

    def fetch_users(self) -> list[dict]:
        """Every user's row (fetch_user), by user name. While writes run behind, read once
        (a read waits for every queued write first: an import's chunks would wait for the
        chunks before them) and remembered until a user is written or the writes end."""
        behind = self._behind
        if behind is not None and behind.users is not None:
            return [dict(u) for u in behind.users]
        names = [r[0] for r in self.conn.execute("SELECT username FROM users ORDER BY username")]
        users = [self.fetch_user(n) for n in names]
        if behind is not None:
            behind.users = [dict(u) for u in users]  # type: ignore[arg-type]
        return users  # type: ignore[return-value]

    def update_user(self, username: str, values: dict) -> None:
        if self._behind is not None:
            self._behind.users = None
        values = dict(values)
        if "disabled" in values:
            values["disabled"] = 1 if values["disabled"] else 0
        sets = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(f"UPDATE users SET {sets}, version = version + 1 WHERE username = ?",
                          list(values.values()) + [username])

    def iter_user_entries(self) -> Iterator[tuple]:
        """Audit rows (AUDIT_COLS) about users, oldest first, sign-ins and sign-outs left
        out: the entries that create users and change their roles, keys, disabled flag and
        second factor (security.ledger.signed_users replays them at sign-in)."""
        yield from _rows(self.conn.execute(
            f"SELECT {', '.join(self.AUDIT_COLS)} FROM audit WHERE entity = 'user' "
            "AND action NOT IN ('sign-in', 'sign-out') ORDER BY seq"))

    def audit_rows(self, first: int, last: int) -> list[tuple]:
        """The audit rows (AUDIT_COLS) with seq first..last, in order."""
        return self.conn.execute(f"SELECT {', '.join(self.AUDIT_COLS)} FROM audit WHERE seq BETWEEN ? AND ? "
                                 "ORDER BY seq", (first, last)).fetchall()

    # -- audit --

    AUDIT_COLS = ("seq", "at", "actor", "action", "entity", "entity_id", "batch_id",
                  "changes", "digests", "prev_mac", "mac")

    def last_audit(self) -> tuple[int, str] | None:
        if self._behind is not None and self._behind.audit_head is not None:
            return self._behind.audit_head   # the newest entry is still in the queue
        row = self.conn.execute("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def insert_audit(self, entries: list[tuple]) -> None:
        if not entries:
            return
        if self._behind is not None:
            self._behind.audit_head = (entries[-1][0], entries[-1][-1])
        # A few rows per write, each large: executemany beats wrapping them in JSON.
        self._write(self._raw.executemany, f"INSERT INTO audit ({', '.join(self.AUDIT_COLS)}) "
                    f"VALUES ({', '.join('?' * len(self.AUDIT_COLS))})", entries)

    def insert_audit_refs(self, pairs: list[tuple[str, int]]) -> None:
        """(record id, audit seq) for the records of entries about several records."""
        # One statement, not one per pair: a worker thread writing this (write_behind)
        # would otherwise wait for the GIL once per row.
        self._write(self._raw.execute, "INSERT INTO audit_refs (entity_id, seq) "
                    "SELECT value ->> 0, value ->> 1 FROM json_each(?)", (_JSON.encode(pairs),))

    def iter_audit_refs(self) -> Iterator[tuple[str, int]]:
        yield from _rows(self.conn.execute("SELECT entity_id, seq FROM audit_refs ORDER BY seq, entity_id"))

    def iter_audit(self, *, entity_id: str | None = None, batch_id: str | None = None,
                   since_seq: int = 0, limit: int | None = None, newest_first: bool = False) -> Iterator[tuple]:
        """Audit rows, oldest first; with `entity_id`, those about that record (alone or
        among others)."""
        where, params = ["seq > ?"], [since_seq]
        if entity_id:
            where.append("(entity_id = ? OR seq IN (SELECT seq FROM audit_refs WHERE entity_id = ?))")
            params += [entity_id, entity_id]
        if batch_id:
            where.append("batch_id = ?")
            params.append(batch_id)
        sql = (f"SELECT {', '.join(self.AUDIT_COLS)} FROM audit WHERE {' AND '.join(where)} "
               f"ORDER BY seq {'DESC' if newest_first else 'ASC'}")
        if limit:
            sql += f" LIMIT {int(limit)}"
        yield from _rows(self.conn.execute(sql, params))

    def iter_merge_audit(self) -> Iterator[tuple[str, str]]:
        """(entity_id, changes) of every customer merge entry, oldest first: the retired
        customer's entry records `merged_into` in its changes."""
        yield from _rows(self.conn.execute("SELECT entity_id, changes FROM audit WHERE action = 'merge' "
                                           "AND entity = 'customer' ORDER BY seq"))

    def newest_audit_seqs(self, entity_ids: list[str]) -> dict[str, int]:
        """The seq of the newest audit entry about each record (alone or among others)."""
        out: dict[str, int] = {}
        for start in range(0, len(entity_ids), 20_000):
            ids = json.dumps(entity_ids[start:start + 20_000])
            for table in ("audit", "audit_refs"):
                for rid, seq in self.conn.execute(
                        f"SELECT entity_id, MAX(seq) FROM {table} "
                        "WHERE entity_id IN (SELECT value FROM json_each(?)) GROUP BY entity_id", (ids,)):
                    if seq > out.get(rid, 0):
                        out[rid] = seq
        return out

    def erased_customers(self) -> list[str]:
        """The ids of the customers (and contact persons erased on their own) a `gdpr.erase`
        entry of the trail names, oldest first."""
        return [row[0] for row in self.conn.execute(
            "SELECT entity_id FROM audit WHERE action = 'gdpr.erase' AND entity IN ('customer', 'contact') "
            "GROUP BY entity_id ORDER BY MIN(seq)") if isinstance(row[0], str)]

    def iter_audit_actions(self, actions: tuple[str, ...]) -> Iterator[tuple]:
        """Audit rows of these actions, oldest first (the copies and files cims wrote:
        services.erase_copies)."""
        marks = ", ".join("?" * len(actions))
        yield from _rows(self.conn.execute(f"SELECT {', '.join(self.AUDIT_COLS)} FROM audit "
                                           f"WHERE action IN ({marks}) ORDER BY seq", tuple(actions)))

    def iter_audit_entity_changes(self, entity: str, actions: tuple[str, ...]) -> Iterator[tuple]:
        """(seq, at, actor, entity_id, changes) of the entries about single records of
        `entity` with these actions, oldest first (a ticket's edited times: services.frames)."""
        marks = ", ".join("?" * len(actions))
        yield from _rows(self.conn.execute(
            f"SELECT seq, at, actor, entity_id, changes FROM audit WHERE entity = ? AND action IN ({marks}) "
            "AND entity_id NOT LIKE '*%' ORDER BY seq", (entity, *actions)))

    def iter_audit_physical(self) -> Iterator[tuple]:
        """Audit rows in storage order (rowid), to detect reordering."""
        yield from _rows(self.conn.execute(f"SELECT {', '.join(self.AUDIT_COLS)} FROM audit ORDER BY rowid"))

    def rewrite_audit_values(self, seq: int, changes: str) -> None:
        self.conn.execute("UPDATE audit SET changes = ? WHERE seq = ?", (changes, seq))

    def rewrite_audit_digests(self, seq: int, digests: str) -> None:
        self.conn.execute("UPDATE audit SET digests = ? WHERE seq = ?", (digests, seq))

    def rewrite_audit_macs(self, rows: list[tuple[str, str, int]]) -> None:
        self.conn.executemany("UPDATE audit SET prev_mac = ?, mac = ? WHERE seq = ?", rows)

    # -- audit signatures and record states --

    def insert_audit_sig(self, first_seq: int, last_seq: int, signer: str, states: str, sig: str) -> None:
        # A row reaching into this write's entries was not made by cims (no earlier write
        # reaches past the head this one follows): made up to make this write fail.
        self._write(self._raw.execute, "DELETE FROM audit_sigs WHERE typeof(last_seq) = 'integer' "
                    "AND last_seq >= ?", (first_seq,))
        self._write(self._raw.execute, "INSERT INTO audit_sigs (last_seq, first_seq, signer, states, sig) "
                    "VALUES (?, ?, ?, ?, ?)", (last_seq, first_seq, signer, states, sig))

    def iter_audit_sigs(self) -> Iterator[tuple[int, int, str, str, str]]:
        """(first_seq, last_seq, signer, states JSON, signature) in trail order."""
        yield from _rows(self.conn.execute("SELECT first_seq, last_seq, signer, states, sig FROM audit_sigs "
                                           "ORDER BY last_seq"))

    def audit_link(self, seq: int) -> tuple | None:
        """(prev_mac, mac) of entry `seq` as stored, or None when there is none."""
        try:
            row = self.conn.execute("SELECT prev_mac, mac FROM audit WHERE seq = ?", (seq,)).fetchone()
        except OverflowError:
            return None
        return tuple(row) if row else None

    def first_audit_sig(self) -> int | None:
        """The smallest first_seq of the signature rows (None for none)."""
        row = self.conn.execute("SELECT MIN(first_seq) FROM audit_sigs").fetchone()
        return row[0] if row else None

    def audit_records_since(self, seq: int) -> list[tuple[int, str, str | None]]:
        """(seq, action, record id) of every audit entry after `seq` but sign-ins and
        sign-outs, one per record an entry is about (alone, or among others: audit_refs);
        record id None for an entry about no record."""
        return self.conn.execute(
            "SELECT a.seq, a.action, COALESCE(r.entity_id, a.entity_id) FROM audit a "
            "LEFT JOIN audit_refs r ON r.seq = a.seq WHERE a.seq > ? "
            "AND a.action NOT IN ('sign-in', 'sign-out') ORDER BY a.seq", (seq,)).fetchall()

    def audit_mac_at(self, seq: int) -> str | None:
        row = self.conn.execute("SELECT mac FROM audit WHERE seq = ?", (seq,)).fetchone()
        return row[0] if row else None

    def record_digests(self, ent: Entity, ids: Iterable[str]) -> dict[str, str | None]:
        """Digest of each record's stored row (`row_digest`); None for a record not stored."""
        return self._record_digests(self.conn, ent, list(ids))

    def record_digests_behind(self, ent: Entity, ids: list[str], into: dict[str, str | None]) -> None:
        """`record_digests` into `into`, on the write-behind worker after the writes queued so
        far (reading the rows back runs there without the GIL), or now."""
        if self._behind is None:
            into.update(self.record_digests(ent, ids))
        else:
            self._behind.submit(lambda: into.update(self._record_digests(self._raw, ent, ids)))

    @staticmethod
    def _record_digests(conn, ent: Entity, ids: list[str]) -> dict[str, str | None]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, str | None] = dict.fromkeys(wanted)
        # A record's seq is its id's number (see insert_records): looked up by the table's
        # own key, a range when the ids are consecutive (records created together).
        seqs = sorted(int(rid.rsplit("-", 1)[1]) for rid in wanted)
        if seqs and seqs[-1] - seqs[0] + 1 == len(seqs):
            where, params = " WHERE seq BETWEEN ? AND ?", (seqs[0], seqs[-1])
        else:
            where, params = " WHERE seq IN (SELECT value FROM json_each(?))", (json.dumps(seqs),)
        if len(seqs) <= DIGESTS_AT_ONCE and _digests_at_once(conn, ent, where, params, out):
            return out
        for rid, text in conn.execute(_ROW_JSON_SQL[ent.kind] + where, params):
            rid = _id_text(rid)
            if rid in out:
                out[rid] = row_digest(text)
        return out

    def iter_record_digests(self, ent: Entity) -> Iterator[tuple[str, str]]:
        """(id, digest) of every stored row of an entity, deleted ones too (any values:
        an id that is not UTF-8 text comes with U+FFFD for its bad bytes)."""
        for rid, text in self.conn.execute(_ROW_JSON_SQL[ent.kind]):
            yield _id_text(rid), row_digest(text)

    @contextmanager
    def lenient_text(self) -> Iterator[None]:
        """Reads in this block give text that is not UTF-8 (written outside cims) with
        U+FFFD for its bad bytes instead of failing (for `audit verify`)."""
        conn = self._raw
        before = conn.text_factory
        conn.text_factory = lambda data: data.decode("utf-8", "replace")
        try:
            yield
        finally:
            conn.text_factory = before

    def iter_record_authors(self, ent: Entity) -> Iterator[tuple]:
        """(id, created_by, updated_by, deleted_by, owner, customer_id) of every stored row
        of an entity, deleted ones too (owner / customer_id None where the entity has none)."""
        cols = {f.key for f in ent.fields}
        owner = "owner" if "owner" in cols else "NULL"
        customer = "customer_id" if "customer_id" in cols else "NULL"
        yield from _rows(self.conn.execute(f"SELECT id, created_by, updated_by, deleted_by, {owner}, {customer} "
                                           f"FROM {ent.table}"))

    # -- batches --

    def next_batch_seq(self) -> int:
        top = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM batches").fetchone()[0]
        return max(top, self._seq_used("batch")) + 1

    def insert_batch(self, batch: dict) -> None:
        self.conn.execute("INSERT INTO batches(seq, id, kind, source, created_at, created_by, summary) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (batch["seq"], batch["id"], batch["kind"], batch["source"],
                           to_db("datetime", batch["created_at"]), batch["created_by"],
                           json.dumps(batch.get("summary") or {})))

    def fetch_batch(self, batch_id: str) -> dict | None:
        row = self.conn.execute("SELECT id, kind, source, created_at, created_by, summary, undone_at "
                                "FROM batches WHERE id = ?", (batch_id,)).fetchone()
        if not row:
            return None
        return {"id": row[0], "kind": row[1], "source": row[2], "created_at": from_db("datetime", row[3]),
                "created_by": row[4], "summary": json.loads(row[5] or "{}"),
                "undone_at": from_db("datetime", row[6])}

    def fetch_batches(self) -> list[dict]:
        ids = [r[0] for r in self.conn.execute("SELECT id FROM batches ORDER BY seq")]
        return [self.fetch_batch(i) for i in ids]  # type: ignore[misc]

    def update_batch(self, batch_id: str, *, summary: dict | None = None,
                     undone_at: dt.datetime | None = None) -> None:
        if summary is not None:
            self.conn.execute("UPDATE batches SET summary = ? WHERE id = ?", (json.dumps(summary), batch_id))
        if undone_at is not None:
            self.conn.execute("UPDATE batches SET undone_at = ? WHERE id = ?",
                              (to_db("datetime", undone_at), batch_id))

    # -- generic read-only SQL for search/frames (built only inside this package) --

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        return self.conn.execute(sql, list(params)).fetchall()

    def cursor(self, sql: str, params: Iterable[Any] = ()):
        return self.conn.execute(sql, list(params))

    def fts_optimize(self) -> None:
        self.conn.execute("INSERT INTO customers_fts(customers_fts) VALUES ('optimize')")

    # -- the search index checked against the customers; the trail's erasures --

    def check_search_index(self) -> "SearchIndexCheck":
        """The derived search index compared with the customers table (reads only).

        Two checks: which customers have no entry in the index and which entries have no
        customer (from the index's per-row size table, one cheap pass), and FTS5's own
        'integrity-check' with rank 1, which rebuilds the expected index from the
        customers in memory and compares it with the stored one (SQLite FTS5 docs,
        "The 'integrity-check' command"): it also finds entries changed inside the
        index's blobs. Costs about one second per 100,000 customers."""
        missing = [r[0] for r in self.conn.execute(
            "SELECT seq FROM customers EXCEPT SELECT id FROM customers_fts_docsize ORDER BY 1")]
        extra = [r[0] for r in self.conn.execute(
            "SELECT id FROM customers_fts_docsize EXCEPT SELECT seq FROM customers ORDER BY 1")]
        try:
            self.conn.execute("INSERT INTO customers_fts(customers_fts, rank) VALUES ('integrity-check', 1)")
            consistent = True
        except sqlcipher3.DatabaseError:
            consistent = False
        return SearchIndexCheck(missing, extra, consistent)

    def rebuild_search_index(self) -> None:
        """Index every customer again from the customers table (FTS5 'rebuild')."""
        with self.transaction():
            self.conn.execute("INSERT INTO customers_fts(customers_fts) VALUES ('rebuild')")

    def iter_erasures(self) -> Iterator[tuple]:
        """(seq, at, actor, action, entity_id, changes) of the trail's entries that put
        identifiers on the suppression list or take one off (schema.ERASURE_ACTIONS),
        oldest first; a partial index finds them."""
        yield from _rows(self.conn.execute(
            f"SELECT seq, at, actor, action, entity_id, changes FROM audit "
            f"WHERE action IN {ERASURE_ACTIONS} ORDER BY seq"))


class SearchIndexCheck(NamedTuple):
    """What `Store.check_search_index` found: customer seqs without an index entry,
    index entries without a customer, and whether FTS5's integrity-check passed."""
    missing: list[int]
    extra: list[int]
    consistent: bool

    @property
    def ok(self) -> bool:
        return self.consistent and not self.missing and not self.extra


# One stored row as SQLite's own JSON array of its columns (meta columns, then the
# entity's fields, in `_COLUMNS` order): made in C, and the same text at write time
# and at verify time whatever the column types, because both read it back from the file.
# Read as bytes (CAST AS BLOB): text an insider wrote that is not UTF-8 is digested as
# it is instead of failing the read. A blob (which JSON cannot hold, and cims never
# writes) enters as the text "blob:<hex>"; every other value as it is, so the JSON of
# a row cims wrote is what it was before blobs were taken care of.
def _json_value(col: str) -> str:
    return f"CASE WHEN typeof({col}) = 'blob' THEN 'blob:' || hex({col}) ELSE {col} END"


_ROW_JSON_SQL = {kind: f"SELECT CAST(id AS BLOB), CAST(json_array({', '.join(map(_json_value, cols))}) AS BLOB) "
                       f"FROM {ENTITIES[kind].table}"
                 for kind, cols in _COLUMNS.items()}


# The same rows' JSON as one text made by one statement: SQLite builds it without the GIL
# and hands it over in one step. Row by row, every row fetched gives the GIL back and
# waits for it again; on the store's write-behind thread, beside an import preparing
# rows in Python, each of those waits is a switch interval (5 ms), and the digests of a
# 100,000-row import took 3.5 s on that thread instead of 0.3 s. JSON escapes control
# characters inside strings, so U+001E and U+001F cannot occur in a row's JSON.
_ROWS_JSON_SQL = {kind: f"SELECT count(*), CAST(group_concat(CAST(id AS BLOB) || char(31) || "
                        f"json_array({', '.join(map(_json_value, cols))}), char(30)) AS BLOB) "
                        f"FROM {ENTITIES[kind].table}"
                  for kind, cols in _COLUMNS.items()}


DIGESTS_AT_ONCE = 10_000      # rows read as one text at most (about 3 MB)


def _digests_at_once(conn, ent: Entity, where: str, params: tuple, out: dict[str, str | None]) -> bool:
    """Fill `out` (id -> None) with the digests of the rows `where` selects, read as one
    text (bytes: text that is not UTF-8 is digested as it is, as row by row); False
    (and `out` unchanged) when that text cannot be trusted to split into rows (an id
    written outside cims holding a separator, rows too big together for one text): the
    caller reads the rows one by one then."""
    try:
        count, joined = conn.execute(_ROWS_JSON_SQL[ent.kind] + where, params).fetchone()
    except sqlcipher3.DataError:
        # "string or blob too big": rows an insider made huge pass SQLite's length
        # limit (SQLITE_MAX_LENGTH, 10^9 bytes) together, not one by one
        return False
    if not count:
        return True
    digests = {}
    parts = joined.split(b"\x1e") if isinstance(joined, bytes) else ()
    if len(parts) != count:
        return False
    for part in parts:
        rid_bytes, sep, text = part.partition(b"\x1f")
        rid = _id_text(rid_bytes)
        # JSON escapes control characters, so a second separator can only be the id's own
        if not sep or rid not in out or rid in digests or not text.startswith(b"[") or b"\x1f" in text:
            return False
        digests[rid] = row_digest(text)
    out.update(digests)
    return True


def _id_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def row_digest(row_json: str | bytes) -> str:
    """BLAKE2b-128 of one stored row's JSON array (UTF-8): what an audit signature commits a record to."""
    data = row_json if isinstance(row_json, bytes) else row_json.encode("utf-8")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def backup_store(store: Store, dest: Path, key: bytes) -> None:
    """Online copy of an open store into a new file encrypted with the same key."""
    target = sqlcipher3.connect(str(dest), isolation_level=None)
    try:
        target.execute("PRAGMA cipher_log_level = NONE")
        target.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        store.conn.backup(target)
    except sqlcipher3.Error as exc:
        # the backup's disk is full (the store's may be fine): name the backup's folder
        failure = storage_failure(exc, dest, subject=f"the backup in {dest.parent.parent}",
                                  nothing="No backup was made; the store is as it was.")
        if failure is None:
            raise
        raise failure from None
    finally:
        target.close()

