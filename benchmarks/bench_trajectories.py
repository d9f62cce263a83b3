"""Speed of the batched trajectory engine, against torch.optim and against the page's budget.

(a) The six teaching methods × 1,000 steps from one start on Rosenbrock: our engine (one
    batched race) next to the same six runs through torch.optim in a plain Python loop (a
    2-element float64 tensor whose .grad is set from the surface's analytic gradient, exactly
    what the page's "matches torch.optim" badge runs). Goal: ours <= 1/5 of torch's, <= 100 ms.
(b) A basin map: 6 methods × 10,000 starts (100 × 100) × 500 steps on Himmelblau. Goal: <= 3 s.
(c) The race page's computation after one change at default settings, through the same cached
    functions the page calls: what the user waits for before the charts and the summary table are
    on screen (engine, contour grid, chart data, the badges already known). Goal: <= 150 ms. The
    changed method's torch.optim badge, which the page fills in afterwards, and building the
    charts are printed too, separately.

Timings are best-of-N wall clock; on a shared machine, compare the CPU seconds printed alongside.
Run: .venv/bin/python benchmarks/bench_trajectories.py
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
logging.getLogger("streamlit").setLevel(logging.ERROR)  # bare-mode cache warnings

from playground.optim import TEACHING  # noqa: E402
from playground.surfaces import SURFACES  # noqa: E402
from playground.trajectories import basins, race, torch_path  # noqa: E402


def best_of(n: int, fn: Callable[[], object]) -> tuple[float, float]:
    """Best wall and CPU seconds of n calls (after one warm-up call)."""
    fn()
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return min(wall), min(cpu)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def engine_vs_torch() -> bool:
    surface = SURFACES["rosenbrock"]
    ours, ours_cpu = best_of(15, lambda: race(surface, TEACHING, surface.start, 1000))
    singles, _ = best_of(3, lambda: [race(surface, [m], surface.start, 1000) for m in TEACHING])
    theirs, theirs_cpu = best_of(3, lambda: [torch_path(surface, m, surface.start, 1000) for m in TEACHING])
    ratio = ours / theirs
    print("(a) 6 teaching methods x 1,000 steps, Rosenbrock, one start")
    print(f"    ours, one batched race      {ours * 1e3:8.1f} ms  (CPU {ours_cpu * 1e3:.1f} ms)")
    print(f"    ours, six separate runs     {singles * 1e3:8.1f} ms")
    print(f"    torch.optim, Python loop    {theirs * 1e3:8.1f} ms  (CPU {theirs_cpu * 1e3:.1f} ms)")
    print(f"    ratio ours/torch            {ratio:8.3f}    goal <= 0.2  {verdict(ratio <= 0.2)}")
    print(f"    ours                        {ours * 1e3:8.1f} ms goal <= 100 ms  {verdict(ours <= 0.1)}")
    return ratio <= 0.2 and ours <= 0.1


def basin_map() -> bool:
    surface = SURFACES["himmelblau"]
    wall, cpu = best_of(2, lambda: basins(surface, TEACHING, grid=100, steps=500))
    print("(b) basin map: 6 methods x 10,000 starts x 500 steps, Himmelblau")
    print(f"    {wall:.2f} s  (CPU {cpu:.2f} s)  goal <= 3 s  {verdict(wall <= 3.0)}")
    return wall <= 3.0


def page_rerun() -> bool:
    from streamlit.elements.vega_charts import _marshall_chart_data
    from streamlit.proto.VegaLiteChart_pb2 import VegaLiteChart

    from playground.optim import METHODS
    from playground.surfaces import levels
    from playground.ui.race import charts, surface3d
    from playground.ui.race.compute import (
        PARITY_TOL,
        RaceSpec,
        contour_field,
        race_paths,
        state_trace,
        torch_parity,
    )

    surface = SURFACES["rosenbrock"]

    def spec_with(adam_lr: float) -> RaceSpec:
        methods = {m: METHODS[m].hyperparameters(lr=surface.lr(m)) for m in TEACHING}
        methods["Adam"]["lr"] = adam_lr
        items = tuple((m, tuple(sorted(o.items()))) for m, o in methods.items())
        return RaceSpec("rosenbrock", methods=items, start=surface.start, steps=300)

    def check(spec: RaceSpec, method: str) -> object:
        return torch_parity(spec, method, lambda _: None)

    def compute(spec: RaceSpec, step: int, pending: str = "") -> tuple:
        """What one page run computes before its charts and table are shown: the race, the grid,
        every frame with Adam's state arrows (the worst case: the method being changed is the one
        inspected), the badges it knows; ``pending``'s badge says "checking…" until it is run."""
        paths = race_paths(spec)
        parity = {m: None if m == pending else check(spec, m) for m in paths}
        field = contour_field(spec.surface, spec.formula, spec.window)
        charts.summary_frame(paths, surface, step, 1e-3, parity, PARITY_TOL)
        arrows = charts.state_arrows(state_trace(spec.only("Adam"), "Adam"), surface)
        return paths, charts.map_scene(field, paths, surface, spec.start, step, arrows=arrows), \
            charts.curves_frame(paths)

    def draw(spec: RaceSpec, step: int) -> None:
        """The map's scene as the player sends it, and the three curve charts (loss, gradient norm,
        learning rate) as st.vega_lite_chart marshals them (template, data to Arrow)."""
        paths, scene, curves = compute(spec, step)
        methods = list(paths)
        json.dumps(scene.data())
        drawn = [charts.curve_chart(curves, field, field, step, methods) for field in ("loss", "grad_norm")]
        drawn.append(charts.curve_chart(charts.lrs_frame(paths), "lr", "lr", step, methods, height=180))
        for chart in drawn:
            _marshall_chart_data(VegaLiteChart(), chart.for_streamlit())

    draw(spec_with(0.2), 300)  # the page as first opened: everything cached from here on
    lrs = iter(np.linspace(0.1, 0.3, 1000))
    changed, changed_cpu = best_of(5, lambda: compute(spec_with(float(next(lrs))), 300, pending="Adam"))
    badge, _ = best_of(5, lambda: check(spec_with(float(next(lrs))), "Adam"))
    scrubbed, _ = best_of(5, lambda: compute(spec_with(0.2), 150))
    drawn, _ = best_of(5, lambda: draw(spec_with(float(next(lrs))), 300))
    paths, scene, _ = compute(spec_with(0.2), 300)
    scene_bytes = len(json.dumps(scene.data()))

    def view_3d() -> str:
        """The 3-D tab's figure as st.plotly_chart serializes it: mesh, paths, JSON."""
        field = levels.field(surface, surface3d.GRID)
        return surface3d.figure(field, paths, surface, surface.start, 150).to_json()

    built, _ = best_of(5, view_3d)
    figure_bytes = len(view_3d())
    print("(c) race page rerun at default settings (Rosenbrock, 6 methods, 300 steps)")
    print(f"    computation after an Adam lr change   {changed * 1e3:7.1f} ms  "
          f"(CPU {changed_cpu * 1e3:.1f} ms)  goal <= 150 ms  {verdict(changed <= 0.15)}")
    print(f"    ... then the changed method's badge   {badge * 1e3:7.1f} ms  (torch.optim, after the table)")
    print(f"    computation after moving the scrubber {scrubbed * 1e3:7.1f} ms  (race and badges cached)")
    print(f"    ... plus the map scene and 3 charts   {drawn * 1e3:7.1f} ms  (computation + scene JSON + "
          "Vega-Lite charts, as the page serializes them; not part of the goal)")
    print(f"    the map's scene sent to the browser   {scene_bytes / 1e3:7.1f} kB  (paths, f on 100×100 "
          "cells and Adam's arrows for every step, once per result)")
    print(f"    the 3-D view's figure (its tab open)  {figure_bytes / 1e3:7.1f} kB  (Plotly JSON: a "
          f"{surface3d.GRID}×{surface3d.GRID} mesh and every path; built in {built * 1e3:.1f} ms, "
          "only while its tab is open)")
    return changed <= 0.15


def main() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {load:.1f}; Python {platform.python_version()}, "
          f"numpy {np.__version__}, torch {torch.__version__}")
    torch.set_num_threads(1)  # 2-element tensors: threads only add overhead
    results = [engine_vs_torch(), basin_map(), page_rerun()]
    print("all goals met" if all(results) else "some goals missed (see FAIL above)")


if __name__ == "__main__":
    main()
