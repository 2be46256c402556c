"""Synthetic STIX 2.1 bundles of N domain indicators, to measure indicator loading.

The shape is the one real feeds use (Amnesty's, mvt-indicators'): one ``malware``
object, one ``indicator`` per value with a ``[domain-name:value = '...']`` pattern,
and one ``indicates`` relationship from each indicator to the malware. Output is
deterministic (ids are UUIDv5 of the value), so two runs load identical bytes.

    python -m bench.stix_bundle 10000 out.stix2
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

_NAMESPACE = uuid.UUID("6f1c1b8e-5d0a-4c1e-9a43-2a1d6f0b7c11")
_CREATED = "2024-01-01T00:00:00.000Z"


def domain(i: int) -> str:
    """The i-th synthetic domain: distinct, valid, under a real public suffix."""
    return f"bench-{i:07d}.example.com"


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, f'{kind}:{key}')}"


def domain_bundle(n: int, name: str = "Synthetic Malware") -> dict[str, Any]:
    """A STIX 2.1 bundle: one malware, ``n`` domain indicators, ``n`` relationships."""
    malware_id = _id("malware", name)
    objects: list[dict[str, Any]] = [
        {
            "type": "malware",
            "spec_version": "2.1",
            "id": malware_id,
            "created": _CREATED,
            "modified": _CREATED,
            "name": name,
            "description": f"{n} synthetic domain indicators for benchmarks",
            "is_family": False,
        }
    ]
    relationships: list[dict[str, Any]] = []
    for i in range(n):
        value = domain(i)
        indicator_id = _id("indicator", value)
        objects.append(
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": indicator_id,
                "created": _CREATED,
                "modified": _CREATED,
                "indicator_types": ["malicious-activity"],
                "pattern": f"[domain-name:value = '{value}']",
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": _CREATED,
            }
        )
        relationships.append(
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": _id("relationship", value),
                "created": _CREATED,
                "modified": _CREATED,
                "relationship_type": "indicates",
                "source_ref": indicator_id,
                "target_ref": malware_id,
            }
        )
    bundle_id = _id("bundle", f"{name}:{n}")
    return {"type": "bundle", "id": bundle_id, "objects": objects + relationships}


def write_domain_bundle(path: Path, n: int) -> Path:
    """Write ``domain_bundle(n)`` to ``path`` (compact JSON) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(domain_bundle(n), separators=(",", ":")), encoding="utf-8")
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m bench.stix_bundle N OUT.stix2")
    write_domain_bundle(Path(sys.argv[2]), int(sys.argv[1]))
