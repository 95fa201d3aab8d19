"""A request that failed gives its database session back, however it failed.

CKAN removes its scoped session in an ``after_request`` handler, which Flask skips when the
error page of a failed request fails too. A commit cut off by PostgreSQL going away (a
restart) is such a failure: the session then keeps its failed transaction and every later
request of that worker process answers 500 (``PendingRollbackError``) until the process is
restarted. ``release`` runs as a ``teardown_request`` handler, which Flask always calls.

Only a request that ended in an exception is touched: background jobs push and pop request
contexts of their own while their session still holds objects they are about to commit.
"""

from __future__ import annotations

import logging

import ckan.model as model
import sqlalchemy.exc

log = logging.getLogger(__name__)


def release(error: BaseException | None = None) -> None:
    """After a request that raised `error`, remove its session; one that cannot even roll
    back is dropped unclosed (its connection died with the database), so the next request
    starts a new one."""
    if error is None:
        return  # a request that ended well: CKAN's after_request removed its session
    try:
        model.Session.remove()
    except sqlalchemy.exc.SQLAlchemyError:
        log.warning("database session could not be closed; dropped", exc_info=True)
        model.Session.registry.clear()
