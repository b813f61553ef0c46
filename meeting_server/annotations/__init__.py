"""Annotations on document pages: ink, highlights and notes, private or shared (issue 3)."""
