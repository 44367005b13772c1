"""Document numbers: finding them in text, canonical keys, loose references and matching."""

from __future__ import annotations

import pytest

from index.docnumbers import NumberRef, find_numbers, number_key, parse_reference, ref_matches

NEWS = (
    "Thực hiện Nghị quyết số 29-NQ/TW ngày 04 tháng 11 năm 2013, Kết luận số 51-KL/TW "
    "ngày 30/5/2019 và Chỉ thị số 05-CT/TW của Bộ Chính trị; Phòng GD&ĐT đã ban hành "
    "Kế hoạch số 12/KH-GD&ĐT ngày 02/02/2018. Lộ trình thực hiện Thông tư 17, 18, 19 về "
    "kiểm định; quán triệt Nghị quyết số 29 của Trung ương."
)
LEGAL = (
    "Căn cứ Luật Giáo dục số 43/2019/QH14; Nghị định 66/2026/NĐ-CP và 182/2026/NĐ-CP; "
    "Nghị định số 21/2021/NĐ-CP; Nghị quyết 02/2022/NQ-HĐTP; Quyết định 1255/QĐ-TTg; "
    "sửa đổi Thông tư số 15/2025/TT-BGDĐT."
)


def test_find_numbers_finds_every_form_in_order() -> None:
    assert find_numbers(NEWS) == [
        "29-NQ/TW",
        "51-KL/TW",
        "05-CT/TW",
        "12/KH-GD&ĐT",
        "Thông tư 17",
        "Thông tư 18",
        "Thông tư 19",
        "Nghị quyết 29",
    ]
    assert find_numbers(LEGAL) == [
        "43/2019/QH14",
        "66/2026/NĐ-CP",
        "182/2026/NĐ-CP",
        "21/2021/NĐ-CP",
        "02/2022/NQ-HĐTP",
        "1255/QĐ-TTg",
        "15/2025/TT-BGDĐT",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Sáng 25/04/2014, Hội nghị khai mạc",
        "chiếm 1/2 số phiếu, tỷ lệ 3/4",
        "liên hệ 0912.345.678 hoặc 024-3869-4321",
        "đầu tư 8.000.000.000 đồng, năm học 2019 - 2020",
        "Trung tâm GDNN - GDTX, lớp 10 - THPT, dạy 2 buổi/ngày",
        "Điều 5.2.NĐ.2.1. Phạm vi điều chỉnh",
        "hợp đồng tín dụng số 6360-LAV-200900957",
        "trước khi quyết định\n2. Nguyên tắc tuyển chọn; căn cứ pháp luật 1 lần",
        "Luật Giáo dục 2019, Luật 2019",
    ],
)
def test_find_numbers_ignores_dates_money_phones_and_prose(text: str) -> None:
    assert find_numbers(text) == []


def test_find_numbers_deduplicates_by_key_and_tidies_spacing() -> None:
    text = "Số: 59 /2026/TT-BGDĐT; theo Thông tư 59/2026/TT-BGDĐT và 29 - NQ/TW, 29-NQ/TW"
    assert find_numbers(text) == ["59/2026/TT-BGDĐT", "29-NQ/TW"]


def test_find_numbers_drops_footnote_mark_glued_to_code() -> None:
    assert find_numbers("ÁN LỆ SỐ 43/2021/AL1\nLuật số 91/2015/QH13") == [
        "43/2021/AL",
        "91/2015/QH13",
    ]


def test_number_key_is_spacing_case_and_accent_insensitive() -> None:
    assert number_key("29-NQ/TW") == number_key("29 - NQ/TW") == number_key("số 29-nq/tw")
    assert number_key("66/2026/NĐ-CP") == number_key("Số: 66/2026/nd-cp")
    assert number_key("66/2026/NĐ-CP") != number_key("66/2025/NĐ-CP")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29-NQ/TW", NumberRef("29", None, frozenset({"NQ", "TW"}))),
        ("29 NQ/TW", NumberRef("29", None, frozenset({"NQ", "TW"}))),
        ("nghi quyet 29", NumberRef("29", None, frozenset({"NQ"}))),
        ("Nghị quyết số 29", NumberRef("29", None, frozenset({"NQ"}))),
        ("nq29", NumberRef("29", None, frozenset({"NQ"}))),
        ("66/2026", NumberRef("66", "2026", frozenset())),
        ("nđ 66/2026/NĐ-CP", NumberRef("66", "2026", frozenset({"ND", "CP"}))),
        ("thông tư 17", NumberRef("17", None, frozenset({"TT"}))),
        ("/vanban 66/2026", NumberRef("66", "2026", frozenset())),
        ("Thông tư 06/2026/TT-BGDĐT", NumberRef("6", "2026", frozenset({"TT", "BGDDT"}))),
    ],
)
def test_parse_reference_loose_forms(text: str, expected: NumberRef) -> None:
    assert parse_reference(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2026", "5", "năm 2026 có gì mới", "lớp 5 học mấy buổi", "",
        # a code with a digit inside a word: the priority zone "KV2-NT", not document 2-NT
        "HS ở KV2-NT được cộng bao nhiêu điểm", "KV1/2026",
    ],
)
def test_bare_numbers_are_not_references(text: str) -> None:
    assert parse_reference(text) == []


def test_parse_reference_lists_and_mixed_questions() -> None:
    refs = parse_reference("so sánh thông tư 17, 18 và 19 với nghị định 66/2026")
    assert [(r.num, r.year) for r in refs] == [
        ("17", None),
        ("18", None),
        ("19", None),
        ("66", "2026"),
    ]
    assert all("TT" in r.codes for r in refs[:3]) and "ND" in refs[3].codes


@pytest.mark.parametrize(
    ("query", "number", "expected"),
    [
        ("thông tư 17", "17/2012/TT-BGDĐT", True),
        ("thông tư 17", "17/2012/NĐ-CP", False),
        ("nghị quyết 29", "29-NQ/TW", True),
        ("29 nq/tw", "29-NQ/TW", True),
        ("66/2026", "66/2026/NĐ-CP", True),
        ("66/2025", "66/2026/NĐ-CP", False),
        ("nđ 66", "67/2026/NĐ-CP", False),
        ("thông tư 06/2026", "6/2026/TT-BGDĐT", True),
        ("luật 43/2019", "43/2019/QH14", True),
        ("nghị quyết 248/2025", "248/2025/QH15", True),
        ("nghị quyết 29", "Nghị quyết 29", True),
        ("nghị định 29", "Nghị quyết 29", False),
    ],
)
def test_ref_matches(query: str, number: str, expected: bool) -> None:
    (ref,) = parse_reference(query)
    assert ref_matches(ref, number) is expected
