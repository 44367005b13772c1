"""Read scans and photos with Tesseract 5 (Vietnamese model), page by page, cached by content hash.

A PDF page is OCR'd when its text layer is missing or unusable: far too few characters for the
page, or mojibake from broken font maps. Images (.jpg .png .tif .webp ...) are always OCR'd.
Results are cached under ``<cache_dir>/<sha256>.json`` so an unchanged scan is read once, even
by a ``--full`` rebuild. Each page carries Tesseract's mean word confidence (0..100).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.tesseract import LANG, OcrPage, OcrUnavailable, available, ocr_image

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["OcrOptions", "OcrPage", "OcrUnavailable", "available", "ocr_image", "read_pages"]

logger = logging.getLogger(__name__)

DPI = 300
LOW_CONFIDENCE = 75.0
"""Documents whose mean word confidence is below this are flagged as possibly misspelt."""
CACHE_VERSION = 1
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
CACHE_FOLDER = "ocr-cache"
"""The OCR cache lives in ``<index_dir>/ocr-cache/`` and outlives builds."""
MIN_CHARS_PER_PAGE = 60
"""A text layer with fewer characters than this on a page that holds an image is not usable."""

PageProgress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each OCR'd page."""

# What a readable Vietnamese text layer is made of; a page where more than 15% of the
# characters are something else (symbols, private-use glyphs, replacement marks) is mojibake.
_PLAIN = re.compile(
    r"[0-9A-Za-z\u00c0-\u00ff\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169"
    r"\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9\u0300-\u0323"
    r"!-/:-@\[-`{-~\u2010-\u2026\u00a7\u00b0\u2022\u2116]"
)


@dataclass(frozen=True)
class OcrOptions:
    """How the loader runs OCR: where to cache results and whom to tell about progress."""

    cache_dir: Path | None = None
    progress: PageProgress | None = None
    enabled: bool = True


def text_layer_usable(text: str, has_graphics: bool) -> bool:
    """Whether a PDF page's extracted text can be indexed as it is.

    Args:
        text: What the text layer gives for the page (legacy fonts already converted).
        has_graphics: The page shows images or drawings (a scan is one big image).

    Returns:
        False for mojibake (symbols, replacement or private-use characters where letters should
        be) and for a page with graphics but far too few characters for a page of text.
    """
    stripped = "".join(text.split())
    if has_graphics and len(stripped) < MIN_CHARS_PER_PAGE:
        return False
    odd = sum(1 for ch in stripped if not _PLAIN.match(ch))
    return not stripped or odd <= 0.15 * len(stripped)


def _pdf_images(path: Path, pages: Iterable[int], dpi: int) -> Iterable[Image]:
    import pymupdf
    from PIL import Image as PILImage

    with pymupdf.open(path) as doc:
        for number in pages:
            pix = doc[number].get_pixmap(dpi=dpi, colorspace=pymupdf.csRGB, alpha=False)
            yield PILImage.frombytes("RGB", (pix.width, pix.height), pix.samples)


def _file_images(path: Path) -> list[Image]:
    from PIL import Image as PILImage
    from PIL import ImageSequence

    with PILImage.open(path) as image:
        return [frame.copy() for frame in ImageSequence.Iterator(image)]


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (the OCR cache key)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _cache_file(options: OcrOptions, digest: str) -> Path | None:
    return Path(options.cache_dir) / f"{digest}.json" if options.cache_dir else None


def _read_cache(cache: Path | None) -> tuple[dict[int, OcrPage], int | None]:
    """Pages cached for one file content, and its frame count for images (None if unknown)."""
    if cache is None or not cache.exists():
        return {}, None
    try:
        row = json.loads(cache.read_text(encoding="utf-8"))
        if row.get("version") != CACHE_VERSION or row.get("lang") != LANG:
            return {}, None
        return {int(k): OcrPage(**v) for k, v in row["pages"].items()}, row.get("frames")
    except (OSError, ValueError, TypeError, KeyError):
        logger.warning("unreadable OCR cache entry %s: OCR again", cache)
        return {}, None


def read_pages(path: Path, pages: list[int] | None, options: OcrOptions) -> dict[int, OcrPage]:
    """OCR the given pages of a PDF (``pages`` = 0-based numbers) or every frame of an image.

    Pages already in the cache for this file content are not OCR'd again; each new page is
    added to the cache as soon as it is read, so an interrupted build loses at most one page.

    Raises:
        OcrUnavailable: tesseract or the ``vie`` model is missing.
    """
    digest = file_digest(path)
    cache = _cache_file(options, digest)
    result, frames = _read_cache(cache)
    if pages is None and frames is not None and all(n in result for n in range(frames)):
        return {n: result[n] for n in range(frames)}
    if pages is not None and all(n in result for n in pages):
        return {n: result[n] for n in pages}
    if not available():
        raise OcrUnavailable("tesseract-ocr / tesseract-ocr-vie are not installed")
    images: Iterable[tuple[int, Image]]
    if pages is None:
        all_frames = _file_images(path)
        frames, pages = len(all_frames), list(range(len(all_frames)))
        images = [(n, img) for n, img in enumerate(all_frames) if n not in result]
    else:
        todo = [n for n in pages if n not in result]
        images = zip(todo, _pdf_images(path, todo, DPI), strict=True)
    total = sum(n not in result for n in pages)
    tick = options.progress or (lambda done, total: None)
    progress_file = cache.with_suffix(".progress") if cache is not None else None
    tick(0, total)
    _write_progress(progress_file, 0, total)
    for done, (number, image) in enumerate(images, start=1):
        result[number] = ocr_image(image)
        if cache is not None:
            _write_cache(cache, result, frames)
            _write_progress(progress_file, done, total)
        tick(done, total)
    if progress_file is not None:
        progress_file.unlink(missing_ok=True)
    return {n: result[n] for n in pages}


def _write_cache(cache: Path, pages: dict[int, OcrPage], frames: int | None) -> None:
    row = {
        "version": CACHE_VERSION,
        "lang": LANG,
        "dpi": DPI,
        "frames": frames,
        "pages": {str(n): asdict(p) for n, p in sorted(pages.items())},
    }
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        logger.warning("could not write the OCR cache %s", cache, exc_info=True)


def _write_progress(path: Path | None, done: int, total: int) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{done} {total}", encoding="utf-8")


@contextlib.contextmanager
def watch_progress(
    cache_dir: Path, digest: str, progress: PageProgress, interval: float = 0.5
) -> Iterator[None]:
    """Report the pages OCR'd for a file content by another process (a loader worker).

    The worker writes ``<digest>.progress`` in the cache folder after each page; a thread
    polls it while the block runs and calls ``progress(done, total)`` when it changes.
    """
    path = Path(cache_dir) / f"{digest}.progress"
    stop = threading.Event()

    seen: list[int] = []

    def poll() -> None:
        while not stop.wait(interval):
            try:
                done, total = (int(x) for x in path.read_text(encoding="utf-8").split())
            except (OSError, ValueError):
                continue
            if seen != [done, total]:
                seen[:] = [done, total]
                progress(done, total)

    watcher = threading.Thread(target=poll, name="ocr-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        if seen and seen[0] < seen[1]:
            progress(seen[1], seen[1])  # the last page finished between two polls


def cache_dir(index_dir: Path) -> Path:
    """The OCR cache folder of an index."""
    return Path(index_dir) / CACHE_FOLDER


def build_progress(
    index_dir: Path, path: Path, digest: str, tick: Callable[[str, int, int], None]
) -> contextlib.AbstractContextManager[None]:
    """Per-page "ocr" progress for a scan or image being read (in a worker) during a build."""
    if Path(path).suffix.lower() not in (".pdf", *IMAGE_SUFFIXES):
        return contextlib.nullcontext()
    return watch_progress(
        cache_dir(index_dir), digest, lambda done, total: tick("ocr", done, total)
    )
