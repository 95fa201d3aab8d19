"""`ckan tangerang ...` commands."""

from __future__ import annotations

from pathlib import Path

import click

from ckanext.tangerang import dimension_groups
from ckanext.tangerang import seed as seed_module

__all__ = ["tangerang"]


@click.group(short_help="Satu Data Kota Tangerang commands")
def tangerang() -> None:
    """Commands of the Kota Tangerang catalog."""


@tangerang.command()
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the bot's API token here (mode 0600) unless it already holds a working one.",
)
@click.option(
    "--walidata-token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the demo walidata's API token here (mode 0600) unless it holds a working one.",
)
def seed(token_file: Path | None, walidata_token_file: Path | None) -> None:
    """Create or update producers, dimension groups, the pipeline bot and the demo walidata
    (idempotent)."""
    result = seed_module.seed(token_file=token_file, walidata_token_file=walidata_token_file)
    click.echo(
        f"created {len(result.created)}, updated {len(result.updated)}, "
        f"unchanged {len(result.unchanged)}"
    )
    for name in result.created + result.updated:
        click.echo(f"  {name}")
    if token_file is not None:
        state = "written" if result.token_written else "kept (still valid)"
        click.echo(f"bot token {state}: {token_file}")
    if walidata_token_file is not None:
        state = "written" if result.walidata_token_written else "kept (still valid)"
        click.echo(f"walidata token {state}: {walidata_token_file}")


@tangerang.command("sync-dimension-groups")
def sync_dimension_groups() -> None:
    """Put every dataset into the dimension groups of its `dimensi` (idempotent).

    New and updated datasets join them by themselves; this catches up datasets
    published before the groups existed.
    """
    changed = dimension_groups.sync_all()
    click.echo(f"{len(changed)} datasets moved into their dimension groups")
    for name in changed:
        click.echo(f"  {name}")
