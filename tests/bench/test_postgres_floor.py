"""Where the PostgreSQL baselines connect: from the site's ini, never showing the password."""

from __future__ import annotations

from bench.postgres_floor import Database


def test_database_from_ini_keeps_the_password_out_of_sight(tmp_path):
    ini = tmp_path / "site.ini"
    ini.write_text(
        "[app:main]\nckan.datastore.write_url = postgresql://ckan_default:s3cr%40t@127.0.0.1:5433/ds\n"
    )
    db = Database.from_ini(ini)
    assert (db.host, db.port, db.dbname, db.user, db.password) == (
        "127.0.0.1",
        5433,
        "ds",
        "ckan_default",
        "s3cr@t",
    )
    assert "s3cr" not in repr(db) and "s3cr" not in str(db)
    assert db.schema.startswith("hub_bench_") and db.schema != Database.from_ini(ini).schema
