"""Domain words of Vietnamese education staff, applied to questions before lexical search.

Teachers type abbreviations and everyday words ("gv thcs", "cấp 2", "nghỉ sinh") where the
documents use the formal terms ("giáo viên trung học cơ sở", "thai sản"). Expansions are
appended to the question, never replacing what was typed. Keys are tone-mark-free.
"""

from __future__ import annotations

import re

from index.textnorm import fold

EXPANSIONS: dict[str, str] = {
    "gv": "giáo viên nhà giáo",
    "giao vien": "nhà giáo",
    "co giao": "nhà giáo",
    "thay giao": "nhà giáo",
    "thay co": "nhà giáo",
    "hs": "học sinh",
    "sv": "sinh viên",
    "cbql": "cán bộ quản lý",
    "cbgv": "cán bộ giáo viên",
    "cbcc": "cán bộ công chức",
    "cbccvc": "cán bộ công chức viên chức",
    "vc": "viên chức",
    "nv": "nhân viên",
    "ht": "hiệu trưởng",
    "mn": "mầm non",
    "th": "tiểu học",
    "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông",
    "gdpt": "giáo dục phổ thông",
    "gdnn": "giáo dục nghề nghiệp",
    "gdtx": "giáo dục thường xuyên",
    "dh": "đại học",
    "cd": "cao đẳng",
    "gd&dt": "giáo dục và đào tạo",
    "gddt": "giáo dục và đào tạo",
    "gd": "giáo dục",
    "sgd": "sở giáo dục và đào tạo",
    "pgd": "phòng giáo dục và đào tạo",
    "bgd": "bộ giáo dục và đào tạo",
    "bgddt": "bộ giáo dục và đào tạo",
    "ubnd": "ủy ban nhân dân",
    "hdnd": "hội đồng nhân dân",
    "nd": "nghị định",
    "nq": "nghị quyết",
    "tt": "thông tư",
    "qd": "quyết định",
    "ct": "chỉ thị",
    "kh": "kế hoạch",
    "cv": "công văn",
    "cap 1": "tiểu học",
    "cap 2": "trung học cơ sở",
    "cap 3": "trung học phổ thông",
    "truong cap 1": "trường tiểu học",
    "truong cap 2": "trường trung học cơ sở",
    "truong cap 3": "trường trung học phổ thông",
    "mau giao": "mầm non",
    "nghi sinh": "thai sản",
    "nghi de": "thai sản",
    "luong": "tiền lương",
    "phu cap dung lop": "phụ cấp ưu đãi theo nghề",
    "tham nien": "thâm niên",
    "ky luat": "xử lý kỷ luật",
    "danh gia gv": "đánh giá giáo viên chuẩn nghề nghiệp",
    "day them": "dạy thêm học thêm",
    "hop dong": "hợp đồng làm việc",
    "thinh giang": "thỉnh giảng",
    "nghi he": "nghỉ hè",
    "nghi huu": "nghỉ hưu",
    "ve huu": "nghỉ hưu",
    "chuan gv": "chuẩn nghề nghiệp giáo viên",
    "ncs": "nghiên cứu sinh",
    "gs": "giáo sư",
    "pgs": "phó giáo sư",
    "ths": "thạc sĩ",
    "khcn": "khoa học và công nghệ",
    "nckh": "nghiên cứu khoa học",
    "hsg": "học sinh giỏi",
    "gdqp": "giáo dục quốc phòng và an ninh",
    "sgk": "sách giáo khoa",
    "tncn": "thu nhập cá nhân",
    "bhxh": "bảo hiểm xã hội",
    "bhyt": "bảo hiểm y tế",
    "cntt": "công nghệ thông tin",
    "ptdtnt": "phổ thông dân tộc nội trú",
    "dtnt": "dân tộc nội trú",
    "ktx": "ký túc xá",
    "htxs": "hoàn thành xuất sắc nhiệm vụ",
    "httnv": "hoàn thành tốt nhiệm vụ",
    "htnv": "hoàn thành nhiệm vụ",
    "khtnv": "không hoàn thành nhiệm vụ",
    "dtts": "dân tộc thiểu số",
    "bgh": "ban giám hiệu",
    "hd": "hợp đồng",
    "hd truong": "hội đồng trường",
    "hdsp": "hội đồng sư phạm",
    "hdld": "hợp đồng lao động",
    "hdlv": "hợp đồng làm việc",
    "cmhs": "cha mẹ học sinh",
    "lhs": "lưu học sinh",
    "thu truong": "người đứng đầu",
    "xin phep": "được sự đồng ý",
}

# Abbreviations with more than one common reading: "HĐ" is "hợp đồng" ("ký HĐ"), but also
# "hội đồng" ("HĐ chọn hình thức thi") or "hoạt động". Their expansion (the first reading)
# helps find passages; a passage stating any reading has the word the question typed.
READINGS: dict[str, tuple[str, ...]] = {"hd": ("hợp đồng", "hội đồng", "hoạt động")}

_KEYS = sorted(EXPANSIONS, key=len, reverse=True)
_PATTERN = re.compile(r"(?<![\w&])(" + "|".join(re.escape(k) for k in _KEYS) + r")(?![\w&])")

# Question words carry no topic: they are left out of the lexical query and of the evidence.
QUESTION_WORDS = frozenset(
    fold(w)
    for w in (
        "bao nhiêu mấy gì nào sao đâu ai không có được phải là thì mà ạ nhỉ nhé vậy hả "
        "hỏi cho em anh chị cô mình tôi khi thế như nào ra sao nhiêu bao phần trăm lâu"
    ).split()
)

# Chat words staff type and the texts never use ("muốn được công nhận ...", "đổi tên xong"):
# rare in the collection, so the evidence floor would decline a question for want of them.
# Only as typed with tone marks ("muon" may be "muộn" of "nghỉ hưu muộn"), plus "xong"; not
# "vừa" ("vừa làm vừa học" is a form of study).
CHAT_WORDS = frozenset("muốn rồi xong".split())


def expand(question: str, *, ambiguous: bool = True) -> str:
    """Return the expansions found in a question (tone-mark-free match), space-separated;
    without those of abbreviations with several :data:`READINGS` when ``ambiguous`` is False."""
    folded = fold(question)
    found: list[str] = []
    for match in _PATTERN.finditer(folded):
        if not ambiguous and match.group(1) in READINGS:
            continue
        expansion = EXPANSIONS[match.group(1)]
        if expansion not in found:
            found.append(expansion)
    return " ".join(found)


def ambiguous(question: str) -> list[str]:
    """The abbreviations with several :data:`READINGS` a question uses ("hd" for "HĐ")."""
    found = (m.group(1) for m in _PATTERN.finditer(fold(question)))
    return list(dict.fromkeys(a for a in found if a in READINGS))
