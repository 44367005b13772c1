"""Legacy Vietnamese font encodings (TCVN3 = ABC: .VnTime, .VnArial; VNI-Windows) to Unicode.

Such text arrives as one character per byte ("Céng hoµ x· héi", "Coäng hoøa xaõ hoäi"): from a
TXT file read as Latin-1, or from DOCX/DOC runs and PDF text layers whose font did the mapping.
:func:`fix_text` converts a text only when the conversion turns far more words into valid
Vietnamese than there were before; ordinary Unicode Vietnamese is never touched.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (ABC) code points 0xA1..0xFE, as Latin-1 characters, to the letters they display.
_TCVN3_CODES = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \xadư ®đ "
    "µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ "
    "×ì Øỉ Üĩ Ýí Þị ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ ïù ñủ òũ óú ôụ "
    "õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
TCVN3: dict[str, str] = {pair[0]: pair[1] for pair in _TCVN3_CODES.split(" ")}

# VNI-Windows: a base letter followed by a modifier character, plus a few single characters.
_VNI_TONES = {"ø": "\u0300", "ù": "\u0301", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT = {"à": "\u0300", "á": "\u0301", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_BREVE = {"è": "\u0300", "é": "\u0301", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    lower: dict[str, str] = {"ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ"}
    lower |= {"ó": "ĩ", "ò": "ị", "î": "ỵ"}
    for vowel in "aeiouy":
        for mod, mark in _VNI_TONES.items():
            table[vowel + mod] = vowel + mark
    for vowel, hatted in (("a", "â"), ("e", "ê"), ("o", "ô")):
        table[vowel + "â"] = hatted
        for mod, mark in _VNI_HAT.items():
            table[vowel + mod] = hatted + mark
    table["aê"] = "ă"
    for mod, mark in _VNI_BREVE.items():
        table["a" + mod] = "ă" + mark
    for base in ("ô", "ö"):  # ơ and ư take the plain tone modifiers
        for mod, mark in _VNI_TONES.items():
            table[base + mod] = lower[base] + mark
    table |= lower
    out: dict[str, str] = {}
    for key, value in table.items():
        out[key] = unicodedata.normalize("NFC", value)
        out[key.upper()] = unicodedata.normalize("NFC", value.upper())
    return out


VNI: dict[str, str] = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + re.escape("".join(TCVN3)) + "]")

_UNICODE_ONLY = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’/\\|<>=+*&%$#@^~`_\-–—…]+")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    "(?:uyê|uya|uyu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|iêu|yêu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|"
    "oa|oă|oe|oi|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ưu|ươ|yê|[aăâeêioôơuưy])"
    "(?:ch|ng|nh|[cmnpt])?"
)


def _valid_word(word: str) -> bool:
    """A Vietnamese syllable: onset, vowel group, coda, and at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(base) is not None


def vietnamese_score(text: str) -> float:
    """Share of words holding non-ASCII characters that are valid Vietnamese (1.0 if none)."""
    words = [w for w in _WORD.findall(text[:50_000]) if not w.isascii()]
    if not words:
        return 1.0
    return sum(_valid_word(w) for w in words) / len(words)


def _upper_lines(text: str, converted: str) -> str:
    """Lines typed in an upper-case legacy font (.VnTimeH) come out in lower case: restore."""
    out = []
    for source, line in zip(text.split("\n"), converted.split("\n"), strict=True):
        letters = [ch for ch in source if ch.isascii() and ch.isalpha()]
        upper = sum(ch.isupper() for ch in letters)
        out.append(line.upper() if len(letters) >= 4 and upper >= 0.8 * len(letters) else line)
    return "\n".join(out)


# TCVN3 "ư" is byte 0xAD, a soft hyphen to Word, antiword and catdoc, which drop it: "trêng".
# "ơng", "ơc" and "ơu" never occur in Vietnamese, "ương", "ước" and "ươu" do.
_LOST_U = re.compile("(?<![ưƯ])([ơờớởỡợ])(?=ng|c|u)")


def from_tcvn3(text: str) -> str:
    """Convert TCVN3 (ABC) text, one Latin-1 character per byte, to Unicode NFC."""
    converted = _TCVN3_PATTERN.sub(lambda m: TCVN3[m.group(0)], text)
    converted = _LOST_U.sub(lambda m: "ư" + m.group(1), converted)
    return unicodedata.normalize("NFC", _upper_lines(text, converted))


def from_vni(text: str) -> str:
    """Convert VNI-Windows text, one Latin-1 character per byte, to Unicode NFC."""
    converted = _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text)
    return unicodedata.normalize("NFC", converted)


def convert(text: str, encoding: str) -> str:
    """Convert ``text`` from ``encoding`` ("tcvn3" or "vni") to Unicode."""
    return from_tcvn3(text) if encoding == "tcvn3" else from_vni(text)


def font_encoding(font_name: str | None) -> str | None:
    """The legacy encoding a font name implies: ".VnTime" -> "tcvn3", "VNI-Times" -> "vni"."""
    name = (font_name or "").strip().lower()
    if name.startswith(".vn") or name.startswith("vn") and name[2:3] in ("t", "a"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def has_unicode_vietnamese(text: str) -> bool:
    """True when ``text`` holds letters only Unicode Vietnamese has (ă, đ, ơ, ư, ạ ... ỹ)."""
    return bool(_UNICODE_ONLY.search(text))


def detect(text: str) -> str | None:
    """ "tcvn3" or "vni" when ``text`` reads far better converted; None otherwise.

    Text that already holds Unicode-only Vietnamese letters (ă, đ, ơ, ư, ạ ... ỹ) in more than
    a few words is Unicode and never converted.
    """
    sample = text[:50_000]
    words = [w for w in _WORD.findall(sample) if not w.isascii()]
    if len(words) < 3:
        return None
    if sum(bool(_UNICODE_ONLY.search(w)) for w in words) > 0.05 * len(words):
        return None
    before = vietnamese_score(sample)
    best, best_score = None, before
    for encoding in ("tcvn3", "vni"):
        score = vietnamese_score(convert(sample, encoding))
        if score > best_score:
            best, best_score = encoding, score
    return best if best_score >= 0.8 and best_score - before >= 0.3 else None


def looks_legacy(text: str) -> bool:
    """True when :func:`detect` finds a legacy encoding."""
    return detect(text) is not None


def _line_encoding(line: str, whole: str | None) -> str | None:
    """The legacy encoding that makes one line valid Vietnamese, if any.

    ``whole`` is the encoding detected for the whole text: then any improvement counts. Alone,
    a line needs three words or more, mostly invalid as they are and valid once converted.
    """
    if line.isascii() or has_unicode_vietnamese(line):
        return None
    words = [w for w in _WORD.findall(line) if not w.isascii()]
    before = vietnamese_score(line)
    if before >= 1.0 or (whole is None and (len(words) < 3 or before > 0.5)):
        return None
    best, best_score = None, before
    for encoding in (whole,) if whole else ("tcvn3", "vni"):
        score = vietnamese_score(convert(line, encoding))
        if score > best_score:
            best, best_score = encoding, score
    if whole:
        return best
    return best if best_score >= 0.8 and best_score - before >= 0.3 else None


def fix_text(text: str) -> str:
    """``text`` with its TCVN3 or VNI lines converted to Unicode; Unicode lines unchanged.

    A text detected as legacy as a whole is converted line by line; otherwise single lines
    that are clearly legacy are, so a document mixing Unicode paragraphs with paragraphs typed
    in .VnTime or VNI-Times (a DOC read by antiword, a PDF text layer) is fixed too.
    """
    if text.isascii():
        return text
    whole = detect(text)
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        encoding = _line_encoding(line, whole)
        if encoding:
            lines[i] = convert(line, encoding)
            changed = True
    return "\n".join(lines) if changed else text
