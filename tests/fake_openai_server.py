"""A tiny OpenAI-compatible chat server for tests: canned replies, recorded requests, 127.0.0.1 only.

It answers POST /v1/chat/completions the way an endpoint answers ChatOpenAI's structured-output
requests: when the request carries ``tools`` (method="function_calling") the canned text becomes the
arguments of a call to the requested tool; otherwise (``response_format`` json_schema / json_object)
it is the message content. ``Sleep(s)`` holds the reply back to exercise client timeouts.

    with FakeOpenAI() as server:
        server.enqueue('{"indicators": []}', Sleep(5))
        ChatOpenAI(base_url=server.base_url, api_key="test", model="test-model")
"""
from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Sleep:
    """Reply only after ``seconds`` (or never, if the test ends first)."""

    seconds: float


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status, as an overloaded or misconfigured endpoint does."""

    code: int
    message: str = "error"


@dataclass(frozen=True)
class ToolCall:
    """Answer with a call to this tool (the model's choice among the request's tools), these arguments."""

    name: str
    arguments: dict


Reply = str | Sleep | Status | ToolCall


class FakeOpenAI:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self._stopped = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def next_reply(self) -> Reply:
        return self.replies.popleft() if self.replies else Status(500, "no canned reply left")

    def wait(self, seconds: float) -> None:
        self._stopped.wait(seconds)  # returns early when the server stops

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()


def completion(request: dict[str, Any], text: str | ToolCall) -> dict[str, Any]:
    """A chat.completion body carrying ``text`` as tool arguments or as content (or the scripted call)."""
    message: dict[str, Any] = {"role": "assistant", "content": text}
    finish = "stop"
    tools = request.get("tools") or []
    if isinstance(text, ToolCall):
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": text.name, "arguments": json.dumps(text.arguments, ensure_ascii=False)}}]}
        finish = "tool_calls"
    elif tools:
        choice = request.get("tool_choice")
        name = choice["function"]["name"] if isinstance(choice, dict) else tools[0]["function"]["name"]
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}]}
        finish = "tool_calls"
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": request.get("model", "test"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.endswith("/chat/completions"):
                return self._send(404, {"error": {"message": f"unknown path {self.path}"}})
            server.requests.append(request)
            reply = server.next_reply()
            if isinstance(reply, Sleep):
                server.wait(reply.seconds)
                reply = '{"late": true}'
            if isinstance(reply, Status):
                return self._send(reply.code, {"error": {"message": reply.message, "type": "server_error"}})
            self._send(200, completion(request, reply))

        def _send(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout): nothing to answer

    return Handler
