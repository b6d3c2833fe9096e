import pytest

from rexian.calendar_files import load_calendar
from rexian.domain.deadlines import DeadlinePolicy
from rexian.settings import load_settings


@pytest.fixture(scope="session")
def calendar():
    return load_calendar()


@pytest.fixture(scope="session")
def policy(calendar):
    return DeadlinePolicy.from_settings(calendar, load_settings(environ={}))

