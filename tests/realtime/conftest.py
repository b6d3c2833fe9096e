import pytest


@pytest.fixture
def realtime_app(make_app, tmp_path):
    """The application on SQLite with real-time supervision on, collecting everything it emits."""
    app = make_app(f"sqlite:///{tmp_path / 'rt.db'}", realtime_rules=True)
    emitted: list[dict] = []
    app.listeners[0].subscribers.append(emitted.extend)
    app.emitted = emitted
    return app
