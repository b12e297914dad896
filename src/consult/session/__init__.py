"""Sessions: answering a survey (flow and prompts), the panel, and simulated responses."""
