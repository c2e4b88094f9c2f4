"""Rate limits for sign-in and the public check-in, counted with `limits` in memory or Redis.

`limits` is the library under Flask-Limiter. We call it directly because Flask-Limiter's
middleware ran on every request of the app, exempt routes included (about 0.1 ms each), to
serve the two limits we have; the busiest route of a launch morning paid it on every POST.

A Redis that does not answer lets requests through: refused at once, or after a short socket
timeout when it hangs, and then not asked again for a pause (a circuit breaker), so a frozen
Redis costs one slow request per pause and process, not every request. Tested with redis-py 8.1.
"""

from __future__ import annotations

import math
import threading
import time
from functools import lru_cache, wraps

from flask import Flask, Response, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

_EXTENSION = "fieldops.ratelimit"
_SCRIPT = "fieldops.ratelimit.script"
_BREAKER = "fieldops.ratelimit.breaker"

# limits' own fixed-window step (INCRBY, EXPIRE when the key is new) for several keys at once:
# one command, one round trip, atomic, on any Redis version.
_INCR_EXPIRE_ALL = """
local counts = {}
for i, key in ipairs(KEYS) do
  counts[i] = redis.call("incrby", key, 1)
  if counts[i] == 1 then
    redis.call("expire", key, ARGV[i])
  end
end
return counts
"""


class Breaker:
    """Stop asking a store that failed for `pause` seconds; log once per outage, not per request."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.down = False
        self._until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """Return whether to ask the store now; while it is down, one request probes per pause."""
        with self._lock:
            now = time.monotonic()
            if now < self._until:
                return False
            if self.down:
                self._until = now + self.pause  # the others keep passing while this one probes
            return True

    def failed(self, error: Exception) -> None:
        """Open the breaker after a failure; the first failure of an outage is logged."""
        with self._lock:
            self._until = time.monotonic() + self.pause
            first, self.down = not self.down, True
        if first:
            current_app.logger.warning(
                "rate-limit store unreachable (%s: %s); requests let through, asked again every "
                "%s s", type(error).__name__, error, self.pause)

    def succeeded(self) -> None:
        """Close the breaker after an answer; the end of an outage is logged."""
        if self.down:
            with self._lock:
                back, self.down, self._until = self.down, False, 0.0
            if back:
                current_app.logger.warning("rate-limit store answers again; limits counted")


def init_app(app: Flask) -> None:
    """Give the app its store: memory:// in one process, redis://... shared by several."""
    uri = app.config["RATELIMIT_STORAGE_URI"]
    options = {}
    if not uri.startswith("memory"):
        # redis-py waits 5 s or forever by default: a frozen Redis would hold every request.
        timeout = app.config["RATELIMIT_STORE_TIMEOUT"]
        options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    storage = storage_from_string(uri, **options)
    app.extensions[_EXTENSION] = FixedWindowRateLimiter(storage)
    app.extensions[_BREAKER] = Breaker(app.config["RATELIMIT_STORE_PAUSE"])
    # Registering only prepares the call (EVALSHA, loading the script on first miss): no I/O.
    app.extensions[_SCRIPT] = (storage.get_connection().register_script(_INCR_EXPIRE_ALL)
                               if isinstance(storage, RedisStorage) else None)


@lru_cache(maxsize=64)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def wait_over(*checks: tuple[str, str, str]) -> int:
    """Count one request under each (scope, key, limits); return 0 when within every limit,
    else the seconds until the fullest window that went over starts again.

    `limits` reads like "60/minute" or "30 per minute; 300 per hour".
    """
    if not current_app.config["RATELIMIT_ENABLED"]:
        return 0
    breaker = current_app.extensions[_BREAKER]
    if not breaker.allow():
        return 0
    strategy = current_app.extensions[_EXTENSION]
    # Count in every window, as a request that is refused by one still happened.
    counted = [(item, scope, key) for scope, key, limits in checks for item in _parsed(limits)]
    script = current_app.extensions[_SCRIPT]
    try:
        if script is not None:
            over = _over_redis(script, strategy.storage, counted)
        else:
            over = [(item, scope, key) for item, scope, key in counted
                    if not strategy.hit(item, scope, key)]
        wait = max((_reset_in(strategy, *one) for one in over), default=0)
    except Exception as error:  # noqa: BLE001 - a store that is down must not lock everyone out
        breaker.failed(error)
        return 0
    breaker.succeeded()
    return wait


def _over_redis(script, storage: RedisStorage, counted: list) -> list:
    """Count every window in one round trip, under the same key names as `limits`; return
    the windows that went over."""
    counts = script(keys=[storage.prefixed_key(item.key_for(scope, key))
                          for item, scope, key in counted],
                    args=[item.get_expiry() for item, _, _ in counted])
    return [one for count, one in zip(counts, counted, strict=True) if count > one[0].amount]


def _reset_in(strategy: FixedWindowRateLimiter, item: RateLimitItem, scope: str, key: str) -> int:
    """Return the whole seconds until the window starts again (at least 1)."""
    reset_at = strategy.get_window_stats(item, scope, key).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def within(*checks: tuple[str, str, str]) -> bool:
    """Count one request under each (scope, key, limits); False if any goes over."""
    return not wait_over(*checks)


def enforce(*checks: tuple[str, str, str]) -> None:
    """Stop the request with 429 and Retry-After (the app's own page) when it goes over."""
    wait = wait_over(*checks)
    if wait:
        raise TooManyRequests(retry_after=wait)


def per_address(scope: str, limits: str, methods: tuple[str, ...] = ("POST",)):
    """Decorate a view: limit each client address for the given methods."""

    def decorator(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods:
                enforce((scope, request.remote_addr or "", limits))
            return view(*args, **kwargs)

        return limited

    return decorator


def reset() -> None:
    """Forget every count of the current app (tests, or after an incident)."""
    current_app.extensions[_EXTENSION].storage.reset()


def with_retry_after(response: Response, error: Exception) -> Response:
    """Copy a 429's Retry-After onto the page or JSON drawn for it."""
    wait = getattr(error, "retry_after", None)
    if wait:
        response.headers["Retry-After"] = str(wait)
    return response
