"""GB 32100-2015 rules, with real published codes and corrupted copies."""

import pytest
from django.utils import translation

from identity import uscc

# Real codes published by their holders (business licences printed on public sites).
REAL_CODES = [
    "91110000802100433B",  # the DOMAIN.md example
    "91110000100000411J",  # a Beijing municipal-level registration
    "91310000MA1FL3GA3Q",  # a Shanghai code: valid, not Beijing
]


def test_check_character_of_the_domain_example():
    assert uscc.check_character("91110000802100433") == "B"


@pytest.mark.parametrize("code", ["91110000802100433B"])
def test_real_beijing_code_passes(code):
    result = uscc.check(code)
    assert result.valid and result.beijing
    assert result.errors == []


def test_lower_case_and_spaces_are_normalised():
    result = uscc.check("  91110000802100433b ")
    assert result.valid and result.code == "91110000802100433B"


def test_wrong_check_character_names_the_expected_one():
    result = uscc.check("91110000802100433C")
    assert not result.valid
    assert result.rules == [uscc.RULE_CHECK]
    with translation.override("en"):
        assert "should be B, not C" in uscc.check("91110000802100433C").messages[0]


@pytest.mark.parametrize("code,missing", [("9111000080210043B", 17), ("91110000802100433BB", 19), ("", 0)])
def test_wrong_length(code, missing):
    result = uscc.check(code)
    assert not result.valid
    assert uscc.RULE_LENGTH in result.rules
    with translation.override("en"):
        assert f"has {missing}" in uscc.check(code).messages[0]


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "*", "中"])
def test_forbidden_characters(bad):
    code = "91110000802100433B"
    corrupted = code[:10] + bad + code[11:]
    result = uscc.check(corrupted)
    assert not result.valid
    assert result.rules == [uscc.RULE_CHARSET]
    with translation.override("en"):
        assert bad in uscc.check(corrupted).messages[0]


def test_every_single_character_substitution_is_caught():
    """The check character detects every single-character error of a real code."""
    code = "91110000802100433B"
    for i in range(17):
        for c in uscc.ALPHABET:
            if c == code[i]:
                continue
            assert not uscc.check(code[:i] + c + code[i + 1:]).valid, (i, c)


def test_transposition_is_caught():
    code = "91110000802100433B"
    swapped = code[:8] + code[9] + code[8] + code[10:]
    assert swapped != code
    assert not uscc.check(swapped).valid


def test_not_beijing_is_valid_but_flagged():
    shanghai = uscc.make_code("9", "1", "310115", "MA1FL3GA")
    result = uscc.check(shanghai)
    assert result.valid and not result.beijing
    assert result.rules == [uscc.RULE_BEIJING]
    assert uscc.check(shanghai, require_beijing=False).errors == []


def test_messages_in_chinese_and_english():
    with translation.override("zh-hans"):
        zh = uscc.check("91110000802100433C").messages[0]
    with translation.override("en"):
        en = uscc.check("91110000802100433C").messages[0]
    assert "校验" in zh
    assert "check character" in en


def test_make_code_builds_valid_codes_with_gb11714_org_check():
    code = uscc.make_code("9", "1", "110108", "MA01JQD0")
    assert uscc.check(code).valid
    # GB 11714 example: 12345678 → check 8 (weights 3 7 9 10 5 8 4 2)
    assert uscc.org_code_check("12345678") == str((11 - (3 + 14 + 27 + 40 + 25 + 48 + 28 + 16) % 11) % 11)
