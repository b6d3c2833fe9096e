"""Adapters: storage (SQLAlchemy), files, and anything else that talks to the outside world."""
