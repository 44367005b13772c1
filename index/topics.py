"""Topics staff name in a word of their own, and whether the collection holds any text on them.

"Điểm chuẩn vào lớp 10", "lương tối thiểu vùng", "giáo viên có được dạy thêm không": near the
texts in words, nowhere in them in substance. When no passage of the collection names the
topic a question names, nothing in it answers the question, however many other words a
passage shares with it, and quoting one with its source line misleads. The engine declines
such answers and says what it found nothing about (like the years and provinces of
:mod:`index.anchors`); once a document on the topic is added, the topic is held and the
question is answered as any other.

Matching is on folded text (no tone marks). A topic is held when any passage names it in the
same words; the list holds what teachers ask about by a fixed name that a text on it would
use, not words that also qualify other questions ("học bổng của học sinh giỏi" is answered by
a scholarship article that never says "học sinh giỏi", so that is no topic here).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.textnorm import fold

# Folded pattern -> how a reply names the topic. "dạy thêm giờ" (teaching extra hours, paid
# overtime) is another thing than "dạy thêm" (private tutoring).
TOPICS: dict[str, str] = {
    r"diem chuan": "điểm chuẩn",
    r"(?:luong )?toi thieu vung": "lương tối thiểu vùng",
    r"day them(?! gio)": "dạy thêm",
    r"thuong tet": "thưởng Tết",
    r"lich nghi tet": "lịch nghỉ Tết",
    r"(?:thi|tuyen sinh|xet tuyen) (?:vao )?lop 10": "tuyển sinh lớp 10",
    r"(?:thi|tuyen sinh|xet tuyen) (?:vao )?lop 6": "tuyển sinh lớp 6",
    r"(?:thi|tuyen sinh|xet tuyen) (?:vao )?lop 1": "tuyển sinh lớp 1",
    r"dinh muc tiet(?: day)?|so tiet(?: day)? (?:toi da|toi thieu)": "định mức tiết dạy",
    r"tiet ?/ ?tuan|tiet (?:mot|moi|1) tuan|(?:mot|moi|1) tuan(?: \w+){0,7} tiet": (
        "số tiết mỗi tuần"
    ),
    r"chuan quoc gia muc(?: do)? (?:1|2|3|i|ii|iii)": "trường đạt chuẩn quốc gia mức độ 1, 2",
    r"quy lop|quy phu huynh|quy hoi cha me": "quỹ lớp, quỹ phụ huynh",
    # Held (news items give a province's share of such schools, a university text its own
    # accreditation), so the passage quoted must name it: "điều kiện công nhận trường chuẩn
    # quốc gia" is not answered by "đại học quốc gia ... đáp ứng Chuẩn cơ sở giáo dục đại học".
    # Not "tiêu chuẩn quốc gia", a technical standard.
    r"(?<!tieu )chuan quoc gia": "trường đạt chuẩn quốc gia",
    r"xe dua don": "xe đưa đón học sinh",
    # Held (a decree amends who decides the rate "làm căn cứ thực hiện miễn học phí"), so the
    # passage quoted must name it: "trẻ 5 tuổi có được miễn học phí không" is not answered by
    # the class sizes of a kindergarten.
    r"mien (?:giam )?hoc phi": "miễn học phí",
    # Leave, duties and grades set by other texts (the labour code, a school's own rules, the
    # pupils' assessment circular), which the bundled collection does not hold.
    r"ket hon|dam cuoi": "nghỉ kết hôn",
    r"truc trua": "trực trưa",
    r"hoc luc (?:gioi|kha|trung binh|yeu)": "xếp loại học lực",
    # An award and a father's leave set by the emulation rules and the social insurance law.
    r"ky niem chuong": "Kỷ niệm chương Vì sự nghiệp giáo dục",
    r"vo (?:sinh|de)(?: con)?": "nghỉ khi vợ sinh con",
}
_PATTERNS = {key: re.compile(rf"(?<!\w)(?:{key})(?!\w)") for key in TOPICS}
# The same without the leading "(?<!\w)", which keeps the regex engine from skipping ahead to
# the phrase's first letters: over a whole collection (7 MB folded) each unheld topic costs
# 3-60 ms instead of 90 (held_topics runs at every index load).
_SCANS = {key: re.compile(rf"(?:{key})(?!\w)") for key in TOPICS}
_WORD = re.compile(r"\w")


def named_topics(text: str) -> list[str]:
    """The topics (keys of :data:`TOPICS`) a text names, in the list's order."""
    folded = " ".join(fold(text).split())
    return [key for key, pattern in _PATTERNS.items() if pattern.search(folded)]


def held_topics(texts: Iterable[str]) -> frozenset[str]:
    """The topics any of these passage texts names."""
    joined = " ".join(fold(" ".join(t.split())) for t in texts)
    return frozenset(key for key in TOPICS if _names_in(joined, key))


def _names_in(folded: str, key: str) -> bool:
    """``_PATTERNS[key].search(folded)``, found faster in a long text."""
    scan, at = _SCANS[key], 0
    while match := scan.search(folded, at):
        start = match.start()
        if start == 0 or not _WORD.match(folded, start - 1):
            return True
        at = start + 1
    return False


def unheld(question: str, held: frozenset[str]) -> list[str]:
    """How a reply names the topics a question names that no passage does."""
    return [TOPICS[key] for key in named_topics(question) if key not in held]


def unnamed(question: str, text: str) -> list[str]:
    """How a reply names the topics a question names that a text does not: a passage that
    never names the topic asked about is not about it, however many words it shares with the
    question (the text is the passage with its heading and its document's title)."""
    named = named_topics(question)
    if not named:
        return []
    folded = " ".join(fold(text).split())
    return [TOPICS[key] for key in named if not _PATTERNS[key].search(folded)]
