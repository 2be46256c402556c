"""Every parser and check module is in the catalog once, and every name is unique."""

import importlib
import pkgutil

import spytrace.artifacts
import spytrace.checks
from spytrace import catalog


def _modules_defining(package, attribute):
    found = set()
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        if hasattr(module, attribute):
            found.add(getattr(module, attribute))
    return found


def test_every_artifact_module_is_in_the_catalog():
    listed = set(catalog.IOS_ARTIFACTS) | set(catalog.ANDROID_ARTIFACTS)
    missing = {a.name for a in _modules_defining(spytrace.artifacts, "ARTIFACT")} - {
        a.name for a in listed
    }
    assert not missing, f"add to catalog.py: {sorted(missing)}"


def test_every_check_module_is_in_the_catalog():
    missing = {c.name for c in _modules_defining(spytrace.checks, "CHECK")} - {
        c.name for c in catalog.CHECKS
    }
    assert not missing, f"add to catalog.py: {sorted(missing)}"


def test_names_are_unique_across_platforms():
    names = [a.name for a in catalog.IOS_ARTIFACTS + catalog.ANDROID_ARTIFACTS]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    checks = [c.name for c in catalog.CHECKS]
    assert len(checks) == len(set(checks))


def test_checks_read_artifacts_that_exist():
    names = {a.name for a in catalog.IOS_ARTIFACTS + catalog.ANDROID_ARTIFACTS}
    for check in catalog.CHECKS:
        assert set(check.reads) <= names, (check.name, set(check.reads) - names)


def test_docs_catalog_is_up_to_date():
    from pathlib import Path

    from spytrace.catalog_doc import render

    written = Path(__file__).resolve().parents[1] / "docs" / "catalog.md"
    assert written.read_text() == render(), "run: python -m spytrace.catalog_doc"
