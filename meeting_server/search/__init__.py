"""Full-text search over document text and minutes, blind to Vietnamese diacritics."""
