"""sources.get_hook: one hook class per contract source type."""

from __future__ import annotations

import pytest

from tangerang_hub.contracts import Source
from tangerang_hub.sources import HOOKS, SourceError, get_hook, hook_class


@pytest.mark.parametrize("source_type", sorted(HOOKS))
def test_every_type_has_an_airflow_style_hook(source_type: str) -> None:
    cls = hook_class(source_type)
    assert cls.source_type == source_type
    assert cls.conn_name_attr == "conn_id" and cls.hook_name and cls.conn_type
    hook = get_hook(Source(source_type, "some_conn", {"x": 1}))
    assert hook.conn_id == "some_conn" and hook.params == {"x": 1}


def test_unknown_type() -> None:
    with pytest.raises(SourceError, match="unknown source type 'ftp'"):
        get_hook(Source("ftp", None, {}))
