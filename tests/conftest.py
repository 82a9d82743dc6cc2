"""Shared pytest configuration: Hypothesis profiles.

Select one with ``HYPOTHESIS_PROFILE=ci|dev``; CI (``CI=true``) gets ``ci`` by default.
No example database in either (failures are not replayed from a folder in the tree);
a failure prints its ``@reproduce_failure`` blob instead.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    database=None,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", database=None, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
