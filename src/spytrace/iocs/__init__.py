"""Indicator feeds: readers for each published format, the index, and feed updates."""
