"""Round plans, as the results layer names them (they live in :mod:`consult.store.plans`,
where the imports layer reaches them too)."""

from __future__ import annotations

from consult.store.plans import RoundPlan, chosen_round, default_round, plan_of, round_survey

__all__ = ["RoundPlan", "chosen_round", "default_round", "plan_of", "round_survey"]
