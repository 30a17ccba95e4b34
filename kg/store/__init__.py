"""Stores behind the endpoint: one interface (kg/store/base.py), back-ends picked by open_store."""

from kg.store.base import ReadableStore, WritableStore, open_store

__all__ = ["ReadableStore", "WritableStore", "open_store"]
