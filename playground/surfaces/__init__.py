"""2-D loss surfaces: the built-in catalogue and a safe parser for typed formulas.

    from playground.surfaces import SURFACES, parse
    SURFACES["rosenbrock"].grad(x, y)           # analytic (df/dx, df/dy) on numpy arrays
    parse("x**2 + 10*y**2").value(1.0, 1.0)     # a Surface from a typed formula; never eval'd
"""

from playground.surfaces.builtin import SURFACES
from playground.surfaces.expression import parse
from playground.surfaces.surface import Surface
from playground.surfaces.tokens import ExpressionError

__all__ = ["Surface", "SURFACES", "parse", "ExpressionError"]
