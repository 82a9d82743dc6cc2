"""Plan limits: one limit for the whole data set, or one per customer account."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ccc_cli.errors import InputError, UsageError


@dataclass(frozen=True, slots=True)
class Limits:
    """``total``: one limit on all calls together (``--limit N``); or ``per_account``
    limits with an optional ``default`` for accounts not listed (``--limits FILE``).
    An account with no limit and no default is not limited."""

    total: int | None = None
    per_account: Mapping[str, int] = field(default_factory=dict)
    default: int | None = None

    def __post_init__(self) -> None:
        values = [self.total, self.default, *self.per_account.values()]
        if any(v is not None and v < 1 for v in values):
            raise UsageError("limits must be positive whole numbers")

    @property
    def by_account(self) -> bool:
        """Whether limits apply per account (else to the total)."""
        return self.total is None

    def for_account(self, account: str) -> int | None:
        return self.per_account.get(account, self.default)

    def describe(self) -> str:
        if self.total is not None:
            return f"limit {self.total}"
        listed = ", ".join(f"{a}={n}" for a, n in sorted(self.per_account.items()))
        default = f"; default {self.default}" if self.default is not None else ""
        return f"per-account limits ({listed}{default})"


def _positive(value: object, where: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"{where}: limit {value!r} is not a whole number") from None
    if number < 1 or str(value).strip() != str(number):
        raise InputError(f"{where}: limit {value!r} must be a positive whole number")
    return number


def read_limits(path: Path) -> Limits:
    """``--limits FILE``: a CSV with ``account_id,limit`` rows (a row ``default,N`` sets
    the default), or a TOML file ``default = 10`` with an ``[accounts]`` table
    (``"acc-1" = 20``)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"limits file {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read limits file {path}: {exc}") from None
    if path.suffix.lower() == ".toml":
        return _from_toml(text, path)
    return _from_csv(text, path)


def _from_toml(text: str, path: Path) -> Limits:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"bad limits file {path}: {exc}") from None
    unknown = set(data) - {"default", "accounts"}
    if unknown:
        raise InputError(
            f"bad limits file {path}: unknown key {sorted(unknown)[0]!r}",
            hint='write default = N and an [accounts] table of "account" = N',
        )
    accounts = data.get("accounts", {})
    if not isinstance(accounts, dict):
        raise InputError(f"bad limits file {path}: [accounts] must be a table")
    default = data.get("default")
    return Limits(
        per_account={str(a): _positive(n, f"{path}, account {a!r}") for a, n in accounts.items()},
        default=None if default is None else _positive(default, f"{path}, default"),
    )


def _from_csv(text: str, path: Path) -> Limits:
    rows = [r for r in csv.reader(text.splitlines()) if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"limits file {path} is empty", hint="write account_id,limit rows")
    header = [c.strip().lower() for c in rows[0]][:2]
    first_row = 1
    if header in (["account_id", "limit"], ["account", "limit"]):
        rows, first_row = rows[1:], 2
    per_account: dict[str, int] = {}
    default: int | None = None
    for number, row in enumerate(rows, start=first_row):
        where = f"{path}, row {number}"
        if len(row) < 2:
            raise InputError(f"{where}: expected account_id,limit", hint="e.g. acc-1,20")
        account, value = row[0].strip(), row[1]
        if account.lower() == "default":
            default = _positive(value, where)
        elif account in per_account:
            raise InputError(f"{where}: account {account!r} listed twice")
        else:
            per_account[account] = _positive(value, where)
    return Limits(per_account=per_account, default=default)
