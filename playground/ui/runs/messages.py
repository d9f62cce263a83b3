"""The Training runs page's words for what the pure modules report in English: a run's ending, the
server's caps and refusals, a damaged dataset file, a device's name, a class's name.

Those modules (``playground.train``, ``playground.datasets``) stay language-free: they write one
English sentence. Here each sentence they can write is a catalogue entry under ``runs.messages``
whose English text *is* the pattern: its ``{fields}`` match any text, so the English entry reads
exactly as the module wrote it, and the page's language gets the same fields in its own words. A
field that is itself a known sentence (where a stop landed, a device) is translated too; a
sentence no entry matches (an exception's own words) is shown as it is.
"""

from __future__ import annotations

import functools
import re

from playground.datasets.images import CIFAR_CLASSES, FASHION_CLASSES
from playground.ui.i18n import catalogue, t

#: The ``runs.messages`` entries, most specific first (the first whose pattern matches wins).
MESSAGES = (
    # a run's ending (playground.train.loop, .executor, .ray_engine)
    "finished_one", "finished_one_untested", "finished", "finished_untested", "early_stopped",
    "stopped", "stopped_before", "stopped_forced", "diverged", "diverged_clipped", "out_of_memory",
    "process_died", "ray_died", "run_failed",
    # where a stop landed (playground.train.loop, .evaluate)
    "during_training", "during_evaluation", "moving_data", "whitening",
    # the server's caps and refusals (playground.train.runs, RunConfig.validate)
    "hosted_epochs", "hosted_images", "session_full", "server_busy", "fast_needs_large",
    # a device as playground.train.device.describe names it
    "cpu_one", "cpu", "mps", "cuda",
    # a damaged dataset file (playground.datasets.images)
    "idx_short", "idx_magic_labels", "idx_magic_images", "idx_header", "idx_truncated", "idx_trailing",
    "idx_size", "idx_empty", "idx_count", "cifar_empty", "cifar_records", "class_names", "label_range",
    "gzip", "unreadable",
)
#: The class names of the bundled datasets, each with its ``runs.classes`` entry.
CLASSES = {name: re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
           for name in (*CIFAR_CLASSES, *FASHION_CLASSES)}
_FIELD = re.compile(r"\{(\w+)\}")


@functools.cache
def _pattern(key: str) -> re.Pattern[str]:
    """The English text of ``runs.messages.<key>`` as a pattern: literal text, each field any text."""
    parts = _FIELD.split(catalogue("en")[f"runs.messages.{key}"])
    # split alternates literal text and field names: text, name, text, name, ..., text
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                              for i, part in enumerate(parts)), re.DOTALL)


def translate(message: str) -> str:
    """``message``, an English sentence a pure module wrote, in the page's language."""
    for key in MESSAGES:
        match = _pattern(key).fullmatch(message)
        if match:
            fields = {name: translate(value) for name, value in match.groupdict().items()}
            return t(f"runs.messages.{key}", **fields)
    return message


def class_name(name: str) -> str:
    """A class of the bundled datasets in the page's language (digits, and names a dataset's own
    files give that are not the usual ones, stay as they are)."""
    return t(f"runs.classes.{CLASSES[name]}") if name in CLASSES else name
