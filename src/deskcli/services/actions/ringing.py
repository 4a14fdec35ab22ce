"""The phone rang before the console was open (``--caller-id``): who it is and what to say.

Runs with the settings and policies only, before the data layer is imported (see
``open_runtime``'s ``glance``), so nothing here may import SQLAlchemy or the models;
``tests/test_phone.py`` checks that.
"""

from __future__ import annotations

from datetime import datetime

from deskcli.config import paths
from deskcli.config.settings import Settings
from deskcli.services.lifecycle import greeting
from deskcli.services.lookup import caller_glance
from deskcli.services.rules.policy import Policies


def first_glance(settings: Settings, policies: Policies, number: str, *, now: datetime) -> str | None:
    """``Inés Llewellyn (Greenway Energy), 02920187073 · say: Good morning, …``; ``None`` without a glance.

    Only on an SQLite file (a server database is opened with the rest of the data layer).
    """
    if settings.database_url:
        return None
    found = caller_glance.glance(paths.sqlite_file(settings.db), number, settings.phone_region)
    if found is None:
        return None
    line = found.describe()
    analyst = settings.analyst
    if analyst is not None:
        words = greeting.render(
            policies.greeting, now, settings.zone(), analyst_name=analyst.name, department=analyst.department,
            organisation=analyst.organisation, template=settings.greeting_template,
        )
        line += f" · say: {words}"
    return line
