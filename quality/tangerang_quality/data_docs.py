"""One self-contained HTML page of a run's GX Data Docs, safe to serve from the catalog.

`run_gate(..., data_docs_dir=d)` lets GX 1.24 build its Data Docs site in `d`. GX's validation
result page is not self-contained: it loads Bootstrap, jQuery, bootstrap-table, Vega and Font
Awesome from CDNs and links to the site's other pages. `make_self_contained` takes GX's own rendered
validation page and makes it stand alone:

- every `<script>` and `<link>` is removed, so are external images, CSS `url()`s and links to
  other pages;
- GX's styles are already inlined by GX; a small stylesheet for the Bootstrap 4 classes the
  page uses (grid, cards, tables, badges, alerts) and the status icons is added;
- a Content-Security-Policy `<meta>` forbids scripts and any network fetch
  (`default-src 'none'; style-src 'unsafe-inline'; img-src data:`).

Cell values reach the page masked (`gate` masks them) and HTML-escaped (`gate` escapes the copy
of the result GX renders: GX 1.24 writes unexpected values into table cells verbatim).
`write_page` writes the result to `validasi.html`; when GX built no page or its page is larger
than `MAX_BYTES`, it writes our own escaped rendering of the masked result (`own_page`).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MAX_BYTES = 1_900_000  # the catalog stores and serves the page; keep it below 2 MB
PAGE_NAME = "validasi.html"
MAX_LISTED = 500  # problems listed in our own page
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_SCRIPT = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/>", re.I | re.S)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_IMG = re.compile(r"<img\b(?![^>]*\bsrc\s*=\s*[\"']data:)[^>]*>", re.I)
_EVENT_ATTR = re.compile(r"\s+on[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
_HREF = re.compile(r"\shref\s*=\s*(\"(?!#)[^\"]*\"|'(?!#)[^']*')", re.I)
_TAG = re.compile(r"<[a-z][^>]*>", re.I)
_HEAD = re.compile(r"<head[^>]*>", re.I)
_CSS_URL = re.compile(r"url\(\s*(?![\"']?data:)[^)]*\)", re.I)

# The Bootstrap 4 classes GX's validation page relies on, and Font Awesome's status icons.
BASE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:14px;
 color:#212529;margin:0;line-height:1.5}
.container-fluid{padding:1rem 2rem}.row{display:flex;flex-wrap:wrap}
[class^="col"],[class*=" col"]{box-sizing:border-box;padding:0 .5rem;flex:1 1 100%}
@media(min-width:768px){.col-md-2,.col-lg-2{flex:0 0 16%}.col-md-10,.col-lg-10{flex:0 0 82%}
 .col-6{flex:0 0 48%}}
.d-none{display:none}.navbar{display:flex;align-items:center;padding:.5rem 1rem;
 border-bottom:1px solid #dee2e6}
.table{width:100%;border-collapse:collapse;margin-bottom:1rem}
.table td,.table th{border-top:1px solid #dee2e6;padding:.3rem .5rem;vertical-align:top;
 text-align:left}
.table-bordered td,.table-bordered th{border:1px solid #dee2e6}
.table-responsive{overflow-x:auto}.card{border:1px solid #dee2e6;border-radius:.25rem;
 margin-bottom:1rem}.card-header{background:#f7f7f9;padding:.5rem;border-bottom:1px solid #dee2e6}
.card-body{padding:.75rem}.alert{padding:.5rem .75rem;border-radius:.25rem;margin:.25rem 0}
.alert-warning{background:#fff3cd}.alert-secondary{background:#e2e3e5}
.badge{display:inline-block;padding:.15em .45em;border-radius:.25rem;font-size:85%}
.badge-secondary{background:#6c757d;color:#fff}.badge-warning{background:#ffc107}
.text-success{color:#198754}.text-danger{color:#dc3545}.bg-light{background:#f8f9fa}
.nav{list-style:none;padding:0}.nav-link{display:block;padding:.2rem .5rem;color:#0d6efd}
.btn,.btn-group{display:none}.show-scrollbars{max-width:40rem;overflow-wrap:anywhere}
.fas.fa-check-circle::before{content:"\\2714";}.fas.fa-times::before{content:"\\2716";}
.tangerang-note{background:#e7f1ff;padding:.5rem 2rem;margin:0;border-bottom:1px solid #b6d4fe}
footer{display:none}
"""

NOTE = (
    "Data Docs Great Expectations untuk satu proses validasi. Nilai data pribadi disamarkan. "
    "<em>Great Expectations Data Docs of one validation run; personal data is masked.</em>"
)


def validation_page(site_dir: Path) -> Path | None:
    """The validation result page GX wrote in `site_dir` (the newest, if several)."""
    pages = sorted(
        (Path(site_dir) / "validations").rglob("*.html"), key=lambda p: p.stat().st_mtime
    )
    return pages[-1] if pages else None


def make_self_contained(page: str, *, title: str | None = None) -> str:
    """GX's page without scripts, external resources or links out; CSS inlined; CSP added."""
    out = _SCRIPT.sub("", page)
    out = _LINK.sub("", out)
    out = _IMG.sub("", out)
    out = _TAG.sub(lambda m: _HREF.sub("", _EVENT_ATTR.sub("", m.group(0))), out)
    out = _CSS_URL.sub("none", out)
    head = (
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="referrer" content="no-referrer"><style>{BASE_CSS}</style>'
    )
    if title:
        head += f"<title>{html.escape(title)}</title>"
    match = _HEAD.search(out)
    if match is None:
        return f"<!doctype html><html><head>{head}</head><body>{out}</body></html>"
    out = out[: match.end()] + head + out[match.end() :]
    return re.sub(
        r"(<body[^>]*>)",
        lambda m: m.group(1) + f'<p class="tangerang-note">{NOTE}</p>',
        out,
        count=1,
    )


def own_page(
    gx_result: Mapping[str, Any], problems: Sequence[Any], *, title: str | None = None
) -> str:
    """Our own escaped rendering of the (masked) GX result: one row per expectation, then the
    located problems. Used when GX built no page or its page is too large."""
    name = html.escape(title or "Validasi")
    stats = gx_result.get("statistics", {}) or {}
    rows = []
    for res in gx_result.get("results", []) or []:
        config = res.get("expectation_config", {}) or {}
        kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if k != "batch_id"}
        result = res.get("result", {}) or {}
        detail = result.get("unexpected_count", result.get("observed_value", ""))
        rows.append(
            (
                "\u2714" if res.get("success") else "\u2716",
                config.get("type", ""),
                (config.get("meta") or {}).get("severity", "error"),
                json.dumps(kwargs, ensure_ascii=False, default=str)[:300],
                str(detail)[:300],
            )
        )
    listed = [(p.row, p.column, p.expectation, p.message) for p in problems[:MAX_LISTED]]
    more = len(problems) - len(listed)

    def table(head: tuple[str, ...], body: Sequence[tuple[Any, ...]]) -> str:
        cells = "".join(
            "<tr>" + "".join(f"<td>{_text(x)}</td>" for x in row) + "</tr>" for row in body
        )
        header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        return f'<table class="table table-bordered"><tr>{header}</tr>{cells}</table>'

    summary = ", ".join(f"{html.escape(str(k))}: {_text(v)}" for k, v in stats.items())
    return (
        f'<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{name}</title><style>{BASE_CSS}</style></head><body>"
        f'<p class="tangerang-note">{NOTE}</p><div class="container-fluid"><h1>{name}</h1>'
        f"<p>{summary}</p><h2>Masalah / Problems</h2>"
        + table(("baris/row", "kolom/column", "expectation", "pesan/message"), listed)
        + (f"<p>{more} masalah lain tidak ditampilkan.</p>" if more > 0 else "")
        + "<h2>Expectations</h2>"
        + table(("", "expectation", "severity", "kwargs", "hasil/result"), rows)
        + "</div></body></html>"
    )


def _text(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def write_page(
    site_dir: Path,
    gx_result: Mapping[str, Any],
    problems: Sequence[Any],
    *,
    title: str | None = None,
) -> Path:
    """Write `site_dir/validasi.html`: GX's validation page made self-contained when GX built
    one that fits in `MAX_BYTES`, else `own_page`. Returns its path."""
    site_dir = Path(site_dir)
    text = None
    page = validation_page(site_dir)
    if page is not None:
        text = make_self_contained(page.read_text(encoding="utf-8"), title=title)
        if len(text.encode("utf-8")) > MAX_BYTES:
            text = None
    if text is None:
        text = own_page(gx_result, problems, title=title)
    path = site_dir / PAGE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def escape_strings(value: Any) -> Any:
    """Every string inside `value` HTML-escaped (dicts and lists rebuilt, the rest as is)."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, Mapping):
        return {k: escape_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [escape_strings(v) for v in value]
    return value
