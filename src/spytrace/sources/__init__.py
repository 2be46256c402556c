"""Acquisition formats: each opens one kind of input and hands out files by logical path."""
