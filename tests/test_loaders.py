"""Loading files: encodings, Markdown, HTML, PDF, DOCX, errors, and boilerplate cleaning."""

from __future__ import annotations

import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from index.clean import clean_text
from index.loaders import IngestError, OcrOptions, iter_documents, load_file

REPO = Path(__file__).resolve().parents[1]
NEWS_DIR = REPO / "documents" / "tin-tuc"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ingestion_samples"
VN = "Giáo viên được hưởng phụ cấp ưu đãi theo nghề. Nhà giáo đạt chuẩn trình độ đào tạo."


def _needs_samples() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(f"real PDF/DOCX samples not available at {SAMPLES}")


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters plus combining tone marks."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = [p for p in parts if p in "\u0300\u0301\u0303\u0309\u0323"]
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(tones))
    return "".join(out).encode("cp1258")


# --- discovery and errors -------------------------------------------------------------------


def test_iter_documents_recursive_sorted_skips_hidden_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for rel in ["b.md", "a/c.txt", "a/z.PDF", ".hidden.md", "_draft.md", "_old/x.md", "n.xlsx"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        found = [p.relative_to(tmp_path).as_posix() for p in iter_documents(tmp_path)]
    assert found == ["a/c.txt", "a/z.PDF", "b.md"]
    assert "n.xlsx" in caplog.text and "_draft" not in caplog.text


def test_errors_are_short_vietnamese_reasons(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"x")
    with pytest.raises(IngestError, match="định dạng không hỗ trợ"):
        load_file(tmp_path / "a.xlsx")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (3 * 1024 * 1024 // 2))
    with pytest.raises(IngestError, match=r"tệp quá lớn \(1\.5 MB, tối đa 1 MB\)"):
        load_file(big, max_bytes=1024 * 1024)
    small = tmp_path / "small.txt"
    small.write_text("Nội dung ngắn.", encoding="utf-8")
    assert load_file(small, max_bytes=1024 * 1024).text == "Nội dung ngắn."
    (tmp_path / "empty.md").write_text("---\ntitle: Trống\n---\n\n  \n", encoding="utf-8")
    with pytest.raises(IngestError, match="tệp không có nội dung chữ"):
        load_file(tmp_path / "empty.md")


def test_corrupt_pdf_and_docx(tmp_path: Path) -> None:
    junk = os.urandom(4096)
    (tmp_path / "bad.pdf").write_bytes(junk)
    (tmp_path / "bad.docx").write_bytes(junk)
    with pytest.raises(IngestError, match="tệp PDF hỏng hoặc bị khóa"):
        load_file(tmp_path / "bad.pdf")
    with pytest.raises(IngestError, match="tệp DOCX hỏng hoặc không đọc được"):
        load_file(tmp_path / "bad.docx")


# --- plain text encodings -------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda s: s.encode("utf-8"),
        lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
        lambda s: s.encode("utf-16"),  # with BOM
        lambda s: s.encode("utf-16-le"),  # without BOM
        lambda s: s.encode("utf-16-be"),
        _cp1258,
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "cp1258"],
)
def test_text_encodings_decode_to_nfc(tmp_path: Path, encode: Callable[[str], bytes]) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(encode(VN))
    text = load_file(path).text
    assert text == VN
    assert unicodedata.is_normalized("NFC", text)


def test_legacy_tcvn3_text_is_converted(tmp_path: Path) -> None:
    mojibake = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\n" * 5
    path = tmp_path / "tcvn3.txt"
    path.write_bytes(mojibake.encode("cp1252"))
    text = load_file(path).text
    assert "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc" in text


# --- Markdown and HTML ----------------------------------------------------------------------

MARKDOWN = """---
title: "Nghị định 66/2026/NĐ-CP - Quy định chi tiết"
so_hieu: "66/2026/NĐ-CP"
ngay_ban_hanh: "02/03/2026"
ngay_hieu_luc: 2026-03-15
loai_van_ban: Nghị định
co_quan_ban_hanh: Chính phủ
trich_yeu: Quy định chi tiết một số điều của Luật Giáo dục
nguon: https://vanban.chinhphu.vn/?docid=1
---

# NGHỊ ĐỊNH

**Số: 66/2026/NĐ-CP**

| Thuộc tính | Nội dung |
|---|---|
| **Số hiệu** | 66/2026/NĐ-CP |

Xem [trang Chính phủ](https://chinhphu.vn) để biết thêm.

### Điều 1. Phạm vi điều chỉnh
Nghị định này quy định *chi tiết* một số điều.
"""


def test_markdown_front_matter_and_markup(tmp_path: Path) -> None:
    path = tmp_path / "nd.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    got = load_file(path)
    assert got.meta == {
        "title": "Nghị định 66/2026/NĐ-CP - Quy định chi tiết",
        "number": "66/2026/NĐ-CP",
        "issued": "02/03/2026",
        "effective": "2026-03-15",
        "doc_type": "Nghị định",
        "issuer": "Chính phủ",
        "summary": "Quy định chi tiết một số điều của Luật Giáo dục",
        "url": "https://vanban.chinhphu.vn/?docid=1",
    }
    lines = got.text.split("\n")
    assert "so_hieu" not in got.text and "---" not in got.text
    assert "# NGHỊ ĐỊNH" in lines and "### Điều 1. Phạm vi điều chỉnh" in lines
    assert "Số: 66/2026/NĐ-CP" in lines
    assert "Thuộc tính | Nội dung" in lines and "Số hiệu | 66/2026/NĐ-CP" in lines
    assert "Xem trang Chính phủ để biết thêm." in lines
    assert "Nghị định này quy định chi tiết một số điều." in lines
    assert "*" not in got.text and "http" not in got.text


HTML = """<html><head><title>Tin tức - Sở GD&amp;ĐT</title></head><body>
<header><div>Cổng thông tin Sở</div></header>
<nav><ul><li>Trang chủ</li><li>Giới thiệu</li></ul></nav>
<div class="breadcrumb">Trang chủ &gt; Tin tức</div>
<div id="content"><h1>Hội nghị tổng kết năm học</h1>
<p>Sáng ngày 22/05/2026, Sở Giáo dục và <b>Đào tạo</b> tổ chức hội nghị.</p>
<h2>Kết quả</h2><ul><li>Một là, nâng cao chất lượng.</li><li>Hai là, đổi mới.</li></ul>
<table><tr><th>Chỉ tiêu</th><th>Kết quả</th></tr><tr><td>Tốt nghiệp</td><td>99%</td></tr></table>
<div class="share-tools">Chia sẻ Facebook</div><div id="comment-box">Gửi bình luận</div>
</div><aside>Tin nổi bật khác</aside><div class="footer-info">Bản quyền 2026</div>
<footer>Địa chỉ: 12 Lê Lợi</footer><script>var tracker = 1;</script></body></html>"""


def test_html_keeps_article_and_drops_site_chrome(tmp_path: Path) -> None:
    path = tmp_path / "tin.html"
    path.write_text(HTML, encoding="utf-8")
    got = load_file(path)
    assert got.meta["title"] == "Hội nghị tổng kết năm học"
    lines = [line for line in got.text.split("\n") if line]
    assert lines == [
        "# Hội nghị tổng kết năm học",
        "Sáng ngày 22/05/2026, Sở Giáo dục và Đào tạo tổ chức hội nghị.",
        "## Kết quả",
        "Một là, nâng cao chất lượng.",
        "Hai là, đổi mới.",
        "Chỉ tiêu | Kết quả",
        "Tốt nghiệp | 99%",
    ]


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_header_table_and_body_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    header.cell(0, 0).text = "CHÍNH PHỦ\n_______\nSố: 21/2021/NĐ-CP"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHà Nội, ngày 19 tháng 3 năm 2021"
    document.add_paragraph("NGHỊ ĐỊNH")
    document.add_paragraph("Quy định thi hành Bộ luật Dân sự về bảo đảm thực hiện nghĩa vụ")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Mức", "Tỷ lệ"
    table.cell(1, 0).text, table.cell(1, 1).text = "Mức 1", "20%"
    document.add_paragraph("Điều 1. Phạm vi điều chỉnh")
    path = tmp_path / "nd.docx"
    document.save(str(path))
    lines = load_file(path).text.split("\n")
    assert lines[:4] == [
        "CHÍNH PHỦ",
        "Số: 21/2021/NĐ-CP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Hà Nội, ngày 19 tháng 3 năm 2021",
    ]
    assert lines.index("Mức 1 | 20%") < lines.index("Điều 1. Phạm vi điều chỉnh")
    assert lines.index("NGHỊ ĐỊNH") < lines.index("Mức | Tỷ lệ")


def test_real_docx_header_yields_number_and_date() -> None:
    _needs_samples()
    text = load_file(SAMPLES / "nghi_dinh_21_2021_ND_CP.docx").text
    lines = text.split("\n")
    assert "Số: 21/2021/NĐ-CP" in lines
    assert "Hà Nội, ngày 19 tháng 3 năm 2021" in lines
    assert "Điều 1. Phạm vi điều chỉnh" in lines
    assert "_______" not in text


# --- PDF ------------------------------------------------------------------------------------

PAGE_ONE = """Official Gazette of the Ministry
Article 1. Scope
This regulation applies to every teacher who is em-
ployed by a public school and who works
full time during the school year.
1"""
PAGE_TWO = """Official Gazette of the Ministry
Article 2. Allowance
The allowance is paid monthly to each teacher
and is reviewed every year.
2"""
PAGE_THREE = """Official Gazette of the Ministry
Article 3. Entry into force
This regulation takes effect on the date of signing.
3"""


def _make_pdf(path: Path, pages: list[str]) -> None:
    import pymupdf

    with pymupdf.open() as doc:
        for body in pages:
            page = doc.new_page()
            page.insert_text((72, 72), body, fontsize=11)
        doc.save(str(path))


def test_pdf_pages_repaired_and_offsets_recorded(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    _make_pdf(path, [PAGE_ONE, PAGE_TWO, PAGE_THREE])
    got = load_file(path)
    assert len(got.page_starts) == 3 and got.page_starts[0] == 0
    assert got.text[got.page_starts[1] :].startswith("Article 2. Allowance")
    assert got.text[got.page_starts[2] :].startswith("Article 3. Entry into force")
    assert "Official Gazette" not in got.text  # running header on every page
    assert not re.search(r"^\d+$", got.text, re.M)  # lone page numbers
    assert (
        "This regulation applies to every teacher who is employed by a public school and who "
        "works full time during the school year." in got.text
    )
    assert "The allowance is paid monthly to each teacher and is reviewed every year." in got.text


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    import pymupdf

    path = tmp_path / "scan.pdf"
    with pymupdf.open() as doc:
        for _ in range(2):
            page = doc.new_page()
            page.draw_rect(pymupdf.Rect(50, 50, 300, 400), color=(0, 0, 0), fill=(0.5, 0.5, 0.5))
        doc.save(str(path))
    with pytest.raises(IngestError, match="không có lớp chữ"):
        load_file(path, ocr=OcrOptions(enabled=False))
    if shutil.which("tesseract"):  # OCR runs and finds nothing to read
        with pytest.raises(IngestError, match="không nhận dạng được chữ"):
            load_file(path)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    import pymupdf

    path = tmp_path / "locked.pdf"
    with pymupdf.open() as doc:
        doc.new_page().insert_text((72, 72), "Secret text of a locked document " * 3)
        doc.save(
            str(path),
            encryption=pymupdf.PDF_ENCRYPT_AES_256,
            owner_pw="owner",
            user_pw="user",
        )
    with pytest.raises(IngestError, match="tệp PDF hỏng hoặc bị khóa"):
        load_file(path)


@pytest.mark.parametrize("name", ["an_le_so_432021AL.pdf", "an_le_so_722024AL.pdf"])
def test_real_pdfs_extract_whole_words_with_pages(name: str) -> None:
    _needs_samples()
    got = load_file(SAMPLES / name)
    assert len(got.page_starts) == 6
    assert list(got.page_starts) == sorted(got.page_starts) and got.page_starts[0] == 0
    text = got.text
    assert "Án lệ" in text and "Tòa án nhân dân tối cao" in text
    assert "quyền sử dụng đất" in text and "Hội đồng Thẩm phán" in text
    # No syllable broken by a stray space and no sentence cut at a line end.
    assert not re.search(r"\b(?:ph ần|ngư ời|đ ồng|qu yền|thẩ m)\b", text)
    assert not re.search(r"\w-\n\w", text)
    assert not re.search(r"^\d{1,3}$", text, re.M)
    assert "Được Hội đồng Thẩm phán Tòa án nhân dân tối cao thông qua" in text


# --- boilerplate cleaning on the real news seeds ---------------------------------------------


def _news(name: str) -> str:
    path = NEWS_DIR / name
    if not path.exists():
        pytest.skip(f"news seed {name} not in the documents folder")
    return load_file(path).text


def test_news_counters_and_widgets_removed_body_kept() -> None:
    text = _news("001_06b5e14de29097b9.txt")
    for junk in [
        "Tổng truy cập",
        "5.977.933",
        "Truy cập hiện tại",
        "Thống kê truy cập",
        "Xem tin theo ngày",
        "Tìm kiếm",
        "Chung nhan Tin Nhiem Mang",
        "False 13766",
    ]:
        assert junk not in text
    assert text.startswith("Hội nghị điển hình tiên tiến Ngành Giáo dục và Đào tạo")
    assert "Năm là, coi trọng giáo dục đạo đức, lý tưởng" in text
    assert text.endswith(
        "Một số hình ảnh tại Hội nghị điển hình tiên tiến Ngành Giáo dục giai đoạn 2015 - 2020."
    )


def test_news_other_headlines_print_buttons_and_pagination_removed() -> None:
    text = _news("002_b156b7a7871cae22.txt")
    for junk in [
        "Quay lại",
        "In bài viết",
        "Các tin liên quan",
        "Trang sau",
        "Trang cuối",
        "Video clip",
        "Tra cứu điểm thi",
        "-----",
    ]:
        assert junk not in text
    assert not text.startswith("Văn phòng")
    assert "Sáng ngày 22 tháng 01 năm 2018, Sở Giáo dục và Đào tạo Vĩnh Long" in text
    assert "(2) Năm học 2018-2019, Ngành giáo dục triển khai nhiều nhiệm vụ" in text


def test_news_glued_other_articles_and_update_stamp() -> None:
    path = NEWS_DIR / "000_7f2e37482350dce0.txt"
    if not path.exists():
        pytest.skip("news seed 000 not in the documents folder")
    got = load_file(path)
    assert "Các tin khác" not in got.text and "bình luận" not in got.text
    assert "Cập nhật lúc" not in got.text and "\nTin tức\n" not in got.text
    assert got.meta["issued"] == "25/04/2014"
    assert got.text.endswith("Lê Thị Thu Hiền, Văn phòng Sở")
    assert "Hội nghị Sơ kết 2 năm thực hiện Chương trình hành động" in got.text


def test_news_breadcrumb_and_timestamp_line() -> None:
    path = NEWS_DIR / "004_886ef55374a63011.txt"
    if not path.exists():
        pytest.skip("news seed 004 not in the documents folder")
    got = load_file(path)
    assert not got.text.startswith("Trang chủ")
    assert got.text.startswith("Hội nghị Ban Chỉ đạo đổi mới")
    assert got.meta["issued"] == "24-02-2018" and "04:38:00" not in got.text
    text3 = _news("003_e578cba2760cb70f.txt")
    assert "Đang online" not in text3 and "Hôm nay: 1" not in text3 and "Đăng nhập" not in text3
    assert text3.rstrip().endswith("THANH NAM")


def test_clean_never_drops_real_sentences() -> None:
    text = (
        "Trang chủ\nTin tức\nHội nghị tổng kết\n"
        "Đại biểu đề nghị các đơn vị in bài viết tham luận và gửi email cho Văn phòng.\n"
        "Các tin khác\n"
        "Sở đã có nhiều tin vui khác trong năm học, với kết quả thi học sinh giỏi quốc gia "
        "tăng mạnh so với năm trước, nhiều trường đạt chuẩn quốc gia, đội ngũ giáo viên được "
        "bồi dưỡng thường xuyên và cơ sở vật chất được đầu tư đồng bộ ở tất cả các cấp học.\n"
        "Tổng truy cập 12.345"
    )
    cleaned, meta = clean_text(text)
    lines = cleaned.split("\n")
    assert lines[0] == "Hội nghị tổng kết"
    assert "Đại biểu đề nghị các đơn vị in bài viết tham luận và gửi email cho Văn phòng." in lines
    assert "Các tin khác" in lines  # followed by article text, not by a list of headlines
    assert "Tổng truy cập 12.345" not in cleaned and meta == {}


HARD_WRAPPED = """Điều 12. Mức xếp loại chất lượng viên chức

6. Tỷ lệ xếp loại hoàn thành xuất sắc nhiệm vụ đối với viên chức

a) Tỷ lệ viên chức xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt
quá 20% tổng số viên chức được xếp loại “Hoàn thành tốt nhiệm vụ” trong
phạm vi cùng một cơ quan, đơn vị.

b) Trường hợp đơn vị sự nghiệp công lập có thành tích xuất sắc, nổi trội,
tạo sự chuyển biến tích cực, hoàn thành vượt kế hoạch các công việc được giao
thì tỷ lệ viên chức hoàn thành xuất sắc nhiệm vụ cao hơn quy định tại

10

điểm a khoản này nhưng không vượt quá 25% tổng số viên chức được xếp loại
“Hoàn thành tốt nhiệm vụ”.

7. Mức xếp loại chất lượng của người đứng đầu không cao hơn mức xếp
loại chất lượng của đơn vị.
"""


def test_hard_wrapped_text_files_get_their_paragraphs_back(tmp_path: Path) -> None:
    # An OCR transcription saved line by line: one line is not one paragraph, or the chunker
    # cuts a điểm in two and its second half is quoted as the answer.
    path = tmp_path / "nd233.md"
    path.write_text(HARD_WRAPPED * 2, encoding="utf-8")
    text = load_file(path).text
    assert (
        "a) Tỷ lệ viên chức xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% tổng số "
        "viên chức được xếp loại “Hoàn thành tốt nhiệm vụ” trong phạm vi cùng một cơ quan, "
        "đơn vị.\n" in text
    )
    # across a lone page number too, and the khoản and điểm still open their own lines
    assert "cao hơn quy định tại điểm a khoản này nhưng không vượt quá 25%" in text
    assert not re.search(r"^10$", text, re.M)
    assert re.search(r"^b\) Trường hợp", text, re.M) and re.search(r"^7\. Mức", text, re.M)


def test_a_typed_text_keeps_its_lines() -> None:
    from index.clean import rejoin_wrapped

    typed = "Danh sách:\n- giáo viên\n- nhân viên\n\n2019\n\nNăm học mới\nbắt đầu từ tháng 9."
    # a line left open joins the next in any text; lists, headings and lone numbers stay
    assert rejoin_wrapped(typed) == (
        "Danh sách:\n- giáo viên\n- nhân viên\n\n2019\n\nNăm học mới bắt đầu từ tháng 9."
    )
    # and a table's rows, as Markdown tables are left by strip_markdown
    table = "Đối tượng | Mức\ngiáo viên mầm non | 45%\nnhân viên | 20%"
    assert rejoin_wrapped(table) == table
