"""The migration scripts, oldest first (``r0001_...``); Alembic loads them by file."""
