"""The one normaliser, the folded form and the BM25 tokenizer."""

from __future__ import annotations

import unicodedata

import pytest

from index.textnorm import fold, has_tone_marks, normalize, normalize_line, tokens


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("hoà bình", "hòa bình"),
        ("thuý", "thúy"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("hòang", "hoàng"),  # a final consonant moves the mark to the last vowel
        ("quý", "quý"),  # "qu" owns its u
        ("gìn giữ", "gìn giữ"),
        ("người", "người"),
        ("HOÀ", "HÒA"),
        ("Thuỷ", "Thủy"),
        ("khuyến khích", "khuyến khích"),
        ("ngoài", "ngoài"),
    ],
)
def test_one_tone_mark_convention(typed, canonical):
    assert normalize(typed) == canonical


def test_nfd_input_becomes_nfc():
    decomposed = unicodedata.normalize("NFD", "Giáo dục và Đào tạo")
    assert normalize(decomposed) == "Giáo dục và Đào tạo"
    assert unicodedata.is_normalized("NFC", normalize(decomposed))


def test_spaces_dashes_and_invisible_characters_fold():
    assert normalize_line("Kế\u00a0hoạch  số 12\u2013KH \u200b\n nhé") == "Kế hoạch số 12-KH nhé"
    assert normalize("a\n\n\n\nb") == "a\n\nb"


def test_fold_drops_every_mark_and_maps_d():
    assert fold("Giáo viên THCS được phụ cấp") == "giao vien thcs duoc phu cap"
    assert fold("ĐÀO TẠO") == "dao tao"
    assert has_tone_marks("phụ cấp") and not has_tone_marks("phu cap")


def test_tokens_keep_one_letter_syllables_and_no_stop_words():
    toks = tokens("ở trường và ý kiến")
    assert "o" in toks and "~ở" in toks and "y" in toks and "va" in toks


def test_accented_and_plain_questions_share_folded_tokens():
    accented = set(tokens("giáo viên được phụ cấp"))
    plain = set(tokens("giao vien duoc phu cap"))
    assert plain <= accented
    assert "phu_cap" in plain
