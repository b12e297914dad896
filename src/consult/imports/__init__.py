"""Imports: reading the files people hand us: tabular files (CSV, XLSX) and XLSForm surveys."""
