"""The UI's layout rules: each page's code in its own package, no page reaching into another's."""

from __future__ import annotations

import ast
from pathlib import Path

import playground
from playground.ui.pages import PAGES

PACKAGE = Path(playground.__file__).parent
PAGE_PACKAGES = ("race", "lab", "runs", "backprop", "health", "home")
SHARED = {"urlstate", "theme", "pages", "knobs", "policy", "format", "budget", "player", "shared", "i18n",
          "header", "share", "a11y", "lessons", "classroom", "escape", "vega"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_a_pages_ui_imports_only_its_own_package_and_the_shared_helpers():
    for name in PAGE_PACKAGES:
        for path in (PACKAGE / "ui" / name).glob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                if parts[:2] == ["playground", "ui"] and len(parts) > 2:
                    assert parts[2] in (name, *SHARED), f"{path.name} of ui/{name} imports {module}"


def test_only_the_ui_package_imports_streamlit():
    for path in PACKAGE.rglob("*.py"):
        if "ui" not in path.relative_to(PACKAGE).parts:
            assert not any(m.split(".")[0] == "streamlit" for m in _imports(path)), path


def test_every_page_script_is_declared_once_and_app_py_types_no_path():
    root = PACKAGE.parent
    scripts = [spec.path for spec in PAGES.values()]
    assert sorted(scripts) == sorted(f"app_pages/{p.name}" for p in (root / "app_pages").glob("*.py"))
    assert len({spec.url_path for spec in PAGES.values()}) == len(PAGES)
    assert "app_pages/" not in (root / "app.py").read_text()


def test_no_pages_folder_beside_app_py():
    """A ``pages/`` folder beside the entry point makes Streamlit run its legacy folder navigation
    before ``st.navigation``; that one knows no custom URL, so every shared link to a page other
    than Home opened under a "Page not found" dialog."""
    assert not (PACKAGE.parent / "pages").exists()
