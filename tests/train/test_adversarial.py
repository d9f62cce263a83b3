"""FGSM: each value moves by exactly ε in the sign of the loss gradient, within the data's range, and
accuracy at ε = 0 is the clean accuracy."""

import pytest
import torch
import torch.nn.functional as F

from playground.train.adversarial import fgsm, robustness
from playground.train.evaluate import evaluate


def scaled(x: torch.Tensor) -> torch.Tensor:
    return (x - 127.5) / 64  # a stand-in for the runs' normalisation, differentiated through


@pytest.fixture(scope="module")
def trained():
    """A logistic regression fitted to two Gaussian blobs in 0–255 units: almost every point right."""
    g = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(200, 2, generator=g) * 12 + 100, torch.randn(200, 2, generator=g) * 12 + 150])
    y = torch.cat([torch.zeros(200, dtype=torch.long), torch.ones(200, dtype=torch.long)])
    torch.manual_seed(0)
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(300):
        opt.zero_grad()
        F.cross_entropy(model(scaled(x)), y).backward()
        opt.step()
    return model, x, y


def test_each_value_moves_by_epsilon_in_the_sign_of_the_loss_gradient(trained):
    model, x, y = trained
    adv = fgsm(model, x, y, 4.0, scaled)
    delta = adv - x
    assert delta.abs().max().item() == pytest.approx(4.0) and (delta.abs() <= 4.0 + 1e-5).all()
    # A linear model's input gradient of the cross-entropy, by hand: Wᵀ(softmax − onehot) / 64 / N.
    p = torch.softmax(model(scaled(x)), 1) - F.one_hot(y, 2)
    by_hand = (p @ model.weight.detach()) / 64
    assert torch.equal(delta.sign(), by_hand.sign())


def test_values_stay_in_the_datas_range():
    model = torch.nn.Linear(2, 2)
    x = torch.tensor([[0.0, 255.0], [1.0, 254.0]])
    adv = fgsm(model, x, torch.tensor([0, 1]), 10.0, scaled)
    assert adv.min() >= 0 and adv.max() <= 255


def test_accuracy_at_zero_is_the_clean_accuracy_and_falls_as_epsilon_grows(trained):
    model, x, y = trained
    clean = evaluate(model, x, y, scaled).accuracy
    curve = robustness(model, x, y, [0.0, 5.0, 20.0, 40.0], scaled, batch_size=128)
    assert curve.accuracy[0] == pytest.approx(clean) and clean > 0.95
    assert list(curve.accuracy) == sorted(curve.accuracy, reverse=True)  # a bigger budget never helps
    assert curve.accuracy[-1] < 0.5  # ε = 40 moves each point across the boundary the blobs share
    assert model.training  # left in the mode it was in


def test_a_negative_epsilon_is_refused():
    with pytest.raises(ValueError, match="at least 0"):
        fgsm(torch.nn.Linear(2, 2), torch.zeros(1, 2), torch.tensor([0]), -1.0, scaled)


def test_images_are_attacked_in_pixel_steps_and_signals_in_fractions_of_their_spread():
    from playground.datasets import load
    from playground.train.adversarial import IMAGE_STEPS, SIGNAL_FRACTIONS, attack_plan

    digits = attack_plan(load("digits"))
    assert digits.epsilons == digits.shown == (0, 2, 4, 8, 16, 32) == IMAGE_STEPS
    assert digits.bounds == (0, 255) and not digits.signals
    signals = load("mnist1d")
    plan = attack_plan(signals)
    sigma = float(signals.train_x.std())
    assert plan.signals and plan.shown == SIGNAL_FRACTIONS
    assert plan.epsilons == pytest.approx([f * sigma for f in SIGNAL_FRACTIONS]) and plan.epsilons[-1] > 0.5
    assert plan.bounds == (float("-inf"), float("inf"))
