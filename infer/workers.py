"""Worker processes, the same way for tagging a corpus and for soft-labelling one: a CPU pool,
or the processes of `accelerate launch`."""

from __future__ import annotations

import os


def launched_state(cpu: bool):
    """accelerate's state where this is one of several processes of `accelerate launch` or
    torchrun, else None. ``cpu``: the processes run on the CPU."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return None
    from accelerate import PartialState

    # without cpu=True, processes on the CPU would not join one group: each would think itself alone
    return PartialState(cpu=cpu)


def worker_pool(workers: int, initializer, initargs):
    """A pool of fresh interpreters (spawn: no torch threads inherited from a fork)."""
    import multiprocessing as mp

    return mp.get_context("spawn").Pool(workers, initializer=initializer, initargs=initargs)


def start_worker(threads: int) -> None:
    """In a worker, first: end with the parent, leave Ctrl-C to it, use ``threads`` torch threads."""
    import torch

    _die_with_parent()
    torch.set_num_threads(threads)


def _die_with_parent() -> None:
    """A worker whose parent is killed ends at once, quietly (no BrokenPipeError tracebacks on the way down)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent was already gone
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the pool
