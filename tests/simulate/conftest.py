"""Shared simulated cities: built once per test session, small enough to keep the area under a minute."""

import pytest

from rexian.simulate import Simulation, simulate_city
from rexian.simulate.output import write_files

# Every rule family has injected cases at this size (seed 11); see test_truth.py.
FAMILY_N, FAMILY_SEED = 2000, 11


@pytest.fixture(scope="session")
def city():
    return simulate_city(FAMILY_N, FAMILY_SEED)


@pytest.fixture(scope="session")
def written(tmp_path_factory):
    """Three small cities written to files: seed 5 twice (one with two workers), seed 6 once."""
    root = tmp_path_factory.mktemp("sim")
    paths = {}
    for name, seed, workers in (("a", 5, 1), ("b", 5, 2), ("c", 6, 1)):
        paths[name] = root / name
        write_files(Simulation(300, seed), paths[name], workers=workers, batch_size=100)
    return paths
