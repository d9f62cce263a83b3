"""Take a race home: its settings as JSON, and the same race as a plain PyTorch script.

The script uses ``torch.optim``'s own classes with the race's settings (each method's full
hyperparameters, the surface's tuned learning rate included) and imports nothing from the
playground. Its surface ``f(x, y)`` is generated, never copied from user text: the surface's own
formula (for a typed one, the program compiled from its parsed tree) is called with symbolic
x, y and a symbolic array module, so what comes out is exactly the sequence of operations the
race evaluates, written as Python over a closed vocabulary (numbers, x, y, + - * / **, and the
``torch`` functions in :data:`TORCH_FUNCTIONS`). The script takes gradients by autograd, draws the
race's noise with numpy's generator and the race's seed, clips with ``clip_grad_norm_``, follows
the race's schedule (the multipliers :class:`~playground.schedules.Schedule` computes, through
``LambdaLR``) or reduce-on-plateau (torch's ``ReduceLROnPlateau`` with the arguments that make it
equal ours) and stops a path where the race's guard would. Its final points equal the race's up
to float64 rounding.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from playground.optim import METHODS
from playground.schedules import ReduceOnPlateau
from playground.surfaces import Surface
from playground.trajectories.engine import RunOptions, configure
from playground.trajectories.guard import LOSS_LIMIT, Guard

# binding strength of a Python expression: sums < products < unary minus < powers < atoms
SUM, PRODUCT, UNARY, POWER, ATOM = range(1, 6)
#: The array-module functions a surface formula may call, as the script calls them.
TORCH_FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "log1p", "sqrt", "abs", "tanh", "sinh", "cosh", "sign")
_NAMED = {math.pi: "math.pi", math.tau: "math.tau", math.e: "math.e"}


class Code:
    """A Python expression being built: its source text, how tightly it binds and whether it
    involves x or y. Arithmetic on a Code (or between a Code and a number) gives the result's Code."""

    def __init__(self, text: str, level: int = ATOM, variable: bool = False) -> None:
        self.text, self.level, self.variable = text, level, variable

    def __add__(self, other: Any) -> Code:
        return _binary(self, "+", other, SUM)

    def __radd__(self, other: Any) -> Code:
        return _binary(other, "+", self, SUM)

    def __sub__(self, other: Any) -> Code:
        return _binary(self, "-", other, SUM)

    def __rsub__(self, other: Any) -> Code:
        return _binary(other, "-", self, SUM)

    def __mul__(self, other: Any) -> Code:
        return _binary(self, "*", other, PRODUCT)

    def __rmul__(self, other: Any) -> Code:
        return _binary(other, "*", self, PRODUCT)

    def __truediv__(self, other: Any) -> Code:
        return _binary(self, "/", other, PRODUCT)

    def __rtruediv__(self, other: Any) -> Code:
        return _binary(other, "/", self, PRODUCT)

    def __pow__(self, other: Any) -> Code:
        return _power(self, other)

    def __rpow__(self, other: Any) -> Code:
        return _power(other, self)

    def __neg__(self) -> Code:
        return Code(f"-{_operand(self, UNARY)}", UNARY, self.variable)

    def __pos__(self) -> Code:
        return self


class _Torch:
    """Stands in for the array module ``xp`` a surface formula is written against."""

    def __getattr__(self, name: str) -> Any:
        if name not in TORCH_FUNCTIONS:
            raise AttributeError(f"a surface formula for the script may call only "
                                 f"{', '.join(TORCH_FUNCTIONS)}, not {name}")

        def call(argument: Any) -> Code:
            code = _as_code(argument)
            return Code(f"torch.{name}({code.text})", ATOM, code.variable)

        return call


def _as_code(value: Any) -> Code:
    if isinstance(value, Code):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"a surface formula for the script combines numbers, x and y, not {value!r}")
    text = _number(value)
    return Code(text, UNARY if text.startswith("-") else ATOM)


def _number(value: int | float | np.integer | np.floating) -> str:
    """A number as Python source that reads back as exactly the same number."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return "math.nan"
    if math.isinf(value):
        return "math.inf" if value > 0 else "-math.inf"
    return _NAMED.get(value, repr(value))


def _operand(code: Code, at_least: int) -> str:
    return code.text if code.level >= at_least else f"({code.text})"


def _binary(left: Any, op: str, right: Any, level: int) -> Code:
    """``left op right``, left to right: a right operand of the same strength keeps its parentheses,
    so the script adds and multiplies in the race's order."""
    a, b = _as_code(left), _as_code(right)
    return Code(f"{_operand(a, level)} {op} {_operand(b, level + 1)}", level, a.variable or b.variable)


def _power(base: Any, exponent: Any) -> Code:
    """``base ** exponent``; Python's ** binds to the right and more tightly than a unary minus."""
    a, b = _as_code(base), _as_code(exponent)
    return Code(f"{_operand(a, ATOM)} ** {_operand(b, UNARY)}", POWER, a.variable or b.variable)


def formula_code(surface: Surface) -> str:
    """The body of ``f(x, y)`` as torch code: the surface's formula traced with symbolic x and y."""
    x, y = Code("x", variable=True), Code("y", variable=True)
    value = _as_code(surface.f(_Torch(), x, y))  # type: ignore[arg-type]  # a stand-in for the module
    if not value.variable:  # a constant: still written as a function of x, so autograd has a gradient
        value = 0 * x + value
    if len(value.text) <= 96:
        return value.text
    rows = textwrap.wrap(value.text, 96, break_long_words=False, break_on_hyphens=False)
    return "(\n" + "".join(f"        {row}\n" for row in rows) + "    )"


def _literal(value: Any) -> str:
    """A hyperparameter value as Python source."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (tuple, list)):
        return f"({', '.join(_literal(v) for v in value)}{',' if len(value) == 1 else ''})"
    return _number(value)


def _hyperparameters(surface: Surface, methods: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each method's full keyword set, as the race runs it (the surface's tuned learning rate included)."""
    return {name: configure(surface, name, overrides) for name, overrides in methods.items()}


def _optimizers(hyperparameters: Mapping[str, Mapping[str, Any]]) -> str:
    lines = ["OPTIMIZERS = {  # torch.optim's own classes, with the race's settings for each method"]
    for name, settings in hyperparameters.items():
        cls = METHODS[name].optimizer.__name__
        kwargs = textwrap.wrap(", ".join(f"{key}={_literal(value)}" for key, value in settings.items()), 96)
        lines.append(f"    {json.dumps(name)}: (torch.optim.{cls}, dict(")
        lines += [f"        {row}" for row in kwargs[:-1]]
        lines.append(f"        {kwargs[-1]})),")
    return "\n".join([*lines, "}"])


NOISE = '''
# Gradient noise: sigma * N(0, 1) per coordinate and step, from numpy's generator seeded as the race's,
# the same draws for every method.
NOISE = {sigma} * np.random.default_rng({seed}).standard_normal((STEPS, 2))
'''
CLIP = "\nCLIP = {clip}  # the gradient's norm is clipped to this (torch.nn.utils.clip_grad_norm_)\n"
STOP = "{indent}if norm(grad) < TOL:\n{indent}    return p.detach(), loss, {at}\n"
TOL = "\nTOL = {tol}  # a path stops once the norm of its gradient falls below this\n"
SCHEDULE = '''

# The race's "{kind}" schedule: the learning rate's multiplier at each step, from the playground's
# Schedule (playground/schedules.py names the torch.optim.lr_scheduler class it equals).
FACTORS = [
{factors}
]


def make_scheduler(optimizer):
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: FACTORS[min(t, STEPS - 1)])
'''
PLATEAU = '''

def make_scheduler(optimizer):
    """Reduce on plateau, as the race: its threshold, floor and eps are fractions of the method's lr."""
    lr = optimizer.defaults["lr"]
    return torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="min", factor={factor}, patience={patience}, threshold={threshold},
        threshold_mode="rel", cooldown={cooldown}, min_lr={min_factor} * lr, eps={eps} * lr)
'''
SCRIPT = '''\
"""An Optimizer race as plain PyTorch, generated by the Training playground.

Run it as it is: each method is torch.optim's own class with the race's settings, stepping from the
same start on the same surface with the same learning rates, gradient noise, clipping and stopping.
It prints each method's final point and loss. These equal the race's up to float64 rounding; on a
rugged surface a difference in the last digit at one step can grow into a visibly different path
(the race's "path drift" column shows how far torch.optim's own path strays from ours).
"""
import math

import numpy as np
import torch


def f(x, y):  # {title}
    return {formula}


START = ({x}, {y})
STEPS = {steps}
{optimizers}
{noise}{clip}{tol}
LOSS_LIMIT = {loss_limit}  # the race calls a path diverged once |f| exceeds this,
BOX = ({lo}, {hi})  # or once x or y leaves this range (far outside the plot window){schedule}


def evaluate(p):
    """f at p, and its gradient by autograd."""
    loss = f(p[0], p[1])
    (grad,) = torch.autograd.grad(loss, p)
    return loss.detach(), grad


def norm(grad):
    return (grad * grad).sum().sqrt()


def carries_on(p, loss, grad):
    """False where the race calls the path diverged: f or its gradient not finite, |f| beyond
    LOSS_LIMIT, or the point outside BOX."""
    inside = BOX[0] <= p.min() and p.max() <= BOX[1]
    return bool(abs(loss) <= LOSS_LIMIT and norm(grad) < math.inf and inside)


def descend(name):
    """One method's run: its final point, the loss there, and how the run ended."""
    cls, settings = OPTIMIZERS[name]
    p = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = cls([p], **settings)
{make}    loss, grad = evaluate(p)
    if not carries_on(p, loss, grad):
        return p.detach(), loss, "diverged at the start"
{stop_at_start}    for t in range(STEPS):
        p.grad = grad{add_noise}
{clip_grad}        before = p.detach().clone(), loss
        optimizer.step()
        loss, grad = evaluate(p)
        if not carries_on(p, loss, grad):  # the race keeps the last good point
            return *before, f"diverged at step {{t + 1}}"
{stop}{step_scheduler}    return p.detach(), loss, f"ran all {{STEPS}} steps"


def race():
    """Every method's (final point, loss, how its run ended), by name."""
    return {{name: descend(name) for name in OPTIMIZERS}}


if __name__ == "__main__":
    for name, (point, loss, ending) in race().items():
        x, y = point.tolist()
        print(f"{{name:>9}}: final point ({{x:.12g}}, {{y:.12g}}), loss {{float(loss):.12g}}, {{ending}}")
'''


def _schedule(options: RunOptions, steps: int) -> str:
    if options.plateau:
        rule = ReduceOnPlateau(options.plateau_factor, options.plateau_patience)
        return PLATEAU.format(factor=_number(rule.factor), patience=rule.patience,
                              threshold=_number(rule.threshold), cooldown=rule.cooldown,
                              min_factor=_number(rule.min_factor), eps=_number(rule.eps))
    if options.schedule.kind == "constant":
        return ""
    factors = options.schedule.factors(steps)
    rows = textwrap.wrap(", ".join(_number(value) for value in factors), 96)
    return SCHEDULE.format(kind=options.schedule.kind, factors="\n".join(f"    {row}" for row in rows))


def pytorch_code(surface: Surface, methods: Mapping[str, Mapping[str, Any]], start: Sequence[float],
                 steps: int, options: RunOptions) -> str:
    """A runnable script that replays the race of ``methods`` (names to hyperparameter overrides, as
    :func:`~playground.trajectories.race` takes them) from one ``start`` for ``steps`` steps."""
    if options.plateau and options.schedule.kind != "constant":
        raise ValueError("the script follows a schedule or reduce-on-plateau, not both at once")
    guard = Guard(np.zeros((1, 2)), surface.domain, options.tol)
    scheduled = options.plateau or options.schedule.kind != "constant"
    x, y = (float(v) for v in start)
    return SCRIPT.format(
        title=surface.title, formula=formula_code(surface), x=_number(x), y=_number(y), steps=int(steps),
        optimizers=_optimizers(_hyperparameters(surface, methods)),
        noise=NOISE.format(sigma=_number(options.noise), seed=int(options.seed)) if options.noise > 0 else "",
        clip=CLIP.format(clip=_number(options.clip)) if options.clip > 0 else "",
        tol=TOL.format(tol=_number(options.tol)) if options.tol > 0 else "",
        loss_limit=f"{LOSS_LIMIT:g}", lo=_number(guard.lo), hi=_number(guard.hi),
        schedule=_schedule(options, steps),
        make="    scheduler = make_scheduler(optimizer)\n" if scheduled else "",
        stop_at_start=STOP.format(indent="    ", at='"stopped at the start"') if options.tol > 0 else "",
        add_noise=" + torch.from_numpy(NOISE[t])" if options.noise > 0 else "",
        clip_grad="        torch.nn.utils.clip_grad_norm_([p], CLIP)\n" if options.clip > 0 else "",
        stop=STOP.format(indent="        ", at='f"stopped at step {t + 1}"') if options.tol > 0 else "",
        step_scheduler=("        scheduler.step(loss.item())\n" if options.plateau
                        else "        scheduler.step()\n" if scheduled else ""),
    )


def settings_json(surface: Surface, methods: Mapping[str, Mapping[str, Any]], start: Sequence[float],
                  steps: int, options: RunOptions, source: Mapping[str, Any]) -> str:
    """The race's settings: ``source`` says which surface (a built-in's name, or a typed formula and
    its window), ``methods`` each method's full hyperparameters as the race ran them."""
    return json.dumps({"surface": dict(source), "title": surface.title, "start": [float(v) for v in start],
                       "steps": int(steps), "methods": _hyperparameters(surface, methods),
                       "options": asdict(options)}, indent=2)
