"""The one normaliser, the folded form and the BM25 tokenizer."""

from __future__ import annotations

import unicodedata

import pytest

from index.textnorm import (
    fold,
    folded_syllables,
    has_tone_marks,
    normalize,
    normalize_line,
    syllables,
    tokens,
)


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


@pytest.mark.parametrize(
    "text",
    [
        "ĐIỀU 3. Mức phụ cấp ưu đãi 45% (Giáo viên THCS) — khoản 2, điểm đ",
        "Nghị định số 66/2026/NĐ-CP ngày 01/3/2026; “Quy chế” …",
        "Thời gian tập sự: 12 tháng. ĐĂNG KÝ Dự THI Ở ĐÂU?",
    ],
)
def test_folded_syllables_are_the_syllables_folded_one_by_one(text):
    # Folding the whole text once must split into exactly the words of folding each word.
    assert folded_syllables(text) == [fold(w) for w in syllables(text)]
