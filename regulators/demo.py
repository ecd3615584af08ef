"""Demo world, regulators part: each part of the workspace seeds its own."""

from .reports import demo as reports_demo


def seed(stdout=None) -> dict:
    return {"reports": reports_demo.seed(stdout=stdout)}
