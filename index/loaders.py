"""Load one document file into an :class:`Extracted`: text, metadata found in the file, pages.

Plain text, Markdown, HTML, PDF (text layer, OCR for scanned pages), images (OCR), DOCX and
Word 97 DOC are supported. Text in TCVN3/VNI legacy fonts is converted to Unicode. Every text
goes through :func:`index.clean.clean_text` then :func:`index.textnorm.normalize`. What a user
can get wrong (a corrupt file, a scan where OCR is not installed) raises :class:`IngestError`
with a short Vietnamese reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from index import msword, pages, vnfonts
from index.clean import clean_text, continues, rejoin_wrapped, repair_pages, strip_markdown
from index.errors import IngestError
from index.models import Extracted
from index.ocr import IMAGE_SUFFIXES, OcrOptions
from index.safety import ArchiveRefused, check_archive
from index.textnorm import normalize

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from selectolax.lexbor import LexborNode as Node

logger = logging.getLogger(__name__)

_TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".doc")
SUPPORTED_SUFFIXES = _TEXT_SUFFIXES + IMAGE_SUFFIXES
PAGE_MARK = "\ue000"
"""Private-use character put on its own line before each PDF page, removed after cleaning."""

# Characters that Vietnamese Unicode text never contains but TCVN3 (ABC) or VNI text read as a
# Windows code page is full of ("Céng hoµ x· héi", "Coäng hoøa xaõ hoäi").
_LEGACY = set("µ¸¶·¹¨»¾¼½©ª«¬®ÆÇÑÖ×ØÜÞßäåæçëîïñöøûüÄÅËÏÎÛ÷")

__all__ = ["SUPPORTED_SUFFIXES", "IngestError", "OcrOptions", "iter_documents", "load_file"]


def iter_documents(root: Path) -> Iterator[Path]:
    """Yield indexable files under ``root``, recursively and sorted.

    Names starting with "." or "_" (files or folders) are skipped; a file with an unknown
    suffix is skipped with a warning naming it.
    """
    root = Path(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            logger.warning("Bỏ qua tệp định dạng không hỗ trợ: %s", rel.as_posix())
            continue
        yield path


def decode_bytes(data: bytes) -> str:
    """Decode text bytes: BOM, UTF-16 without BOM, UTF-8, TCVN3/VNI bytes converted to Unicode,
    else Windows-1258 (Vietnamese)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[:4096]
    if sample and sample.count(0) > len(sample) // 5:
        odd_nuls = sample[1::2].count(0)
        even_nuls = sample[0::2].count(0)
        return data.decode("utf-16-le" if odd_nuls >= even_nuls else "utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        legacy = vnfonts.detect(data.decode("latin-1"))
        if legacy:
            return vnfonts.convert(data.decode("latin-1"), legacy)
        return data.decode("cp1258", errors="replace")


def _check_legacy_encoding(text: str) -> None:
    sample = text[:200_000]
    letters = sum(ch.isalpha() for ch in sample)
    odd = sum(sample.count(ch) for ch in _LEGACY)
    if odd >= 10 and odd > 0.02 * max(letters, 1):
        raise IngestError("mã hóa cũ (TCVN3/VNI) không chuyển được: hãy lưu lại dưới dạng Unicode")


def _finish(raw: str, meta: dict[str, str], confidence: tuple[float, ...] = ()) -> Extracted:
    """Clean and normalise extracted text; split out PDF page marks into page offsets."""
    raw = vnfonts.fix_text(raw)
    _check_legacy_encoding(raw)
    cleaned, found = clean_text(raw)
    for key, value in found.items():
        meta.setdefault(key, value)
    text = normalize(cleaned)
    page_starts: list[int] = []
    if PAGE_MARK in text:
        pieces = [p.strip() for p in re.split(rf"\n?{PAGE_MARK}\n?", text)]
        out = pieces[0]
        for piece in pieces[1:]:
            if out and piece:
                glue = " " if continues(out, piece) else "\n\n"
                out += glue
            page_starts.append(len(out))
            out += piece
        text = out
    if not text.strip():
        raise IngestError("tệp không có nội dung chữ")
    meta = {k: normalize(v) for k, v in meta.items() if v and str(v).strip()}
    return Extracted(
        text=text, meta=meta, page_starts=tuple(page_starts), ocr_confidence=confidence
    )


def load_file(
    path: Path, max_bytes: int | None = None, *, ocr: OcrOptions | None = None
) -> Extracted:
    """Extract the text and in-file metadata of one document.

    Args:
        path: The file to read.
        max_bytes: Refuse files larger than this many bytes (None: no limit).
        ocr: OCR cache folder and page progress callback for scans and images (default: OCR
            without cache or progress).

    Returns:
        The NFC-normalised text without boilerplate, metadata found in the file itself, page
        start offsets for PDFs and images, and the confidence of every OCR'd page.

    Raises:
        IngestError: unsupported format, file too large, corrupt or locked file, a scan or
            image that cannot be OCR'd, undecodable legacy text, or no text at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"định dạng không hỗ trợ: {suffix or path.name}")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise IngestError(
            f"tệp quá lớn ({size / 1048576:.1f} MB, tối đa {max_bytes / 1048576:g} MB)"
        )
    try:
        check_archive(path)  # zip bombs are refused before any parser inflates them
    except ArchiveRefused as exc:
        raise IngestError(str(exc)) from exc
    if suffix == ".pdf" or suffix in IMAGE_SUFFIXES:
        options = ocr or OcrOptions()
        reader = pages.read_pdf if suffix == ".pdf" else pages.read_image
        paged = reader(path, options)
        fixed = repair_pages([p.split("\n") for p in paged.pages])
        raw = "".join(f"\n{PAGE_MARK}\n{page}" for page in fixed)
        return _finish(raw, paged.meta, tuple(paged.confidence))
    if suffix == ".doc":
        raw, meta = msword.read_doc(path)
        return _finish(raw, meta)
    if suffix == ".docx":
        raw, meta = _read_docx(path)
        return _finish(raw, meta)
    text = decode_bytes(path.read_bytes())
    if suffix in (".md", ".markdown"):
        raw, meta = _read_markdown(text)
        raw = rejoin_wrapped(raw)
    elif suffix in (".html", ".htm"):
        raw, meta = _read_html(text)
    else:
        raw, meta = rejoin_wrapped(text), {}
    return _finish(raw, meta)


# --- Markdown -------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# Front-matter keys (folded: lower case, no "_" or "-") mapped to our field names, best first.
_FRONT_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "tieude"),
    "number": ("sohieu", "sokyhieu", "code"),
    "issued": ("ngaybanhanh", "date"),
    "effective": ("ngayhieuluc", "ngaycohieuluc", "hieuluc", "effectivedate"),
    "doc_type": ("loaivanban",),
    "issuer": ("coquanbanhanh", "issuer"),
    "summary": ("trichyeu", "description"),
    "url": ("nguon", "source", "sourcelink", "url", "pdfurl"),
}


def _scalar(value: object) -> str | None:
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        urls = [str(v) for v in value if str(v).startswith(("http://", "https://"))]
        return urls[0] if urls else None
    return " ".join(str(value).split())


def front_matter_meta(block: str) -> dict[str, str]:
    """Map a YAML front-matter block to our metadata fields (unknown keys are ignored)."""
    import yaml

    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        data = dict(re.findall(r"^([\w-]+)\s*:\s*\"?(.*?)\"?\s*$", block, re.M))
    if not isinstance(data, dict):
        return {}
    folded = {re.sub(r"[_\-\s]", "", str(k).lower()): v for k, v in data.items()}
    meta: dict[str, str] = {}
    for field_name, keys in _FRONT_KEYS.items():
        for key in keys:
            value = _scalar(folded.get(key))
            if not value:
                continue
            if field_name == "url" and not value.startswith(("http://", "https://")):
                continue
            meta[field_name] = value
            break
    return meta


def _read_markdown(text: str) -> tuple[str, dict[str, str]]:
    meta: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        meta = front_matter_meta(match.group(1))
        text = text[match.end() :]
    return strip_markdown(text), meta


# --- HTML -----------------------------------------------------------------------------------

_DROP_TAGS = tuple(
    "script style nav header footer aside form noscript iframe svg button select template".split()
)
_DROP_HINT = re.compile(
    r"menu|breadcrumb|sidebar|footer|share|social|comment|banner|advert|pagination|navbar|related",
    re.I,
)
_BLOCK = frozenset(
    "p div section article main ul ol li table tbody thead tr blockquote pre dl dt dd figure"
    " figcaption address br hr h1 h2 h3 h4 h5 h6".split()
)


def _html_walk(node: Node, out: list[str]) -> None:
    tag = node.tag
    if tag == "-text":
        out.append(node.text_content or "")
        return
    if tag in ("td", "th"):
        out.append(" | ")
    elif tag in _BLOCK:
        out.append("\n")
        if tag[0] == "h" and tag[1:].isdigit():
            out.append("#" * int(tag[1:]) + " ")
    child = node.child
    while child is not None:
        _html_walk(child, out)
        child = child.next
    if tag in _BLOCK:
        out.append("\n")


def _read_html(text: str) -> tuple[str, dict[str, str]]:
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(text)
    meta: dict[str, str] = {}
    h1 = tree.css_first("h1")
    title = tree.css_first("title")
    for node in (h1, title):
        if node is not None and node.text(strip=True):
            meta["title"] = " ".join(node.text().split())
            break
    published = tree.css_first('meta[property="article:published_time"]')
    if published is not None and published.attributes.get("content"):
        meta["issued"] = published.attributes["content"][:10]
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("[class], [id]"):
        if node.tag in ("html", "body", "main", "article"):
            continue
        hint = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _DROP_HINT.search(hint):
            node.decompose()
    root = tree.body or tree.root
    out: list[str] = []
    if root is not None:
        _html_walk(root, out)
    lines = []
    for line in "".join(out).split("\n"):
        line = re.sub(r"^\s*\|\s*", "", " ".join(line.split()))
        lines.append(line)
    return "\n".join(lines), meta


# --- DOCX -----------------------------------------------------------------------------------


def _docx_table_lines(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            cells.append("\n".join(_paragraph_text(p) for p in cell.paragraphs).strip())
        if any("\n" in c for c in cells):
            # Header tables: issuing body / Quốc hiệu, "Số: ..." / place and date.
            for c in cells:
                lines.extend(c.split("\n"))
        elif any(cells):
            lines.append(" | ".join(c for c in cells if c))
    return lines


def _paragraph_text(para: Paragraph) -> str:
    """Paragraph text; runs in a TCVN3/VNI font (.VnTime, VNI-Times) converted to Unicode."""
    style_font = para.style.font.name if para.style is not None else None
    fonts = [run.font.name or style_font for run in para.runs]
    if not any(vnfonts.font_encoding(font) for font in fonts):
        return para.text
    out = []
    for run, font in zip(para.runs, fonts, strict=True):
        encoding = vnfonts.font_encoding(font)
        text = run.text
        if encoding and not vnfonts.has_unicode_vietnamese(text):
            text = vnfonts.convert(text, encoding)
            if (font or "").rstrip().upper().endswith("H"):  # .VnTimeH: capitals
                text = text.upper()
        out.append(text)
    return "".join(out)


def _read_docx(path: Path) -> tuple[str, dict[str, str]]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        body = document.element.body
        lines: list[str] = []
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                para = Paragraph(child, document)
                text = _paragraph_text(para)
                style = (para.style.name if para.style is not None else "") or ""
                level = re.match(r"Heading (\d)", style)
                if level and text.strip():
                    text = "#" * int(level.group(1)) + " " + text
                lines.append(text)
            elif tag == "tbl":
                lines.extend(_docx_table_lines(Table(child, document)))
            elif tag == "sdt":
                lines.extend(
                    "".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                    for p in child.iter()
                    if p.tag.endswith("}p")
                )
    except IngestError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors, ...
        raise IngestError("tệp DOCX hỏng hoặc không đọc được") from exc
    return "\n".join(lines), {}
