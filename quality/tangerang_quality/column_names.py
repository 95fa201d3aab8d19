"""What a column name says: the personal-data kind it announces, or that it holds figures or codes.

Names are read as tokens: NFKC-folded, camelCase split (`noTelp` -> `no telp`), lower-cased,
cut at every non-alphanumeric character, trailing digits dropped (`hp2` -> `hp`), glued
number words split off (`nohp` -> `no hp`, `phonenumber` -> `phone number`) and neighbours
that spell a kind's word together joined (`WhatsApp` -> `whatsapp`).

`header_kind` (Indonesian and English):

- `nik`: nik, nomor induk kependudukan; ktp / e-ktp with a number word (`no_ktp`) or alone;
  identitas with a number word (`nomor_identitas`);
- `kk`: nkk; kk / kartu keluarga with a number word (`no_kk`) or alone;
- `npwp`: npwp;
- `phone`: hp, handphone, ponsel, telp, telpon, telepon, tlp, tlpn, telephone, phone, mobile,
  seluler, selular, wa, whatsapp, msisdn, kontak, contact; cp with a number word or alone;
- `email`: email, e-mail, surel, mail, surat elektronik;
- `dob`: tgl/tanggal/date + lahir/kelahiran/birth, ttl, dob, birthdate, birthday, lahir alone.

No kind when the name counts or describes rather than identifies: a figure word anywhere
(`jumlah_kk`, `persen_ktp`), a status word (`status_npwp`, `kepemilikan_ktp`), or, for phone
and e-mail, an office word (`telp_kantor`, `email_dinas`, `call_center`): an office's contact
is public, and its values are still scanned (a mobile number in it is still reported).

`figure_or_code_name` says a column holds figures, codes, coordinates or dates (`jumlah`,
`anggaran`, `kode_kecamatan`, `latitude`, `tanggal`): such columns never join a neighbour into
one identifier (`pii.scan_split`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NUMBER_WORDS = frozenset({"no", "nomor", "nomer", "nmr", "num", "number", "nr", "nbr"})
_GLUED_PREFIXES = ("nomor", "nomer", "no")
_GLUED_SUFFIXES = ("number", "num", "no")

_STRONG: dict[str, frozenset[str]] = {
    "nik": frozenset({"nik"}),
    "kk": frozenset({"nkk"}),
    "npwp": frozenset({"npwp"}),
    "phone": frozenset(
        {
            "hp",
            "handphone",
            "ponsel",
            "telp",
            "telpon",
            "telepon",
            "tlp",
            "tlpn",
            "telephone",
            "phone",
            "mobile",
            "seluler",
            "selular",
            "wa",
            "whatsapp",
            "msisdn",
            "kontak",
            "contact",
        }
    ),
    "email": frozenset({"email", "surel", "mail"}),
}
# Announce their kind only with a number word (`no_kk`) or as the whole name (`KK`).
_WEAK: dict[str, frozenset[str]] = {
    "nik": frozenset({"ktp", "ektp"}),
    "kk": frozenset({"kk"}),
    "phone": frozenset({"cp"}),
}
# Announce their kind only with a number word (`nomor_identitas`; `identitas` alone may be a
# description).
_NUMBERED: dict[str, frozenset[str]] = {"nik": frozenset({"identitas"})}
_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "nik": (("nomor", "induk", "kependudukan"), ("e", "ktp")),
    "kk": (("kartu", "keluarga"),),
    "email": (("e", "mail"), ("surat", "elektronik")),
    "dob": (
        ("tgl", "lahir"),
        ("tgl", "lhr"),
        ("tanggal", "lahir"),
        ("tgl", "kelahiran"),
        ("tanggal", "kelahiran"),
        ("date", "of", "birth"),
        ("birth", "date"),
    ),
}
_DOB_TOKENS = frozenset({"ttl", "dob", "birthdate", "birthday", "tgllahir", "tanggallahir"})

_FIGURE_WORDS = frozenset(
    {
        "jumlah",
        "jml",
        "total",
        "banyak",
        "banyaknya",
        "persen",
        "persentase",
        "prosentase",
        "rasio",
        "rata",
        "rerata",
        "count",
        "pct",
        "percent",
        "proporsi",
        "cakupan",
        "capaian",
        "target",
        "realisasi",
        "frekuensi",
    }
)
_STATUS_WORDS = frozenset(
    {
        "status",
        "kepemilikan",
        "punya",
        "memiliki",
        "ada",
        "has",
        "verifikasi",
        "terverifikasi",
        "jenis",
        "tipe",
        "type",
        "kategori",
    }
)
_OFFICE_WORDS = frozenset(
    {
        "kantor",
        "instansi",
        "dinas",
        "opd",
        "puskesmas",
        "sekolah",
        "layanan",
        "pelayanan",
        "pengaduan",
        "call",
        "callcenter",
        "hotline",
        "faks",
        "fax",
        "office",
        "kelurahan",
        "kecamatan",
        "rs",
        "rsud",
        "upt",
        "humas",
        "lembaga",
        "badan",
        "organisasi",
        "sekretariat",
        "posko",
    }
)
# Columns of figures, codes, coordinates or dates.
_FIGURE_OR_CODE = _FIGURE_WORDS | frozenset(
    {
        "kode",
        "kd",
        "code",
        "wilayah",
        "provinsi",
        "kabupaten",
        "kota",
        "kecamatan",
        "kelurahan",
        "desa",
        "rt",
        "rw",
        "penduduk",
        "laki",
        "perempuan",
        "pria",
        "wanita",
        "anggaran",
        "pagu",
        "nilai",
        "harga",
        "biaya",
        "tarif",
        "rp",
        "rupiah",
        "idr",
        "pendapatan",
        "belanja",
        "luas",
        "volume",
        "berat",
        "kapasitas",
        "lat",
        "lon",
        "lng",
        "latitude",
        "longitude",
        "lintang",
        "bujur",
        "koordinat",
        "tahun",
        "year",
        "bulan",
        "month",
        "tanggal",
        "tgl",
        "date",
        "waktu",
        "jam",
        "time",
        "nop",
        "nib",
        "surat",
    }
)
_ROW_NUMBER_WORDS = frozenset({"no", "nomor", "nomer", "urut", "nr"})
_NAME_WORDS = frozenset({"nama", "name", "nm"})
# Who a name column names, after (`nama_siswa`) or before (`patient_name`) the name word.
_PERSON_WORDS = frozenset(
    {
        "lengkap",
        "full",
        "first",
        "last",
        "warga",
        "penduduk",
        "pasien",
        "patient",
        "pelapor",
        "siswa",
        "murid",
        "student",
        "peserta",
        "participant",
        "pemohon",
        "applicant",
        "pendaftar",
        "responden",
        "respondent",
        "penerima",
        "recipient",
        "bantuan",
        "manfaat",
        "ibu",
        "mother",
        "ayah",
        "father",
        "orang",
        "tua",
        "wali",
        "suami",
        "istri",
        "anak",
        "bayi",
        "balita",
        "lansia",
        "kepala",
        "keluarga",
        "kk",
        "pegawai",
        "karyawan",
        "guru",
        "korban",
        "pemilik",
        "owner",
        "pengguna",
        "pribadi",
        "person",
    }
)


# What a name says is looked up several times per column of a scan (the column, its header
# findings, the split check): a cache wider than a hostile CSV's 100,000 columns computes each
# once (at 4096, each pass over such a header missed every time: 70 s in `hub scan`).
NAMES_CACHED = 1 << 17


def normalize_header(name: str) -> str:
    """`No. Telp/HP` -> `no_telp_hp`, `noTelp` -> `no_telp`: tokens joined by `_`."""
    return "_".join(tokens(name))


def tokens(name: str) -> list[str]:
    """The words of a column name (see the module rules)."""
    return list(_tokens(str(name)))


@lru_cache(maxsize=NAMES_CACHED)
def _tokens(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    out: list[str] = []
    for raw in re.split(r"[^a-z0-9]+", text.lower()):
        word = raw.rstrip("0123456789") or raw
        if not word:
            continue
        out.extend(_unglue(word))
    return tuple(_rejoin(out))


def _rejoin(words: list[str]) -> list[str]:
    """Two neighbours that spell a known word together are that word: the camelCase split cut
    `WhatsApp` into `whats app` and `TelePon` into `tele pon`."""
    known = _known_words()
    out: list[str] = []
    for word in words:
        if out and out[-1] + word in known:
            out[-1] += word
        else:
            out.append(word)
    return out


def _unglue(word: str) -> list[str]:
    known = _known_words()
    if word in known:
        return [word]
    for prefix in _GLUED_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and rest in known:
            return [prefix, rest]
    for suffix in _GLUED_SUFFIXES:
        rest = word[: -len(suffix)]
        if word.endswith(suffix) and rest in known:
            return [rest, suffix]
    return [word]


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    return frozenset().union(*_STRONG.values(), *_WEAK.values(), *_NUMBERED.values())


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


@lru_cache(maxsize=NAMES_CACHED)
def header_kind(name: str) -> str | None:
    """The personal-data kind a column name announces (`no_hp` -> `phone`), or None."""
    words = tokens(name)
    if not words or _FIGURE_WORDS.intersection(words) or _STATUS_WORDS.intersection(words):
        return None
    office = bool(_OFFICE_WORDS.intersection(words))
    if (
        any(_has_phrase(words, p) for p in _PHRASES["dob"])
        or _DOB_TOKENS.intersection(words)
        or words == ["lahir"]
    ):
        return "dob"
    numbered = bool(_NUMBER_WORDS.intersection(words)) or len(words) == 1
    for kind in ("nik", "kk", "npwp", "email", "phone"):
        if office and kind in ("phone", "email"):
            continue
        if _STRONG.get(kind, frozenset()).intersection(words):
            return kind
        for phrase in _PHRASES.get(kind, ()):
            if _has_phrase(words, phrase) and (kind != "kk" or numbered or len(words) == 2):
                return kind
        if numbered and _WEAK.get(kind, frozenset()).intersection(words):
            return kind
        if _NUMBER_WORDS.intersection(words) and _NUMBERED.get(kind, frozenset()).intersection(
            words
        ):
            return kind
    return None


@lru_cache(maxsize=NAMES_CACHED)
def is_name_column(name: str) -> bool:
    """A column of people's names: `nama`, or a name word with words for people only
    (`nama_lengkap`, `Nama Siswa`, `NAMA_KK`, `nama_penerima_bantuan`, `full_name`), or
    `penerima` alone. `nama_sekolah` and `nama_jalan` name no one."""
    words = tokens(name)
    if words == ["penerima"]:
        return True
    names = [i for i, w in enumerate(words) if w in _NAME_WORDS]
    if len(names) != 1:
        return False
    return set(words[: names[0]] + words[names[0] + 1 :]) <= _PERSON_WORDS


@lru_cache(maxsize=NAMES_CACHED)
def row_number_name(name: str) -> bool:
    """The name is a row number's only (`no`, `nomor`, `no_urut`)."""
    words = tokens(name)
    return bool(words) and set(words) <= _ROW_NUMBER_WORDS


@lru_cache(maxsize=NAMES_CACHED)
def figure_or_code_name(name: str) -> bool:
    """The name says figures, codes, coordinates or dates (and announces no personal data).

    A row number (`no`, `nomor`, `no_urut`) counts as a figure.
    """
    words = tokens(name)
    if header_kind(name) is not None:
        return False
    return bool(_FIGURE_OR_CODE.intersection(words)) or (
        bool(words) and set(words) <= _ROW_NUMBER_WORDS
    )
