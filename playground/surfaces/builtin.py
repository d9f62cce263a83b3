r"""The catalogue of built-in surfaces, each with an analytic value and gradient.

Every ``f`` is written against the array module ``xp`` (numpy or torch) so the tests can check
the hand-derived gradients against torch autograd. The learning rates of the six teaching methods
were tuned by running them for 300 steps from ``start`` so that each race shows something: SGD
crawling along a ravine, Momentum rolling over humps or off a cliff, the adaptive methods
rescaling their steps (and losing that edge when the ravine is rotated). The tests in
tests/surfaces/test_builtin.py check these lessons. Every rate here, RAdam's and Adadelta's
included, and Adam's where AdamW, NAdam and Adamax borrow it, also passes the search in
:mod:`playground.surfaces.tuning` (no divergence, no stall in the race's default run), which
chose the ones that did not.
"""

from __future__ import annotations

import math

import numpy as np

from playground.surfaces.surface import Formula, Partials, Surface

TAU = 2 * math.pi


def _quadratic(a: float, b: float, c: float) -> tuple[Formula, Partials]:
    """f = a x^2 + b x y + c y^2 as (f, df): one helper for the bowl, both ravines and Matyas."""
    return (lambda xp, x, y: a * x**2 + b * x * y + c * y**2,
            lambda x, y: (2 * a * x + b * y, b * x + 2 * c * y))


def _rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


# Powers above 2 are written as products below: numpy's pow is ~10x slower than a multiply, and
# the basin maps evaluate these on 60,000 points per step.


def _beale_terms(x, y):
    y2 = y * y
    return y2, 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y2 * y


def _beale(xp, x, y):
    _, a1, a2, a3 = _beale_terms(x, y)
    return a1**2 + a2**2 + a3**2


def _beale_grad(x, y):
    y2, a1, a2, a3 = _beale_terms(x, y)
    gx = 2 * (a1 * (y - 1) + a2 * (y2 - 1) + a3 * (y2 * y - 1))
    gy = 2 * x * (a1 + 2 * a2 * y + 3 * a3 * y2)
    return gx, gy


def _himmelblau_grad(x, y):
    u, v = x**2 + y - 11, x + y**2 - 7
    return 4 * x * u + 2 * v, 2 * u + 4 * y * v


def _camel3(xp, x, y):
    x2 = x * x
    return x2 * (2 - 1.05 * x2 + x2 * x2 / 6) + x * y + y**2


def _camel3_grad(x, y):
    x2 = x * x
    return x * (4 - 4.2 * x2 + x2 * x2) + y, x + 2 * y


def _camel6(xp, x, y):
    x2, y2 = x * x, y * y
    return (4 - 2.1 * x2 + x2 * x2 / 3) * x2 + x * y + (-4 + 4 * y2) * y2


def _camel6_grad(x, y):
    x2 = x * x
    return x * (8 - 8.4 * x2 + 2 * x2 * x2) + y, x + y * (16 * y * y - 8)


def _rastrigin(xp, x, y):
    return 20 + x**2 - 10 * xp.cos(TAU * x) + y**2 - 10 * xp.cos(TAU * y)


def _rastrigin_grad(x, y):
    return 2 * x + 10 * TAU * np.sin(TAU * x), 2 * y + 10 * TAU * np.sin(TAU * y)


def _ackley(xp, x, y):
    r = xp.sqrt(0.5 * (x**2 + y**2))
    return -20 * xp.exp(-0.2 * r) - xp.exp(0.5 * (xp.cos(TAU * x) + xp.cos(TAU * y))) + math.e + 20


def _ackley_grad(x, y):
    r = np.sqrt(0.5 * (x**2 + y**2))
    # d/dx of -20 exp(-0.2 r) is 2 x exp(-0.2 r) / r; at the cone's tip r = 0 take the subgradient 0.
    radial = np.where(r > 0, 2 * np.exp(-0.2 * r) / np.where(r > 0, r, 1), 0.0)
    wave = math.pi * np.exp(0.5 * (np.cos(TAU * x) + np.cos(TAU * y)))
    return radial * x + wave * np.sin(TAU * x), radial * y + wave * np.sin(TAU * y)


def _goldstein_price_factors(x, y):
    """f = A * B with A = 1 + p^2 q and B = 30 + r^2 s."""
    p, r = x + y + 1, 2 * x - 3 * y
    q = 19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2
    s = 18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2
    return p, q, r, s, 1 + p**2 * q, 30 + r**2 * s


def _goldstein_price(xp, x, y):
    *_, a, b = _goldstein_price_factors(x, y)
    return xp.log(a) + xp.log(b)  # log f: the raw function spans 3 to 10^6 on this window


def _goldstein_price_grad(x, y):
    p, q, r, s, a, b = _goldstein_price_factors(x, y)
    da = 2 * p * q + p**2 * (-14 + 6 * x + 6 * y)  # the same for x and y: q is symmetric in its slope
    dbx = 4 * r * s + r**2 * (-32 + 24 * x - 36 * y)
    dby = -6 * r * s + r**2 * (48 - 36 * x + 54 * y)
    return da / a + dbx / b, da / a + dby / b


def _styblinski_tang(xp, x, y):
    x2, y2 = x * x, y * y
    return 0.5 * (x2 * x2 - 16 * x2 + 5 * x + y2 * y2 - 16 * y2 + 5 * y)


def _styblinski_tang_grad(x, y):
    return x * (2 * x * x - 16) + 2.5, y * (2 * y * y - 16) + 2.5


# Plateau and cliff: a sigmoid switches between a plateau of height ~1 (x > 0) tilted by only
# 0.01 per unit, and a low bowl centred at (-1.5, 0) (x < 0). Between them is a cliff with slope
# ~8. SGD barely creeps over the plateau and sign-like adaptive steps cross it; Momentum gathers
# speed on the plateau and is catapulted off the cliff, out of the window (clipping tames it).
CLIFF_K, TILT, BOWL = 40.0, 0.01, 0.1


def _plateau_cliff(xp, x, y):
    s = 1 / (1 + xp.exp(-CLIFF_K * x))
    return s * (1 + TILT * x) + (1 - s) * BOWL * ((x + 1.5) ** 2 + y**2)


def _plateau_cliff_grad(x, y):
    s = 1 / (1 + np.exp(-CLIFF_K * x))
    bowl = BOWL * ((x + 1.5) ** 2 + y**2)
    gx = CLIFF_K * s * (1 - s) * (1 + TILT * x - bowl) + s * TILT + (1 - s) * 2 * BOWL * (x + 1.5)
    return gx, (1 - s) * 2 * BOWL * y


# The rotated ravine is the axis-aligned one (curvatures 0.04 and 4) turned by 45 degrees.
_bowl, _ravine, _rotated, _matyas = (_quadratic(1, 0, 1), _quadratic(0.02, 0, 2),
                                     _quadratic(1.01, -1.98, 1.01), _quadratic(0.26, -0.48, 0.26))

# Surface(name, title, latex, f, df, domain, minima (global first), start, lrs, log_color)
_CATALOGUE = (
    Surface("rosenbrock", "Rosenbrock banana", r"(1 - x)^2 + 100\,(y - x^2)^2",
            lambda xp, x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, _rosenbrock_grad,
            ((-2.0, 2.0), (-1.0, 3.0)), ((1.0, 1.0),), (-1.2, 1.0),
            {"SGD": 0.0015, "Momentum": 0.001, "NAG": 0.001, "AdaGrad": 1.0, "RMSprop": 0.05, "Adam": 0.2,
             "RAdam": 0.001, "Adadelta": 5.0},
            log_color=True),
    Surface("bowl", "Round bowl", r"x^2 + y^2", *_bowl,
            ((-3.0, 3.0), (-3.0, 3.0)), ((0.0, 0.0),), (-2.5, 2.0),
            {"SGD": 0.05, "Momentum": 0.05, "NAG": 0.05, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.1,
             "RAdam": 0.05, "Adadelta": 5.0}),
    Surface("ravine", "Ravine (axis-aligned)", r"0.02\,x^2 + 2\,y^2", *_ravine,
            ((-5.0, 5.0), (-2.5, 2.5)), ((0.0, 0.0),), (-4.5, 2.0),
            {"SGD": 0.45, "Momentum": 0.1, "NAG": 0.1, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.1,
             "RAdam": 0.1, "Adadelta": 5.0}),
    Surface("rotated_ravine", "Ravine rotated 45°", r"0.01\,(x + y)^2 + (x - y)^2", *_rotated,
            ((-4.0, 4.0), (-4.0, 4.0)), ((0.0, 0.0),), (-3.5, -2.0),
            {"SGD": 0.45, "Momentum": 0.1, "NAG": 0.1, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.1,
             "RAdam": 0.5, "Adadelta": 10.0}),
    Surface("saddle", "Saddle", r"x^2 - y^2",
            lambda xp, x, y: x**2 - y**2, lambda x, y: (2 * x, -2 * y),
            ((-2.0, 2.0), (-2.0, 2.0)), (), (-1.8, 1e-3),
            {"SGD": 0.01, "Momentum": 0.001, "NAG": 0.001, "AdaGrad": 0.05, "RMSprop": 0.005, "Adam": 0.01,
             "RAdam": 2.0, "Adadelta": 0.1}),
    Surface("monkey_saddle", "Monkey saddle", r"x^3 - 3\,x y^2",
            lambda xp, x, y: x * (x * x - 3 * y * y), lambda x, y: (3 * x**2 - 3 * y**2, -6 * x * y),
            ((-2.0, 2.0), (-2.0, 2.0)), (), (1.5, 0.05),
            {"SGD": 0.001, "Momentum": 0.0001, "NAG": 0.0001, "AdaGrad": 0.05, "RMSprop": 0.005, "Adam": 0.01,
             "RAdam": 0.1, "Adadelta": 0.2}),
    Surface("beale", "Beale", r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
            _beale, _beale_grad, ((-4.5, 4.5), (-4.5, 4.5)), ((3.0, 0.5),), (1.0, 1.4),
            {"SGD": 0.003, "Momentum": 0.001, "NAG": 0.001, "AdaGrad": 0.5, "RMSprop": 0.02, "Adam": 0.1,
             "RAdam": 0.01, "Adadelta": 5.0},
            log_color=True),
    Surface("himmelblau", "Himmelblau (four minima)", r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            lambda xp, x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, _himmelblau_grad,
            ((-5.0, 5.0), (-5.0, 5.0)),
            ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
            (-0.2, -0.9),
            {"SGD": 0.01, "Momentum": 0.002, "NAG": 0.002, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.1,
             "RAdam": 0.05, "Adadelta": 1.0},
            log_color=True),
    Surface("booth", "Booth", r"(x + 2y - 7)^2 + (2x + y - 5)^2",
            lambda xp, x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
            lambda x, y: (10 * x + 8 * y - 34, 8 * x + 10 * y - 38),
            ((-10.0, 10.0), (-10.0, 10.0)), ((1.0, 3.0),), (-8.0, -6.0),
            {"SGD": 0.02, "Momentum": 0.01, "NAG": 0.01, "AdaGrad": 1.0, "RMSprop": 0.1, "Adam": 0.3,
             "RAdam": 0.2, "Adadelta": 20.0}),
    Surface("matyas", "Matyas", r"0.26\,(x^2 + y^2) - 0.48\,xy", *_matyas,
            ((-10.0, 10.0), (-10.0, 10.0)), ((0.0, 0.0),), (-8.0, 6.0),
            {"SGD": 1.0, "Momentum": 0.1, "NAG": 0.1, "AdaGrad": 1.0, "RMSprop": 0.1, "Adam": 0.3,
             "RAdam": 0.2, "Adadelta": 10.0}),
    Surface("three_hump_camel", "Three-hump camel", r"2x^2 - 1.05\,x^4 + \tfrac{x^6}{6} + xy + y^2",
            _camel3, _camel3_grad,
            ((-3.0, 3.0), (-3.0, 3.0)), ((0.0, 0.0), (1.747552, -0.873776), (-1.747552, 0.873776)),
            (2.5, -2.5),
            {"SGD": 0.01, "Momentum": 0.005, "NAG": 0.005, "AdaGrad": 0.5, "RMSprop": 0.02, "Adam": 0.05,
             "RAdam": 0.02, "Adadelta": 2.0},
            log_color=True),
    Surface("six_hump_camel", "Six-hump camel",
            r"\left(4 - 2.1\,x^2 + \tfrac{x^4}{3}\right) x^2 + xy + (4y^2 - 4)\,y^2",
            _camel6, _camel6_grad, ((-2.0, 2.0), (-1.2, 1.2)),
            ((0.089842, -0.712656), (-0.089842, 0.712656), (-1.703607, 0.796084), (1.703607, -0.796084),
             (-1.607105, -0.568651), (1.607105, 0.568651)),
            (-1.4, -1.1),
            {"SGD": 0.01, "Momentum": 0.002, "NAG": 0.002, "AdaGrad": 0.3, "RMSprop": 0.02, "Adam": 0.05,
             "RAdam": 0.05, "Adadelta": 0.5}),
    Surface("rastrigin", "Rastrigin", r"20 + \sum_{v \in \{x, y\}} \left(v^2 - 10\cos 2\pi v\right)",
            _rastrigin, _rastrigin_grad, ((-5.12, 5.12), (-5.12, 5.12)), ((0.0, 0.0),), (-4.5, 4.5),
            {"SGD": 0.002, "Momentum": 0.004, "NAG": 0.0001, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.1,
             "RAdam": 0.05, "Adadelta": 0.2}),
    Surface("ackley", "Ackley",
            r"-20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20",
            _ackley, _ackley_grad, ((-5.0, 5.0), (-5.0, 5.0)), ((0.0, 0.0),), (-4.5, 4.5),
            {"SGD": 0.1, "Momentum": 0.01, "NAG": 0.01, "AdaGrad": 1.0, "RMSprop": 0.1, "Adam": 0.1,
             "RAdam": 0.5, "Adadelta": 100.0}),
    Surface("goldstein_price", "Goldstein–Price (log scale)",
            r"\log\Big(\big[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\big]"
            r"\big[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\big]\Big)",
            _goldstein_price, _goldstein_price_grad, ((-2.0, 2.0), (-2.0, 2.0)),
            ((0.0, -1.0), (-0.6, -0.4), (1.8, 0.2), (1.2, 0.8)), (-1.5, 1.5),
            {"SGD": 0.01, "Momentum": 0.005, "NAG": 0.005, "AdaGrad": 0.3, "RMSprop": 0.01, "Adam": 0.05,
             "RAdam": 0.2, "Adadelta": 2.0}),
    Surface("styblinski_tang", "Styblinski–Tang", r"\tfrac12 \sum_{v \in \{x, y\}} (v^4 - 16v^2 + 5v)",
            _styblinski_tang, _styblinski_tang_grad, ((-5.0, 5.0), (-5.0, 5.0)),
            ((-2.903534, -2.903534), (-2.903534, 2.746803), (2.746803, -2.903534), (2.746803, 2.746803)),
            (4.8, 4.8),
            {"SGD": 0.01, "Momentum": 0.005, "NAG": 0.005, "AdaGrad": 0.5, "RMSprop": 0.05, "Adam": 0.1,
             "RAdam": 0.02, "Adadelta": 5.0}),
    Surface("plateau_cliff", "Plateau and cliff",
            r"\sigma(40x)\,(1 + 0.01x) + \big(1 - \sigma(40x)\big)\, 0.1\big((x + 1.5)^2 + y^2\big)",
            _plateau_cliff, _plateau_cliff_grad, ((-3.0, 3.0), (-2.0, 2.0)), ((-1.5, 0.0),), (2.0, 1.0),
            {"SGD": 0.5, "Momentum": 0.1, "NAG": 0.1, "AdaGrad": 0.3, "RMSprop": 0.02, "Adam": 0.05,
             "RAdam": 0.2, "Adadelta": 5.0}),
)

SURFACES: dict[str, Surface] = {s.name: s for s in _CATALOGUE}
