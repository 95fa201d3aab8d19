from __future__ import annotations

import pytest

from tangerang_quality.column_names import (
    figure_or_code_name,
    header_kind,
    is_name_column,
    normalize_header,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        # phone, Indonesian and English, glued and camelCase
        ("telp", "phone"),
        ("no_telp", "phone"),
        ("No. Telp/HP", "phone"),
        ("noTelp", "phone"),
        ("telepon", "phone"),
        ("nomor_telepon", "phone"),
        ("tlp", "phone"),
        ("hp", "phone"),
        ("no_hp", "phone"),
        ("NoHP", "phone"),
        ("nomorhp", "phone"),
        ("handphone", "phone"),
        ("wa", "phone"),
        ("No. WA", "phone"),
        ("whatsapp", "phone"),
        ("WhatsApp", "phone"),
        ("No. WhatsApp", "phone"),
        ("TelePon", "phone"),
        ("HandPhone", "phone"),
        ("kontak", "phone"),
        ("contact_person", "phone"),
        ("phone", "phone"),
        ("phoneNumber", "phone"),
        ("mobile", "phone"),
        ("ponsel", "phone"),
        ("seluler", "phone"),
        ("hp2", "phone"),
        # e-mail
        ("surel", "email"),
        ("email", "email"),
        ("E-mail", "email"),
        ("e_mail", "email"),
        ("alamat_email", "email"),
        # identity numbers
        ("nik", "nik"),
        ("NIK Pelapor", "nik"),
        ("no_ktp", "nik"),
        ("ktp", "nik"),
        ("e-KTP", "nik"),
        ("nomor_induk_kependudukan", "nik"),
        ("nomor_identitas", "nik"),
        ("No. Identitas", "nik"),
        ("kk", "kk"),
        ("no_kk", "kk"),
        ("No. KK", "kk"),
        ("nomor_kartu_keluarga", "kk"),
        ("kartu_keluarga", "kk"),
        ("npwp", "npwp"),
        ("tgl_lahir", "dob"),
        ("Tanggal Lahir", "dob"),
        ("TTL", "dob"),
        ("date_of_birth", "dob"),
    ],
)
def test_names_that_announce_personal_data(name: str, kind: str) -> None:
    assert header_kind(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "jumlah_penduduk",
        "kode_kecamatan",
        "jumlah_kk",  # a count of households
        "persen_ktp_el",
        "status_npwp",
        "kepemilikan_ktp",
        "telp_kantor",  # an office's number is public
        "no_telp_puskesmas",
        "email_dinas",
        "call_center",
        "hotline",
        "tempat_lahir",
        "kk_miskin",
        "nama",
        "mobil",
        "identitas",  # without a number word: may describe
        "status_identitas",
    ],
)
def test_names_that_count_or_describe(name: str) -> None:
    assert header_kind(name) is None


def test_normalize_header() -> None:
    assert normalize_header("No. Telp/HP") == "no_telp_hp"
    assert normalize_header("noTelp") == "no_telp"
    assert normalize_header("nohp") == "no_hp"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("kode_kelurahan", True),
        ("jumlah", True),
        ("anggaran_rp", True),
        ("latitude", True),
        ("tanggal", True),
        ("no", True),  # a row number
        ("bagian_1", False),
        ("nik_awal", False),
        ("no_hp", False),
        ("", False),
    ],
)
def test_figure_or_code_names(name: str, expected: bool) -> None:
    assert figure_or_code_name(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nama", True),
        ("nama_lengkap", True),
        ("Nama Siswa", True),
        ("NAMA_KK", True),
        ("Nama Penerima Bantuan", True),
        ("patient_name", True),
        ("Penerima", True),
        ("nama_sekolah", False),  # names a school, not a person
        ("nama_fasilitas", False),
        ("nama_jalan", False),
        ("jenis", False),
    ],
)
def test_name_columns(name: str, expected: bool) -> None:
    assert is_name_column(name) is expected
