"""What kind of acquisition a path is, from its layout and first bytes — never its contents."""

from __future__ import annotations

import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from spytrace.errors import UnsupportedAcquisition
from spytrace.sources.android_androidqf import is_age
from spytrace.sources.ios_fs import find_layout, has_data_partition
from spytrace.sources.ios_sysdiagnose import has_sysdiagnose_markers

ACQUISITION_TYPES = (
    "ios_backup",
    "ios_fs",
    "ios_sysdiagnose",
    "android_bugreport",
    "android_androidqf",
    "android_backup",
)
_AB_MAGIC = b"ANDROID BACKUP\n"
# Listing a huge archive is not needed to recognise it.
_MAX_MEMBERS_LOOKED_AT = 5000


@dataclass(frozen=True, slots=True)
class Detected:
    type: str
    path: Path
    detail: str


def detect(path: Path) -> Detected:
    if not path.exists():
        raise UnsupportedAcquisition(f"{path}: no such file or folder")
    if path.is_dir():
        found = _folder_type(path)
        form = "folder"
    else:
        found = _file_type(path)
        form = "file"
    if found is None:
        raise UnsupportedAcquisition(
            f"{path}: not an acquisition spytrace recognises (iOS backup, filesystem dump or "
            "sysdiagnose; Android bugreport, androidqf folder/zip or .ab backup)"
        )
    kind, detail = found
    return Detected(kind, path, f"{detail} ({form})")


def _folder_type(path: Path) -> tuple[str, str] | None:
    if (path / "Manifest.db").is_file() or (path / "Manifest.plist").is_file():
        return "ios_backup", "iOS backup"
    children = [c for c in _children(path) if c.is_dir()]
    if any((c / "Manifest.db").is_file() or (c / "Manifest.plist").is_file() for c in children):
        return "ios_backup", "folder of iOS backups (MobileSync/Backup)"
    if (
        path.name.startswith("sysdiagnose_")
        or has_sysdiagnose_markers(path)
        or any(c.name.startswith("sysdiagnose_") for c in children)
    ):
        return "ios_sysdiagnose", "iOS sysdiagnose"
    if has_data_partition(path):
        return "ios_fs", "iOS filesystem dump"
    if (path / "acquisition.json").is_file() or any(
        (path / n).exists() for n in ("packages.json", "getprop.txt", "processes.json")
    ):
        return "android_androidqf", "androidqf acquisition"
    if (path / "main_entry.txt").is_file() or any(
        c.name.startswith(("bugreport-", "dumpstate")) for c in _children(path)
    ):
        return "android_bugreport", "Android bugreport"
    return None


def _children(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())[:_MAX_MEMBERS_LOOKED_AT]
    except OSError:
        return []


def _file_type(path: Path) -> tuple[str, str] | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_AB_MAGIC))
    except OSError as exc:
        raise UnsupportedAcquisition(f"{path}: cannot read ({exc.strerror})") from exc
    if head == _AB_MAGIC:
        return "android_backup", "Android adb backup"
    if is_age(path):
        return "android_androidqf", "age-encrypted androidqf acquisition"
    if zipfile.is_zipfile(path):
        return _names_type(_zip_names(path), "zip")
    if path.name.startswith("sysdiagnose_") and path.name.endswith((".tar.gz", ".tgz", ".tar")):
        return "ios_sysdiagnose", "iOS sysdiagnose archive"
    if _is_tar(path):
        return _names_type(_tar_names(path), "tar")
    return None


def _names_type(names: list[str], form: str) -> tuple[str, str] | None:
    stripped = [n.lstrip("./") for n in names]
    depth = {n: n.count("/") for n in stripped}
    if any(n.endswith("Manifest.db") and depth[n] <= 2 for n in stripped):
        return "ios_backup", f"{form} of an iOS backup"
    if any(n.split("/", 1)[0].startswith("sysdiagnose_") for n in stripped):
        return "ios_sysdiagnose", f"{form} of an iOS sysdiagnose"
    if any(n.endswith("acquisition.json") and depth[n] <= 1 for n in stripped):
        return "android_androidqf", f"{form} of an androidqf acquisition"
    if any(n.endswith("main_entry.txt") and depth[n] <= 1 for n in stripped):
        return "android_bugreport", f"{form} of an Android bugreport"
    try:
        find_layout(stripped, form)
    except UnsupportedAcquisition:
        return None
    return "ios_fs", f"{form} of an iOS filesystem dump"


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            # The central directory is read whole anyway; androidqf writes acquisition.json last.
            return archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsupportedAcquisition(f"{path}: damaged zip ({exc})") from exc


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _tar_names(path: Path) -> list[str]:
    names: list[str] = []
    try:
        with tarfile.open(path) as archive:
            for member in archive:
                names.append(member.name)
                if len(names) >= _MAX_MEMBERS_LOOKED_AT:
                    break
    except (tarfile.TarError, OSError, EOFError) as exc:
        if not names:
            raise UnsupportedAcquisition(f"{path}: damaged tar archive ({exc})") from exc
    return names
