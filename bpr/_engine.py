"""Event loops for :mod:`bpr.simulate`: a lean heap-based loop, and the same API over SimPy.

A simulation needs three things from an event loop: the current time, "call ``f(arg)`` after
``delay``", and resource pools with a first-come, first-served queue. SimPy gives all three,
but its generic events (a class instance, a callback list and a process per request) cost
several microseconds each, and a 10,000-case run of a 50-step process makes about two
million of them. :class:`Loop` keeps only a binary heap of ``(time, sequence, callback,
argument)`` tuples.

:class:`Loop` and :class:`SimpyLoop` schedule events in exactly the same order: events fire by
time, and events at the same time in the order they were scheduled (SimPy's ``eid``). A
:class:`Pool` mirrors ``simpy.Resource`` step by step: a request joins the queue and the head of
the queue is granted at once if a unit is free (the grant fires as an event at the current
time); a release frees the unit at once and schedules an event that grants the next waiting
request. The same simulation therefore gives the same result, bit for bit, on either loop;
``tests/test_simulate.py`` checks it.

Examples
--------
>>> loop = Loop()
>>> desk = loop.pool(1)
>>> seen = []
>>> def served(who):
...     seen.append((loop.now, who))
...     loop.after(2.0, lambda _: desk.release(), None)
>>> for who in ("a", "b"):
...     desk.request(served, who)
>>> loop.run()
>>> seen
[(0.0, 'a'), (2.0, 'b')]
"""

from __future__ import annotations

import bisect
import heapq
import itertools
from collections import deque
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bpr.calendar import BusinessCalendar

__all__ = ["Clock", "Loop", "Pool", "SimpyLoop", "SimpyPool"]

Callback = Callable[[Any], None]


class Loop:
    """A discrete-event loop: a heap of timed callbacks."""

    __slots__ = ("_heap", "_sequence", "now")

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, Callback, Any]] = []
        self._sequence = itertools.count()

    def after(self, delay: float, callback: Callback, arg: Any) -> None:
        """Call ``callback(arg)`` when ``delay`` more time has passed."""
        heapq.heappush(self._heap, (self.now + delay, next(self._sequence), callback, arg))

    def pool(self, capacity: int) -> Pool:
        """A resource pool of ``capacity`` interchangeable units."""
        return Pool(self, capacity)

    def run(self) -> None:
        """Fire events in time order until none is left."""
        heap, pop = self._heap, heapq.heappop
        while heap:
            self.now, _, callback, arg = pop(heap)
            callback(arg)


class Pool:
    """Units that requests hold one at a time, granted first come, first served."""

    __slots__ = ("_loop", "_queue", "capacity", "users")

    def __init__(self, loop: Loop, capacity: int) -> None:
        self._loop = loop
        self._queue: deque[tuple[Callback, Any]] = deque()
        self.capacity = capacity
        self.users = 0

    def request(self, callback: Callback, arg: Any) -> None:
        """Ask for a unit; ``callback(arg)`` fires when it is granted."""
        self._queue.append((callback, arg))
        self._grant(None)

    def release(self) -> None:
        """Give a unit back; the next waiting request gets it in an event at the current time."""
        self.users -= 1
        self._loop.after(0.0, self._grant, None)

    def _grant(self, _: Any) -> None:
        if self._queue and self.users < self.capacity:
            self.users += 1
            callback, arg = self._queue.popleft()
            self._loop.after(0.0, callback, arg)


class SimpyLoop:
    """The :class:`Loop` API on a ``simpy.Environment`` (the reference the lean loop follows)."""

    def __init__(self) -> None:
        import simpy

        self._simpy = simpy
        self._env = simpy.Environment()

    @property
    def now(self) -> float:
        return float(self._env.now)

    def after(self, delay: float, callback: Callback, arg: Any) -> None:
        self._env.timeout(delay).callbacks.append(lambda _event: callback(arg))

    def pool(self, capacity: int) -> SimpyPool:
        return SimpyPool(self._simpy.Resource(self._env, capacity))

    def run(self) -> None:
        self._env.run()


class SimpyPool:
    """The :class:`Pool` API on a ``simpy.Resource``."""

    def __init__(self, resource: Any) -> None:
        self._resource = resource

    def request(self, callback: Callback, arg: Any) -> None:
        self._resource.request().callbacks.append(lambda _event: callback(arg))

    def release(self) -> None:
        # Units are interchangeable: giving back any granted request frees one.
        self._resource.release(self._resource.users[0])


class Clock:
    """The open hours of a business calendar as intervals of simulation time.

    Simulation time is seconds since ``origin``. Intervals are made day by day, as far as the
    simulation reaches; adjacent ones merge, so a calendar with whole working days (``hours``
    ``None``) gives one interval per run of working days.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from bpr.calendar import BusinessCalendar
    >>> cal = BusinessCalendar(hours=("08:00", "14:00"), timezone="UTC")
    >>> clock = Clock(cal, datetime(2024, 1, 4, tzinfo=timezone.utc))  # a Thursday
    >>> clock.open_at(0.0) / 3600  # Thursday 08:00
    8.0
    >>> clock.add(13 * 3600.0, 3 * 3600.0) / 3600  # 13:00 + 3 h: Saturday 10:00 (Friday off)
    58.0
    >>> clock.open_between(0.0, 72 * 3600.0) / 3600
    12.0
    """

    __slots__ = ("_calendar", "_day", "_ends", "_origin", "_starts", "_zone")

    def __init__(self, calendar: BusinessCalendar, origin: datetime) -> None:
        from zoneinfo import ZoneInfo

        self._zone = ZoneInfo(calendar.timezone)
        self._origin = origin
        self._calendar = calendar
        # Start a day early: the origin may fall inside the previous local day's hours.
        self._day = origin.astimezone(self._zone).date() - timedelta(days=1)
        self._starts: list[float] = []
        self._ends: list[float] = []

    def _seconds(self, day: date, offset: timedelta) -> float:
        # Aware datetimes add on the wall clock: midnight plus the offset, in local time.
        local = datetime.combine(day, time(0), tzinfo=self._zone) + offset
        return (local - self._origin).total_seconds()

    def _next_day(self) -> None:
        day = self._day
        self._day = day + timedelta(days=1)
        hours = self._calendar.day_hours(day)
        if hours is None:
            return
        start, end = (self._seconds(day, offset) for offset in hours)
        if self._ends and self._ends[-1] >= start:
            self._ends[-1] = end
        else:
            self._starts.append(start)
            self._ends.append(end)

    def _index(self, t: float) -> int:
        """The first interval that ends after ``t``."""
        while not self._ends or self._ends[-1] <= t:
            self._next_day()
        return bisect.bisect_right(self._ends, t)

    def open_at(self, t: float) -> float:
        """The first open instant at or after ``t``."""
        i = self._index(t)
        return max(t, self._starts[i])

    def add(self, t: float, work: float) -> float:
        """When ``work`` seconds of open time, begun at ``t``, are done."""
        i = self._index(t)
        now = max(t, self._starts[i])
        while work > self._ends[i] - now:
            work -= self._ends[i] - now
            i += 1
            while len(self._starts) <= i:
                self._next_day()
            now = self._starts[i]
        return now + work

    def open_between(self, a: float, b: float) -> float:
        """Open seconds between ``a`` and ``b``."""
        self._index(b)
        return sum(
            max(0.0, min(end, b) - max(start, a))
            for start, end in zip(self._starts, self._ends, strict=True)
        )
