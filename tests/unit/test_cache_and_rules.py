"""The tagged cache's generation guard, puzzle rules and version order, with no database."""

from __future__ import annotations

import pytest

from codincod.actors import Actor
from codincod.cache import TaggedCache
from codincod.clock import ManualClock
from codincod.execution.languages import version_key
from codincod.execution.local import Isolation
from codincod.puzzles import rules


def live_cache() -> TaggedCache[str]:
    cache: TaggedCache[str] = TaggedCache(["channel"])
    cache.enabled = True
    return cache


def test_a_value_read_before_a_change_is_not_stored_after_it() -> None:
    cache = live_cache()
    generation = cache.generation
    cache.invalidate("puzzle:1")  # a change arrives while the value was being built
    cache.put("page", "stale", ["puzzle:1"], generation)
    assert cache.get("page") is None
    cache.put("page", "fresh", ["puzzle:1"], cache.generation)
    assert cache.get("page") == "fresh"


@pytest.mark.parametrize(
    ("changed", "tags", "stored"),
    [
        (["puzzle:2"], ["puzzle:1", "user:a"], True),  # another entry's change: kept
        (["user:a"], ["puzzle:1", "user:a"], False),  # one of its own tags changed
        (["puzzle:2", "puzzle:1"], ["puzzle:1"], False),
        ([], ["lists"], True),
    ],
)
def test_only_a_change_to_its_own_tags_stops_a_build_being_stored(
    changed: list[str], tags: list[str], stored: bool
) -> None:
    cache = live_cache()
    generation = cache.generation
    for tag in changed:
        cache.invalidate(tag)
    cache.put("key", "value", tags, generation)
    assert (cache.get("key") == "value") is stored


def test_a_clear_during_a_build_stops_it_being_stored() -> None:
    cache = live_cache()
    generation = cache.generation
    cache.clear()
    cache.put("key", "value", ["puzzle:9"], generation)
    assert cache.get("key") is None


def test_forgetting_old_changes_stops_the_builds_under_way() -> None:
    cache: TaggedCache[str] = TaggedCache(["channel"], max_entries=2)
    cache.enabled = True
    generation = cache.generation
    for n in range(3):  # more changed tags than the cache remembers
        cache.invalidate(f"user:{n}")
    cache.put("key", "value", ["puzzle:1"], generation)
    assert cache.get("key") is None
    cache.put("key", "value", ["puzzle:1"], cache.generation)
    assert cache.get("key") == "value"


def test_invalidating_a_tag_drops_only_its_entries() -> None:
    cache = live_cache()
    cache.put("a", "A", ["puzzle:1"], cache.generation)
    cache.put("b", "B", ["puzzle:2"], cache.generation)
    cache.invalidate("puzzle:1")
    assert (cache.get("a"), cache.get("b")) == (None, "B")


def test_a_cache_that_lost_its_events_holds_nothing() -> None:
    cache = live_cache()
    cache.put("a", "A", ["t"], cache.generation)
    cache._on_connection(False)
    assert cache.get("a") is None
    cache.put("a", "A", ["t"], cache.generation)
    assert cache.get("a") is None


AUTHOR = Actor("a" * 24, "author", "user")
OTHER = Actor("b" * 24, "other", "user")
MODERATOR = Actor("c" * 24, "mod", "moderator")


@pytest.mark.parametrize(
    ("actor", "visibility", "can_view", "can_delete", "may_change"),
    [
        (AUTHOR, "draft", True, True, True),
        (OTHER, "draft", False, False, True),
        (None, "draft", False, None, None),
        (None, "approved", True, None, None),
        (OTHER, "approved", True, False, False),
        (AUTHOR, "approved", True, False, False),  # approved: the moderators' to change
        (MODERATOR, "approved", True, True, True),
        (MODERATOR, "draft", True, True, True),
    ],
)
def test_puzzle_rules(actor, visibility, can_view, can_delete, may_change) -> None:
    assert rules.can_view(actor, AUTHOR.id, visibility) is can_view
    if actor is not None:
        assert rules.can_delete(actor, AUTHOR.id, visibility) is can_delete
        assert rules.may_change_visibility(actor, visibility) is may_change


def test_only_moderators_approve() -> None:
    assert not rules.may_set_visibility(AUTHOR, "approved")
    assert rules.may_set_visibility(MODERATOR, "approved")


def test_versions_sort_as_numbers() -> None:
    versions = ["3.9.4", "3.10.0", "3.10.0-rc1", "10.2.0", "3.12.1"]
    assert sorted(versions, key=version_key)[-1] == "10.2.0"
    assert version_key("3.10.0") > version_key("3.9.4")


def test_the_sandbox_says_what_it_lacks() -> None:
    plain = Isolation(namespaces=False, own_uid=False)
    assert "not available here" in plain.describe() and "network namespace" in plain.describe()
    assert not plain.layers()["every process of a run killed when it ends"]
    full = Isolation(namespaces=True, own_uid=True)
    assert full.layers()["network namespace (no network)"]
    assert full.describe().startswith("active: inherited descriptors closed")


async def test_concurrent_misses_build_once() -> None:
    import asyncio

    cache = live_cache()
    builds = 0

    async def build() -> tuple[str, list[str]]:
        nonlocal builds
        builds += 1
        await asyncio.sleep(0.01)
        return "page", ["puzzle:1"]

    values = await asyncio.gather(*[cache.get_or_build("k", build) for _ in range(20)])
    assert values == ["page"] * 20 and builds == 1
    assert await cache.get_or_build("k", build) == "page" and builds == 1


async def test_a_private_or_failed_build_decides_nothing_for_the_others() -> None:
    import asyncio

    cache = live_cache()
    calls: list[str] = []

    async def private() -> tuple[str, None]:
        calls.append("private")
        await asyncio.sleep(0.01)
        return "the author's draft", None

    async def public() -> tuple[str, list[str]]:
        calls.append("public")
        return "public view", ["t"]

    async def failing() -> tuple[str, list[str]]:
        await asyncio.sleep(0.01)
        raise LookupError("not yours")

    first, second = await asyncio.gather(
        cache.get_or_build("k", private), cache.get_or_build("k", public)
    )
    assert (first, second) == ("the author's draft", "public view")
    cache.invalidate("t")
    failed, fine = await asyncio.gather(
        cache.get_or_build("k", failing), cache.get_or_build("k", public), return_exceptions=True
    )
    assert isinstance(failed, LookupError) and fine == "public view"


async def test_a_cache_follows_a_bus_once_and_hears_its_events() -> None:
    from codincod.bus import Bus

    bus, cache = Bus(), live_cache()
    cache.attach(bus)
    cache.attach(bus)
    cache.put("a", "A", ["puzzle:1"], cache.generation)
    before = cache.generation
    await bus.publish("channel", "puzzle:1")
    assert cache.get("a") is None and cache.generation == before + 1


def test_entries_age_out_on_the_cache_clock() -> None:
    clock = ManualClock()
    cache: TaggedCache[str] = TaggedCache(["channel"], ttl_seconds=60, clock=clock)
    cache.enabled = True
    cache.put("page", "body", ["puzzle:1"], cache.generation)
    clock.advance(59)
    assert cache.get("page") == "body"
    clock.advance(2)
    assert cache.get("page") is None
