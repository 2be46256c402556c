"""Moved to spytrace.testkit; kept while other work still imports it here."""

from spytrace.testkit.ios_browsers import *  # noqa: F403
