"""What the first answer message shows: its passages and the bold answering span.

The engine ranks passages; this module decides what a teacher reads first. The answering span
is a điểm, khoản or sentence chosen by the question's distinguishing terms (the ones that tell
neighbouring clauses apart: "giáo viên" vs "nhân sự hỗ trợ", "mầm non" vs "THCS"), and by the
kind of figure asked for ("bao nhiêu %" wants a clause with a percentage). It is looked for in
the best document's passages of the same article, so the first passage shown is the one that
holds the answer, even when ranking put a neighbouring passage of that article first.

Pure functions over the engine's dataclasses: the bot, the console and the scripts render an
:class:`~index.models.Answer`, they never choose.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace

from index.chunking import article_key, article_of
from index.docnumbers import number_key, without_references
from index.facets import agreement, question_facets, text_facets
from index.lexicon import QUESTION_WORDS, expand
from index.models import Answer, Chunk, Hit, SearchResult, Span
from index.textnorm import fold, folded_syllables, has_tone_marks, normalize, syllables

# A new unit starts at a blank line or at a line opening a khoản ("2."), điểm ("b)") or dash.
_UNIT_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:\d{1,2}\.\d{0,2}\.?|[a-zđ]\)|[-+•])\s)")
_SENTENCE = re.compile(r"(?<=[^\d\s][.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(0-9])")
_CLAUSE_START = re.compile(r"^\s*(\d{1,2})\.\s")
_NUMBERING = re.compile(r"(?:^|(?<=\s))\d{1,2}\.(?=\s)")
# The date a cited document was signed ("Nghị định số 48/2023/NĐ-CP ngày 17 tháng 7 năm
# 2023") is part of its name, not a date or deadline the clause states.
_CITED_DATE = re.compile(
    r"(\d/(?:\d{4}/)?[\w&-]+)\s+ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|/\d{1,2}/\d{4})?"
)
# "khoản 2 Điều 20", "Chương III", "mức độ 3" point to a part of a text or name a grade:
# the numbers in them are no figure the clause states.
_POINTER = re.compile(r"\b(?:[Kk]hoản|Điều|Chương|Mục|mức độ)\s+\d+[\w.]*")
# "a) ...", also as a Markdown list item ("- a) ...": NĐ 93/2026's and TT 40/2026's points)
_POINT_START = re.compile(r"^\s*(?:[-+•]\s+)?([a-zđ])\)\s")
# Headings, and the names of a text's forms and annexes ("Mẫu số 01 Báo cáo về việc thành lập
# Hội đồng trường"): they name a topic, they state nothing.
_HEADING = re.compile(
    r"^\s*(?:#+\s|Điều\s+\d|Chương\s|Mục\s+\d|Mẫu\s+số\s+\d|Phụ\s+lục\b)", re.IGNORECASE
)
# A compilation's note of where an article comes from ("(Điều 1 Nghị định số 116/2020/NĐ-CP,
# có hiệu lực ...)"): the citation, the answer only to "văn bản nào quy định ...".
_SOURCE_NOTE = re.compile(r"^\s*\(Điều\s+\d+\w*\s+[^()]{0,80}?\bsố\s+\d", re.IGNORECASE)
_LONG_UNIT = 420

# What kind of figure a question asks for, and how a clause states it.
_DATE = re.compile(r"ngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2})?|\d{1,2}/\d{1,2}/\d{4}|\d+\s*ngày")
# A length of time ("03 tháng", "từ đủ 12 tháng"), not a date ("ngày 01 tháng 7 năm 2020").
_DURATION = re.compile(
    r"(?<![\d/])(?<!ngày )(?<!tháng )\d+\s*(?:ngày|tuần|tháng|năm|giờ|phút)(?!\s*\d)"
)
_ASKS_FIGURE = re.compile(
    r"\b(bao nhieu|may|muc|ty le|toi da|toi thieu|bao lau|khi nao|ngay nao|thoi diem|han chot)\b"
)
_MONEY = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|nghìn)")
# How a clause states a sum, in money or in what it is reckoned from ("bằng 0,3 mức lương cơ
# sở", "80% học phí").
_SUM = re.compile(
    r"\d[\d.,]*\s*(?:đồng|triệu|nghìn|tỷ)|lương cơ sở|lương tối thiểu|hệ số\s*\d|\d\s*%", re.I
)
_FIGURE_KINDS: tuple[tuple[re.Pattern[str] | None, re.Pattern[str]], ...] = (
    (re.compile(r"phan tram|%|ty le"), re.compile(r"\d\s*%|phần trăm")),
    # "hợp đồng có thời hạn ... bao lâu" asks a duration: the question word before the nouns
    (re.compile(r"bao lau"), _DURATION),
    # "có hiệu lực từ ngày nào": the date the text takes effect, not any date it mentions
    (re.compile(r"hieu luc"), re.compile(r"hiệu lực[^.;]{0,60}?\d{1,2}(?:/|\s+tháng\s+)\d")),
    (re.compile(r"ngay nao|khi nao|thoi diem|tu bao gio|han chot|thoi han"), _DATE),
    (re.compile(r"\bngay\b"), re.compile(r"\d+\s*ngày|ngày\s+\d")),
    (re.compile(r"\btuan\b"), re.compile(r"\d+\s*tuần")),
    (re.compile(r"bao lau|thoi han|thoi gian"), _DURATION),
    (re.compile(r"\bthang\b"), re.compile(r"\d+\s*tháng")),
    (re.compile(r"\bnam\b"), re.compile(r"\d+\s*năm")),
    (re.compile(r"\btiet\b"), re.compile(r"\d+\s*tiết")),
    (re.compile(r"\bgio\b"), re.compile(r"\d+\s*giờ")),
    # a mark is often written bare: "điểm trung bình ... từ 8,5 trở lên"
    (re.compile(r"\bdiem\b"),
     re.compile(r"\d+(?:[,.]\d+)?\s*điểm|(?<![\d.,])\d{1,2},\d{1,2}(?![\d.,])")),
    (re.compile(r"\btuoi\b"), re.compile(r"\d+\s*tuổi")),
    (None, _MONEY),  # a sum of money: see _asks_money
)
# A sum of money is asked by "tiền", "lương", "phí", "đồng": with tone marks as typed ("tiến sĩ",
# "chất lượng", "hội đồng" ask none), without them by the folded word and its neighbours.
_MONEY_MARKED = re.compile(
    r"\b(?:tiền|lương|phí|triệu|nghìn|giá)\b"
    r"|(?<!hội )(?<!cộng )\bđồng\b(?! (?:ý|thời|cơ hữu|bộ|nghiệp|phục|chí|tình))"
)
_MONEY_FOLDED = re.compile(
    r"\btien\b(?! (?:si|tien|do|hanh|bo|trinh|hoc))|\b(?:phi|trieu|nghin)\b|\bgia(?= bao nhieu)"
    r"|(?<!chat )(?<!so )(?<!luc )(?<!khoi )(?<!dinh )(?<!nang )\bluong\b"
    r"|(?<!hoi )(?<!cong )\bdong\b(?! (?:y|thoi|co huu|bo|nghiep|phuc|chi|tinh))"
)
_ANY_FIGURE = re.compile(r"\d")
_DATED = re.compile(r"\b(?:nam|thang|ngay) \d[\d/]*")
# "công thức tính tiền phụ cấp", "cách tính": the clause with the formula ("Mức lương cơ sở x
# Mức phụ cấp ..."), not the one announcing it ("... được tính như sau:").
_ASKS_FORMULA = re.compile(r"\b(cong thuc|cach tinh)\b")
_FORMULA = re.compile(r"\S\s+[x×*=]\s+\S")
# A transitional provision speaks of cases before the text took effect ("Viên chức được tuyển
# dụng trước ngày 01 tháng 7 năm 2020 ...", "... đến ngày Thông tư này có hiệu lực thi hành"):
# it answers a question about those cases only.
_TRANSITIONAL = re.compile(
    r"(?:trước|đến)\s+ngày\s+(?:Nghị định|Thông tư|Luật|Quyết định|Nghị quyết)\s+này\s+có"
    r"\s+hiệu\s+lực|trước\s+ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
    re.IGNORECASE,
)
# A special case ("b) Trường hợp đơn vị ... có thành tích xuất sắc ... thì ... không vượt quá
# 25%") answers a question about that case, not the general rule its neighbour states ("a) Tỷ
# lệ ... không vượt quá 20%"): the question has to name enough of its condition.
_SPECIAL_CASE = re.compile(
    r"^\s*(?:(?:[-+•]\s+)?[a-zđ]\)|\d{1,2}\.)?\s*Trường hợp\s+(.{1,300}?)\s+thì\s"
)
_ASKS_DOCUMENT = re.compile(
    r"\b(?:van ban|nghi dinh|thong tu|luat|quyet dinh|nghi quyet|chi thi|cong van) nao\b"
    r"|\bquy dinh (?:o|tai) dau\b|\bso hieu\b"
)
_YES_NO = re.compile(r"\bkhong(?:\s+(?:a|nhi|nhe|vay|ha))?\s*$|\bhay khong\b|\bco phai\b")
_ASKS_TRANSITION = re.compile(
    r"\b(truoc ngay|truoc khi|chuyen tiep|truoc nam|da duoc|dang huong)\b"
)
# "bao nhiêu phút", "mấy người", "tối đa mấy nhiệm kỳ": the counted noun follows the question
# word(s); "tối đa bao lâu" and "tối thiểu bao nhiêu" count nothing ("bao" is no noun).
_COUNTED = re.compile(
    r"\b(bao nhieu|may|toi da|toi thieu)(?:\s+(?:bao nhieu|may|la|duoc|co))*\s+"
    r"(?!(?:bao|nhieu|may|lau)\b)(\w+)"
)
# A counted noun the law words differently: "hội đồng mấy người" -> "07 hoặc 09 thành viên".
_SAME_COUNT = {"nguoi": "(?:nguoi|thanh vien)", "thanh": "(?:nguoi|thanh vien)"}
_NOT_A_UNIT = frozenset("phan la thi duoc tien co khong va hay de cho ma nua roi".split())
# "bao nhiêu tiền một giờ giảng", "mấy tiền mỗi tháng": a sum of money is asked, whatever
# the figure the span looks for.
_ASKS_SUM = re.compile(
    r"\b(?:bao nhieu|may) tien\b(?! si)"
    # "hỗ trợ tiền sinh hoạt phí bao nhiêu 1 tháng": a sum per month, not a number of months
    r"|\bbao nhieu (?:1|mot|moi) (?:thang|nam|ngay|tuan|buoi|gio|tiet)\b"
)
# A fee or a pay named while another thing is asked: who ("mức học phí ... do ai quyết định"),
# when ("công khai mức học phí vào lúc nào"), how, which, what number ("chương trình hành động
# số mấy"). Such a question asks no sum.
_ASKS_OTHER = re.compile(
    r"\b(?:ai|luc nao|khi nao|bao gio|o dau|the nao|ra sao|gi|so may|so bao nhieu)\b"
)
# A quantity the question states as its case ("lớp có 35% học viên khuyết tật", "đã dạy 7
# năm") picks the tier whose range holds it ("từ 30% đến dưới 40%"), not the clause that
# repeats the number ("Mức 35% ... từ 5% đến dưới 10%"). Folded text; the unit is what the
# number counts.
_AMOUNT = r"(\d+(?:[,.]\d+)?)"
_COUNTS = r"(%|phan tram|nam|thang|ngay|tuan|tiet|gio|hoc sinh|hoc vien|sinh vien|tre|nguoi|lop)"
_STATED_AMOUNT = re.compile(rf"(?<![\d/,.]){_AMOUNT}\s*{_COUNTS}(?!\w)")
_TIERS = (  # the ranges a clause states, by how they bound the quantity
    (re.compile(rf"\btu (?:du )?{_AMOUNT}\s*{_COUNTS}? (?:den|toi) (duoi )?{_AMOUNT}\s*{_COUNTS}"),
     "between"),
    (re.compile(rf"\b(?:tu |du )?{_AMOUNT}\s*{_COUNTS} (?:tro len|tro ra)\b"), "from"),
    (re.compile(rf"\b(?:tren|hon) {_AMOUNT}\s*{_COUNTS}"), "above"),
    (re.compile(rf"(?<!den )\b(?:duoi|chua du) {_AMOUNT}\s*{_COUNTS}"), "below"),
    (re.compile(rf"\b(?:khong qua|toi da) {_AMOUNT}\s*{_COUNTS}"), "up_to"),
)


# A clause referring to another khoản of its own article: "người quy định tại khoản 1 Điều
# này", "trường hợp quy định tại điểm a khoản 1" (not "khoản 2 Điều 15", another article,
# nor the case it excludes: "trừ trường hợp quy định tại điểm c khoản 9").
_REFERENCE = re.compile(
    r"(?:điểm\s+([a-zđ])\s+)?khoản\s+(\d{1,2})"
    r"(?!\s*(?:Điều\s+\d|của\s+(?:Luật|Nghị định|Thông tư)))",
    re.IGNORECASE,
)
_EXCEPT = re.compile(r"\b(?:trừ|ngoại trừ|không áp dụng)\b", re.IGNORECASE)


class _Folded:
    """A pattern matched against the tone-mark-free form of a text."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(fold(text))


# Chosen on the train half (span@1 0.685 -> 0.721; 3.0 and 5.0 no better): a clause stating
# the figure asked for ("07, 09 hoặc 11 thành viên") outweighs the top passage's bonus.
FIGURE_BONUS = 2.0
LEAD_IN_FACTOR = 0.6
# A khoản or điểm is about its article's topic even when it does not repeat it: the article
# heading's words count for each of its units at this weight ("3. Hội đồng có số lượng 05 hoặc
# 07 thành viên" of "Điều 7. Hội đồng đánh giá năng lực ... người dạy nghề"). Chosen on the
# train half (span@1 0.739 -> 0.748; 0.7 and 1.0 decline a right answer by the span floor).
INHERITED = 0.5
TIER_BONUS = 1.0
FACET_BONUS = 0.35
CONFLICT_FACTOR = 0.5
HEADING_FACTOR = 0.4
SOURCE_NOTE_FACTOR = 0.1
TOP_HIT_BONUS = 1.0
TITLE_FACTOR = 0.5
TITLE_SYLLABLES = 14
TABLE_FACTOR = 0.4
TRANSITIONAL_FACTOR = 0.6
CASE_FACTOR = 0.7
CASE_NAMED = 0.34
# "Giáo viên" with no school level named is a school's teacher (mầm non, phổ thông: the staff
# this assistant serves): of clauses alike but for the level they name, the one for schools is
# bold ("a) ... mầm non, cơ sở giáo dục phổ thông ... là 08 tuần", not "b) ... giáo dục thường
# xuyên tối thiểu là 04 tuần"). Bold span only; the ranking's clause fit is unchanged.
SCHOOL_BONUS = 0.2
_SCHOOL_LEVELS = frozenset({"mam_non", "pho_thong", "tieu_hoc", "thcs", "thpt"})
NEIGHBOURS = 6
# The question's meaning, not only its words: the e5 model re-weighs the best few spans by
# their cosine with the question. e5-small's cosines sit in a narrow band, so the weight falls
# steeply: a span 0.035 below the best of them keeps half its term score. Chosen on the train
# half of eval/dev.jsonl (docs/MEASUREMENTS.md).
SIMILARITY_SHARPNESS = 20.0
Similarity = Callable[[list[str]], Sequence[float]]
"""Cosines of span texts with the question (the engine's dense model)."""


@dataclass(frozen=True)
class _Unit:
    chunk: Chunk
    start: int
    end: int
    lead: tuple[int, int] | None
    """The khoản's lead-in ("6. Mức ... 45% ... các trường hợp sau:") of a điểm, if any."""
    level: str
    carried: str = ""
    """The lead-in of a điểm opening its passage when the khoản began in the passage before
    ("8. Mức phụ cấp ưu đãi 60% ... các trường hợp sau:" for "b) Nhà giáo ... khu vực II")."""
    opening: tuple[int, int] | None = None
    """For a later sentence of a long khoản or điểm, its first sentence, which names
    what the rest is about ("3. Đình chỉ học tập có thời hạn đối với sinh viên ..." for "Thời
    hạn đình chỉ ... nhưng không quá 12 tháng")."""


PASSAGE_CACHE = 16384


@functools.lru_cache(maxsize=PASSAGE_CACHE)
def units(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, level) of the điểm, khoản and sentences of a passage, in order."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for match in [*_UNIT_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        block = text[pos:end]
        lead = len(block) - len(block.lstrip())
        a, b = pos + lead, pos + len(block.rstrip())
        if b > a:
            level = (
                "điểm" if _POINT_START.match(block) else
                "khoản" if _CLAUSE_START.match(block) else "câu"
            )
            if level == "câu" or b - a > _LONG_UNIT:
                spans += _sentences(text, a, b, level)
            else:
                spans.append((a, b, level))
        pos = match.end() if match else len(text)
    return tuple(spans)


def _sentences(text: str, a: int, b: int, level: str) -> list[tuple[int, int, str]]:
    out, start = [], a
    for match in _SENTENCE.finditer(text, a, b):
        if match.start() > start:
            out.append((start, match.start(), level if not out else "câu"))
        start = match.end()
    if b > start:
        out.append((start, b, level if not out else "câu"))
    return out


def _lead_of(text: str, spans: Sequence[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
    """For a điểm, the closest preceding khoản line that ends in ':' (its lead-in)."""
    return _open_clause(text, spans[:i]) if spans[i][2] == "điểm" else None


def _open_clause(text: str, spans: Sequence[tuple[int, int, str]]) -> tuple[int, int] | None:
    """The lead-in (a khoản line ending in ':') whose điểm run to the end of these units."""
    for a, b, level in reversed(spans):
        if level == "khoản" or _CLAUSE_START.match(text[a:b]):
            return (a, b) if text[a:b].rstrip().endswith(":") else None
        if level != "điểm":
            return None
    return None


class QueryTerms:
    """The question's content syllables and bigrams (folded), with global weights."""

    def __init__(self, question: str, idf: Callable[[str], float]) -> None:
        # The number names the document, not the clause ("nghị định 66/2026 thay thế ...").
        asked = without_references(question)
        if all(fold(w) in QUESTION_WORDS for w in syllables(asked)):
            asked = question  # "nghị quyết 29-NQ/TW": nothing else to go by
        typed = folded_syllables(asked)
        extra = folded_syllables(expand(asked))
        content = [w for w in typed if w not in QUESTION_WORDS]
        self.weights: dict[str, float] = {}
        for w in content:
            self.weights[w] = idf(w)
        for w in extra:
            if w not in QUESTION_WORDS and w not in self.weights:
                self.weights[w] = 0.8 * idf(w)
        bigrams = list(zip(content, content[1:], strict=False))
        bigrams += list(zip(extra, extra[1:], strict=False))
        self.bigrams = {f"{a}_{b}": 0.5 * idf(f"{a}_{b}") for a, b in bigrams}
        # Word pairs the question states plainly or negated ("không chuyên trách"): a clause
        # stating only the other form speaks of the other case. Not for a yes-or-no question
        # ("... có được xếp loại cao hơn không"): "không cao hơn" is its answer.
        yes_no = bool(_YES_NO.search(" ".join(typed)))
        self.stated = (set(), set()) if yes_no else _stated_pairs(typed)
        self.facets = question_facets(question)
        folded = " ".join(typed)
        self.figure: re.Pattern[str] | _Folded | None = None
        self.asks_figure = bool(_ASKS_FIGURE.search(folded))
        self.asks_transition = bool(_ASKS_TRANSITION.search(folded))
        whole = fold(question)  # with its "%" and "/", which the syllables drop
        self.asks_document = bool(_ASKS_DOCUMENT.search(whole))
        self.amounts = stated_amounts(whole)
        counted = _COUNTED.search(folded)
        if _ASKS_FORMULA.search(folded):
            self.figure = _FORMULA
        elif counted and counted.group(2) not in _NOT_A_UNIT:  # "bao nhieu phut" -> "180 phút"
            unit = _SAME_COUNT.get(counted.group(2), re.escape(counted.group(2)))
            self.figure = _Folded(rf"\d[\d.,]*\s*(?:\([^)]{{1,20}}\)\s*)?{unit}\b")
        elif self.asks_figure:
            # "năm 2026", "ngày 20/11" date the question, they ask no length of time
            plain, whole_plain = _DATED.sub(" ", folded), _DATED.sub(" ", whole)
            for asked, stated in _FIGURE_KINDS:
                if (
                    _asks_money(question) if asked is None
                    else asked.search(plain) or asked.search(whole_plain)
                ):
                    self.figure = stated
                    break
        # A sum of money asked ("được thưởng bao nhiêu tiền"): the engine declines a passage
        # stating none.
        self.asks_sum = (
            self.figure is _MONEY or bool(_ASKS_SUM.search(folded)) and _asks_money(question)
        ) and not _ASKS_OTHER.search(folded)

    def states_figure(self, text: str) -> bool:
        """True when a text states the figure asked: one of its kind when the question says
        which ("bao nhiêu %"), any number otherwise."""
        return bool((self.figure or _ANY_FIGURE).search(stated_figures(text)))


# "An ninh mạng là gì?", "người chưa thành niên là người như thế nào", "vật chia được được
# hiểu như thế nào", "định nghĩa của ...": the question asks what a term means (folded words).
_ASKS_DEFINITION = re.compile(
    r"^(?P<x>.+?) (?:la gi|la nguoi nhu the nao|la nhu the nao|duoc hieu (?:nhu the nao|la gi)"
    r"|(?:co )?nghia la gi)\b"
)
_ASKS_DEFINITION_OF = re.compile(
    r"(?:^the nao (?:duoc goi )?la|\b(?:dinh nghia|khai niem)(?: (?:cua|ve))?) (?P<x>.+)$"
)
# What the question says before the term: "theo bộ luật dân sự 2015, ...", "... quy định (thế
# nào về) ...".
_BEFORE_TERM = re.compile(r"^.*\b(?:quy dinh(?: the nao ve| ve)?|theo [^,]*,) ")
# A unit defining a term: "1. An ninh mạng là sự bảo đảm ...", "Người chưa thành niên là ...".
_DEFINES = re.compile(r"^(?:[-+•] )?(?:\d{1,2}\. |[a-zđ]\) )?(?P<t>[^.;:()]{3,80}?) la ")
DEFINED_MIN_WORDS = 2
_TOKEN_WORDS = re.compile(r"\w+")


def defined_term(question: str) -> str | None:
    """The folded words whose meaning a question asks ("an ninh mang" for "An ninh mạng là
    gì?"), or None when it asks something else."""
    folded = fold(normalize(question))
    match = _ASKS_DEFINITION.search(folded) or _ASKS_DEFINITION_OF.search(folded)
    if not match:
        return None
    words = _TOKEN_WORDS.findall(_BEFORE_TERM.sub("", match.group("x").strip()))
    return " ".join(words) if len(words) >= DEFINED_MIN_WORDS else None


# "Theo Điều 15, Bộ luật dân sự ...", "khoan 2 dieu 5 thong tu 29": the article asked for; not
# an article the rule quoted refers to ("... hành vi quy định tại Điều 322 của Bộ luật này").
_NAMED_ARTICLE = re.compile(r"(?<!tai )\bdieu\s+(\d{1,3})(?![\d.,/]?\w)")
# A passage's article number: "Điều 10", or for a compiled article the one of the text it
# comes from, "Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12)".
_ARTICLE_NUMBER = re.compile(r"Điều\s+(\d+)(?=[\s)]|$)")

_ARTICLE_HEADING = re.compile(r"\s*(?:#+\s*)?Điều\s+\d")
# "khoản 6 Điều 3": the khoản asked for, named just before its article.
_NAMED_CLAUSE = re.compile(r"\bkhoan\s+(\d{1,2})\s*,?\s+(?:cua\s+)?dieu\s+\d")


def named_article(question: str) -> str | None:
    """The number of the article (Điều) a question names, if it names one."""
    match = _NAMED_ARTICLE.search(fold(question))
    return match.group(1) if match else None


def named_clause(question: str) -> int | None:
    """The number of the khoản a question names with its article ("khoản 6 điều 3")."""
    match = _NAMED_CLAUSE.search(fold(question))
    return int(match.group(1)) if match else None


def in_article(section: str, number: str) -> bool:
    """True when a passage's section path is in the article of that number."""
    return number in _ARTICLE_NUMBER.findall(article_of(section))


def defines(text: str, term: str) -> bool:
    """True when a unit of the passage opens by defining the term (the whole term, or at least
    half of its last words: "pháp nhân thương mại" for "quy định pháp nhân thương mại")."""
    for a, b, _ in units(text):
        match = _DEFINES.match(fold(text[a : min(b, a + 120)]))
        if not match:
            continue
        defined = " ".join(_TOKEN_WORDS.findall(match.group("t")))
        n = len(defined.split())
        if n >= DEFINED_MIN_WORDS and 2 * n >= len(term.split()) and (
            term == defined or term.endswith(" " + defined)
        ):
            return True
    return False


def states_sum(text: str) -> bool:
    """True when a text states a sum of money, or what one is reckoned from."""
    return bool(_SUM.search(stated_figures(text)))


def _asks_money(question: str) -> bool:
    if has_tone_marks(question):
        return bool(_MONEY_MARKED.search(normalize(question).lower()))
    return bool(_MONEY_FOLDED.search(fold(question)))


def stated_figures(text: str) -> str:
    """A text with the numbers that state no figure blanked out: a clause's numbering ("2."),
    a cited document's signing date, a pointer to another part ("khoản 2 Điều 20")."""
    text = _NUMBERING.sub(" ", text)
    text = _CITED_DATE.sub(r"\1", text)
    return _POINTER.sub(" ", text)


Words = dict[str, None]
"""A word bag: folded words and word pairs as the keys of a dict (a dict of strings is no
work for the garbage collector, a set is: thousands are held in the clause caches)."""


@dataclass(frozen=True, slots=True)
class _UnitFacts:
    """What a unit's score needs that does not depend on the question (cached per text).
    Word bags are shared between the units that have the same text, lead-in or heading."""

    bag: Words
    """Its own words and word pairs (what a clause referring to it inherits)."""
    lead: Words
    """Its khoản's lead-in's words and pairs (count as its own)."""
    heading: Words
    """Its article heading's and first sentence's words and pairs (count at INHERITED)."""
    full: str
    """Its text and lead-in with the numbers that state nothing blanked out."""
    facets: dict[str, set[str]]
    negated: frozenset[str]
    """The word pairs it states after "không" (see :func:`_stated_pairs`); usually none."""
    factor: float
    """Its kind's weight: a source note, a heading, a lead-in alone, a title, a table row."""
    document_factor: float
    """The same when the question asks which document says it (a source note is no less)."""
    transitional: bool
    case: frozenset[str]
    """The content words of the condition of a special case ("Trường hợp ... thì"), if it is
    one."""
    lead_in: bool
    refers: tuple[tuple[int, str], ...]
    """The (khoản, điểm) of its own article it refers to (see :func:`_references`)."""


_EMPTY: frozenset[str] = frozenset()
_NO_WORDS: Words = {}


# Bounded: the clauses of the bundled collection fit (about 25,800; the process holds 385 MB
# once all are read), and those of a 10,000-passage one, so that warming (Engine.warm) reads
# every passage before the first question (bench: ranking stage p95 6.9 ms at 10k after
# warming 10,006 passages, 17.9 ms with 32,768 clauses, where 7,700 fit); a larger collection
# keeps its recent candidates' (and reads the others from the build's prepared records).
CLAUSE_CACHE = 49152


@functools.lru_cache(maxsize=CLAUSE_CACHE)
def _word_bag(*texts: str) -> Words:
    """The folded words of these texts read in a row, and their word pairs (interned: the
    same words recur in thousands of clauses)."""
    words = [sys.intern(w) for text in texts for w in folded_syllables(text)]
    return dict.fromkeys([*words, *(sys.intern(pair) for pair in _bigrams(words))])


@functools.lru_cache(maxsize=4096)
def _pairs_of(full: str) -> tuple[frozenset[str], frozenset[str]]:
    """(pairs a text states plainly, pairs it states after "không"): kept for a few texts
    only, as a question naming a negated case ("không chuyên trách") is rare."""
    plain, negated = _stated_pairs(folded_syllables(full))
    return frozenset(plain), frozenset(negated)


@functools.lru_cache(maxsize=CLAUSE_CACHE)
def _unit_facts(text: str, lead: str, context: str, opening: str) -> _UnitFacts:
    full = stated_figures(text + " " + lead)
    lead_in = text.rstrip().endswith(":")
    kind = 1.0
    if _HEADING.match(text):
        kind = HEADING_FACTOR
    elif lead_in:  # a lead-in alone states nothing; its điểm do
        kind = LEAD_IN_FACTOR
    elif _is_title(text):  # "3. Trách nhiệm của nhà giáo ...": names a topic, states nothing
        kind = TITLE_FACTOR
    table = TABLE_FACTOR if text.count("|") >= 2 else 1.0  # a table row, not a sentence
    source_note = SOURCE_NOTE_FACTOR if _SOURCE_NOTE.match(text) else kind
    bag = _word_bag(text)
    lead_bag = _word_bag(lead) if lead else _NO_WORDS
    return _UnitFacts(
        bag=bag,
        lead=lead_bag,
        heading=_word_bag(context, opening) if context or opening else _NO_WORDS,
        full=full,
        facets=text_facets(full),
        negated=_pairs_of(full)[1] if "khong" in bag or "khong" in lead_bag else _EMPTY,
        factor=source_note * table,
        document_factor=kind * table,
        transitional=bool(_TRANSITIONAL.search(full)),
        case=_case_words(text),
        lead_in=lead_in,
        refers=_references(text),
    )


def _case_words(text: str) -> frozenset[str]:
    match = _SPECIAL_CASE.match(text)
    if not match:
        return _EMPTY
    return frozenset(w for w in folded_syllables(match.group(1)) if w not in QUESTION_WORDS)


ClauseKey = tuple[str, str, str, str]
"""What a clause's facts depend on: its text, lead-in, article heading and first sentence."""
Reading = tuple[int, int, int, int, bool, int, int]
"""Where a clause reading's key lies in its passage: (start, end) of its text, of its own
lead-in and of its first sentence (-1, -1: none), and whether it carries a lead-in from the
passage before."""

# Clause facts read from a build's prepared records (:mod:`index.prepared`), looked up before
# computing; bounded like the computed ones, the oldest leaving first.
_PREPARED: dict[ClauseKey, _UnitFacts] = {}


def _reading(unit: _Unit) -> Reading:
    lead = unit.lead or (-1, -1)
    opening = unit.opening or (-1, -1)
    return unit.start, unit.end, lead[0], lead[1], bool(unit.carried), opening[0], opening[1]


def reading_key(chunk: Chunk, carried: str, reading: Reading) -> ClauseKey:
    """The key of a clause reading of a passage (``carried``: the lead-in it may carry)."""
    start, end, lead_start, lead_end, carries, open_start, open_end = reading
    text = chunk.text
    own_lead = text[lead_start:lead_end] if lead_start >= 0 else ""
    # The score reads the carried lead-in both as the unit's words and as its full text; a
    # điểm has either its own lead-in or a carried one, never both.
    lead = f"{own_lead} {carried}".strip() if carries else own_lead
    opening = text[open_start:open_end] if open_start >= 0 else ""
    return text[start:end], lead, chunk.context or "", opening


def _facts_of(unit: _Unit, text: str) -> _UnitFacts:
    key = reading_key(unit.chunk, unit.carried, _reading(unit))
    found = _PREPARED.get(key)
    return found if found is not None else _unit_facts(*key)


def clause_readings(chunk: Chunk, previous: Chunk | None) -> tuple[str, list[Reading]]:
    """Every distinct way the ranking stage and the bold span read a passage's clauses: alone,
    and with the lead-in of a khoản carried from the passage before (``previous``, the
    passage whose id is one less, when it continues the same article). Returns that lead-in
    ("" when none) and the readings."""
    found = span_candidates([chunk])
    if previous is not None:
        found += [u for u in span_candidates([previous, chunk]) if u.chunk is chunk]
    carried = next((u.carried for u in found if u.carried), "")
    return carried, list(dict.fromkeys(_reading(u) for u in found))


def clause_facts(keys: Sequence[ClauseKey]) -> list[tuple]:
    """The facts of these clause readings as plain tuples (what a build stores)."""
    return [_as_tuple(_unit_facts(*key)) for key in keys]


def remember_clauses(keys: Sequence[ClauseKey], stored: Sequence[Sequence]) -> None:
    """Take the stored facts of these clause readings (from :func:`clause_facts`)."""
    for key, values in zip(keys, stored, strict=True):
        if len(_PREPARED) >= CLAUSE_CACHE:
            # (another thread may change the dict between iter() and del: then skip a turn)
            with contextlib.suppress(RuntimeError, KeyError, StopIteration):
                del _PREPARED[next(iter(_PREPARED))]
        facts = list(values)
        for i in _SET_FIELDS:  # one empty set for all, as when worked out
            facts[i] = facts[i] or _EMPTY
        _PREPARED[key] = _UnitFacts(*facts)


_SET_FIELDS = tuple(i for i, f in enumerate(fields(_UnitFacts)) if f.name in ("negated", "case"))


def prepared_held() -> int:
    """How many clause readings' facts taken from prepared records are held."""
    return len(_PREPARED)


def forget_prepared() -> None:
    """Drop the clause facts taken from prepared records."""
    _PREPARED.clear()


def _as_tuple(facts: _UnitFacts) -> tuple:
    return tuple(getattr(facts, f.name) for f in fields(_UnitFacts))


def _score_units(
    terms: QueryTerms, candidates: list[_Unit], texts: list[str], preferred: int | None = None
) -> list[float]:
    """Score every unit: weighted term and bigram matches, locally rare terms count more.
    Units of the ``preferred`` passage (ranking's best) win close calls, unless they speak of
    another group or case than the one asked."""
    facts = [_facts_of(unit, text) for unit, text in zip(candidates, texts, strict=True)]
    referring = any(f.refers for f in facts)
    clauses = _clause_words(candidates, texts, [f.bag for f in facts]) if referring else {}
    n = len(candidates)
    wanted = {**terms.weights, **terms.bigrams}
    asked = wanted.keys()
    # The question's terms each unit states, and those only its heading or referred clause do.
    found = []
    for unit, fact in zip(candidates, facts, strict=True):
        stated = (asked & fact.bag.keys()) | (asked & fact.lead.keys())
        inherited = asked & fact.heading.keys()
        if fact.refers:
            article = article_key(unit.chunk.section)
            for clause, point in fact.refers:
                inherited |= asked & clauses.get((article, clause, point), _EMPTY)
        found.append((stated, inherited - stated))
    local_df = dict.fromkeys(wanted, 0)
    for stated, inherited in found:
        for term in stated | inherited:
            local_df[term] += 1
    value = {t: w * (1.0 + math.log((n + 1) / (local_df[t] + 1))) for t, w in wanted.items()}
    scores = []
    for (stated, inherited), unit, text, fact in zip(found, candidates, texts, facts, strict=True):
        # fsum: the same total whatever order the sets give their terms in
        score = math.fsum(value[t] for t in stated) + INHERITED * math.fsum(
            value[t] for t in inherited
        )
        if score <= 0:
            scores.append(0.0)
            continue
        if terms.figure is not None and terms.figure.search(fact.full):
            score *= 1 + FIGURE_BONUS
        elif terms.asks_figure and _ANY_FIGURE.search(fact.full):
            score *= 1 + FIGURE_BONUS / 3
        match, conflict = agreement(terms.facets, fact.facets)
        asked_plain, asked_negated = terms.stated
        if (asked_plain & fact.negated) or asked_negated:
            plain, negated = _pairs_of(fact.full)
            if (asked_plain & negated) - plain or (asked_negated & plain) - negated:
                conflict += 1
        score *= (1 + FACET_BONUS * match) * CONFLICT_FACTOR**conflict
        if unit.chunk.chunk_id == preferred and not conflict:
            score *= 1 + TOP_HIT_BONUS
        score *= fact.document_factor if terms.asks_document else fact.factor
        if not terms.asks_transition and fact.transitional:
            score *= TRANSITIONAL_FACTOR
        if fact.case and len(fact.case & terms.weights.keys()) < CASE_NAMED * len(fact.case):
            score *= CASE_FACTOR
        if terms.amounts:
            fit = _tier_fit(terms.amounts, text)
            if fit is True and not fact.lead_in:  # a lead-in's range is scope
                score *= 1 + TIER_BONUS
            elif fit is False:
                score *= CONFLICT_FACTOR
        scores.append(score)
    return scores


def clause_fit(terms: QueryTerms, chunks: Sequence[Chunk]) -> dict[int, float]:
    """For each of these passages, the score of its best clause for the question (its điểm,
    khoản and sentences scored together, as the bold span is chosen): a passage whose one
    clause holds the question's role, level and figure together outscores one that spreads
    them over several."""
    candidates = span_candidates(sorted(chunks, key=lambda c: c.chunk_id))
    if not candidates or not terms.weights:
        return {}
    texts = [u.chunk.text[u.start : u.end] for u in candidates]
    best: dict[int, float] = {}
    for unit, value in zip(candidates, _score_units(terms, candidates, texts), strict=True):
        best[unit.chunk.chunk_id] = max(best.get(unit.chunk.chunk_id, 0.0), value)
    return best


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def stated_amounts(folded: str) -> list[tuple[float, str]]:
    """The quantities a (folded) question states with what they count: [(35.0, "%")]."""
    return [
        (_number(m.group(1)), _unit_key(m.group(2))) for m in _STATED_AMOUNT.finditer(folded)
    ]


def _unit_key(unit: str) -> str:
    return "%" if unit in ("%", "phan tram") else unit


def tiers(text: str) -> list[tuple[float, float, bool, str]]:
    """The ranges a clause states: (low, high, high included, unit), folded units."""
    folded = fold(text)
    found: list[tuple[float, float, bool, str]] = []
    for pattern, kind in _TIERS:
        for m in pattern.finditer(folded):
            if kind == "between":
                unit = _unit_key(m.group(5))
                found.append((_number(m.group(1)), _number(m.group(4)), not m.group(3), unit))
            elif kind == "from":
                found.append((_number(m.group(1)), math.inf, True, _unit_key(m.group(2))))
            elif kind == "above":
                low = math.nextafter(_number(m.group(1)), math.inf)
                found.append((low, math.inf, True, _unit_key(m.group(2))))
            else:
                high, unit = _number(m.group(1)), _unit_key(m.group(2))
                found.append((-math.inf, high, kind == "up_to", unit))
    return found


def _tier_fit(amounts: list[tuple[float, str]], text: str) -> bool | None:
    """True when a range of the clause holds a quantity the question states, False when its
    ranges of that unit all miss it, None when it states no range of that unit."""
    fits = None
    for low, high, closed, unit in tiers(text):
        for value, asked in amounts:
            if asked != unit:
                continue
            inside = low <= value and (value <= high if closed else value < high)
            if inside:
                return True
            fits = False
    return fits


def _clause_words(
    candidates: list[_Unit], texts: list[str], bags: list[Words]
) -> dict[tuple[str, int, str], set[str]]:
    """The words (and bigrams) of each khoản and điểm among the units, keyed by (article,
    khoản number, điểm letter or "" for the whole khoản); ``bags`` holds each unit's own."""
    found: dict[tuple[str, int, str], set[str]] = {}
    article, clause = "", 0
    for unit, text, bag in zip(candidates, texts, bags, strict=True):
        here = article_key(unit.chunk.section)
        if here != article:
            article, clause = here, 0
        opened = _CLAUSE_START.match(text) or _CLAUSE_START.match(unit.carried)
        if opened:
            clause = int(opened.group(1))
        if not clause:
            continue
        found.setdefault((article, clause, ""), set()).update(bag)
        point = _POINT_START.match(text)
        if point:
            found.setdefault((article, clause, point.group(1)), set()).update(bag)
    return found


def _references(text: str) -> tuple[tuple[int, str], ...]:
    """The khoản and điểm of its own article a text refers to ("người quy định tại khoản 1
    Điều này", "điểm a khoản 1 Điều này"): their words are its topic too."""
    return tuple(
        (int(m.group(2)), m.group(1) or "")
        for m in _REFERENCE.finditer(text)
        if not _EXCEPT.search(text[max(0, m.start() - 40) : m.start()])
    )


def _ranges(unit: _Unit) -> tuple[tuple[int, int], ...]:
    return (unit.lead, (unit.start, unit.end)) if unit.lead else ((unit.start, unit.end),)


def _shown(unit: _Unit) -> str:
    """The span's text as the answer shows it (a điểm after its khoản's lead-in, without the
    bullet of a Markdown list item)."""
    return " … ".join(
        _BULLET.sub("", unit.chunk.text[a:b].strip(), count=1) for a, b in _ranges(unit)
    )


_BULLET = re.compile(r"^[-+•]\s+(?=[a-zđ]\)\s)")


def _reweighed(
    scores: list[float], candidates: list[_Unit], similarity: Similarity, n: int
) -> tuple[list[float], float]:
    """The n best-scored units weighed by their cosine with the question, the rest 0; and
    the highest of those cosines."""
    best = [i for i in sorted(range(len(scores)), key=lambda i: -scores[i])[:n] if scores[i] > 0]
    cosines = [float(c) for c in similarity([_shown(candidates[i]) for i in best])]
    top = max(cosines)
    out = [0.0] * len(scores)
    for i, cosine in zip(best, cosines, strict=True):
        out[i] = scores[i] * math.exp(SIMILARITY_SHARPNESS * (cosine - top))
    return out, top


def _is_title(text: str) -> bool:
    """A short line without a figure or closing punctuation: a khoản's or a section's title."""
    body = _CLAUSE_START.sub("", text, count=1).strip()
    if not body or body[-1] in ".;:!?…":
        return False
    return len(syllables(body)) <= TITLE_SYLLABLES and not _ANY_FIGURE.search(body)


def _bigrams(words: list[str]) -> set[str]:
    return {f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)}


def _stated_pairs(words: list[str]) -> tuple[set[str], set[str]]:
    """(content word pairs said plainly, those said after "không"), folded."""
    plain: set[str] = set()
    negated: set[str] = set()
    for i in range(len(words) - 1):
        a, b = words[i], words[i + 1]
        # "không được tính" states a rule: "được" counts there, as nowhere else
        if (a in QUESTION_WORDS and a != "duoc") or b in QUESTION_WORDS:
            continue
        (negated if i > 0 and words[i - 1] == "khong" else plain).add(f"{a}_{b}")
    return plain, negated


def span_candidates(chunks: Sequence[Chunk]) -> list[_Unit]:
    """Every điểm, khoản and sentence of these passages, with the lead-in of each điểm (from
    the passage before, when that is among them and its khoản began there)."""
    candidates: list[_Unit] = []
    by_id = {chunk.chunk_id: chunk for chunk in chunks}
    for chunk in chunks:
        spans = units(chunk.text)
        previous = by_id.get(chunk.chunk_id - 1)
        carried = _open_lead(previous) if previous and _continues(previous, chunk) else ""
        opening: tuple[int, int] | None = None
        for i, (a, b, level) in enumerate(spans):
            lead = _lead_of(chunk.text, spans, i)
            if level == "khoản" or _CLAUSE_START.match(chunk.text[a:b]):
                carried = ""
            own_lead = lead is None and level == "điểm"
            same_block = i > 0 and "\n" not in chunk.text[spans[i - 1][1] : a]
            if not same_block:  # a khoản or điểm split into sentences, not a news paragraph
                opening = (a, b) if level != "câu" else None
            candidates.append(
                _Unit(chunk, a, b, lead, level, carried if own_lead else "",
                      opening if same_block else None)
            )
    return candidates


def prepare_clauses(chunks: Sequence[Chunk]) -> int:
    """Parse these passages' clauses and read what each states into the caches: the part of
    :func:`clause_fit` and :func:`choose_span` no question changes. Returns how many clauses.

    Passages are read both together (a điểm carrying the lead-in of a khoản begun in the
    passage before) and alone, the two ways the ranking stage meets them."""
    together = span_candidates(chunks)
    alone = [u for chunk in chunks for u in span_candidates([chunk])] if len(chunks) > 1 else []
    for unit in together + alone:
        _facts_of(unit, unit.chunk.text[unit.start : unit.end])
    return len(together)


def _continues(previous: Chunk, chunk: Chunk) -> bool:
    """True when the passage before a passage (by id) belongs to the same article."""
    article = article_of(chunk.section)
    return (
        bool(article) and previous.doc_id == chunk.doc_id
        and article_of(previous.section) == article
    )


def _open_lead(chunk: Chunk) -> str:
    """The lead-in of the khoản a passage ends in, when that khoản lists điểm (ends in ':')."""
    found = _open_clause(chunk.text, units(chunk.text))
    return chunk.text[found[0] : found[1]].strip() if found else ""


def span_texts(chunk: Chunk) -> list[str]:
    """The texts of a passage's candidate bold spans, as the answer would show them (the
    builder stores their vectors, so weighing spans by meaning costs no encoding)."""
    return [_shown(unit) for unit in span_candidates([chunk])]


def choose_span(
    question: str,
    chunks: Sequence[Chunk],
    idf: Callable[[str], float],
    preferred: int | None = None,
    similarity: Similarity | None = None,
    reweigh: int = 0,
) -> Span | None:
    """The unit of these passages that best answers the question (None when none matches).

    ``preferred`` is the chunk id of the top-ranked passage; its units win close calls.
    With ``similarity``, the ``reweigh`` best-scored units are re-weighed by their cosine with
    the question and the others drop out.
    """
    terms = QueryTerms(question, idf)
    if not terms.weights:
        return None
    candidates = span_candidates(chunks)
    if not candidates:
        return None
    texts = [u.chunk.text[u.start : u.end] for u in candidates]
    scores = _score_units(terms, candidates, texts, preferred)
    if max(scores) <= 0:
        return None
    if "level" not in terms.facets and "nha_giao" in terms.facets.get("role", ()):
        for i, (unit, text) in enumerate(zip(candidates, texts, strict=True)):
            if _facts_of(unit, text).facets.get("level", _EMPTY) & _SCHOOL_LEVELS:
                scores[i] *= 1 + SCHOOL_BONUS
    closest = None
    if similarity is not None and reweigh > 1:
        scores, closest = _reweighed(scores, candidates, similarity, reweigh)
    best = max(range(len(candidates)), key=lambda i: scores[i])
    return _span_of(candidates[best], closest)


def opens_clause(chunk: Chunk, number: int) -> bool:
    """True when the khoản of that number begins in this passage."""
    return any(_is_clause(unit, number) for unit in span_candidates([chunk]))


def _is_clause(unit: _Unit, number: int) -> bool:
    """True for the unit that opens the khoản of that number ("6. Mức phụ cấp ...")."""
    match = _CLAUSE_START.match(unit.chunk.text[unit.start : unit.end])
    return unit.level == "khoản" and match is not None and int(match.group(1)) == number


def _opens_article(unit: _Unit) -> bool:
    """True for an article's heading ("Điều 17. ...") or a khoản (not the title of the
    document above the article)."""
    return unit.level == "khoản" or bool(_ARTICLE_HEADING.match(unit.chunk.text[unit.start :]))


def _span_of(unit: _Unit, closest: float | None) -> Span:
    ranges = _ranges(unit)
    text = f"{unit.carried} … {_shown(unit)}" if unit.carried else _shown(unit)
    pieces = [unit.chunk.text[a:b] for a, b in ranges]
    if unit.carried:
        pieces.insert(0, unit.carried)
    section = narrowed_section(unit.chunk.section, pieces)
    return Span(
        chunk_id=unit.chunk.chunk_id, ranges=tuple(ranges), text=text, level=unit.level,
        section=section, similarity=closest, lead=unit.carried,
    )


_CLAUSES = re.compile(r"^Khoản\s+(\d{1,2})(?:-(\d{1,2}))?$")


def narrowed_section(section: str, pieces: Sequence[str]) -> str:
    """The section path of a passage narrowed to the khoản and điểm its bold pieces open with.

    ``pieces`` are the span's texts in order (a khoản's lead-in, then its điểm). The khoản
    must lie within the passage's "Khoản 5-6" element (or the passage must be one article
    without khoản elements); a điểm alone narrows a passage of one khoản. Returns "" when the
    span is no narrower than the passage.
    """
    elements = section.split(" > ") if section else []
    if not pieces or not any(e.startswith("Điều") for e in elements):
        return ""
    clause = _CLAUSE_START.match(pieces[0])
    if clause is None:  # a điểm alone: narrower only inside a passage of a single khoản
        point = _POINT_START.match(pieces[-1])
        single = _CLAUSES.match(elements[-1])
        if point is None or single is None or single.group(2):
            return ""
        return " > ".join([*elements, f"Điểm {point.group(1)}"])
    number = int(clause.group(1))
    if elements and elements[-1].startswith("Khoản"):
        bounds = _CLAUSES.match(elements[-1])
        if bounds is None:
            return ""
        low, high = int(bounds.group(1)), int(bounds.group(2) or bounds.group(1))
        if not low <= number <= high:
            return ""
        elements = elements[:-1]
    elements.append(f"Khoản {number}")
    point = _POINT_START.match(pieces[-1]) if len(pieces) > 1 else None
    if point is not None:
        elements.append(f"Điểm {point.group(1)}")
    return " > ".join(elements)


def identity(hit: Hit) -> str:
    """Documents with the same số hiệu are copies of one text."""
    return "number:" + number_key(hit.doc.number) if hit.doc.number else hit.doc.doc_id


def next_passages(hits: Sequence[Hit], first: Hit, limit: int) -> list[Hit]:
    """Up to limit further hits in rank order: the runner-up passage of the same document
    before a weaker one of another document, but never a copy of a passage already shown."""
    chosen: list[Hit] = []
    shown_ids = {first.chunk.chunk_id}
    shown_texts = {" ".join(first.chunk.text.split())}
    for hit in hits:
        if len(chosen) >= limit:
            break
        text = " ".join(hit.chunk.text.split())
        if hit.chunk.chunk_id in shown_ids or text in shown_texts:
            continue
        if hit.doc.doc_id != first.doc.doc_id and identity(hit) == identity(first):
            continue  # another file of the same document
        chosen.append(hit)
        shown_ids.add(hit.chunk.chunk_id)
        shown_texts.add(text)
    return chosen


def build_answer(
    result: SearchResult,
    article_chunks: Callable[[Chunk], list[Chunk]],
    idf: Callable[[str], float],
    passages: int = 3,
    hit_of: Callable[[Chunk], Hit | None] | None = None,
    similarity: Similarity | None = None,
    reweigh: int = 0,
    lookup: bool = False,
) -> Answer:
    """The first message for a search result: passages in order, bold span, abstain reason.

    Args:
        result: The ranked search (hits in rank order).
        article_chunks: Passages of the same article (Điều) as a chunk, in reading order.
        idf: Global weight of a folded token.
        passages: How many passages the first message shows.
        hit_of: A passage as a hit with its own document, source and replacement note (the
            engine's :meth:`~index.engine.Engine.passage`), for an answering passage that
            ranking did not return. Without it such a passage takes the top hit's document
            and source: right only when the results come from one plain document.
        similarity: Cosines of span texts with the question; with ``reweigh`` > 1 the first
            passage's bold span is chosen among that many best-scored units by meaning too.
        lookup: The question only names a document and an article of it ("Điều 17 Nghị định
            93/2026"): the article is shown from its first passage, which ranking put first,
            its bold span looked for there only.
    """
    if result.abstained or not result.hits:
        reason = result.reason or ("empty" if not result.query.strip() else "no_match")
        return Answer(result.query, (), (), True, reason, result)
    top = result.hits[0]
    span = None
    if lookup:  # the khoản named, else the article's opening (its heading or first khoản)
        same_doc, pool = [top], {top.chunk.chunk_id: top.chunk}
        units = span_candidates([top.chunk])
        clause = named_clause(result.query)
        found = (
            next((u for u in units if _is_clause(u, clause)), None) if clause is not None else None
        )
        found = found or next((u for u in units if _opens_article(u)), None)
        span = _span_of(found, None) if found else None
    else:
        same_doc, pool = span_pool(result, article_chunks)
    span = span or choose_span(
        result.query, list(pool.values()), idf, top.chunk.chunk_id, similarity, reweigh
    )
    first = top
    if span is not None and span.chunk_id != top.chunk.chunk_id:
        ranked = next((h for h in same_doc if h.chunk.chunk_id == span.chunk_id), None)
        chunk = pool[span.chunk_id]
        own = hit_of(chunk) if hit_of is not None else replace(top, chunk=chunk)
        if ranked is not None:
            first = ranked
        elif own is not None:  # a neighbour of a ranked passage: cited by its own source
            first = replace(own, score=top.score)
        else:  # not readable after all: the top passage and its own span
            span = choose_span(result.query, [top.chunk], idf, None, similarity, reweigh)
    others = next_passages(result.hits, first, passages - 1)
    spans = [span] + [choose_span(result.query, [h.chunk], idf) for h in others]
    return Answer(result.query, (first, *others), tuple(spans), False, None, result)


def span_pool(
    result: SearchResult, article_chunks: Callable[[Chunk], list[Chunk]]
) -> tuple[list[Hit], dict[int, Chunk]]:
    """Where the bold span is looked for: the best document's top hits (at most 4) and the
    passages of their articles around them, by chunk id in reading order."""
    top = result.hits[0]
    same_doc = [h for h in result.hits[:10] if identity(h) == identity(top)][:4]
    pool: dict[int, Chunk] = {}
    for hit in same_doc:
        for chunk in _around(article_chunks(hit.chunk), hit.chunk):
            pool.setdefault(chunk.chunk_id, chunk)
    return same_doc, pool


def _around(chunks: list[Chunk], center: Chunk) -> list[Chunk]:
    """At most NEIGHBOURS passages of an article centred on one of them."""
    ids = [c.chunk_id for c in chunks]
    if center.chunk_id not in ids:
        return [center]
    i = ids.index(center.chunk_id)
    lo = max(0, i - NEIGHBOURS // 2)
    return chunks[lo : lo + NEIGHBOURS]
