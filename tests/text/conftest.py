from pathlib import Path

import pytest

from rexian.text.evaluation import real_data_dir


@pytest.fixture
def teddy_dir() -> Path:
    base = real_data_dir()
    if base is None or not (base / "teddy2020").is_dir():
        pytest.skip("real data not available")
    return base / "teddy2020"


@pytest.fixture
def configured_text():
    """Apply the settings (as the application does) to the text layer; the defaults again afterwards."""
    from rexian.bootstrap import configure_text
    from rexian.text.config import TextConfig, configure

    yield configure_text
    configure(TextConfig())
