"""consult: a terminal-first toolkit for stakeholder consultations.

Layers (a module imports only from its own layer or lower ones; tests/test_architecture.py
checks):

1. ``errors``, ``survey_model``, ``survey_loader``, ``stats``, ``safe_text``: pure, no I/O beyond
   reading a survey file.
2. ``store``: the only module that speaks SQL.
3. ``session_runner`` (the only module that prompts), ``panel``, ``aggregation``, ``simulation``,
   ``exports``, ``report_excel``, ``status``.
4. ``cli`` and ``cli_*``: thin typer commands over layer 3.
"""

__version__ = "0.1.0"
