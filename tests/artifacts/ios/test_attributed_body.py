import pytest

from spytrace.artifacts.ios.attributed_body import attributed_text
from spytrace.testkit.ios_comms import archived_text

# An attributedBody as a device wrote it: the hex dump of an NSArchiver'd NSAttributedString
# in "Inspecting files of type NeXT/Apple typedstream" (mcmap.net), holding "Fesker".
DEVICE_BLOB = bytes.fromhex(
    "040b73747265616d747970656481e803840140848484124e5341747472696275746564537472696e6700"
    "8484084e534f626a65637400859284848408"
    "4e53537472696e67019484012b064665736b6572"
    "86840269490106928484840c4e5344696374696f6e617279009484016901928496961d5f5f6b494d4d"
    "657373616765506172744174747269627574654e616d65869284848408"
    "4e534e756d626572008484074e5356616c7565009484012a84999900868686"
)


def test_reads_the_text_of_a_blob_written_by_a_device():
    assert attributed_text(DEVICE_BLOB) == "Fesker"


def test_reads_a_one_byte_length():
    assert attributed_text(archived_text("see https://a.example/x")) == "see https://a.example/x"


def test_reads_a_two_byte_length_counted_in_utf8_bytes():
    text = "é" * 100 + " https://b.example/" + "x" * 200  # 419 bytes: 0x81 prefix
    blob = archived_text(text)
    assert b"\x81\xa3\x01" in blob
    assert attributed_text(blob) == text


def test_reads_a_four_byte_length():
    text = "y" * 40_000  # past int16: 0x82 prefix
    assert attributed_text(archived_text(text)) == text


def test_reads_a_mutable_attributed_string():
    blob = archived_text("http://c.example", mutable=True)
    assert b"NSMutableString" in blob
    assert attributed_text(blob) == "http://c.example"


@pytest.mark.parametrize(
    "blob",
    [
        None,
        b"",
        "not bytes",
        b"\x00" * 64,
        b"bplist00" + b"\x00" * 40,
        b"\x04\x0bstreamtyped\x81\xe8\x03",  # header only
        archived_text("hello")[: archived_text("hello").index(b"hello") + 3],  # cut in the text
        archived_text("hello").replace(b"\x84\x01+", b"\x84\x01@"),  # no string type tag
        archived_text("hello").replace(b"\x01+\x05", b"\x01+\x83"),  # an unknown length tag
    ],
)
def test_gives_nothing_for_what_is_not_an_archived_string(blob):
    assert attributed_text(blob) is None


def test_replaces_bytes_that_are_not_utf8():
    blob = archived_text("abc").replace(b"+\x03abc", b"+\x03a\xffc")
    assert attributed_text(blob) == "a\ufffdc"
