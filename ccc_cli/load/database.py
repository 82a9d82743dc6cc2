"""Database tables and queries as input: a URI stands where a path stands.

``postgresql://user@host:5432/asteriskcdrdb`` (also ``postgres://``) or
``mysql://user@host:3306/asteriskcdrdb`` (also ``mariadb://``) with a table
(``LoadOptions.table``, default ``cdr``) or a query (``LoadOptions.query``).

The table's columns become a :class:`~ccc_cli.load.reader.Scan` exactly like a Parquet
file's: presets and aliases see the column names, typed columns (``timestamp``,
``timestamptz``, ``datetime``, ``interval``, integers) keep their types. The scan's frame
is a Polars IO source: each collect sends one ``SELECT`` of only the columns Polars asks
for (projection pushdown), with ``LIMIT`` for the samples the normaliser takes, and the
rows arrive as Arrow record batches (PostgreSQL through ADBC's libpq driver, which
streams ``COPY`` in binary; MySQL/MariaDB through connectorx). After the preset is
known, :meth:`DatabaseInput.push_window` adds the analysis window (``--from``/``--to``)
to every query as a condition on the start column.

Credentials: the URI's password, else the variable named by ``--password-env``, else
what the client library finds itself (libpq: ``PGPASSWORD``, ``~/.pgpass``; MySQL:
``MYSQL_PWD``). No password is ever shown: labels, notes and errors carry the URI with
its password masked, and every driver message is scrubbed of it.
"""

from __future__ import annotations

import contextlib
import getpass
import math
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import polars as pl

from ccc_cli.errors import InputError, UsageError

if TYPE_CHECKING:
    import pyarrow as pa

Engine = Literal["postgresql", "mysql"]

# URI schemes (before any "+driver" suffix, as SQLAlchemy writes them) and their engine.
SCHEMES: Final[dict[str, Engine]] = {
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}
ENGINE_NAMES: Final[dict[Engine, str]] = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB"}
DEFAULT_TABLE: Final = "cdr"
MASK: Final = "***"
INSTALL_HINT: Final = "pip install -e '.[db]' (from a clone of ccc)"
_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9.+-]*)://")
_PLAIN_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_ENV_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Rows per Arrow batch asked of the driver (a hint; ADBC sizes its batches in bytes).
BATCH_ROWS: Final = 200_000
_QUERY_ALIAS: Final = "ccc_query"
# Naive times are compared in the zone they are read in; the bounds move by this much
# more so that a daylight-saving change cannot cut a row the window needs.
_DST_SLACK: Final = timedelta(hours=3)
_CONNECT_TIMEOUT_S: Final = 10
_PG_BATCH_OPTION: Final = "adbc.postgresql.batch_size_hint_bytes"
_PG_BATCH_BYTES: Final = 1024 * 1024


def is_database_uri(text: str) -> bool:
    """Whether an input names a database (``postgresql://``, ``mysql://``, ...)."""
    match = _SCHEME.match(text)
    return match is not None and match.group(1).lower().split("+")[0] in SCHEMES


def mask_uri(text: str) -> str:
    """``text`` with the password of a URI (``user:PASSWORD@`` and a ``password=``
    parameter) replaced by ``***``; other text is returned as it is."""
    match = _SCHEME.match(text)
    if match is None:
        return text
    rest = text[match.end() :]
    authority, sep, tail = _split_authority(rest)
    userinfo, at, hostport = authority.rpartition("@")
    if at and ":" in userinfo:
        user = userinfo.split(":", 1)[0]
        authority = f"{user}:{MASK}@{hostport}"
    tail = re.sub(r"(?i)([?&]password=)[^&#]*", lambda m: m.group(1) + MASK, sep + tail)
    return match.group(0) + authority + tail


def _split_authority(rest: str) -> tuple[str, str, str]:
    """``user:pw@host:port`` and the rest (``/db?x=y``) of a URI after ``scheme://``.
    The authority ends at the first ``/``, ``?`` or ``#`` after the last ``@`` that
    precedes them (a password may hold ``/`` or ``?``)."""
    at = rest.rfind("@", 0, _first_of(rest, "/?#", after=rest.rfind("@") + 1))
    start = at + 1 if at >= 0 else 0
    end = _first_of(rest, "/?#", after=start)
    return rest[:end], rest[end : end + 1], rest[end + 1 :]


def _first_of(text: str, chars: str, *, after: int) -> int:
    found = [i for i in (text.find(c, after) for c in chars) if i >= 0]
    return min(found) if found else len(text)


@dataclass(frozen=True, slots=True)
class DatabaseURI:
    """A parsed database URI; ``password`` is the URI's own (decoded), if any."""

    engine: Engine
    text: str
    user: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    params: tuple[tuple[str, str], ...]

    @property
    def masked(self) -> str:
        return mask_uri(self.text)

    @classmethod
    def parse(cls, text: str) -> DatabaseURI:
        match = _SCHEME.match(text)
        if match is None or match.group(1).lower().split("+")[0] not in SCHEMES:
            raise UsageError(f"not a database URI: {mask_uri(text)}")
        engine = SCHEMES[match.group(1).lower().split("+")[0]]
        authority, _sep, tail = _split_authority(text[match.end() :])
        userinfo, at, hostport = authority.rpartition("@")
        user: str | None = None
        password: str | None = None
        if at:
            name, colon, secret = userinfo.partition(":")
            user = unquote(name) or None
            password = unquote(secret) if colon else None
        path, _q, query = tail.partition("?")
        query = query.split("#", 1)[0]
        params = tuple(parse_qsl(query, keep_blank_values=True))
        # libpq also takes the password as a parameter.
        password = password if password is not None else dict(params).get("password")
        try:
            split = urlsplit("//" + hostport)
            host, port = split.hostname, split.port
        except ValueError:
            if engine == "mysql":
                raise UsageError(f"bad port in {mask_uri(text)}") from None
            host, port = None, None  # libpq reads multi-host lists itself
        database = unquote(path.split("/", 1)[0].split("#", 1)[0]) or None
        return cls(engine, text, user, password, host, port, database, params)


def parse_password_env(name: str | None) -> str | None:
    """The password held by the variable ``--password-env`` names (a usage error when
    the name is not a variable name, or the variable is unset or empty)."""
    if name is None:
        return None
    if not _ENV_NAME.match(name):
        raise UsageError(
            f"bad --password-env {name!r}: not an environment variable name",
            hint="name the variable that holds the password, e.g. --password-env CDR_DB_PASSWORD",
        )
    value = os.environ.get(name)
    if not value:
        raise UsageError(
            f"--password-env {name}: the variable is not set",
            hint=f"export {name}=... before running ccc, or leave --password-env out",
        )
    return value


# --- drivers ---------------------------------------------------------------------------------
class _Scrub:
    """Removes the secrets of one connection from any text shown to the user."""

    def __init__(self, secrets: Sequence[str | None]) -> None:
        found = {s for s in secrets if s}
        found |= {quote(s, safe="") for s in list(found)}
        self._secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def _missing(package: str, engine: Engine) -> UsageError:
    return UsageError(
        f"reading a {ENGINE_NAMES[engine]} database needs {package}, which is not installed",
        hint=INSTALL_HINT,
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), text.strip())


class _Driver:
    """What a database client must do for ccc: run a query into Arrow batches."""

    engine: Engine

    def quote(self, name: str) -> str:
        raise NotImplementedError

    def run(self, sql: str, *, batch_rows: int) -> pa.RecordBatchReader:
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection (if any)."""


class _Postgres(_Driver):
    """ADBC's PostgreSQL driver: libpq (``PGPASSWORD``, ``~/.pgpass``, ``sslmode``, ...
    work as in psql), results streamed with ``COPY`` in binary into Arrow batches."""

    engine: Engine = "postgresql"

    def __init__(self, uri: DatabaseURI, password: str | None, label: str, scrub: _Scrub) -> None:
        try:
            import adbc_driver_postgresql.dbapi as pg_dbapi
        except ImportError:
            raise _missing("adbc-driver-postgresql", "postgresql") from None
        self._label = label
        self._scrub = scrub
        text = uri.text
        scheme = _SCHEME.match(text)
        assert scheme is not None
        authority = _split_authority(text[scheme.end() :])[0]
        params = [(k, v) for k, v in uri.params if k != "connect_timeout"]
        if password is not None:
            userinfo, at, hostport = authority.rpartition("@")
            user = userinfo.split(":", 1)[0] if at else quote(getpass.getuser(), safe="")
            authority = f"{user}:{quote(password, safe='')}@{hostport}"
            params = [(k, v) for k, v in params if k != "password"]
        params.append(("connect_timeout", str(_CONNECT_TIMEOUT_S)))
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
        conn_uri = f"postgresql://{authority}/{quote(uri.database or '', safe='')}?{query}"
        self._connect: Callable[[], Any] = lambda: pg_dbapi.connect(conn_uri)
        # Connections whose query is over, for the next query (a login costs a round of
        # SCRAM); the reader that frees one may be closed from another thread.
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        try:
            # Fail early, before any query, on a refused login or a missing database.
            self._idle.append(self._connect())
        except Exception as exc:
            raise self._error(exc, connecting=True) from None

    def _error(self, exc: BaseException, *, connecting: bool) -> InputError:
        text = self._scrub(str(exc))
        for marker in ("ERROR:", "FATAL:"):
            if marker in text:
                text = text.split(marker, 1)[1]
                break
        else:
            text = re.sub(r"^\w+: \[libpq\] (Failed to connect: )?", "", text.strip())
        message = _first_line(text)
        if connecting:
            return InputError(
                f"cannot connect to {self._label}: {message}",
                hint="check the host, port, database and user; the password comes from the "
                "URI, --password-env NAME, PGPASSWORD or ~/.pgpass",
            )
        return InputError(f"cannot read {self._label}: {message}")

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def run(self, sql: str, *, batch_rows: int) -> pa.RecordBatchReader:
        """Each query on a connection of its own: Polars stops reading a sample when
        it has enough rows and drops its reader whenever it likes (maybe later, from
        another thread), so a query never waits for, or shares a connection with, one
        still open."""
        del batch_rows  # libpq's COPY batches are sized in bytes
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        try:
            conn = conn or self._connect()
        except Exception as exc:
            raise self._error(exc, connecting=True) from None
        try:
            cursor = conn.cursor()
            # Small batches: a sample stops after its first ones (the query is then
            # cancelled); they are joined again before Polars sees them.
            cursor.adbc_statement.set_options(**{_PG_BATCH_OPTION: str(_PG_BATCH_BYTES)})
            cursor.execute(sql)
            return _closing_reader(cursor.fetch_record_batch(), cursor, conn, self._release)
        except Exception as exc:
            self._release(conn, reuse=False)
            raise self._error(exc, connecting=False) from None

    def _release(self, conn: Any, *, reuse: bool) -> None:
        if reuse:
            try:
                conn.rollback()  # end the read's transaction (aborted if cancelled)
            except Exception:
                reuse = False
        if reuse:
            with self._lock:
                self._idle.append(conn)
        else:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            with contextlib.suppress(Exception):
                conn.close()


class _MySQL(_Driver):
    """connectorx for MySQL and MariaDB (Arrow batches from Rust). A PyMySQL login is
    tried first: connectorx's pool retries a refused login for 30 seconds and logs each
    try, where PyMySQL answers at once with the server's own message."""

    engine: Engine = "mysql"

    def __init__(self, uri: DatabaseURI, password: str | None, label: str) -> None:
        try:
            import connectorx  # noqa: F401
        except ImportError:
            raise _missing("connectorx", "mysql") from None
        try:
            import pymysql
        except ImportError:
            raise _missing("PyMySQL", "mysql") from None
        self._label = label
        user = uri.user or getpass.getuser()
        secret = password if password is not None else os.environ.get("MYSQL_PWD") or ""
        self._scrub = scrub = _Scrub([secret, password, uri.password])
        host = uri.host or "localhost"
        port = uri.port or 3306
        try:
            probe = pymysql.connect(
                host=host,
                port=port,
                user=user,
                password=secret,
                database=uri.database,
                connect_timeout=_CONNECT_TIMEOUT_S,
            )
            probe.close()
        except Exception as exc:
            args: tuple[object, ...] = tuple(getattr(exc, "args", ()))
            message = str(args[1]) if len(args) > 1 else str(exc)
            raise InputError(
                f"cannot connect to {label}: {_first_line(scrub(message))}",
                hint="check the host, port, database and user; the password comes from the "
                "URI, --password-env NAME or MYSQL_PWD",
            ) from None
        auth = quote(user, safe="") + (f":{quote(secret, safe='')}" if secret else "")
        self._url = f"mysql://{auth}@{host}:{port}/{quote(uri.database or '', safe='')}"

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def run(self, sql: str, *, batch_rows: int) -> pa.RecordBatchReader:
        import connectorx

        try:
            reader = connectorx.read_sql(
                self._url, sql, return_type="arrow_stream", batch_size=batch_rows
            )
        except BaseException as exc:  # connectorx panics are BaseExceptions
            if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            text = self._scrub(str(exc))
            found = re.search(r"ERROR \d+ \([0-9A-Z]+\): (.*?)\s*\}?\s*$", text, re.S)
            message = found.group(1) if found else text
            raise InputError(f"cannot read {self._label}: {_first_line(message)}") from None
        assert reader is not None
        return reader


def _closing_reader(
    reader: pa.RecordBatchReader,
    cursor: Any,
    conn: Any,
    release: Callable[..., None],
) -> Any:
    """``reader``, whose ``close`` also closes its cursor and hands its connection back,
    cancelling the query first if not every batch was read (libpq would otherwise
    receive the rest of a ``COPY``)."""

    class _Reader:
        schema = reader.schema
        done = False
        closed = False

        def __iter__(self) -> Iterator[pa.RecordBatch]:
            yield from reader
            self.done = True

        def close(self) -> None:
            if self.closed:
                return
            self.closed = True
            ok = True
            if not self.done:
                try:
                    cursor.adbc_cancel()
                except Exception:
                    ok = False
            for closing in (reader.close, cursor.close):
                try:
                    closing()
                except Exception:
                    ok = ok and self.done
            release(conn, reuse=ok)

    return _Reader()


# --- the input -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SentQuery:
    """One ``SELECT`` sent for the data (not the samples), and the rows it returned."""

    sql: str
    rows: int


@dataclass(eq=False)
class DatabaseInput:
    """One database input: its URI, the table or query read, the connection (opened on
    first use, closed by :meth:`close`), and the queries sent.

    ``window_note`` says why the window was not (or only partly) sent to the database.
    """

    uri: DatabaseURI
    table: str | None = None
    query: str | None = None
    password_env: str | None = None
    window: str | None = None
    window_note: str | None = None
    sent: list[SentQuery] = field(default_factory=list)
    _driver: _Driver | None = None
    _types: dict[str, pa.DataType] = field(default_factory=dict)
    _casts: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.uri.masked

    def describe(self) -> str:
        what = f"table {self.table}" if self.query is None else "query (--query)"
        return f"{ENGINE_NAMES[self.uri.engine]} {what}"

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """The columns of the table or query, as the database names them."""
        return tuple(self._types)

    @property
    def last_query(self) -> SentQuery | None:
        return self.sent[-1] if self.sent else None

    # -- connecting -------------------------------------------------------------------------
    def configure(self, *, table: str | None, query: str | None, password_env: str | None) -> None:
        if table is not None and query is not None:
            raise UsageError("--table and --query exclude each other", hint="pass one of them")
        if query is not None:
            query = query.strip().rstrip(";").strip()
            if not query:
                raise UsageError("empty --query", hint="give a SELECT statement")
        self.query = query
        self.table = None if query is not None else (table or DEFAULT_TABLE)
        self.password_env = password_env

    def driver(self) -> _Driver:
        if self._driver is None:
            password = parse_password_env(self.password_env)
            if password is None:
                password = self.uri.password
            if self.uri.engine == "postgresql":
                scrub = _Scrub([password, self.uri.password, os.environ.get("PGPASSWORD")])
                self._driver = _Postgres(self.uri, password, self.label, scrub)
            else:
                self._driver = _MySQL(self.uri, password, self.label)
        return self._driver

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- SQL ----------------------------------------------------------------------------------
    def _from(self, driver: _Driver) -> str:
        if self.query is not None:
            return f"({self.query}) AS {_QUERY_ALIAS}"
        assert self.table is not None
        parts = self.table.split(".")
        if any(not p for p in parts):
            raise UsageError(f"bad --table {self.table!r}", hint="write NAME or SCHEMA.NAME")
        return ".".join(p if _PLAIN_NAME.match(p) else driver.quote(p) for p in parts)

    def sql(self, columns: Sequence[str], *, limit: int | None = None) -> str:
        driver = self.driver()
        select = ", ".join(self._select(driver, c) for c in columns)
        text = f"SELECT {select} FROM {self._from(driver)}"
        if self.window:
            text += f" WHERE {self.window}"
        if limit is not None:
            text += f" LIMIT {limit}"
        return text

    def _select(self, driver: _Driver, column: str) -> str:
        quoted = driver.quote(column)
        cast = self._casts.get(column)
        return quoted if cast is None else f"{cast.format(quoted)} AS {quoted}"

    # -- the schema ---------------------------------------------------------------------------
    def probe(self) -> pl.Schema:
        """Run the query for no rows: the column names and their types (as read)."""
        import pyarrow as pa

        driver = self.driver()
        text = f"SELECT * FROM {self._from(driver)} LIMIT 0"
        try:
            reader = driver.run(text, batch_rows=1)
        except InputError as exc:
            what = "--query" if self.query is not None else f"--table {self.table}"
            raise InputError(
                exc.message, hint=f"check {what} (the default table is {DEFAULT_TABLE})"
            ) from None
        try:
            schema = reader.schema
            for _ in reader:
                pass
        finally:
            reader.close()
        names = list(schema.names)
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise InputError(
                f"{self.label}: the query returns column {repeated[0]!r} more than once",
                hint="give the columns distinct names (SELECT a.x AS x_a, ...)",
            )
        if not names:
            raise InputError(f"{self.label}: the table has no columns")
        out: dict[str, pl.DataType] = {}
        for fld in schema:
            kind, arrow_type = self._read_as(driver, fld.type)
            if kind is not None:
                self._casts[fld.name] = kind
            self._types[fld.name] = fld.type
            empty = pa.array([], type=arrow_type)
            out[fld.name] = pl.from_arrow(pa.table({fld.name: empty}))[fld.name].dtype
        return pl.Schema(out)

    def _read_as(self, driver: _Driver, arrow_type: pa.DataType) -> tuple[str | None, pa.DataType]:
        """How a column is selected (a SQL cast, or None) and its Arrow type then."""
        import pyarrow as pa

        if driver.engine == "postgresql":
            name = str(arrow_type)
            if arrow_type == pa.month_day_nano_interval():
                # Whole microseconds, made a duration batch by batch (Polars has no
                # month/day/nanosecond interval); months count 30 days, as in PostgreSQL.
                return "CAST(ROUND(EXTRACT(EPOCH FROM {}) * 1000000) AS bigint)", pa.duration("us")
            if "numeric" in name:
                return "CAST({} AS double precision)", pa.float64()
            if isinstance(arrow_type, pa.BaseExtensionType) or name.startswith("extension"):
                # uuid, inet, enums, json: their text.
                return "CAST({} AS text)", pa.string()
            return None, arrow_type
        if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
            # MySQL's zero dates (0000-00-00) read as empty: no driver takes them as times.
            return "IF({0} < '1000-01-01', NULL, {0})", arrow_type
        return None, arrow_type

    def _batch(
        self, batches: Sequence[pa.RecordBatch], schema: pa.Schema | None = None
    ) -> pl.DataFrame:
        import pyarrow as pa

        table = pa.Table.from_batches(batches, schema=schema)
        for i, name in enumerate(table.schema.names):
            if self._types.get(name) == pa.month_day_nano_interval():
                column = table.column(i).cast(pa.int64()).cast(pa.duration("us"))
                table = table.set_column(i, name, column)
        frame = pl.from_arrow(table, rechunk=False)
        assert isinstance(frame, pl.DataFrame)
        return frame

    # -- reading ------------------------------------------------------------------------------
    def _frames(self, reader: Any) -> Iterator[pl.DataFrame]:
        """The driver's batches as frames of about ``BATCH_ROWS`` rows: fewer, larger
        pieces for Polars' streaming engine."""
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            if rows >= BATCH_ROWS:
                yield self._batch(pending)
                pending, rows = [], 0
        if pending or rows == 0:
            yield self._batch(pending, schema=reader.schema)

    def scan(self) -> pl.LazyFrame:
        """A lazy frame over the table: every collect runs one query."""
        from polars.io.plugins import register_io_source

        schema = self.probe()
        names = list(schema.names())

        def source(
            with_columns: list[str] | None,
            predicate: pl.Expr | None,
            n_rows: int | None,
            batch_size: int | None,
        ) -> Iterator[pl.DataFrame]:
            del batch_size  # the driver's batches are used as they come
            wanted = list(with_columns) if with_columns is not None else names
            # No column asked (a row count): read the narrowest, then drop it.
            columns = wanted or names[:1]
            limit = n_rows if predicate is None else None
            yield from self._rows(columns, wanted, predicate, n_rows, limit)

        return register_io_source(source, schema=schema)

    def _rows(
        self,
        columns: list[str],
        wanted: list[str],
        predicate: pl.Expr | None,
        n_rows: int | None,
        limit: int | None,
    ) -> Iterator[pl.DataFrame]:
        driver = self.driver()
        text = self.sql(columns, limit=limit)
        full = limit is None and predicate is None
        reader = driver.run(text, batch_rows=BATCH_ROWS)
        fetched = 0
        left = n_rows
        try:
            for frame in self._frames(reader):
                fetched += frame.height
                if predicate is not None:
                    frame = frame.filter(predicate)
                if left is not None:
                    frame = frame.head(left)
                    left -= frame.height
                yield frame.select(wanted)
                if left is not None and left <= 0:
                    break
        finally:
            reader.close()
        if full:
            self.sent.append(SentQuery(text, fetched))

    # -- the window ---------------------------------------------------------------------------
    def push_window(
        self,
        *,
        start: str | None,
        derived_end: bool,
        window_from: datetime | None,
        window_to: datetime | None,
        margin_s: float | None,
        tz: str,
        epoch_unit: Callable[[], str | None],
    ) -> None:
        """Send the analysis window as a condition on the raw start column ``start``:
        ``start >= window_from - margin`` (calls begun earlier that are still active;
        none without a margin, i.e. without a longest duration) and ``start <
        window_to`` (only when each row's end is its own: a preset that ends calls on
        other rows, such as Kamailio's BYE transactions, gets the lower bound only).
        Naive times are compared in ``tz``; epoch numbers in their unit."""
        if window_from is None and window_to is None:
            return
        if start is None or start not in self._types:
            self.window_note = (
                f"{self.label}: the --from/--to window is not sent to the database: the start "
                "time is computed by the preset, not read from one column; every row is read"
            )
            return
        low = None if window_from is None or margin_s is None else window_from
        if low is not None:
            assert margin_s is not None
            low -= timedelta(seconds=margin_s)
        high = None if derived_end else window_to
        if low is None and high is None:
            self.window_note = (
                f"{self.label}: the window is not sent to the database (no longest call: "
                "--max-duration 0, and the end of a call comes from other rows)"
            )
            return
        literal = self._literal(start, tz, epoch_unit)
        if literal is None:
            self.window_note = (
                f"{self.label}: the --from/--to window is not sent to the database: column "
                f"{start!r} is {self._types[start]}, not a time or an epoch number; every row "
                "is read"
            )
            return
        column = self.driver().quote(start)
        parts = []
        if low is not None:
            parts.append(f"{column} >= {literal(low, 'low')}")
        if high is not None:
            parts.append(f"{column} < {literal(high, 'high')}")
        self.window = " AND ".join(parts)

    def _literal(
        self, column: str, tz: str, epoch_unit: Callable[[], str | None]
    ) -> Callable[[datetime, str], str] | None:
        import pyarrow as pa

        arrow_type = self._types[column]
        pg = self.uri.engine == "postgresql"
        if pa.types.is_timestamp(arrow_type) and arrow_type.tz is not None:

            def aware(at: datetime, _side: str) -> str:
                text = at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.%f")
                if pg:
                    return f"TIMESTAMPTZ '{text}+00:00'"
                return f"TIMESTAMP '{text}'"

            return aware
        if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
            is_date = pa.types.is_date(arrow_type)

            def naive(at: datetime, side: str) -> str:
                local = at.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
                if tz != "UTC":
                    local += _DST_SLACK if side == "high" else -_DST_SLACK
                if is_date:
                    day = local.date() + (timedelta(days=1) if side == "high" else timedelta())
                    return f"DATE '{day:%Y-%m-%d}'"
                return f"TIMESTAMP '{local:%Y-%m-%d %H:%M:%S.%f}'"

            return naive
        if pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type):
            unit = epoch_unit()
            if unit is None:
                return None
            per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[unit]

            def epoch(at: datetime, side: str) -> str:
                value = at.timestamp() * per_second
                return str(math.ceil(value) if side == "high" else math.floor(value))

            return epoch
        return None


def open_database(text: str) -> DatabaseInput:
    """A database input for a URI (not connected yet)."""
    return DatabaseInput(DatabaseURI.parse(text))
