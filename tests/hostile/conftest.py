"""Fixtures of the hostile-input suite (helpers in support/tampering.py)."""

import pytest
from support.tampering import closed
from support.workflow_steps import visit_pending


@pytest.fixture
def town(app):
    """Four tickets: two closed, two waiting for their follow-up call."""
    return app, [closed(app), visit_pending(app), closed(app), visit_pending(app)]
