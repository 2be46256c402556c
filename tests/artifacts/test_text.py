import random
import re

import pytest

from spytrace.artifacts import text as text_module
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


def test_word_by_word_search_finds_what_the_whole_text_search_finds():
    # urls_in searches only the words holding a dot or a colon, with a lookahead that skips
    # other words: on random texts full of separators, schemes, dots and ports it must give
    # what one search of the whole text without the lookahead gives.
    lookahead = r"(?=[\w-]*+[.:])"
    assert lookahead in text_module._URL.pattern
    whole = re.compile(text_module._URL.pattern.replace(lookahead, ""), text_module._URL.flags)
    pieces = ["https://", "http://", "tel://", "www.", "evil", "x-y", ".com", ".jpg", ".org/a",
              ":8080", "/p?q=1", ".", ":", ",", " ", "\t", "\n", "\u00a0", "(", ")", '"', "<",
              "e.g.", "1.2", "a", "Z", "é", "-"]  # fmt: skip
    rng = random.Random(7)
    for _ in range(3000):
        sample = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        expected: dict[str, None] = {}
        for match in whole.finditer(sample):
            url = match.group(0).rstrip(text_module._TRAILING)
            host = url.split("/", 1)[0].split(":", 1)[0]
            if "://" in url or host.rsplit(".", 1)[-1].lower() not in text_module._NOT_TLDS:
                expected.setdefault(url, None)
        assert urls_in(sample) == list(expected), sample


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
