"""The pipeline end to end with a folder source and a small text-notes artifact."""

import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from spytrace.artifacts.text import urls_in
from spytrace.errors import EvidenceError
from spytrace.iocs.loader import load_feeds
from spytrace.model import Artifact, Check, EvidenceFile, Finding, Observable, Record, Severity
from spytrace.outputs.files import prepare_output
from spytrace.scan import ScanOptions, scan
from spytrace.testkit.fake_source import FolderSource


def parse_notes(file: EvidenceFile) -> Iterator[Record]:
    """notes.txt: `unix-time|text` lines, the text possibly holding links."""
    for number, line in enumerate(file.path.read_text().splitlines(), 1):
        if line == "BROKEN":
            raise EvidenceError(f"{file.logical_path}: line {number} is broken")
        if line == "ODD":
            file.notes.append(f"line {number} skipped")
            continue
        stamp, _, text = line.partition("|")
        yield Record(
            artifact="notes",
            source=file.logical_path,
            locator=f"line {number}",
            time=datetime.fromtimestamp(int(stamp), UTC) if stamp else None,
            message=f"note {number}",
            fields={"text": text},
            observables=Observable.of(url=urls_in(text)),
            time_desc="Note written",
        )


NOTES = Artifact("notes", ("Notes/*.txt",), parse_notes)
ABSENT = Artifact("calendar_notes", ("Calendar/notes.txt",), parse_notes)


def suspicious(records) -> Iterator[Finding]:
    for record in records:
        if "suspicious" in record.fields.get("text", ""):
            yield Finding.heuristic(record, Severity.LOW, "a suspicious note")


CHECK = Check("suspicious_notes", reads=("notes",), run=suspicious)


@pytest.fixture
def acquisition(tmp_path):
    root = tmp_path / "acq"
    (root / "Notes").mkdir(parents=True)
    (root / "Notes" / "a.txt").write_text(
        "1700000300|see https://x.evil.example/landing now\n"
        "1700000100|nothing here\n"
        "|no time, suspicious\n"
    )
    (root / "Notes" / "b.txt").write_text("1700000200|fine\nODD\n")
    (root / "Notes" / "c.txt").write_text("BROKEN\n")
    return root


@pytest.fixture
def feeds(tmp_path):
    folder = tmp_path / "iocs" / "campaign"
    folder.mkdir(parents=True)
    (folder / "domains.txt").write_text("evil.example\n")
    return load_feeds([tmp_path / "iocs"])


def run(tmp_path, acquisition, feeds, name="out", fail_on=Severity.MEDIUM):
    output = tmp_path / name
    prepare_output(output, force=False)
    scratch = tmp_path / f"scratch-{name}"
    scratch.mkdir()
    source = FolderSource(acquisition, problems=["1 manifest row points at a missing file"])
    result = scan(
        source,
        feeds,
        output,
        scratch,
        artifacts=(NOTES, ABSENT),
        checks=(CHECK,),
        options=ScanOptions(fail_on=fail_on),
    )
    return output, result


def test_findings_json_follows_the_output_contract(tmp_path, acquisition, feeds):
    output, result = run(tmp_path, acquisition, feeds)
    document = json.loads((output / "findings.json").read_text())
    assert set(document) >= {
        "spytrace_version",
        "scanned_at",
        "acquisition",
        "indicators",
        "findings",
        "coverage",
    }
    assert document["acquisition"]["type"] == "ios_backup"
    assert document["indicators"][0]["count"] == 1
    ioc, heuristic = document["findings"]
    assert ioc["kind"] == "ioc" and ioc["severity"] == "high"
    assert ioc["observable"] == {"kind": "url", "value": "https://x.evil.example/landing"}
    assert ioc["indicator"]["value"] == "evil.example"
    assert ioc["indicator"]["pattern"] == "[domain-name:value='evil.example']"
    assert ioc["indicator"]["malware"] == "campaign"
    assert ioc["evidence"]["file"] == "Notes/a.txt"
    assert ioc["evidence"]["locator"] == "line 1"
    assert len(ioc["evidence"]["sha256"]) == 64
    assert ioc["time"] == "2023-11-14T22:18:20Z"
    assert heuristic["kind"] == "heuristic" and heuristic["rule"] == "suspicious_notes"
    assert heuristic["time"] is None
    assert result.exit_code == 1


def test_coverage_says_what_was_and_was_not_read(tmp_path, acquisition, feeds):
    output, _ = run(tmp_path, acquisition, feeds)
    coverage = json.loads((output / "coverage.json").read_text())["coverage"]
    assert coverage["calendar_notes"] == {"status": "absent", "records": 0}
    notes = coverage["notes"]
    assert notes["status"] == "partial"
    assert notes["records"] == 4
    assert notes["files"] == ["Notes/a.txt", "Notes/b.txt", "Notes/c.txt"]
    assert "Notes/b.txt: line 2 skipped" in notes["reasons"]
    assert "Notes/c.txt: line 1 is broken" in notes["reasons"]
    warnings = json.loads((output / "findings.json").read_text())["warnings"]
    assert any("missing file" in w for w in warnings)


def test_timeline_is_in_time_order_with_timesketch_fields(tmp_path, acquisition, feeds):
    output, _ = run(tmp_path, acquisition, feeds)
    rows = [json.loads(line) for line in (output / "timeline.jsonl").read_text().splitlines()]
    assert [r["datetime"] for r in rows] == [
        "2023-11-14T22:15:00Z",
        "2023-11-14T22:16:40Z",
        "2023-11-14T22:18:20Z",
    ]
    assert rows[2]["ioc"] == "campaign" and rows[0]["ioc"] == ""
    assert rows[0]["timestamp_desc"] == "Note written"
    assert rows[0]["timestamp"] == 1700000100 * 1_000_000
    header = (output / "timeline.csv").read_text().splitlines()[0]
    assert header == "datetime,timestamp,timestamp_desc,message,artifact,source,locator,ioc"


def test_every_record_is_kept_per_artifact(tmp_path, acquisition, feeds):
    output, result = run(tmp_path, acquisition, feeds)
    lines = (output / "records" / "notes.jsonl").read_text().splitlines()
    assert len(lines) == result.records == 4
    first = json.loads(lines[0])
    assert first["observables"] == [{"kind": "url", "value": "https://x.evil.example/landing"}]


def test_outputs_are_private(tmp_path, acquisition, feeds):
    output, _ = run(tmp_path, acquisition, feeds)
    assert stat.S_IMODE(output.stat().st_mode) == 0o700
    assert stat.S_IMODE((output / "records").stat().st_mode) == 0o700
    for path in output.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_same_input_same_bytes(tmp_path, acquisition, feeds):
    first, _ = run(tmp_path, acquisition, feeds, "one")
    second, _ = run(tmp_path, acquisition, feeds, "two")
    for name in ("timeline.csv", "timeline.jsonl", "records/notes.jsonl", "coverage.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    one = json.loads((first / "findings.json").read_text())
    two = json.loads((second / "findings.json").read_text())
    one.pop("scanned_at"), two.pop("scanned_at")
    assert one == two


def test_fail_on_sets_the_exit_code(tmp_path, acquisition, feeds):
    _, result = run(tmp_path, acquisition, feeds, fail_on=Severity.CRITICAL)
    assert result.exit_code == 0


def test_without_indicators_the_output_says_so(tmp_path, acquisition):
    output, _ = run(tmp_path, acquisition, load_feeds([]))
    document = json.loads((output / "findings.json").read_text())
    assert any("No indicators were loaded" in w for w in document["warnings"])
    assert [f["kind"] for f in document["findings"]] == ["heuristic"]


def test_a_parser_bug_costs_its_file_only(tmp_path, acquisition, feeds):
    def crashing(file: EvidenceFile) -> Iterator[Record]:
        yield from parse_notes(file)
        raise KeyError("surprise")

    output = tmp_path / "out"
    prepare_output(output, force=False)
    (tmp_path / "s").mkdir()
    result = scan(
        FolderSource(acquisition),
        feeds,
        output,
        tmp_path / "s",
        artifacts=(Artifact("notes", ("Notes/a.txt",), crashing),),
        checks=(),
    )
    [cover] = result.coverage
    assert cover.status.value == "partial" and cover.records == 3
    assert "notes parser stopped (KeyError" in cover.reasons[0]


def test_a_check_sees_only_the_records_it_selects(tmp_path, acquisition, feeds):
    seen = []

    def spy(records):
        seen.extend(r.locator for r in records)
        return iter(())

    output = tmp_path / "out"
    prepare_output(output, force=False)
    (tmp_path / "s").mkdir()
    scan(
        FolderSource(acquisition),
        feeds,
        output,
        tmp_path / "s",
        artifacts=(NOTES,),
        checks=(Check("spy", ("notes",), spy, select={"notes": ("suspicious",)}),),
    )
    assert seen == ["line 3"]


@pytest.mark.parametrize("shared_bytes", [64 << 20, 0])
def test_records_several_checks_read_whole_are_decoded_once(
    tmp_path, acquisition, feeds, monkeypatch, shared_bytes
):
    from spytrace import scan as scan_module

    decoded = []
    real = scan_module.record_from_json
    monkeypatch.setattr(scan_module, "record_from_json", lambda d: decoded.append(1) or real(d))
    monkeypatch.setattr(scan_module, "SHARED_BYTES", shared_bytes)
    seen: dict[str, list[str]] = {}

    def reader(name):
        def run(records):
            seen[name] = [r.locator for r in records]
            return iter(())

        return Check(name, reads=("notes",), run=run)

    checks = (CHECK, reader("second"), reader("third"))
    output = tmp_path / "out"
    prepare_output(output, force=False)
    (tmp_path / "scratch").mkdir()
    result = scan(
        FolderSource(acquisition), feeds, output, tmp_path / "scratch", artifacts=(NOTES,),
        checks=checks,
    )  # fmt: skip

    assert seen["second"] == seen["third"] == ["line 1", "line 2", "line 3", "line 1"]
    assert [f.rule for f in result.findings if f.rule] == ["suspicious_notes"]
    # Four records: decoded once for the three checks, or once per check when too large.
    assert len(decoded) == (4 if shared_bytes else 12)


def test_a_file_left_unhashed_is_hashed_by_one_run_the_first_that_reads_it(tmp_path):
    from spytrace.artifact_run import Job
    from spytrace.model import Artifact, EvidenceFile
    from spytrace.scan import _hashing_shared

    def job(name, *files):
        return Job(Artifact(name, (), lambda f: iter(())), files, planned=len(files))

    dump = EvidenceFile("dumpstate.txt", tmp_path / "d")
    props = EvidenceFile("getprop.txt", tmp_path / "g")
    copied = EvidenceFile("sms.db", tmp_path / "s", private_copy=True, sha256="ab" * 32)

    jobs = _hashing_shared([job("a", dump), job("b", dump, props, copied), job("c", props)])

    # dumpstate.txt is read by two artifacts and hashed once; the copy was hashed by the source.
    assert [j.to_hash for j in jobs] == [{"dumpstate.txt"}, {"getprop.txt"}, set()]


def test_a_file_that_cannot_be_hashed_is_said_in_coverage_and_the_run_goes_on(tmp_path):
    from spytrace.artifact_run import Job, run_job
    from spytrace.model import Artifact, EvidenceFile, Status

    gone = EvidenceFile("Library/gone.db", tmp_path / "gone.db")
    job = Job(
        Artifact("a", (), lambda f: iter(())),
        (gone,),
        planned=1,
        to_hash=frozenset({gone.logical_path}),
    )
    (tmp_path / "out" / "records").mkdir(parents=True)

    result = run_job(job, None, tmp_path / "out", tmp_path, False)

    assert result.hashes == {}
    assert result.coverage.status is Status.PARTIAL
    assert result.coverage.reasons == (
        "Library/gone.db: could not be hashed (No such file or directory)",
    )
