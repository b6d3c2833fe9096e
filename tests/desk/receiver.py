"""A webhook receiver on 127.0.0.1 for tests and the benchmark: checks signatures, can be told to fail,
de-duplicates on the idempotency key and counts every POST it saw."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rexian.service.push import verify_signature


class Receiver:
    def __init__(self, secret: str):
        self.secret = secret
        self.failing = False
        self.posts: Counter[str] = Counter()  # idempotency key -> POSTs seen
        self.accepted: dict[str, dict] = {}  # key -> first accepted message
        self.accepted_at: dict[str, float] = {}  # key -> time.time() of its first acceptance
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                key = self.headers["Idempotency-Key"]
                if receiver.failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                if not verify_signature(receiver.secret, self.headers["X-Rexian-Timestamp"], body,
                                        self.headers["X-Rexian-Signature"]):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.posts[key] += 1
                receiver.accepted.setdefault(key, json.loads(body))
                receiver.accepted_at.setdefault(key, time.time())
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
