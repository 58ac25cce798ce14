"""Work shared among the machine's cores, in forked workers that have the edition loaded already.

In: a function, what every call shares (passed by the fork, never pickled), and each call's own
arguments.  Out: the results, in the order of the calls.  `build.py --jobs N` bounds the workers
(default: the machine's cores); with one job, or one call, everything runs in this process.  No
result depends on the number of jobs, and a worker's own calls to `run` run in the worker.
"""

from __future__ import annotations

import contextlib
import os

_jobs: int | None = None  # None: as many as the machine has cores
_shared = None  # (function, shared) while `run` runs: what the forked workers inherit


@contextlib.contextmanager
def limited(jobs: int | None):
    """At most `jobs` workers for what runs inside (None: the cores)."""
    global _jobs
    before, _jobs = _jobs, jobs
    try:
        yield
    finally:
        _jobs = before


def jobs() -> int:
    return _jobs or os.cpu_count() or 1


def run(function, calls: list[tuple], shared=None) -> list:
    """[function(shared, *call) for call in calls], the calls shared among forked workers."""
    import concurrent.futures
    import multiprocessing

    global _shared
    count = min(jobs(), len(calls))
    if count <= 1:
        return [function(shared, *call) for call in calls]
    _shared = (function, shared)
    try:
        with concurrent.futures.ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_call, calls))
    finally:
        _shared = None


def _call(call: tuple):
    """In a worker: one call, and none of its own in parallel."""
    global _jobs
    _jobs = 1
    function, shared = _shared
    return function(shared, *call)
