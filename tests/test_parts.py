"""A listing read in parts by several processes gives exactly what one read gives."""

import pytest

from spytrace import parts
from spytrace.artifacts.android import files_json
from spytrace.iocs.loader import load_feeds
from spytrace.model import Check
from spytrace.outputs.files import prepare_output
from spytrace.outputs.records_jsonl import selected_offsets
from spytrace.scan import ScanOptions, scan
from spytrace.testkit.fake_source import FolderSource
from spytrace.testkit.scenarios import androidqf_files

# A check reading back every listed file whose line holds "7" or "/dcim/": many lines, in
# every part, so their offsets must come through the join exactly.
SELECTING = Check(
    "selecting",
    reads=("android_files",),
    run=lambda records: iter(()),
    select={"android_files": ("7", "/DCIM/")},
)


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
        checks=(SELECTING,),
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
        parts,
        "join",
        lambda results, output: (
            joined.append((len(results), join(results, output))) or joined[-1][1]
        ),
    )

    split, split_out = scan_with(tmp_path, scenario, "parts", workers=workers)

    [(count, result)] = joined
    assert count == workers
    listing = split_out / "records/android_files.jsonl"
    expected = selected_offsets(listing, {"": SELECTING.select["android_files"]})[""]
    assert list(result.selected["selecting"]) == expected and len(expected) > files // 10

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
