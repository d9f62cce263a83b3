"""FGSM against a finished run's model: rebuild it from the run's result, measure its accuracy on
perturbed test examples at each budget of the dataset's :func:`~playground.train.adversarial.attack_plan`,
and perturb a few examples to show.

The model is rebuilt exactly as the loop built it (:meth:`RunConfig.network`, then the
run's weights), and its inputs normalised by the loop's own :class:`DeviceData` statistics (the same
training examples, validation split included), so accuracy at ε = 0 is the run's clean accuracy on
the same examples. The work runs on the CPU, in the page's process, within a fixed number of examples.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from playground.datasets.images import ImageSet
from playground.train.adversarial import AttackPlan, Robustness, attack_plan, fgsm, robustness
from playground.train.device_data import DeviceData
from playground.train.evaluate import never
from playground.train.loop import RunResult, held_out

EXAMPLES = 500  # the most test examples attacked
# Fewer for the convolutional nets on larger images, where 500 would take over ~2 s on a 2-core CPU
# busy with a training run (six budgets, a forward and a backward pass each; benchmarks/bench_attack.py:
# the CNN 3–4 ms an example on 28×28, 4–19 on CIFAR-10; the fast CIFAR net 40–105 ms, so a handful).
EXAMPLES_BY_MODEL = {("cnn", "mnist"): 300, ("cnn", "fashion-mnist"): 300, ("cnn", "cifar10"): 100,
                     ("fast", "cifar10"): 16}
SHOWN = 6  # examples drawn original beside perturbed


@dataclass(frozen=True)
class Attack:
    """A run's robustness on its first ``examples`` test examples, and ``indices`` (their place in
    the test set) of the first :data:`SHOWN` of them the model gets right unperturbed (any, if
    none): their values at each ε (``perturbed[0]`` is the original), the model's predictions on
    each, and their true labels."""

    plan: AttackPlan
    curve: Robustness
    examples: int
    indices: tuple[int, ...]
    perturbed: torch.Tensor    # (budgets, shown, C, H, W), the data's units
    predictions: torch.Tensor  # (budgets, shown)
    labels: torch.Tensor       # (shown,)


def trained_model(result: RunResult, data: ImageSet) -> tuple[torch.nn.Module, Callable[[torch.Tensor],
                                                                                    torch.Tensor], ImageSet]:
    """The run's trained network on the CPU in eval mode, the normalisation it was trained with, and
    the data it was tested on (the run's ``max_train`` / ``max_test`` applied)."""
    config = result.config
    data = data.subset(config.max_train, config.max_test)
    model = config.network(data.shape, len(data.classes))
    model.load_state_dict(result.state_dict)
    stats = DeviceData(data, torch.device("cpu"), validation=held_out(config), seed=config.seed)
    return model.eval(), stats.prepare, data


def attack(result: RunResult, data: ImageSet, should_stop: Callable[[], bool] = never) -> Attack:
    """FGSM at each budget of the dataset's plan against the run's model (see the module's note)."""
    model, prepare, data = trained_model(result, data)
    plan = attack_plan(data)
    examples = min(len(data.test_x), EXAMPLES_BY_MODEL.get((result.config.model, data.name), EXAMPLES))
    inputs, labels = data.test_x[:examples].float(), data.test_y[:examples]
    curve = robustness(model, inputs, labels, plan.epsilons, prepare, plan.bounds, should_stop=should_stop)
    with torch.no_grad():
        right = model(prepare(inputs)).argmax(1) == labels
    picked = (right.nonzero().flatten().tolist() or list(range(len(right))))[:SHOWN]
    x, y = inputs[picked], labels[picked]
    perturbed = torch.stack([fgsm(model, x, y, epsilon, prepare, plan.bounds) for epsilon in plan.epsilons])
    with torch.no_grad():
        predictions = torch.stack([model(prepare(batch)).argmax(1) for batch in perturbed])
    return Attack(plan, curve, examples, tuple(picked), perturbed, predictions, y)
