"""The app's pages, each declared once: ``app.py`` navigates over them, the home page links to
them and the ready-made experiments name them, so no path, title or URL is typed twice."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.navigation.page import StreamlitPage

# Not "pages": a folder of that name beside app.py makes Streamlit run its legacy folder navigation
# before st.navigation, and that one greets every link to a custom URL with "Page not found".
FOLDER = "app_pages"


@dataclass(frozen=True)
class PageSpec:
    script: str            # file name in FOLDER
    title: str
    icon: str
    section: str
    url_path: str          # "" for the default page, served at the root
    blurb: str             # one sentence for the home page

    @property
    def path(self) -> str:
        """The page script, relative to app.py."""
        return f"{FOLDER}/{self.script}"

    def page(self) -> StreamlitPage:
        if not self.url_path:
            return st.Page(self.path, title=self.title, icon=self.icon, default=True)
        return st.Page(self.path, title=self.title, icon=self.icon, url_path=self.url_path)


PAGES: dict[str, PageSpec] = {
    "home": PageSpec("home.py", "Home", ":material/home:", "Start", "",
                     "What the playground is, where to start, and experiments to hand out."),
    "race": PageSpec("optimizer_race.py", "Optimizer race", ":material/sports_score:", "Optimization",
                     "race", "SGD, Momentum, NAG, AdaGrad, RMSprop and Adam across 2-D loss surfaces."),
    "lab": PageSpec("regularization_lab.py", "Regularization lab", ":material/science:",
                    "Generalization", "regularization",
                    "Watch a small network overfit, then fix it with L1/L2, dropout, batchnorm and early "
                    "stopping."),
    "runs": PageSpec("training_runs.py", "Training runs", ":material/rocket_launch:", "Generalization",
                     "training",
                     "Real MNIST, Fashion-MNIST and CIFAR-10 runs, on the GPU when there is one."),
    "backprop": PageSpec("backprop_stepper.py", "Backprop, step by step", ":material/account_tree:",
                         "Gradients", "backprop",
                         "The chain rule with real numbers, node by node, checked against autograd."),
    "health": PageSpec("gradient_health.py", "Gradient health", ":material/monitor_heart:", "Gradients",
                       "gradient-health", "Vanishing and exploding gradients, and what cures them."),
}


def navigation() -> dict[str, list[StreamlitPage]]:
    """The sidebar's sections, in the order the pages are declared."""
    sections: dict[str, list[StreamlitPage]] = {}
    for spec in PAGES.values():
        sections.setdefault(spec.section, []).append(spec.page())
    return sections
