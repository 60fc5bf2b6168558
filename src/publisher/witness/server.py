"""The witness HTTP server (stdlib ``ThreadingHTTPServer``; one command, runs under systemd).

    POST /add-checkpoint        c2sp.org/tlog-witness
    GET  /latest?origin=<o>     our monitoring extension: the latest checkpoint we cosigned for
                                log <o>, as a note carrying our cosignature (404 if none)
"""

from __future__ import annotations

import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .protocol import MAX_BODY
from .state import Answer, Witness


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the spec recommends
    server_version = "publisher-witness/1"
    witness: Witness

    def log_message(self, format, *args):  # noqa: A002 - quiet: one line per request is noise at 200/s
        pass

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            self._send(Answer(400, b"bad request: Content-Length missing or larger than 64 KiB\n"))
            return
        body = self.rfile.read(length)
        if path != "/add-checkpoint":
            self._send(Answer(404, b"not found\n"))
            return
        self._send(self.witness.add_checkpoint(body))

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/latest":
            self._send(Answer(404, b"not found\n"))
            return
        origin = (parse_qs(url.query).get("origin") or [""])[0]
        latest = self.witness.latest(origin) if origin in self.witness.logs else None
        if latest is None:
            self._send(Answer(404, b"no checkpoint cosigned for this origin\n"))
            return
        self._send(Answer(200, latest.note.encode("utf-8"), "text/plain; charset=utf-8"))


def make_server(witness: Witness, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = type("WitnessHandler", (_Handler,), {"witness": witness})
    server_cls = type("WitnessServer", (ThreadingHTTPServer,), {"request_queue_size": 128})  # many logs at once
    server = server_cls((host, port), handler)
    server.daemon_threads = True
    return server


def serve_forever(server: ThreadingHTTPServer) -> None:
    """Serve until SIGTERM/SIGINT (systemd stops services with SIGTERM)."""
    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
