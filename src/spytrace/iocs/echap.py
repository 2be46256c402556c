"""Echap's stalkerware indicators: `ioc.yaml` / `watchware.yaml` entries and `samples.csv`.

An entry names an app family and lists its package names, signing certificates (SHA-1),
websites, distribution hosts and C2 (domains and IPs; both `ips` and `ip` spellings occur).
`samples.csv` ties APK SHA-256 hashes to a package and certificate. Format:
github.com/AssoEchap/stalkerware-indicators (README).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from spytrace.errors import FeedError
from spytrace.iocs import normalize
from spytrace.iocs.raw import FeedContent, RawIndicator, Unsupported

SAMPLES_HEADER = ("SHA256", "Package Name", "Certificate")


def looks_like_echap(document: Any) -> bool:
    return (
        isinstance(document, list)
        and bool(document)
        and all(isinstance(e, dict) and "name" in e for e in document)
        and any(k in document[0] for k in ("packages", "websites", "certificates", "c2"))
    )


def load_yaml(name: str, data: bytes) -> Any:
    import yaml  # here: a scan whose indicators come from the compiled cache reads no YAML

    # libyaml's loader where PyYAML was built with it: several times faster on Echap's big file.
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader)  # noqa: S506 - a safe loader, C or Python
    except yaml.YAMLError as exc:
        raise FeedError(f"{name}: not valid YAML ({str(exc).splitlines()[0]})") from exc


def read_echap(document: list[dict[str, Any]]) -> FeedContent:
    found: list[RawIndicator] = []
    unsupported: list[Unsupported] = []
    for entry in document:
        malware = str(entry.get("name") or "unnamed")
        c2 = entry.get("c2") or {}
        groups: list[tuple[str, Iterable[Any]]] = [
            ("app:id", _list(entry.get("packages"))),
            ("app:id", _list(entry.get("ios_bundles"))),
            ("app:cert.sha1", _list(entry.get("certificates"))),
            ("domain-name:value", _list(entry.get("websites"))),
            ("domain-name:value", _list(c2.get("domains") if isinstance(c2, dict) else None)),
            ("ipv4-addr:value", _list(c2.get("ips") if isinstance(c2, dict) else None)),
            ("ipv4-addr:value", _list(c2.get("ip") if isinstance(c2, dict) else None)),
        ]
        # Distribution lists mix hosts and addresses.
        for host in _list(entry.get("distribution")):
            is_ip = normalize.ip(str(host)) is not None
            groups.append(("ipv4-addr:value" if is_ip else "domain-name:value", [host]))
        for path, values in groups:
            for value in values:
                if isinstance(value, str | int | float) and str(value).strip():
                    found.append(RawIndicator(path, str(value).strip(), malware))
                else:
                    unsupported.append(Unsupported(repr(value), f"{malware}: not a value"))
    return FeedContent(found, unsupported)


def read_samples(name: str, data: bytes) -> FeedContent:
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        raise FeedError(f"{name}: not UTF-8 text ({exc})") from exc
    found: list[RawIndicator] = []
    for row in reader:
        malware = (row.get("App") or row.get("Package Name") or "stalkerware").strip()
        if sha := (row.get("SHA256") or "").strip():
            found.append(RawIndicator("file:hashes.sha256", sha, malware))
        if package := (row.get("Package Name") or "").strip():
            found.append(RawIndicator("app:id", package, malware))
        if cert := (row.get("Certificate") or "").strip():
            found.append(RawIndicator("app:cert.sha1", cert, malware))
    return FeedContent(found, [])


def is_samples_csv(data: bytes) -> bool:
    first = data[:200].decode("utf-8-sig", "replace").splitlines()[:1]
    return bool(first) and all(h in first[0] for h in SAMPLES_HEADER)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
