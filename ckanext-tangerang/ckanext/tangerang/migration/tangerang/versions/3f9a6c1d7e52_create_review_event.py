"""create tangerang_review_event (walidata review)

Datasets the hub had made public before review existed are recorded as approved
(``disetujui``) with the access class they have, so they stay public; their field list is
recorded by their next submission.

Revision ID: 3f9a6c1d7e52
Revises: 8d3b6f0e2c47
Create Date: 2026-12-02 08:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "3f9a6c1d7e52"
down_revision = "8d3b6f0e2c47"
branch_labels = None
depends_on = None

GRANDFATHER = """
INSERT INTO tangerang_review_event (package_id, state, changes, access, reason, created)
SELECT id, 'disetujui', '[]'::jsonb, extras ->> 'klasifikasi_akses',
       'Terbit sebelum pemeriksaan walidata tersedia (published before review existed)',
       now() AT TIME ZONE 'utc'
FROM package
WHERE state = 'active' AND NOT private AND coalesce(extras ->> 'contract_id', '') <> ''
"""


def upgrade() -> None:
    op.create_table(
        "tangerang_review_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "package_id",
            sa.UnicodeText,
            sa.ForeignKey("package.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("previous_state", sa.UnicodeText),
        sa.Column("changes", JSONB, nullable=False),
        sa.Column("access", sa.UnicodeText),
        sa.Column("fields", JSONB),
        sa.Column("reason", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index(
        "tangerang_review_event_package_idx", "tangerang_review_event", ["package_id", "id"]
    )
    op.execute(GRANDFATHER)


def downgrade() -> None:
    op.drop_index("tangerang_review_event_package_idx", table_name="tangerang_review_event")
    op.drop_table("tangerang_review_event")
