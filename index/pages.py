"""Paged documents: PDF (text layer, OCR where the layer is missing or garbage) and images (OCR).

Returns one text per page, so the loader can keep page numbers for citations, and the OCR
confidence of every page that was read by OCR.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from index import ocr
from index.errors import IngestError
from index.vnfonts import fix_text

logger = logging.getLogger(__name__)

_BROKEN = "tệp PDF hỏng hoặc bị khóa"
_NO_OCR = (
    "không có lớp chữ (bản scan): cần OCR, nhưng máy chủ chưa cài tesseract-ocr và "
    "tesseract-ocr-vie"
)
_IMAGE_NO_OCR = "tệp ảnh cần OCR, nhưng máy chủ chưa cài tesseract-ocr và tesseract-ocr-vie"
_NOTHING_READ = "không có lớp chữ và không nhận dạng được chữ nào (bản scan trắng hoặc quá mờ)"


@dataclass
class Paged:
    """Text per page, in-file metadata and the OCR confidence of each OCR'd page."""

    pages: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    confidence: list[float] = field(default_factory=list)


def read_pdf(path: Path, options: ocr.OcrOptions) -> Paged:
    """Text of every page of a PDF; pages without a usable text layer are OCR'd.

    Raises:
        IngestError: corrupt or locked file; a scan that cannot be OCR'd here.
    """
    import pymupdf

    try:
        doc = pymupdf.open(path)
    except Exception as exc:  # pymupdf raises its own FileDataError, RuntimeError, ...
        raise IngestError(_BROKEN) from exc
    with doc:
        if doc.needs_pass:
            raise IngestError(_BROKEN)
        try:
            pages, unusable = [], []
            for number, page in enumerate(doc):
                text = fix_text(page.get_text("text"))
                graphics = bool(page.get_images(full=False)) or bool(page.get_drawings())
                if not ocr.text_layer_usable(text, graphics):
                    unusable.append(number)
                pages.append(text)
        except Exception as exc:
            raise IngestError(_BROKEN) from exc
        title = ((doc.metadata or {}).get("title") or "").strip()
    meta = {"title": title} if len(title) > 10 else {}
    if not pages:
        raise IngestError(_BROKEN)
    confidence: list[float] = []
    if unusable and options.enabled:
        try:
            done = ocr.read_pages(path, unusable, options)
        except ocr.OcrUnavailable as exc:
            if len(unusable) == len(pages):
                raise IngestError(_NO_OCR) from exc
            logger.warning("%s: %d pages need OCR, tesseract missing", path, len(unusable))
            done = {}
        for number, page in done.items():
            if page.text.strip():
                pages[number] = page.text
                confidence.append(page.confidence)
    elif unusable and len(unusable) == len(pages):
        raise IngestError("không có lớp chữ (bản scan): cần OCR trước khi đưa vào")
    if unusable and not any(p.strip() for p in pages):
        raise IngestError(_NOTHING_READ)
    return Paged(pages, meta, confidence)


def read_image(path: Path, options: ocr.OcrOptions) -> Paged:
    """OCR a photo or scan saved as an image (every frame of a multi-page TIFF).

    Raises:
        IngestError: unreadable image, OCR missing, or no text recognised.
    """
    if not options.enabled:
        raise IngestError("ảnh cần OCR để đọc chữ")
    try:
        done = ocr.read_pages(path, None, options)
    except ocr.OcrUnavailable as exc:
        raise IngestError(_IMAGE_NO_OCR) from exc
    except OSError as exc:  # PIL.UnidentifiedImageError is an OSError
        raise IngestError("tệp ảnh hỏng hoặc không đọc được") from exc
    pages = [done[n].text for n in sorted(done)]
    if not any(p.strip() for p in pages):
        raise IngestError("không nhận dạng được chữ nào trong ảnh")
    return Paged(pages, {}, [done[n].confidence for n in sorted(done) if done[n].text.strip()])
