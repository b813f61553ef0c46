"""The ground every domain may use for its changes: the per-meeting event
log (`models.py`), the typed server event and its rooms (`events.py`), and
the write path that commits a change with its events and sends them after
the commit (`outbox.py`). It imports no domain."""
