"""Adversarial training (Goodfellow et al. 2015): half the loss on FGSM examples buys robustness to
FGSM, measured the way the page's panel measures it."""

from playground.datasets.images import load
from playground.train import RunConfig, train
from playground.train.attack import attack


def curve(adversarial: bool) -> tuple[float, ...]:
    """Test accuracy at ε = 0, 2, 4, 8, 16 and 32 pixel steps (of 255) after 15 epochs on digits."""
    config = RunConfig(dataset="digits", model="mlp", epochs=15, lr=3e-3, batch_size=64, seed=0,
                       adversarial=adversarial)
    data = load("digits")
    result = train(config, data=data)
    assert result.status == "finished"
    return attack(result, data).curve.accuracy


def test_training_on_fgsm_examples_makes_the_model_more_robust_to_them():
    trained, plain = curve(adversarial=True), curve(adversarial=False)
    assert all(a >= b for a, b in zip(trained[1:], plain[1:], strict=True))  # at least as good at every ε
    assert trained[-1] > plain[-1] + 0.08  # at 4× the budget it trained against, far fewer answers flip
    assert trained[0] > 0.9 and plain[0] > 0.9  # both still read clean digits


def test_the_cli_takes_the_switch():
    from playground.train.__main__ import parser

    assert parser().parse_args(["--adversarial"]).adversarial is True
