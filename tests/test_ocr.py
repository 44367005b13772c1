"""Scans and photos are read by Tesseract (real OCR, a one-page letter), once per content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pymupdf
import pytest

from index import ocr
from index.builder import build_index
from index.engine import Engine
from index.loaders import load_file
from index.metadata import extract_metadata
from index.settings import EmbeddingSettings, IndexSettings
from tests.scans import SAMPLE_LETTER, degrade, letter_pdf, photo, render, scan_pdf

pytestmark = pytest.mark.skipif(
    not ocr.available(), reason="tesseract-ocr / tesseract-ocr-vie not installed"
)

FACTS = (
    "từ ngày 26 tháng 10 đến ngày 31 tháng 10 năm 2026",
    "30% trắc nghiệm và 70% tự luận",
    "kéo dài thời gian làm bài thêm 15 phút",
    "trước ngày 10 tháng 11",
)


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample letter typeset, scanned at 200 dpi with a stamp, and photographed."""
    folder = tmp_path_factory.mktemp("scans")
    source = letter_pdf(SAMPLE_LETTER, folder / "letter.pdf")
    page = render(source, 200)[0]
    photo(degrade(page, noise=8, skew=0, jpeg=80, stamp=True)).save(folder / "anh.jpg", quality=80)
    return {"pdf": scan_pdf(source, folder / "cong-van-1847.pdf", 200), "jpg": folder / "anh.jpg"}


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_scanned_letter_is_read_with_its_header(scans: dict[str, Path], tmp_path: Path) -> None:
    with pymupdf.open(scans["pdf"]) as doc:
        assert not doc[0].get_text().strip(), "image-only PDF"
    pages: list[tuple[int, int]] = []
    options = ocr.OcrOptions(cache_dir=tmp_path, progress=lambda d, t: pages.append((d, t)))
    extracted = load_file(scans["pdf"], ocr=options)
    text = _flat(extracted.text)
    assert sum(fact in text for fact in FACTS) >= 3, text
    assert pages == [(0, 1), (1, 1)] and extracted.page_starts == (0,)
    assert len(extracted.ocr_confidence) == 1 and extracted.ocr_confidence[0] > 75
    meta = extract_metadata("cong-van-1847.pdf", extracted)
    assert meta["number"] == "1847/SGDĐT-GDTrH" and meta["doc_type"] == "Công văn"
    assert meta["issued"] == "2026-09-16" and meta["ocr_low"] is False

    # Read again from the cache: Tesseract is not run a second time.
    def fail(image: object) -> None:
        raise AssertionError("OCR ran again")

    original = ocr.ocr_image
    ocr.ocr_image = fail  # type: ignore[assignment]
    try:
        again = load_file(scans["pdf"], ocr=ocr.OcrOptions(cache_dir=tmp_path))
    finally:
        ocr.ocr_image = original  # type: ignore[assignment]
    assert again.text == extracted.text


def test_phone_photo_is_read(scans: dict[str, Path]) -> None:
    extracted = load_file(scans["jpg"])
    assert "1847/SGDĐT-GDTrH" in extracted.text.replace(" ", "")
    assert sum(fact in _flat(extracted.text) for fact in FACTS) >= 2


def test_garbage_text_layer_is_ocred(scans: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "mojibake.pdf"
    with pymupdf.open(scans["pdf"]) as doc:
        # An invisible layer of symbols, as a broken font map leaves it.
        doc[0].insert_text((72, 72), "■□▲△▼▽◆◇○●◎ ☐☑☒" * 20, render_mode=3)
        doc.save(path)
    assert not ocr.text_layer_usable(pymupdf.open(path)[0].get_text(), True)
    assert "1847/SGDĐT-GDTrH" in load_file(path).text.replace(" ", "")


def test_usable_text_layers_are_kept() -> None:
    text = "Điều 1. Phạm vi điều chỉnh\nNghị định này quy định chế độ phụ cấp ưu đãi. " * 3
    assert ocr.text_layer_usable(text, True)
    assert ocr.text_layer_usable("Trang 2", False), "a short page without images is fine"
    assert not ocr.text_layer_usable("Trang 2", True), "a scan with a page number only"


def test_build_ocrs_once_and_full_rebuild_reuses_the_cache(
    scans: dict[str, Path], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(scans["pdf"], docs / "cong-van-1847.pdf")
    settings = IndexSettings(
        documents_dir=docs, index_dir=tmp_path / "index", embedding=EmbeddingSettings("none")
    )
    stages: list[str] = []
    report = build_index(settings, progress=lambda stage, done, total: stages.append(stage))
    assert report.added == ("cong-van-1847.pdf",) and not report.failed
    assert "ocr" in stages
    cached = list((tmp_path / "index" / "ocr-cache").glob("*.json"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns

    stages.clear()
    build_index(settings, full=True, progress=lambda stage, done, total: stages.append(stage))
    assert "ocr" not in stages and cached[0].stat().st_mtime_ns == stamp

    engine = Engine.open(settings)
    doc = engine.document("cong-van-1847.pdf")
    assert doc.number == "1847/SGDĐT-GDTrH" and doc.ocr_confidence and not doc.ocr_low
    assert [d.doc_id for d in engine.find_by_number("1847")] == ["cong-van-1847.pdf"]
    hit = engine.search("học sinh khuyết tật được kéo dài thời gian làm bài bao nhiêu phút").hits[0]
    assert hit.doc.number == "1847/SGDĐT-GDTrH" and "15 phút" in hit.chunk.text


async def test_scanned_letter_uploaded_to_the_bot_is_answered(
    scans: dict[str, Path], tmp_path: Path
) -> None:
    from tests.test_bot_e2e import ADMIN, CORPUS, TEACHER, _settings, plain, running, wait

    root = tmp_path / "bot"
    shutil.copytree(CORPUS, root / "docs")
    build_index(_settings(root, tmp_path / "j.sqlite", "http://127.0.0.1:1/bot").index)
    async with running(root, tmp_path) as (api, _):
        document = api.add_file("cong-van-1847.pdf", scans["pdf"].read_bytes())
        api.send_text(ADMIN, None, document=document)
        [done] = await wait(
            api, "editMessageText", 120, chat_id=ADMIN, predicate=lambda c: "Đã thêm" in c.text
        )
        assert "1847/SGDĐT-GDTrH" in plain(done)
        # Page progress is shown at most every 2 s: only when OCR took longer than that.
        edits = [plain(c) for c in api.find("editMessageText", chat_id=ADMIN)]
        ocr_edits = [text for text in edits if "nhận dạng chữ" in text]
        assert all("đang nhận dạng chữ trang 1/1" in text for text in ocr_edits), edits

        api.send_text(ADMIN, "học sinh khuyết tật được kéo dài thời gian làm bài mấy phút")
        [answer] = await wait(
            api, "sendMessage", chat_id=ADMIN, predicate=lambda c: "Nguồn" in c.text
        )
        assert "1847/SGDĐT-GDTrH" in plain(answer) and "15 phút" in plain(answer)

        api.send_text(ADMIN, "/vanban 1847")
        [card] = await wait(
            api, "sendMessage", chat_id=ADMIN, predicate=lambda c: "Cơ quan ban hành" in c.text
        )
        assert "Cơ quan ban hành: Sở Giáo dục và Đào tạo Quảng Trị" in plain(card)
        assert "Loại văn bản: Công văn" in plain(card) and "Kính gửi: Hiệu trưởng" in plain(card)

        # A photo sent as a picture: added by an administrator, not a question from a teacher.
        data = scans["jpg"].read_bytes()
        file = api.add_file("photo.jpg", data)
        sizes = [{**file, "width": 1240, "height": 1754, "file_size": len(data)}]
        api.send_text(TEACHER, None, photo=sizes)
        await wait(api, "sendMessage", chat_id=TEACHER, predicate=lambda c: "bằng chữ" in c.text)
        api.send_text(ADMIN, None, photo=sizes)
        [done] = await wait(
            api,
            "editMessageText",
            120,
            chat_id=ADMIN,
            predicate=lambda c: "“anh-" in c.text and "Đã thêm" in c.text,
        )
        assert "1847/SGDĐT-GDTrH" in plain(done)


def test_upside_down_scan_is_turned_upright(scans: dict[str, Path]) -> None:
    page = render(scans["pdf"], 150)[0].rotate(180)
    text = _flat(ocr.ocr_image(page).text)
    assert "1847/SGDĐT-GDTrH" in text.replace(" ", "") and "30% trắc nghiệm" in text
