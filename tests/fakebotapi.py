"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real Application.

Implements the methods python-telegram-bot calls (getMe, deleteWebhook, getUpdates with a
short long-poll, setMyCommands, sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, sendChatAction, getFile, sendDocument) and serves file bytes at the file
URL. Every call is recorded with its parameters and the time it arrived; tests push updates
and wait (bounded) for the calls they expect.

    with FakeBotAPI() as api:
        settings = replace(settings, bot=replace(settings.bot, base_url=api.base_url))
        api.send_text(chat_id=1, text="phụ cấp ưu đãi?")
        call = api.wait_for("sendMessage", chat_id=1)
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

TOKEN = "123456:TEST-TOKEN"
RAW_KEYS = {"text", "caption", "parse_mode", "callback_query_id", "file_id", "action", "url"}


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None
    """What the fake server answered (a Message object for sendMessage)."""

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row by row."""
        markup = self.params.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


class _Server(ThreadingHTTPServer):
    """A listen backlog for a burst: the bot opens up to hundreds of connections at once
    (the default backlog of 5 drops connections under the 200-question load test)."""

    request_queue_size = 512


class FakeBotAPI:
    """Threaded HTTP server speaking enough of the Bot API for python-telegram-bot."""

    def __init__(self, token: str = TOKEN, username: str = "trolyvanban_bot") -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Trợ lý",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.enqueued: dict[int, float] = {}
        self.files: dict[str, tuple[str, bytes]] = {}
        self.chat_types: dict[int, str] = {}
        self._cond = threading.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Value for bot.base_url / TELEGRAM_BASE_URL."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- pushing updates -----------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (update_id is assigned); returns the update_id."""
        with self._cond:
            update_id = next(self._update_ids)
            update = {"update_id": update_id, **update}
            self.updates.append(update)
            self.enqueued[update_id] = time.monotonic()
            self._cond.notify_all()
        return update_id

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message object as Telegram would send it to the bot."""
        user_id = user_id if user_id is not None else chat_id
        self.chat_types[chat_id] = chat_type
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User{user_id}"
        else:
            chat["title"] = f"Nhóm {chat_id}"
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/") and entities is None:
                command = text.split()[0]
                entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    def send_text(self, chat_id: int, text: str | None = None, **kwargs: Any) -> int:
        """Push a message update; returns its update_id."""
        return self.push({"message": self.message(chat_id, text, **kwargs)})

    def click(self, call: Call, data: str, user_id: int | None = None) -> int:
        """Push a callback query pressing a button of a message the bot sent."""
        message = call.result
        user_id = user_id if user_id is not None else message["chat"]["id"]
        query = {
            "id": str(next(self._message_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        return self.push({"callback_query": query})

    def add_file(self, name: str, data: bytes) -> dict[str, Any]:
        """Register a file served by getFile; returns a Document object for a message."""
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = (name, data)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "file_size": len(data),
            "mime_type": "application/octet-stream",
        }

    # --- observing calls ------------------------------------------------------------------------
    def find(self, method: str, **match: Any) -> list[Call]:
        """Recorded calls of a method whose params match (chat_id compared as int)."""
        with self._cond:
            calls = list(self.calls)
        return [c for c in calls if c.method == method and _matches(c, match)]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 30.0,
        count: int = 1,
        **match: Any,
    ) -> list[Call]:
        """Wait until at least count matching calls were recorded; return them (or fail)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c
                    for c in self.calls
                    if c.method == method
                    and _matches(c, match)
                    and (predicate is None or predicate(c))
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [
                        (c.method, c.params.get("chat_id"), c.text[:80]) for c in self.calls[-15:]
                    ]
                    raise AssertionError(
                        f"timed out waiting for {count} x {method} {match}: got {len(found)}; "
                        f"last calls: {seen}"
                    )
                self._cond.wait(min(left, 0.2))

    # --- the HTTP side --------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_GET(self) -> None:  # noqa: N802
                prefix = f"/file/bot{api.token}/"
                path = unquote(urlsplit(self.path).path)
                for file_id, (_, data) in list(api.files.items()):
                    if path == prefix + f"documents/{file_id}":
                        self._send(200, data, "application/octet-stream")
                        return
                self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                path = urlsplit(self.path).path
                prefix = f"/bot{api.token}/"
                if not path.startswith(prefix):
                    self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = path[len(prefix) :]
                params = _parse(body, self.headers.get("Content-Type", ""))
                status, payload = api._dispatch(method, params)
                self._json(status, payload)

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                self._send(status, json.dumps(payload).encode(), "application/json")

            def _send(self, status: int, data: bytes, ctype: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the bot gave up (e.g. a cancelled long poll)

        return Handler

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        call = Call(method, params)
        result = self._result(call)
        call.result = result
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        if result is None:
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {method}"}
        return 200, {"ok": True, "result": result}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        wait = min(float(params.get("timeout") or 0), 0.5)
        deadline = time.monotonic() + wait
        with self._cond:
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset][:limit]
                left = deadline - time.monotonic()
                if pending or left <= 0:
                    return pending
                self._cond.wait(left)

    def _message_result(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = {"id": chat_id, "type": self.chat_types.get(chat_id, "private")}
        if chat["type"] != "private":
            chat["title"] = f"Nhóm {chat_id}"
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            **extra,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def _result(self, call: Call) -> Any:
        p = call.params
        m = call.method
        if m == "getMe":
            return self.bot_user
        if m in (
            "deleteWebhook",
            "setMyCommands",
            "sendChatAction",
            "answerCallbackQuery",
            "setWebhook",
            "close",
            "logOut",
        ):
            return True
        if m == "sendMessage":
            return self._message_result(p, text=p.get("text", ""))
        if m in ("editMessageText", "editMessageReplyMarkup"):
            message = self._message_result(p, text=p.get("text", ""))
            message["message_id"] = int(p.get("message_id", 0))
            message["edit_date"] = int(time.time())
            return message
        if m == "sendDocument":
            return self._message_result(p, document=self.add_file("sent.bin", b""))
        if m == "getFile":
            name, data = self.files.get(str(p.get("file_id")), (None, b""))
            if name is None:
                return None
            return {
                "file_id": p["file_id"],
                "file_unique_id": "u" + str(p["file_id"]),
                "file_size": len(data),
                "file_path": f"documents/{p['file_id']}",
            }
        return True


def _parse(body: bytes, ctype: str) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in ctype:
        return json.loads(body)
    if "multipart" in ctype:
        return {"_multipart": body}
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        if key not in RAW_KEYS and value[:1] in ("{", "["):
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params


def _matches(call: Call, match: dict[str, Any]) -> bool:
    for key, value in match.items():
        got = call.params.get(key)
        if key == "chat_id":
            if got is None or int(got) != int(value):
                return False
        elif got != value:
            return False
    return True
