"""Android `adb backup` files (.ab): plain, compressed, or encrypted with a password.

The header, the key derivation and the stream are in android_backup_crypto.py. The payload
is decrypted and inflated once, streaming, into a private tar in `scratch`, which is then
read lazily and safely like any archive (spytrace.sources.archive). A wrong password stops
before anything is parsed (WrongPassword); a truncated file keeps the members read before
the cut and says so in problems().

Logical layout (the same as androidqf's backup.ab): `backup/<tar member>`, e.g.
`backup/apps/com.android.providers.telephony/d_f/000000_sms_backup` — the telephony
provider's SMS/MMS backup (TelephonyBackupAgent), what androidqf's "Only SMS" option saves.
"""

from __future__ import annotations

from pathlib import Path

from spytrace.errors import EvidenceError, PasswordRequired, UserError
from spytrace.sources.android_backup_crypto import payload, read_header, unlock
from spytrace.sources.android_tree import ArchiveProvider, MountedSource, Tree
from spytrace.sources.archive import Archive
from spytrace.sources.base import SourceOptions
from spytrace.tempdir import create_private

TYPE = "android_backup"
PREFIX = "backup/"


def password_for(options: SourceOptions, label: str) -> str | None:
    if options.password is not None:
        return options.password
    if options.prompt is not None:
        return options.prompt(f"the encrypted Android backup {label}")
    return None


def mount_backup(
    tree: Tree, path: Path, options: SourceOptions, scratch: Path, label: str, *, required: bool
) -> None:
    """Mount an .ab file's content under `backup/`.

    `required`: the backup is the acquisition itself, so a missing password is an error;
    otherwise (inside androidqf) it is a problem line and the rest is scanned.
    """
    scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
    tar_path = scratch / "backup.tar"
    cut: str | None = None
    with path.open("rb") as handle:
        header = read_header(handle, label)
        master = None
        if header.encrypted:
            password = password_for(options, label)
            if password is None:
                if required:
                    raise PasswordRequired(
                        f"{label}: the Android backup is encrypted; give its password"
                    )
                tree.add_problem(f"{label}: encrypted Android backup not read (no password given)")
                return
            master = unlock(header, password, label)
        with create_private(tar_path) as out:
            try:
                for chunk in payload(handle, header, master):
                    out.write(chunk)
            except EvidenceError as exc:
                cut = str(exc)
    if tar_path.stat().st_size == 0 or (cut and not _keep_complete_members(tar_path)):
        tree.add_problem(f"{label}: no backup data" + (f" ({cut})" if cut else ""))
        return
    try:
        archive = Archive.open(tar_path, scratch / "members")
    except UserError as exc:
        raise UserError(f"{label}: {cut or exc}") from exc
    tree.mount(PREFIX, ArchiveProvider(archive, "", label))
    if cut:
        tree.add_problem(f"{label}: {cut}; only the members before the cut can be read")


def _keep_complete_members(tar_path: Path) -> int:
    """Cut a truncated tar after its last whole member and close it with the end-of-archive
    blocks, so the members before the cut read normally (ustar header: the size is 12 octal
    digits at offset 124, or base-256 when the first byte has its top bit set)."""
    total = tar_path.stat().st_size
    keep = 0
    with tar_path.open("r+b") as handle:
        while keep + 512 <= total:
            handle.seek(keep)
            header = handle.read(512)
            if not header.strip(b"\0"):
                break
            raw = header[124:136]
            if raw[0] & 0x80:
                size = int.from_bytes(raw[1:], "big")
            else:
                try:
                    size = int(raw.strip(b"\0 ") or b"0", 8)
                except ValueError:
                    break
            end = keep + 512 + (size + 511) // 512 * 512
            if end > total:
                break
            keep = end
        handle.truncate(keep)
        handle.seek(keep)
        handle.write(b"\0" * 1024)
    return keep


def open_android_backup(path: Path, options: SourceOptions, scratch: Path) -> AndroidBackup:
    return AndroidBackup(Path(path), options, scratch)


class AndroidBackup(MountedSource):
    type = TYPE

    def __init__(self, path: Path, options: SourceOptions, scratch: Path) -> None:
        super().__init__(path)
        try:
            mount_backup(self._tree, path, options, scratch / "ab", path.name, required=True)
        except BaseException:
            self._tree.close()
            raise
