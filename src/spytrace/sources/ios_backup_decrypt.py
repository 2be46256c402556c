"""A decrypted copy of an encrypted iOS backup, in the layout Finder writes.

The copy holds the decrypted Manifest.db, every stored file decrypted at its usual
`<fileID[:2]>/<fileID>` place, Info.plist and Status.plist as they were, and Manifest.plist
marked unencrypted (IsEncrypted false, BackupKeyBag and ManifestKey removed), so any tool -
spytrace included - opens it as a plain backup. The MBFile records in Manifest.db are kept
as the phone wrote them, wrapped keys included: they are evidence, and useless without the
keybag. Everything is written 0600 in 0700 folders, as decrypted personal data should be.
"""

from __future__ import annotations

import plistlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spytrace.errors import EvidenceError, OutputExists, UserError
from spytrace.sources.base import SourceOptions
from spytrace.sources.ios_backup import FLAG_FILE, IosBackup, open_ios_backup
from spytrace.tempdir import copy_private, create_private, private_tempdir

_KEYS_REMOVED = ("BackupKeyBag", "ManifestKey")


@dataclass(frozen=True, slots=True)
class DecryptResult:
    path: Path
    files: int
    problems: list[str] = field(default_factory=list)


def decrypt_backup(
    src: Path, dst: Path, password: str, *, udid: str | None = None
) -> DecryptResult:
    """Decrypt the backup at `src` (folder, parent folder or archive) into `dst`.

    `dst` must not exist or be an empty folder. Files that cannot be decrypted are left out
    and listed in the result's problems.
    """
    dst = Path(dst)
    if dst.exists() and (not dst.is_dir() or any(dst.iterdir())):
        raise OutputExists(f"{dst}: not an empty folder; refusing to write the decrypted copy")
    with private_tempdir() as scratch:
        backup = open_ios_backup(Path(src), SourceOptions(password=password), scratch, udid=udid)
        try:
            if not backup.encrypted:
                raise UserError(f"{src}: the backup is not encrypted; nothing to decrypt")
            _private_dir(dst)
            files, problems = _write_files(backup, dst)
            copy_private(backup.index_path, dst / "Manifest.db")
            _write_manifest_plist(backup.manifest, dst / "Manifest.plist")
            for name in ("Info.plist", "Status.plist"):
                try:
                    evidence = backup.open(name)
                except EvidenceError:
                    continue
                copy_private(evidence.path, dst / name)
            problems.extend(backup.problems())
        finally:
            backup.close()
    return DecryptResult(dst, files, problems)


def _write_files(backup: IosBackup, dst: Path) -> tuple[int, list[str]]:
    done = 0
    problems: list[str] = []
    for row in backup.rows(flags=FLAG_FILE):
        folder = dst / row.file_id[:2]
        target = folder / row.file_id
        try:
            if not target.parent.exists():
                _private_dir(folder)
            backup.export(row, target)
        except (EvidenceError, OSError) as exc:
            target.unlink(missing_ok=True)
            problems.append(f"{row.logical_path}: not decrypted ({exc})")
            continue
        done += 1
    return done, problems


def _write_manifest_plist(manifest: dict[str, Any], target: Path) -> None:
    plain = {k: v for k, v in manifest.items() if k not in _KEYS_REMOVED}
    plain["IsEncrypted"] = False
    with create_private(target) as out:
        plistlib.dump(plain, out, fmt=plistlib.FMT_BINARY)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
