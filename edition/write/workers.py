"""Work shared among the machine's cores (or a Dask cluster's workers).

`run`: a function, what every call shares, and each call's own arguments; out: the results, in
the order of the calls, computed in the workers of `executors` while it is open (the function and
what is shared sent to them), else in workers forked for them, which have the edition loaded
already (what is shared passed by the fork, never pickled).  `isolated`: an executor of fresh
(spawned) processes, for steps whose memory grows with the book.  `executors`: `concurrent.futures` executors for jobs that need
nothing of this process (the parts' layouts: part_job.py): one per forked local worker, or, given
a Dask scheduler's address (`build.py --dask ADDRESS`), the cluster's.  `build.py --jobs N` bounds the
local workers (default: the machine's cores); with one job everything runs in this process.  No
result depends on the number of jobs or where they ran, and a worker's own calls run in the worker.
"""

from __future__ import annotations

import contextlib
import importlib
import os

_jobs: int | None = None  # None: as many as the machine has cores
_dask: str | None = None  # a Dask scheduler's address: `executor` sends its jobs there
_shared = None  # (function, shared) while `run` runs: what the forked workers inherit
_open: list | None = None  # the executors of `executors()` while it is open: `run` sends its calls there


@contextlib.contextmanager
def limited(jobs: int | None):
    """At most `jobs` workers for what runs inside (None: the cores)."""
    global _jobs
    before, _jobs = _jobs, jobs
    try:
        yield
    finally:
        _jobs = before


@contextlib.contextmanager
def on_dask(address: str | None):
    """The jobs of `executor` sent to the Dask scheduler at `address` for what runs inside."""
    global _dask
    before, _dask = _dask, address
    try:
        yield
    finally:
        _dask = before


@contextlib.contextmanager
def executors(warm=None):
    """Executors for jobs that need nothing of this process: the Dask cluster's, if one is set;
    else one per local worker, each a forked process of its own (a job sent back to the worker
    that ran an earlier one can use what it kept), sent `warm` (a function of nothing) at once, to
    make ready while this process goes on; else (one job) this process.  Inside, `executors()`
    gives the same ones."""
    import concurrent.futures
    import multiprocessing

    global _open
    if _open is not None:
        yield _open
        return
    with contextlib.ExitStack() as stack:
        if _dask is not None:
            from distributed import Client  # the `dask` extra

            client = stack.enter_context(Client(_dask, set_as_default=False))
            _open = [client.get_executor(pure=False)]
        elif jobs() <= 1:
            _open = [_Here()]
        else:
            _open = [stack.enter_context(concurrent.futures.ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("fork"))) for _ in range(jobs())]
            for executor in _open if warm is not None else ():
                executor.submit(warm)
        try:
            yield _open
        finally:
            _open = None


class _Here:
    """An executor that runs each job in this process, when it is submitted."""

    def submit(self, function, *args):
        import concurrent.futures

        future = concurrent.futures.Future()
        try:
            future.set_result(function(*args))
        except Exception as exc:  # as a pool would: raised by result()
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def isolated(*modules: str, nice: int = 0):
    """An executor whose workers (as many as the jobs) are fresh processes, spawned: they hold
    nothing of this process's memory, so that a step whose memory grows with the book (the PDF
    put together, derived and preflighted: pikepdf holds every object of it) does not add to the
    make-up's; with one job, this process.  What they run and are given must be picklable.  All
    of them are started at once, each importing `modules` (what they will run) as it starts: the
    pool would start a worker only when a call found none idle, the second one while the first
    call ran, and that call would wait for it (0.45 s of the screen PDF's writing).  `nice`: how
    much lower their priority is (`os.nice`)."""
    import concurrent.futures
    import multiprocessing

    if jobs() <= 1:
        yield _Here()
        return
    with concurrent.futures.ProcessPoolExecutor(jobs(), mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_imported, initargs=(nice, *modules)) as pool:
        for _ in range(jobs()):  # each call while none is idle starts a worker
            pool.submit(int)
        yield pool


def _imported(nice: int, *modules: str) -> None:
    """In a worker, as it starts: its priority lowered by `nice`, `modules` imported."""
    os.nice(nice)
    for module in modules:
        importlib.import_module(module)


def jobs() -> int:
    return _jobs or os.cpu_count() or 1


def run(function, calls: list[tuple], shared=None) -> list:
    """[function(shared, *call) for call in calls], the calls shared among the workers of
    `executors()` while it is open (warm: WeasyPrint's fonts loaded; `function` and `shared` are
    then sent to them), else among workers forked for them."""
    import concurrent.futures
    import multiprocessing

    global _shared
    count = min(jobs(), len(calls))
    if count <= 1:
        return [function(shared, *call) for call in calls]
    if _open is not None:
        futures = [_open[k % len(_open)].submit(function, shared, *call) for k, call in enumerate(calls)]
        return [future.result() for future in futures]
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
