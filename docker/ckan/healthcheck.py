"""Docker healthcheck of the CKAN image: `healthcheck.py web` or `healthcheck.py worker`.

web:    CKAN answers `status_show` on its own port.
worker: an RQ worker of this container (same hostname) is registered in Redis,
        i.e. `ckan jobs worker` started and keeps its heartbeat.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.request


def web() -> bool:
    url = f"http://127.0.0.1:{os.environ.get('CKAN_PORT', '5000')}/api/3/action/status_show"
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status == 200 and json.load(response).get("success") is True


def worker() -> bool:
    import redis  # CKAN's own dependency

    client = redis.Redis.from_url(os.environ.get("CKAN_REDIS_URL", "redis://redis:6379/0"))
    me = socket.gethostname()
    for key in client.smembers("rq:workers"):
        name = key.decode()
        if not name.startswith("rq:worker:"):
            name = f"rq:worker:{name}"
        if (client.hget(name, "hostname") or b"").decode() == me:
            return True
    return False


if __name__ == "__main__":
    check = {"web": web, "worker": worker}[sys.argv[1] if len(sys.argv) > 1 else "web"]
    try:
        sys.exit(0 if check() else 1)
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        print(f"unhealthy: {exc}", file=sys.stderr)
        sys.exit(1)
