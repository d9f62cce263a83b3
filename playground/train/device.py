"""Which device trains: CUDA, then Apple's MPS, then the CPU, unless the user names one."""

from __future__ import annotations

import gc

import torch

from playground.i18n import Said, said

CHOICES = ("auto", "cuda", "mps", "cpu")


def _mps_available() -> bool:
    return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


def available() -> list[str]:
    """The device names this machine can train on, best first ("auto" picks the first)."""
    found = ["cuda"] if torch.cuda.is_available() else []
    found += ["mps"] if _mps_available() else []
    return [*found, "cpu"]


def pick_device(preference: str = "auto") -> torch.device:
    """``"auto"`` is the best available device; a named one must exist here (ValueError if not)."""
    if preference not in CHOICES:
        raise ValueError(f"unknown device {preference!r}; choose from {', '.join(CHOICES)}")
    names = available()
    if preference == "auto":
        return torch.device(names[0])
    if preference not in names:
        raise ValueError(f"this machine has no {preference.upper()} device; available: {', '.join(names)}")
    return torch.device(preference)


def amp_dtype(device: torch.device) -> torch.dtype | None:
    """The autocast dtype of mixed precision on ``device``: bfloat16 where the GPU has it (its
    range is float32's, so no loss scaling), float16 on older CUDA GPUs (the loop then scales the
    loss so small gradients do not underflow), None off CUDA (full float32)."""
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def describe(device: torch.device) -> Said:
    """A human name: the GPU's model, or the CPU with its thread count."""
    if device.type == "cuda":
        return said("runs.messages.cuda", name=torch.cuda.get_device_name(device))
    if device.type == "mps":
        return said("runs.messages.mps")
    threads = torch.get_num_threads()
    return said("runs.messages.cpu", threads=threads) if threads > 1 else said("runs.messages.cpu_one")


def release_memory(device: torch.device) -> None:
    """Return cached allocator blocks after a failed run (e.g. out of memory)."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    elif device.type == "mps":
        torch.mps.empty_cache()
