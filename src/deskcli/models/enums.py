"""The call's vocabularies, re-exported for the data layer.

They live in :mod:`deskcli.core.enums` so the UI can import them without loading
SQLModel before the first frame.
"""

from deskcli.core.enums import *  # noqa: F403
from deskcli.core.enums import OPEN_STATUSES  # noqa: F401
