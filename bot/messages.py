"""Every Vietnamese string the bot shows to users, in one place for review.

Strings are Telegram HTML: values inserted with ``.format`` must be escaped by the caller
(:mod:`bot.formatting` does it). The console renders the same strings as plain text.
"""

from __future__ import annotations

# --- Commands (menu set with set_my_commands) ----------------------------------------------
COMMANDS: tuple[tuple[str, str], ...] = (
    ("hoi", "Đặt câu hỏi về văn bản (dùng trong nhóm)"),
    ("vanban", "Tra cứu văn bản theo số hiệu"),
    ("danhsach", "Danh sách văn bản, mới nhất trước"),
    ("thongke", "Thống kê sử dụng (quản lý)"),
    ("reindex", "Cập nhật chỉ mục (quản trị)"),
    ("xoa", "Xoá một văn bản (quản trị)"),
    ("help", "Hướng dẫn sử dụng"),
)

START = (
    "Xin chào! Tôi là trợ lý tra cứu văn bản giáo dục.\n\n"
    "Hãy gửi câu hỏi bằng tiếng Việt, tôi sẽ trích đoạn văn bản trả lời kèm nguồn "
    "(số hiệu, tên văn bản, điều khoản).\n\n"
    "Ví dụ:\n"
    "• <i>Phụ cấp ưu đãi theo nghề của giáo viên mầm non là bao nhiêu?</i>\n"
    "• <i>giao vien hop dong thinh giang can dieu kien gi</i> (gõ không dấu cũng được)\n"
    "• /vanban 182/2026/NĐ-CP\n\n"
    "Gõ /help để xem tất cả lệnh."
)

HELP = (
    "<b>Cách dùng</b>\n"
    "• Trong trò chuyện riêng: gửi câu hỏi như một tin nhắn bình thường.\n"
    "• Trong nhóm: dùng /hoi &lt;câu hỏi&gt;, nhắc tên tôi (@{username} ...) "
    "hoặc trả lời một tin nhắn của tôi.\n\n"
    "<b>Nút dưới câu trả lời</b>\n"
    "• <b>Xem thêm</b>: các đoạn liên quan tiếp theo.\n"
    "• <b>Toàn văn Điều này</b>: cả điều khoản chứa đoạn trả lời.\n"
    "• 👍 / 👎: cho biết câu trả lời có hữu ích không.\n\n"
    "<b>Lệnh</b>\n"
    "/hoi &lt;câu hỏi&gt; – đặt câu hỏi, ví dụ: /hoi điều kiện thành lập trường tư thục\n"
    "/vanban &lt;số hiệu&gt; – tra văn bản, ví dụ: /vanban 182/2026/NĐ-CP, "
    "/vanban 66/2026, /vanban nghi dinh 182\n"
    "/danhsach – danh sách văn bản, mới nhất trước\n"
    "/thongke – thống kê (quản lý, quản trị)\n"
    "/reindex – cập nhật chỉ mục (quản trị)\n"
    "/xoa &lt;tên tệp hoặc số hiệu&gt; – xoá văn bản (quản trị)\n"
    "Quản trị viên gửi tệp .pdf (cả bản scan), .doc, .docx, .txt, .md, .html "
    "hoặc ảnh chụp .jpg, .png để thêm văn bản."
)

# --- Questions and answers ---------------------------------------------------------------------
EMPTY_QUESTION = (
    "Bạn chưa nhập câu hỏi. Ví dụ: /hoi phụ cấp ưu đãi của giáo viên mầm non là bao nhiêu?"
)
QUESTION_TOO_LONG = (
    "Câu hỏi dài quá ({length} ký tự, tối đa {limit}). "
    "Hãy rút gọn thành một câu hỏi ngắn về điều bạn cần tìm."
)
NO_ANSWER = (
    "Không có văn bản nào trong bộ sưu tập trả lời được câu hỏi này.\n"
    "Bạn thử diễn đạt lại (dùng từ ngữ trong văn bản, ví dụ “phụ cấp ưu đãi”, “chế độ tập sự”) "
    "hoặc tra theo số hiệu bằng /vanban."
)
NO_ANSWER_ABOUT = (
    "Không tìm thấy văn bản nào về {about} trả lời được câu hỏi này.\n"
    "Bạn thử hỏi lại không kèm {about} để xem quy định chung, hoặc tra theo số hiệu bằng /vanban."
)
NO_ANSWER_PASSAGE = (
    "Không tìm thấy đoạn văn bản nào về {about} trả lời được câu hỏi này.\n"
    "Bạn thử hỏi cụ thể hơn, hoặc tra theo số hiệu bằng /vanban."
)
NO_ANSWER_TOPIC = (
    "Bộ sưu tập chưa có văn bản nào về {about}, nên không trả lời được câu hỏi này.\n"
    "Nếu cần, đề nghị quản trị viên bổ sung văn bản về chủ đề này."
)
NO_ARTICLE = (
    "Văn bản {number} có trong bộ sưu tập nhưng không có {article}.\n"
    "Bạn kiểm tra lại số điều, khoản, hoặc chọn điều cần xem bằng /vanban {number}."
)
NO_ANSWER_SUM = (
    "Các văn bản trong bộ sưu tập có nói đến việc này nhưng không nêu mức tiền cụ thể, "
    "nên không trả lời được câu hỏi.\n"
    "Mức tiền thường do văn bản của địa phương hoặc đơn vị quy định; "
    "bạn có thể tra theo số hiệu bằng /vanban."
)
ANSWER_HEADER = "📌 <b>Đoạn trả lời sát nhất</b>"
UNCERTAIN_HEADER = (
    "⚠️ <b>Chưa chắc có văn bản nào trả lời đúng câu hỏi này.</b> "
    "Đoạn gần nhất tìm được, hãy đọc kỹ trước khi dùng:"
)
OTHER_HEADER = "📚 <b>Các đoạn liên quan khác</b>"
MORE_HEADER = "🔎 <b>Các đoạn liên quan tiếp theo</b> (từ {start})"
NO_MORE = "Không còn đoạn liên quan nào khác."
SOURCE = "📄 Nguồn: {source}"
SOURCE_FILE = "tệp {name}"
FOUND_IN_COMPILATION = "trích từ Pháp điển: {title}"
ISSUED_ON = "ngày {date}"
ALSO_IN = "(cùng nội dung trong {count} văn bản khác)"
ARTICLE_HEADER = "📖 <b>Toàn văn</b> – {source}"
QUESTION_EXPIRED = "Câu hỏi này đã cũ, tôi không tìm lại được. Bạn gửi lại câu hỏi nhé."
BUTTON_MORE = "Xem thêm"
BUTTON_ARTICLE = "Toàn văn Điều này"
BUTTON_UP = "👍"
BUTTON_DOWN = "👎"
BUTTON_CHOSEN = "{label} ✓"
FEEDBACK_THANKS = "Cảm ơn bạn đã góp ý!"

# --- Documents ---------------------------------------------------------------------------------
VANBAN_USAGE = (
    "Hãy gõ số hiệu sau /vanban, ví dụ: /vanban 182/2026/NĐ-CP, /vanban 66/2026 "
    "hoặc /vanban nghi dinh 182."
)
SUPERSEDED = "⚠️ Lưu ý: văn bản gốc của đoạn này đã được thay thế bởi {number}."
VANBAN_ONLY_CITED = (
    "Bộ sưu tập không có toàn văn “{query}”, nhưng {count} văn bản có nhắc tới nó:\n{docs}\n"
    "Chọn một văn bản để xem."
)
VANBAN_NONE = (
    "Không tìm thấy văn bản có số hiệu “{query}” trong bộ sưu tập. "
    "Xem /danhsach để biết các văn bản hiện có."
)
VANBAN_CHOOSE = "Có {count} văn bản khớp với “{query}”, bạn chọn một:"
CARD_TITLE = "📄 <b>{title}</b>"
EXCERPT_TITLE = "📘 <b>{name}</b>"
EXCERPT_HELD = (
    "Bộ sưu tập không có bản riêng của văn bản này; Pháp điển “{compilation}” có {count} điều "
    "của nó, nguyên văn (tệp {file})."
)
CARD_NUMBER = "Số hiệu: {value}"
CARD_TYPE = "Loại văn bản: {value}"
CARD_ISSUER = "Cơ quan ban hành: {value}"
CARD_ISSUED = "Ngày ban hành: {value}"
CARD_EFFECTIVE = "Ngày hiệu lực: {value}"
CARD_SUMMARY = "Trích yếu: {value}"
CARD_FILE = "Tệp: {value}"
CARD_COPIES = "Bản sao (cùng số hiệu, không trích dẫn riêng): {value}"
CARD_RECIPIENTS = "Kính gửi: {value}"
CARD_OCR = "Bản quét, chữ được nhận dạng tự động (độ tin cậy {value})"
SCANNED_NOTE = "⚠️ văn bản quét, có thể sai chính tả"
CARD_PASSAGES = "Số đoạn: {value}"
CARD_CITED_BY = "<b>Được dẫn chiếu bởi:</b>"
CARD_CITED_MORE = "… và {count} văn bản khác"
CARD_SECTIONS = "Chọn một mục để xem nội dung:"
CARD_NO_SECTIONS = "Văn bản không chia điều khoản."
DOCUMENT_GONE = "Văn bản này không còn trong chỉ mục."
SECTION_GONE = "Không tìm thấy mục này nữa (chỉ mục đã được cập nhật)."
BUTTON_PREV = "◀ Trước"
BUTTON_NEXT = "Sau ▶"
LIST_HEADER = "📚 <b>Văn bản trong bộ sưu tập</b> ({count}), trang {page}/{pages}:"
LIST_EMPTY = "Bộ sưu tập chưa có văn bản nào."
NO_NUMBER = "không số hiệu"

# --- Statistics --------------------------------------------------------------------------------
STATS = (
    "📊 <b>Thống kê</b>\n"
    "Văn bản: {documents} · Đoạn: {chunks} (đã có vector: {embedded})\n"
    "Câu hỏi hôm nay: {today} · 7 ngày qua: {week} · tổng: {total}\n"
    "Tỉ lệ có câu trả lời (7 ngày): {answered} · trả lời kèm cảnh báo chưa chắc: {doubted}\n"
    "Góp ý: 👍 {up} · 👎 {down}"
)
STATS_UNANSWERED = "<b>Câu hỏi chưa trả lời được (hoặc trả lời chưa chắc) nhiều nhất:</b>"
STATS_NONE = "chưa có"

# --- Permissions and unsupported input ---------------------------------------------------------
NOT_MANAGER = "Xin lỗi, lệnh này chỉ dành cho cán bộ quản lý và quản trị viên."
NOT_ADMIN = "Xin lỗi, chỉ quản trị viên mới được thêm, xoá văn bản hay cập nhật chỉ mục."
UNKNOWN_COMMAND = "Tôi không biết lệnh này. Gõ /help để xem các lệnh có thể dùng."
UNSUPPORTED_MESSAGE = (
    "Tôi chỉ đọc được câu hỏi bằng chữ. Bạn hãy gõ câu hỏi, ví dụ: "
    "“giáo viên được nghỉ hè bao nhiêu ngày?”"
)
ERROR = "Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu. Bạn thử lại sau ít phút nhé."
ADMIN_ERROR_REPORT = "⚠️ <b>Lỗi trong bot</b>\n{where}\n<pre>{error}</pre>"
NOT_READY = "Chỉ mục đang được tạo, bạn thử lại sau ít phút nhé."

# --- Uploads, deletion, reindex ----------------------------------------------------------------
UPLOAD_UNSUPPORTED = "Không nhận tệp “{name}”: định dạng không hỗ trợ. Chỉ nhận {suffixes}."
UPLOAD_TOO_LARGE = "Không nhận tệp “{name}”: tệp quá lớn ({size:.1f} MB, tối đa {limit:g} MB)."
UPLOAD_BAD_NAME = "Không nhận tệp: tên tệp “{name}” không hợp lệ."
UPLOAD_REJECTED = "Không thêm được tệp “{name}”: {reason}."
UPLOAD_RECEIVED = "Đã nhận “{name}”, đang đọc và đưa vào chỉ mục…"
UPLOAD_OCR_PROGRESS = "Đã nhận “{name}”, đang nhận dạng chữ trang {done}/{total}…"
UPLOAD_EXISTS = (
    "Đã có tệp “{name}” trong bộ sưu tập. Thay thế bằng tệp mới? "
    "Tệp cũ sẽ được giữ lại làm bản sao lưu."
)
UPLOAD_DONE = "✅ Đã thêm “{name}”.\nTiêu đề: {title}\nSố hiệu: {number}\nSố đoạn: {chunks}"
UPLOAD_FAILED_INDEX = "Tệp “{name}” đã lưu nhưng không đưa được vào chỉ mục: {reason}."
UPLOAD_COLLECTION = "\nBộ sưu tập: {collection}"
UPLOAD_BAD_COLLECTION = (
    "Không nhận tệp: chú thích “{caption}” không phải tên một bộ sưu tập. Để trống chú thích "
    "để thêm vào bộ sưu tập chung, hoặc ghi đúng một tên: {choices}."
)
UPLOAD_CANCELLED = "Đã huỷ. Tệp cũ được giữ nguyên."
UPLOAD_PENDING_GONE = "Yêu cầu này đã hết hạn, bạn gửi lại tệp nhé."
BUTTON_REPLACE = "Thay thế"
BUTTON_KEEP = "Giữ tệp cũ"
BUILD_LOCKED = "Đang có một lượt cập nhật chỉ mục khác, bạn thử lại sau khi lượt đó xong nhé."
BUILD_LOCKED_SAVED = (
    "Đang có một lượt cập nhật chỉ mục khác. Tệp đã được lưu và sẽ vào chỉ mục "
    "ở lượt cập nhật sau (/reindex)."
)
REINDEX_STARTED = "⏳ Bắt đầu cập nhật chỉ mục…"
REINDEX_PROGRESS = "⏳ Đang cập nhật chỉ mục: {stage} {done}/{total}"
STAGES = {
    "scan": "quét thư mục",
    "load": "đọc tệp",
    "ocr": "nhận dạng chữ, trang",
    "embed": "tạo vector",
    "prepare": "phân tích đoạn",
    "save": "ghi chỉ mục",
}
REINDEX_DONE = (
    "✅ Đã cập nhật chỉ mục trong {seconds:.1f} giây.\n"
    "Thêm: {added} · Sửa: {changed} · Xoá: {removed} · Lỗi: {failed}\n"
    "Tổng: {documents} văn bản, {chunks} đoạn."
)
REINDEX_FAILED_ITEM = "• {doc_id}: {reason}"
XOA_USAGE = "Hãy gõ tên tệp hoặc số hiệu sau /xoa, ví dụ: /xoa 182/2026/NĐ-CP"
XOA_NONE = "Không tìm thấy văn bản “{query}”."
XOA_CHOOSE = "Có {count} văn bản khớp với “{query}”, chọn văn bản cần xoá:"
XOA_CONFIRM = "Xoá văn bản này khỏi bộ sưu tập?\n{source}\n(Tệp được chuyển vào thư mục sao lưu.)"
XOA_DONE = "🗑 Đã xoá “{name}” khỏi bộ sưu tập."
XOA_CANCELLED = "Đã huỷ, không xoá gì."
BUTTON_DELETE = "Xoá"
BUTTON_CANCEL = "Huỷ"

# --- Console -------------------------------------------------------------------------------------
CONSOLE_WELCOME = (
    "Trợ lý văn bản giáo dục (chế độ dòng lệnh, không có TELEGRAM_BOT_TOKEN).\n"
    "Gõ câu hỏi rồi Enter. /help: các lệnh dùng được ở đây; thoát: /thoat hoặc Ctrl-D."
)
CONSOLE_PROMPT = "Bạn hỏi: "
CONSOLE_BUILDING = "Chưa có chỉ mục, đang tạo chỉ mục từ {folder}…"
CONSOLE_DENSE_READY = "Chỉ mục ngữ nghĩa (dense) đã sẵn sàng: câu trả lời từ giờ dùng cả vector."
CONSOLE_DENSE_FAILED = "Không tạo được chỉ mục ngữ nghĩa: {error}. Vẫn trả lời bằng BM25."
CONSOLE_BYE = "Tạm biệt!"
CONSOLE_EXIT = "/thoat"
CONFIG_ERROR = "Lỗi cấu hình: {error}"
DATABASE_ERROR = (
    "Không dùng được cơ sở dữ liệu {database}: {error}\n"
    "Kiểm tra bot.database_url / DATABASE_URL và máy chủ PostgreSQL."
)
WEBHOOK_SECRET_MISSING = (
    "bot.webhook_secret_env: biến môi trường {env} chưa được đặt (cần cho chế độ webhook)"
)

# --- Command table (bot/commands.py): help lines and where each command works ---------------
HELP_LINES = {
    "hoi": "/hoi &lt;câu hỏi&gt; – đặt câu hỏi, ví dụ: /hoi điều kiện thành lập trường tư thục",
    "vanban": (
        "/vanban &lt;số hiệu&gt; – tra văn bản, ví dụ: /vanban 182/2026/NĐ-CP, "
        "/vanban 66/2026, /vanban nghi dinh 182"
    ),
    "danhsach": "/danhsach – danh sách văn bản, mới nhất trước",
    "thongke": "/thongke – thống kê (quản lý, quản trị)",
    "reindex": "/reindex – cập nhật chỉ mục (quản trị)",
    "xoa": "/xoa &lt;tên tệp hoặc số hiệu&gt; – xoá văn bản (quản trị)",
    "help": "/help – hướng dẫn này",
    "trangthai": "/trangthai – tiến độ tạo vector ngữ nghĩa và chế độ trả lời",
    "dieu": "/dieu &lt;số&gt; – mở toàn văn một mục của văn bản vừa tra bằng /vanban",
    "thoat": "/thoat – thoát (hoặc Ctrl-D)",
}
HELP_COMMANDS_HEADER = "<b>Lệnh</b>"
HELP_UPLOAD_LINE = (
    "Quản trị viên gửi tệp .pdf (cả bản scan), .doc, .docx, .txt, .md, .html "
    "hoặc ảnh chụp .jpg, .png để thêm văn bản (chú thích là tên bộ sưu tập, "
    "ví dụ noi-bo, để thêm vào bộ sưu tập đó)."
)
HELP_CONSOLE = (
    "<b>Cách dùng (dòng lệnh)</b>\n"
    "Gõ câu hỏi rồi Enter, có dấu hay không dấu đều được.\n"
    "Các lệnh /thongke, /reindex, /xoa và gửi tệp chỉ có trong Telegram; ở đây, thêm văn "
    "bản bằng cách chép tệp vào thư mục văn bản rồi chạy scripts/reindex.py."
)
CONSOLE_TELEGRAM_ONLY = (
    "Lệnh /{command} chỉ dùng được trong Telegram (đặt TELEGRAM_BOT_TOKEN rồi chạy make run). "
    "Gõ /help để xem các lệnh dùng được ở đây."
)
CONSOLE_UNKNOWN_COMMAND = "Không có lệnh /{command}. Gõ /help để xem các lệnh dùng được ở đây."
CONSOLE_SECTIONS = "Các mục (gõ /dieu &lt;số&gt; để đọc toàn văn):"
CONSOLE_SECTION_LINE = "{n}. {section}"
CONSOLE_NO_DOCUMENT = "Hãy tra một văn bản bằng /vanban trước, rồi gõ /dieu &lt;số&gt;."
CONSOLE_BAD_SECTION = "Không có mục số {value}. Văn bản này có {count} mục."
CONSOLE_CITED_ONLY = "Bộ sưu tập không có toàn văn “{query}”, nhưng {count} văn bản có nhắc tới nó:"
CONSOLE_STATUS = (
    "Văn bản: {documents} · Đoạn: {chunks} · Đã có vector: {embedded}\nChế độ trả lời: {mode}"
)
CONSOLE_STATUS_EMBEDDING = "Đang tạo vector ngữ nghĩa trong nền: {done}/{total} đoạn ({percent}%)."
CONSOLE_STATUS_WAITING = "Đang chờ một lượt cập nhật chỉ mục khác xong để tạo vector."
CONSOLE_DENSE_STARTED = (
    "Đang tạo vector ngữ nghĩa trong nền cho {missing} đoạn còn thiếu (mỗi đợt được lưu ngay). "
    "Gõ /trangthai để xem tiến độ."
)
CONSOLE_DENSE_STOPPED = (
    "Đã dừng tạo vector: {done}/{total} đoạn đã có vector và được giữ lại; "
    "lần chạy sau sẽ làm tiếp phần còn lại."
)
CONSOLE_READY = "Sẵn sàng: {documents} văn bản, {chunks} đoạn, chế độ trả lời: {mode}."
CONSOLE_WAITING_BUILD = (
    "Một lượt cập nhật chỉ mục khác đang chạy (scripts/reindex.py?); chờ lượt đó xong…"
)
MODE_NAMES = {
    "hybrid": "kết hợp (từ khoá + vector)",
    "bm25": "bm25 (chỉ từ khoá)",
    "dense": "vector",
}

# --- Reliability (journal failures, long replies, unreadable files) ----------------------------
JOURNAL_FAILING = (
    "⚠️ <b>Không ghi được nhật ký câu hỏi</b> (ổ đĩa đầy hoặc cơ sở dữ liệu bị khoá?).\n"
    "Bot vẫn trả lời bình thường; các câu hỏi được giữ tạm trong bộ nhớ và ghi lại khi "
    "ghi được.\n<pre>{error}</pre>"
)
STATS_JOURNAL = "⚠️ Nhật ký: {failed} lần ghi lỗi, {dropped} câu hỏi bị bỏ, {pending} đang chờ ghi"
BUTTON_UNKNOWN = "Nút này không còn dùng được. Bạn gửi lại câu hỏi hoặc lệnh nhé."
REINDEX_FAILED_MORE = "… và {count} tệp/thư mục lỗi khác (xem bằng scripts/reindex.py)."
REINDEX_DISK_FULL = (
    "⚠️ Không cập nhật được chỉ mục: ổ đĩa đã đầy. Bản dựng dở đã được xoá; "
    "bot vẫn trả lời bằng chỉ mục cũ. Hãy giải phóng dung lượng rồi chạy lại /reindex."
)

# --- Command-line scripts (administrators; plain text, not HTML) ------------------------------
SCRIPT_ERROR = "Lỗi: {error}"
SCRIPT_NO_INDEX = "Chưa có chỉ mục trong {folder}: hãy chạy python scripts/reindex.py trước."
SCRIPT_INDEX_MISMATCH = (
    "Không dùng được chỉ mục hiện có ({error}); hãy chạy python scripts/reindex.py --full."
)
SCRIPT_BUILD_LOCKED = "Đang có một lượt cập nhật chỉ mục khác; hãy chạy lại khi lượt đó xong."
SCRIPT_REINDEX_DONE = (
    "Chỉ mục {build_id}: {documents} văn bản, {chunks} đoạn ({embedded} có vector), "
    "{seconds:.1f} giây\n"
    "  thêm {added}, sửa {changed}, xoá {removed}, giữ nguyên {unchanged}, lỗi {failed}"
)
SCRIPT_REINDEX_FAILED = "  LỖI {doc_id}: {reason}"
SCRIPT_NO_JOURNAL = "Không có nhật ký tại {path}."
SCRIPT_EXPORTED = "Đã xuất {count} câu hỏi vào {path}."
PURGE_NO_DAYS = (
    "Chưa biết xoá từ bao lâu: dùng --days N hoặc đặt bot.journal_retention_days trong config.yaml."
)
PURGE_DONE = "Đã xoá {count} câu hỏi cũ hơn {days} ngày khỏi {path}."
ASK_NOTHING = "(không tìm thấy văn bản liên quan đủ tin cậy; mức bằng chứng {evidence:.2f})"
ASK_SCORE = "điểm"
ASK_ALSO_IN = "cũng có trong"
ASK_REPLACED = "⚠ văn bản gốc đã được thay thế bởi {number}"
ASK_FOOTER = "{latency:.1f} ms, chế độ {mode}"

# --- Corpus caveat (bot/caveat.py) -------------------------------------------------------------
TRANSCRIBED_NOTE = (
    "<i>ℹ️ Văn bản trong bộ sưu tập được chuyển sang dạng chữ tự động, có thể sai sót; "
    "hãy đối chiếu bản chính thức trước khi trích dẫn.</i>"
)
START_CAVEAT = (
    "\n\nLưu ý: các văn bản có sẵn được chuyển sang dạng chữ tự động từ trang web và tệp PDF, "
    "có thể sai sót; hãy đối chiếu bản chính thức trước khi trích dẫn."
)
ARTICLE_REST = (
    "✂️ Điều này dài ({chars} ký tự), chỉ hiển thị phần đầu. Đọc tiếp: /vanban {number} "
    "rồi chọn từng mục, hoặc mở tệp {file}."
)
INVALID_TOKEN = (
    "Telegram từ chối token (TELEGRAM_BOT_TOKEN sai hoặc đã bị thu hồi). "
    "Lấy token mới từ @BotFather rồi đặt lại biến môi trường."
)
