import pytest

from tangerang_quality.problems import Problem
from tangerang_quality.texts import SaidError, say


def test_str_names_file_row_and_column_in_indonesian() -> None:
    problem = Problem("fasyankes.csv", 14, "kecamatan", "'Cipondok' bukan nama kecamatan")
    expected = "fasyankes.csv baris 14, kolom kecamatan: 'Cipondok' bukan nama kecamatan"
    assert str(problem) == expected


def test_describe_in_english_names_row_and_column() -> None:
    problem = Problem("a.csv", 3, "jumlah", say("{v} bukan angka", "{v} is not a number", v="'x'"))
    assert problem.describe("en") == "a.csv row 3, column jumlah: 'x' is not a number"
    assert problem.describe("id") == "a.csv baris 3, kolom jumlah: 'x' bukan angka"


def test_str_without_row_or_column() -> None:
    assert str(Problem("a.csv", None, None, "berkas kosong")) == "a.csv: berkas kosong"
    assert str(Problem("a.csv", None, "nik", "PII")) == "a.csv, kolom nik: PII"


def test_a_said_message_is_kept_in_both_languages_and_masked_in_both() -> None:
    inner = say("nilai {v}", "the value {v}", v="3671014502900001")
    problem = Problem("a.csv", 2, "x", say("{what} ditolak", "{what} refused", what=inner))
    assert problem.message == "nilai 3671********0001 ditolak"
    assert problem.message_en == "the value 3671********0001 refused"
    assert problem.text("en") == problem.message_en
    assert Problem.from_dict(problem.to_dict()) == problem


def test_a_said_error_is_english_for_developers_and_keeps_both_texts() -> None:
    error = SaidError(say("bukan angka", "not a number"))
    assert str(error) == "not a number"
    assert error.said.render("id") == "bukan angka"
    assert isinstance(error, ValueError)  # parsers' callers catch ValueError


def test_to_dict_round_trip() -> None:
    problem = Problem("a.csv", 2, "x", "bad", expectation="expect_column_values_to_not_be_null")
    data = problem.to_dict()
    assert data == {
        "file": "a.csv",
        "row": 2,
        "column": "x",
        "expectation": "expect_column_values_to_not_be_null",
        "message": "bad",
        "message_en": "bad",
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
