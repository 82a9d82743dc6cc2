"""Built-in presets: how each vendor's CDR export maps onto the canonical fields.

This package is the one place that spells vendor column names (canonical names live in
``ccc_cli.schema``). ``base`` says what a preset is made of; each other module holds one
vendor's presets, with the facts from its documentation (see
``shared/docs/cdr-formats.md``). This module is the registry: detection tries every
preset in ``PRESETS``; ``PRESET_NAMES`` is what ``--preset`` accepts.
"""

from __future__ import annotations

from typing import Final

from ccc_cli.normalize.presets.asterisk import ASTERISK
from ccc_cli.normalize.presets.base import (
    AUTO,
    GENERIC,
    VIETNAM_TZ,
    Columns,
    Derivation,
    FieldRule,
    Layout,
    Preset,
    RowFilter,
    coalesce,
    header_key,
    pick,
)
from ccc_cli.normalize.presets.connect import CONNECT
from ccc_cli.normalize.presets.cucm import CUCM
from ccc_cli.normalize.presets.freeswitch import FREESWITCH, FREESWITCH_DB
from ccc_cli.normalize.presets.generic import GENERIC_PRESET
from ccc_cli.normalize.presets.grandstream import GRANDSTREAM
from ccc_cli.normalize.presets.kamailio import KAMAILIO
from ccc_cli.normalize.presets.stringee import STRINGEE, STRINGEEX, STRINGEEX_VI
from ccc_cli.normalize.presets.teams import TEAMS
from ccc_cli.normalize.presets.threecx import THREECX
from ccc_cli.normalize.presets.twilio import TWILIO
from ccc_cli.normalize.presets.yeastar import YEASTAR
from ccc_cli.normalize.presets.zoom import ZOOM

PRESETS: Final[dict[str, Preset]] = {
    p.name: p
    for p in (
        STRINGEE,
        STRINGEEX,
        STRINGEEX_VI,
        TWILIO,
        ASTERISK,
        FREESWITCH,
        FREESWITCH_DB,
        CUCM,
        CONNECT,
        GRANDSTREAM,
        YEASTAR,
        THREECX,
        KAMAILIO,
        TEAMS,
        ZOOM,
        GENERIC_PRESET,
    )
}
PRESET_NAMES: Final[tuple[str, ...]] = tuple(PRESETS)

__all__ = [
    "AUTO",
    "GENERIC",
    "PRESETS",
    "PRESET_NAMES",
    "VIETNAM_TZ",
    "Columns",
    "Derivation",
    "FieldRule",
    "Layout",
    "Preset",
    "RowFilter",
    "coalesce",
    "header_key",
    "pick",
]
