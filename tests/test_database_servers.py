"""Database URIs against real servers: PostgreSQL and MariaDB started by ``.ci/run``
(``.ci/databases.sh``), reached through ``CCC_TEST_POSTGRES_URI`` and
``CCC_TEST_MARIADB_URI``.

Each server gets a fresh database holding the vendors' own table definitions (the
Asterisk/FreePBX ``cdr`` table with ``linkedid``, FreeSWITCH ``mod_cdr_pg_csv``'s table
with ``timestamptz`` columns, Kamailio's ``acc``) loaded with the rows of the file
fixtures the preset tests use; every answer read from the database must equal the
answer read from the file. Without a server the tests skip; with ``CCC_REQUIRE_DB=1``
(set by ``.ci/run``) a missing server is a failure.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, compute_series, load_calls, parse_every
from ccc_cli.cli.app import app

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent.parent / "sample_data" / "calls.csv"
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}
REQUIRED = os.environ.get("CCC_REQUIRE_DB") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"CCC_REQUIRE_DB=1 but {reason}")
    pytest.skip(reason)


# --- the servers -------------------------------------------------------------------------------
@dataclass
class Server:
    """A test database on one server: its URI (password included), its password, and
    how to run statements in it."""

    engine: str  # "postgresql" or "mariadb"
    uri: str
    password: str
    execute: Callable[[str], None]
    insert: Callable[[str, Sequence[str], Sequence[str], Sequence[Sequence[str | None]]], None]

    def uri_without_password(self) -> str:
        return self.uri.replace(f":{self.password}@", "@")

    def with_database(self, name: str) -> str:
        parts = urlsplit(self.uri)
        return parts._replace(path=f"/{name}").geturl()


def _base_uri(variable: str) -> str:
    uri = os.environ.get(variable)
    if not uri:
        _unavailable(f"{variable} is not set (run the tests through .ci/run for a server)")
    assert uri is not None
    return uri


@pytest.fixture(scope="module")
def postgres() -> Iterator[Server]:
    if not REQUIRED:
        pytest.importorskip("adbc_driver_postgresql")
    import adbc_driver_postgresql.dbapi as pg

    base = _base_uri("CCC_TEST_POSTGRES_URI")
    name = f"ccc_test_{secrets.token_hex(4)}"
    try:
        admin = pg.connect(base, autocommit=True)
    except Exception as exc:
        _unavailable(f"no PostgreSQL server: {exc}")
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    uri = urlsplit(base)._replace(path=f"/{name}").geturl()
    conn = pg.connect(uri, autocommit=True)

    def execute(sql: str) -> None:
        with conn.cursor() as cur:
            cur.execute(sql)

    def insert(
        table: str,
        columns: Sequence[str],
        types: Sequence[str],
        rows: Sequence[Sequence[str | None]],
    ) -> None:
        # Every value goes as text and is cast by the server to the column's type.
        values = ", ".join(f"CAST(CAST(${i + 1} AS text) AS {t})" for i, t in enumerate(types))
        names = ", ".join(f'"{c}"' for c in columns)
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)

    password = urlsplit(base).password or ""
    yield Server("postgresql", uri, password, execute, insert)
    conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(scope="module")
def mariadb() -> Iterator[Server]:
    if not REQUIRED:
        pytest.importorskip("pymysql")
        pytest.importorskip("connectorx")
    import pymysql

    base = _base_uri("CCC_TEST_MARIADB_URI")
    parts = urlsplit(base)
    name = f"ccc_test_{secrets.token_hex(4)}"
    try:
        conn = pymysql.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=parts.username,
            password=parts.password or "",
            autocommit=True,
        )
    except Exception as exc:
        _unavailable(f"no MariaDB server: {exc}")
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name}")
    conn.select_db(name)

    def execute(sql: str) -> None:
        with conn.cursor() as cur:
            cur.execute(sql)

    def insert(
        table: str,
        columns: Sequence[str],
        types: Sequence[str],
        rows: Sequence[Sequence[str | None]],
    ) -> None:
        del types  # the server converts text to each column's type
        names = ", ".join(f"`{c}`" for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    uri = parts._replace(path=f"/{name}").geturl()
    yield Server("mariadb", uri, parts.password or "", execute, insert)
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE {name}")
    conn.close()


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue("postgres" if request.param == "postgresql" else "mariadb")


# --- the vendors' tables ---------------------------------------------------------------------
def _csv(path: Path, *, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter))
    return rows[0], rows[1:]


def _value(value: str, typed: bool) -> str | None:
    """A CSV field as the table holds it: NULL literals are NULL, and so is an empty
    field of a typed column; text columns hold the empty string."""
    return None if value == "NULL" or (typed and value == "") else value


# FreePBX's asteriskcdrdb.cdr (the cdr module's install SQL; MySQL) and Asterisk's
# cdr_pgsql table with the columns Asterisk 12+ adds (linkedid, peeraccount, sequence).
# The vendors declare most columns NOT NULL DEFAULT ''; they are nullable here because
# the export fixture holds NULL literals (a FAILED call without a duration) that the
# table it came from held.
ASTERISK_MYSQL = """CREATE TABLE cdr (
  calldate datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  clid varchar(80) DEFAULT '', src varchar(80) DEFAULT '', dst varchar(80) DEFAULT '',
  dcontext varchar(80) DEFAULT '', channel varchar(80) DEFAULT '',
  dstchannel varchar(80) DEFAULT '', lastapp varchar(80) DEFAULT '',
  lastdata varchar(80) DEFAULT '', duration int(11) DEFAULT '0',
  billsec int(11) DEFAULT '0', disposition varchar(45) DEFAULT '',
  amaflags int(11) DEFAULT '0', accountcode varchar(20) DEFAULT '',
  uniqueid varchar(32) DEFAULT '', userfield varchar(255) DEFAULT '',
  did varchar(50) NOT NULL DEFAULT '', recordingfile varchar(255) NOT NULL DEFAULT '',
  cnum varchar(80) NOT NULL DEFAULT '', cnam varchar(80) NOT NULL DEFAULT '',
  outbound_cnum varchar(80) NOT NULL DEFAULT '', outbound_cnam varchar(80) NOT NULL DEFAULT '',
  dst_cnam varchar(80) NOT NULL DEFAULT '', linkedid varchar(32) DEFAULT '',
  peeraccount varchar(80) NOT NULL DEFAULT '', sequence int(11) DEFAULT '0',
  KEY calldate (calldate), KEY dst (dst), KEY accountcode (accountcode),
  KEY uniqueid (uniqueid), KEY did (did), KEY linkedid (linkedid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"""
ASTERISK_PG = """CREATE TABLE cdr (
  calldate timestamp with time zone DEFAULT now() NOT NULL,
  clid character varying(80) DEFAULT '', src character varying(80) DEFAULT '',
  dst character varying(80) DEFAULT '', dcontext character varying(80) DEFAULT '',
  channel character varying(80) DEFAULT '', dstchannel character varying(80) DEFAULT '',
  lastapp character varying(80) DEFAULT '', lastdata character varying(80) DEFAULT '',
  duration bigint DEFAULT 0, billsec bigint DEFAULT 0,
  disposition character varying(45) DEFAULT '', amaflags bigint DEFAULT 0,
  accountcode character varying(20) DEFAULT '', uniqueid character varying(150) DEFAULT '',
  userfield character varying(255) DEFAULT '', linkedid character varying(150) DEFAULT '',
  peeraccount character varying(80) DEFAULT '', sequence integer DEFAULT 0
);
CREATE INDEX cdr_calldate ON cdr (calldate)"""
ASTERISK_TYPES = {
    "calldate": "timestamp with time zone",
    "duration": "bigint",
    "billsec": "bigint",
    "amaflags": "bigint",
    "sequence": "integer",
}

# FreeSWITCH conf/vanilla/autoload_configs/cdr_pg_csv.conf.xml: the default schema.
FREESWITCH_PG = """CREATE TABLE cdr (
    id                        serial primary key,
    local_ip_v4               inet not null,
    caller_id_name            varchar,
    caller_id_number          varchar,
    destination_number        varchar not null,
    context                   varchar not null,
    start_stamp               timestamp with time zone not null,
    answer_stamp              timestamp with time zone,
    end_stamp                 timestamp with time zone not null,
    duration                  int not null,
    billsec                   int not null,
    hangup_cause              varchar not null,
    uuid                      uuid not null,
    bleg_uuid                 uuid,
    accountcode               varchar,
    read_codec                varchar,
    write_codec               varchar,
    sip_hangup_disposition    varchar,
    ani                       varchar
)"""
FREESWITCH_TYPES = {
    "id": "integer",
    "local_ip_v4": "inet",
    "start_stamp": "timestamptz",
    "answer_stamp": "timestamptz",
    "end_stamp": "timestamptz",
    "duration": "integer",
    "billsec": "integer",
    "uuid": "uuid",
    "bleg_uuid": "uuid",
}

# Kamailio utils/kamctl/{mysql,postgres}/acc-create.sql, with the extra columns of the
# default kamailio.cfg's acc-mysql settings (src_user, src_domain, dst_user, dst_domain).
KAMAILIO_MYSQL = """CREATE TABLE acc (
    id INT(10) UNSIGNED AUTO_INCREMENT PRIMARY KEY NOT NULL,
    method VARCHAR(16) DEFAULT '' NOT NULL,
    from_tag VARCHAR(128) DEFAULT '' NOT NULL,
    to_tag VARCHAR(128) DEFAULT '' NOT NULL,
    callid VARCHAR(255) DEFAULT '' NOT NULL,
    sip_code VARCHAR(3) DEFAULT '' NOT NULL,
    sip_reason VARCHAR(128) DEFAULT '' NOT NULL,
    time DATETIME NOT NULL,
    src_user VARCHAR(64) NOT NULL DEFAULT '',
    src_domain VARCHAR(128) NOT NULL DEFAULT '',
    dst_user VARCHAR(64) NOT NULL DEFAULT '',
    dst_domain VARCHAR(128) NOT NULL DEFAULT '',
    INDEX callid_idx (callid)
)"""
KAMAILIO_PG = """CREATE TABLE acc (
    id SERIAL PRIMARY KEY NOT NULL,
    method VARCHAR(16) DEFAULT '' NOT NULL,
    from_tag VARCHAR(128) DEFAULT '' NOT NULL,
    to_tag VARCHAR(128) DEFAULT '' NOT NULL,
    callid VARCHAR(255) DEFAULT '' NOT NULL,
    sip_code VARCHAR(3) DEFAULT '' NOT NULL,
    sip_reason VARCHAR(128) DEFAULT '' NOT NULL,
    time TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    src_user VARCHAR(64) NOT NULL DEFAULT '',
    src_domain VARCHAR(128) NOT NULL DEFAULT '',
    dst_user VARCHAR(64) NOT NULL DEFAULT '',
    dst_domain VARCHAR(128) NOT NULL DEFAULT ''
);
CREATE INDEX acc_callid_idx ON acc (callid)"""
KAMAILIO_TYPES = {"id": "integer", "time": "timestamp"}

# The bundled week of calls (canonical names) as a typed table, for the window tests.
CALLS_PG = """CREATE TABLE calls (
    call_id varchar(40) NOT NULL, start_time timestamptz NOT NULL, end_time timestamptz,
    duration numeric(12, 3), call_type varchar(20), account_id varchar(20),
    parent_call_id varchar(40), status varchar(40)
);
CREATE INDEX calls_start ON calls (start_time)"""
CALLS_MYSQL = """CREATE TABLE calls (
    call_id varchar(40) NOT NULL, start_time datetime(6) NOT NULL, end_time datetime(6),
    duration decimal(12, 3), call_type varchar(20), account_id varchar(20),
    parent_call_id varchar(40), status varchar(40), KEY calls_start (start_time)
)"""
CALLS_TYPES = {
    "start_time": "timestamptz",
    "end_time": "timestamptz",
    "duration": "numeric(12, 3)",
}


def _statements(ddl: str) -> list[str]:
    return [s.strip() for s in ddl.split(";") if s.strip()]


def _load(
    server: Server,
    table: str,
    ddl: str,
    path: Path,
    types: dict[str, str],
    *,
    delimiter: str = ",",
    convert: Callable[[str, str], str] | None = None,
) -> int:
    """Create ``table`` and load the rows of the CSV ``path`` into it; the row count."""
    server.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _statements(ddl):
        server.execute(statement)
    header, rows = _csv(path, delimiter=delimiter)
    values = [
        [
            None
            if (v := _value(raw, name in types)) is None
            else (convert(name, v) if convert else v)
            for name, raw in zip(header, row, strict=True)
        ]
        for row in rows
    ]
    server.insert(table, header, [types.get(c, "text") for c in header], values)
    return len(values)


def _asterisk_time(name: str, value: str) -> str:
    # The export writes day-first dates (1/2/2024 = 1 February); the table holds times.
    if name == "calldate":
        return datetime.strptime(value, "%d/%m/%Y %H:%M:%S").isoformat(" ")
    return value


def _utc_naive(name: str, value: str) -> str:
    # MariaDB's DATETIME holds no zone: the instants go in as UTC wall times.
    if name in ("start_time", "end_time"):
        return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def _freeswitch_time(name: str, value: str) -> str:
    # PostgreSQL's own text form (+07) is what the spool file holds; it reads it back.
    del name
    return value


@pytest.fixture(scope="module")
def asterisk(server: Server) -> Server:
    ddl = ASTERISK_PG if server.engine == "postgresql" else ASTERISK_MYSQL
    _load(
        server,
        "cdr",
        ddl,
        DATA / "asterisk" / "cdr_export.csv",
        ASTERISK_TYPES,
        delimiter=";",
        convert=_asterisk_time,
    )
    return server


@pytest.fixture(scope="module")
def kamailio(server: Server) -> Server:
    ddl = KAMAILIO_PG if server.engine == "postgresql" else KAMAILIO_MYSQL
    _load(server, "acc", ddl, DATA / "kamailio" / "acc.csv", KAMAILIO_TYPES)
    return server


@pytest.fixture(scope="module")
def freeswitch(postgres: Server) -> Server:
    _load(
        postgres,
        "cdr_freeswitch",
        FREESWITCH_PG.replace("CREATE TABLE cdr", "CREATE TABLE cdr_freeswitch"),
        DATA / "freeswitch_db" / "cdr_table.csv",
        FREESWITCH_TYPES,
    )
    return postgres


@pytest.fixture(scope="module")
def week(server: Server) -> tuple[Server, int]:
    ddl = CALLS_PG if server.engine == "postgresql" else CALLS_MYSQL
    convert = None if server.engine == "postgresql" else _utc_naive
    rows = _load(server, "calls", ddl, SAMPLE, CALLS_TYPES, convert=convert)
    return server, rows


# --- running ccc -------------------------------------------------------------------------------
@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


def _run(runner: CliRunner, args: Sequence[str], env: dict[str, str | None] | None = None) -> Any:
    return runner.invoke(app, list(args), env=env)


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def _same_answers(db: dict[str, Any], file: dict[str, Any], db_label: str, file_label: str) -> None:
    """Equal documents, once the input's name is the same in both."""
    assert [f["path"] for f in db["files"]] == [db_label]
    assert [f["path"] for f in file["files"]] == [file_label]
    # The two inputs have their own format names; the rows read from each must agree.
    assert [f["rows_read"] for f in db["files"]] == [f["rows_read"] for f in file["files"]]
    text = json.dumps({k: v for k, v in db.items() if k != "files"}).replace(db_label, "INPUT")
    expected = json.dumps({k: v for k, v in file.items() if k != "files"})
    assert json.loads(text) == json.loads(expected.replace(file_label, "INPUT"))


COMMANDS = (
    ("peak", "--by", "account"),
    ("series", "--every", "1m"),
    ("breaches", "--limit", "1"),
    ("analyze", "--limit", "2"),
)


def _masked(server: Server) -> str:
    return server.uri.replace(f":{server.password}@", ":***@")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_asterisk_cdr_table_answers_as_its_export(
    asterisk: Server, runner: CliRunner, command: tuple[str, ...]
) -> None:
    """FreePBX's cdr table (MariaDB) and Asterisk's cdr_pgsql table: the same peak,
    series, breaches and row accounting as the export file."""
    path = str(DATA / "asterisk" / "cdr_export.csv")
    file = _json(_run(runner, [*command, path, "--format", "json"]))
    db = _json(_run(runner, [*command, asterisk.uri, "--table", "cdr", "--format", "json"]))
    _same_answers(db, file, _masked(asterisk), path)
    assert db["rows"]["read"] == 5


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_kamailio_acc_table_answers_as_its_dump(
    kamailio: Server, runner: CliRunner, command: tuple[str, ...]
) -> None:
    path = str(DATA / "kamailio" / "acc.csv")
    file = _json(_run(runner, [*command, path, "--format", "json"]))
    db = _json(_run(runner, [*command, kamailio.uri, "--table", "acc", "--format", "json"]))
    _same_answers(db, file, _masked(kamailio), path)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_freeswitch_pg_table_with_timestamptz_answers_as_its_export(
    freeswitch: Server, runner: CliRunner, command: tuple[str, ...]
) -> None:
    path = str(DATA / "freeswitch_db" / "cdr_table.csv")
    file = _json(_run(runner, [*command, path, "--format", "json"]))
    uri = freeswitch.uri
    db = _json(_run(runner, [*command, uri, "--table", "cdr_freeswitch", "--format", "json"]))
    _same_answers(db, file, _masked(freeswitch), path)


def test_inspect_shows_the_preset_typed_columns_and_the_sql(
    freeswitch: Server, runner: CliRunner
) -> None:
    r = _run(runner, ["inspect", freeswitch.uri, "--table", "cdr_freeswitch", "--format", "json"])
    doc = _json(r)
    (report,) = doc["files"]
    assert report["path"] == _masked(freeswitch)
    assert report["format"] == "PostgreSQL table cdr_freeswitch"
    assert report["preset_match"]["name"] == "freeswitch_db"
    assert report["fields"]["start"]["encoding"] == "typed datetime (with zone)"
    # Only the columns the preset reads are selected; uuid is read as its text.
    query = report["query"]
    assert query.startswith('SELECT "start_stamp"') or '"start_stamp"' in query
    assert 'CAST("uuid" AS text) AS "uuid"' in query
    assert "read_codec" not in query and "WHERE" not in query
    assert report["rows_read"] == 6
    table = _run(runner, ["inspect", freeswitch.uri, "--table", "cdr_freeswitch"])
    assert table.exit_code == 0, table.output
    assert f"  query: {query}" in table.stdout


def test_query_instead_of_a_table(asterisk: Server, runner: CliRunner) -> None:
    sql = "SELECT * FROM cdr WHERE disposition = 'ANSWERED';"
    doc = _json(_run(runner, ["inspect", asterisk.uri, "--query", sql, "--format", "json"]))
    (report,) = doc["files"]
    assert report["rows_read"] == 3
    assert "(SELECT * FROM cdr WHERE disposition = 'ANSWERED') AS ccc_query" in report["query"]
    assert report["format"].endswith("query (--query)")


# --- the window --------------------------------------------------------------------------------
def test_window_is_sent_as_a_condition_and_reads_fewer_rows(week: tuple[Server, int]) -> None:
    """--from/--to become a condition on the start column, a day (--max-duration) earlier
    for calls begun before; the series inside the window equals the file's."""
    server, total = week
    since = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    until = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    options = LoadOptions(window_from=since, window_to=until, table="calls")
    db = load_calls([server.uri], options)
    file = load_calls([SAMPLE])
    (report,) = db.files
    assert report.query is not None
    if server.engine == "postgresql":
        condition = (
            "\"start_time\" >= TIMESTAMPTZ '2026-11-17 09:00:00.000000+00:00' AND "
            "\"start_time\" < TIMESTAMPTZ '2026-11-18 12:00:00.000000+00:00'"
        )
    else:
        condition = (
            "`start_time` >= TIMESTAMP '2026-11-17 09:00:00.000000' AND "
            "`start_time` < TIMESTAMP '2026-11-18 12:00:00.000000'"
        )
    assert report.query.endswith(f" WHERE {condition}")
    # A day and three hours of a week's rows, not all of them.
    assert 0 < report.rows < total / 3
    assert db.accounting.read == report.rows
    every = parse_every("1m")
    a = compute_series(db, every=every, start=since, end=until)
    b = compute_series(file, every=every, start=since, end=until)
    assert a.frame.equals(b.frame)


def test_window_without_a_longest_call_has_no_lower_bound(week: tuple[Server, int]) -> None:
    server, _ = week
    since = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    options = LoadOptions(window_from=since, max_duration_s=None, table="calls")
    (report,) = load_calls([server.uri], options).files
    assert report.query is not None
    assert "WHERE" not in report.query


def test_kamailio_window_keeps_the_bye_rows_after_it(kamailio: Server) -> None:
    """Kamailio ends a call at its BYE row: rows after --to are still read (lower bound
    only), so a call running across --to keeps its end."""
    since = datetime(2024, 6, 3, 10, 0, tzinfo=UTC)
    until = datetime(2024, 6, 3, 10, 2, tzinfo=UTC)
    options = LoadOptions(window_from=since, window_to=until, table="acc")
    db = load_calls([kamailio.uri], options)
    (report,) = db.files
    assert report.query is not None
    assert " WHERE " in report.query and "<" not in report.query.split(" WHERE ")[1]
    file = load_calls([DATA / "kamailio" / "acc.csv"])
    every = parse_every("1m")
    a = compute_series(db, every=every, start=since, end=until)
    b = compute_series(file, every=every, start=since, end=until)
    assert a.frame.equals(b.frame)


def test_epoch_start_column_gets_an_epoch_condition(postgres: Server) -> None:
    """Integer epochs are compared as numbers in their unit; an interval duration reads
    as a duration."""
    postgres.execute("DROP TABLE IF EXISTS epochs")
    postgres.execute(
        "CREATE TABLE epochs (call_id text, start_time bigint, duration interval, status text)"
    )
    base = int(datetime(2026, 11, 18, tzinfo=UTC).timestamp() * 1000)
    rows = [
        (f"c{i}", str(base + i * 3_600_000), f"{60 + i} seconds", "completed") for i in range(48)
    ]
    postgres.insert("epochs", ["call_id", "start_time", "duration", "status"],
                    ["text", "bigint", "interval", "text"], rows)  # fmt: skip
    since = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)
    until = since + timedelta(hours=2)
    options = LoadOptions(window_from=since, window_to=until, table="epochs")
    db = load_calls([postgres.uri], options)
    (report,) = db.files
    assert report.query is not None
    low = int((since - timedelta(days=1)).timestamp() * 1000)
    high = int(until.timestamp() * 1000)
    assert report.query.endswith(f'WHERE "start_time" >= {low} AND "start_time" < {high}')
    assert report.rows == 26  # 2026-11-18 12:00 .. 2026-11-19 13:00, hourly
    # In the window: the calls of 12:00 and 13:00 (c36 and c37); the rows fetched for
    # the margin before it are read and left out (not_selected).
    assert (db.accounting.used, db.accounting.not_selected) == (2, 24)
    first = db.calls.sort("start").row(0, named=True)
    assert first["start"] == since
    assert first["end"] - first["start"] == timedelta(seconds=96)


def test_mysql_zero_dates_read_as_empty(mariadb: Server) -> None:
    """MySQL's 0000-00-00 (a never-answered call's answer) is no time, not a crash."""
    mariadb.execute("DROP TABLE IF EXISTS zero")
    mariadb.execute("SET SESSION sql_mode = ''")
    mariadb.execute(
        "CREATE TABLE zero (call_id varchar(10), start_time datetime NOT NULL, "
        "answer_time datetime NOT NULL DEFAULT '0000-00-00 00:00:00', end_time datetime)"
    )
    mariadb.execute(
        "INSERT INTO zero VALUES ('a', '2024-06-03 10:00:00', '0000-00-00 00:00:00', "
        "'2024-06-03 10:05:00'), ('b', '2024-06-03 10:01:00', '2024-06-03 10:01:05', "
        "'2024-06-03 10:02:00')"
    )
    calls = load_calls([mariadb.uri], LoadOptions(table="zero"))
    assert calls.accounting.used == 2
    answers = dict(zip(calls.calls["call_id"], calls.calls["answer"], strict=True))
    assert answers["a"] is None
    assert answers["b"] == datetime(2024, 6, 3, 10, 1, 5, tzinfo=UTC)


# --- errors and passwords --------------------------------------------------------------------
def _error_lines(result: Any) -> list[str]:
    lines = [line for line in result.stderr.splitlines() if line.startswith("ccc: error:")]
    assert len(lines) == 1, result.stderr
    return lines


def test_wrong_password_is_one_line_exit_3(server: Server, runner: CliRunner) -> None:
    wrong = server.uri.replace(f":{server.password}@", ":not-the-password@")
    r = _run(runner, ["peak", wrong, "--table", "cdr"])
    assert r.exit_code == 3, r.output
    (line,) = _error_lines(r)
    assert line.startswith("ccc: error: cannot connect to ")
    assert "not-the-password" not in r.stdout + r.stderr
    assert ":***@" in line
    assert "denied" in line or "authentication failed" in line


def test_unknown_database_is_one_line_exit_3(server: Server, runner: CliRunner) -> None:
    r = _run(runner, ["peak", server.with_database("no_such_db"), "--table", "cdr"])
    assert r.exit_code == 3, r.output
    (line,) = _error_lines(r)
    assert "no_such_db" in line
    assert server.password not in r.stdout + r.stderr


def test_unknown_table_is_one_line_exit_3(server: Server, runner: CliRunner) -> None:
    r = _run(runner, ["peak", server.uri, "--table", "no_such_table"])
    assert r.exit_code == 3, r.output
    (line,) = _error_lines(r)
    assert "no_such_table" in line
    assert server.password not in r.stdout + r.stderr


def test_refused_connection_is_one_line_exit_3(server: Server, runner: CliRunner) -> None:
    parts = urlsplit(server.uri)
    closed = parts._replace(netloc=f"{parts.username}:{server.password}@127.0.0.1:1").geturl()
    r = _run(runner, ["peak", closed])
    assert r.exit_code == 3, r.output
    _error_lines(r)
    assert server.password not in r.stdout + r.stderr


def test_no_password_in_any_output(asterisk: Server, runner: CliRunner, tmp_path: Path) -> None:
    """stdout, stderr, JSON, notes and inspect: the URI always shows as user:***@."""
    rejects = tmp_path / "rejects.csv"
    runs = [
        ["peak", asterisk.uri, "--table", "cdr"],
        ["peak", asterisk.uri, "--table", "cdr", "--format", "json"],
        ["inspect", asterisk.uri, "--table", "cdr"],
        ["inspect", asterisk.uri, "--table", "cdr", "--format", "json"],
        ["series", asterisk.uri, "--table", "cdr", "--format", "json"],
        ["breaches", asterisk.uri, "--limit", "1", "--rejects", str(rejects)],
        ["check", asterisk.uri, "--limit", "1", "--format", "json"],
        ["analyze", asterisk.uri, "--limit", "1", "--format", "json"],
        ["at", asterisk.uri, "--time", "2024-02-01 10:01:00", "--format", "json"],
        ["size", asterisk.uri, "--format", "json"],
        ["peak", asterisk.uri, "--table", "nope"],
        ["peak", asterisk.uri, "--query", "SELECT nonsense FROM cdr"],
        ["peak", asterisk.uri, "--table", "cdr", "--debug"],
        ["peak", asterisk.uri, "--table", "nope", "--debug"],
        ["inspect", asterisk.uri, "--query", "SELECT 1 AS x"],
        ["inspect", asterisk.uri, "--query", "SELECT 1 AS x", "--format", "json"],
    ]
    for args in runs:
        r = _run(runner, args)
        assert r.exit_code in (0, 1, 3), (args, r.output)
        everything = r.stdout + r.stderr
        assert asterisk.password not in everything, args
        assert quote(asterisk.password, safe="") not in everything, args
        if r.exit_code == 0 and "json" in args and args[0] in ("peak", "inspect", "series"):
            (shown,) = json.loads(r.stdout)["files"]
            assert shown["path"] == _masked(asterisk)
    assert asterisk.password not in rejects.read_text()


def test_password_from_password_env(server: Server, runner: CliRunner) -> None:
    bare = server.uri_without_password()
    r = _run(
        runner,
        ["peak", bare, "--password-env", "CCC_TEST_DB_PW", "--table", "nope"],
        env={"CCC_TEST_DB_PW": server.password},
    )
    # Logged in (the table is what is missing), and the password shown nowhere.
    assert r.exit_code == 3, r.output
    assert "nope" in _error_lines(r)[0]
    assert server.password not in r.stdout + r.stderr
    unset = _run(runner, ["peak", bare, "--password-env", "CCC_NO_SUCH_VARIABLE"])
    assert unset.exit_code == 2, unset.output
    assert "CCC_NO_SUCH_VARIABLE" in unset.stderr


def test_postgres_password_from_pgpassword_and_pgpass(
    postgres: Server, runner: CliRunner, tmp_path: Path
) -> None:
    """libpq finds the password itself: PGPASSWORD, or a ~/.pgpass file (PGPASSFILE)."""
    bare = postgres.uri_without_password()
    args = ["peak", bare, "--table", "nope"]
    by_env = _run(runner, args, env={"PGPASSWORD": postgres.password, "PGPASSFILE": "/dev/null"})  # fmt: skip
    assert by_env.exit_code == 3 and "nope" in _error_lines(by_env)[0], by_env.output
    parts = urlsplit(postgres.uri)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{parts.hostname}:{parts.port}:*:{parts.username}:{postgres.password}\n")
    pgpass.chmod(0o600)
    by_file = _run(runner, args, env={"PGPASSFILE": str(pgpass), "PGPASSWORD": None})
    assert by_file.exit_code == 3 and "nope" in _error_lines(by_file)[0], by_file.output
    for r in (by_env, by_file):
        assert postgres.password not in r.stdout + r.stderr
    none = _run(runner, args, env={"PGPASSFILE": "/dev/null", "PGPASSWORD": None})
    assert none.exit_code == 3
    assert "cannot connect" in _error_lines(none)[0]
