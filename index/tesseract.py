"""Tesseract 5 with its Vietnamese model: one page image in, text and confidence out.

The page is prepared first (red channel so red stamps fade, small photos enlarged to 300 dpi,
speckle removed); a page read with low confidence is checked for rotation and read again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

LANG = "vie"
RETRY_BELOW = 60.0
"""A page read with a lower mean confidence is checked for rotation and read again."""
A4_WIDTH_PX = 2480
MIN_WIDTH_PX = 1800
"""Images narrower than this are enlarged to ``A4_WIDTH_PX`` (300 dpi) before OCR."""


class OcrUnavailable(RuntimeError):
    """Tesseract or its Vietnamese model is not installed."""


@dataclass(frozen=True)
class OcrPage:
    """Text of one OCR'd page and Tesseract's mean word confidence (0..100)."""

    text: str
    confidence: float


def available() -> bool:
    """True when the tesseract binary and the ``vie`` model are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        return LANG in pytesseract.get_languages(config="")
    except Exception:  # pytesseract missing, or tesseract failing to start
        return False


def _prepare(image: Image) -> Image:
    """Grey page at about 300 dpi with scanner grain removed, for Tesseract.

    The red channel is used, so red ink (the stamp over the signature and text) fades; small
    images (a compressed phone photo) are enlarged to an A4 width of 2480 px; a 3x3 median
    filter removes speckle (on noisy 150 dpi scans it divides the error rate by 40, see
    docs/MEASUREMENTS.md).
    """
    from PIL import Image as PILImage
    from PIL import ImageFilter, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGB", "RGBA", "P", "CMYK"):
        grey = image.convert("RGB").getchannel("R")
    else:
        grey = image.convert("L")
    if grey.width < MIN_WIDTH_PX:
        scale = A4_WIDTH_PX / grey.width
        grey = grey.resize((A4_WIDTH_PX, round(grey.height * scale)), PILImage.LANCZOS)
    return grey.filter(ImageFilter.MedianFilter(3))


def _recognise(image: Image) -> OcrPage:
    """One Tesseract pass: text with line breaks, and the mean word confidence."""
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang=LANG, config="--psm 3", output_type=pytesseract.Output.DICT
    )
    lines: dict[tuple[int, int, int], list[str]] = {}
    weights = scores = 0.0
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        weights += len(word)
        scores += conf * len(word)
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for (block, par, _), words in lines.items():
        if previous is not None and previous != (block, par):
            out.append("")  # blank line between paragraphs and blocks
        out.append(" ".join(words))
        previous = (block, par)
    return OcrPage("\n".join(out), round(scores / weights, 1) if weights else 0.0)


def _upright(image: Image) -> Image | None:
    """The page turned upright when Tesseract's orientation detection says it is rotated."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractError:  # too little text to tell
        return None
    angle = int(osd.get("rotate", 0))
    if angle == 0 or float(osd.get("orientation_conf", 0)) < 1.0:
        return None
    return image.rotate(-angle, expand=True)  # OSD gives clockwise degrees, PIL turns anticlockwise


def ocr_image(image: Image) -> OcrPage:
    """OCR one page image: text with line breaks, and the mean word confidence.

    A page read with low confidence is checked for a 90/180/270° rotation (a scan fed upside
    down, a photo taken sideways) and read again upright when that reads better.
    """
    prepared = _prepare(image)
    page = _recognise(prepared)
    if page.confidence < RETRY_BELOW or len(page.text) < 200:
        turned = _upright(prepared)
        if turned is not None:
            again = _recognise(turned)
            if again.confidence * len(again.text) > page.confidence * len(page.text):
                return again
    return page
