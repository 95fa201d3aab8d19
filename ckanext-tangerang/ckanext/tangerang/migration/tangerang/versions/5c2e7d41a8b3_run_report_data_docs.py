"""run report: GX Data Docs HTML stored with the run

Revision ID: 5c2e7d41a8b3
Revises: 0a1f3c2b9d01
Create Date: 2026-11-29 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5c2e7d41a8b3"
down_revision = "0a1f3c2b9d01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The page itself (at most 2 MB; PostgreSQL keeps it out of line, TOAST) and its
    # size, so lists know a report exists without loading it.
    op.add_column("tangerang_run_report", sa.Column("data_docs_html", sa.UnicodeText))
    op.add_column("tangerang_run_report", sa.Column("data_docs_bytes", sa.Integer))


def downgrade() -> None:
    op.drop_column("tangerang_run_report", "data_docs_bytes")
    op.drop_column("tangerang_run_report", "data_docs_html")
