"""Demo world, regulators part (runs last): each part of the workspace seeds its own."""

from .cases.demo import seed as seed_cases
from .recommendations.demo import seed as seed_recommendations
from .reports import demo as reports_demo


def seed(stdout=None) -> dict:
    seed_recommendations(stdout)
    seed_cases(stdout)
    return {"reports": reports_demo.seed(stdout=stdout)}
