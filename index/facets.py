"""Who and which school level a text is about: the facets that tell neighbouring clauses apart.

Legal articles often repeat one rule for several groups ("20% đối với nhân sự hỗ trợ giáo
dục ...", "45% đối với nhà giáo ... mầm non"). A question names its group ("giáo viên mầm
non"); a clause that names another group and not the asked one is the wrong answer however many
words it shares. Matching is on tone-mark-free text, so "giao vien thcs" works as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from index.models import Chunk
from index.textnorm import fold

# facet -> value -> (patterns in a question, patterns in a document), folded, word-bounded.
_ROLES = {
    "nha_giao": (r"giao vien|nha giao|co giao|thay giao|thay co|\bgv\b", r"nha giao|giao vien"),
    "giang_vien": (r"giang vien", r"giang vien"),
    "ho_tro": (
        r"nhan vien|nhan su ho tro|ke toan|thu vien|van thu|y te truong|bao ve",
        r"nhan su ho tro|nhan vien",
    ),
    "quan_ly": (
        r"hieu truong|hieu pho|can bo quan ly|\bcbql\b|giam doc",
        r"can bo quan ly|hieu truong|giam doc",
    ),
    "nguoi_hoc": (
        r"hoc sinh|sinh vien|\bhs\b|\bsv\b|hoc vien|nguoi hoc",
        r"hoc sinh|sinh vien|nguoi hoc|hoc vien",
    ),
    "vien_chuc": (r"vien chuc", r"vien chuc"),
}
_LEVELS = {
    "mam_non": (r"mam non|mau giao|nha tre|\bmn\b", r"mam non|mau giao|nha tre"),
    "tieu_hoc": (r"tieu hoc|cap 1|\bth\b", r"tieu hoc"),
    "thcs": (r"trung hoc co so|\bthcs\b|cap 2", r"trung hoc co so"),
    "thpt": (r"trung hoc pho thong|\bthpt\b|cap 3", r"trung hoc pho thong"),
    "dai_hoc": (r"dai hoc|\bdh\b", r"dai hoc"),
    "cao_dang": (r"cao dang|trung cap|\bcd\b", r"cao dang|trung cap"),
    "nghe": (r"nghe nghiep|trung hoc nghe|day nghe|gdnn", r"nghe nghiep|trung hoc nghe"),
}
FACETS = {"role": _ROLES, "level": _LEVELS}


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")


@lru_cache(maxsize=64)
def _phrases(pattern: str) -> tuple[str, ...]:
    """A facet pattern's alternatives as plain folded phrases ("\\bgv\\b" -> "gv")."""
    phrases = tuple(alt.replace(r"\b", "") for alt in pattern.split("|"))
    if not all(re.fullmatch(r"[a-z0-9 ]+", p) for p in phrases):
        raise ValueError(f"facet patterns are plain folded phrases: {pattern!r}")
    return phrases


def _names(folded: str, pattern: str) -> bool:
    """True when a folded text names one of the pattern's phrases as words."""
    return any(p in folded for p in _phrases(pattern)) and bool(_compiled(pattern).search(folded))


@lru_cache(maxsize=8)
def _any_phrase(facet: str, side: int) -> re.Pattern[str]:
    """Every phrase of a facet's values, unbounded: a text matching none names no value (one
    search instead of one test per value; a passage's facets are read for each of its
    clauses, cold, at question time)."""
    phrases = {p for patterns in FACETS[facet].values() for p in _phrases(patterns[side])}
    return re.compile("|".join(sorted(phrases, key=len, reverse=True)))


def question_facets(question: str) -> dict[str, set[str]]:
    """Facet values a question names, e.g. {"role": {"nha_giao"}, "level": {"mam_non"}}."""
    return _facets(question, asked=True)


def text_facets(text: str) -> dict[str, set[str]]:
    """Facet values a passage or clause names."""
    return _facets(text, asked=False)


def _facets(text: str, asked: bool) -> dict[str, set[str]]:
    folded = fold(text)
    side = 0 if asked else 1
    found: dict[str, set[str]] = {}
    for facet, values in FACETS.items():
        hits = (
            {v for v, patterns in values.items() if _names(folded, patterns[side])}
            if _any_phrase(facet, side).search(folded)
            else set()
        )
        if facet == "level" and not asked and _GENERAL_SCHOOL.search(folded):
            hits.add(_GENERAL_EDUCATION)
        if hits:
            found[facet] = hits
    return found


# Values that include others: a rule for viên chức holds for the teachers, managers and
# staff of public schools, so a passage naming only viên chức does not contradict them.
_GENERAL = {"role": {"vien_chuc"}}


# General education ("cơ sở giáo dục phổ thông", not "trung học phổ thông") holds for each of
# its levels: a rule for it answers a question about tiểu học or THCS.
_GENERAL_SCHOOL = re.compile(r"(?<!trung hoc )(?<!\w)pho thong(?!\w)")
_GENERAL_EDUCATION = "pho_thong"
_GENERAL_LEVELS = frozenset({"tieu_hoc", "thcs", "thpt"})


def agreement(asked: dict[str, set[str]], stated: dict[str, set[str]]) -> tuple[int, int]:
    """(facets the text states as asked, facets it states only with other values)."""
    match = conflict = 0
    for facet, wanted in asked.items():
        values = stated.get(facet)
        if facet == "level" and values and _GENERAL_EDUCATION in values:
            values = values | _GENERAL_LEVELS
        if not values or values <= _GENERAL.get(facet, set()):
            continue
        if values & wanted:
            match += 1
        else:
            conflict += 1
    return match, conflict


# The wrong school: "học sinh THCS đánh nhau bị kỷ luật thế nào" is not answered by a
# university's rule for sinh viên, however many words they share. Schools are told apart in two
# stages: general education (any of its levels, or "phổ thông") against the rest, then the
# levels themselves. A text's pupils and its university words count as its levels.
_SCHOOL_LEVELS = _GENERAL_LEVELS | {"mam_non"}
_ASKED_GENERAL = r"pho thong"
_TEXT_GENERAL = r"(?<!luu )(?:hoc sinh|pho thong|tre em)"
_TEXT_HIGHER = (
    r"sinh vien|dai hoc|cao dang|thac si|tien si|tin chi|nghien cuu sinh|hoc vien|luu hoc sinh"
)
# "lưu học sinh", "du học sinh": a student abroad, not a school's pupil
_ASKED_PUPILS = r"(?<!luu )(?<!du )(?:hoc sinh|hs)"
_GRADUATED = re.compile(
    r"(?<!thi )(?<!xet )\b(?:tot nghiep|bang) (?:cap (?:1|2|3)|thcs|thpt|dai hoc|cao dang"
    r"|trung cap|trung hoc (?:co so|pho thong))\b"
)
_ASKED_HIGHER = _TEXT_HIGHER + r"|sv|dh|ncs"
_ANY_SCHOOL = _TEXT_GENERAL + r"|thpt|thcs|mam non|tieu hoc|mau giao"


def _higher_only(folded: str) -> bool:
    """True when a folded text speaks of higher education and of no school."""
    return bool(_compiled(_TEXT_HIGHER).search(folded)) and not _compiled(_ANY_SCHOOL).search(
        folded
    )


# Trường trung cấp and trường cao đẳng are the vocational schools (cơ sở giáo dục nghề
# nghiệp): a rule for the one is a rule for the other.
_VOCATIONAL = frozenset({"cao_dang", "nghe"})


def _school(levels: set[str]) -> set[str]:
    """Levels with general education standing for each of its own, and either vocational
    name for both."""
    general = {_GENERAL_EDUCATION} if levels & _SCHOOL_LEVELS else set()
    return levels | general | (_VOCATIONAL if levels & _VOCATIONAL else set())


def other_school(question: str, text: str, title: str = "") -> bool:
    """True when the question names a school level and the text names only others: a
    university's rule does not answer a question about THCS, nor a kindergarten's one about
    đại học. A text naming no level, or a question naming none, never conflicts.

    A question about "học sinh" naming no level asks about general education too, but that
    is weaker evidence: it conflicts only with a text and a document (``title``) that both
    speak of higher education and neither of a school ("học sinh nào được miễn học phí" is
    not answered by the Giáo dục đại học compilation's "Lưu học sinh ... được miễn học phí")."""
    folded_question = fold(question)
    # "thí sinh tốt nghiệp THPT", "đã tốt nghiệp THCS": the reader's diploma, not the school
    # the question is about (but "thi / xét tốt nghiệp THPT" is that school's exam).
    asked = set(question_facets(_GRADUATED.sub(" ", folded_question)).get("level", set()))
    if _compiled(_ASKED_GENERAL).search(folded_question) and asked <= _SCHOOL_LEVELS:
        asked.add(_GENERAL_EDUCATION)
    folded = fold(text)
    if not asked:
        asks_pupils = _compiled(_ASKED_PUPILS).search(folded_question) and not _compiled(
            _ASKED_HIGHER
        ).search(folded_question)
        return bool(asks_pupils) and all(_higher_only(part) for part in (folded, fold(title)))
    stated = set(text_facets(text).get("level", set()))
    if _compiled(_TEXT_GENERAL).search(folded):
        stated.add(_GENERAL_EDUCATION)
    if _compiled(_TEXT_HIGHER).search(folded):
        stated.add("dai_hoc")
    if stated and title:
        # A passage of a text about several levels speaks for all of them: "Ưu tiên theo khu
        # vực ... học THPT" of the Quy chế tuyển sinh đại học, cao đẳng ngành Giáo dục Mầm non
        # answers a question about university admission.
        stated |= text_facets(title).get("level", set())
    return bool(stated) and not _school(asked) & _school(stated)


# Who owns the school: a question about a public school ("trường THCS công lập") is not
# answered by the rules for private ones (the Quy chế trường tư thục), nor the reverse.
# Folded; "ngoài công lập" is private, "đơn vị sự nghiệp công lập" public.
_OWNERSHIP = {
    "cong_lap": r"(?<!ngoai )cong lap",
    "tu_thuc": r"tu thuc|dan lap|ngoai cong lap",
}


def ownership(text: str) -> set[str]:
    """Whether a text names public ("cong_lap") or private ("tu_thuc") schools, or both."""
    folded = fold(text)
    return {kind for kind, pattern in _OWNERSHIP.items() if _compiled(pattern).search(folded)}


def other_owner(question: str, text: str, title: str = "") -> bool:
    """True when the question names public or private schools and the text (or, when the
    text names neither, its document's title) names only the other kind."""
    asked = ownership(question)
    stated = ownership(text) or ownership(title)
    return bool(asked) and bool(stated) and not asked & stated


# Which allowance (phụ cấp) a text is about: a teacher asking about "phụ cấp thu hút" is not
# answered by the "phụ cấp ưu đãi 70%" clause, however many words they share. Folded;
# "phụ cấp đứng lớp" and "phụ cấp nghề" are what staff call the ưu đãi theo nghề allowance.
_ALLOWANCES = {
    "uu_dai": r"uu dai|dung lop|nghe",
    "tham_nien": r"tham nien",
    "chuc_vu": r"chuc vu|lanh dao",
    "trach_nhiem": r"trach nhiem",
    "thu_hut": r"thu hut",
    "khu_vuc": r"khu vuc",
    "doc_hai": r"doc hai|nang nhoc|nguy hiem",
    "luu_dong": r"luu dong",
    "cong_vu": r"cong vu",
    "dac_thu": r"dac thu",
    "lau_nam": r"lau nam|cong tac lau nam",
}
# The kind right after "phụ cấp": "mức phụ cấp ở khu vực II" asks the ưu đãi rate of an area.
_ALLOWANCE = re.compile(
    r"(?<!\w)phu cap (" + "|".join(f"(?:{p})" for p in _ALLOWANCES.values()) + r")(?!\w)"
)


def allowances(text: str) -> set[str]:
    """The allowances a text names as "phụ cấp <kind>" ("phụ cấp ưu đãi theo nghề")."""
    found = set()
    for match in _ALLOWANCE.finditer(fold(text)):
        word = match.group(1)
        found |= {k for k, p in _ALLOWANCES.items() if _compiled(p).fullmatch(word)}
    return found


def other_allowance(question: str, text: str) -> bool:
    """True when the question asks about one allowance and the text names only others."""
    asked = allowances(question)
    stated = allowances(text)
    return bool(asked) and bool(stated) and not asked & stated


# A text's forms and the list of them ("DANH MỤC CÁC PHỤ LỤC", "PHỤ LỤC KÈM THEO MẪU SỐ 1",
# "Phiếu xếp loại chất lượng viên chức", "- Phụ lục III: Mẫu số 01-03 ...") name the topics
# of the rules, so they share the question's words ("Hội đồng trường của trường phổ thông tư
# thục"), but state no rule: they answer only a question about the form itself.
_FORM_SECTION = re.compile(
    r"^(?:danh muc (?:cac )?phu luc|phu luc (?:kem theo )?(?:mau|bieu mau)|phieu\b|mau so\b"
    r"|bieu mau\b)"
)
_FORM_LINE = re.compile(r"^(?:[-+•]\s*)?(?:phu luc|mau so|bieu mau|mau)\b")
_ASKS_FORM = re.compile(
    r"\b(?:mau|bieu mau|phieu|to trinh|danh muc|phu luc|ho so|don xin|don de nghi|ke khai)\b"
)


def is_form(section: str, text: str) -> bool:
    """True for a passage of a text's forms, or of the list of its annexes and forms."""
    if _FORM_SECTION.match(fold(section.split(" > ")[0])):
        return True
    if "Điều" in section:  # an article citing its annexes ("theo Mẫu số 01 tại Phụ lục")
        return False
    lines = [fold(line.strip()) for line in text.split("\n") if line.strip()]
    listed = sum(bool(_FORM_LINE.match(line)) for line in lines)
    return len(lines) >= 3 and listed >= 0.5 * len(lines)


def form_passages(chunks: Sequence[Chunk]) -> frozenset[int]:
    """Positions of the passages that are forms: :func:`is_form`, and every passage of an
    annex outside the articles whose first passage is one ("PHỤ LỤC IV / Mẫu tham khảo các
    văn bản liên quan": the forms that follow carry only "PHỤ LỤC IV" as their section)."""
    forms: set[int] = set()
    run: tuple[str, str] | None = None
    run_is_form = False
    for pos, chunk in enumerate(chunks):
        key = (chunk.doc_id, chunk.section.split(" > ")[0])
        form = is_form(chunk.section, chunk.text)
        if key != run:
            run, run_is_form = key, form and "Điều" not in chunk.section
        if form or run_is_form:
            forms.add(pos)
    return frozenset(forms)


def asks_for_form(question: str) -> bool:
    """True when a question asks for a form, an annex or a file of papers (hồ sơ)."""
    return bool(_ASKS_FORM.search(fold(question)))
