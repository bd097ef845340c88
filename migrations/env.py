"""Alembic environment: runs online against DONDOC_DATABASE_URL or the given URL."""

from alembic import context

import models
from models.db import make_engine

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    from core.settings import get_settings

    return get_settings().database_url


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=models.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
