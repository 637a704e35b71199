"""Work kept in memory by the app process until the data it came from changes.

A page that is costly to work out (the deadline board of 10,000 units, the results of 2,000
candidates) is kept under a key with a *stamp*: a small value read by one cheap query that changes
whenever anything the work depends on changes. The next request reads the stamp again; the same stamp
serves the kept work, another one works it out anew. Each worker process keeps its own copies, so
several workers or hosts need nothing shared: at worst each works a page out once per change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def kept(name: str, key, stamp, work: Callable[[], T], size: int) -> T:
    """work()'s result for `key` while the data is as `stamp` says; at most `size` keys in `name`, the
    oldest going first. current_app.extensions[name] holds them (a test may drop it to start cold)."""
    lock, cache = current_app.extensions.setdefault(name, (threading.Lock(), {}))
    hit = cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = work()
    with lock:  # a threaded server: one writer of the dict at a time
        if key not in cache and len(cache) >= size:
            cache.pop(next(iter(cache)))
        cache[key] = (stamp, value)
    return value
