"""Công văn headers (số hiệu, issuer, place and date, V/v, Kính gửi), their numbers, Word 97 .doc."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.docnumbers import find_numbers, parse_reference, ref_matches
from index.letterhead import parse_letterhead
from index.loaders import load_file
from index.metadata import extract_metadata
from index.models import Extracted

SAMPLES = Path(__file__).parent / "data" / "samples"

# Columns one after the other (a DOCX header table), as OCR puts them side by side, and as
# antiword prints a table row.
STACKED = """UBND TỈNH QUẢNG TRỊ
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 1847/SGDĐT-GDTrH
V/v hướng dẫn tổ chức kiểm tra
giữa học kỳ I năm học 2026-2027
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Trị, ngày 16 tháng 9 năm 2026
Kính gửi:
- Hiệu trưởng các trường trung học phổ thông;
- Thủ trưởng các đơn vị trực thuộc.

Căn cứ Kế hoạch số 112/KH-SGDĐT ngày 20/8/2026, Sở hướng dẫn như sau."""
OCR_SIDE_BY_SIDE = """UBND TỈNH QUẢNG TRỊ_. CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Sô: 1847 /SGDĐT-GDTrH Quẳng Trị, ngày 16 tháng 9 năm 2026
-_ V/v hướng dẫn tổ chức kiểm tra giữa học kỳ I năm học 2026-2027
Kính gửi: Hiệu trưởng các trường trung học phổ thông.

Căn cứ Kế hoạch số 112/KH-SGDĐT ngày 20/8/2026, Sở hướng dẫn như sau."""


@pytest.mark.parametrize("text", [STACKED, OCR_SIDE_BY_SIDE])
def test_cong_van_header(text: str) -> None:
    head = parse_letterhead(text.split("\n"))
    assert head["number"] == "1847/SGDĐT-GDTrH"
    assert head["issuer"] == "Sở Giáo dục và Đào tạo Quảng Trị"
    assert head["issued"] == "2026-09-16"
    assert head["place"] in ("Quảng Trị", "Quẳng Trị")
    assert head["summary"] == "hướng dẫn tổ chức kiểm tra giữa học kỳ I năm học 2026-2027"
    assert head["recipients"].startswith("Hiệu trưởng các trường trung học phổ thông")
    assert head["doc_type"] == "Công văn"

    meta = extract_metadata("uploads/scan.pdf", Extracted(text, ocr_confidence=(91.0, 60.0)))
    assert meta["number"] == "1847/SGDĐT-GDTrH" and meta["doc_type"] == "Công văn"
    assert meta["title"].startswith("Công văn 1847/SGDĐT-GDTrH về việc hướng dẫn tổ chức")
    assert meta["issuer"] == "Sở Giáo dục và Đào tạo Quảng Trị"
    assert meta["cites"] == ("112/KH-SGDĐT",)
    assert meta["ocr_confidence"] == 75.5 and meta["ocr_low"] is False


def test_stacked_recipients_are_listed() -> None:
    head = parse_letterhead(STACKED.split("\n"))
    assert head["recipients"] == (
        "Hiệu trưởng các trường trung học phổ thông; Thủ trưởng các đơn vị trực thuộc"
    )


def test_plan_is_not_a_cong_van() -> None:
    head = parse_letterhead(["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 12/KH-SGDĐT", "KẾ HOẠCH"])
    assert head["number"] == "12/KH-SGDĐT" and head["doc_type"] is None


@pytest.mark.parametrize(
    ("number", "questions", "others"),
    [
        ("1847/SGDĐT-GDTrH", ["công văn 1847 của Sở", "cv 1847", "1847/SGDĐT"], ["nghị định 1847"]),
        ("2051/BGDĐT-GDPT", ["công văn số 2051/BGDĐT-GDPT", "cong van 2051"], ["thông tư 2051"]),
        ("356/UBND-VX", ["công văn 356/UBND-VX", "356/ubnd"], ["quyết định 356", "357/UBND-VX"]),
    ],
)
def test_unit_suffix_numbers_match(number: str, questions: list[str], others: list[str]) -> None:
    assert find_numbers(f"Thực hiện Công văn số {number} ngày 2/10/2026 của cấp trên") == [number]
    for question in questions:
        assert any(ref_matches(ref, number) for ref in parse_reference(question)), question
    for question in others:
        assert not any(ref_matches(ref, number) for ref in parse_reference(question)), question


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword is not installed")
def test_word97_doc_with_tables_and_legacy_fonts() -> None:
    extracted = load_file(SAMPLES / "cong-van-1902.doc")
    text = extracted.text
    assert "TT | Môn thi | Số vận động viên" in text and "1 | Điền kinh | 12" in text
    # Runs typed in .VnTime (TCVN3) and VNI-Times come out as Unicode.
    assert "Kinh phí tổ chức do nhà trường tự cân đối từ nguồn ngân sách được giao." in text
    assert "Học sinh đạt giải nhất được cộng điểm thưởng theo quy định hiện hành." in text
    meta = extract_metadata("cong-van-1902.doc", extracted)
    assert meta["number"] == "1902/SGDĐT-GDTrH" and meta["issued"] == "2026-10-02"
    assert meta["issuer"] == "Sở Giáo dục và Đào tạo Quảng Trị"
    assert meta["summary"] == "tổ chức Hội khỏe Phù Đổng cấp trường"


@pytest.mark.parametrize(
    "line", ["Số 1847/SGDĐT-GDTrH", "- Sô: 1847 / SGDĐT-GDTrH.", "S6:1847/SGDĐT- GDTrH"]
)
def test_number_line_as_ocr_garbles_it(line: str) -> None:
    head = parse_letterhead(["SỞ GIÁO DỤC VÀ ĐÀO TẠO", line, "Căn cứ Kế hoạch số 112/KH-SGDĐT"])
    assert head["number"] == "1847/SGDĐT-GDTrH"
    assert parse_letterhead(["Căn cứ Kế hoạch số 112/KH-SGDĐT ngày 20/8/2026"])["number"] is None
