"""Extraction: from parsed text to facts (entities, events, dates, quantities, statements)."""
