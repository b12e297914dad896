"""Reports: the terminal tables, exports, output files and the Excel workbook."""
