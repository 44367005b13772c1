"""Rank fusion, duplicate collapse and the evidence measure."""

from __future__ import annotations

from index.fusion import collapse, coverage, weighted_rrf


def test_rrf_rewards_agreement_and_respects_weights():
    fused = weighted_rrf([([1, 2, 3], 1.0), ([3, 1, 4], 1.0)], k=60)
    assert max(fused, key=fused.get) == 1
    assert fused[3] > fused[2]
    only_first = weighted_rrf([([1, 2], 1.0), ([2, 1], 0.0)], k=60)
    assert only_first[1] > only_first[2]


def test_collapse_merges_copies_from_other_documents_only():
    texts = {
        0: "Mức phụ cấp 45% áp dụng đối với giáo viên trung học cơ sở ở vùng đồng bằng.",
        1: "Mức phụ cấp 45% áp dụng đối với giáo viên trung học cơ sở ở vùng đồng bằng.",
        2: "Thời điểm đánh giá viên chức là trước ngày 15 tháng 12 hằng năm.",
        3: "Mức phụ cấp 45% áp dụng đối với giáo viên trung học cơ sở ở vùng đồng bằng.",
    }
    docs = {0: "a.md", 1: "b.md", 2: "c.md", 3: "a.md"}
    grouped = collapse([0, 1, 2, 3], texts.get, docs.get)
    assert grouped[0] == (0, [1])
    assert (2, []) in grouped
    assert (3, []) in grouped, "a repeat inside the same document is not a copy"


def test_coverage_is_idf_weighted():
    idf = {"phu": 1.0, "cap": 1.0, "vang": 5.0}.get
    assert coverage(["phu", "cap"], {"phu", "cap"}, idf) == 1.0
    assert coverage(["phu", "vang"], {"phu"}, idf) < 0.2
    assert coverage([], {"phu"}, idf) == 0.0
