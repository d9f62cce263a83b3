"""Optimizer trajectories on 2-D surfaces: many methods × many starts, vectorized.

    from playground.surfaces import SURFACES
    from playground.trajectories import race, run
    paths = race(SURFACES["rosenbrock"], ["SGD", "Adam"], start=(-1.2, 1.0), steps=500)
    paths["Adam"].positions  # (501, 1, 2)
"""

from playground.trajectories.basins import DIVERGED, STALLED, BasinMap, basins
from playground.trajectories.engine import Engine, RunOptions, Trajectory, configure, race, run
from playground.trajectories.internals import Internals, inspect, trace
from playground.trajectories.reference import (
           Parity,
           max_difference,
           step_differences,
           step_parity,
           torch_path,
)
from playground.trajectories.slice import LineSlice, line_slice, run_slice
from playground.trajectories.worked import Worked, worked_update

__all__ = ["Engine", "RunOptions", "Trajectory", "configure", "race", "run", "basins", "BasinMap",
           "DIVERGED", "STALLED", "torch_path", "max_difference", "Parity", "step_parity", "step_differences",
           "inspect", "trace", "Internals", "Worked", "worked_update", "LineSlice", "line_slice", "run_slice"]
