"""The Excel report: the workbook, its style kit, and one module per sheet."""
