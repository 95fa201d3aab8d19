"""The home page's lists: newest first, and "most used" by views or, without tracking, by grade."""

from __future__ import annotations

import datetime as dt

import pytest
from ckan.lib import search

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
def test_without_tracking_most_used_means_best_graded_then_most_recently_run(
    make_org, make_dataset
):
    org = make_org()
    make_dataset(org["id"], name="b-baru", quality_grade="B", last_run_at=_ago(0))
    make_dataset(org["id"], name="a-lama", quality_grade="A", last_run_at=_ago(20))
    make_dataset(org["id"], name="tanpa-nilai")
    make_dataset(org["id"], name="a-baru", quality_grade="A", last_run_at=_ago(1))

    lists = home_datasets.lists(10)
    assert lists["basis"] == "quality"
    assert _names(lists["most_used"]) == ["a-baru", "a-lama", "b-baru", "tanpa-nilai"]


@pytest.mark.ckan_config("ckan.plugins", PLUGINS + " tracking")
def test_with_tracking_most_used_means_most_viewed_in_14_days(make_org, make_dataset):
    from ckanext.tracking.model import TrackingSummary

    org = make_org()
    views = {"jarang": 2, "sering": 40, "tidak-dilihat": 0, "lumayan": 7}
    for name, count in views.items():
        dataset = make_dataset(org["id"], name=name, quality_grade="A")
        TrackingSummary.create(
            url=f"/dataset/{name}",
            package_id=dataset["id"],
            tracking_type="page",
            count=count,
            running_total=count,
            recent_views=count,
            tracking_date=dt.date.today(),
        )
    search.rebuild()  # views_recent is read when a dataset is indexed

    lists = home_datasets.lists(3)
    assert lists["basis"] == "views"
    assert _names(lists["most_used"]) == ["sering", "lumayan", "jarang"]
    assert [d["views_recent"] for d in lists["most_used"]] == [40, 7, 2]
