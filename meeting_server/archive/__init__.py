"""A closed meeting's archive: the audit chain, safe CSV, the ZIP with its manifest, and its verification.

See docs/archive.md for the layout and what `meeting-server verify-archive` proves.
"""
