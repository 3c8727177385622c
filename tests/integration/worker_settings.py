"""Settings for a real worker started by the integration tests: the test settings, but tasks
are not run eagerly inside the worker (so a retry is queued, as in production), and the private
storage may be named by the test (WORKER_MEDIA_ROOT)."""

import os
from pathlib import Path

from tests.settings import *  # noqa: F403
from tests.settings import PRIVATE_MEDIA_ROOT, STORAGES

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False

PRIVATE_MEDIA_ROOT = Path(os.environ.get("WORKER_MEDIA_ROOT", str(PRIVATE_MEDIA_ROOT)))
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
}
