"""The report's sheets, one module each: ``write(ctx, wb)`` lays out computed data, returns the
sheet's name, and never reads the store."""
