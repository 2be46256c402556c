"""Moved to spytrace.testkit; kept while other work still imports it here."""

from spytrace.testkit.records import *  # noqa: F403
