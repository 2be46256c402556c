import pytest

from spytrace.background import Background


def _write(path, text):
    path.write_text(text)


def _fail():
    raise OSError("disk full")


def test_work_done_beside_the_caller_is_there_once_waited_for(tmp_path):
    target = tmp_path / "timeline.csv"

    work = Background(_write, target, "datetime,message\n")
    work.wait("writing the timeline")

    assert target.read_text() == "datetime,message\n"


@pytest.mark.parametrize("fork", [True, False])
def test_work_done_beside_the_caller_sends_its_result_back(monkeypatch, fork):
    from spytrace import background

    if not fork:
        monkeypatch.setattr(background, "can_fork", lambda: False)
    work = Background(sorted, {"b": 1, "a": 2})

    assert work.wait("sorting") == ["a", "b"]


def _die():
    import os

    os._exit(3)


def test_what_work_beside_the_caller_raises_is_raised_by_the_wait(capfd):
    work = Background(_fail)

    with pytest.raises(OSError, match=r"^disk full$"):
        work.wait("writing the timeline")
    assert capfd.readouterr().err == ""  # no traceback from the child: the caller says it


def test_work_beside_the_caller_that_dies_fails_the_wait():
    work = Background(_die)

    with pytest.raises(OSError, match=r"writing the timeline failed \(exit code 3\)"):
        work.wait("writing the timeline")


def _lines(file):
    from spytrace.model import Record

    for number, line in enumerate(file.path.read_text().splitlines(), 1):
        yield Record(
            file.logical_path.split("/")[0], file.logical_path, f"line {number}", None, line
        )


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_the_callers_own_work_is_done_while_the_pool_reads_only_on_a_free_core(tmp_path, workers):
    import multiprocessing

    from spytrace.artifact_run import Job
    from spytrace.model import Artifact, EvidenceFile
    from spytrace.parallel import run_jobs
    from spytrace.scan import QuietEvents

    jobs = []
    for name in ("first", "second"):
        (tmp_path / f"{name}.txt").write_text("a\nb\nc\n")
        evidence = EvidenceFile(f"{name}/x.txt", tmp_path / f"{name}.txt")
        jobs.append(Job(Artifact(name, (f"{name}/*",), _lines), (evidence,), planned=1))
    (tmp_path / "out" / "records").mkdir(parents=True)
    (tmp_path / "scratch").mkdir()
    seen = []

    results = run_jobs(
        jobs, None, tmp_path / "out", tmp_path / "scratch", frozenset(), workers, QuietEvents(),
        lambda: seen.append(len(multiprocessing.active_children())),
    )  # fmt: skip

    assert [r.records for r in results] == [3, 3]
    # Two runs: only three workers leave a core free for it; otherwise the caller does it later.
    assert seen == ([] if workers < 3 else [2])
