"""The true source of a passage, and copies of one document served once from the cleanest."""

from __future__ import annotations

from dataclasses import replace

from index.duplicates import COMMON_SHINGLE, canonical_copies, copy_groups
from index.models import Chunk, DocumentInfo
from index.sources import (
    COMPILATION_TYPE,
    cited_source,
    mark_compilations,
    names_other_sector,
    other_sector,
)


def doc(doc_id: str, number: str | None) -> DocumentInfo:
    return DocumentInfo(doc_id, doc_id, number, None, None, None, None, None, (), "h", 1, 1)


def test_cited_source_reads_the_compiled_heading() -> None:
    section = "Chương III > Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12) > Khoản 1"
    assert cited_source(section) == "Điều 56 Luật số 58/2010/QH12"
    assert cited_source("Chương I > Điều 3 > Khoản 2") is None


def test_compilation_loses_its_header_number_and_its_passages_get_their_law() -> None:
    header = replace(doc("vien-chuc.md", "52/2014/QH13"), issued="2014-11-26")
    docs = {"vien-chuc.md": header, "nd.md": doc("nd.md", "1/2026/NĐ-CP")}
    sections = [f"Điều 5.2.LQ.{n} (Điều {n} Luật số 58/2010/QH12)" for n in (1, 2, 3)]
    chunks = [Chunk(i, "vien-chuc.md", "x", s, 0, 1) for i, s in enumerate(sections)]
    chunks.append(Chunk(9, "nd.md", "x", "Điều 3", 0, 1))
    marked, sources = mark_compilations(docs, chunks)
    assert marked["vien-chuc.md"].number is None and marked["vien-chuc.md"].compilation
    assert marked["vien-chuc.md"].doc_type == COMPILATION_TYPE
    assert marked["vien-chuc.md"].issued is None  # the header law's date is not the passages' 
    assert "52/2014/QH13" in marked["vien-chuc.md"].cites  # still found by that number
    assert sources[1] == "Điều 2 Luật số 58/2010/QH12" and 3 not in sources
    assert marked["nd.md"].number == "1/2026/NĐ-CP"


def test_cleanest_copy_is_served_and_others_are_its_copies() -> None:
    clean = "Nhà giáo giảng dạy trong các cơ sở giáo dục mầm non, trường tiểu học. " * 20
    garbled = clean.replace("mầm non", "mâm nọn").replace("tiểu học", "tiêu hoc")
    docs = {"a.md": doc("a.md", "182/2026/NĐ-CP"), "b.md": doc("b.md", "182/2026/nđ-cp"),
            "c.md": doc("c.md", "5/2026/TT-BGDĐT")}
    texts = {"a.md": garbled, "b.md": clean, "c.md": "Thông tư khác hẳn."}
    common = {"nhà", "giáo", "giảng", "dạy", "trong", "các", "cơ", "sở", "dục", "mầm",
              "non", "trường", "tiểu", "học"}
    served = canonical_copies(docs, texts, lambda w: 50 if w in common else 1)
    assert served == {"b.md": ("a.md",)}


def test_copies_without_a_number_are_found_past_shared_boilerplate() -> None:
    # Every letter opens with the same heading (boilerplate: more documents hold its shingles
    # than any copy test compares); two of them are the same short notice, one cut short, so
    # the heading is a good part of what they share.
    heading = "Sở Giáo dục và Đào tạo tỉnh Vĩnh Long thông báo về việc tổ chức hội nghị. "
    notice = ("Lịch thi tuyển sinh lớp 10 trường chuyên Nguyễn Bỉnh Khiêm: ngày 5 tháng 6 thi "
              "Ngữ văn, ngày 6 tháng 6 thi Toán và môn chuyên.")
    docs = {f"l{i:03}.md": doc(f"l{i:03}.md", None) for i in range(COMMON_SHINGLE + 5)}
    texts = {d: heading + f"Thư số {i}: về lịch họp riêng số {i * 7} của đơn vị {i}."
             for i, d in enumerate(sorted(docs))}
    texts["l010.md"] = heading + notice
    texts["l150.md"] = heading + notice.rsplit(" ", 3)[0]  # its last words cut off
    assert copy_groups(docs, texts) == [["l010.md", "l150.md"]]


def test_other_sectors_staff_rules_are_told_apart() -> None:
    assert other_sector("Điều 2 Thông tư số 28/2016/TT-BTNMT")
    assert other_sector("Điều 3 Thông tư liên tịch số 10/2015/TTLT-BYT-BNV")
    assert not other_sector("Điều 6 Thông tư liên tịch số 35/2014/TTLT-BGDĐT-BTC")
    assert not other_sector("Điều 21 Nghị định số 115/2020/NĐ-CP")
    assert not other_sector("Điều 27 Luật số 58/2010/QH12") and not other_sector(None)


def test_a_question_naming_another_sector_is_told_apart() -> None:
    assert names_other_sector("viên chức Y tế hạng III cần bằng gì")
    assert names_other_sector("huan luyen vien the thao duoc phu cap bao nhieu")
    assert names_other_sector("chương trình KHCN cấp bộ")  # khoa học và công nghệ
    # Words every school uses are no sector: "môi trường giáo dục", "thông tin tuyển sinh".
    for question in ("môi trường giáo dục an toàn", "thông tin tuyển sinh lớp 10", "GV dạy Tin học"):
        assert not names_other_sector(question), question
