"""androidqf acquisitions: a folder, a zip, or a zip encrypted with age (`<UUID>.zip.age`).

androidqf (github.com/mvt-project/androidqf, README and docs/acquisition-archives.md) writes
`acquisition.json`, `adb_host_key.pub`, `command.log`, `hashes.csv`, `getprop.txt`,
`settings_system.txt`/`settings_secure.txt`/`settings_global.txt`, `processes.txt` (or
`ps.txt` in older releases; JSON when its collector ran), `services.txt`, `selinux.txt`,
`dumpsys.txt`, `packages.json`, `files.json`, `root_binaries.json`, `mounts.json`,
`logcat.txt`, `logs/`, `apks/`, `tmp/`, `backup.ab` and `bugreport.zip`.

Logical layout: every member by the name androidqf gives it (`packages.json`,
`dumpsys.txt`...; a single top folder such as `<UUID>/` is looked through); the nested
`bugreport.zip` under `bugreport/` exactly as an android_bugreport source lays it out (main
dumpstate text at `bugreport/dumpstate.txt`), so the same dumpsys parsers read both
`dumpsys.txt` and the bugreport; `backup.ab` under `backup/` as an android_backup source does.
An encrypted `backup.ab` without a password is skipped with a problem line, the rest is read.

age: the identity (an `AGE-SECRET-KEY-1...` line, or the path of a file of them) or the
passphrase comes from SourceOptions.password, else the prompt; decrypted with pyrage
(the `age` command is used for identity files when pyrage is missing). The decrypted zip is
written to `scratch` only; the input is never written to.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from spytrace.errors import EvidenceError, PasswordRequired, UserError, WrongPassword
from spytrace.sources.android_backup import mount_backup
from spytrace.sources.android_bugreport import mount_bugreport
from spytrace.sources.android_tree import MountedSource, open_container
from spytrace.sources.base import SourceOptions
from spytrace.tempdir import create_private

TYPE = "android_androidqf"
AGE_MAGIC = b"age-encryption.org/v1"
NESTED = ("bugreport.zip", "backup.ab")


def is_age(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(AGE_MAGIC)) == AGE_MAGIC
    except OSError:
        return False


def open_android_androidqf(path: Path, options: SourceOptions, scratch: Path) -> AndroidQf:
    return AndroidQf(Path(path), options, scratch)


class AndroidQf(MountedSource):
    type = TYPE

    def __init__(self, path: Path, options: SourceOptions, scratch: Path) -> None:
        super().__init__(path)
        try:
            self._build(path, options, scratch)
        except BaseException:
            self._tree.close()
            raise

    def _build(self, path: Path, options: SourceOptions, scratch: Path) -> None:
        container = path
        if path.is_file() and is_age(path):
            container = decrypt_age(path, options, scratch)
        provider = open_container(container, scratch / "acquisition", path.name)
        self._tree.mount("", provider, lambda name: None if name in NESTED else name)
        names = set(provider.names())
        if "bugreport.zip" in names:
            try:
                local = provider.local("bugreport.zip")
                mount_bugreport(self._tree, local, scratch / "bugreport", "bugreport.zip")
            except (EvidenceError, UserError) as exc:
                self._tree.add_problem(f"bugreport.zip could not be read: {exc}")
        if "backup.ab" in names:
            try:
                local = provider.local("backup.ab")
            except EvidenceError as exc:
                self._tree.add_problem(f"backup.ab could not be read: {exc}")
            else:
                try:
                    mount_backup(self._tree, local, options, scratch / "ab", "backup.ab",
                                 required=False)  # fmt: skip
                except WrongPassword:
                    raise
                except (EvidenceError, UserError) as exc:
                    self._tree.add_problem(f"backup.ab could not be read: {exc}")
        if not self._tree.has("acquisition.json") and not self._tree.has("packages.json"):
            self._tree.add_problem("neither acquisition.json nor packages.json: is this androidqf?")


# -- age ---------------------------------------------------------------------------------


def decrypt_age(path: Path, options: SourceOptions, scratch: Path) -> Path:
    """The decrypted zip in `scratch`; WrongPassword when the key or passphrase does not fit."""
    secret = options.password
    if secret is None and options.prompt is not None:
        secret = options.prompt(
            f"the age-encrypted acquisition {path.name} (identity file or passphrase)"
        )
    if not secret:
        raise PasswordRequired(
            f"{path.name}: encrypted with age; give the identity file or the passphrase"
        )
    scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
    out = scratch / "acquisition.zip"
    create_private(out).close()  # claimed empty and private before anything is written
    identities = _identity_lines(secret)
    try:
        import pyrage
    except ImportError:  # pragma: no cover - pyrage is a dependency; `age` is the fallback
        return _age_command(path, secret, out, identities)
    try:
        if identities:
            keys = [pyrage.x25519.Identity.from_str(line) for line in identities]
            pyrage.decrypt_file(str(path), str(out), keys)
        else:
            out.write_bytes(pyrage.passphrase.decrypt(path.read_bytes(), secret))
    except pyrage.IdentityError as exc:
        raise UserError(f"{path.name}: not a valid age identity ({exc})") from exc
    except pyrage.DecryptError as exc:
        raise WrongPassword(
            f"{path.name}: the age identity or passphrase does not decrypt this acquisition"
        ) from exc
    return out


def _identity_lines(secret: str) -> list[str]:
    text = secret
    if not secret.strip().startswith("AGE-SECRET-KEY-"):
        candidate = Path(secret).expanduser()
        try:
            if len(secret) < 4096 and candidate.is_file():
                text = candidate.read_text("utf-8", "replace")
            else:
                return []
        except OSError:
            return []
    return [
        line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")
    ]


def _age_command(path: Path, secret: str, out: Path, identities: list[str]) -> Path:
    age = shutil.which("age")
    if age is None or not identities:
        raise UserError(f"{path.name}: reading age-encrypted acquisitions needs pyrage")
    key_file = out.with_name("identity.txt")
    with create_private(key_file) as handle:
        handle.write(("\n".join(identities) + "\n").encode())
    try:
        done = subprocess.run(
            [age, "--decrypt", "-i", str(key_file), "-o", str(out), str(path)],
            capture_output=True,
            check=False,
        )
    finally:
        key_file.unlink(missing_ok=True)
    if done.returncode:
        raise WrongPassword(f"{path.name}: the age identity does not decrypt this acquisition")
    return out
