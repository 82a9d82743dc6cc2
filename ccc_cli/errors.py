"""One error hierarchy; the CLI maps each class to a documented exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (documented in the README)."""

    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    BAD_INPUT = 3
    INTERNAL = 70
    INTERRUPTED = 130
    TERMINATED = 143


class CccError(Exception):
    """Base class of every error ccc reports to the user.

    ``message`` is one lowercase line; ``hint`` says what to do about it.
    """

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} (hint: {self.hint})"


class UsageError(CccError):
    """A flag or option value is wrong (unknown time zone, bad --type-map, ...)."""

    exit_code = ExitCode.USAGE


class InputError(CccError):
    """The input cannot be used: missing or unreadable file, missing column, bad config,
    or invalid rows under ``--strict``."""

    exit_code = ExitCode.BAD_INPUT


class OutputError(CccError):
    """An output file cannot be written: its directory is missing or read-only, the path
    is a directory, or writing failed (disk full, no permission, ...). Exits 3, like
    bad input: the run cannot go on with what it was given."""

    exit_code = ExitCode.BAD_INPUT


class CheckFailed(CccError):
    """A requested check failed (a ``--fail-on-*`` condition)."""

    exit_code = ExitCode.CHECK_FAILED
