"""The home page's lists: newest first, and "most used" by the catalog's usage counters or,
before any use is counted, by grade."""

from __future__ import annotations

import datetime as dt

import pytest

from ckanext.tangerang import home_datasets

PLUGINS = "tangerang scheming_datasets scheming_organizations activity"
pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _names(datasets):
    return [d["name"] for d in datasets]


def _ago(days: int) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_newest_first_and_only_public_datasets(make_org, make_dataset):
    org = make_org(name="dinkes", title="Dinas Kesehatan")
    for name in ("pertama", "kedua", "ketiga"):
        make_dataset(
            org["id"], name=name, resources=[{"url": "http://x.org/a.csv", "format": "csv"}]
        )
    make_dataset(org["id"], name="rahasia", private=True)

    lists = home_datasets.lists(2)
    assert _names(lists["newest"]) == ["ketiga", "kedua"]
    [first, _] = lists["newest"]
    assert first["organization_title"] == "Dinas Kesehatan"
    assert first["formats"] == ["CSV"]
    assert "rahasia" not in _names(home_datasets.lists(10)["newest"])


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_before_any_use_most_used_means_best_graded_then_most_recently_run(make_org, make_dataset):
    org = make_org()
    make_dataset(org["id"], name="b-baru", quality_grade="B", last_run_at=_ago(0))
    make_dataset(org["id"], name="a-lama", quality_grade="A", last_run_at=_ago(20))
    make_dataset(org["id"], name="tanpa-nilai")
    make_dataset(org["id"], name="a-baru", quality_grade="A", last_run_at=_ago(1))

    lists = home_datasets.lists(10)
    assert lists["basis"] == "quality"
    assert _names(lists["most_used"]) == ["a-baru", "a-lama", "b-baru", "tanpa-nilai"]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_most_used_ranks_by_the_catalogs_own_usage_of_the_last_30_days(make_org, make_dataset):
    from ckanext.tangerang import usage

    org = make_org()
    today = usage.today()
    hits = {  # name -> (downloads, api reads, views, days ago)
        "jarang": (1, 0, 9, 0),
        "sering": (3, 4, 1, 2),
        "lumayan": (2, 0, 0, 29),
        "dulu-sering": (50, 0, 0, 30),  # outside the 30 days
    }
    for name, (downloads, reads, views, ago) in hits.items():
        dataset = make_dataset(org["id"], name=name, quality_grade="A")
        day = today - dt.timedelta(days=ago)
        for kind, count in ((usage.DOWNLOAD, downloads), (usage.API, reads), (usage.VIEW, views)):
            for n in range(count):
                usage.record(kind, dataset["id"], ip=f"10.0.0.{n}", user_agent="Firefox", day=day)
    make_dataset(org["id"], name="tidak-dipakai", quality_grade="A")
    hidden = make_dataset(org["id"], name="rahasia", private=True)
    usage.record(usage.DOWNLOAD, hidden["id"], ip="10.0.0.1", user_agent="Firefox")

    lists = home_datasets.lists(10)
    assert lists["basis"] == "usage"
    assert _names(lists["most_used"]) == ["sering", "lumayan", "jarang"]
    assert [(d["uses"], d["views"]) for d in lists["most_used"]] == [(7, 1), (2, 0), (1, 9)]
    assert _names(home_datasets.lists(2)["most_used"]) == ["sering", "lumayan"]
