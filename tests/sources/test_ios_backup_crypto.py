import hashlib
import os
import struct

import pytest
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from spytrace.errors import EvidenceError, WrongPassword
from spytrace.sources.ios_backup_crypto import (
    MAX_ITERATIONS,
    decrypt_file,
    parse_keybag,
    password_key,
    split_wrapped_key,
    unlock,
)
from spytrace.testkit.ios_backup import PROTECTION_CLASSES, encrypt, make_keybag


def test_parses_the_header_and_every_class_key():
    blob, _ = make_keybag("pw", dpic=3, iterations=2)

    keybag = parse_keybag(blob)

    assert (keybag.version, keybag.type, keybag.iterations, keybag.dp_iterations) == (4, 1, 2, 3)
    assert keybag.dp_wt == 1
    assert len(keybag.salt) == len(keybag.dp_salt or b"") == 20
    assert len(keybag.uuid) == 16 and len(keybag.hmck or b"") == 40
    assert [k.protection_class for k in keybag.class_keys] == list(PROTECTION_CLASSES)
    assert {(k.wrap, k.key_type, len(k.wrapped_key), len(k.uuid)) for k in keybag.class_keys} == {
        (2, 0, 40, 16)
    }


def test_the_password_key_is_pbkdf2_sha256_then_pbkdf2_sha1():
    keybag = parse_keybag(make_keybag("correct horse", dpic=5, iterations=4)[0])
    assert keybag.dp_salt is not None

    first = hashlib.pbkdf2_hmac("sha256", b"correct horse", keybag.dp_salt, 5, 32)
    expected = hashlib.pbkdf2_hmac("sha1", first, keybag.salt, 4, 32)

    assert password_key(keybag, "correct horse") == expected


def test_a_pre_10_2_keybag_has_only_the_sha1_round():
    blob, class_keys = make_keybag("old", iterations=7, legacy=True)
    keybag = parse_keybag(blob)

    assert keybag.dp_salt is None and keybag.dp_iterations is None and keybag.version == 3
    assert password_key(keybag, "old") == hashlib.pbkdf2_hmac("sha1", b"old", keybag.salt, 7, 32)
    assert dict(unlock(keybag, "old").class_keys) == class_keys


def test_the_right_password_unwraps_every_class_key():
    blob, class_keys = make_keybag("s3cret")

    assert dict(unlock(parse_keybag(blob), "s3cret").class_keys) == class_keys


def test_a_wrong_password_is_one_clear_error():
    blob, _ = make_keybag("s3cret")

    with pytest.raises(WrongPassword) as raised:
        unlock(parse_keybag(blob), "guess")

    assert str(raised.value) == "the password does not unlock this encrypted backup"


def test_only_passcode_wrapped_class_keys_are_unwrapped():
    # A WRAP of 1 (device key only) cannot open with a password and must not fail the unlock.
    blob, class_keys = make_keybag("pw", wraps={1: 1})

    unlocked = unlock(parse_keybag(blob), "pw")

    assert 1 not in unlocked.class_keys
    assert dict(unlocked.class_keys) == class_keys
    assert sorted(unlocked.class_keys) == list(range(2, 12))


def test_a_keybag_cut_short_is_an_evidence_error():
    blob, _ = make_keybag("pw")

    with pytest.raises(EvidenceError, match="cut short"):
        parse_keybag(blob[:-5])


def test_an_absurd_iteration_count_is_refused_before_deriving():
    blob, _ = make_keybag("pw")
    keybag = parse_keybag(blob)
    hostile = blob.replace(
        b"ITER" + struct.pack(">II", 4, keybag.iterations),
        b"ITER" + struct.pack(">II", 4, MAX_ITERATIONS + 1),
    )

    with pytest.raises(EvidenceError, match="PBKDF2 iterations"):
        unlock(parse_keybag(hostile), "pw")


def test_a_wrapped_key_is_a_little_endian_class_and_the_wrapped_bytes():
    assert split_wrapped_key(b"\x04\x00\x00\x00" + b"w" * 40) == (4, b"w" * 40)


def test_unwrap_names_the_class_when_a_key_does_not_fit():
    blob, class_keys = make_keybag("pw")
    unlocked = unlock(parse_keybag(blob), "pw")
    file_key = os.urandom(32)

    assert unlocked.unwrap(3, aes_key_wrap(class_keys[3], file_key)) == file_key
    with pytest.raises(EvidenceError, match="class 4"):
        unlocked.unwrap(4, aes_key_wrap(class_keys[3], file_key))
    with pytest.raises(EvidenceError, match="protection class 12"):
        unlocked.unwrap(12, aes_key_wrap(class_keys[3], file_key))


def test_decrypts_across_chunks_and_returns_the_stored_hash(tmp_path):
    key = os.urandom(32)
    plain = os.urandom((1 << 20) * 2 + 123)
    stored = tmp_path / "stored"
    stored.write_bytes(encrypt(plain, key))

    digest = decrypt_file(stored, tmp_path / "out", key, len(plain))

    assert (tmp_path / "out").read_bytes() == plain
    assert digest == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o600


def test_output_is_cut_to_the_recorded_size(tmp_path):
    key = os.urandom(32)
    stored = tmp_path / "stored"
    stored.write_bytes(encrypt(b"0123456789abcdef-grew-later", key))

    decrypt_file(stored, tmp_path / "out", key, 16)

    assert (tmp_path / "out").read_bytes() == b"0123456789abcdef"


def test_a_length_that_is_not_whole_blocks_is_an_evidence_error(tmp_path):
    stored = tmp_path / "stored"
    stored.write_bytes(b"x" * 17)

    with pytest.raises(EvidenceError, match="not a whole number of AES blocks"):
        decrypt_file(stored, tmp_path / "out", os.urandom(32))
    assert not (tmp_path / "out").exists()


def test_bad_padding_is_an_evidence_error_and_leaves_no_output(tmp_path):
    stored = tmp_path / "stored"
    stored.write_bytes(encrypt(b"secret text", os.urandom(32)))
    wrong = os.urandom(32)

    with pytest.raises(EvidenceError, match="bad padding"):
        # The wrong key gives random padding bytes; try a few keys so chance cannot pass it.
        for _ in range(8):
            decrypt_file(stored, tmp_path / "out", wrong)
            (tmp_path / "out").unlink()
            wrong = os.urandom(32)
    assert not (tmp_path / "out").exists()
