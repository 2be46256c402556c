"""Android `adb backup` (.ab) files: the header, the password-protected master key, the stream.

Format (frameworks/base BackupManagerService / PerformAdbRestoreTask and PasswordUtils):

    ANDROID BACKUP\\n
    <version>\\n                 1 (Android 4.0) ... 5
    <compressed>\\n              1 when the payload is a zlib (deflate) stream
    <encryption>\\n              "none" or "AES-256"
    -- only with AES-256:
    <user password salt>\\n      hex, 512 bits
    <master key checksum salt>\\n hex, 512 bits
    <PBKDF2 rounds>\\n           10000
    <user key IV>\\n             hex
    <master key blob>\\n         hex, AES-256-CBC/PKCS5 under the user key:
                                [IV length][IV][key length][master key][checksum length][checksum]
    <payload>                   AES-256-CBC/PKCS5 under the master key and IV; inside, the
                                (deflated) tar of `apps/<package>/...` entries.

The user key is PBKDF2-HMAC-SHA1(password, user salt, rounds, 256 bits). The checksum is
PBKDF2-HMAC-SHA1 over the master key itself, with Android's quirk: PasswordUtils
.makeKeyChecksum turns each key byte into a Java `char` by a signed cast, so bytes 0x80-0xFF
become U+FF80-U+FFFF, and since version 2 ("PBKDF2WithHmacSHA1") Java's PBKDF2 encodes that
char[] as UTF-8 (three bytes for each of those); version 1 used the "...And8bit" variant,
which keeps the low byte. The password itself goes through the same encoding.
"""

from __future__ import annotations

import hashlib
import hmac
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from spytrace.errors import EvidenceError, UserError, WrongPassword

MAGIC = b"ANDROID BACKUP\n"
KEY_BYTES = 32
CHUNK = 1 << 20
MAX_HEADER_LINE = 4096
MAX_ROUNDS = 10_000_000


@dataclass(frozen=True, slots=True)
class AbHeader:
    version: int
    compressed: bool
    encryption: str  # "none" or "AES-256"
    data_offset: int
    user_salt: bytes = b""
    checksum_salt: bytes = b""
    rounds: int = 0
    user_iv: bytes = b""
    master_key_blob: bytes = b""

    @property
    def encrypted(self) -> bool:
        return self.encryption != "none"


@dataclass(frozen=True, slots=True)
class MasterKey:
    key: bytes
    iv: bytes


def read_header(handle: IO[bytes], name: str) -> AbHeader:
    """The header of an .ab stream; UserError naming the file if it is not one."""
    if handle.read(len(MAGIC)) != MAGIC:
        raise UserError(f"{name}: not an Android backup (no 'ANDROID BACKUP' header)")
    lines = [_line(handle, name) for _ in range(3)]
    try:
        version = int(lines[0])
    except ValueError as exc:
        raise UserError(f"{name}: bad backup version {lines[0]!r}") from exc
    if version < 1:
        raise UserError(f"{name}: bad backup version {version}")
    compressed = lines[1] == "1"
    encryption = lines[2]
    if encryption == "none":
        return AbHeader(version, compressed, encryption, handle.tell())
    if encryption != "AES-256":
        raise UserError(f"{name}: unsupported backup encryption {encryption!r}")
    fields = [_line(handle, name) for _ in range(5)]
    try:
        user_salt, checksum_salt = bytes.fromhex(fields[0]), bytes.fromhex(fields[1])
        rounds = int(fields[2])
        user_iv, blob = bytes.fromhex(fields[3]), bytes.fromhex(fields[4])
    except ValueError as exc:
        raise UserError(f"{name}: damaged encryption header ({exc})") from exc
    if not 0 < rounds <= MAX_ROUNDS or len(user_iv) != 16:
        raise UserError(f"{name}: damaged encryption header (rounds {rounds})")
    return AbHeader(version, compressed, encryption, handle.tell(),
                    user_salt, checksum_salt, rounds, user_iv, blob)  # fmt: skip


def _line(handle: IO[bytes], name: str) -> str:
    raw = handle.readline(MAX_HEADER_LINE)
    if not raw.endswith(b"\n"):
        raise UserError(f"{name}: the backup header is cut short")
    return raw[:-1].decode("ascii", "replace").strip()


def password_bytes(password: str, version: int) -> bytes:
    """How Java's PBKDF2 sees a char[]: UTF-8 since version 2, the low byte of each char in 1."""
    if version == 1:
        return bytes(ord(c) & 0xFF for c in password)
    return password.encode("utf-8", "surrogatepass")


def checksum_input(master_key: bytes, version: int) -> bytes:
    """The master key as makeKeyChecksum hands it to PBKDF2 (the signed byte-to-char cast)."""
    chars = "".join(chr(b | 0xFF00) if b >= 0x80 else chr(b) for b in master_key)
    return password_bytes(chars, version)


def pbkdf2(secret: bytes, salt: bytes, rounds: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha1", secret, salt, rounds, KEY_BYTES)


def unlock(header: AbHeader, password: str, name: str) -> MasterKey:
    """The master key and IV; WrongPassword when the password does not unlock them."""
    wrong = WrongPassword(f"{name}: wrong password for this encrypted Android backup")
    user_key = pbkdf2(password_bytes(password, header.version), header.user_salt, header.rounds)
    try:
        blob = _cbc_decrypt(user_key, header.user_iv, header.master_key_blob)
    except ValueError as exc:
        raise wrong from exc
    try:
        iv, rest = _take(blob)
        key, rest = _take(rest)
        checksum, _ = _take(rest)
    except ValueError as exc:
        raise wrong from exc
    if len(key) != KEY_BYTES or len(iv) != 16:
        raise wrong
    # Try the version's encoding first, then the other: some tools wrote v2+ files with 8-bit.
    for version in (header.version, 1 if header.version > 1 else 2):
        expected = pbkdf2(checksum_input(key, version), header.checksum_salt, header.rounds)
        if hmac.compare_digest(expected, checksum):
            return MasterKey(key, iv)
    raise wrong


def _take(data: bytes) -> tuple[bytes, bytes]:
    if not data:
        raise ValueError("master key blob cut short")
    size = data[0]
    if len(data) < 1 + size:
        raise ValueError("master key blob cut short")
    return data[1 : 1 + size], data[1 + size :]


def _cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def payload(handle: IO[bytes], header: AbHeader, master: MasterKey | None) -> Iterator[bytes]:
    """The plain tar bytes, decrypted and inflated as they stream.

    Raises EvidenceError when the data ends early or is damaged; what came before has
    already been yielded.
    """
    handle.seek(header.data_offset)
    chunks = _read(handle)
    if master is not None:
        chunks = _decrypt(chunks, master)
    if header.compressed:
        chunks = _inflate(chunks)
    yield from chunks


def _read(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK):
        yield chunk


def _decrypt(chunks: Iterator[bytes], master: MasterKey) -> Iterator[bytes]:
    decryptor = Cipher(algorithms.AES(master.key), modes.CBC(master.iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    total = 0
    for chunk in chunks:
        total += len(chunk)
        yield unpadder.update(decryptor.update(chunk))
    if total % 16:
        raise EvidenceError("the encrypted data ends part-way through a block (truncated .ab)")
    try:
        yield unpadder.update(decryptor.finalize()) + unpadder.finalize()
    except ValueError as exc:
        raise EvidenceError("the encrypted data ends early (truncated .ab)") from exc


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            data = inflater.decompress(chunk, CHUNK)
            yield data
            while inflater.unconsumed_tail:
                yield inflater.decompress(inflater.unconsumed_tail, CHUNK)
        yield inflater.flush()
    except zlib.error as exc:
        raise EvidenceError(f"the compressed data is damaged ({exc})") from exc
    if not inflater.eof:
        raise EvidenceError("the compressed data ends early (truncated .ab)")
