"""The Redis cache backend (config/cache.py): Django's, with one Redis client kept per connection pool."""

from __future__ import annotations

import pytest

from config.cache import RedisCache
from tests.conftest import TEST_REDIS_URL, redis_for_tests

pytestmark = pytest.mark.redis


@pytest.fixture
def backend():
    redis_for_tests()
    cache = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": "maaltavlen-cache-test", "TIMEOUT": 60})
    cache.clear()
    yield cache
    cache.clear()


def test_every_operation_of_the_cache_works_as_djangos(backend):
    backend.set("page", {"body": b"\x1f\x8b", "version": "v1"})
    assert backend.add("page", "other") is False
    assert backend.get("page") == {"body": b"\x1f\x8b", "version": "v1"}
    backend.set_many({"a": 1, "b": 2})
    assert backend.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert backend.incr("a") == 2
    assert backend.touch("b", 5) and backend.has_key("b")
    backend.delete("page")
    assert backend.get("page", "gone") == "gone"
    backend.clear()
    assert backend.get_many(["a", "b"]) == {}


def test_a_redis_client_is_made_once_per_pool_not_for_each_read_and_write(backend, monkeypatch):
    fresh = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": "maaltavlen-cache-test"})
    made = []
    make = fresh._cache._client
    monkeypatch.setattr(fresh._cache, "_client", lambda **kwargs: made.append(kwargs) or make(**kwargs))

    for n in range(20):
        fresh.set(f"key-{n}", n)
        assert fresh.get(f"key-{n}") == n

    assert len(made) == 1
