"""consult: a terminal-first toolkit for stakeholder consultations.

One package per layer; a module imports only from its own package or a lower layer (the
README's table of layers, checked by ``tests/test_architecture.py``):

1. ``errors``, ``safe_text``, ``stats``, ``i18n``: pure, no I/O.
2. ``survey``: the survey model, question types, reading and validating definitions.
3. ``store``: the Store interface and its SQLite backend, the only code that speaks SQL.
4. ``results`` (aggregation, participation) and ``imports`` (tabular files).
5. ``session`` (answering, the panel, simulation) and ``reports`` (terminal, exports, Excel).
6. ``cli``: thin typer commands, one module per command group.
"""

__version__ = "0.1.0"
