import pytest


@pytest.fixture
def realtime_app(make_app, tmp_path):
    """The application on SQLite with real-time supervision run in the same process after each command (as
    an embedding server may do), collecting everything it emits."""
    from rexian.service.supervision import RealtimeSupervision

    app = make_app(f"sqlite:///{tmp_path / 'rt.db'}", realtime_rules=True)
    app.listeners.append(RealtimeSupervision.from_settings(app.engine, app.settings))
    emitted: list[dict] = []
    app.listeners[0].subscribers.append(emitted.extend)
    app.emitted = emitted
    return app
