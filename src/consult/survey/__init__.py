"""Surveys: the model, the question types, reading and validating definitions (no database)."""
