from pathlib import Path

import pytest

from rexian.text.evaluation import real_data_dir


@pytest.fixture
def teddy_dir() -> Path:
    base = real_data_dir()
    if base is None or not (base / "teddy2020").is_dir():
        pytest.skip("real data not available")
    return base / "teddy2020"
