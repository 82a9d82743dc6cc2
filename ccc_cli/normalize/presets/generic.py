"""The canonical column names and their aliases (``ccc_cli.schema``): what a file no
preset fits is read with.
"""

from __future__ import annotations

from ccc_cli.normalize.presets.base import GENERIC, Preset

GENERIC_PRESET = Preset(
    name=GENERIC,
    title="canonical column names and their aliases",
    layouts=(),
    fields={},
)
