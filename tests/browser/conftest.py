"""Playwright fixtures for the browser journeys.

Every test gets a fresh browser context (no shared cookies) on the pytest-django live server.
The live server and the test share the database, so the tests are transactional: each test ends
with a flush, which also empties the industries and risk tags that data migrations created.
`reference_data` puts them back before each test. (`serialized_rollback` cannot do it reliably:
once Playwright's sync API runs its event loop in this thread, Django keeps connections in
context-local rather than thread-local storage, so the connection that holds the serialized
copy made at database setup is not the one the tests use.)

Screenshots for humans go to test-artifacts/ at the repository root; a failing test also leaves
one there, named after the test.
"""

import os

import pytest
from playwright.sync_api import Page, sync_playwright

from .helpers import shoot

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls from the test (fixtures, assertions on the database) while it runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ANYING_CHROMIUM", "/usr/bin/chromium")  # same variable as scripts/test
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
TIMEOUT_MS = 10_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _reference_data(reference_data):
    """Every browser test runs on a live server, so on a flushed database (see tests/conftest.py)."""


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """Opens pages in fresh contexts (separate cookie jars): `new_page()` or `new_page(viewport=...)`."""
    contexts, errors = [], []

    def make(**options) -> Page:
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="zh-CN", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed and contexts and contexts[0].pages:
        shoot(contexts[0].pages[-1], "FAILED-" + request.node.name)
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def page(new_page) -> Page:
    return new_page()
