"""tangerang_datastore_load: the uploaded CSV becomes a new typed table, swapped in atomically.

Each test runs the real job on a real (non-forking) CKAN worker against the unit site's
DataStore database.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import psycopg2
import pytest
import sqlalchemy as sa
from ckan import model
from ckan.lib import jobs as ckan_jobs
from ckan.plugins import toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action, call_auth
from ckanext.datastore.backend import postgres as ckan_datastore

from ckanext.tangerang import copy_halves, datastore_load, jobs

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "tangerang scheming_datasets scheming_organizations datastore activity"
    ),
    pytest.mark.usefixtures(
        "with_plugins", "clean_db", "clean_index", "clean_queues", "with_test_worker"
    ),
]

FIELDS = [
    {"id": "kode", "type": "text", "info": {"label": "Kode Faskes", "notes": "Kode Kemenkes"}},
    {"id": "nama", "type": "text", "info": {"label": "Nama", "notes": ""}},
    {"id": "jumlah", "type": "int8", "info": {"label": "Jumlah Tempat Tidur"}},
    {"id": "tanggal", "type": "date", "info": {"label": "Tanggal Registrasi"}},
]
CSV = (
    "kode,nama,jumlah,tanggal\n"
    "0001,Puskesmas Sentosa,12,2024-01-31\n"
    "0002,Dinas Kesehatan Kota,,2023-06-01\n"
    "0003,Klinik Pratama Harapan,4,2022-12-15\n"
)
# Columns in another order than the fields: the header decides what goes where.
RELOAD_CSV = (
    "nama,kode,tanggal,jumlah\n"
    "Puskesmas Sentosa,0001,2024-01-31,14\n"
    "Rumah Sakit Umum,0004,2020-02-02,200\n"
)


@pytest.fixture
def editor() -> dict[str, Any]:
    return factories.UserWithToken()


@pytest.fixture
def resource(editor, make_org, make_dataset, create_with_upload) -> dict[str, Any]:
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = make_dataset(org["id"])
    return create_with_upload(
        CSV, "data.csv", package_id=dataset["id"], format="CSV", context={"user": editor["name"]}
    )


def _upload(create_with_upload, resource: dict[str, Any], content: str) -> None:
    """Replace the resource's file, as the hub's package_revise does."""
    create_with_upload(
        content,
        "data.csv",
        action="resource_patch",
        id=resource["id"],
        context={"user": factories.Sysadmin()["name"]},
    )


def _load(resource_id: str, **data: Any) -> dict[str, Any]:
    """Call the action, run the queued job on a burst worker, return the final status."""
    job = call_action(
        "tangerang_datastore_load",
        resource_id=resource_id,
        **{"fields": FIELDS, "primary_key": ["kode"], **data},
    )
    assert job["status"] == "pending"
    ckan_jobs.Worker(["default"]).work(burst=True)
    return call_action("tangerang_datastore_load_status", id=job["id"])


def _search(resource_id: str, **params: Any) -> dict[str, Any]:
    return call_action("datastore_search", resource_id=resource_id, **params)


def _records(resource_id: str) -> list[dict[str, Any]]:
    result = _search(resource_id, sort="kode", limit=100)
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in result["records"]]


def test_load_makes_a_typed_table_with_its_data_dictionary(resource):
    status = _load(resource["id"])
    assert status["status"] == "complete", status["error"]
    assert status["rows"] == 3
    assert status["indexes"] == "ready"
    assert status["error"] is None
    assert set(status["timings"]) == {
        "queued",
        "setup",
        "copy",
        "full_text",
        "prepare",
        "swap",
        "activate",
        "analyze",
        "indexes",
        "vacuum",
    }
    result = _search(resource["id"], sort="kode")
    assert result["total"] == 3
    fields = {f["id"]: f for f in result["fields"]}
    assert fields["jumlah"]["type"] == "int8"
    assert fields["tanggal"]["type"] == "date"
    assert fields["kode"]["info"] == FIELDS[0]["info"]
    assert result["records"][0]["kode"] == "0001"  # leading zeros kept: text
    assert result["records"][0]["jumlah"] == 12
    assert result["records"][1]["jumlah"] is None
    assert call_action("resource_show", id=resource["id"])["datastore_active"] is True


def test_datastore_info_shows_the_data_dictionary_as_ckan_stores_it(resource):
    _load(resource["id"])
    info = call_action("datastore_info", id=resource["id"])
    fields = {f["id"]: f for f in info["fields"]}
    assert fields["nama"]["info"] == {"label": "Nama", "notes": ""}
    assert fields["kode"]["schema"]["uniquekey"] or fields["kode"]["schema"]["is_index"]


def test_q_finds_rows_through_indonesian_stems(resource):
    _load(resource["id"])
    # "Kesehatan" is stored as the stem "sehat": found by either word, not by English rules.
    by_stem = _search(resource["id"], q="sehat")
    assert [r["kode"] for r in by_stem["records"]] == ["0002"]
    by_word = _search(resource["id"], q="kesehatan")
    assert [r["kode"] for r in by_word["records"]] == ["0002"]


def test_full_text_columns_limit_what_q_finds(resource):
    _load(resource["id"], full_text_columns=["kode"])
    assert _search(resource["id"], q="sehat")["total"] == 0
    assert _search(resource["id"], q="0003")["total"] == 1


def test_reload_replaces_rows_and_total_at_once(resource, create_with_upload):
    _load(resource["id"])
    # A search fills CKAN's row-count cache (_table_stats); the reload must refresh it.
    assert _search(resource["id"])["total"] == 3
    _upload(create_with_upload, resource, RELOAD_CSV)
    status = _load(resource["id"])
    assert status["status"] == "complete", status["error"]
    assert status["rows"] == 2
    assert _search(resource["id"])["total"] == 2
    assert _records(resource["id"]) == [
        {"kode": "0001", "nama": "Puskesmas Sentosa", "jumlah": 14, "tanggal": "2024-01-31"},
        {"kode": "0004", "nama": "Rumah Sakit Umum", "jumlah": 200, "tanggal": "2020-02-02"},
    ]


def test_a_cell_of_the_wrong_type_fails_naming_line_and_column_and_keeps_the_old_table(
    resource, create_with_upload
):
    _load(resource["id"])
    before = _records(resource["id"])
    bad = "kode,nama,jumlah,tanggal\n0001,A,1,2024-01-01\n0002,B,dua belas,2024-01-02\n"
    _upload(create_with_upload, resource, bad)
    status = _load(resource["id"])
    assert status["status"] == "error"
    error = status["error"]
    assert (error["kind"], error["line"], error["column"]) == ("type", 3, "jumlah")
    assert "Line 3, column jumlah" in error["message"]
    assert "dua belas" not in json.dumps(status)  # the cell itself is never repeated
    assert _search(resource["id"])["total"] == 3
    assert _records(resource["id"]) == before


def test_a_repeated_primary_key_fails_and_keeps_the_old_table(resource, create_with_upload):
    _load(resource["id"])
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n7,A,1,\n7,B,2,\n")
    status = _load(resource["id"])
    assert status["error"]["kind"] == "duplicate_key"
    assert status["error"]["columns"] == ["kode"]
    assert _search(resource["id"])["total"] == 3


def test_a_header_that_does_not_match_fails_before_any_sql(resource, create_with_upload):
    _upload(create_with_upload, resource, "kode,nama,jumlah,extra\n1,A,1,x\n")
    status = _load(resource["id"])
    assert status["status"] == "error"
    assert status["error"]["kind"] == "header"
    assert status["error"]["missing"] == ["tanggal"]
    assert status["error"]["unexpected"] == ["extra"]


def test_indexes_carry_ckan_names_so_datastore_create_keeps_them(resource):
    _load(resource["id"])
    rid = resource["id"]
    with ckan_datastore.get_write_engine().connect() as conn:
        names = set(
            conn.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": rid}
            )
            .scalars()
            .all()
        )
        triggers = conn.execute(
            sa.text("SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:t AS regclass)"),
            {"t": f'"{rid}"'},
        ).scalars()
        triggers = set(triggers)
    assert names == {
        f"{rid}_pkey",
        ckan_datastore._generate_index_name(rid, '"kode"'),
        ckan_datastore._generate_index_name(rid, '"_full_text"'),
    }
    assert triggers == {"zfulltext"}
    # CKAN's own datastore_create sees the same key and index: it builds nothing new.
    call_action("datastore_create", resource_id=rid, primary_key=["kode"], force=True)
    with ckan_datastore.get_write_engine().connect() as conn:
        after = conn.execute(
            sa.text("SELECT count(*) FROM pg_indexes WHERE tablename = :t"), {"t": rid}
        ).scalar()
    assert after == len(names)


def test_upserts_after_a_load_get_full_text_in_the_same_configuration(resource):
    _load(resource["id"])
    call_action(
        "datastore_upsert",
        resource_id=resource["id"],
        method="upsert",
        force=True,
        records=[
            {"kode": "0009", "nama": "Posyandu Kesehatan Ibu", "jumlah": 1},
            {"kode": "0001", "nama": "Pusat Kesehatan Masyarakat"},
        ],
    )
    # An inserted row and an updated one (CKAN's upsert leaves _full_text as it was).
    found = _search(resource["id"], q="sehat", sort="kode")
    assert [r["kode"] for r in found["records"]] == ["0001", "0002", "0009"]


def test_ids_number_the_rows_in_the_files_order_and_continue_after_a_load(
    resource, create_with_upload
):
    # Rows out of key order (the table is built in parallel; _id must still be the file's).
    rows = [f"{n:04d},Puskesmas {n},{n},2024-01-31" for n in (7, 3, 9, 1, 5)]
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n" + "\n".join(rows) + "\n")
    assert _load(resource["id"])["status"] == "complete"
    result = _search(resource["id"], sort="_id")
    assert [(r["_id"], r["kode"]) for r in result["records"]] == [
        (1, "0007"),
        (2, "0003"),
        (3, "0009"),
        (4, "0001"),
        (5, "0005"),
    ]
    call_action(
        "datastore_upsert",
        resource_id=resource["id"],
        method="insert",
        force=True,
        records=[{"kode": "0010", "nama": "Klinik Baru", "jumlah": 2}],
    )
    added = _search(resource["id"], filters={"kode": "0010"})["records"]
    assert [r["_id"] for r in added] == [6]  # the sequence continues after the loaded rows


def test_ids_follow_the_file_when_parallel_workers_build_the_table(
    resource, create_with_upload, monkeypatch
):
    """PostgreSQL's workers hand the rows back in no particular order; each row's _id is
    still its place in the file."""
    keys = list(range(20_000))
    random.Random(5).shuffle(keys)
    rows = [f"{k:05d},Puskesmas {k},{k},2024-01-31" for k in keys]
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n" + "\n".join(rows) + "\n")
    connect = datastore_load.connect

    def parallel() -> Any:  # a small table, planned as a big one is
        conn = connect()
        with conn.cursor() as cur:
            cur.execute("SET min_parallel_table_scan_size = 0")
            cur.execute("SET max_parallel_workers_per_gather = 2")
        conn.commit()
        return conn

    monkeypatch.setattr(datastore_load, "connect", parallel)
    assert _load(resource["id"])["status"] == "complete"
    found = _search(resource["id"], sort="_id", fields="_id,kode", limit=len(keys))["records"]
    assert [(r["_id"], r["kode"]) for r in found] == [
        (line, f"{k:05d}") for line, k in enumerate(keys, 1)
    ]
    conn = parallel()
    try:
        with conn.cursor() as cur:
            cur.execute("SET parallel_setup_cost = 0")
            cur.execute("SET parallel_tuple_cost = 0")
            cur.execute(
                "EXPLAIN SELECT \"_id\", to_tsvector('indonesian', nama) FROM {}".format(
                    datastore_load.ckan_identifier(resource["id"])
                )
            )
            plan = "\n".join(line for (line,) in cur.fetchall())
    finally:
        conn.close()
    assert "Gather" in plan  # the load's statement was planned in parallel too


class _RecordingCursor(psycopg2.extensions.cursor):
    """Keeps the text of every statement the load runs."""

    statements: list[str] = []

    def execute(self, query: Any, vars: Any = None) -> Any:
        text = query.as_string(self) if hasattr(query, "as_string") else str(query)
        _RecordingCursor.statements.append(text)
        return super().execute(query, vars)

    def copy_expert(self, sql: str, file: Any, size: int = 8192) -> Any:
        _RecordingCursor.statements.append(sql)
        return super().copy_expert(sql, file, size)


def _recording(connect: Any) -> Any:
    def recording() -> Any:
        conn = connect()
        conn.cursor_factory = _RecordingCursor
        return conn

    _RecordingCursor.statements = []
    return recording


def _full_text_build() -> str:
    [build] = [
        s for s in _RecordingCursor.statements if s.startswith("CREATE TABLE") and " AS " in s
    ]
    return build


@pytest.mark.parametrize("halves", [True, False])
@pytest.mark.parametrize("lookups", [True, False])
def test_few_valued_columns_take_their_full_text_from_a_lookup_with_the_same_result(
    resource, create_with_upload, monkeypatch, lookups, halves
):
    """A column of few values gets its tsvector once per value; each row's _full_text is
    what one to_tsvector over its full-text columns gives, empty and NULL cells included."""
    kinds = ["Puskesmas Kecamatan", "Rumah Sakit Umum", "Klinik Pratama", ""]
    rows = [f"{n:04d},{kinds[n % 4]},{n},2024-01-31" for n in range(1, 41)]
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n" + "\n".join(rows) + "\n")
    if lookups:  # the bounds, lowered to this small file: nama has 4 values, kode 40
        monkeypatch.setattr(datastore_load, "LOOKUP_MIN_ROWS", 40)
        monkeypatch.setattr(datastore_load, "LOOKUP_MAX_DISTINCT", 10)
    if halves:  # the lookups then read both halves
        monkeypatch.setattr(copy_halves, "MIN_BYTES", 0)
    monkeypatch.setattr(datastore_load, "connect", _recording(datastore_load.connect))
    assert _load(resource["id"], full_text_columns=["nama", "kode"])["status"] == "complete"

    joins = _full_text_build().split(" FROM ", 1)[1]
    assert (" LEFT JOIN " in joins) is lookups  # 40 rows are too few by default
    assert ('."nama"' in joins) is lookups
    assert '."kode"' not in joins  # 40 values: more than the bound
    conn = datastore_load.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                'SELECT "_id", "nama" IS NULL, "_full_text"::text,'
                " to_tsvector('indonesian', concat_ws(' ', \"nama\", \"kode\"))::text FROM {}"
                ' ORDER BY "_id"'.format(datastore_load.ckan_identifier(resource["id"]))
            )
            found = cur.fetchall()
    finally:
        conn.close()
    assert len(found) == 40
    assert sum(1 for _, empty, _, _ in found if empty) == 10  # COPY reads ,, as NULL
    assert [(i, got) for i, _, got, _ in found] == [(i, want) for i, _, _, want in found]
    assert [i for i, _, _, _ in found] == list(range(1, 41))
    assert _search(resource["id"], q="pratama")["total"] == 10
    assert _search(resource["id"], q="0004")["total"] == 1


def _datastore_rows(query: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = datastore_load.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall()
    finally:
        conn.close()


def _stage_tables() -> list[str]:
    found = _datastore_rows(r"SELECT relname FROM pg_class WHERE relname LIKE '\_tgc\_%%'")
    return sorted(name for (name,) in found)


def test_a_big_file_is_copied_in_two_halves_and_ids_still_follow_the_file(
    resource, create_with_upload, monkeypatch
):
    """Rows with line breaks and quotes inside quoted cells, on both sides of the middle:
    the second half starts at a line break outside quotes and its _ids continue the first's."""
    keys = list(range(3_000))
    random.Random(7).shuffle(keys)
    names = {k: f'"Klinik ""Sehat""\nBaru {k}"' if k % 7 == 0 else f"Puskesmas {k}" for k in keys}
    rows = [f"{k:05d},{names[k]},{k},2024-01-31" for k in keys]
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n" + "\n".join(rows) + "\n")
    monkeypatch.setattr(copy_halves, "MIN_BYTES", 0)
    monkeypatch.setattr(datastore_load, "connect", _recording(datastore_load.connect))
    assert _load(resource["id"])["status"] == "complete"

    copies = [s for s in _RecordingCursor.statements if s.startswith("COPY ")]
    assert len(copies) == 2  # the second on a connection of its own
    assert {"HEADER true" in c for c in copies} == {True, False}
    found = _search(resource["id"], sort="_id", fields="_id,kode,nama", limit=len(keys))
    expected = [
        (line, f"{k:05d}", f'Klinik "Sehat"\nBaru {k}' if k % 7 == 0 else f"Puskesmas {k}")
        for line, k in enumerate(keys, 1)
    ]
    assert [(r["_id"], r["kode"], r["nama"]) for r in found["records"]] == expected
    assert _stage_tables() == []


@pytest.mark.parametrize("halves", [True, False])
@pytest.mark.parametrize("line", [31, 151])  # in the first half, in the second
def test_a_bad_cell_in_either_half_names_the_files_line_and_leaves_no_stage(
    resource, create_with_upload, monkeypatch, halves, line
):
    _load(resource["id"])
    rows = [f"{n:04d},Puskesmas {n},{n},2024-01-31" for n in range(1, 201)]
    rows[line - 2] = f"{line - 1:04d},Puskesmas,dua belas,2024-01-31"  # after the header
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n" + "\n".join(rows) + "\n")
    if halves:
        monkeypatch.setattr(copy_halves, "MIN_BYTES", 0)
    status = _load(resource["id"])
    assert status["status"] == "error"
    error = status["error"]
    assert (error["kind"], error["line"], error["column"]) == ("type", line, "jumlah")
    assert _search(resource["id"])["total"] == 3  # the old table
    assert _stage_tables() == []


def test_a_second_half_left_by_a_dead_load_is_dropped_by_the_next(resource, create_with_upload):
    rows = [f"{n:04d},Puskesmas {n},{n},2024-01-31" for n in range(1, 101)]
    _upload(create_with_upload, resource, "kode,nama,jumlah,tanggal\n" + "\n".join(rows) + "\n")
    orphan, held = "_tgc_0rphan_2", "_tgc_stillused_2"
    holder = datastore_load.connect()
    try:
        with holder.cursor() as cur:
            cur.execute(f'CREATE UNLOGGED TABLE "{orphan}" (a int)')
            cur.execute(f'CREATE UNLOGGED TABLE "{held}" (a int)')
            cur.execute(
                "SELECT pg_advisory_lock(hashtextextended(%s, 0))", (copy_halves.lock_key(held),)
            )
        holder.commit()
        # A load too small to be split sweeps them too.
        assert _load(resource["id"])["status"] == "complete"
        assert _stage_tables() == [held]  # a load in progress keeps its lock
    finally:
        with holder.cursor() as cur:
            cur.execute(f'DROP TABLE IF EXISTS "{orphan}", "{held}"')
        holder.commit()
        holder.close()


def test_the_new_table_is_analyzed_once_it_is_live(resource):
    """ANALYZE runs after the swap, outside its transaction, but it runs."""
    _load(resource["id"])
    conn = datastore_load.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT attname FROM pg_stats WHERE schemaname = 'public' AND tablename = %s",
                (resource["id"],),
            )
            analyzed = {name for (name,) in cur.fetchall()}
    finally:
        conn.close()
    assert {"_id", "_full_text", "kode", "nama", "jumlah", "tanggal"} <= analyzed


def test_the_new_table_is_vacuumed_once_its_indexes_are_built(resource):
    """Autovacuum finds nothing to do on it, so it holds no lock the next reload waits for.
    (Its count of rows inserted since the VACUUM may still grow by the load's own rows: the
    loader's backend sends its statistics at most once a second.)"""
    _load(resource["id"])
    conn = datastore_load.connect()
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT last_vacuum IS NOT NULL, n_dead_tup"
                " FROM pg_stat_user_tables WHERE relname = %s",
                (resource["id"],),
            )
            vacuumed = cur.fetchone()
    finally:
        conn.close()
    assert vacuumed == (True, 0)


class _SettingAtBuild(psycopg2.extensions.cursor):
    """Records max_parallel_workers_per_gather as each CREATE TABLE … AS starts."""

    seen: list[str] = []

    def execute(self, query: Any, vars: Any = None) -> Any:
        text = query.as_string(self) if hasattr(query, "as_string") else str(query)
        if text.startswith("CREATE TABLE") and " AS SELECT " in text:
            super().execute("SHOW max_parallel_workers_per_gather")
            _SettingAtBuild.seen.append(self.fetchone()[0])
        return super().execute(query, vars)


@pytest.mark.parametrize(("workers", "expected"), [("1", "1"), ("0", "0"), (None, "7")])
def test_the_full_text_pass_takes_the_configured_parallel_workers(
    resource, monkeypatch, ckan_config, workers, expected
):
    monkeypatch.setitem(ckan_config, "ckanext.tangerang.datastore_load_parallel_workers", workers)
    connect = datastore_load.connect

    def recording() -> Any:
        conn = connect()
        conn.cursor_factory = _SettingAtBuild
        with conn.cursor() as cur:  # the session's own value, which unset must leave alone
            cur.execute("SET max_parallel_workers_per_gather = 7")
        conn.commit()
        return conn

    monkeypatch.setattr(datastore_load, "connect", recording)
    _SettingAtBuild.seen = []
    assert _load(resource["id"])["status"] == "complete"
    assert _SettingAtBuild.seen == [expected]


def test_aliases_survive_a_reload(resource, create_with_upload):
    alias = f"faskes-{uuid.uuid4().hex[:8]}"  # the DataStore database outlives clean_db
    _load(resource["id"])
    call_action("datastore_create", resource_id=resource["id"], aliases=[alias], force=True)
    _upload(create_with_upload, resource, RELOAD_CSV)
    assert _load(resource["id"])["status"] == "complete"
    assert call_action("datastore_search", resource_id=alias)["total"] == 2


def test_the_job_payload_is_the_row_id_only(resource):
    job = call_action(
        "tangerang_datastore_load", resource_id=resource["id"], fields=FIELDS, primary_key=["kode"]
    )
    queued = ckan_jobs.get_queue().jobs
    assert [(q.func_name, q.args, q.kwargs) for q in queued] == [
        ("ckanext.tangerang.jobs.load_datastore", [job["id"]], {})
    ]


@pytest.mark.parametrize(
    "data, key",
    [
        ({"fields": []}, "fields"),
        ({"fields": [{"id": "kode", "type": "text; drop table x"}]}, "fields"),
        ({"fields": [{"id": "_id", "type": "text"}]}, "fields"),
        ({"fields": [FIELDS[0], FIELDS[0]]}, "fields"),
        ({"primary_key": ["nomor"]}, "primary_key"),
        ({"full_text_columns": ["alamat"]}, "full_text_columns"),
        ({"text_search_config": "klingon"}, "text_search_config"),
    ],
)
def test_invalid_requests_are_refused_before_any_job(resource, data, key):
    with pytest.raises(tk.ValidationError) as raised:
        call_action(
            "tangerang_datastore_load",
            resource_id=resource["id"],
            **{"fields": FIELDS, **data},
        )
    assert key in raised.value.error_dict
    assert ckan_jobs.get_queue().jobs == []


def test_a_linked_resource_is_refused(editor, make_org, make_dataset):
    org = make_org(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = make_dataset(
        org["id"], resources=[{"url": "http://example.org/data.csv", "format": "CSV"}]
    )
    with pytest.raises(tk.ValidationError) as raised:
        call_action(
            "tangerang_datastore_load", resource_id=dataset["resources"][0]["id"], fields=FIELDS
        )
    assert "resource_id" in raised.value.error_dict


def test_internal_errors_say_only_the_exception_class(resource, monkeypatch):
    url = tk.config.get("ckan.datastore.write_url")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise psycopg2.OperationalError(f"could not connect to {url}")

    monkeypatch.setattr(datastore_load, "load", broken)
    status = _load(resource["id"])
    assert status["status"] == "error"
    assert status["error"]["kind"] == "internal"
    assert status["error"]["exception"] == "OperationalError"
    assert url not in json.dumps(status)
    assert url.split("@")[0].rsplit(":", 1)[1] not in json.dumps(status)  # the password


# --- auth -------------------------------------------------------------------------------


def _allowed(action: str, user: str, **data: Any) -> bool:
    try:
        return call_auth(action, {"user": user, "model": model}, **data)
    except tk.NotAuthorized:
        return False


def test_only_those_who_may_update_the_resource_may_load_and_follow(resource, editor):
    job = call_action(
        "tangerang_datastore_load", resource_id=resource["id"], fields=FIELDS, primary_key=["kode"]
    )
    outsider = factories.User()["name"]
    sysadmin = factories.Sysadmin()["name"]
    for action, data in (
        ("tangerang_datastore_load", {"resource_id": resource["id"]}),
        ("tangerang_datastore_load_status", {"id": job["id"]}),
        ("tangerang_datastore_load_status", {"resource_id": resource["id"]}),
    ):
        allowed = {
            who: _allowed(action, user, **data)
            for who, user in (
                ("anonymous", ""),
                ("outsider", outsider),
                ("editor", editor["name"]),
                ("sysadmin", sysadmin),
            )
        }
        assert allowed == {
            "anonymous": False,
            "outsider": False,
            "editor": True,
            "sysadmin": True,
        }, action


def test_status_over_http_holds_no_secret(app, resource, editor):
    headers = {"Authorization": editor["token"]}
    queued = app.post(
        "/api/3/action/tangerang_datastore_load",
        json={"resource_id": resource["id"], "fields": FIELDS, "primary_key": ["kode"]},
        headers=headers,
        status=200,
    ).json["result"]
    ckan_jobs.Worker(["default"]).work(burst=True)
    status = app.post(
        "/api/3/action/tangerang_datastore_load_status",
        json={"id": queued["id"]},
        headers=headers,
        status=200,
    ).json["result"]
    assert status["status"] == "complete"
    text = json.dumps(status)
    secrets = [
        editor["token"],
        tk.config.get("ckan.datastore.write_url"),
        tk.config.get("ckan.datastore.read_url"),
        tk.config.get("SECRET_KEY"),
    ]
    assert not [s for s in secrets if s and s in text]
    assert not {"token", "api_key", "apikey", "url"} & set(status)
    app.post(
        "/api/3/action/tangerang_datastore_load_status",
        json={"id": queued["id"]},
        status=403,
    )


def test_status_of_an_unknown_load_is_not_found(resource):
    with pytest.raises(tk.ObjectNotFound):
        call_action("tangerang_datastore_load_status", id="nope")
    assert jobs.load_datastore("nope") is None  # a stale queue entry does nothing


def test_access_is_checked_before_validation(resource):
    # A caller the action refuses learns that, and not what the schema thinks of the data.
    bad = {"resource_id": resource["id"], "fields": [{"id": "_x", "type": "nope"}]}
    outsider = factories.User()["name"]
    for user in ("", outsider):
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "tangerang_datastore_load", context={"user": user, "ignore_auth": False}, **bad
            )
    with pytest.raises(tk.ValidationError):
        call_action("tangerang_datastore_load", **bad)
