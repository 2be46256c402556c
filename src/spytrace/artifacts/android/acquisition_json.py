"""androidqf acquisition.json: when the acquisition ran, with which androidqf, from which computer.

acquisition/acquisition.go `Acquisition`: `uuid`, `androidqf_version`, `adb_host_public_key`
(the acquiring computer's adb key, `<base64> user@host`, since 2025), `storage_path`,
`started`, `completed` (RFC 3339), `collector`, `tmp_dir`, `sdcard`, `cpu`. The host key
tells the acquisition's own adb authorisation apart from other trusted computers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import msgspec

from spytrace.artifacts.android.dumpsys_adb import fingerprint
from spytrace.errors import EvidenceError
from spytrace.model import Artifact, EvidenceFile, Record, fields_of, iso

NAME = "androidqf_acquisition"
PATHS = ("acquisition.json",)


def parse(file: EvidenceFile) -> Iterator[Record]:
    try:
        data = msgspec.json.decode(file.path.read_bytes())
    except msgspec.DecodeError as exc:
        raise EvidenceError(f"{file.logical_path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise EvidenceError(f"{file.logical_path}: not a JSON object")
    started = _time(data.get("started"))
    completed = _time(data.get("completed"))
    host_key = str(data.get("adb_host_public_key") or "").strip()
    key, _, comment = host_key.partition(" ")
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="acquisition",
        time=started,
        message=f"androidqf {data.get('androidqf_version') or ''} acquisition "
        f"{data.get('uuid') or ''}".replace("  ", " ").strip(),
        fields=fields_of(
            {
                "uuid": data.get("uuid"),
                "androidqf_version": data.get("androidqf_version"),
                "started": iso(started),
                "completed": iso(completed),
                "adb_host_key": key,
                "adb_host_comment": comment,
                "adb_host_fingerprint": fingerprint(key) if key else None,
                "tmp_dir": data.get("tmp_dir"),
                "sdcard": data.get("sdcard"),
                "cpu": data.get("cpu"),
            }
        ),
        time_desc="Acquisition started",
    )


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value or value.startswith("0001-"):
        return None
    # Go writes up to nine fractional digits; Python reads six.
    value = re.sub(r"(\.\d{6})\d+", r"\1", value.replace("Z", "+00:00"))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


ARTIFACT = Artifact(NAME, PATHS, parse)
