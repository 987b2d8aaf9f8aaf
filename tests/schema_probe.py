"""Reads a database's schema into comparable plain data (tables, columns, indexes, keys).

Run as a script it creates the models' schema directly with Tortoise in the database named by
its first argument, for comparison with the migrated one.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys

import asyncpg

# aerich's own; the rate-limit windows are kept by their migration alone, no model reads them
# (server.ratelimit writes them with its own SQL).
IGNORED_TABLES = {"aerich", "rate_windows"}


def sqlite_schema(path: str) -> dict:
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
            if row[0] not in IGNORED_TABLES
        ]
        schema = {}
        for table in sorted(tables):
            columns = {
                (name, kind.upper(), bool(notnull), bool(pk))
                for _, name, kind, notnull, _, pk in connection.execute(
                    f'PRAGMA table_info("{table}")'
                )
            }
            indexes = set()
            for _, name, unique, *_ in connection.execute(f'PRAGMA index_list("{table}")'):
                cols = tuple(r[2] for r in connection.execute(f'PRAGMA index_info("{name}")'))
                indexes.add((bool(unique), cols))
            keys = {
                (row[3], row[2], row[4], row[6])
                for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            schema[table] = {"columns": columns, "indexes": indexes, "foreign_keys": keys}
        return schema
    finally:
        connection.close()


async def postgres_schema(url: str) -> dict:
    connection = await asyncpg.connect(url)
    try:
        schema: dict = {}
        for row in await connection.fetch(
            "SELECT table_name, column_name, data_type, is_nullable, character_maximum_length "
            "FROM information_schema.columns WHERE table_schema = 'public'"
        ):
            if row["table_name"] in IGNORED_TABLES:
                continue
            table = schema.setdefault(
                row["table_name"], {"columns": set(), "indexes": set(), "constraints": set()}
            )
            table["columns"].add(
                (
                    row["column_name"],
                    row["data_type"],
                    row["is_nullable"],
                    row["character_maximum_length"],
                )
            )
        for row in await connection.fetch(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        ):
            if row["tablename"] in schema:
                definition = re.sub(r"INDEX \S+ ON", "INDEX ON", row["indexdef"])
                schema[row["tablename"]]["indexes"].add(definition)
        for row in await connection.fetch(
            "SELECT conrelid::regclass::text AS tablename, pg_get_constraintdef(oid) AS definition "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        ):
            name = row["tablename"].strip('"')
            if name in schema:
                schema[name]["constraints"].add(row["definition"])
        return schema
    finally:
        await connection.close()


async def _generate(url: str) -> None:
    from tortoise import Tortoise

    from codincod.db import MODEL_MODULES

    await Tortoise.init(db_url=url, modules={"models": list(MODEL_MODULES)})
    try:
        await Tortoise.generate_schemas(safe=False)
        from tortoise import connections

        from codincod.moderation.models import EXTRA_SCHEMA

        for statement in EXTRA_SCHEMA:
            await connections.get("default").execute_script(statement)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(_generate(sys.argv[1]))
