"""Alembic migrations, and the calls that run them from code."""

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    """An Alembic config for this package's revisions against `url`."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database at `url` up to date."""
    command.upgrade(alembic_config(url), revision)
