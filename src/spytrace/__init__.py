"""spytrace: find mercenary spyware traces on phones and carry misuse reports to remedy."""

__version__ = "0.1.0"
