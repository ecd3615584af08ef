"""Demo world, regulators part (runs last). Each part of the workspace seeds its own."""

from .cases.demo import seed as seed_cases
from .recommendations.demo import seed as seed_recommendations


def seed(stdout=None):
    seed_recommendations(stdout)
    seed_cases(stdout)
