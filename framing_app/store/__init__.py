"""Persistence: SQLAlchemy models, engine set-up, Alembic migrations. No Qt."""
