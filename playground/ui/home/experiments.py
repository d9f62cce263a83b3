"""Ready-made experiments: one link each, for an instructor to hand out or a student to start from.

Each is a page and the query string that sets it up, exactly what the page itself would write
into the address bar, plus a title and one sentence on what to look for, from the catalogues
(``experiments.<key>.title`` and ``.look_for``). The tests open every link and check that the page
accepts all of it, and that what it says to look for is what the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.ui.i18n import t


@dataclass(frozen=True)
class Experiment:
    key: str           # its key in the catalogues
    page: str          # a key of playground.ui.pages.PAGES
    query: dict[str, str]

    @property
    def title(self) -> str:
        return t(f"experiments.{self.key}.title")

    @property
    def look_for(self) -> str:
        return t(f"experiments.{self.key}.look_for")


EXPERIMENTS = (
    Experiment("ravine_momentum", "race", {"surface": "rotated_ravine", "methods": "SGD,Momentum,NAG"}),
    Experiment("rotated_adaptive", "race",
               {"surface": "rotated_ravine", "methods": "SGD,AdaGrad,RMSprop,Adam"}),
    Experiment("basins", "race", {"surface": "himmelblau", "methods": "SGD,Momentum,Adam", "tab": "Basins"}),
    Experiment("l1_zeros", "lab", {"l1": "true", "compare": "true"}),
    Experiment("early_stopping", "lab", {"es": "true", "compare": "true"}),
    Experiment("dropout_gap", "lab", {"dropout": "true", "compare": "true"}),
    Experiment("planted_bug", "backprop", {"net": "mlp", "bug": "activation"}),
    Experiment("vanishing", "health", {}),
    Experiment("he_cure", "health", {"act": "relu", "init": "he", "lr": "0.01"}),
)
