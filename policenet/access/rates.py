"""How often: the limits that keep one caller from taking the hub from everyone else.

Token buckets, one per key (a principal, an address), refilled at a steady rate up to a
burst; and a window of failed authentications per address, which shuts the address out for a
while once too many fail. Both live in the hub process: behind several hub processes each
counts its own share (docs/operations.md says so).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.domain.errors import PolicenetError

if TYPE_CHECKING:
    from collections.abc import Callable

# Keys kept at most: the least recently seen go first (an attacker's many addresses cannot
# grow the table without end).
MAX_KEYS = 100_000


class RateLimited(PolicenetError):
    """Too many requests from one caller: answered 429 with when to try again."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class Buckets:
    """A token bucket per key: ``rate`` per second, up to ``burst``."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, cost: float = 1.0) -> int:
        """Take ``cost`` from the key's bucket: 0 if it held enough, else the whole seconds to
        wait before it will (and nothing is taken). A cost above the burst is taken from a
        full bucket (a batch larger than the burst waits for a full bucket, never forever)."""
        if self.rate <= 0:
            return 0
        now = self.clock()
        needed = min(cost, self.burst)
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            self._buckets[key] = bucket
            if len(self._buckets) > MAX_KEYS:
                self._buckets.popitem(last=False)
            if bucket.tokens >= needed:
                bucket.tokens -= needed
                return 0
            return max(1, math.ceil((needed - bucket.tokens) / self.rate))


class FailedAttempts:
    """Failed authentications per address: ``most`` within ``window`` seconds shut the
    address out for ``shut`` seconds."""

    def __init__(
        self,
        most: int,
        window: float,
        shut: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.most = most
        self.window = window
        self.shut = shut
        self.clock = clock
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._shut_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def failed(self, address: str) -> bool:
        """Count a failure; whether it shuts the address out."""
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.pop(address, []) if now - t < self.window]
            recent.append(now)
            self._failures[address] = recent
            if len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)
            if self.most > 0 and len(recent) >= self.most:
                self._shut_until[address] = now + self.shut
                self._failures.pop(address, None)
                return True
            return False

    def shut_for(self, address: str) -> int:
        """Seconds the address is still shut out (0: it is not)."""
        until = self._shut_until.get(address)
        if until is None:
            return 0
        left = until - self.clock()
        if left <= 0:
            with self._lock:
                self._shut_until.pop(address, None)
            return 0
        return max(1, math.ceil(left))


@dataclass(frozen=True, slots=True)
class Rates:
    """The hub's limits: checks per principal and per address, failed authentications per
    address."""

    checks_by_principal: Buckets
    checks_by_address: Buckets
    failures_by_address: FailedAttempts

    def check_allowed(self, principal_id: int, cost: int) -> None:
        """Raise RateLimited unless the principal may ask ``cost`` more checks now."""
        wait = self.checks_by_principal.take(f"principal:{principal_id}", cost)
        if wait:
            raise RateLimited(
                f"Your checks come faster than this hub answers one caller "
                f"({self.checks_by_principal.rate:g} a second, "
                f"{self.checks_by_principal.burst:g} at once): try again in {wait} s, or send "
                "them in smaller batches.",
                wait,
            )
