"""Database URIs without a server: recognising and masking URIs, the options, the window
conditions sent to the database, and the install hint when a driver is missing.

The tests against real PostgreSQL and MariaDB servers are in test_database_servers.py.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from ccc_cli.cli.app import app
from ccc_cli.errors import UsageError
from ccc_cli.load.database import (
    DatabaseInput,
    DatabaseURI,
    _Driver,
    is_database_uri,
    mask_uri,
    parse_password_env,
)
from ccc_cli.load.sources import expand_paths
from ccc_cli.options import LoadOptions

ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env=ENV)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://user@host:5432/asteriskcdrdb", True),
        ("postgres://host/db", True),
        ("POSTGRESQL://host/db", True),
        ("postgresql+psycopg://host/db", True),
        ("mysql://root:pw@127.0.0.1/asteriskcdrdb", True),
        ("mariadb://host/db", True),
        ("sqlite:///x.db", False),
        ("https://example.com/cdr.csv", False),
        ("cdr.csv", False),
        ("postgresql-export.csv", False),
        ("-", False),
    ],
)
def test_database_uris_are_told_from_paths(text: str, expected: bool) -> None:
    assert is_database_uri(text) is expected


@pytest.mark.parametrize(
    ("uri", "masked"),
    [
        ("postgresql://ccc:s3cret@db:5432/cdr", "postgresql://ccc:***@db:5432/cdr"),
        ("postgresql://ccc@db/cdr", "postgresql://ccc@db/cdr"),
        ("postgresql://db/cdr", "postgresql://db/cdr"),
        # A password may hold '@', '/', '?' and ':' (percent-encoded or not).
        ("mysql://u:p@ss/w?rd:x@db:3306/a", "mysql://u:***@db:3306/a"),
        ("mysql://u:p%40ss@db/a", "mysql://u:***@db/a"),
        ("postgresql://u:@db/a", "postgresql://u:***@db/a"),
        (
            "postgresql://db/a?sslmode=require&password=s3cret&x=1",
            "postgresql://db/a?sslmode=require&password=***&x=1",
        ),
        ("cdr.csv", "cdr.csv"),
    ],
)
def test_uris_are_shown_with_the_password_masked(uri: str, masked: str) -> None:
    assert mask_uri(uri) == masked
    assert "s3cret" not in mask_uri(uri)


def test_uri_parts() -> None:
    uri = DatabaseURI.parse("mariadb://ast:p%40ss@pbx.example:3307/asteriskcdrdb?charset=utf8")
    assert (uri.engine, uri.user, uri.password, uri.host, uri.port, uri.database) == (
        "mysql",
        "ast",
        "p@ss",
        "pbx.example",
        3307,
        "asteriskcdrdb",
    )
    assert uri.params == (("charset", "utf8"),)
    assert DatabaseURI.parse("postgresql://h/db?password=s3cret").password == "s3cret"
    bare = DatabaseURI.parse("postgresql:///asteriskcdrdb")
    assert (bare.engine, bare.user, bare.password, bare.host, bare.database) == (
        "postgresql",
        None,
        None,
        None,
        "asteriskcdrdb",
    )


def test_a_uri_stands_where_a_path_stands(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("start_time,end_time\n")
    uri = "postgresql://ccc:s3cret@127.0.0.1:5432/cdr"
    sources = expand_paths([uri, str(csv), uri])
    assert [s.format for s in sources] == ["database", "csv"]
    db = sources[0]
    assert db.label == "postgresql://ccc:***@127.0.0.1:5432/cdr"
    assert db.database is not None and db.database.uri.password == "s3cret"
    assert "s3cret" not in repr(db.label)


def test_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDR_DB_PW", "s3cret")
    assert parse_password_env("CDR_DB_PW") == "s3cret"
    assert parse_password_env(None) is None
    monkeypatch.delenv("CDR_DB_PW")
    with pytest.raises(UsageError, match="not set"):
        parse_password_env("CDR_DB_PW")
    with pytest.raises(UsageError, match="not an environment variable name"):
        parse_password_env("A-B")


def test_table_and_query_exclude_each_other() -> None:
    with pytest.raises(UsageError, match="exclude"):
        LoadOptions(table="cdr", query="SELECT 1")


def test_table_without_a_database_is_a_usage_error(runner: CliRunner) -> None:
    r = runner.invoke(app, ["peak", "sample_data", "--table", "cdr"])
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("ccc: error: --table applies to database inputs")


def test_help_lists_the_database_options(runner: CliRunner) -> None:
    r = runner.invoke(app, ["analyze", "--help"])
    assert r.exit_code == 0, r.output
    for flag in ("--table", "--query", "--password-env"):
        assert flag in r.stdout


@pytest.mark.parametrize(
    ("uri", "module", "package"),
    [
        (
            "postgresql://u:s3cret@127.0.0.1:1/cdr",
            "adbc_driver_postgresql",
            "adbc-driver-postgresql",
        ),
        ("mysql://u:s3cret@127.0.0.1:1/cdr", "connectorx", "connectorx"),
    ],
)
def test_missing_driver_names_the_install_command(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, uri: str, module: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, f"{module}.dbapi", None)
    r = runner.invoke(app, ["peak", uri])
    assert r.exit_code == 2, r.output
    error, hint = r.stderr.splitlines()
    assert error.startswith("ccc: error: reading a ")
    assert package in error
    assert "pip install -e '.[db]'" in hint
    assert "s3cret" not in r.stderr


# --- the window sent to the database -----------------------------------------------------------
class _Quoting(_Driver):
    engine = "postgresql"

    def quote(self, name: str) -> str:
        return f'"{name}"'


def _input(types: dict[str, pa.DataType], engine: str = "postgresql") -> DatabaseInput:
    text = "postgresql://h/db" if engine == "postgresql" else "mysql://h/db"
    database = DatabaseInput(DatabaseURI.parse(text), table="cdr")
    driver = _Quoting()
    driver.engine = "postgresql" if engine == "postgresql" else "mysql"
    database._driver = driver
    database._types = dict(types)
    return database


SINCE = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
UNTIL = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def _push(database: DatabaseInput, start: str, *, tz: str = "UTC", **kw: object) -> None:
    args: dict[str, object] = {
        "start": start,
        "derived_end": False,
        "window_from": SINCE,
        "window_to": UNTIL,
        "margin_s": 86400.0,
        "tz": tz,
        "epoch_unit": lambda: "ms",
    }
    args.update(kw)
    database.push_window(**args)  # type: ignore[arg-type]


def test_window_on_an_aware_column() -> None:
    db = _input({"start_stamp": pa.timestamp("us", tz="UTC")})
    _push(db, "start_stamp")
    assert db.window == (
        "\"start_stamp\" >= TIMESTAMPTZ '2026-11-19 02:00:00.000000+00:00' AND "
        "\"start_stamp\" < TIMESTAMPTZ '2026-11-20 04:00:00.000000+00:00'"
    )
    assert db.sql(["start_stamp"]) == f'SELECT "start_stamp" FROM cdr WHERE {db.window}'


def test_window_on_naive_local_times_in_their_zone_with_a_dst_margin() -> None:
    # 02:00 UTC is 09:00 in Ho Chi Minh City; naive bounds widen by 3 hours each side.
    db = _input({"calldate": pa.timestamp("us")}, engine="mysql")
    _push(db, "calldate", tz="Asia/Ho_Chi_Minh")
    assert db.window == (
        "\"calldate\" >= TIMESTAMP '2026-11-19 06:00:00.000000' AND "
        "\"calldate\" < TIMESTAMP '2026-11-20 14:00:00.000000'"
    )


def test_window_on_epoch_numbers_and_dates() -> None:
    db = _input({"start_time": pa.int64()})
    _push(db, "start_time")
    low = int(datetime(2026, 11, 19, 2, tzinfo=UTC).timestamp()) * 1000
    high = int(UNTIL.timestamp()) * 1000
    assert db.window == f'"start_time" >= {low} AND "start_time" < {high}'
    dated = _input({"day": pa.date32()})
    _push(dated, "day")
    assert dated.window == "\"day\" >= DATE '2026-11-19' AND \"day\" < DATE '2026-11-21'"


def test_window_lower_bound_only_when_ends_come_from_other_rows() -> None:
    db = _input({"time": pa.timestamp("us")})
    _push(db, "time", derived_end=True)
    assert db.window == "\"time\" >= TIMESTAMP '2026-11-19 02:00:00.000000'"
    unbounded = _input({"time": pa.timestamp("us")})
    _push(unbounded, "time", derived_end=True, margin_s=None)
    assert unbounded.window is None
    assert unbounded.window_note is not None


def test_window_not_sent_on_text_or_derived_starts() -> None:
    db = _input({"start_time": pa.string()})
    _push(db, "start_time")
    assert db.window is None
    assert db.window_note is not None and "is string" in db.window_note
    derived = _input({"start_time": pa.string()})
    _push(derived, "start_time'")
    assert derived.window is None
    assert derived.window_note is not None and "computed by the preset" in derived.window_note


def test_table_names_are_quoted_only_when_needed() -> None:
    db = _input({"a": pa.int64()})
    db.table = "asterisk.cdr"
    assert db.sql(["a"], limit=5) == 'SELECT "a" FROM asterisk.cdr LIMIT 5'
    db.table = "CDR 2024"
    assert db.sql(["a"]) == 'SELECT "a" FROM "CDR 2024"'
    db.configure(table=None, query=" SELECT * FROM cdr; ", password_env=None)
    assert db.sql(["a"]) == 'SELECT "a" FROM (SELECT * FROM cdr) AS ccc_query'
