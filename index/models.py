"""Frozen dataclasses passed between the pipeline stages: load -> chunk -> index -> search."""

from __future__ import annotations

from dataclasses import dataclass, field


def collection_of(doc_id: str) -> str:
    """The collection of a document: the first folder of its path, "" for a top-level file."""
    head, sep, _ = doc_id.partition("/")
    return head if sep else ""


@dataclass(frozen=True)
class Extracted:
    """Text pulled out of one file, before chunking.

    Attributes:
        text: The whole document text, NFC-normalised, boilerplate removed.
        meta: Metadata found in the file itself (front matter, header tables), raw strings
            keyed by our field names: title, number, doc_type, issuer, issued, effective,
            summary, url.
        page_starts: Character offsets in ``text`` where each PDF page starts (empty for
            formats without pages).
    """

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    page_starts: tuple[int, ...] = ()
    ocr_confidence: tuple[float, ...] = ()
    """Tesseract's mean word confidence (0..100) of each page read by OCR, in page order."""


@dataclass(frozen=True)
class DocumentInfo:
    """What the index knows about one document."""

    doc_id: str
    """Path relative to the documents folder, with forward slashes."""
    title: str
    number: str | None
    """The document's own số hiệu as written ("66/2026/NĐ-CP"), if found."""
    doc_type: str | None
    issuer: str | None
    issued: str | None
    """Issue date, ISO ``YYYY-MM-DD``."""
    effective: str | None
    summary: str | None
    """Trích yếu when present."""
    cites: tuple[str, ...]
    """Document numbers this document cites, as written (display form)."""
    content_hash: str
    size_chars: int
    n_chunks: int
    url: str | None = None
    recipients: str | None = None
    """"Kính gửi: ..." of a letter (công văn)."""
    ocr_confidence: float | None = None
    """Mean OCR confidence (0..100) when the text was read from a scan, else None."""
    ocr_low: bool = False
    """Read by OCR with a low confidence: answers quoting it warn of possible misspellings."""
    compilation: bool = False
    """A compilation (Pháp điển đề mục) of articles from many documents: its passages are
    cited by the document and article each heading names, never by a number of its own."""
    copies: tuple[str, ...] = ()
    """doc_ids of other files holding the same document (served from this one)."""

    @property
    def collection(self) -> str:
        """The collection holding the document: the first folder of its path ("" for a file
        directly in the documents folder). Derived from ``doc_id``, so indexes built before
        collections existed need no rebuild."""
        return collection_of(self.doc_id)


@dataclass(frozen=True)
class Chunk:
    """One passage of a document."""

    chunk_id: int
    doc_id: str
    text: str
    section: str
    """Section path such as "Chương II > Điều 3 > Khoản 5" (empty when none)."""
    start: int
    end: int
    """Character offsets of the passage in the document text."""
    page: int | None = None
    context: str = ""
    """Heading line of the article or section ("Điều 12. Thời điểm đánh giá")."""


@dataclass(frozen=True)
class Excerpt:
    """A document the collection holds only as articles of a compilation (Pháp điển): "Luật
    số 58/2010/QH12" inside the "Viên chức" compilation."""

    number: str
    """Its number as the compilation writes it ("58/2010/QH12")."""
    name: str
    """Its kind, number and title as the compilation's notes give them ("Nghị định số
    24/2021/NĐ-CP Quy định việc quản lý ..."); at least the kind and number."""
    compilation: DocumentInfo
    articles: tuple[Chunk, ...]
    """The first passage of each of its articles the compilation holds, in reading order."""
    labels: tuple[str, ...]
    """Each article as that document numbers it ("Điều 2. Giải thích từ ngữ")."""


@dataclass(frozen=True)
class Hit:
    """One ranked passage returned by a search."""

    chunk: Chunk
    doc: DocumentInfo
    score: float
    copies: tuple[str, ...] = ()
    """doc_ids of other documents holding the same passage (collapsed duplicates)."""
    superseded_by: str | None = None
    """Number of a document in the collection that replaced this passage's source text."""
    source: str | None = None
    """For a compilation's passage: the document and article it comes from
    ("Điều 56 Luật số 58/2010/QH12"); None when the passage's own document is the source."""


@dataclass(frozen=True)
class SearchResult:
    """The answer of one search call."""

    query: str
    hits: tuple[Hit, ...]
    abstained: bool
    """True when the best evidence is too weak: nothing relevant was found."""
    evidence: float
    """Strength of the best evidence (0..1), compared with the abstain threshold."""
    latency_ms: float
    mode: str
    similarity: float | None = None
    """Cosine similarity of the nearest passage when dense retrieval ran."""
    reason: str | None = None
    """Why the engine abstained: "empty", "no_match", "unknown_number", "low_confidence",
    "unmet_anchor" (the best passage never mentions a year, day or province the question names),
    "unheld_topic" (no passage names a topic the question names: "điểm chuẩn", "dạy thêm"),
    "unmet_topic" (some passages name it, the best one does not: "trường đạt chuẩn quốc gia"),
    "other_sector" (the best match is another ministry's rule for its own staff),
    "scope_only" (a figure asked, only a scope or definitions article found), "other_school"
    (the best passage is about another school level than the one asked), "other_allowance"
    (it names another phụ cấp than the one asked), "other_owner" (it is about private
    schools and the question about public ones, or the reverse), "no_sum" (a sum of money
    asked, none stated in the passage quoted), "no_article" (an article looked up by its number
    that the document named does not have: "Điều 999 Nghị định 182/2026")."""
    doubt: float | None = None
    """The abstain model's probability that nothing relevant was found (None when it did not
    run: no model, a document named by its number, or an earlier floor decided)."""


@dataclass(frozen=True)
class Span:
    """The answering điểm, khoản or sentence of a passage: the bold text of an answer."""

    chunk_id: int
    ranges: tuple[tuple[int, int], ...]
    """Character ranges in the passage text, in order (a điểm comes after its khoản's lead-in)."""
    text: str
    level: str
    """"điểm", "khoản" or "câu"."""
    section: str = ""
    """The passage's section path narrowed to the span ("Điều 3 > Khoản 5-6" becomes
    "Điều 3 > Khoản 6 > Điểm a" for the bold "6. ... a) ..."); empty when not narrower."""
    similarity: float | None = None
    """The highest dense cosine between the question and the candidate spans weighed by
    meaning (None when they were chosen by their words alone): how closely the best clauses
    of the best document say what was asked."""
    lead: str = ""
    """The khoản's lead-in of a điểm that opens its passage, from the passage before ("8. Mức
    phụ cấp ưu đãi 60% ... các trường hợp sau:"): shown before the passage, and in ``text``."""


@dataclass(frozen=True)
class Answer:
    """What the first answer message shows, decided by the engine for every front end."""

    query: str
    passages: tuple[Hit, ...]
    """The passages of the first message in order: the answering passage, then passages from
    other documents."""
    spans: tuple[Span | None, ...]
    """The bold span of each passage (aligned with ``passages``); the first is the answer."""
    abstained: bool
    reason: str | None
    """Why nothing is shown (see :attr:`SearchResult.reason`); None when answering."""
    result: SearchResult
    """The full ranked search behind the answer (for "Xem thêm" and measurement)."""
    uncertain: bool = False
    """Shown, but the engine doubts it answers: the abstain model's probability reached
    ``retrieval.doubt_probability`` without reaching its own threshold. Front ends say so."""
    missing: tuple[str, ...] = ()
    """Declined (reason "unmet_anchor", "unheld_topic" or "unmet_topic") because the best
    passage never mentions these years, provinces or topics the question names ("năm 2027",
    "Hà Nội", "trường đạt chuẩn quốc gia"), or no passage names these topics ("điểm chuẩn"); or
    (reason "no_article") the article asked for and the number of the document named, which
    does not have it ("Điều 999", "182/2026/NĐ-CP"). Front ends say what nothing was found about."""

    @property
    def span(self) -> Span | None:
        """The answering span: bold text of the first passage (None when nothing matched)."""
        return self.spans[0] if self.spans else None
