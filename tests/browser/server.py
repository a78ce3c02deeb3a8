"""Serve an ASGI app on 127.0.0.1 (a free port) in a background thread, for browser tests.

uvicorn is used when it is installed. Without it (it is not a dependency of procgen), a small
HTTP/1.1 server on asyncio streams stands in: one request per connection, enough for a browser
driving a few pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

Message = dict[str, Any]


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.setblocking(False)
    return sock


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` until the block ends; yields its base URL (``http://127.0.0.1:PORT``)."""
    sock = _free_socket()
    port = sock.getsockname()[1]
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - depends on the environment
        runner: _Runner = _MiniServer(app, sock)
    else:
        config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
        runner = _Uvicorn(uvicorn.Server(config), sock)
    thread = threading.Thread(target=runner.run, name="procgen-test-server", daemon=True)
    thread.start()
    runner.started.wait(10)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        runner.stop()
        thread.join(10)
        sock.close()


class _Runner:
    started: threading.Event

    def run(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class _Uvicorn(_Runner):
    def __init__(self, server: Any, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.started = threading.Event()

    def run(self) -> None:
        async def main() -> None:
            task = asyncio.ensure_future(self.server.serve(sockets=[self.sock]))
            while not self.server.started and not task.done():
                await asyncio.sleep(0.01)
            self.started.set()
            await task

        asyncio.run(main())

    def stop(self) -> None:
        self.server.should_exit = True


class _MiniServer(_Runner):  # pragma: no cover - used only without uvicorn
    def __init__(self, app: Any, sock: socket.socket) -> None:
        self.app = app
        self.sock = sock
        self.started = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.done: asyncio.Event | None = None

    def run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self.done = asyncio.Event()
            server = await asyncio.start_server(self.handle, sock=self.sock)
            self.started.set()
            async with server:
                await self.done.wait()

        asyncio.run(main())

    def stop(self) -> None:
        if self.loop is not None and self.done is not None:
            self.loop.call_soon_threadsafe(self.done.set)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = [
            (k.strip().lower().encode("latin-1"), v.strip().encode("latin-1"))
            for k, _, v in (line.partition(":") for line in lines[1:] if line)
        ]
        length = int(dict(headers).get(b"content-length", b"0") or 0)
        body = await reader.readexactly(length) if length else b""
        path, _, query = target.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(path),
            "raw_path": path.encode("latin-1"),
            "query_string": query.encode("latin-1"),
            "root_path": "",
            "headers": headers,
            "client": writer.get_extra_info("peername"),
            "server": writer.get_extra_info("sockname"),
        }
        sent_body = False

        async def receive() -> Message:
            nonlocal sent_body
            if sent_body:  # the client stays until the response is sent
                await asyncio.Event().wait()
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 500
        out_headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def send(message: Message) -> None:
            nonlocal status, out_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        payload = b"".join(chunks)
        kept = [
            (k, v) for k, v in out_headers if k.lower() not in (b"content-length", b"connection")
        ]
        response = [f"HTTP/1.1 {status} X".encode()]
        response += [k + b": " + v for k, v in kept]
        response += [b"content-length: " + str(len(payload)).encode(), b"connection: close"]
        writer.write(b"\r\n".join(response) + b"\r\n\r\n" + payload)
        await writer.drain()
        writer.close()
