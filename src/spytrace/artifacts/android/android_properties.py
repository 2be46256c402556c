"""Every Android system property with its value (getprop.txt or the dumpstate's SYSTEM PROPERTIES).

One record per property; its name is an `android_property` observable (feeds publish
properties set by spyware, e.g. Predator's). The device summary is the `getprop` artifact.
"""

from __future__ import annotations

from collections.abc import Iterator

from spytrace.artifacts.android import getprop_text
from spytrace.model import Artifact, EvidenceFile, Observable, Record

NAME = "android_properties"
PATHS = getprop_text.PATHS


def parse(file: EvidenceFile) -> Iterator[Record]:
    for number, name, value in getprop_text.properties(file):
        yield Record(
            artifact=NAME,
            source=file.logical_path,
            locator=f"line {number}",
            time=None,
            message=f"{name} = {value}" if len(value) <= 120 else f"{name} = {value[:117]}...",
            fields={"property": name, "value": value},
            observables=Observable.of(android_property=name),
        )


ARTIFACT = Artifact(NAME, PATHS, parse)
