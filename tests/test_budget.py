"""Work estimated before it runs: a shared server refuses what would hold a request thread for
more than a few seconds and says what to lower; a local one runs it after saying how long."""

from __future__ import annotations

import pytest

from playground import budget
from playground.budget import HOSTED_SECONDS, Estimate, duration, lab_estimate, race_estimate, verdict
from playground.datasets.toy import make_toy
from playground.regularization.config import LabConfig
from playground.surfaces import SURFACES

DEFAULT_LAB = (LabConfig(hidden=(128, 128), epochs=400), make_toy("moons", 60, 0.45, 0.5, 0))


def test_the_issues_runaway_url_is_hours_of_work_and_refused_on_a_shared_server():
    config = LabConfig(hidden=(256,) * 6, batch_size=1, epochs=5000)
    estimate = lab_estimate(config, make_toy("moons", 2000, 0.45, 0.5, 0))
    assert estimate.seconds > 3600
    assert estimate.work == ("5,000 epochs × 1,000 steps of a 2-256-256-256-256-256-256-2 network on "
                             "1,000 points")
    judged = verdict(estimate, hosted=True)
    assert not judged.allowed and "so it was not started" in judged.message
    assert f"about {estimate.seconds / 3600:,.1f} h of computing" in judged.message
    assert judged.message.endswith("Lower the epochs, the points or the layer widths, or raise the batch "
                                   "size.")


def test_the_lab_default_fits_any_server_without_a_word():
    estimate = lab_estimate(*DEFAULT_LAB)
    assert 0.05 < estimate.seconds < HOSTED_SECONDS / 5
    assert verdict(estimate, hosted=True) == verdict(estimate, hosted=False) == budget.Verdict(True, "")


def test_a_local_server_runs_long_work_after_saying_how_long():
    judged = verdict(Estimate(150.0, "a big run", "it"), hosted=False)
    assert judged.allowed and judged.message.startswith("This will take about 2 min (a big run)")


def test_smaller_batches_more_epochs_and_wider_layers_each_cost_more():
    config, data = DEFAULT_LAB
    base = lab_estimate(config, data).seconds
    for cheaper_to_dearer in ({"batch_size": 4}, {"epochs": 800}, {"hidden": (512, 512)}, {"dropout": 0.5}):
        assert lab_estimate(LabConfig(**{**config.__dict__, **cheaper_to_dearer}), data).seconds > base


def test_the_largest_basin_map_is_refused_even_on_the_cheapest_surface(monkeypatch):
    monkeypatch.setattr(budget, "gradient_seconds", lambda surface: 0.0)
    biggest = race_estimate(SURFACES["bowl"], methods=11, starts=100 * 100, steps=5000)
    assert not verdict(biggest, hosted=True).allowed
    assert verdict(race_estimate(SURFACES["bowl"], methods=6, starts=50 * 50, steps=300), hosted=True).allowed


def test_a_surface_is_charged_its_measured_gradient_per_start_and_step(monkeypatch):
    monkeypatch.setattr(budget, "gradient_seconds", lambda surface: 1e-6)
    estimate = race_estimate(SURFACES["bowl"], methods=2, starts=1000, steps=100)
    assert estimate.seconds == pytest.approx(2 * 100 * (budget.METHOD_STEP_SECONDS + 1000 * (
        budget.POINT_STEP_SECONDS + 1e-6)))
    assert estimate.work == "2 methods × 1,000 starts × 100 steps"


def test_timing_a_gradient_gives_a_small_positive_cost_per_point():
    assert 0 < budget.gradient_seconds(SURFACES["rosenbrock"]) < 1e-4


def test_a_race_is_charged_its_steps_and_its_contour_map_and_named_as_a_race(monkeypatch):
    monkeypatch.setattr(budget, "gradient_seconds", lambda surface: 1e-3)  # a formula 1,000 times too slow
    estimate = race_estimate(SURFACES["bowl"], methods=6, starts=1, steps=300, drawn=70 * 70)
    assert estimate.seconds == pytest.approx(6 * 300 * (budget.METHOD_STEP_SECONDS + budget.POINT_STEP_SECONDS
                                                         + 1e-3) + 4900 * 1e-3)
    judged = verdict(estimate, hosted=True)
    assert not judged.allowed and "6 methods × 300 steps on this surface" in judged.message
    assert judged.message.endswith("Lower the steps or the number of methods, or simplify the formula.")


@pytest.mark.parametrize(("seconds", "english", "chinese"), [
    (0.34, "0.3 s", "0.3 秒"), (12.4, "12 s", "12 秒"), (150.0, "2 min", "2 分钟"),
    (5400.0, "1.5 h", "1.5 小时"), (3600 * 1234.5, "1,234.5 h", "1,234.5 小时")])
def test_a_duration_reads_in_seconds_minutes_or_hours_in_either_language(seconds, english, chinese):
    assert str(duration(seconds)) == english and duration(seconds).text("zh") == chinese
