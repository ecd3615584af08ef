# The application fixtures (a product the world's enterprise meets, its library record, the
# flow builder) serve the regulators' tests too.
from ..applications.conftest import flow, held, product, product_2  # noqa: F401
from .reports_fixtures import october  # noqa: F401  (activity in a closed October: the report tests)
