"""The loss maps' colour ramp: perceptually even, and ordered by lightness alone."""

import numpy as np

from playground.ui.theme import LOSS_RAMP, RAMP_STOPS, hex_of, oklab


def test_the_loss_ramp_takes_equal_perceptual_steps_and_only_darkens():
    lab = np.array([oklab(c) for c in LOSS_RAMP])
    steps = np.linalg.norm(np.diff(lab, axis=0), axis=1)  # OKLab distance between neighbours
    assert steps.min() > 0.6 * steps.mean() and steps.max() < 1.4 * steps.mean()  # even, up to 8-bit rounding
    assert (np.diff(lab[:, 0]) < 0).all()  # lightness falls all the way: readable in greyscale and for CVD
    assert LOSS_RAMP[0] == RAMP_STOPS[0] and LOSS_RAMP[-1] == RAMP_STOPS[-1]
    assert lab[0, 0] - lab[-1, 0] > 0.3  # a wide lightness range, low loss pale


def test_oklab_matches_its_reference_values_and_round_trips():
    assert np.allclose(oklab("#FFFFFF"), [1.0, 0.0, 0.0], atol=1e-4)  # Ottosson's white
    assert np.allclose(oklab("#FF0000"), [0.62796, 0.22486, 0.12585], atol=1e-4)  # and sRGB red
    assert all(hex_of(oklab(c)) == c for c in ("#0072B2", "#E69F00", "#31333F"))
