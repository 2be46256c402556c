import pytest

from spytrace.artifacts.text import contact_observables, urls_in
from spytrace.model import Observable


def test_links_with_and_without_a_scheme_in_order_each_once():
    text = "Check https://evil.com/a?b=1, then www.x.org. Again https://evil.com/a?b=1 and fgr1w2gnsdvsb.xyz/x!"
    assert urls_in(text) == ["https://evil.com/a?b=1", "www.x.org", "fgr1w2gnsdvsb.xyz/x"]


@pytest.mark.parametrize(
    "text", ["photo.jpg attached", "e.g. version 1.2.3", "report.pdf", "", None]
)
def test_file_names_versions_and_nothing_are_no_links(text):
    assert urls_in(text) == []


def test_handles_and_uris_become_emails_and_phones():
    found = contact_observables(
        ["mailto:Anna@example.org", "tel:+1 (555) 010-0123", "+15550100", "anna@example.org",
         "chat123456789", "Anna Smith", None, "not an@email", "12345"]
    )  # fmt: skip
    assert found == (
        Observable("email", "Anna@example.org"),
        Observable("phone", "+1 (555) 010-0123"),
        Observable("phone", "+15550100"),
        Observable("email", "anna@example.org"),
        Observable("phone", "12345"),
    )
