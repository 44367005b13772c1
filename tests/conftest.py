"""Shared fixtures: a tiny Vietnamese corpus, engine settings in temp folders, fake embedder."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from index.builder import build_index  # noqa: E402
from index.embedders import FakeEmbedder  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.settings import EmbeddingSettings, IndexSettings  # noqa: E402
from tests.pg import database, pg_url, postgres_server  # noqa: E402, F401 - fixtures

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
SHARED = TESTS.parents[1] / "shared" / "data"

LEGAL_182 = """---
title: "Nghị định 182/2026/NĐ-CP - Phụ cấp ưu đãi nhà giáo"
so_hieu: "182/2026/NĐ-CP"
ngay_ban_hanh: "22/05/2026"
ngay_hieu_luc: "07/07/2026"
loai_van_ban: "Nghị định"
co_quan_ban_hanh: "Chính phủ"
---

# NGHỊ ĐỊNH

## Điều 1. Phạm vi điều chỉnh

Nghị định này quy định chế độ phụ cấp ưu đãi theo nghề đối với nhà giáo, cán bộ quản lý cơ sở giáo dục công lập.

## Điều 5. Mức phụ cấp ưu đãi theo nghề

1. Mức phụ cấp 45% áp dụng đối với giáo viên trung học cơ sở, giáo viên trung học phổ thông công tác ở vùng đồng bằng, thành phố, thị xã.

2. Mức phụ cấp 70% áp dụng đối với giáo viên mầm non công tác ở vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn.

3. Mức phụ cấp 30% áp dụng đối với nhà giáo dạy môn giáo dục quốc phòng và an ninh.
"""

# One khoản whose points run over several passages: a point opening a passage carries the
# khoản's lead-in from the passage before (the reading the records must hold too).
_POINTS = "\n".join(
    f"{letter}) Nhà giáo {role} được hưởng mức phụ cấp {rate}% mức lương hiện hưởng cộng phụ "
    "cấp chức vụ lãnh đạo và phụ cấp thâm niên vượt khung, nếu có, kể từ ngày quyết định "
    "có hiệu lực thi hành;"
    for letter, role, rate in zip(
        "abcdefghik",
        ("mầm non", "tiểu học", "trung học cơ sở", "trung học phổ thông", "dạy nghề",
         "đại học", "cao đẳng", "giáo dục thường xuyên", "chuyên biệt", "dân tộc nội trú"),
        (45, 40, 35, 30, 25, 20, 25, 30, 50, 50),
        strict=True,
    )
)
LEGAL_POINTS = (
    '---\ntitle: "Thông tư 12/2026/TT-BGDĐT - Phụ cấp theo cấp học"\n---\n\n'
    "# Thông tư 12/2026/TT-BGDĐT\n\n## Điều 4. Mức phụ cấp\n\n"
    f"1. Mức phụ cấp theo từng cấp học như sau:\n{_POINTS}\n\n"
    "2. Trường hợp nhà giáo dạy ở nhiều cấp học thì hưởng mức cao nhất.\n"
)
LEGAL_233 = """---
title: "Nghị định 233/2026/NĐ-CP - Đánh giá, xếp loại chất lượng viên chức"
so_hieu: "233/2026/NĐ-CP"
ngay_ban_hanh: "26/06/2026"
loai_van_ban: "Nghị định"
co_quan_ban_hanh: "Chính phủ"
---

## Điều 8. Tiêu chí xếp loại chất lượng viên chức ở mức hoàn thành xuất sắc nhiệm vụ

Viên chức được xếp loại hoàn thành xuất sắc nhiệm vụ khi đạt tất cả các tiêu chí sau: chấp hành nghiêm chỉnh đường lối, chủ trương của Đảng; hoàn thành 100% chỉ tiêu, nhiệm vụ theo hợp đồng làm việc đã ký kết, trong đó ít nhất 50% chỉ tiêu vượt mức.

## Điều 12. Thời điểm đánh giá

Việc đánh giá, xếp loại chất lượng viên chức được thực hiện theo từng năm, hoàn thành trước ngày 15 tháng 12 hằng năm.
"""

NEWS = """Trang chủ
Tin tức
Hội nghị sơ kết học kỳ I năm học 2018-2019

Sáng ngày 22 tháng 01 năm 2018, Sở Giáo dục và Đào tạo Vĩnh Long tổ chức Hội nghị sơ kết học kỳ I. Bà Nguyễn Thị Quyên Thanh, Giám đốc Sở GDĐT, chủ trì Hội nghị.

Hội nghị quán triệt Nghị quyết số 29-NQ/TW về đổi mới căn bản, toàn diện giáo dục và đào tạo, và Kế hoạch số 12/KH-GD&ĐT của Sở về nâng cao chất lượng dạy học ngoại ngữ. Các đơn vị triển khai 12 nhiệm vụ trọng tâm trong học kỳ II, chú trọng thực hiện Nghị định 182/2026/NĐ-CP về phụ cấp.

Tổng truy cập 5.977.933
"""

# A Pháp điển compilation holding three articles of a decree the corpus has no copy of.
COMPILATION = """---
title: "Giáo dục"
so_hieu: "43/2019/QH14"
---

Chương I

Điều 13.1.NĐ.18.1. Phạm vi điều chỉnh

(Điều 1 Nghị định số 24/2021/NĐ-CP Quy định việc quản lý trong cơ sở giáo dục mầm non và cơ sở giáo dục phổ thông công lập)

Nghị định này quy định việc quản lý trong cơ sở giáo dục mầm non và cơ sở giáo dục phổ thông công lập, bao gồm thực hiện quy chế dân chủ trong quản lý các hoạt động giáo dục.

Điều 13.1.NĐ.18.2. Đối tượng áp dụng

(Điều 2 Nghị định số 24/2021/NĐ-CP)

Nghị định này áp dụng đối với nhà trẻ, trường mầm non, trường tiểu học, trường trung học cơ sở công lập.

Điều 13.1.NĐ.18.3. Giải thích từ ngữ

(Điều 3 Nghị định số 24/2021/NĐ-CP)

Hoạt động giáo dục là các hoạt động dạy học và giáo dục trong nhà trường.
"""

OFF_TOPIC = """# Hướng dẫn chăm sóc cây cà phê

Cây cà phê cần được tưới nước đều đặn vào mùa khô, bón phân hữu cơ hai lần mỗi năm và tỉa cành sau thu hoạch để cây ra nhiều quả.
"""


def write_corpus(folder: Path) -> Path:
    """Write the tiny corpus used by engine tests; returns the folder."""
    (folder / "van-ban").mkdir(parents=True, exist_ok=True)
    (folder / "tin-tuc").mkdir(parents=True, exist_ok=True)
    (folder / "van-ban" / "nd-182-2026.md").write_text(LEGAL_182, encoding="utf-8")
    # A near-duplicate copy of the same decree under another name.
    copy = LEGAL_182.replace(
        'title: "Nghị định 182/2026/NĐ-CP - Phụ cấp ưu đãi nhà giáo"',
        'title: "NĐ 182/2026 (bản sao)"',
    )
    (folder / "van-ban" / "nd-182-2026-ban-sao.md").write_text(copy, encoding="utf-8")
    (folder / "van-ban" / "nd-233-2026.md").write_text(LEGAL_233, encoding="utf-8")
    (folder / "tin-tuc" / "hoi-nghi-so-ket.txt").write_text(NEWS, encoding="utf-8")
    (folder / "khac.md").write_text(OFF_TOPIC, encoding="utf-8")
    return folder


def make_settings(tmp_path: Path, docs: Path, backend: str = "none") -> IndexSettings:
    """Engine settings with temp folders; chunk window small enough to exercise splitting."""
    base = IndexSettings(documents_dir=docs, index_dir=tmp_path / "index")
    return replace(base, embedding=EmbeddingSettings(backend=backend))


def open_engine(
    tmp_path: Path, docs: Path, embedder: FakeEmbedder | None = None, backend: str = "none"
) -> Engine:
    """An engine over a documents folder, its index built in ``tmp_path``."""
    settings = make_settings(tmp_path, docs, backend)
    build_index(settings, embedder=embedder)
    return Engine.open(settings, embedder=embedder)


def engine_over(tmp_path: Path, files: dict[str, str]) -> Engine:
    """An engine over a folder holding only these texts (path under the folder -> text)."""
    docs = tmp_path / "docs"
    for name, text in files.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    return open_engine(tmp_path, docs)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A fresh copy of the tiny corpus (tests may edit it)."""
    return write_corpus(tmp_path / "docs")


@pytest.fixture()
def fake_embedder() -> FakeEmbedder:
    """Deterministic embedder for dense-path tests."""
    return FakeEmbedder(dim=64)


@pytest.fixture()
def shared_data() -> Path:
    """../shared/data beside the repository, or skip."""
    if not SHARED.exists():
        pytest.skip("../shared/data is not present (only in the developers' and CI checkouts)")
    return SHARED


def copy_tree(src: Path, dst: Path) -> Path:
    """Copy a folder (test corpora are edited in place)."""
    shutil.copytree(src, dst)
    return dst
