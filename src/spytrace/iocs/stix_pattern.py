"""The part of the STIX 2 patterning language that indicator feeds use, read tolerantly.

Supported: one or more `[object:path = 'value']` comparisons joined by OR — inside one
observation expression or across several — and `IN ('a', 'b')`, which is the same thing.
Values may hold `=`, spaces and escaped quotes (`\\'`, `\\\\`). Object paths may quote a part
(`file:hashes.'SHA-256'`). Anything that needs more than one value to be true at once (AND,
FOLLOWEDBY, qualifiers, other operators) cannot be decided from one observable, so it is
reported as unsupported with the reason rather than half-matched.

A hand-written reader rather than OASIS's ANTLR grammar: feeds hold up to millions of
patterns and the ANTLR runtime parses a few thousand a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SIMPLE_PATTERN = re.compile(r"\[\s*([a-z0-9-]+:[A-Za-z0-9_.\-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\s*\]\Z")
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>'(?:[^'\\]|\\.)*')
    | (?P<path>[a-z0-9-]+:(?:[A-Za-z0-9_\-]+|'(?:[^'\\]|\\.)*'|\.|\[(?:\d+|\*)\])+)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<punct>[\[\](),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>\S+)
    )""",
    re.VERBOSE,
)


class PatternError(ValueError):
    """The pattern is outside what spytrace can match; the message says why."""


@dataclass(frozen=True, slots=True)
class Comparison:
    path: str  # object path with quotes removed from parts: file:hashes.SHA-256
    value: str


def parse_pattern(pattern: str) -> list[Comparison]:
    """Comparisons any one of which makes the pattern true."""
    text = pattern.strip()
    simple = SIMPLE_PATTERN.match(text)
    if simple:  # nearly every real indicator; skip the tokenizer
        return [Comparison(simple.group(1), _unescape(simple.group(2)))]
    return _Reader(_tokens(text)).pattern()


def _unescape(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted) if "\\" in quoted else quoted


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            break
        kind = match.lastgroup or "other"
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    if text[pos:].strip():
        raise PatternError(f"cannot read pattern near {text[pos : pos + 20]!r}")
    return tokens


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, kind: str, text: str | None = None) -> str:
        got_kind, got = self.peek()
        if got_kind != kind or (text is not None and got.upper() != text):
            raise PatternError(f"expected {text or kind}, found {got or 'the end'!r}")
        self.pos += 1
        return got

    def keyword(self) -> str:
        kind, text = self.peek()
        return text.upper() if kind == "word" else ""

    def pattern(self) -> list[Comparison]:
        found = self.observation()
        while self.keyword() == "OR":
            self.pos += 1
            found += self.observation()
        if self.keyword() in ("AND", "FOLLOWEDBY"):
            raise PatternError(f"{self.keyword()} between observations needs several observables")
        if self.peek()[0] != "end":
            raise PatternError(f"unexpected {self.peek()[1]!r} after the pattern")
        return found

    def observation(self) -> list[Comparison]:
        if self.peek() == ("punct", "("):
            self.pos += 1
            found = self.observation()
            while self.keyword() == "OR":
                self.pos += 1
                found += self.observation()
            self.take("punct", ")")
        else:
            self.take("punct", "[")
            found = self.disjunction()
            self.take("punct", "]")
        if self.keyword() in ("WITHIN", "REPEATS", "START"):
            raise PatternError(f"qualifier {self.keyword()} is not supported")
        return found

    def disjunction(self) -> list[Comparison]:
        found = self.comparison()
        while self.keyword() == "OR":
            self.pos += 1
            found += self.comparison()
        if self.keyword() == "AND":
            raise PatternError("AND needs several values at once")
        return found

    def comparison(self) -> list[Comparison]:
        if self.peek() == ("punct", "("):
            self.pos += 1
            found = self.disjunction()
            self.take("punct", ")")
            return found
        if self.keyword() == "NOT":
            raise PatternError("NOT is not supported")
        path = _plain_path(self.take("path"))
        kind, op = self.peek()
        if kind == "op" and op == "=":
            self.pos += 1
            return [Comparison(path, _unescape(self.take("string")[1:-1]))]
        if self.keyword() == "IN":
            self.pos += 1
            self.take("punct", "(")
            values = [Comparison(path, _unescape(self.take("string")[1:-1]))]
            while self.peek() == ("punct", ","):
                self.pos += 1
                values.append(Comparison(path, _unescape(self.take("string")[1:-1])))
            self.take("punct", ")")
            return values
        raise PatternError(f"operator {op or self.keyword() or 'missing'} is not supported")


def _plain_path(path: str) -> str:
    return re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: _unescape(m.group(1)), path)
