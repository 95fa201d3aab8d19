"""create the restricted-access tables: agreements (MoU), access requests, audit

Revision ID: 4c8e1f6a2d93
Revises: c4a7e2f9b813
Create Date: 2026-12-01 12:10:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "4c8e1f6a2d93"
down_revision = "c4a7e2f9b813"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tangerang_agreement",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "organization_id",
            sa.UnicodeText,
            sa.ForeignKey("group.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("package_ids", JSONB, nullable=False),
        sa.Column("dimensions", JSONB, nullable=False),
        sa.Column("note", sa.UnicodeText),
        sa.Column("created_by", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("modified", sa.DateTime, nullable=False),
    )
    op.create_index(
        "tangerang_agreement_organization_idx", "tangerang_agreement", ["organization_id"]
    )
    op.create_table(
        "tangerang_access_request",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column(
            "user_id", sa.UnicodeText, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "organization_id",
            sa.UnicodeText,
            sa.ForeignKey("group.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("decided", sa.DateTime),
    )
    op.create_index(
        "tangerang_access_request_package_user_idx",
        "tangerang_access_request",
        ["package_id", "user_id"],
    )
    op.create_index(
        "tangerang_access_request_status_idx", "tangerang_access_request", ["status", "created"]
    )
    # No foreign keys: the audit outlives the users, datasets and agreements it names.
    op.create_table(
        "tangerang_access_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("action", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("user_name", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("request_id", sa.UnicodeText),
        sa.Column("agreement_id", sa.UnicodeText),
        sa.Column("detail", sa.UnicodeText),
    )
    op.create_index("tangerang_access_audit_created_idx", "tangerang_access_audit", ["created"])
    op.create_index(
        "tangerang_access_audit_package_idx", "tangerang_access_audit", ["package_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("tangerang_access_audit")
    op.drop_table("tangerang_access_request")
    op.drop_table("tangerang_agreement")
