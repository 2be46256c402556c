#!/usr/bin/env python3
"""Rebuild src/spytrace/data/ios_releases.json from the ipsw.me API.

Run by a maintainer, by hand, now and then; never during a scan or a test (spytrace works
offline). For a handful of devices that together span iOS 14 to today's releases it reads
https://api.ipsw.me/v4/device/<identifier>?type=ipsw and ?type=ota (version, buildid,
releasedate), groups builds by version, and merges the result into the existing table:
entries the API no longer lists (rapid security responses, pulled builds) and dates it
lacks are kept. A version only iPads received is marked "platform": "iPadOS".

    python scripts/refresh_ios_releases.py            # rewrite the table in place
    python scripts/refresh_ios_releases.py --dry-run  # print it instead
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TABLE = Path(__file__).resolve().parents[1] / "src/spytrace/data/ios_releases.json"
API = "https://api.ipsw.me/v4/device/{identifier}?type={kind}"
OLDEST_MAJOR = 14
# One device per support window: iPhone 6s (iOS 14-15), X (-16), XS (-18), 11 (-26),
# 12 mini (its own 14.x builds), 15 Pro, 16 Pro, 17 Pro; iPads 6th gen (iPad-only late
# iOS 17), 9th gen, iPad Pro M4.
DEVICES = (
    "iPhone8,1",
    "iPhone10,3",
    "iPhone11,2",
    "iPhone12,1",
    "iPhone13,1",
    "iPhone16,1",
    "iPhone17,1",
    "iPhone18,1",
    "iPad7,5",
    "iPad12,1",
    "iPad16,3",
)
PAUSE_SECONDS = 1.0


def fetch(identifier: str, kind: str) -> list[dict[str, Any]]:
    url = API.format(identifier=identifier, kind=kind)
    request = urllib.request.Request(url, headers={"User-Agent": "spytrace-refresh/1"})  # noqa: S310
    # A fixed https URL: no file: or other schemes can reach urlopen.
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        data = json.load(response)
    firmwares = data.get("firmwares", []) if isinstance(data, dict) else []
    return [f for f in firmwares if isinstance(f, dict)]


def collect(devices: Iterable[str]) -> list[dict[str, Any]]:
    """Every firmware of every device, tagged with the device identifier."""
    found: list[dict[str, Any]] = []
    for identifier in devices:
        for kind in ("ipsw", "ota"):
            try:
                firmwares = fetch(identifier, kind)
            except OSError as exc:
                print(f"warning: {identifier} {kind}: {exc}", file=sys.stderr)
                continue
            found.extend({**f, "identifier": identifier} for f in firmwares)
            time.sleep(PAUSE_SECONDS)
    return found


def releases_from(firmwares: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """version -> {builds, released, platform} from ipsw.me firmware entries."""
    by_version: dict[str, dict[str, Any]] = {}
    for firmware in firmwares:
        version, build = firmware.get("version"), firmware.get("buildid")
        if not isinstance(version, str) or not isinstance(build, str) or "beta" in version:
            continue
        major = version.split(".")[0]
        if not major.isdigit() or int(major) < OLDEST_MAJOR or _is_beta_build(build):
            continue
        entry = by_version.setdefault(version, {"builds": [], "released": None, "kinds": set()})
        if build not in entry["builds"]:
            entry["builds"].append(build)
        day = str(firmware.get("releasedate") or "")[:10] or None
        if day and (entry["released"] is None or day < entry["released"]):
            entry["released"] = day
        entry["kinds"].add("iPad" if str(firmware["identifier"]).startswith("iPad") else "iPhone")
    return by_version


def merge(table: Mapping[str, Any], fetched: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    current = {r["version"]: dict(r) for r in table.get("releases", [])}
    for version, entry in fetched.items():
        release = current.setdefault(version, {"version": version, "builds": [], "released": None})
        release["builds"] = [
            *release["builds"],
            *(b for b in entry["builds"] if b not in release["builds"]),
        ]
        release["released"] = release.get("released") or entry["released"]
        if entry["kinds"] == {"iPad"} and release.get("platform") is None:
            release["platform"] = "iPadOS"
    releases = sorted(current.values(), key=lambda r: _version_key(r["version"]))
    return {
        **{k: v for k, v in table.items() if k != "releases"},
        "updated": datetime.now(UTC).date().isoformat(),
        "releases": releases,
    }


def dump(table: Mapping[str, Any]) -> str:
    """One release per line, as the bundled file is laid out."""
    head = {k: v for k, v in table.items() if k != "releases"}
    lines = ["{"]
    lines += [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    lines.append(' "releases": [')
    lines.append(",\n".join(f"  {json.dumps(r)}" for r in table["releases"]))
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def _is_beta_build(build: str) -> bool:
    # Betas carry a 4-digit 5xxx number and a trailing letter (21F5073b).
    digits = "".join(c for c in build[3:] if c.isdigit())
    return len(digits) == 4 and digits.startswith("5") and build[-1].isalpha()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print instead of writing")
    parser.add_argument("--devices", nargs="*", default=list(DEVICES))
    args = parser.parse_args(argv)
    table = json.loads(TABLE.read_text("utf-8"))
    fetched = releases_from(collect(args.devices))
    if not fetched:
        print("nothing fetched; table left as it is", file=sys.stderr)
        return 1
    text = dump(merge(table, fetched))
    json.loads(text)  # never write a table spytrace could not read
    if args.dry_run:
        sys.stdout.write(text)
    else:
        TABLE.write_text(text, "utf-8")
        print(f"{TABLE}: {len(json.loads(text)['releases'])} releases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
