"""The Training runs page's words for the class names of the bundled datasets."""

from __future__ import annotations

import re

from playground.datasets.images import CIFAR_CLASSES, FASHION_CLASSES
from playground.ui.i18n import t

#: The class names of the bundled datasets, each with its ``runs.classes`` entry.
CLASSES = {name: re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
           for name in (*CIFAR_CLASSES, *FASHION_CLASSES)}


def class_name(name: str) -> str:
    """A class of the bundled datasets in the page's language (digits, and names a dataset's own
    files give that are not the usual ones, stay as they are)."""
    return t(f"runs.classes.{CLASSES[name]}") if name in CLASSES else name
