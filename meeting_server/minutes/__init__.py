"""Minutes: what the secretary records of a meeting, and its PDF (document.py, pdf.py)."""
