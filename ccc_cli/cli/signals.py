"""SIGTERM handled like Ctrl-C: it raises :class:`Terminated` in the main thread, which
unwinds through the same ``finally``/``except BaseException`` blocks as a
``KeyboardInterrupt`` (temporary output files are removed), and the funnel turns it
into ``ccc: terminated`` and exit 143 (128 + 15, what a shell reports for SIGTERM).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from ccc_cli.errors import ExitCode


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM).

    A ``KeyboardInterrupt`` so that every cleanup path written for Ctrl-C, and no
    ``except Exception``, also sees it.
    """

    exit_code = ExitCode.TERMINATED


def _terminate(signum: int, frame: FrameType | None) -> None:
    # Once only: a second SIGTERM during the cleanup kills the process the default way,
    # so a stuck cleanup cannot keep it alive.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated


def install_signal_handlers() -> None:
    """Raise :class:`Terminated` on SIGTERM (the CLI entry point calls this; the
    library leaves signals alone)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
