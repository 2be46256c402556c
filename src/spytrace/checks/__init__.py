"""Heuristics: pure functions from records to findings, one module per check.

A check declares which artifacts it reads (`Check.reads`); it never opens files, reads
configuration or touches the network, so it can be tested with records alone.
"""
