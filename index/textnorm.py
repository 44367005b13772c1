"""Vietnamese text handling shared by indexing and querying.

One normaliser (NFC, one tone-mark convention, folded whitespace and dashes), one accent-free
folding, and one tokenizer for BM25. Documents and questions go through the same functions,
so "hoà" in a document and "hòa" or "hoa" in a question meet.

The tone-mark convention is the traditional one used by most official texts: in an open
syllable with the nuclei oa, oe, uy the mark sits on the first vowel ("hòa", "thúy", "khỏe");
a syllable with a final consonant carries it on the last vowel ("hoàng", "thuyền").
"""

from __future__ import annotations

import re
import unicodedata

NORMALISER_VERSION = "2"

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_WORD = re.compile(r"[^\W\d_]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TOKEN = re.compile(r"\w+")


def _split_tone(word: str) -> tuple[list[str], str | None]:
    """Return the word's letters without tone marks (each NFC) and the tone mark, if any."""
    letters: list[str] = []
    tone = None
    for ch in word:
        parts = unicodedata.normalize("NFD", ch)
        kept = "".join(p for p in parts if p not in _TONES)
        for p in parts:
            if p in _TONES:
                tone = p
        letters.append(unicodedata.normalize("NFC", kept))
    return letters, tone


def _tone_position(letters: list[str]) -> int | None:
    """Index of the letter that carries the tone mark, or None if the word has no vowel."""
    lower = [c.lower() for c in letters]
    vowels = [i for i, c in enumerate(lower) if c in _VOWELS]
    if not vowels:
        return None
    # The onset consonants "qu" and "gi" (before another vowel) own their vowel letter.
    start = vowels[0]
    if start > 0 and lower[start - 1] == "q" and lower[start] == "u" and len(vowels) > 1:
        vowels = vowels[1:]
    elif start > 0 and lower[start - 1] == "g" and lower[start] == "i" and len(vowels) > 1:
        vowels = vowels[1:]
    # Keep only the first contiguous run of vowels: the nucleus.
    nucleus = [vowels[0]]
    for i in vowels[1:]:
        if i != nucleus[-1] + 1:
            break
        nucleus.append(i)
    marked = [i for i in nucleus if lower[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    has_final = nucleus[-1] + 1 < len(lower)
    if has_final:
        return nucleus[-1]
    if len(nucleus) >= 3:
        return nucleus[1]
    return nucleus[0]


def _place_tone(match: re.Match[str]) -> str:
    word = match.group(0)
    letters, tone = _split_tone(word)
    if tone is None:
        return word
    pos = _tone_position(letters)
    if pos is None:
        return word
    letters[pos] = unicodedata.normalize("NFC", letters[pos] + tone)
    return "".join(letters)


def normalize(text: str) -> str:
    """Normalise a document or a question: NFC, canonical tone marks, dashes and spaces.

    Line breaks are kept (they carry structure in documents); runs of spaces inside a line
    become one space and lines are stripped. Use :func:`normalize_line` for one-line input.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _DASHES.sub("-", text)
    text = _WORD.sub(_place_tone, text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def normalize_line(text: str) -> str:
    """Normalise one-line input such as a question: all whitespace becomes single spaces."""
    return " ".join(normalize(text).split())


def _fold_table() -> dict[int, str]:
    """Map every precomposed Latin letter with marks (U+00C0-U+024F, U+1E00-U+1EFF) to its base."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "d"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(
            c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c)
        )
        if base and base != chr(code):
            table[code] = base.lower()
    return table


_FOLD = _fold_table()
_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Tone-mark-free lower-case form: "Giáo viên THCS được" -> "giao vien thcs duoc"."""
    folded = text.lower().translate(_FOLD)
    if folded.isascii() or not _COMBINING.search(folded):
        return folded
    # Rare: decomposed input (combining marks left after the table).
    folded = unicodedata.normalize("NFD", folded)
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).replace("đ", "d")


def has_tone_marks(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (tone mark, hat, horn or đ)."""
    return fold(text) != text.lower()


def syllables(text: str) -> list[str]:
    """Lower-case syllables (word characters) of normalised text; one-letter ones are kept."""
    return _TOKEN.findall(text.lower())


def folded_syllables(text: str) -> list[str]:
    """Tone-mark-free syllables, ``[fold(w) for w in syllables(text)]`` in one pass: the
    text is folded once, not word by word."""
    return _TOKEN.findall(fold(text))


def token_of(syllable: str) -> str:
    """The BM25 token of one syllable as typed (an accented form carries a "~", see
    :func:`tokens`)."""
    return syllable if syllable == fold(syllable) else "~" + syllable


def tokens(text: str) -> list[str]:
    """BM25 tokens shared by index and query.

    Each syllable gives its tone-mark-free form, plus its accented form when that differs
    (prefixed with "~" so the two never collide), plus a folded bigram with its successor,
    which lets "phu cap" outrank passages that merely contain "phu" and "cap".
    """
    sylls = syllables(text)
    folded = [fold(s) for s in sylls]
    out: list[str] = []
    for i, (raw, flat) in enumerate(zip(sylls, folded, strict=True)):
        out.append(flat)
        if raw != flat:
            out.append("~" + raw)
        if i + 1 < len(folded):
            out.append(flat + "_" + folded[i + 1])
    return out
