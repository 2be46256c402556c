"""docs/catalog.md from the catalog itself, so the documented list cannot drift from the code."""

from __future__ import annotations

import importlib

from spytrace import catalog
from spytrace.sources.registry import OPENERS


def _summary(module_name: str) -> str:
    doc = (importlib.import_module(module_name).__doc__ or "").strip()
    return " ".join(doc.split("\n\n", 1)[0].split())


def render() -> str:
    lines = [
        "# What spytrace reads and checks",
        "",
        "Generated from `src/spytrace/catalog.py` by `python -m spytrace.catalog_doc`; "
        "`tests/test_catalog.py` fails when it is out of date.",
        "",
        "## Acquisitions",
        "",
        *(f"- `{kind}`" for kind in OPENERS),
    ]
    for title, artifacts in (("iOS artifacts", catalog.IOS_ARTIFACTS),
                             ("Android artifacts", catalog.ANDROID_ARTIFACTS)):  # fmt: skip
        lines += ["", f"## {title}", "", "| artifact | what it holds |", "|---|---|"]
        lines += [f"| `{a.name}` | {_summary(a.parse.__module__)} |" for a in artifacts]
    lines += ["", "## Heuristic checks", "", "| check | reads | what it flags |", "|---|---|---|"]
    lines += [
        f"| `{c.name}` | {', '.join(c.reads)} | {_summary(c.run.__module__)} |"
        for c in catalog.CHECKS
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    target = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"
    target.write_text(render())
    print(f"wrote {target}")
