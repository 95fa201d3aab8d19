import pytest

from tangerang_quality.problems import Problem


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


@pytest.mark.parametrize(
    ("message", "hidden", "shown"),
    [
        ("nilai 3671014502900001 bukan bilangan bulat", "3671014502900001", "3671********0001"),
        ("isi: NIK 3671 0145 0290 0001", "0145 0290", "3671********0001"),
        ("telepon 0812-3456-7890 di kolom alamat", "7890", "0812******90"),
        ("kontak budi.santoso@example.go.id", "budi.santoso", "b***@example.go.id"),
    ],
)
def test_messages_never_carry_identifiers(message, hidden, shown):
    problem = Problem("f.csv", 2, "c", message)
    assert hidden not in problem.message
    assert shown in problem.message
    assert hidden not in str(problem) and hidden not in problem.to_dict()["message"]


def test_public_reference_codes_and_small_numbers_stay_readable():
    problem = Problem(
        "f.csv", 3, "kelurahan", "kode 36.71.01.1001 bukan di kecamatan 36.71.02; 1.234"
    )
    assert problem.message == "kode 36.71.01.1001 bukan di kecamatan 36.71.02; 1.234"
