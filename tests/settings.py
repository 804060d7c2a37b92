"""Settings for the test suite: the portal's one settings module, with DEBUG asked for explicitly.

DEBUG is off unless DJANGO_DEBUG says otherwise; the tests ask for it as `make run` does, so the
local defaults (SQLite, in-process tasks, console email, the development key) apply. A run that
sets DJANGO_DEBUG itself keeps its own value. Subprocesses the tests start inherit it.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from cis_portal.settings import *  # noqa: F403
