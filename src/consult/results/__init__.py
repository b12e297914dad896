"""Results: what the stored answers say, computed for every report to lay out."""
