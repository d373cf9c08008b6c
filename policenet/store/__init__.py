"""Persistence: SQLAlchemy tables, Alembic migrations and repositories over SQLite or PostgreSQL."""
