"""Logical-path patterns: `*` stays within one folder, `**` crosses folders."""

from __future__ import annotations

import re
from collections.abc import Iterable


def is_pattern(text: str) -> bool:
    return any(c in text for c in "*?[")


def compile_globs(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regular expression matching any of the patterns, case-sensitively."""
    return re.compile("|".join(f"(?:{_translate(p)})" for p in patterns) or "(?!)")


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out) + r"\Z"
