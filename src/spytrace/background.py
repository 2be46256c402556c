"""A function run in a forked process beside the caller's own work, its result sent back.

The scan merges the timeline this way while it runs its checks, and the report packs half of
the timeline while it packs the other half. A fork inherits what the caller has loaded, so
nothing but the result is copied. Where fork is not available the function runs at once.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class Background(Generic[T]):
    def __init__(self, work: Callable[..., T], *args: Any) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        self._result: T | None = None
        if can_fork():
            self._results, sender = multiprocessing.Pipe(duplex=False)
            context = multiprocessing.get_context("fork")
            self._process = context.Process(target=_send, args=(sender, work, args))
            self._process.start()
            sender.close()  # the child's end: its exit then ends the pipe
        else:
            self._result = work(*args)

    def wait(self, what: str) -> T | None:
        """The function's result once it has returned. What it raised is raised here, as if
        it had run in this process; a child that died without a word gives an OSError naming
        `what`."""
        if self._process is None:
            return self._result
        # Received before the join: a result larger than the pipe's buffer would block both.
        try:
            outcome: tuple[bool, Any] | None = self._results.recv()
        except EOFError:  # the child died before sending: its exit code says how
            outcome = None
        finally:
            self._results.close()
        self._process.join()
        if outcome is None or self._process.exitcode != 0:
            raise OSError(f"{what} failed (exit code {self._process.exitcode})")
        returned, value = outcome
        if not returned:
            raise value
        result: T = value
        return result


def _send(sender: Connection, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        outcome = (True, work(*args))
    except Exception as exc:  # raised again in the parent, which says it in one line
        outcome = (False, exc)
    try:
        sender.send(outcome)
    finally:
        sender.close()
