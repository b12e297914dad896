"""The ``consult`` command line: one module per command group over one library call each."""
