"""STIX 2.0 and 2.1 bundles: indicators, the malware they indicate, and what cannot be matched.

Bundles are decoded with msgspec into just the fields spytrace reads, which is several times
faster and smaller than building every object as a dict; a bundle whose objects do not fit
those types (a name that is a list, say) is read again generically, object by object.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from spytrace.errors import FeedError
from spytrace.iocs.raw import FeedContent, RawIndicator, Unsupported
from spytrace.iocs.stix_pattern import SIMPLE_PATTERN, PatternError, parse_pattern

_NAMED_TYPES = ("malware", "tool", "intrusion-set", "threat-actor")


class _Object(msgspec.Struct):
    type: str = ""
    id: str = ""
    name: str | None = None
    pattern: str | None = None
    pattern_type: str | None = None
    relationship_type: str | None = None
    source_ref: str | None = None
    target_ref: str | None = None
    object_refs: list[str] | None = None


class _Bundle(msgspec.Struct):
    type: str = ""
    objects: list[_Object] = []


def looks_like_stix(data: bytes) -> bool:
    head = data[:4096].lstrip()
    return head.startswith((b"{", b"[")) and (b'"bundle"' in head or b'"indicator"' in head)


def read_stix(name: str, data: bytes, default_malware: str) -> FeedContent:
    """Indicators of a bundle. One bad indicator costs that indicator, never the file."""
    try:
        objects: list[_Object] = msgspec.json.decode(data, type=_Bundle).objects
    except msgspec.ValidationError:
        objects = _tolerant_objects(name, data)
    except msgspec.DecodeError as exc:
        raise FeedError(f"{name}: not valid JSON ({exc})") from exc
    if not objects and not data.lstrip().startswith(b"{"):
        objects = _tolerant_objects(name, data)
    return _indicators(objects, default_malware)


def _indicators(objects: list[_Object], default_malware: str) -> FeedContent:
    names = {o.id: o.name or o.id for o in objects if o.type in _NAMED_TYPES and o.id}
    # Indicator id -> malware name; several names (rare) joined once they are all known.
    indicated: dict[str, str] = {}
    several: dict[str, set[str]] = {}
    for rel in objects:
        if rel.relationship_type == "indicates" and rel.type == "relationship":
            target = names.get(rel.target_ref or "")
            if target:
                source = rel.source_ref or ""
                known = indicated.setdefault(source, target)
                if known != target:
                    several.setdefault(source, {known}).add(target)
    for source, targets in several.items():
        indicated[source] = ", ".join(sorted(targets))
    # A `report` lists what it covers in object_refs: its name stands for an indicator that
    # no `indicates` relationship ties to a malware.
    for report in objects:
        if report.type == "report" and report.name and report.object_refs:
            for ref in report.object_refs:
                if ref.startswith("indicator--"):
                    indicated.setdefault(ref, report.name)
    malware_only = [n for i, n in names.items() if i.startswith("malware--")]
    fallback = malware_only[0] if len(malware_only) == 1 else default_malware

    found: list[RawIndicator] = []
    unsupported: list[Unsupported] = []
    for obj in objects:
        if obj.type != "indicator":
            continue
        pattern = obj.pattern
        if not pattern:
            unsupported.append(Unsupported(obj.id or "?", "indicator without a pattern"))
            continue
        if obj.pattern_type not in (None, "stix"):
            unsupported.append(Unsupported(pattern, f"pattern type {obj.pattern_type} is not STIX"))
            continue
        malware = indicated.get(obj.id, fallback)
        simple = SIMPLE_PATTERN.match(pattern)
        if simple and "\\" not in pattern:  # nearly every real indicator
            path, value = simple.group(1), simple.group(2)
            # Keep the text only where it is not exactly `[path='value']`.
            kept = None if len(pattern) == len(path) + len(value) + 5 else pattern
            found.append(RawIndicator(path, value, malware, kept))
            continue
        try:
            comparisons = parse_pattern(pattern)
        except PatternError as exc:
            unsupported.append(Unsupported(pattern, str(exc)))
            continue
        found.extend(RawIndicator(c.path, c.value, malware, pattern) for c in comparisons)
    return FeedContent(found, unsupported)


def _tolerant_objects(name: str, data: bytes) -> list[_Object]:
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise FeedError(f"{name}: not valid JSON ({exc})") from exc
    if isinstance(document, dict):
        if document.get("type") == "indicator":
            items: Iterable[Any] = [document]
        elif document.get("type") == "bundle" or "objects" in document:
            items = document.get("objects") or []
        else:
            raise FeedError(f"{name}: JSON but not a STIX bundle")
    elif isinstance(document, list):
        items = document
    else:
        raise FeedError(f"{name}: JSON but not a STIX bundle")
    return [_object(item) for item in items if isinstance(item, dict)]


def _object(item: dict[str, Any]) -> _Object:
    def text(key: str) -> str | None:
        value = item.get(key)
        return value if isinstance(value, str) else None

    refs = item.get("object_refs")
    return _Object(
        type=text("type") or "",
        id=text("id") or "",
        name=text("name"),
        pattern=text("pattern"),
        pattern_type=text("pattern_type"),
        relationship_type=text("relationship_type"),
        source_ref=text("source_ref"),
        target_ref=text("target_ref"),
        object_refs=[r for r in refs if isinstance(r, str)] if isinstance(refs, list) else None,
    )
