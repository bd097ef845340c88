"""What the flows read at their edge, and only they: the settings and the engine they name.

Everything below the flows (workflows/<domain>, notifications, models) is handed these values
as parameters (DESIGN.md "Time"; docs/architecture.md).
"""

from sqlalchemy import Engine

from core.settings import Settings, get_settings
from models.db import engine_for


def settings() -> Settings:
    """The process's settings (DONDOC_* environment variables)."""
    return get_settings()


def engine() -> Engine:
    """The engine of DONDOC_DATABASE_URL, one per process."""
    return engine_for(get_settings().database_url)
