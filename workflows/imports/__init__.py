"""Bringing a desk's register over: read a CSV or XLSX file, check every row, write the good
ones in bulk as cases with their history (docs/import.md)."""
