"""Small helpers shared by the browser tests."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shoot(page: Page, name: str) -> Path:
    """Saves a full-page screenshot into test-artifacts/ for humans to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=path, full_page=True)
    return path


def log_in(page: Page, username: str, password: str = PASSWORD) -> Page:
    """Logs in through the login form and waits for the signed-in layout."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    return page
