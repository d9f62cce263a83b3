"""Real training runs on image sets: one training function shared by the app and the command line.

``train(RunConfig(...), callback=..., should_stop=...)`` runs on CUDA, MPS or the CPU; the
app runs it in a background worker (``runs.RunQueue``), the command line in the foreground
(``python -m playground.train``).
"""

from playground.train.loop import Progress, RunConfig, RunResult, train

__all__ = ["Progress", "RunResult", "RunConfig", "train"]
