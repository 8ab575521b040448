"""The report's operator session in headless Chromium, checked afterwards through mdump.

Delete ESDEMO, add ESSRV01, point its Web Services listener somewhere else,
start it, see Started, read its console log on Monitor & Control. Screenshots
go to artifacts/web/ (git-ignored) so a person can look at what the test saw.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port
from tests.mfds.harness import client, run, start_mfds
from tests.region.conftest import wait_for

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = REPO / "artifacts" / "web"


@pytest.fixture
def browser(tmp_path: Path, reaper):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("needs Debian chromium and chromium-driver (./dev setup installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1366,900", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    service = Service(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(service=service, options=options)
    reaper.track(service.process.pid)
    driver.set_page_load_timeout(90)
    yield driver
    driver.quit()


def shoot(driver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def submit(driver, action: str) -> None:
    """Press the button posting to `action`, accepting its confirmation."""
    driver.find_element(By.CSS_SELECTOR, f'button[formaction="{action}"], '
                                         f'form[action="{action}"] button').click()
    with contextlib.suppress(NoAlertPresentException):
        driver.switch_to.alert.accept()


def test_operator_session_in_chromium(browser, es_env, reaper, regions) -> None:
    start_mfds(es_env, reaper)
    port = int(es_env["CCITCP2_PORT"])
    base = f"http://127.0.0.1:{port}"
    browser.get(base + "/")
    shoot(browser, "01-server-list")
    assert "ESDEMO" in browser.find_element(By.ID, "servers").text

    submit(browser, "/server/ESDEMO/delete")
    wait_for(lambda: "Server ESDEMO deleted." in browser.page_source, 30, "ESDEMO deleted")

    first, second = free_port(), free_port()
    browser.find_element(By.ID, "f-name").send_keys("ESSRV01")
    browser.find_element(By.ID, "f-description").send_keys("HA test server")
    endpoint = browser.find_element(By.ID, "f-endpoint")
    endpoint.clear()
    endpoint.send_keys(f"tcp:127.0.0.1:{first}")
    browser.find_element(By.ID, "add-server").click()
    wait_for(lambda: "Server ESSRV01 added." in browser.page_source, 30, "ESSRV01 added")
    assert browser.current_url == base + "/server/ESSRV01"

    field = browser.find_element(By.CSS_SELECTOR, 'input[data-listener="Web Services and J2EE"]')
    field.clear()
    field.send_keys(f"tcp:127.0.0.1:{second}")
    field.find_element(By.XPATH, "..").find_element(By.TAG_NAME, "button").click()
    wait_for(lambda: "applies at the next start" in browser.page_source, 30, "listener set")
    shoot(browser, "02-server-details")

    submit(browser, "/server/ESSRV01/start")
    regions.note_pids()
    wait_for(lambda: "Server ESSRV01 started." in browser.page_source, 90, "start finished")
    badge = browser.find_element(By.CSS_SELECTOR, '[data-status-of="ESSRV01"]')
    assert badge.text == "Started"
    listeners = browser.find_element(By.CSS_SELECTOR, "table.listeners").text
    assert f"127.0.0.1:{second}" in listeners and "Started" in listeners
    shoot(browser, "03-started")

    browser.find_element(By.LINK_TEXT, "Monitor & Control").click()
    log = browser.find_element(By.ID, "console-log").text
    assert "CASCD0002I Region ESSRV01 started" in log
    assert f"127.0.0.1:{second}" in log
    assert "2 of 2 SEPs running" in browser.find_element(By.ID, "sep-state").text
    shoot(browser, "04-monitor")

    dump = run(es_env, "mdump", "127.0.0.1", "ESSRV01")
    assert dump.returncode == 0, dump.stderr
    assert "mfServerStatus: Started" in dump.stdout
    assert f"mfRequestedEndpoint: tcp:127.0.0.1:{second}" in dump.stdout
    listing = run(es_env, "mdump", "127.0.0.1").stdout
    assert "Server ESSRV01" in listing and "Server ESDEMO" not in listing

    submit(browser, "/server/ESSRV01/stop")
    mfds = client(es_env)
    wait_for(lambda: mfds.get_server("ESSRV01")["status"] == "Stopped", 30, "stop")
    browser.get(base + "/")

    def badge() -> str:
        return browser.find_element(By.CSS_SELECTOR, '[data-status-of="ESSRV01"]').text

    assert badge() == "Stopped"
    shoot(browser, "05-stopped")
    # admin.js follows status changes without a reload (a report as a region would send).
    mfds.report_region("ESSRV01", "Starting")
    wait_for(lambda: badge() == "Starting", 30, "the badge to follow by itself")
    mfds.report_region("ESSRV01", "Stopped")
    wait_for(lambda: badge() == "Stopped", 30, "the badge to follow back")
