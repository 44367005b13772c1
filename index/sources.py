"""The true source of a passage: compilations cite the document each article comes from.

The Pháp điển compilations (``vien-chuc.md``, ``giao-duc.md``) gather articles of many laws,
decrees and circulars under headings such as "Điều 5.2.LQ.56 (Điều 56 Luật số 58/2010/QH12)".
Their transcription header names one law (52/2014/QH13), which is the source of almost none of
their passages. Such a document is labelled a compilation with no số hiệu of its own, and each
passage is cited by the document and article its heading names.
"""

from __future__ import annotations

import re
from dataclasses import replace

from index.lexicon import expand
from index.models import Chunk, DocumentInfo
from index.textnorm import fold

COMPILATION_TYPE = "Pháp điển (đề mục)"
MIN_COMPILED_ARTICLES = 3
# "Điều 5.2.LQ.56", "Điều 13.1.NĐ.1.7": the numbering of compiled articles.
_COMPILED = re.compile(r"Điều \d+\.\d+\.[A-ZĐ]+\.\d")
# "(Điều 56 Luật số 58/2010/QH12)" as the chunker records it in the section path.
_CITED = re.compile(r"\((Điều\s+\d+\w*)\s+(.+?)\s+số\s+([0-9][\w/.\-]*?)\)?(?:\s*>|$)")


def cited_source(section: str) -> str | None:
    """ "Điều 56 Luật số 58/2010/QH12" from a compiled article's section path, else None."""
    match = _CITED.search(section)
    if not match:
        return None
    article, kind, number = match.groups()
    return f"{article} {kind} số {number.rstrip('.,;')}"


def mark_compilations(
    docs: dict[str, DocumentInfo], chunks: list[Chunk]
) -> tuple[dict[str, DocumentInfo], dict[int, str]]:
    """Documents with compilations relabelled, and passage position -> its true source."""
    compiled: dict[str, int] = {}
    for chunk in chunks:
        if _COMPILED.search(chunk.section):
            compiled[chunk.doc_id] = compiled.get(chunk.doc_id, 0) + 1
    names = {d for d, n in compiled.items() if n >= MIN_COMPILED_ARTICLES}
    out = dict(docs)
    for doc_id in names & docs.keys():
        doc = docs[doc_id]
        cites = doc.cites if not doc.number else tuple(dict.fromkeys((doc.number, *doc.cites)))
        out[doc_id] = replace(  # the header's dates are the header law's, not the passages'
            doc, number=None, doc_type=COMPILATION_TYPE, compilation=True, cites=cites,
            issued=None, effective=None,
        )
    sources = {
        pos: source
        for pos, chunk in enumerate(chunks)
        if chunk.doc_id in names and (source := cited_source(chunk.section))
    }
    return out, sources


def sources_by_number(sources: dict[int, str]) -> dict[str, list[int]]:
    """The source document's number ("58/2010/QH12" of "Điều 56 Luật số 58/2010/QH12") ->
    positions of the compilation passages taken from it, in order."""
    found: dict[str, list[int]] = {}
    for pos in sorted(sources):
        number = sources[pos].rpartition(" số ")[2]
        if number:
            found.setdefault(number, []).append(pos)
    return found


# Ministries whose own staff rules a compilation such as "Viên chức" also holds (titles and
# grades of health, culture, environment ... staff).
_OTHER_SECTORS = frozenset(
    "BYT BVHTTDL BVHTT BTNMT BNNPTNT BTP BTTTT BKHCN BXD BKHĐT BCT BGTVT NHNN UBTDTT BQP BCA"
    .split()
)


# What a question says when it is about another sector's staff ("viên chức y tế", "thư viện
# viên", "kiểm lâm"): folded, matched as whole words.
_SECTOR_WORDS = re.compile(
    r"\b(?:y te|bac si|dieu duong|duoc si|y si|ho sinh|benh vien|the thao|du lich|thu vien|"
    r"di san|bao tang|nghe thuat|dien vien|huan luyen vien|tai nguyen|khi tuong|thuy van|"
    r"dia chinh|do dac|nong nghiep|thu y|kiem lam|lam nghiep|thuy san|khuyen nong|tu phap|"
    r"tro giup phap ly|cong chung|ho tich|bao chi|phat thanh|truyen hinh|phong vien|"
    r"bien tap vien|kien truc|thong ke|cong thuong|giao thong|ngan hang|quoc phong|quan doi|"
    r"cong an|khoa hoc va cong nghe|nghien cuu vien)\b"
)


def names_other_sector(question: str) -> bool:
    """True when a question, or an abbreviation in it ("KHCN"), speaks of another sector's
    staff or work (health, culture, environment ...): that ministry's own rules may then
    answer it."""
    text = f"{question} {expand(question)}"
    return bool(_SECTOR_WORDS.search(fold(" ".join(text.lower().split()))))


def other_sector(source: str | None) -> bool:
    """True for a compiled article taken from another sector's ministry ("Điều 2 Thông tư số
    28/2016/TT-BTNMT": environment staff), unless the Ministry of Education co-signed it."""
    if not source:
        return False
    codes = set(source.rpartition("/")[2].replace("_", "-").split("-"))
    return bool(codes & _OTHER_SECTORS) and not codes & {"BGDĐT", "BGD", "GDĐT"}
