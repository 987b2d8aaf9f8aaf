"""Group commit: what comes during a write goes in the next one, in order, and one bad item
spoils no other."""

from __future__ import annotations

import asyncio

import pytest

from codincod.grouping import Grouped


async def test_items_that_wait_go_together_in_order() -> None:
    groups: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        groups.append(items)
        await gate.wait()
        return [item * 10 for item in items]

    grouped: Grouped[int, int] = Grouped(write)
    first = asyncio.create_task(grouped.send(1))
    await asyncio.sleep(0)  # the first write is under way
    rest = [asyncio.create_task(grouped.send(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    gate.set()
    assert await first == 10 and [await task for task in rest] == [20, 30, 40]
    assert groups == [[1], [2, 3, 4]]


async def test_a_failing_item_is_retried_alone_and_fails_alone() -> None:
    async def write(items: list[int]) -> list[int]:
        if 13 in items:
            raise ValueError("unlucky")
        return items

    grouped: Grouped[int, int] = Grouped(write)
    tasks = [asyncio.create_task(grouped.send(n)) for n in (12, 13, 14)]
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == 12 and results[2] == 14
    assert isinstance(results[1], ValueError)


async def test_groups_are_bounded() -> None:
    sizes: list[int] = []

    async def write(items: list[int]) -> list[int]:
        sizes.append(len(items))
        await asyncio.sleep(0)
        return items

    grouped: Grouped[int, int] = Grouped(write, most=3)
    await asyncio.gather(*(grouped.send(n) for n in range(8)))
    assert max(sizes) <= 3 and sum(sizes) == 8


@pytest.mark.parametrize("count", [1, 50])
async def test_a_sender_that_goes_away_leaves_the_others_served(count: int) -> None:
    async def write(items: list[int]) -> list[int]:
        await asyncio.sleep(0.01)
        return items

    grouped: Grouped[int, int] = Grouped(write)
    leaving = asyncio.create_task(grouped.send(-1))
    staying = [asyncio.create_task(grouped.send(n)) for n in range(count)]
    await asyncio.sleep(0)
    leaving.cancel()
    assert [await task for task in staying] == list(range(count))
