"""TCVN3 (ABC) and VNI-Windows text is converted to Unicode; Unicode text never is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from index import vnfonts
from index.loaders import load_file

SENTENCES = [
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Giáo viên trung học cơ sở được hưởng phụ cấp ưu đãi theo nghề bằng 35% mức lương.",
    "Học sinh đạt giải nhất được cộng điểm thưởng; kinh phí do nhà trường tự cân đối.",
    "Quyết định này có hiệu lực kể từ ngày ký, thay thế các quy định trước đây trái với nó.",
]

# Our own inverse tables (Unicode -> legacy), independent of the converter's lookups.
_TCVN3_LOWER = (
    "ă¨ â© êª ô« ơ¬ ư\xad đ® à\xb5 ả¶ ã· á¸ ạ¹ ằ» ẳ¼ ẵ½ ắ¾ ặÆ ầÇ ẩÈ ẫÉ ấÊ ậË èÌ ẻÎ ẽÏ éÐ ẹÑ "
    "ềÒ ểÓ ễÔ ếÕ ệÖ ì× ỉØ ĩÜ íÝ ịÞ òß ỏá õâ óã ọä ồå ổæ ỗç ốè ộé ờê ởë ỡì ớí ợî ùï ủñ ũò "
    "úó ụô ừõ ửö ữ÷ ứø ựù ỳú ỷû ỹü ýý ỵþ Đ§ Ă¡ Â¢ Ê£ Ô¤ Ơ¥ Ư¦"
)
TO_TCVN3 = {pair[0]: pair[1] for pair in _TCVN3_LOWER.split(" ")}
_VNI_TONES = {"\u0300": "ø", "\u0301": "ù", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_HAT_TONES = {"\u0300": "à", "\u0301": "á", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE_TONES = {"\u0300": "è", "\u0301": "é", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_SINGLE = {"ì": "ì", "í": "í", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "đ": "ñ"}


def to_tcvn3(text: str) -> str:
    """Encode Unicode Vietnamese as TCVN3 (upper-case toned letters have no TCVN3 code)."""
    return "".join(TO_TCVN3.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def _vni_char(ch: str) -> str:
    if ch.lower() in _VNI_SINGLE:
        out = _VNI_SINGLE[ch.lower()]
        return out.upper() if ch.isupper() else out
    parts = unicodedata.normalize("NFD", ch)
    base, marks = parts[0], parts[1:]
    tone = next((m for m in marks if m in _VNI_TONES), None)
    if "\u0302" in marks:  # â ê ô
        out = base + (_VNI_HAT_TONES[tone] if tone else "â")
    elif "\u0306" in marks:  # ă
        out = base + (_VNI_BREVE_TONES[tone] if tone else "ê")
    elif "\u031b" in marks:  # ơ ư
        out = {"o": "ô", "u": "ö", "O": "Ô", "U": "Ö"}[base] + (_VNI_TONES[tone] if tone else "")
    elif tone:
        out = base + _VNI_TONES[tone]
    else:
        return ch
    return out.upper() if ch.isupper() else out


def to_vni(text: str) -> str:
    """Encode Unicode Vietnamese as VNI-Windows."""
    return "".join(_vni_char(ch) for ch in unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tcvn3_and_vni_round_trip(sentence: str) -> None:
    assert vnfonts.fix_text(to_tcvn3(sentence)) == sentence
    assert vnfonts.fix_text(to_vni(sentence)) == sentence
    assert vnfonts.fix_text(to_vni(sentence.upper())) == sentence.upper()


def test_well_known_byte_sequences() -> None:
    # As printed on countless old .VnTime documents, and VNI-Times ones.
    assert vnfonts.from_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam"
    )
    assert vnfonts.from_tcvn3("Bé Gi¸o dôc vµ §µo t¹o") == "Bộ Giáo dục và Đào tạo"
    assert vnfonts.from_tcvn3("CéNG HOµ X· HéI CHñ NGHÜA") == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA"
    assert vnfonts.from_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )
    assert vnfonts.from_vni("ÑOÄC LAÄP - TÖÏ DO - HAÏNH PHUÙC") == "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"
    # antiword/catdoc drop TCVN3's "ư" (0xAD, a soft hyphen to Word): restored where certain.
    assert vnfonts.from_tcvn3("nhµ trêng ®îc") == "nhà trường được"


@pytest.mark.parametrize(
    "text",
    [
        *SENTENCES,
        "lê thị ô mai, café, résumé à la carte",  # only Latin-1 letters, valid Vietnamese
        "Giá: 1.250.000 đ — “Thông tư 17” © 2026 µg/m³ ±5%",
        "Hello world, plain ASCII text.",
    ],
)
def test_unicode_text_is_never_converted(text: str) -> None:
    assert vnfonts.fix_text(text) == text
    assert vnfonts.detect(text * 3) is None


def test_mixed_lines_convert_one_by_one() -> None:
    mixed = (
        "Sở Giáo dục và Đào tạo đề nghị\n" + to_tcvn3(SENTENCES[2]) + "\n" + to_vni(SENTENCES[3])
    )
    assert vnfonts.fix_text(mixed) == "Sở Giáo dục và Đào tạo đề nghị\n" + "\n".join(SENTENCES[2:4])


def test_font_names() -> None:
    assert vnfonts.font_encoding(".VnTime") == "tcvn3"
    assert vnfonts.font_encoding(".VnArialH") == "tcvn3"
    assert vnfonts.font_encoding("VNI-Times") == "vni"
    assert vnfonts.font_encoding("Times New Roman") is None


def test_txt_and_docx_in_legacy_fonts_load_as_unicode(tmp_path: Path) -> None:
    import docx

    (tmp_path / "tcvn3.txt").write_bytes("\n".join(map(to_tcvn3, SENTENCES)).encode("latin-1"))
    (tmp_path / "vni.txt").write_bytes("\n".join(map(to_vni, SENTENCES)).encode("cp1252"))
    for name in ("tcvn3.txt", "vni.txt"):
        assert load_file(tmp_path / name).text.split("\n") == SENTENCES

    document = docx.Document()
    para = document.add_paragraph()
    para.add_run("Điều 1. ").font.name = "Times New Roman"
    para.add_run(to_tcvn3(SENTENCES[2])).font.name = ".VnTime"
    heading = document.add_paragraph()
    heading.add_run(to_tcvn3("cộng hòa xã hội")).font.name = ".VnTimeH"
    document.add_paragraph().add_run(to_vni(SENTENCES[3])).font.name = "VNI-Times"
    document.save(tmp_path / "legacy.docx")
    text = load_file(tmp_path / "legacy.docx").text
    assert f"Điều 1. {SENTENCES[2]}" in text
    assert "CỘNG HÒA XÃ HỘI" in text and SENTENCES[3] in text
