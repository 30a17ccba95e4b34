"""Processes that run one job at a time and can be killed: how a query is stopped at its limit.

Neither pyoxigraph nor rdflib can cancel a running query, and a thread cannot be killed; a
process can. The pool keeps `size` worker processes; a job that overruns its timeout has its
process killed and replaced while the other processes go on serving. Jobs are module-level
functions and their arguments, so they pickle.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from kg.errors import KgError


class JobTimeout(KgError):
    """A job did not finish within its time limit; its process was killed."""


class PoolBusy(KgError):
    """No worker became free within the time limit."""


class WorkerDied(KgError):
    """A worker process ended while running a job (out of memory, a crash)."""


class _Worker:
    """A `python -m kg.store.workers` process and the two pipes to it.

    A plain subprocess rather than multiprocessing's spawn, which re-imports the parent's
    `__main__` and so breaks in scripts without a main guard.
    """

    def __init__(self) -> None:
        from_parent, to_child = os.pipe()
        from_child, to_parent = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.store.workers", str(from_parent), str(to_parent)],
            pass_fds=(from_parent, to_parent), stdin=subprocess.DEVNULL)
        os.close(from_parent)
        os.close(to_parent)
        self.requests = Connection(to_child, readable=False)
        self.answers = Connection(from_child, writable=False)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(5)
        self.requests.close()
        self.answers.close()


class WorkerPool:
    """`size` worker processes; `run` hands a job to a free one and waits at most `timeout`."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise KgError(f"a worker pool needs at least one process, not {size}")
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self.size = size
        for _ in range(size):
            self._idle.put(_Worker())

    def run(self, job: Callable[..., Any], args: tuple[Any, ...], timeout: float | None) -> Any:
        """The job's return value; its exception is raised here as it was raised there."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query workers stayed busy for {timeout:g} s; "
                           "retry later") from None
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
        try:
            worker.requests.send((job, args))
            if not worker.answers.poll(left):
                worker = self._replace(worker)
                raise JobTimeout(f"stopped after {timeout:g} s (the time limit)")
            done, value = worker.answers.recv()
        except (EOFError, OSError, BrokenPipeError):
            worker = self._replace(worker)
            raise WorkerDied("the query's worker process ended unexpectedly (out of memory?)"
                             ) from None
        finally:
            self._idle.put(worker)
        if not done:
            raise value
        return value

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        return _Worker()

    def close(self) -> None:
        """Stop every worker (idle ones at once; busy ones are daemons and end with us)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


def serve(requests: Connection, answers: Connection) -> None:
    """A worker's loop: run each job received, send back (True, value) or (False, error)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    while True:
        try:
            job, args = requests.recv()
        except (EOFError, OSError):
            return
        try:
            result = (True, job(*args))
        except Exception as error:  # any failure travels back to the caller
            result = (False, error)
        try:
            answers.send(result)
        except Exception as error:  # an answer or error that does not pickle
            answers.send((False, KgError(f"the worker could not send its answer: {error}")))


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]),
                                                                     readable=False))
