"""Tone-mark restoration learned from the corpus."""

from __future__ import annotations

from index.tones import ToneRestorer

CORPUS = [
    "Giáo viên được hưởng phụ cấp ưu đãi theo nghề.",
    "Mức phụ cấp của giáo viên trung học cơ sở là 40%.",
    "Cấp học và cấp cứu; cáp điện; cập nhật văn bản.",
    "Thời gian tập sự của viên chức là 12 tháng.",
]


def test_restores_the_most_likely_accented_sequence(tmp_path):
    restorer = ToneRestorer.learn(CORPUS, min_bigram=1)
    assert (
        restorer.restore("giao vien duoc phu cap bao nhieu") == "giáo viên được phụ cấp bao nhiêu"
    )
    assert restorer.restore("thoi gian tap su cua vien chuc") == "thời gian tập sự của viên chức"
    path = tmp_path / "tones.json"
    restorer.save(path)
    assert ToneRestorer.load(path).restore("cap nhat van ban") == "cập nhật văn bản"


def test_unknown_and_accented_words_are_left_alone():
    restorer = ToneRestorer.learn(CORPUS, min_bigram=1)
    assert restorer.restore("xyz giáo viên") == "xyz giáo viên"
