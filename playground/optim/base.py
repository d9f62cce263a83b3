"""A torch.optim.Optimizer whose math is one plain update-rule function.

Each algorithm in this package is a function ``rule(param, grad, state, **hyperparameters)``
that updates ``param`` and ``state`` in place. The function is the whole algorithm; the
class around it only does torch.optim's bookkeeping (param groups, state_dict, closures,
zero_grad, lr schedulers), which we inherit from ``torch.optim.Optimizer`` unchanged.
The 2-D trajectory engine calls the very same functions on numpy arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import torch

UpdateRule = Callable[..., None]
#: What an optimizer's constructor takes: tensors, or param-group dicts holding them.
Params = Iterable[torch.Tensor] | Iterable[dict[str, Any]]


class ScratchOptimizer(torch.optim.Optimizer):
    """Base class: subclasses set ``rule`` and ``hyperparameters`` and validate in __init__."""

    rule: ClassVar[UpdateRule]
    #: The param-group keys handed to ``rule`` as keyword arguments, in signature order.
    hyperparameters: ClassVar[tuple[str, ...]]

    @torch.no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        rule = type(self).rule
        for group in self.param_groups:
            hyper = {name: group[name] for name in self.hyperparameters}
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse:
                    raise RuntimeError(f"{type(self).__name__} does not support sparse gradients")
                if torch.is_complex(param):
                    _step_complex(rule, param, param.grad, self.state[param], hyper)
                else:
                    rule(param, param.grad, self.state[param], **hyper)
        return loss


def _step_complex(rule: UpdateRule, param: torch.Tensor, grad: torch.Tensor, state: dict,
                  hyper: dict[str, Any]) -> None:
    """As torch.optim does, treat a complex number as a pair of reals updated on their own
    (so the second moments see Re(g)^2 and Im(g)^2, not the complex g^2): the rule runs on
    real views, and state tensors stay complex, as in torch.optim's state_dict."""
    real = torch.view_as_real(param)
    real_state = {k: torch.view_as_real(v) if torch.is_tensor(v) and v.is_complex() else v
                  for k, v in state.items()}
    rule(real, torch.view_as_real(grad), real_state, **hyper)
    for key, value in real_state.items():
        is_buffer = torch.is_tensor(value) and value.shape == real.shape
        state[key] = torch.view_as_complex(value) if is_buffer else value
