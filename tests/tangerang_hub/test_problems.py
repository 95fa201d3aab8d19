from tangerang_hub.problems import Problem


def test_str_names_file_row_and_column() -> None:
    problem = Problem("fasyankes.csv", 14, "kecamatan", "'Cipondok' is not a kecamatan name")
    assert (
        str(problem) == "fasyankes.csv row 14, column kecamatan: 'Cipondok' is not a kecamatan name"
    )


def test_str_without_row_or_column() -> None:
    assert str(Problem("a.csv", None, None, "empty file")) == "a.csv: empty file"
    assert str(Problem("a.csv", None, "nik", "PII")) == "a.csv, column nik: PII"


def test_to_dict_round_trip() -> None:
    problem = Problem("a.csv", 2, "x", "bad", expectation="expect_column_values_to_not_be_null")
    data = problem.to_dict()
    assert data == {
        "file": "a.csv",
        "row": 2,
        "column": "x",
        "expectation": "expect_column_values_to_not_be_null",
        "message": "bad",
    }
    assert Problem.from_dict(data) == problem


def test_is_frozen_and_hashable() -> None:
    problem = Problem("a.csv", 2, "x", "bad")
    assert len({problem, Problem("a.csv", 2, "x", "bad")}) == 1
