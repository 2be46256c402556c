"""androidqf selinux.txt: the SELinux mode `getenforce` reported (Enforcing or Permissive).

A permissive SELinux lets any process reach what the policy forbids; retail phones enforce.
"""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.model import Artifact, EvidenceFile, Record

NAME = "android_selinux"
PATHS = ("selinux.txt",)


def parse(file: EvidenceFile) -> Iterator[Record]:
    text = file.path.read_bytes()[:200].decode("utf-8", "replace").strip()
    if not text:
        return
    mode = text.splitlines()[0].strip()
    yield Record(
        artifact=NAME,
        source=file.logical_path,
        locator="line 1",
        time=None,
        message=f"SELinux is {mode}",
        fields={"mode": mode.lower()},
    )


ARTIFACT = Artifact(NAME, PATHS, parse)
