import zlib

import pytest

from spytrace.errors import PasswordRequired, UserError, WrongPassword
from spytrace.sources.android_backup import open_android_backup
from spytrace.sources.android_backup_crypto import checksum_input, password_bytes
from spytrace.sources.base import SourceOptions
from spytrace.testkit.android import SMS_MEMBER, sms_backup, write_ab

SMS = sms_backup([{"address": "+1555", "body": "hi", "date": "1714600000000", "type": "1"}])
MEMBERS = {"apps/com.android.providers.telephony/_manifest": b"manifest", SMS_MEMBER: SMS}


@pytest.mark.parametrize(
    ("compressed", "password", "version"),
    [(False, None, 5), (True, None, 5), (True, "correct horse", 5), (True, "pässwörd", 2),
     (False, "legacy", 1)],
    ids=["plain", "compressed", "encrypted", "encrypted-utf8", "encrypted-v1"],
)  # fmt: skip
def test_every_kind_of_backup_lists_and_opens_its_members(tmp_path, compressed, password, version):
    path = write_ab(tmp_path / "backup.ab", MEMBERS, compressed=compressed, password=password,
                    version=version)  # fmt: skip
    scratch = tmp_path / "scratch"

    with open_android_backup(path, SourceOptions(password=password), scratch) as source:
        files = list(source.files())
        opened = source.open(f"backup/{SMS_MEMBER}")

        assert files == [
            "backup/apps/com.android.providers.telephony/_manifest",
            f"backup/{SMS_MEMBER}",
        ]
        assert opened.path.read_bytes() == SMS
        assert opened.private_copy is True
        assert len(opened.sha256) == 64  # a private copy: hashed as opened
        assert source.problems() == []
        assert source.type == "android_backup"


def test_a_master_key_with_high_bytes_needs_the_java_char_quirk(tmp_path):
    key = bytes(range(0x70, 0x90))  # crosses 0x80: those bytes become U+FF80.. in Java
    path = write_ab(tmp_path / "b.ab", MEMBERS, password="pw", master_key=key)

    with open_android_backup(path, SourceOptions(password="pw"), tmp_path / "s") as source:
        assert f"backup/{SMS_MEMBER}" in list(source.files())
    assert checksum_input(b"\x7f\x80", 2) == b"\x7f\xef\xbe\x80"
    assert checksum_input(b"\x7f\x80", 1) == b"\x7f\x80"
    assert password_bytes("é", 1) == b"\xe9"


def test_a_wrong_password_is_one_clear_error_before_anything_is_read(tmp_path):
    path = write_ab(tmp_path / "b.ab", MEMBERS, password="right")

    with pytest.raises(WrongPassword, match=r"b\.ab: wrong password") as caught:
        open_android_backup(path, SourceOptions(password="wrong"), tmp_path / "s")

    assert caught.value.exit_code == 2
    assert not (tmp_path / "s" / "ab" / "backup.tar").exists()


def test_no_password_asks_the_prompt_then_refuses(tmp_path):
    path = write_ab(tmp_path / "b.ab", MEMBERS, password="right")
    asked = []

    def prompt(question):
        asked.append(question)
        return "right"

    with open_android_backup(path, SourceOptions(prompt=prompt), tmp_path / "s1") as source:
        assert len(list(source.files())) == 2
    assert asked == ["the encrypted Android backup b.ab"]
    with pytest.raises(PasswordRequired):
        open_android_backup(path, SourceOptions(), tmp_path / "s2")


def test_a_truncated_backup_keeps_what_came_before_the_cut(tmp_path):
    big = {SMS_MEMBER: SMS, "apps/com.example/f/big.bin": bytes(range(256)) * 4000}
    path = write_ab(tmp_path / "b.ab", big, compressed=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 300])

    with open_android_backup(path, SourceOptions(), tmp_path / "s") as source:
        assert f"backup/{SMS_MEMBER}" in list(source.files())
        assert source.open(f"backup/{SMS_MEMBER}").path.read_bytes() == SMS
        [problem] = source.problems()

    assert problem == (
        "b.ab: the compressed data ends early (truncated .ab); only the members before the cut "
        "can be read"
    )


def test_a_truncated_encrypted_backup_says_so(tmp_path):
    path = write_ab(tmp_path / "b.ab", {SMS_MEMBER: SMS * 50}, password="pw")
    data = path.read_bytes()
    path.write_bytes(data[:-7])

    with open_android_backup(path, SourceOptions(password="pw"), tmp_path / "s") as source:
        problems = source.problems()

        files = list(source.files())

    assert files == []
    assert problems == [
        "b.ab: no backup data (the encrypted data ends part-way through a block (truncated .ab))"
    ]


def test_not_a_backup_and_a_damaged_header(tmp_path):
    (tmp_path / "x.ab").write_bytes(b"PK\x03\x04")
    (tmp_path / "y.ab").write_bytes(b"ANDROID BACKUP\n5\n1\nAES-256\nzz\n")

    with pytest.raises(UserError, match="not an Android backup"):
        open_android_backup(tmp_path / "x.ab", SourceOptions(), tmp_path / "s1")
    with pytest.raises(
        UserError, match=r"y\.ab: (damaged encryption header|the backup header is cut short)"
    ):
        open_android_backup(tmp_path / "y.ab", SourceOptions(password="p"), tmp_path / "s2")


def test_traversal_names_inside_the_backup_are_skipped_and_reported(tmp_path):
    members = {SMS_MEMBER: SMS, "../../evil": b"x", "/etc/passwd": b"y"}
    path = write_ab(tmp_path / "b.ab", members, compressed=False)

    with open_android_backup(path, SourceOptions(), tmp_path / "s") as source:
        assert list(source.files()) == [f"backup/{SMS_MEMBER}"]
        problems = source.problems()

    assert problems == [
        "b.ab: member skipped: ../../evil: path traversal (..)",
        "b.ab: member skipped: /etc/passwd: absolute path",
    ]
    assert not (tmp_path / "evil").exists()


def test_the_input_is_hashed_as_given_and_never_written(tmp_path):
    path = write_ab(tmp_path / "b.ab", MEMBERS)
    before = path.read_bytes()

    with open_android_backup(path, SourceOptions(), tmp_path / "s") as source:
        import hashlib

        assert source.input_sha256() == hashlib.sha256(before).hexdigest()
    assert path.read_bytes() == before
    assert zlib.decompress(before[len(b"ANDROID BACKUP\n5\n1\nnone\n") :])[:3] == b"app"
