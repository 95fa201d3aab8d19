"""create the usage statistics tables (tangerang_usage_daily, _seen, _salt)

Counts are aggregated on write, one row per day (WIB), dataset, resource, kind and
partner organization. No IP address is stored: unique visitors are hashes of a random
salt of the day, the IP and the user agent, kept only for the day (see usage.py).

Revision ID: b7e4a2c9f150
Revises: 3f9a6c1d7e52
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e4a2c9f150"
down_revision = "3f9a6c1d7e52"
branch_labels = None
depends_on = None

KEY = ["day", "package_id", "resource_id", "kind", "organization"]


def _key_columns() -> list[sa.Column]:
    return [
        sa.Column("day", sa.Date, nullable=False),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            nullable=False,
        ),
        # '' for counts of the dataset itself (page views)
        sa.Column("resource_id", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        # '' for all visitors; a partner organization's id for its logged-in members
        sa.Column("organization", sa.UnicodeText, nullable=False, server_default=""),
    ]


def upgrade() -> None:
    op.create_table(
        "tangerang_usage_daily",
        *_key_columns(),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("unique_visitors", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(*KEY, name="tangerang_usage_daily_pkey"),
    )
    op.create_index("tangerang_usage_daily_package_idx", "tangerang_usage_daily", ["package_id"])
    op.create_table(
        "tangerang_usage_seen",
        *_key_columns(),
        sa.Column("visitor", sa.UnicodeText, nullable=False),
        sa.PrimaryKeyConstraint(*KEY, "visitor", name="tangerang_usage_seen_pkey"),
    )
    op.create_table(
        "tangerang_usage_salt",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("salt", sa.UnicodeText, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tangerang_usage_salt")
    op.drop_table("tangerang_usage_seen")
    op.drop_index("tangerang_usage_daily_package_idx", table_name="tangerang_usage_daily")
    op.drop_table("tangerang_usage_daily")
