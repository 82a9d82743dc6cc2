"""Built-in presets on small hand-written fixtures (``tests/data/<preset>/``).

Every expected value below is worked out by hand from the fixture, in the comment above
the case. Times are half-open ``[start, end)``: a call ending at t and one starting at t
are not concurrent. Also: detection (header names, headerless shapes), overrides by
``--preset`` and by column flags, and the errors for unknown and ambiguous files.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from ccc_cli.api import LoadOptions, compute_peaks, load_calls
from ccc_cli.cli.app import app
from ccc_cli.errors import ExitCode, InputError, UsageError
from ccc_cli.normalize.presets import PRESET_NAMES

DATA = Path(__file__).resolve().parent / "data"
ENV = {"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner(env=ENV)


def run(runner: CliRunner, *args: str) -> Any:
    r = runner.invoke(app, [*args, "-q", "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@dataclass(frozen=True)
class Fixture:
    path: str
    preset: str
    layout: str  # part of the layout name detection reports
    rows: dict[str, int]  # accounting buckets that are not 0
    peak: int
    at: str
    by_type: dict[str, int]  # per-type peaks that are not 0
    reasons: dict[str, int] = field(default_factory=dict)


FIXTURES = [
    # T = 2023-11-14 22:13:20Z (epoch ms 1700000000000), shown in Asia/Ho_Chi_Minh.
    # c1 01 inbound [T, T+100s); c2 10 outbound, answer_time 0 (not answered) [T+20, T+50);
    # c3 11 app_to_app [T+30, T+80); c4 00 server call [T+40, T+60) -> outbound by default;
    # c5 REACH_PLAN_LIMIT; c6 outbound [T+100, T+120) starts as c1 ends; c7 stop < start.
    # At T+40: c1 c2 c3 c4 = 4. Outbound: c2 + c4 at T+40 = 2.
    Fixture(
        "stringee/call_log.csv",
        "stringee",
        "epoch ms",
        {"read": 7, "used": 5, "plan_limit_rejected": 1, "invalid": 1},
        4,
        "2023-11-15T05:14:00+07:00",
        {"inbound": 1, "outbound": 2, "app_to_app": 1},
        {"end_before_start": 1},
    ),
    # Forwarded hotline calls (issue 18; tests/test_forwards.py has the whole story):
    # in1 0-10 + its forward f1 1-12, in2 2-8, in3 3-9 + its forward f3 4-9, two 00
    # calls from another caller id 5-6 and 5-7 (outbound without --otp-from), a 00
    # click-to-call 20-25 matching nothing. At 17:05 (+07): 3 inbound calls + 2 = 5.
    Fixture(
        "stringee/forwards.csv",
        "stringee",
        "epoch ms",
        {"read": 8, "used": 6, "merged_legs": 2},
        5,
        "2025-11-20T17:05:00+07:00",
        {"inbound": 3, "outbound": 2},
    ),
    # Only the *_datetime strings, in Asia/Ho_Chi_Minh: d1 inbound 09:00-09:05, d2 outbound
    # 09:01-09:02 whose answer renders as 1970/01/01 08:00 (epoch 0 in that zone).
    Fixture(
        "stringee/call_log_datetime.csv",
        "stringee",
        "datetime strings",
        {"read": 2, "used": 2},
        2,
        "2024-03-01T09:01:00+07:00",
        {"inbound": 1, "outbound": 1},
    ),
    # x1 in [0, 300) connected; x2 in [60, 90) missed; x3 in [70, 100) stopped in IVR;
    # x4 out [80, 200); x5 internal [85, 95) survey IVR; x6 REACH_PLAN_LIMIT.
    # At T+85: x1..x5 = 5; inbound: x1 x2 x3 at T+70 = 3.
    Fixture(
        "stringeex/call_history.csv",
        "stringeex",
        "call history",
        {"read": 6, "used": 5, "plan_limit_rejected": 1},
        5,
        "2023-11-15T05:14:45+07:00",
        {"inbound": 3, "outbound": 1, "internal": 1},
    ),
    # Day-first, unpadded "H:M:S, D/M/YYYY" in Asia/Ho_Chi_Minh: v1 in 9:05:03-9:10,
    # v2 out 9:06-9:07, v3 internal 9:06:30-9:08, v4 in 9:07-9:09, v5 on 13 July (day 13
    # proves day-first). At 9:06:30: v1 v2 v3 = 3 (at 9:07 v2 ends as v4 starts: still 3).
    # Inbound: v1 + v4 from 9:07 = 2.
    Fixture(
        "stringeex_vi/lich_su_cuoc_goi.csv",
        "stringeex_vi",
        "export",
        {"read": 5, "used": 5},
        3,
        "2024-07-01T09:06:30+07:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # RFC 2822 times. CA01 inbound 10:00-10:10 with child CA02 (outbound-dial) and
    # grandchild CA07: one call. CA03 out 10:02-10:03; CA04 no-answer, no end_time:
    # date_updated 10:03; CA05 client:alice -> client:bob = app_to_app 10:02:40-10:04;
    # CA06 failed, no start/end: date_created 10:02:50 - date_updated 10:02:51; CA08
    # canceled 10:02:55-10:03:10. At 10:02:50: CA01 CA03 CA04 CA05 CA06 = 5.
    # Outbound at 10:02:50: CA03 CA04 CA06 = 3.
    Fixture(
        "twilio/calls.csv",
        "twilio",
        "Call resource",
        {"read": 8, "used": 6, "merged_legs": 2},
        5,
        "2024-03-05T10:02:50+00:00",
        {"inbound": 1, "outbound": 3, "app_to_app": 1},
    ),
    # Title Case console headers, ISO times: in 10:00-10:05, out 10:01-10:02.
    Fixture(
        "twilio/calls_title_case.csv",
        "twilio",
        "Call resource",
        {"read": 2, "used": 2},
        2,
        "2024-03-05T10:01:00+00:00",
        {"inbound": 1, "outbound": 1},
    ),
    # cdr_csv, 21 columns, headerless, Latin-1 byte in a clid. Call 1 (linkedid
    # 1700042400.1): r1 trunk -> 100 10:00-10:05, r2 the ring-group fork to 101 (same
    # uniqueid, no answer), r5 a Local channel 10:00:01-10:04: 1 call, 2 merged legs.
    # r3 100 -> external via trunk 10:01-10:02 (outbound); r4 101 -> 102 10:01:30-10:03
    # (internal); r6 = r4 again (duplicate); r7 inbound no answer 10:04-10:04:30.
    # At 10:01:30: call 1, r3, r4 = 3. Inbound: call 1 + r7 at 10:04 = 2.
    Fixture(
        "asterisk/Master.csv",
        "asterisk",
        "cdr_csv Master.csv, 21 columns",
        {"read": 7, "used": 4, "duplicates": 1, "merged_legs": 2},
        3,
        "2023-11-15T10:01:30+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # Database export: BOM, ';', CRLF, D/M/YYYY, NULL literals, calldate + duration.
    # e1 trunk 1 Feb 10:00 + 120 s and e2 (same linkedid) 10:00:30 + 60 s: one call;
    # e3 101 -> 102 10:01 + 30 s; e4 13 Feb with a NULL duration: missing_end; e5 0 s
    # (never counted). At 10:01: call 1 + e3 = 2.
    Fixture(
        "asterisk/cdr_export.csv",
        "asterisk",
        "database export",
        {"read": 5, "used": 3, "merged_legs": 1, "invalid": 1},
        2,
        "2024-02-01T10:01:00+00:00",
        {"inbound": 1, "internal": 1},
        {"missing_end": 1},
    ),
    # mod_cdr_csv default template, quoted, headerless. f1 A-leg (public: inbound)
    # 12:00-12:10 names f2 as its bleg_uuid: one call. f3 100 -> 0123456789 unanswered
    # 12:01-12:01:30 (outbound); f4 100 -> 101 12:01:10-12:05 (internal); f5 = f4.
    # At 12:01:10: call 1, f3, f4 = 3.
    Fixture(
        "freeswitch/Master.csv",
        "freeswitch",
        "default template",
        {"read": 5, "used": 3, "duplicates": 1, "merged_legs": 1},
        3,
        "2024-05-01T12:01:10+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
    ),
    # CUCM: header, a line of SQL types (skipped, not a row), epoch s; T = 22:13:20Z.
    # Global call 1-1001: u1 gateway -> phone [T, T+300) and u2 phone -> phone
    # [T+100, T+400): one call (inbound, from its first leg). u3 phone -> trunk
    # [T+50, T+70), never connected (outbound). u4 cdrRecordType 2 (a CMR): not a call.
    # u5 is 2-1001: another manager, another call, CSF -> SEP (internal) [T+60, T+200).
    # At T+60: 1-1001, u3, u5 = 3.
    Fixture(
        "cucm/cdr_StandAloneCluster_01_202311142213_1",
        "cucm",
        "CDR flat file",
        {"read": 5, "used": 3, "merged_legs": 1, "invalid": 1},
        3,
        "2023-11-14T22:14:20+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
        {"not_a_call": 1},
    ),
    # The same calls without header and type lines (see CUCM_HEADERLESS below).
    Fixture(
        "cucm/cdr_headerless_10x",
        "cucm",
        "CUCM 10.x (123 fields)",
        {"read": 4, "used": 3, "merged_legs": 1},
        3,
        "2023-11-14T22:14:20+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
    ),
    Fixture(
        "cucm/cdr_headerless_11x_quoted",
        "cucm",
        "CUCM 11.x and later",
        {"read": 4, "used": 3, "merged_legs": 1},
        3,
        "2023-11-14T22:14:20+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
    ),
    # Amazon Connect: k1 INBOUND 08:00-08:05 and its transfer k2 (InitialContactId k1)
    # 08:04-08:09: one call. k3 OUTBOUND 08:01-08:02; k4 CHAT and k5 MONITOR: not calls;
    # k6 CALLBACK (outbound) 08:01:45-08:03. At 08:01:45: k1, k3, k6 = 3.
    Fixture(
        "connect/contact_records.csv",
        "connect",
        "contact records",
        {"read": 6, "used": 3, "merged_legs": 1, "invalid": 2},
        3,
        "2024-06-01T08:01:45+00:00",
        {"inbound": 1, "outbound": 2},
        {"not_a_call": 2},
    ),
    # Asterisk 1.8 cdr table (no linkedid). a1 from-pstn 10:00:00 + 300 s and a5, the
    # same channel after a transfer (same uniqueid), 10:05:00 + 120 s: one call
    # [10:00, 10:07). a2 the ring-group fork through a Local channel (another uniqueid)
    # 10:00:00 + 20 s, NO ANSWER: cannot be linked, a call of its own (its caller is
    # external: inbound). a3 102 -> 103 10:00:10 + 40 s; a4 101 -> trunk 10:01 + 60 s.
    # At 10:00:10: call 1, a2, a3 = 3; inbound: call 1 + a2 = 2.
    Fixture(
        "asterisk/cdr_asterisk18.csv",
        "asterisk",
        "without linkedid (Asterisk 1.8 or older)",
        {"read": 5, "used": 4, "merged_legs": 1},
        3,
        "2024-06-03T10:00:10+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # Grandstream UCM export, naive times. Session 1717405200.1: r1 trunk -> queue
    # 09:00:00-09:05:00, r2 queue -> 1001 09:00:20-09:05:00, r3 queue -> 1002 09:00:20,
    # NO ANSWER, End Time empty, Call Time 0:00:05 -> 09:00:25: one call [09:00, 09:05)
    # (inbound: Source Trunk Name). S2 1003 -> trunk 09:01:00-09:03:00 (outbound).
    # S3 1004 -> 1005 09:02:00-09:02:30 (internal: no trunk). S5 (one session) 1007 ->
    # 1008 09:02:20-09:04:00 and the transfer 1008 -> 1009 09:03:30-09:06:00: one call
    # [09:02:20, 09:06). S4 1006 -> trunk BUSY at 09:06:10, End Time empty, Call Time
    # 0:00:15 -> 09:06:25. At 09:02:20: S1 S2 S3 S5 = 4; internal: S3 + S5 = 2.
    Fixture(
        "grandstream/cdr_export.csv",
        "grandstream",
        "UCM CDR export",
        {"read": 8, "used": 5, "merged_legs": 3},
        4,
        "2024-06-03T09:02:20+00:00",
        {"inbound": 1, "outbound": 1, "internal": 2},
    ),
    # Yeastar S-series cdr table (id 0 on every row; call id = uniqueid). datetime +
    # duration (from the start of the call). 1717408800.11: y1 Inbound 10:00:00 + 300 s
    # and its transferred part 10:03:00 + 240 s: one call [10:00, 10:07). y3 Outbound
    # 10:01:00 + 90 s; y4 Internal 10:02:00 + 30 s; y5 Inbound NO ANSWER 10:02:10 + 25 s;
    # y6 Outbound 10:06:00 + 120 s. At 10:02:10: call 1, y3, y4, y5 = 4; inbound 2.
    Fixture(
        "yeastar/cdr.csv",
        "yeastar",
        "S-series cdr table",
        {"read": 6, "used": 5, "merged_legs": 1},
        4,
        "2024-06-03T10:02:10+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # The same table dumped without a header (35 columns in the documented order).
    Fixture(
        "yeastar/cdr_dump.csv",
        "yeastar",
        "S-series cdr table without header",
        {"read": 6, "used": 5, "merged_legs": 1},
        4,
        "2024-06-03T10:02:10+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # 3CX CDR with header. callid 5001: h1 Line -> Queue 11:00:00-11:00:20 and h2 Line ->
    # Extension 11:00:20-11:05:00: one call (inbound). h3 Extension -> Line
    # 11:01:00-11:03:00 (outbound); h4 Extension -> Extension 11:02:00-11:02:30
    # (internal); h5 Line -> Queue never answered 11:02:10-11:02:40 (inbound); h6
    # Extension -> Line 11:04:00-11:08:00. At 11:02:10: 5001, h3, h4, h5 = 4; inbound 2.
    Fixture(
        "3cx/cdr.csv",
        "3cx",
        "CDR with header",
        {"read": 6, "used": 5, "merged_legs": 1},
        4,
        "2024-06-03T11:02:10+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # The same six segments as the CDR service writes them: no header, 27 fields in the
    # default order. Same count.
    Fixture(
        "3cx/cdr_service.log",
        "3cx",
        "default order, 27 fields",
        {"read": 6, "used": 5, "merged_legs": 1},
        4,
        "2024-06-03T11:02:10+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # Kamailio acc table, transaction mode: a call is its INVITE row and ends at the BYE
    # row with its callid. A: INVITE 10:00:00, re-INVITE 10:03:00 (a leg), BYE 10:05:00:
    # [10:00, 10:05) (0901234567 -> 1001: inbound). B: INVITE 10:01:00, BYE 10:02:00
    # (outbound). C: INVITE 486 Busy at 10:01:30, no BYE: ends at its reply, zero
    # length, never active (internal). D: INVITE 10:01:40, BYE 10:04:00 (internal). The
    # three BYE rows are not calls. At 10:01:40: A, B, D = 3.
    Fixture(
        "kamailio/acc.csv",
        "kamailio",
        "acc table",
        {"read": 8, "used": 4, "merged_legs": 1, "invalid": 3},
        3,
        "2024-06-03T10:01:40+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
        {"not_a_call": 3},
    ),
    # The same acc rows dumped without a header (tab-separated, SELECT ... INTO
    # OUTFILE) with the six columns the default kamailio.cfg adds. Same count.
    Fixture(
        "kamailio/acc_outfile.txt",
        "kamailio",
        "acc table without header, kamailio.cfg extra columns, 14 columns",
        {"read": 8, "used": 4, "merged_legs": 1, "invalid": 3},
        3,
        "2024-06-03T10:01:40+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
        {"not_a_call": 3},
    ),
    # OpenSIPS acc table in CDR mode (one row per call): from created for setuptime +
    # duration. cdr-1 10:00:00 + 5 + 295 -> 10:05:00; cdr-2 10:01:00 + 10 + 50 ->
    # 10:02:00; cdr-3 487 10:01:30 + 20 -> 10:01:50; cdr-4: a 503 attempt 10:01:35 + 5
    # and its retry 10:01:40 + 2 + 200 (same callid): one call [10:01:35, 10:05:02).
    # At 10:01:35: cdr-1, cdr-2, cdr-3, cdr-4 = 4 (no direction columns: other).
    Fixture(
        "kamailio/opensips_acc_cdr.csv",
        "kamailio",
        "acc table",
        {"read": 5, "used": 4, "merged_legs": 1},
        4,
        "2024-06-03T10:01:35+00:00",
        {"other": 4},
    ),
    # OpenSIPS Control Panel's cdrs table (INVITE time + seconds to the BYE). A
    # 10:00:00 + 300 s and a second dialog of the same Call-ID 10:03:00 + 120 s: one
    # call [10:00, 10:05) (0901234567 -> 1001: inbound); B 10:01:00 + 60 s (outbound);
    # D 10:01:40 + 140 s (internal). created is when the row was written, not used.
    # At 10:01:40: A, B, D = 3.
    Fixture(
        "kamailio/opensips_cp_cdrs.csv",
        "kamailio",
        "OpenSIPS-CP cdrs table",
        {"read": 4, "used": 3, "merged_legs": 1},
        3,
        "2024-06-03T10:01:40+00:00",
        {"inbound": 1, "outbound": 1, "internal": 1},
    ),
    # mod_cdr_pg_csv table export, stamps with +07 offsets (shown in UTC). f1 public
    # A-leg 12:00:00-12:10:00 names its answered B-leg f2 (12:00:01-12:10:00): one call.
    # f3 1001 -> 0123456789 12:01:00-12:01:30, NO_ANSWER (outbound); f4 1000 -> 1001
    # 12:01:10.25-12:05:00.25 (internal); f5 public 12:02:00-12:02:40, cancelled, and its
    # B-leg to 1002 f6 12:02:01-12:02:40: unanswered, so no bleg_uuid, counted apart.
    # At 12:02:01 (05:02:01Z): call 1, f4, f5, f6 = 4; inbound: call 1 + f5 = 2;
    # internal: f4 + f6 = 2.
    Fixture(
        "freeswitch_db/cdr_table.csv",
        "freeswitch_db",
        "mod_cdr_pg_csv cdr table",
        {"read": 6, "used": 5, "merged_legs": 1},
        4,
        "2024-05-01T05:02:01+00:00",
        {"inbound": 2, "outbound": 1, "internal": 2},
    ),
    # The same rows as a CSV spool file (headerless, quoted, the default schema's 18
    # columns). Same count.
    Fixture(
        "freeswitch_db/spool.csv",
        "freeswitch_db",
        "spool file",
        {"read": 6, "used": 5, "merged_legs": 1},
        4,
        "2024-05-01T05:02:01+00:00",
        {"inbound": 2, "outbound": 1, "internal": 2},
    ),
    # Teams PSTN call log, UTC. t1 user_in 09:00-09:10; t2 user_out 09:01-09:03; t3 and
    # t4 two dial-ins to conference C0NF-1 (conf_in) 09:02:00-09:30 and 09:02:30-09:20,
    # two PSTN calls; t5 user_out of 0 s at 09:02:30 (never active). At 09:02:30:
    # t1 t2 t3 t4 = 4; inbound 3.
    Fixture(
        "teams/pstn_calls.csv",
        "teams",
        "PSTN call log",
        {"read": 5, "used": 5},
        4,
        "2024-06-03T09:02:30+00:00",
        {"inbound": 3, "outbound": 1},
    ),
    # Zoom Phone call logs, UTC; one record per user leg, linked by call_id. 7001: L01
    # inbound to 1001 02:00:00-02:06:00 and L02 the queue member 1002 who did not answer
    # 02:00:05-02:00:25: one call. 7002 outbound 02:01:00-02:03:00. 7003: L04 and L05,
    # both ends of 1004 -> 1005 (number types 1, 1: internal) 02:02:00-02:02:40. 7004
    # inbound missed 02:02:10-02:02:30. At 02:02:10: 7001 7002 7003 7004 = 4.
    Fixture(
        "zoom/call_logs.csv",
        "zoom",
        "call logs",
        {"read": 6, "used": 4, "merged_legs": 2},
        4,
        "2024-06-03T02:02:10+00:00",
        {"inbound": 2, "outbound": 1, "internal": 1},
    ),
    # Only answer_time + billsec: g1 [10:00:10, +50 s), g2 [10:00:30, +60 s),
    # g3 [10:01:00, +10 s). At 10:00:30: g1 g2 = 2 (at 10:01 g1 ends as g3 starts).
    Fixture(
        "generic/answered_billsec.csv",
        "generic",
        "canonical names",
        {"read": 3, "used": 3},
        2,
        "2024-01-01T10:00:30+00:00",
        {"inbound": 1, "outbound": 1},
    ),
]
BUCKETS = ("used", "duplicates", "merged_legs", "plan_limit_rejected", "invalid")


def test_every_preset_has_a_fixture() -> None:
    assert {f.preset for f in FIXTURES} == set(PRESET_NAMES)
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()}
    assert on_disk == {f.path for f in FIXTURES}


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.path)
def test_fixture_peak_and_accounting_with_no_flags(runner: CliRunner, fx: Fixture) -> None:
    doc = run(runner, "peak", str(DATA / fx.path))
    rows = doc["rows"]
    assert sum(rows[b] for b in BUCKETS) == rows["read"]
    assert {k: v for k, v in rows.items() if k != "invalid_reasons" and v} == fx.rows
    assert {k: v for k, v in rows["invalid_reasons"].items() if v} == fx.reasons
    total = doc["peak"]
    assert (total["value"], total["at"]) == (fx.peak, fx.at)
    by_type = {t: p["value"] for t, p in doc["peak_by_type"].items() if p["value"]}
    assert by_type == fx.by_type


@pytest.mark.parametrize("fx", FIXTURES, ids=lambda f: f.path)
def test_inspect_names_the_preset_and_why(runner: CliRunner, fx: Fixture) -> None:
    doc = run(runner, "inspect", str(DATA / fx.path))
    (report,) = doc["files"]
    assert report["preset"] == fx.preset
    preset = report["preset_match"]
    assert fx.layout in preset["layout"]
    assert preset["chosen_by"] == ("default" if fx.preset == "generic" else "detected")
    assert preset["why"]
    for source in report["fields"].values():
        if fx.preset != "generic":
            assert source["why"] == f"preset {fx.preset}"


def test_analyze_and_inspect_tables_run_with_no_flags(runner: CliRunner) -> None:
    path = str(DATA / "asterisk" / "Master.csv")
    r = runner.invoke(app, ["inspect", path, "-q"])
    assert r.exit_code == 0, r.output
    assert "preset: asterisk (detected), cdr_csv Master.csv, 21 columns: headerless" in r.stdout
    assert "encoding cp1252" in r.stdout
    assert "linkedid" in r.stdout
    r = runner.invoke(app, ["analyze", path, "-q"])
    assert r.exit_code == 0, r.output


# --- rules, one by one ---------------------------------------------------------------------
def test_stringee_server_calls_are_configurable_as_otp(runner: CliRunner) -> None:
    # c4 (0,0) becomes OTP: outbound keeps c2 at T+40 (c6 later alone) = 1, otp = 1.
    doc = run(runner, "peak", str(DATA / "stringee/call_log.csv"), "--type-map", "otp=00")
    by_type = {t: p["value"] for t, p in doc["peak_by_type"].items() if p["value"]}
    assert by_type == {"inbound": 1, "outbound": 1, "app_to_app": 1, "otp": 1}
    assert doc["peak"]["value"] == 4


def test_stringee_answer_zero_means_not_answered() -> None:
    calls = load_calls([DATA / "stringee/call_log.csv"]).calls
    answers = dict(zip(calls["call_id"], calls["answer"], strict=True))
    assert answers["call-vn-1-c2"] is None
    assert answers["call-vn-1-c1"] is not None


def test_stringee_datetime_strings_are_local_time_and_tz_overrides() -> None:
    path = DATA / "stringee/call_log_datetime.csv"
    vietnam = load_calls([path])
    assert vietnam.tz == "Asia/Ho_Chi_Minh"
    # 09:01 in Ho Chi Minh is 02:01 UTC; d2's 1970 answer is outside its call: null.
    assert str(compute_peaks(vietnam).total.at) == "2024-03-01 02:01:00+00:00"
    assert vietnam.calls["answer"].null_count() == 1
    utc = load_calls([path], LoadOptions(tz="UTC"))
    assert str(compute_peaks(utc).total.at) == "2024-03-01 09:01:00+00:00"


def test_inspect_lists_the_call_type_values(runner: CliRunner) -> None:
    doc = run(runner, "inspect", str(DATA / "stringee/call_log.csv"))
    assert doc["files"][0]["preset_match"]["call_type_values"] == {
        "11": "app_to_app",
        "01": "inbound",
        "10": "outbound",
        "00": "outbound",
    }


def test_at_and_series_read_times_in_the_preset_zone(runner: CliRunner) -> None:
    # No --tz: a Stringee log is shown, and --time/--from read, in Asia/Ho_Chi_Minh.
    path = str(DATA / "stringee/call_log.csv")
    doc = run(runner, "at", path, "--time", "2023-11-15 05:14:00")
    assert doc["level"] == 4
    doc = run(runner, "series", path, "--every", "1m", "--from", "2023-11-15 05:13")
    assert doc["buckets"][0]["bucket_start"] == "2023-11-15T05:13:00+07:00"


def test_stringeex_statuses_are_named(runner: CliRunner) -> None:
    doc = run(runner, "inspect", str(DATA / "stringeex/call_history.csv"))
    statuses = {s["status"] for s in doc["statuses"]}
    assert statuses == {"connected", "missed", "ivr", "survey_ivr"}


def test_twilio_grandchild_legs_join_the_root_call() -> None:
    calls = load_calls([DATA / "twilio/calls.csv"]).calls
    groups = calls.group_by("leg_group").agg(pl.col("call_id").sort()).sort("leg_group")
    legs = [ids for ids in groups["call_id"].to_list() if len(ids) > 1]
    assert legs == [["CA01", "CA02", "CA07"]]


def test_twilio_missing_end_falls_back_to_date_updated(runner: CliRunner) -> None:
    doc = run(runner, "inspect", str(DATA / "twilio/calls.csv"))
    columns = doc["files"][0]["fields"]
    assert columns["start"]["column"] == "coalesce(start_time, date_created)"
    assert columns["end"]["column"] == "coalesce(end_time, date_updated)"
    calls = load_calls([DATA / "twilio/calls.csv"]).calls.filter(pl.col("call_id") == "CA04")
    assert str(calls["end"][0]) == "2024-03-05 10:03:00+00:00"


def test_flags_override_the_preset(runner: CliRunner) -> None:
    path = str(DATA / "twilio/calls.csv")
    doc = run(runner, "inspect", path, "--start-col", "date_created")
    start = doc["files"][0]["fields"]["start"]
    assert start == {
        "column": "date_created",
        "why": "set by --start-col",
        "encoding": start["encoding"],
    }
    # --group-col adds a link; the preset's parent link still applies (issue 12: links
    # combine), so the two child legs stay merged.
    doc = run(runner, "peak", path, "--group-col", "sid")
    assert doc["rows"]["merged_legs"] == 2


def test_asterisk_tz_and_type_rules_are_overridable(runner: CliRunner) -> None:
    path = str(DATA / "asterisk/Master.csv")
    doc = run(runner, "peak", path, "--tz", "Europe/Paris")
    # The naive 10:01:30 is Paris time: 09:01:30 UTC.
    assert doc["peak"]["at"] == "2023-11-15T10:01:30+01:00"
    doc = run(runner, "peak", path, "--type-map", "outbound=extension")
    by_type = {t: p["value"] for t, p in doc["peak_by_type"].items() if p["value"]}
    # r3 and r4 (10:01:30-10:02) now both outbound.
    assert by_type == {"inbound": 2, "outbound": 2}


def test_asterisk_utf8_encoding_keeps_every_row(runner: CliRunner) -> None:
    doc = run(runner, "inspect", str(DATA / "asterisk/Master.csv"), "--encoding", "utf-8")
    assert doc["files"][0]["encoding"] == "utf-8"
    assert doc["rows"]["read"] == 7
    r = runner.invoke(app, ["peak", str(DATA / "asterisk/Master.csv"), "--encoding", "nope"])
    assert r.exit_code == ExitCode.USAGE, r.output


def test_cucm_type_line_is_not_a_row_and_cmr_rows_are_not_calls() -> None:
    calls = load_calls([DATA / "cucm/cdr_StandAloneCluster_01_202311142213_1"])
    assert calls.accounting.read == 5
    assert calls.invalid["reason"].to_list() == ["not_a_call"]
    assert calls.invalid["column"].to_list() == ["cdrRecordType = 1 (CMR and other rows skipped)"]
    (report,) = calls.files
    assert report.preset is not None and "SQL types" in report.preset.why


def test_connect_parquet_reads_like_csv(tmp_path: Path) -> None:
    csv_path = DATA / "connect/contact_records.csv"
    parquet = tmp_path / "ctr.parquet"
    pl.read_csv(csv_path, infer_schema=False).write_parquet(parquet)
    calls = load_calls([parquet])
    assert calls.files[0].preset is not None
    assert calls.files[0].preset.preset == "connect"
    assert compute_peaks(calls).total.value == 3


def test_generic_answer_fallback_says_ring_time_is_lost() -> None:
    calls = load_calls([DATA / "generic/answered_billsec.csv"])
    assert any("ring time is lost" in n for n in calls.notes)


def test_grandstream_sessions_link_the_legs(runner: CliRunner) -> None:
    path = str(DATA / "grandstream/cdr_export.csv")
    doc = run(runner, "inspect", path)
    columns = doc["files"][0]["fields"]
    assert columns["group"]["column"] == "Session"
    assert columns["duration"]["column"] == "Call Time (H:MM:SS or seconds)"
    # Read as generic (no Session link, no Call Time): r3 and S4 have no end
    # (missing_end), and every other row is a call. At 09:02:20: r1, r2, S2, S3 and the
    # first half of S5 = 5, one more than the 4 calls there are.
    doc = run(runner, "peak", path, "--preset", "generic")
    assert doc["rows"]["merged_legs"] == 0
    assert doc["rows"]["invalid_reasons"]["missing_end"] == 2
    assert doc["peak"]["value"] == 5


def test_yeastar_call_id_is_uniqueid_not_the_zero_id(runner: CliRunner) -> None:
    doc = run(runner, "inspect", str(DATA / "yeastar/cdr.csv"))
    assert doc["files"][0]["fields"]["call_id"]["column"] == "uniqueid"
    calls = load_calls([DATA / "yeastar/cdr.csv"]).calls
    assert "0" not in calls["call_id"].to_list()


def test_freeswitch_maps_end_stamp_and_duration(runner: CliRunner) -> None:
    for path in ("freeswitch/Master.csv", "freeswitch_db/cdr_table.csv"):
        columns = run(runner, "inspect", str(DATA / path))["files"][0]["fields"]
        assert columns["end"]["column"] == "end_stamp (to the second)"
        assert columns["duration"]["column"] == "duration"
    # f4's stamps carry fractions of a second: the end is end_stamp, 12:05:00.25+07.
    calls = load_calls([DATA / "freeswitch_db/cdr_table.csv"]).calls
    ends = dict(zip(calls["call_id"], calls["end"], strict=True))
    assert str(ends["6f1c2a10-07a1-11ef-9a04-0242ac120002"]) == "2024-05-01 05:05:00.250000+00:00"


def test_kamailio_bye_rows_end_their_invite() -> None:
    calls = load_calls([DATA / "kamailio/acc.csv"]).calls.sort("source_row")
    spans = [
        (str(s.time()), str(e.time())) for s, e in zip(calls["start"], calls["end"], strict=True)
    ]
    assert spans == [
        ("10:00:00", "10:05:00"),
        ("10:01:00", "10:02:00"),
        ("10:01:30", "10:01:30"),
        ("10:01:40", "10:04:00"),
        ("10:03:00", "10:05:00"),
    ]


def test_asterisk_without_linkedid_says_fan_out_is_not_linked(runner: CliRunner) -> None:
    doc = run(runner, "peak", str(DATA / "asterisk/cdr_asterisk18.csv"))
    (note,) = doc["notes"]
    assert "no linkedid column (Asterisk 1.8 or older)" in note
    assert "ring-group fan-out" in note
    doc = run(runner, "peak", str(DATA / "asterisk/Master.csv"))
    assert not [n for n in doc["notes"] if "linkedid" in n]


# CUCM without its header and type lines: the same four records as the cucm fixture
# minus the CMR row. T = 22:13:20Z. Global call 1-1001: gateway -> phone [T, T+300) and
# phone -> phone [T+100, T+400), one call (inbound); 1-1002 phone -> trunk [T+50, T+70),
# never connected (outbound); 2-1001 CSF -> SEP [T+60, T+200) (internal). At T+60 = 3.
CUCM_HEADERLESS = {
    "cucm/cdr_headerless_10x": (123, "CUCM 10.x (123 fields)"),
    "cucm/cdr_headerless_11x_quoted": (129, "CUCM 11.x and later"),
}


def _requoted(path: Path, out: Path, *, quote: bool) -> Path:
    with path.open(newline="") as src:
        records = list(csv.reader(src))
    with out.open("w", newline="") as dst:
        style = csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL
        csv.writer(dst, quoting=style, lineterminator="\n").writerows(records)
    return out


@pytest.mark.parametrize("name", sorted(CUCM_HEADERLESS))
@pytest.mark.parametrize("quote", [False, True], ids=["unquoted", "quoted"])
def test_cucm_headerless_widths_quoted_or_not(
    runner: CliRunner, tmp_path: Path, name: str, quote: bool
) -> None:
    width, layout = CUCM_HEADERLESS[name]
    path = str(_requoted(DATA / name, tmp_path / "cdr_cluster_01", quote=quote))
    for flags in ((), ("--preset", "cucm")):
        doc = run(runner, "inspect", path, *flags)
        assert doc["files"][0]["preset"] == "cucm"
        preset = doc["files"][0]["preset_match"]
        assert layout in preset["layout"]
        assert preset["why"].startswith(f"headerless, {width} columns;")
        doc = run(runner, "peak", path, *flags)
        assert {k: v for k, v in doc["rows"].items() if k != "invalid_reasons" and v} == {
            "read": 4,
            "used": 3,
            "merged_legs": 1,
        }
        total = doc["peak"]
        assert (total["value"], total["at"]) == (3, "2023-11-14T22:14:20+00:00")


def test_wrong_preset_error_uses_an_before_a_vowel(runner: CliRunner) -> None:
    r = runner.invoke(app, ["peak", str(DATA / "twilio/calls.csv"), "--preset", "asterisk"])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert "does not look like an asterisk file (the header lacks" in r.stderr


# --- detection and overrides ---------------------------------------------------------------
def test_headerless_detection_reports_the_shapes(runner: CliRunner) -> None:
    doc = run(runner, "inspect", str(DATA / "freeswitch/Master.csv"))
    why = doc["files"][0]["preset_match"]["why"]
    assert why.startswith("headerless, 15 columns; start_stamp (column 5) a datetime")
    assert "uuid (column 11) a UUID" in why


def test_preset_generic_turns_detection_off(runner: CliRunner) -> None:
    path = str(DATA / "asterisk/Master.csv")
    flags = ["--preset", "generic", "--start-col", "column_10", "--end-col", "column_12"]
    doc = run(runner, "peak", path, *flags)
    assert doc["rows"]["merged_legs"] == 0
    # Every row is a call now: r1 r2 r5 overlap r3 and r4 at 10:01:30 = 5.
    assert doc["peak"]["value"] == 5
    doc = run(runner, "inspect", path, *flags)
    assert doc["files"][0]["preset"] == "generic"
    assert doc["files"][0]["preset_match"]["chosen_by"] == "--preset"


def test_preset_by_name_and_in_config(runner: CliRunner, tmp_path: Path) -> None:
    path = str(DATA / "twilio/calls.csv")
    doc = run(runner, "inspect", path, "--preset", "twilio")
    assert doc["files"][0]["preset_match"]["chosen_by"] == "--preset"
    config = tmp_path / "ccc.toml"
    config.write_text('preset = "generic"\n')
    doc = run(runner, "inspect", path, "--config", str(config))
    assert doc["files"][0]["preset"] == "generic"


def test_wrong_preset_is_a_clear_error(runner: CliRunner) -> None:
    r = runner.invoke(app, ["peak", str(DATA / "freeswitch/Master.csv"), "--preset", "cucm"])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert r.stderr.startswith("ccc: error: ")
    assert "does not look like a cucm file (headerless, 15 columns)" in r.stderr
    r = runner.invoke(app, ["peak", str(DATA / "twilio/calls.csv"), "--preset", "stringee"])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    assert "does not look like a stringee file (the header lacks stop_time, from_internal" in (
        r.stderr
    )


def test_unknown_preset_name_is_a_usage_error(runner: CliRunner) -> None:
    r = runner.invoke(app, ["peak", str(DATA / "twilio/calls.csv"), "--preset", "avaya"])
    assert r.exit_code == ExitCode.USAGE, r.output
    assert r.stderr.splitlines()[0] == "ccc: error: unknown preset 'avaya'"
    with pytest.raises(UsageError):
        LoadOptions(preset="avaya")


def test_unknown_headerless_file_lists_presets_and_flags(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("990000001,Khach hang 01,2019-07-22 16:44:37,ANSWERED,2019-07-22 16:46:02\n")
    r = runner.invoke(app, ["peak", str(path)])
    assert r.exit_code == ExitCode.BAD_INPUT, r.output
    error, hint = r.stderr.splitlines()
    assert error.startswith(f"ccc: error: {path}: no start-time column found and no preset")
    assert all(name in hint for name in PRESET_NAMES)
    assert "--start-col" in hint and "column_N" in hint
    # Named by hand, the same file reads fine.
    doc = run(runner, "peak", str(path), "--start-col", "column_3", "--end-col", "column_5")
    assert doc["rows"]["used"] == 1


def test_ambiguous_header_needs_preset(runner: CliRunner, tmp_path: Path) -> None:
    # Twilio's three required names and the Asterisk export's three: a tie.
    path = tmp_path / "both.csv"
    path.write_text(
        "sid,parent_call_sid,direction,calldate,duration,billsec\n"
        "CA1,,inbound,2024-01-01 10:00:00,60,50\n"
    )
    with pytest.raises(InputError, match="fit both twilio and asterisk equally well"):
        load_calls([path])
    r = runner.invoke(app, ["peak", str(path)])
    assert r.exit_code == ExitCode.BAD_INPUT
    assert r.stderr.splitlines()[1] == "hint: pass --preset twilio (or asterisk)"
    doc = run(runner, "peak", str(path), "--preset", "asterisk")
    assert doc["rows"]["used"] == 1


def test_canonical_files_stay_generic() -> None:
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    for path in sorted(sample.glob("*.csv")):
        report = load_calls([path]).files[0]
        assert report.preset is not None and report.preset.preset == "generic", path


def test_the_preset_option_help_names_every_preset() -> None:
    from ccc_cli.cli.input_options import INPUT_OPTIONS
    from ccc_cli.normalize.presets import PRESET_NAMES

    (option,) = [o for o in INPUT_OPTIONS if o.name == "preset"]
    words = set(option.help.replace(",", " ").replace(".", " ").split())
    assert set(PRESET_NAMES) <= words
