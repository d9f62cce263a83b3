"""The app's pages, each declared once: ``app.py`` navigates over them, the home page links to
them and the ready-made experiments name them, so no path, title or URL is typed twice. Titles,
blurbs and section names come from the catalogues (``pages.<key>.title``, ``sections.<id>``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from playground.ui.i18n import t

# Not "pages": a folder of that name beside app.py makes Streamlit run its legacy folder navigation
# before st.navigation, and that one greets every link to a custom URL with "Page not found".
FOLDER = "app_pages"
# The tab's icon, served by the app itself: a Material icon would be fetched from Google's font CDN.
FAVICON = Path(__file__).parent / "favicon.png"


@dataclass(frozen=True)
class PageSpec:
    key: str               # its key in PAGES and in the catalogues
    script: str            # file name in FOLDER
    icon: str
    section: str           # a key of the catalogues' [sections]
    url_path: str          # "" for the default page, served at the root

    @property
    def title(self) -> str:
        return t(f"pages.{self.key}.title")

    @property
    def blurb(self) -> str:
        """One sentence for the home page."""
        return t(f"pages.{self.key}.blurb")

    @property
    def path(self) -> str:
        """The page script, relative to app.py."""
        return f"{FOLDER}/{self.script}"

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other paths a person may type or paste for this page, each leading to it: the script's
        name ("optimizer_race"), and the path capitalised ("Race") or with "_" for "-"
        ("gradient_health"). Streamlit matches paths exactly and answers any other "Page not found"."""
        if not self.url_path:
            return ()
        stem = self.script.removesuffix(".py")
        typed = (stem, self.url_path.capitalize(), self.url_path.replace("-", "_"), stem.replace("_", "-"))
        return tuple(dict.fromkeys(path for path in typed if path != self.url_path))

    def page(self) -> StreamlitPage:
        if not self.url_path:
            return st.Page(self.path, title=self.title, icon=self.icon, default=True)
        return st.Page(self.path, title=self.title, icon=self.icon, url_path=self.url_path)


PAGES: dict[str, PageSpec] = {spec.key: spec for spec in (
    PageSpec("home", "home.py", ":material/home:", "start", ""),
    PageSpec("race", "optimizer_race.py", ":material/sports_score:", "optimization", "race"),
    PageSpec("lab", "regularization_lab.py", ":material/science:", "generalization", "regularization"),
    PageSpec("runs", "training_runs.py", ":material/rocket_launch:", "generalization", "training"),
    PageSpec("backprop", "backprop_stepper.py", ":material/account_tree:", "gradients", "backprop"),
    PageSpec("health", "gradient_health.py", ":material/monitor_heart:", "gradients", "gradient-health"),
)}


def navigation() -> dict[str, list[StreamlitPage]]:
    """The sidebar's sections, in the order the pages are declared, each page followed by its
    hidden :attr:`~PageSpec.aliases`."""
    sections: dict[str, list[StreamlitPage]] = {}
    for spec in PAGES.values():
        section = sections.setdefault(t(f"sections.{spec.section}"), [])
        section.append(spec.page())
        section += [st.Page(_forward(spec), title=spec.title, url_path=alias, visibility="hidden")
                    for alias in spec.aliases]
    return sections


def _forward(spec: PageSpec) -> Callable[[], None]:
    """An alias's page: on to ``spec``'s, with the link's settings."""
    def forward() -> None:
        st.switch_page(spec.page(), query_params=st.query_params.to_dict())

    forward.__name__ = f"forward_to_{spec.key}"  # Streamlit names a function page after its function
    return forward
