"""The name a task instance records as its hostname (Airflow's ``[core] hostname_callable``).

Several Celery workers may share one machine (the local stack runs two): each is started with
``$HUB_WORKER_NAME`` equal to its ``--celery-hostname`` (``hub-worker-1@<host>``), so the task
instances and the Airflow UI tell them apart. Without it, the machine's fully qualified name,
as Airflow's default.
"""

from __future__ import annotations

import os
import socket

WORKER_NAME_ENV = "HUB_WORKER_NAME"


def hostname() -> str:
    """``$HUB_WORKER_NAME``, else ``socket.getfqdn()``."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()
