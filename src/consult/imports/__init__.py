"""Imports: reading the tabular files (CSV, XLSX) that people hand us."""
