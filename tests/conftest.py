"""Shared test settings: property tests are derandomized so that CI runs the same examples every time."""

from hypothesis import settings

settings.register_profile("tco", derandomize=True, deadline=None)
settings.load_profile("tco")
