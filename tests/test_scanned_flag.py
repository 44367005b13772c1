"""A scan read with low OCR confidence is still indexed, and says so in its card and answers."""

from __future__ import annotations

from dataclasses import replace

from bot.formatting import document_card, html_to_text, source_line
from index.metadata import extract_metadata
from index.models import DocumentInfo, Extracted

NOTE = "văn bản quét, có thể sai chính tả"
DOC = DocumentInfo(
    doc_id="uploads/cong-van-1847.pdf",
    title="Công văn 1847/SGDĐT-GDTrH về việc hướng dẫn kiểm tra giữa học kỳ I",
    number="1847/SGDĐT-GDTrH",
    doc_type="Công văn",
    issuer="Sở Giáo dục và Đào tạo Quảng Trị",
    issued="2026-09-16",
    effective=None,
    summary="hướng dẫn kiểm tra giữa học kỳ I",
    cites=(),
    content_hash="0" * 64,
    size_chars=900,
    n_chunks=2,
    recipients="Hiệu trưởng các trường trung học phổ thông",
    ocr_confidence=61.0,
    ocr_low=True,
)


def test_low_confidence_flag_comes_from_the_pages() -> None:
    text = "Số: 1847/SGDĐT-GDTrH\nV/v hướng dẫn kiểm tra\nKính gửi: Hiệu trưởng các trường."
    low = extract_metadata("cv.pdf", Extracted(text, ocr_confidence=(70.0, 52.0)))
    assert low["ocr_confidence"] == 61.0 and low["ocr_low"] is True
    assert "ocr_confidence" not in extract_metadata("cv.txt", Extracted(text))


def test_flagged_scan_in_card_and_source_line() -> None:
    assert NOTE in html_to_text(source_line(DOC))
    card = html_to_text(document_card(DOC, []))
    assert NOTE in card and "Kính gửi: Hiệu trưởng" in card and "độ tin cậy 61%" in card
    good = replace(DOC, ocr_confidence=92.0, ocr_low=False)
    assert NOTE not in html_to_text(source_line(good))
    assert NOTE not in html_to_text(document_card(good, []))
    assert "độ tin cậy 92%" in html_to_text(document_card(good, []))
