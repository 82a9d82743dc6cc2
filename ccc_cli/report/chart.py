"""A terminal bar chart of concurrency over time, as a Rich renderable.

Each column shows the *maximum* of the buckets it covers (a peak is never averaged away);
bars use eighth-block characters for resolution, and a limit is drawn as a red rule
across the columns that stay below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

_BLOCKS = " ▁▂▃▄▅▆▇█"


class ConcurrencyChart:
    """Max concurrency per column over time, with an optional limit line."""

    def __init__(
        self,
        times: Sequence[datetime],
        values: Sequence[int],
        *,
        title: str,
        limit: int | None = None,
        height: int = 10,
        max_width: int | None = None,
        time_format: str = "%Y-%m-%d %H:%M",
    ) -> None:
        self.times = list(times)
        self.values = list(values)
        self.title = title
        self.limit = limit
        self.height = height
        self.time_format = time_format
        self.max_width = max_width

    def _columns(self, width: int) -> list[int]:
        n = len(self.values)
        if n <= width:
            return self.values
        # Column i covers buckets [i*n/width, (i+1)*n/width): the max of them.
        return [
            max(self.values[i * n // width : max((i + 1) * n // width, i * n // width + 1)])
            for i in range(width)
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(self.title, style="bold")
        if not self.values:
            yield Text("(no data)")
            return
        top = max(max(self.values), self.limit or 0, 1)
        label_width = len(str(top)) + 1
        tail = 0 if self.limit is None else len(f" limit {self.limit}")
        room = (
            options.max_width if self.max_width is None else min(options.max_width, self.max_width)
        )
        width = max(min(room - label_width - 1 - tail, 200), 10)
        cols = self._columns(width)
        eighths = [round(v / top * self.height * 8) for v in cols]
        # The limit sits on the row whose band holds it (row r covers (r/h, (r+1)/h] of top).
        limit_row = (
            None
            if self.limit is None
            else min(max(-(-self.limit * self.height // top) - 1, 0), self.height - 1)
        )
        for row in range(self.height - 1, -1, -1):
            line = Text()
            label = ""
            if row == self.height - 1:
                label = str(top)
            elif row == 0:
                label = "0"
            line.append(label.rjust(label_width) + "│", style="dim")
            for e in eighths:
                fill = min(max(e - row * 8, 0), 8)
                if fill == 0 and limit_row is not None and row == limit_row:
                    line.append("─", style="red")
                else:
                    over = limit_row is not None and row > limit_row and fill
                    line.append(_BLOCKS[fill], style="red" if over else "cyan")
            if limit_row is not None and row == limit_row:
                line.append(f" limit {self.limit}", style="red")
            yield line
        axis = " " * label_width + "└" + "─" * len(cols)
        yield Text(axis, style="dim")
        left = self.times[0].strftime(self.time_format)
        right = self.times[-1].strftime(self.time_format)
        gap = max(len(cols) - len(left) - len(right), 1)
        yield Text(" " * (label_width + 1) + left + " " * gap + right, style="dim")
