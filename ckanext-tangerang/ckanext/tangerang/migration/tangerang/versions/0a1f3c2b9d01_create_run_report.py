"""create tangerang_run_report

Revision ID: 0a1f3c2b9d01
Revises:
Create Date: 2025-11-29 06:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0a1f3c2b9d01"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tangerang_run_report",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("run_id", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("rows", sa.Integer),
        sa.Column("sha256", sa.UnicodeText),
        sa.Column("validation", JSONB),
        sa.Column("message", sa.UnicodeText),
        sa.Column("report_url", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint("package_id", "run_id", name="tangerang_run_report_package_run_key"),
    )
    op.create_index(
        "tangerang_run_report_package_finished_idx",
        "tangerang_run_report",
        ["package_id", "finished_at"],
    )


def downgrade() -> None:
    op.drop_index("tangerang_run_report_package_finished_idx", table_name="tangerang_run_report")
    op.drop_table("tangerang_run_report")
