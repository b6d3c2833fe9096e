"""A synthetic city with ground truth (docs/simulator.md)."""

from rexian.simulate.city import Simulation, SimulationResult, simulate_city

__all__ = ["Simulation", "SimulationResult", "simulate_city"]
