import json

import pyrage
import pytest

from spytrace.errors import PasswordRequired, WrongPassword
from spytrace.sources.android_androidqf import open_android_androidqf
from spytrace.sources.base import SourceOptions
from spytrace.testkit.android import (
    PIXEL_PROPS,
    PS_TXT,
    SMS_MEMBER,
    acquisition_json,
    dumpstate,
    file_entry,
    files_json,
    getprop_text,
    sms_backup,
    write_ab,
    write_bugreport,
    write_tree,
)


def _members(tmp_path, *, backup_password=None):
    bugreport = write_bugreport(tmp_path / "nested.zip", dumpstate(PIXEL_PROPS, []))
    backup = write_ab(tmp_path / "nested.ab", {SMS_MEMBER: sms_backup([{"body": "x"}])},
                      password=backup_password)  # fmt: skip
    return {
        "acquisition.json": acquisition_json(),
        "getprop.txt": getprop_text(PIXEL_PROPS).encode(),
        "packages.json": b"[]",
        "files.json": files_json([file_entry("/sdcard/a")], ndjson=True),
        "ps.txt": PS_TXT.encode(),
        "settings_global.txt": b"package_verifier_enable=0\n",
        "root_binaries.json": json.dumps(["/system/xbin/su"]).encode(),
        "mounts.json": b"[]",
        "bugreport.zip": bugreport.read_bytes(),
        "backup.ab": backup.read_bytes(),
    }


EXPECTED = [
    "acquisition.json",
    f"backup/{SMS_MEMBER}",
    "bugreport/dumpstate.txt",
    "bugreport/main_entry.txt",
    "bugreport/version.txt",
    "files.json",
    "getprop.txt",
    "mounts.json",
    "packages.json",
    "ps.txt",
    "root_binaries.json",
    "settings_global.txt",
]


@pytest.mark.parametrize(("folder", "top"), [(True, ""), (False, ""), (False, "7b1a5c2e/")],
                         ids=["folder", "zip", "zip-with-top-folder"])  # fmt: skip
def test_member_names_as_androidqf_writes_them_with_nested_bugreport_and_backup(
    tmp_path, folder, top
):
    path = write_tree(tmp_path / ("acq" if folder else "acq.zip"), _members(tmp_path),
                      folder=folder, top=top)  # fmt: skip

    with open_android_androidqf(path, SourceOptions(), tmp_path / "scratch") as source:
        files = list(source.files())
        dumpstate_file = source.open("bugreport/dumpstate.txt")
        problems = source.problems()

    assert files == EXPECTED
    assert dumpstate_file.path.read_bytes().startswith(b"====")
    assert problems == []
    assert source.type == "android_androidqf"


def test_an_encrypted_backup_without_password_is_a_problem_not_a_failure(tmp_path):
    path = write_tree(tmp_path / "acq", _members(tmp_path, backup_password="pw"), folder=True)

    with open_android_androidqf(path, SourceOptions(), tmp_path / "s") as source:
        files = list(source.files())
        problems = source.problems()

    assert f"backup/{SMS_MEMBER}" not in files
    assert "getprop.txt" in files
    assert problems == ["backup.ab: encrypted Android backup not read (no password given)"]


def test_an_encrypted_backup_with_a_wrong_password_stops_the_scan(tmp_path):
    path = write_tree(tmp_path / "acq", _members(tmp_path, backup_password="pw"), folder=True)

    with pytest.raises(WrongPassword):
        open_android_androidqf(path, SourceOptions(password="nope"), tmp_path / "s")


def test_an_age_encrypted_acquisition_opens_with_its_identity(tmp_path):
    identity = pyrage.x25519.Identity.generate()
    plain = write_tree(tmp_path / "acq.zip", _members(tmp_path), folder=False)
    encrypted = tmp_path / "7b1a5c2e.zip.age"
    encrypted.write_bytes(pyrage.encrypt(plain.read_bytes(), [identity.to_public()]))
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"# created: 2024-05-01\n{identity}\n")

    with open_android_androidqf(
        encrypted, SourceOptions(password=str(key_file)), tmp_path / "s"
    ) as source:
        assert list(source.files()) == EXPECTED
    with open_android_androidqf(
        encrypted, SourceOptions(password=str(identity)), tmp_path / "s2"
    ) as source:
        assert "getprop.txt" in list(source.files())
    other = pyrage.x25519.Identity.generate()
    with pytest.raises(WrongPassword, match="does not decrypt"):
        open_android_androidqf(encrypted, SourceOptions(password=str(other)), tmp_path / "s3")
    with pytest.raises(PasswordRequired):
        open_android_androidqf(encrypted, SourceOptions(), tmp_path / "s4")


def test_an_age_passphrase(tmp_path):
    plain = write_tree(tmp_path / "acq.zip", {"acquisition.json": acquisition_json()}, folder=False)
    encrypted = tmp_path / "acq.zip.age"
    encrypted.write_bytes(pyrage.passphrase.encrypt(plain.read_bytes(), "long passphrase"))

    with open_android_androidqf(
        encrypted, SourceOptions(password="long passphrase"), tmp_path / "s"
    ) as source:
        assert list(source.files()) == ["acquisition.json"]
    with pytest.raises(WrongPassword):
        open_android_androidqf(encrypted, SourceOptions(password="wrong"), tmp_path / "s2")


def test_the_input_folder_is_never_written(tmp_path):
    path = write_tree(tmp_path / "acq", _members(tmp_path), folder=True)
    before = {p: p.read_bytes() for p in path.rglob("*") if p.is_file()}

    with open_android_androidqf(path, SourceOptions(), tmp_path / "s") as source:
        for logical in source.files():
            source.open(logical)
        digest = source.input_sha256()

    assert {p: p.read_bytes() for p in path.rglob("*") if p.is_file()} == before
    assert len(digest) == 64
