"""Apple's encrypted iOS backups: the backup keybag, the password, and the per-file keys.

The format, as documented by Bédrune and Sigwald (HITB 2011), Apple's platform security guide
and the iOS 10.2 reverse engineering summarised in Stack Overflow question 1498342:

- Manifest.plist `BackupKeyBag` is a TLV list: 4-byte tag, 4-byte big-endian length, value
  (4-byte values are big-endian integers). The header (VERS, TYPE, UUID, HMCK, WRAP, SALT,
  ITER and, since iOS 10.2, DPWT, DPIC, DPSL) comes first; every later UUID starts one class
  key (CLAS, WRAP, KTYP, WPKY, sometimes PBKY).
- The password key is PBKDF2-HMAC-SHA256(password, DPSL, DPIC) then PBKDF2-HMAC-SHA1 of that
  with SALT and ITER (32 bytes each round); before iOS 10.2 there is only the SHA1 round.
- Class keys whose WRAP has bit 2 (passcode) set are RFC 3394-wrapped with the password key.
- Manifest.plist `ManifestKey` and each MBFile `EncryptionKey` are a 4-byte little-endian
  protection class and an RFC 3394-wrapped key (wrapped by that class key).
- Manifest.db and each stored file are AES-256-CBC with a zero IV and PKCS7 padding; a file's
  plaintext is as long as its MBFile `Size`.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

from spytrace.errors import EvidenceError, WrongPassword
from spytrace.tempdir import create_private

WRAP_DEVICE = 1
WRAP_PASSCODE = 2
KEY_SIZE = 32
_BLOCK = 16
_CHUNK = 1 << 20  # a multiple of the AES block size
_CLASS_KEY_TAGS = frozenset({b"CLAS", b"WRAP", b"KTYP", b"WPKY", b"PBKY"})
_NOT_UNLOCKED = "the password does not unlock this encrypted backup"
# Iteration counts above this are not a backup a phone wrote but a way to hang the scan.
MAX_ITERATIONS = 100_000_000


@dataclass(frozen=True, slots=True)
class ClassKey:
    protection_class: int
    wrap: int
    key_type: int
    wrapped_key: bytes
    uuid: bytes = b""
    public_key: bytes | None = None


@dataclass(frozen=True, slots=True)
class Keybag:
    version: int
    type: int
    uuid: bytes
    wrap: int
    salt: bytes
    iterations: int
    # Double protection (iOS 10.2+): the SHA256 round's salt and count; None on older keybags.
    dp_salt: bytes | None
    dp_iterations: int | None
    dp_wt: int | None
    hmck: bytes | None
    class_keys: tuple[ClassKey, ...]
    other: Mapping[str, bytes] = field(default_factory=dict)


def tlv(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (tag, value) pairs of a keybag blob; EvidenceError when it is cut short."""
    offset = 0
    while offset < len(data):
        if offset + 8 > len(data):
            raise EvidenceError("backup keybag ends inside a tag header")
        tag = data[offset : offset + 4]
        (length,) = struct.unpack(">I", data[offset + 4 : offset + 8])
        value = data[offset + 8 : offset + 8 + length]
        if len(value) != length:
            raise EvidenceError(f"backup keybag tag {tag!r} is cut short")
        yield tag, value
        offset += 8 + length


def parse_keybag(data: bytes) -> Keybag:
    header: dict[bytes, bytes] = {}
    classes: list[dict[bytes, bytes]] = []
    for tag, value in tlv(data):
        if tag == b"UUID" and b"UUID" in header:
            classes.append({b"UUID": value})
        elif classes and tag in _CLASS_KEY_TAGS:
            classes[-1][tag] = value
        else:
            header.setdefault(tag, value)
    for needed in (b"SALT", b"ITER"):
        if needed not in header:
            raise EvidenceError(f"backup keybag has no {needed.decode()} entry")
    has_dp = b"DPSL" in header
    return Keybag(
        version=_number(header.get(b"VERS")),
        type=_number(header.get(b"TYPE")),
        uuid=header.get(b"UUID", b""),
        wrap=_number(header.get(b"WRAP")),
        salt=header[b"SALT"],
        iterations=_number(header[b"ITER"]),
        dp_salt=header[b"DPSL"] if has_dp else None,
        dp_iterations=_number(header.get(b"DPIC")) if has_dp else None,
        dp_wt=_number(header.get(b"DPWT")) if b"DPWT" in header else None,
        hmck=header.get(b"HMCK"),
        class_keys=tuple(_class_key(entry) for entry in classes if b"CLAS" in entry),
        other={
            k.decode("latin-1"): v
            for k, v in header.items()
            if k not in {b"VERS", b"TYPE", b"UUID", b"WRAP", b"SALT", b"ITER", b"HMCK"}
            and k not in {b"DPSL", b"DPIC", b"DPWT"}
        },
    )


def _class_key(entry: Mapping[bytes, bytes]) -> ClassKey:
    return ClassKey(
        protection_class=_number(entry.get(b"CLAS")),
        wrap=_number(entry.get(b"WRAP")),
        key_type=_number(entry.get(b"KTYP")),
        wrapped_key=entry.get(b"WPKY", b""),
        uuid=entry.get(b"UUID", b""),
        public_key=entry.get(b"PBKY"),
    )


def _number(value: bytes | None) -> int:
    if not value:
        return 0
    return int.from_bytes(value, "big")


def password_key(keybag: Keybag, password: str) -> bytes:
    """The key that unwraps the class keys, derived from the backup password."""
    secret = password.encode("utf-8")
    if keybag.dp_salt is not None:
        secret = _pbkdf2(hashes.SHA256(), secret, keybag.dp_salt, keybag.dp_iterations or 0)
    # SHA1 is what Apple chose for this round; it is read here, not chosen.
    return _pbkdf2(hashes.SHA1(), secret, keybag.salt, keybag.iterations)  # noqa: S303


def _pbkdf2(algorithm: hashes.HashAlgorithm, secret: bytes, salt: bytes, rounds: int) -> bytes:
    if not 1 <= rounds <= MAX_ITERATIONS:
        raise EvidenceError(f"backup keybag asks for {rounds} PBKDF2 iterations")
    kdf = PBKDF2HMAC(algorithm=algorithm, length=KEY_SIZE, salt=salt, iterations=rounds)
    return kdf.derive(secret)


@dataclass(frozen=True, slots=True)
class UnlockedKeybag:
    """The class keys of a keybag the password opened, by protection class."""

    class_keys: Mapping[int, bytes]

    def unwrap(self, protection_class: int, wrapped: bytes) -> bytes:
        """A file or manifest key, unwrapped with its class key; EvidenceError when it fails."""
        class_key = self.class_keys.get(protection_class)
        if class_key is None:
            raise EvidenceError(f"no usable key for protection class {protection_class}")
        try:
            return aes_key_unwrap(class_key, wrapped)
        except (InvalidUnwrap, ValueError) as exc:
            raise EvidenceError(
                f"the file key does not unwrap with class {protection_class} key ({exc})"
            ) from exc


def unlock(keybag: Keybag, password: str) -> UnlockedKeybag:
    """The class keys, or WrongPassword when the password does not unwrap them."""
    kek = password_key(keybag, password)
    keys: dict[int, bytes] = {}
    for entry in keybag.class_keys:
        # Only passcode-wrapped keys open with the password; device-wrapped keys need the
        # phone's UID key, which a backup never has.
        if not entry.wrap & WRAP_PASSCODE or not entry.wrapped_key:
            continue
        try:
            keys[entry.protection_class] = aes_key_unwrap(kek, entry.wrapped_key)
        except (InvalidUnwrap, ValueError) as exc:
            raise WrongPassword(_NOT_UNLOCKED) from exc
    if not keys:
        raise WrongPassword(_NOT_UNLOCKED + " (no class key is wrapped with a password)")
    return UnlockedKeybag(keys)


def split_wrapped_key(blob: bytes) -> tuple[int, bytes]:
    """A ManifestKey (or EncryptionKey NSData): its protection class and the wrapped key."""
    if len(blob) <= 4:
        raise EvidenceError("wrapped key is too short")
    (protection_class,) = struct.unpack("<I", blob[:4])
    return protection_class, blob[4:]


def decrypt_file(source: Path, destination: Path, key: bytes, size: int | None = None) -> str:
    """Decrypt `source` into a new file `destination` (0600), streaming; the source's SHA-256.

    Padding is checked and removed; with `size` (the MBFile Size) the output is cut to it,
    as a file can grow between the phone measuring it and encrypting it.
    """
    digest = hashlib.sha256()
    stored = source.stat().st_size
    if stored % _BLOCK:
        raise EvidenceError(f"{stored} encrypted bytes is not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(_BLOCK))).decryptor()
    unpadder = padding.PKCS7(_BLOCK * 8).unpadder()
    limit = size if size is not None and size >= 0 else None
    written = 0
    try:
        with create_private(destination) as out, source.open("rb") as handle:

            def emit(plain: bytes) -> None:
                nonlocal written
                if limit is not None:
                    plain = plain[: max(0, limit - written)]
                out.write(plain)
                written += len(plain)

            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                emit(unpadder.update(decryptor.update(chunk)))
            if stored:
                try:
                    emit(unpadder.update(decryptor.finalize()) + unpadder.finalize())
                except ValueError as exc:
                    raise EvidenceError(
                        "bad padding after decryption: damaged file or wrong key"
                    ) from exc
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def decrypt_manifest_db(
    source: Path, destination: Path, unlocked: UnlockedKeybag, manifest_key: bytes
) -> str:
    """Manifest.db decrypted with Manifest.plist's ManifestKey; the stored file's SHA-256."""
    protection_class, wrapped = split_wrapped_key(manifest_key)
    key = unlocked.unwrap(protection_class, wrapped)
    return decrypt_file(source, destination, key)
