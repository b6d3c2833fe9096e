"""A synthetic city with ground truth (docs/simulator.md).

    result = simulate_city(tickets=3000, seed=1)   # everything in memory
    write_database(result, engine)                 # into an empty, migrated database
"""

from rexian.simulate.city import Simulation, SimulationResult, simulate_city
from rexian.simulate.output import write_database, write_files
from rexian.simulate.truth import FAMILIES

__all__ = ["FAMILIES", "Simulation", "SimulationResult", "simulate_city", "write_database", "write_files"]
