import pytest

from spytrace.parallel import Background


def _write(path, text):
    path.write_text(text)


def _fail():
    raise OSError("disk full")


def test_work_done_beside_the_caller_is_there_once_waited_for(tmp_path):
    target = tmp_path / "timeline.csv"

    work = Background(_write, target, "datetime,message\n")
    work.wait("writing the timeline")

    assert target.read_text() == "datetime,message\n"


def test_work_that_fails_beside_the_caller_fails_the_wait(capfd):
    work = Background(_fail)

    with pytest.raises(OSError, match=r"writing the timeline failed \(exit code 1\)"):
        work.wait("writing the timeline")
    capfd.readouterr()  # the child's own traceback, on its stderr
