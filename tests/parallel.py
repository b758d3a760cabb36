"""The suite on parallel workers (`pytest -n 2`, as `make test` runs it) with every test seeing what it sees alone.

pytest-django runs the tests in rolled-back transactions first, then the transactional ones (each empties every
table afterwards, also the rows that data migrations made, such as the beat schedules), then those without a
test database. xdist's own schedulers hand out whole files in their own order, so a worker could run one file's
rolled-back tests after another file's table-emptying ones, and find the beat schedules gone. This scheduler hands
out pieces of files in pytest-django's order instead, so each worker only ever moves forward through it; the slow
journeys, which use no test database, go first so that they do not finish last on one worker.

Each worker gets its own test database (pytest-django adds "_gw0", "_gw1" …), Redis databases and e2e port
(`for_this_worker` below).
"""

from __future__ import annotations

import os
from collections import OrderedDict

from xdist.scheduler import LoadScopeScheduling

# Slowest first: the end-to-end journeys start `make serve` and pull from the sandbox (no test database).
SLOW_FIRST = ("tests/e2e/",)
REDIS_DATABASES = 16  # Redis' default number of databases


def worker_index() -> int:
    """0 outside xdist and on its first worker ("gw0"), 1 on "gw1" …"""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def redis_url_for_this_worker(url: str) -> str:
    """The Redis URL with its database number counted down by the worker's index (15 → 15, 14 …), wrapping at 0."""
    base, _, number = url.rpartition("/")
    if not number.isdigit():
        return url
    return f"{base}/{(int(number) - worker_index()) % REDIS_DATABASES}"


def port_for_this_worker(port: int) -> int:
    """The port counted up by the worker's index."""
    return port + worker_index()


def pieces_in_order(nodeids: list[str]) -> OrderedDict[str, dict[str, bool]]:
    """Runs of consecutive tests from one file (pytest-django's order kept), slow files' pieces first."""
    pieces: OrderedDict[str, dict[str, bool]] = OrderedDict()
    previous_file, run = None, 0
    for nodeid in nodeids:
        file = nodeid.split("::", 1)[0]
        if file != previous_file:
            previous_file, run = file, run + 1
        pieces.setdefault(f"{file}#{run}", {})[nodeid] = False
    slow = [key for key in pieces if key.startswith(SLOW_FIRST)]
    for key in reversed(slow):
        pieces.move_to_end(key, last=False)
    return pieces


class DatabaseOrderScheduling(LoadScopeScheduling):
    """xdist's scope scheduler whose work units are pieces_in_order (never reordered by size)."""

    def __init__(self, config, log=None) -> None:
        super().__init__(config, log)
        self._piece_of: dict[str, str] = {}

    def _split_scope(self, nodeid: str) -> str:
        return self._piece_of[nodeid]

    def schedule(self) -> None:
        """Queue the pieces once every worker has collected, then start every worker (as the base class)."""
        assert self.collection_is_completed
        if self.collection is not None:
            for node in self.nodes:
                self._reschedule(node)
            return
        if not self._check_nodes_have_same_collection():
            self.log("**Different tests collected, aborting run**")
            return
        self.collection = list(next(iter(self.registered_collections.values())))
        if not self.collection:
            return
        self.workqueue = pieces_in_order(self.collection)
        self._piece_of = {nodeid: piece for piece, unit in self.workqueue.items() for nodeid in unit}
        for _ in range(max(0, len(self.nodes) - len(self.workqueue))):
            unused, _assigned = self.assigned_work.popitem()
            unused.shutdown()
        for node in self.nodes:
            self._assign_work_unit(node)
        for node in self.nodes:
            self._reschedule(node)
        if not self.workqueue:
            for node in self.nodes:
                node.shutdown()
