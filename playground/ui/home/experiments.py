"""Ready-made experiments: one link each, for an instructor to hand out or a student to start from.

Each is a page and the query string that sets it up, exactly what the page itself would write
into the address bar, plus one sentence on what to look for. The tests open every link and
check that the page accepts all of it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Experiment:
    page: str          # a key of playground.ui.pages.PAGES
    title: str
    look_for: str
    query: dict[str, str]


EXPERIMENTS = (
    Experiment("race", "Momentum swings, Nesterov brakes",
               "In a diagonal ravine plain SGD crawls; Momentum zig-zags across the valley; NAG's "
               "look-ahead damps the zig-zag.", {"surface": "rotated_ravine", "methods": "SGD,Momentum,NAG"}),
    Experiment("race", "Per-coordinate steps need the axes",
               "Here AdaGrad, RMSprop and Adam end behind plain SGD; switch to the axis-aligned ravine and "
               "they win: their step sizes are per coordinate.",
               {"surface": "rotated_ravine", "methods": "SGD,AdaGrad,RMSprop,Adam"}),
    Experiment("race", "Which minimum do you reach?",
               "The Basins tab colours every start by the minimum each method ends in: Momentum carries "
               "about one start in six into a different basin than plain SGD.",
               {"surface": "himmelblau", "methods": "SGD,Momentum,Adam", "tab": "Basins"}),
    Experiment("lab", "L1 makes weights exactly zero",
               "Compare the 'exact zeros' column of the weight tables: L1's proximal step zeroes weights, "
               "the unregularized run keeps them all.", {"l1": "true", "compare": "true"}),
    Experiment("lab", "Early stopping keeps the best epoch",
               "The validation loss turns up while the training loss keeps falling; early stopping ends "
               "the run and restores the network from the best epoch.", {"es": "true", "compare": "true"}),
    Experiment("lab", "Dropout closes the generalization gap",
               "The shaded gap between training and validation loss shrinks when half the hidden units "
               "are dropped at random during training.", {"dropout": "true", "compare": "true"}),
    Experiment("backprop", "Find the planted bug",
               "The hand-written backward pass forgets ReLU's derivative: gradient checking says which "
               "parameters are wrong.", {"net": "mlp", "bug": "activation"}),
    Experiment("health", "The vanishing gradient",
               "Twenty sigmoid layers: the first layer's gradient is a tiny fraction of the last one's.", {}),
    Experiment("health", "ReLU and He initialization cure it",
               "The same depth with ReLU and He init: every layer's gradient stays within a small factor.",
               {"act": "relu", "init": "he", "lr": "0.01"}),
)
