"""The "matches torch.optim" badge: per-step parity, ✓ for every method on every built-in surface at the
page's defaults, and ✗ for a rule with a planted wrong constant."""

from __future__ import annotations

import pytest

from playground.optim import METHODS, SGD
from playground.optim.sgd import sgd
from playground.surfaces import SURFACES
from playground.trajectories import step_parity
from playground.ui.race import charts
from playground.ui.race.compute import PARITY_TOL, RaceSpec, torch_parity

DEFAULT_STEPS = 300  # the page's Steps default


def _default_spec(surface: str, method: str) -> RaceSpec:
    return RaceSpec(surface, methods=((method, ()),), start=SURFACES[surface].start, steps=DEFAULT_STEPS)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_method_earns_the_badge_on_every_surface_at_the_page_defaults(surface):
    for method in METHODS:
        check = torch_parity(_default_spec(surface, method), method, lambda _: None)
        assert check.step <= PARITY_TOL, (method, check)
        assert charts.parity_badge(check, PARITY_TOL).startswith("✓"), method


def test_chaotic_paths_drift_apart_yet_every_step_matches():
    """SGD on Ackley: torch.optim's own path ends far from ours (one rounding, amplified), while each
    step taken from the same point and state agrees to the last bits."""
    check = torch_parity(_default_spec("ackley", "SGD"), "SGD", lambda _: None)
    assert check.drift > 0.1 and check.step < 1e-14


@pytest.mark.parametrize(("surface", "method"), [("ackley", "SGD"), ("rosenbrock", "Momentum")])
def test_a_rule_with_a_slightly_wrong_constant_fails_the_badge(monkeypatch, surface, method):
    def wrong(param, grad, state, **hyper):  # a learning rate one part in a million too large
        sgd(param, grad, state, **{**hyper, "lr": hyper["lr"] * (1 + 1e-6)})

    spec = _default_spec(surface, method)
    monkeypatch.setattr(SGD, "rule", staticmethod(wrong))
    check = step_parity(spec.load(), method, spec.start, spec.steps)
    assert check.step > PARITY_TOL
    assert charts.parity_badge(check, PARITY_TOL).startswith("✗")
