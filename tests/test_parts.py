"""A listing read in parts by several processes gives exactly what one read gives."""

import pytest

from spytrace import parts
from spytrace.artifacts.android import files_json
from spytrace.iocs.loader import load_feeds
from spytrace.outputs.files import prepare_output
from spytrace.scan import ScanOptions, scan
from spytrace.testkit.fake_source import FolderSource
from spytrace.testkit.scenarios import androidqf_files


def scan_with(tmp_path, scenario, name, workers):
    output, scratch = tmp_path / name, tmp_path / f"{name}-scratch"
    prepare_output(output, force=False)
    scratch.mkdir()
    result = scan(
        FolderSource(scenario.path),
        load_feeds([scenario.indicators]),
        output,
        scratch,
        artifacts=(files_json.ARTIFACT,),
        checks=(),
        options=ScanOptions(workers=workers),
    )
    return result, output


@pytest.mark.parametrize(("files", "workers"), [(5000, 3), (1500, 3), (100, 2)])
def test_parts_joined_give_the_records_timeline_and_findings_of_one_read(
    tmp_path, monkeypatch, files, workers
):
    scenario = androidqf_files(tmp_path / "acquisition", files=files, planted=7)
    single, single_out = scan_with(tmp_path, scenario, "one", workers=1)
    monkeypatch.setattr(parts, "SPLIT_BYTES", 0)
    joined = []
    join = parts.join
    monkeypatch.setattr(
        parts, "join", lambda results, output: joined.append(len(results)) or join(results, output)
    )

    split, split_out = scan_with(tmp_path, scenario, "parts", workers=workers)

    assert joined == [workers]

    for name in ("records/android_files.jsonl", "timeline.csv", "timeline.jsonl"):
        assert (split_out / name).read_bytes() == (single_out / name).read_bytes(), name
    assert split.findings == single.findings and len(split.findings) == 7
    assert split.coverage == single.coverage and split.records == files
    assert not list((tmp_path / "parts-scratch").glob("*.part*"))  # the parts' files are gone


def test_a_small_file_or_an_artifact_without_a_part_reader_stays_whole(tmp_path):
    from spytrace.artifact_run import Job
    from spytrace.artifacts.ios import sms

    scenario = androidqf_files(tmp_path / "acquisition", files=10, planted=1)
    evidence = FolderSource(scenario.path).open("files.json")
    listing = Job(files_json.ARTIFACT, (evidence,), planned=1)

    assert parts.split(listing, 1 << 10, 4) == [listing]
    assert [j.part for j in parts.split(listing, parts.SPLIT_BYTES, 4)] == [0, 1, 2, 3]
    assert parts.split(Job(sms.ARTIFACT, (evidence,), planned=1), 1 << 30, 4)[0].parts == 1
