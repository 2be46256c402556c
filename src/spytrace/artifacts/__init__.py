"""Artifact parsers: one module per kind of evidence file; they describe, never judge."""
