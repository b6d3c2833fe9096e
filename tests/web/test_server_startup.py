"""The server answers before the real-time evaluator is built (issue 16): the build runs on the supervision
thread, and the events committed meanwhile are judged once it is ready."""

import threading
import time

from fastapi.testclient import TestClient

from rexian.bootstrap import web_app
from rexian.service.supervision import RealtimeSupervision


def test_the_server_answers_the_login_page_while_the_realtime_evaluator_is_still_being_built(
        make_app, tmp_path, monkeypatch):
    app = make_app(f"sqlite:///{tmp_path / 'startup.db'}", realtime_rules=True)
    released, built = threading.Event(), threading.Event()

    def slow_build(self):  # stands in for seconds of rule compilation
        released.wait(15)
        built.set()
        return None

    monkeypatch.setattr(RealtimeSupervision, "evaluator", property(slow_build))
    began = time.monotonic()
    try:
        with TestClient(web_app(app)) as client:
            answered = client.get("/login")
            waited = time.monotonic() - began
            assert answered.status_code == 200
            assert not built.is_set(), "the page waited for the evaluator"
            assert waited < 10
            released.set()
            assert built.wait(10)
    finally:
        released.set()
