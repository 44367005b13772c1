"""Make test scans: typeset Vietnamese pages, then print-and-scan them into image-only files.

Used by the OCR tests and by ``scripts/make_scans.py``. Pages are typeset with pymupdf's HTML
boxes (its built-in Noto fonts cover Vietnamese), rasterised at a chosen dpi and degraded like
an office scan: a slight skew, grain, a red stamp over text, JPEG artefacts; or, for a phone
photo, a perspective warp and uneven light.
"""

from __future__ import annotations

import html
import io
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageDraw, ImageFilter

A4 = pymupdf.paper_rect("a4")
_CSS = "* {font-family: serif; font-size: 13pt; line-height: 1.35} p {text-align: justify}"


@dataclass(frozen=True)
class Letter:
    """The parts of a công văn page."""

    issuer: tuple[str, str]
    number: str
    subject: tuple[str, ...]
    place_date: str
    recipients: str
    body: tuple[str, ...]


def letter_pdf(letter: Letter, path: Path) -> Path:
    """Typeset a one-page công văn (text PDF) the way Sở and Phòng letters are laid out."""
    doc = pymupdf.open()
    page = doc.new_page(width=A4.width, height=A4.height)
    esc = html.escape
    left = (
        f"<p style='text-align:center'>{esc(letter.issuer[0])}<br/><b>{esc(letter.issuer[1])}"
        f"</b></p><p style='text-align:center'>Số: {esc(letter.number)}<br/>"
        + "<br/>".join(esc(s) for s in letter.subject)
        + "</p>"
    )
    right = (
        "<p style='text-align:center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>"
        "Độc lập - Tự do - Hạnh phúc</b></p><p style='text-align:center'><i>"
        f"{esc(letter.place_date)}</i></p>"
    )
    page.insert_htmlbox(pymupdf.Rect(50, 50, 260, 200), left, css=_CSS.replace("13pt", "12pt"))
    page.insert_htmlbox(pymupdf.Rect(265, 50, 560, 200), right, css=_CSS.replace("13pt", "12pt"))
    body = f"<p style='text-align:center'>Kính gửi: {esc(letter.recipients)}</p>" + "".join(
        f"<p>{esc(p)}</p>" for p in letter.body
    )
    page.insert_htmlbox(pymupdf.Rect(70, 210, 540, 800), body, css=_CSS)
    doc.save(path)
    return path


def text_pdf(paragraphs: list[str], path: Path, max_pages: int = 2) -> Path:
    """Typeset paragraphs onto at most ``max_pages`` A4 pages (a text PDF)."""
    story = pymupdf.Story("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs), user_css=_CSS)
    writer = pymupdf.DocumentWriter(str(path))
    more, pages = 1, 0
    while more and pages < max_pages:
        device = writer.begin_page(A4)
        more, _ = story.place(pymupdf.Rect(70, 60, A4.width - 60, A4.height - 60))
        story.draw(device)
        writer.end_page()
        pages += 1
    writer.close()
    return path


def page_texts(pdf: Path) -> list[str]:
    """The text layer of each page (the reference an OCR result is compared with)."""
    with pymupdf.open(pdf) as doc:
        return [page.get_text("text") for page in doc]


def _stamp(image: Image.Image, seed: int) -> Image.Image:
    """A red round seal, multiplied over the text near the signature (ink over ink)."""
    rng = random.Random(seed)
    w, h = image.size
    size = int(w * 0.2)
    layer = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(layer)
    x, y = int(w * 0.55) + rng.randint(0, w // 20), int(h * 0.28) + rng.randint(0, h // 20)
    for r, width in ((size // 2, max(3, size // 40)), (size // 2 - size // 8, max(2, size // 60))):
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(215, 40, 40), width=width)
    draw.regular_polygon((x, y, size // 10), 5, fill=(215, 40, 40))
    return Image.fromarray(
        (np.asarray(image, np.float32) * np.asarray(layer, np.float32) / 255).astype(np.uint8)
    )


def degrade(
    image: Image.Image, *, noise: float, skew: float, jpeg: int, stamp: bool, seed: int = 0
) -> Image.Image:
    """Office-scan defects: red stamp, rotation by ``skew`` degrees, grain, JPEG quality."""
    if stamp:
        image = _stamp(image, seed)
    if skew:
        image = image.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor="white")
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.asarray(image, np.float32)
        pixels += rng.normal(0, noise, pixels.shape[:2])[..., None]
        speckle = rng.random(pixels.shape[:2]) < noise / 4000
        pixels[speckle] = 60
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=jpeg)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def photo(image: Image.Image, seed: int = 0) -> Image.Image:
    """A phone photo of a page: perspective, uneven light, slight blur, on a grey desk."""
    rng = random.Random(seed)
    w, h = image.size
    d = [rng.uniform(0.01, 0.04) for _ in range(4)]
    quad = (w * d[0], h * d[1], w * d[2], h * (1 - d[3]), w * (1 - d[1]), h * (1 - d[0]),
            w * (1 - d[3]), h * d[2])  # fmt: skip
    warped = image.transform(image.size, Image.QUAD, quad, Image.BICUBIC, fillcolor=(120, 120, 120))
    light = np.linspace(1.0, 0.82, w, dtype=np.float32)[None, :, None]
    pixels = np.asarray(warped, np.float32) * light
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.6)
    )


def render(pdf: Path, dpi: int) -> list[Image.Image]:
    """Rasterise every page of a PDF at ``dpi``."""
    with pymupdf.open(pdf) as doc:
        out = []
        for page in doc:
            pix = page.get_pixmap(dpi=dpi, alpha=False)
            out.append(Image.frombytes("RGB", (pix.width, pix.height), pix.samples))
        return out


def image_pdf(images: list[Image.Image], dpi: int, path: Path, quality: int = 85) -> Path:
    """An image-only PDF (no text layer), one JPEG page per image, page size from ``dpi``."""
    doc = pymupdf.open()
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        page = doc.new_page(width=image.width * 72 / dpi, height=image.height * 72 / dpi)
        page.insert_image(page.rect, stream=buffer.getvalue())
    doc.save(path)
    return path


def scan_pdf(
    source: Path, path: Path, dpi: int = 200, *, noise: float = 12.0, skew: float = 0.8,
    jpeg: int = 70, stamp: bool = True,
) -> Path:  # fmt: skip
    """Print-and-scan a text PDF into an image-only PDF."""
    pages = [
        degrade(img, noise=noise, skew=skew, jpeg=jpeg, stamp=stamp and n == 0, seed=n)
        for n, img in enumerate(render(source, dpi))
    ]
    return image_pdf(pages, dpi, path)


SAMPLE_LETTER = Letter(
    issuer=("UBND TỈNH QUẢNG TRỊ", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
    number="1847/SGDĐT-GDTrH",
    subject=("V/v hướng dẫn tổ chức kiểm tra", "giữa học kỳ I năm học 2026-2027"),
    place_date="Quảng Trị, ngày 16 tháng 9 năm 2026",
    recipients="Hiệu trưởng các trường trung học phổ thông",
    body=(
        "Căn cứ Kế hoạch số 112/KH-SGDĐT ngày 20 tháng 8 năm 2026 của Sở Giáo dục và Đào tạo "
        "về thực hiện nhiệm vụ năm học 2026-2027, Sở hướng dẫn các trường tổ chức kiểm tra "
        "giữa học kỳ I như sau.",
        "1. Thời gian kiểm tra từ ngày 26 tháng 10 đến ngày 31 tháng 10 năm 2026.",
        "2. Đề kiểm tra môn Toán gồm 30% trắc nghiệm và 70% tự luận; thời gian làm bài 90 phút.",
        "3. Học sinh khuyết tật học hòa nhập được kéo dài thời gian làm bài thêm 15 phút.",
        "4. Các trường gửi báo cáo kết quả về Phòng Giáo dục Trung học trước ngày 10 tháng 11 "
        "năm 2026 qua hộp thư điện tử của Sở.",
        "Nhận được công văn này, đề nghị Hiệu trưởng các trường triển khai thực hiện.",
    ),
)
"""A fictitious letter of the Sở; each numbered point is a fact only its image holds."""
