"""Moved to spytrace.testkit; kept while other work still imports it here."""

from spytrace.testkit.sqlite import *  # noqa: F403
