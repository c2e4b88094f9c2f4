"""Rate limits for sign-in and the public check-in, counted with `limits` in memory or Redis.

`limits` is the library under Flask-Limiter. We call it directly because Flask-Limiter's
middleware ran on every request of the app, exempt routes included (about 0.1 ms each), to
serve the two limits we have; the busiest route of a launch morning paid it on every POST.
"""

from __future__ import annotations

from functools import lru_cache, wraps

from flask import Flask, abort, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

_EXTENSION = "fieldops.ratelimit"
_SCRIPT = "fieldops.ratelimit.script"

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


def init_app(app: Flask) -> None:
    """Give the app its store: memory:// in one process, redis://... shared by several."""
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions[_EXTENSION] = FixedWindowRateLimiter(storage)
    # Registering only prepares the call (EVALSHA, loading the script on first miss): no I/O.
    app.extensions[_SCRIPT] = (storage.get_connection().register_script(_INCR_EXPIRE_ALL)
                               if isinstance(storage, RedisStorage) else None)


@lru_cache(maxsize=64)
def _parsed(limits: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limits))


def within(*checks: tuple[str, str, str]) -> bool:
    """Count one request under each (scope, key, limits); False if any goes over.

    `limits` reads like "60/minute" or "30 per minute; 300 per hour".
    """
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    strategy = current_app.extensions[_EXTENSION]
    # Count in every window, as a request that is refused by one still happened.
    counted = [(item, scope, key) for scope, key, limits in checks for item in _parsed(limits)]
    script = current_app.extensions[_SCRIPT]
    try:
        if script is not None:
            return _within_redis(script, strategy.storage, counted)
        return all([strategy.hit(item, scope, key) for item, scope, key in counted])
    except Exception:  # noqa: BLE001 - a store that is down must not lock everyone out
        current_app.logger.exception("rate-limit store unreachable; request let through")
        return True


def _within_redis(script, storage: RedisStorage, counted: list) -> bool:
    """Count every window in one round trip, under the same key names as `limits`."""
    counts = script(keys=[storage.prefixed_key(item.key_for(scope, key))
                          for item, scope, key in counted],
                    args=[item.get_expiry() for item, _, _ in counted])
    return all(count <= item.amount for count, (item, _, _) in zip(counts, counted, strict=True))


def enforce(*checks: tuple[str, str, str]) -> None:
    """Stop the request with 429 (the app's own page) when it goes over any limit."""
    if not within(*checks):
        abort(429)


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
