"""create tangerang_data_request, tangerang_showcase and tangerang_showcase_package

Public data requests (permohonan data) and the showcase (galeri pemanfaatan) with the
datasets each item uses.

Revision ID: c4a7e2f9b813
Revises: e5d1c8a3f702
Create Date: 2026-12-01 12:10:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c4a7e2f9b813"
down_revision = "e5d1c8a3f702"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tangerang_data_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column(
            "organization_id",
            sa.UnicodeText,
            sa.ForeignKey("group.id", ondelete="SET NULL"),
        ),
        sa.Column("email", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="SET NULL"),
        ),
        sa.Column("history", JSONB, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index(
        "tangerang_data_request_status_idx", "tangerang_data_request", ["status", "created"]
    )
    op.create_index("tangerang_data_request_package_idx", "tangerang_data_request", ["package_id"])

    op.create_table(
        "tangerang_showcase",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("type", sa.UnicodeText, nullable=False),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False),
        sa.Column("image_url", sa.UnicodeText),
        sa.Column(
            "partner_organization_id",
            sa.UnicodeText,
            sa.ForeignKey("group.id", ondelete="SET NULL"),
        ),
        sa.Column("partner_name", sa.UnicodeText),
        sa.Column("url", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="SET NULL")),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_table(
        "tangerang_showcase_package",
        sa.Column(
            "showcase_id",
            sa.UnicodeText,
            sa.ForeignKey("tangerang_showcase.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index(
        "tangerang_showcase_package_package_idx", "tangerang_showcase_package", ["package_id"]
    )


def downgrade() -> None:
    op.drop_table("tangerang_showcase_package")
    op.drop_table("tangerang_showcase")
    op.drop_table("tangerang_data_request")
