"""Moved to spytrace.testkit; kept while other work still imports it here."""

from spytrace.testkit.ios_system import *  # noqa: F403
