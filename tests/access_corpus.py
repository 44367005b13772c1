"""A small corpus with a public collection (cong-khai/) and an internal one (noi-bo/).

Shared by the engine tests (tests/test_access.py) and the bot tests (tests/test_access_bot.py).
The internal collection holds what a teacher must never see: a plan with its own number and
words no public text uses, a decision that replaces a public one, and a cleaner copy of a
public decree.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import LEGAL_182, LEGAL_233, NEWS

INTERNAL_NUMBER = "15/KH-SGDĐT"
INTERNAL_TITLE = "Phương án chi thưởng Tết nội bộ"
INTERNAL_WORDS = "quỹ phúc lợi"
"""Words of the internal passage that no public text uses."""
INTERNAL_DECISION = "77/QĐ-SGDĐT"
REPLACED_NUMBER = "12/2025/QĐ-UBND"
QUESTION = "Mức chi thưởng Tết cho giáo viên từ quỹ phúc lợi là bao nhiêu?"

INTERNAL_PLAN = f"""---
title: "Kế hoạch {INTERNAL_NUMBER} - {INTERNAL_TITLE}"
so_hieu: "{INTERNAL_NUMBER}"
ngay_ban_hanh: "02/12/2026"
loai_van_ban: "Kế hoạch"
co_quan_ban_hanh: "Sở Giáo dục và Đào tạo"
---

## Điều 1. Mức chi thưởng Tết

Mức chi thưởng Tết năm 2027 cho mỗi giáo viên là 3.500.000 đồng, chi từ {INTERNAL_WORDS} của Sở.

## Điều 2. Căn cứ

Kế hoạch này căn cứ Nghị định 182/2026/NĐ-CP về phụ cấp ưu đãi nhà giáo và Quyết định số
{REPLACED_NUMBER} của Ủy ban nhân dân tỉnh.
"""

INTERNAL_DECISION_TEXT = f"""---
title: "Quyết định {INTERNAL_DECISION} - Quy chế chi tiêu nội bộ"
so_hieu: "{INTERNAL_DECISION}"
ngay_ban_hanh: "01/12/2026"
loai_van_ban: "Quyết định"
co_quan_ban_hanh: "Sở Giáo dục và Đào tạo"
---

## Điều 1. Hiệu lực

Quyết định này thay thế Quyết định số {REPLACED_NUMBER} về định mức công tác phí của giáo viên.
"""

PUBLIC_DECISION = f"""---
title: "Quyết định {REPLACED_NUMBER} - Định mức công tác phí"
so_hieu: "{REPLACED_NUMBER}"
ngay_ban_hanh: "10/03/2025"
loai_van_ban: "Quyết định"
co_quan_ban_hanh: "Ủy ban nhân dân tỉnh"
---

## Điều 3. Định mức công tác phí

Định mức công tác phí của giáo viên đi công tác ngoài tỉnh là 200.000 đồng mỗi ngày.
"""

INTERNAL_FILES = ("noi-bo/kh-15.md", "noi-bo/qd-77.md", "noi-bo/nd-182-ban-luu.md")


def write_access_corpus(folder: Path) -> Path:
    """Write the corpus under folder (cong-khai/, noi-bo/); returns folder."""
    (folder / "cong-khai").mkdir(parents=True, exist_ok=True)
    (folder / "noi-bo").mkdir(parents=True, exist_ok=True)
    (folder / "cong-khai" / "nd-182-2026.md").write_text(LEGAL_182, encoding="utf-8")
    (folder / "cong-khai" / "nd-233-2026.md").write_text(LEGAL_233, encoding="utf-8")
    (folder / "cong-khai" / "hoi-nghi.txt").write_text(NEWS, encoding="utf-8")
    (folder / "cong-khai" / "qd-12-2025.md").write_text(PUBLIC_DECISION, encoding="utf-8")
    (folder / "noi-bo" / "kh-15.md").write_text(INTERNAL_PLAN, encoding="utf-8")
    (folder / "noi-bo" / "qd-77.md").write_text(INTERNAL_DECISION_TEXT, encoding="utf-8")
    # The same decree as the public one, longer (so it would be the copy served if copies
    # were collapsed across collections, hiding the public one from teachers).
    longer = LEGAL_182 + "\nGhi chú lưu trữ: bản lưu của văn phòng Sở, kèm bút phê.\n"
    (folder / "noi-bo" / "nd-182-ban-luu.md").write_text(longer, encoding="utf-8")
    return folder


def leaks(text: str) -> list[str]:
    """The internal marks found in a text a non-reader received (empty: nothing leaked)."""
    marks = [
        INTERNAL_NUMBER,
        INTERNAL_TITLE,
        INTERNAL_WORDS,
        INTERNAL_DECISION,
        "3.500.000",
        "Quy chế chi tiêu nội bộ",
        "bản lưu",
        "noi-bo",
        "kh-15",
        "qd-77",
    ]
    folded = " ".join(text.split())
    return [m for m in marks if m in folded]
