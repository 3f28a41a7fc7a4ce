"""Contract suites: each port's suite (``hpsync.testing.contracts``) run on the fake and on
the real adapter. The suites live in the package, so pytest is told to rewrite their
asserts (a failing case then shows both sides)."""

import pytest

pytest.register_assert_rewrite("hpsync.testing.contracts")
