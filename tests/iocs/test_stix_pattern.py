import pytest

from spytrace.iocs.stix_pattern import Comparison, PatternError, parse_pattern


def test_the_usual_single_comparison():
    assert parse_pattern("[domain-name:value='evil.com']") == [
        Comparison("domain-name:value", "evil.com")
    ]


def test_spaces_around_the_operator_and_inside_brackets():
    assert parse_pattern("[ process:name = 'bh' ]") == [Comparison("process:name", "bh")]


def test_quoted_hash_algorithm_is_unquoted_in_the_path():
    [comparison] = parse_pattern("[file:hashes.'SHA-256'='AB12']")
    assert comparison == Comparison("file:hashes.SHA-256", "AB12")


def test_value_holding_equals_sign_spaces_and_escaped_quotes():
    [comparison] = parse_pattern(r"[url:value='https://x.com/?a=b&c=d it\'s \\ here']")
    assert comparison.value == "https://x.com/?a=b&c=d it's \\ here"


def test_or_inside_one_observation():
    assert parse_pattern("[domain-name:value='a.com' OR domain-name:value='b.com']") == [
        Comparison("domain-name:value", "a.com"),
        Comparison("domain-name:value", "b.com"),
    ]


def test_or_between_observations_and_in_lists():
    found = parse_pattern("[process:name='a'] OR [process:name IN ('b', 'c')]")
    assert [c.value for c in found] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("[domain-name:value='a.com' AND domain-name:value='b.com']", "AND"),
        ("[process:name='a'] AND [process:name='b']", "AND"),
        ("[process:name='a'] FOLLOWEDBY [process:name='b']", "FOLLOWEDBY"),
        ("[process:name='a'] WITHIN 5 SECONDS", "WITHIN"),
        ("[domain-name:value LIKE '%.evil.com']", "LIKE"),
        ("[domain-name:value != 'a.com']", "!="),
        ("[NOT domain-name:value = 'a.com']", "NOT"),
        ("[domain-name:value='unterminated]", "expected string"),
        ("domain-name:value='no brackets'", "expected"),
    ],
)
def test_what_cannot_be_matched_says_why(pattern, reason):
    with pytest.raises(PatternError, match=reason):
        parse_pattern(pattern)
