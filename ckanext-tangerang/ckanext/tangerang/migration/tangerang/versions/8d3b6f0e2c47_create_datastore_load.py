"""create tangerang_datastore_load

Revision ID: 8d3b6f0e2c47
Revises: 5c2e7d41a8b3
Create Date: 2026-12-01 08:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "8d3b6f0e2c47"
down_revision = "5c2e7d41a8b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tangerang_datastore_load",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "resource_id",
            sa.UnicodeText,
            sa.ForeignKey("resource.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("spec", JSONB, nullable=False),
        sa.Column("rows", sa.Integer),
        sa.Column("error", JSONB),
        sa.Column("timings", JSONB),
        sa.Column("indexes", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_index(
        "tangerang_datastore_load_resource_created_idx",
        "tangerang_datastore_load",
        ["resource_id", "created"],
    )


def downgrade() -> None:
    op.drop_index(
        "tangerang_datastore_load_resource_created_idx", table_name="tangerang_datastore_load"
    )
    op.drop_table("tangerang_datastore_load")
