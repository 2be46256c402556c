import zipfile

import pytest

from spytrace.errors import UserError
from spytrace.sources.android_bugreport import open_android_bugreport
from spytrace.sources.base import SourceOptions
from spytrace.testkit.android import (
    BUGREPORT_ENTRY,
    PIXEL_PROPS,
    TOMBSTONE_TEXT,
    dumpstate,
    write_bugreport,
)

TEXT = dumpstate(PIXEL_PROPS, [])
EXTRA = {"FS/data/tombstones/tombstone_00": TOMBSTONE_TEXT.encode(),
         "FS/data/anr/anr_2024-05-01": b"----- pid 1 at 2024-05-01 10:00:00 -----\n"}  # fmt: skip
EXPECTED = [
    "bugreport/FS/data/anr/anr_2024-05-01",
    "bugreport/FS/data/tombstones/tombstone_00",
    "bugreport/dumpstate.txt",
    "bugreport/main_entry.txt",
    "bugreport/version.txt",
]


@pytest.mark.parametrize("folder", [False, True], ids=["zip", "folder"])
def test_the_main_entry_becomes_dumpstate_txt(tmp_path, folder):
    path = write_bugreport(tmp_path / ("br" if folder else "br.zip"), TEXT, EXTRA, folder=folder)

    with open_android_bugreport(path, SourceOptions(), tmp_path / "scratch") as source:
        files = list(source.files())
        main = source.open("bugreport/dumpstate.txt")
        problems = source.problems()

    assert files == EXPECTED
    assert main.path.read_text() == TEXT
    assert main.private_copy is (not folder)
    assert problems == []
    assert source.platform == "android"


def test_without_main_entry_the_largest_bugreport_text_is_taken(tmp_path):
    path = tmp_path / "br.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(BUGREPORT_ENTRY, TEXT)
        archive.writestr("bugreport-old.txt", "short")
        archive.writestr("FS/data/tombstones/tombstone_00", TOMBSTONE_TEXT)

    with open_android_bugreport(path, SourceOptions(), tmp_path / "s") as source:
        assert source.open("bugreport/dumpstate.txt").path.read_text() == TEXT
        assert "bugreport/bugreport-old.txt" in list(source.files())


def test_hostile_member_names_are_skipped_and_reported(tmp_path):
    extra = {"../../../tmp/pwned": b"x", "FS/data/tombstones/tombstone_01": b"y"}
    path = write_bugreport(tmp_path / "br.zip", TEXT, extra)

    with open_android_bugreport(path, SourceOptions(), tmp_path / "s") as source:
        assert "bugreport/FS/data/tombstones/tombstone_01" in list(source.files())
        assert source.problems() == [
            "br.zip: member skipped: ../../../tmp/pwned: path traversal (..)"
        ]


def test_a_bugreport_without_dumpstate_says_so(tmp_path):
    path = tmp_path / "br.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("FS/data/anr/x", "y")

    with open_android_bugreport(path, SourceOptions(), tmp_path / "s") as source:
        assert source.problems() == [
            "br.zip: no main dumpstate text found (main_entry.txt missing?)"
        ]


def test_a_file_that_is_no_archive_is_a_user_error(tmp_path):
    (tmp_path / "x.txt").write_text("hello")

    with pytest.raises(UserError, match="neither a folder nor a zip"):
        open_android_bugreport(tmp_path / "x.txt", SourceOptions(), tmp_path / "s")
