"""create tangerang_resource_version

Revision ID: e5d1c8a3f702
Revises: b7e4a2c9f150
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5d1c8a3f702"
down_revision = "b7e4a2c9f150"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tangerang_resource_version",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "resource_id",
            sa.UnicodeText,
            sa.ForeignKey("resource.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("run_id", sa.UnicodeText, nullable=False),
        sa.Column("sha256", sa.UnicodeText, nullable=False),
        sa.Column("batch_sha256", sa.UnicodeText),
        sa.Column("rows", sa.Integer),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("filename", sa.UnicodeText, nullable=False),
        sa.Column("mimetype", sa.UnicodeText),
        sa.Column("uploaded_at", sa.DateTime),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint(
            "resource_id", "run_id", name="tangerang_resource_version_resource_run_key"
        ),
    )
    op.create_index(
        "tangerang_resource_version_package_created_idx",
        "tangerang_resource_version",
        ["package_id", "created"],
    )


def downgrade() -> None:
    op.drop_index(
        "tangerang_resource_version_package_created_idx",
        table_name="tangerang_resource_version",
    )
    op.drop_table("tangerang_resource_version")
