"""The Streamlit app started as users start it (`dalil ui`), driven by a real headless Chromium.

Needs Debian's `chromium` and `chromium-driver` (installed by scripts/setup.sh) and selenium (dev
extra). It fails, rather than skips, when they are missing: a UI that was never opened in a browser
is not tested. Selenium Manager is kept offline; the driver is Debian's, given by path.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("DALIL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DALIL_CHROMEDRIVER", "/usr/bin/chromedriver")
JUDGMENT_CITATION = "OLG Koblenz, Urteil v. 13.01.2022 – 1 StE 9/19, S. 6, Rn. 21"
ARABIC_CITATION = "OLG Koblenz, Hearing notes of 8 July 2020 – 1 StE 9/19, p. 1, para. 2"
WAIT = 90  # seconds; the first page loads the embedding model in the background on a 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_data):
    """`dalil ui --headless` on a free port, stopped (its whole process group) afterwards."""
    port = _free_port()
    log = open(sample_data.parent / f"ui-{port}.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ui", "--data", str(sample_data), "--port", str(port), "--headless"],
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dalil ui did not start: {Path(log.name).read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def browser():
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (Path(p).exists() or shutil.which(p))]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run scripts/setup.sh (it installs Debian's chromium and chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("selenium is missing: run scripts/setup.sh (it installs the dev extras)")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download a browser or a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", "--window-size=1400,1800", "--lang=en"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _wait(driver, condition, what: str):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, WAIT, poll_frequency=0.2).until(condition)
    except TimeoutException:
        pytest.fail(f"timed out waiting for {what}; the page shows: {driver.find_element('tag name', 'body').text[:1500]!r}")


def _search(driver, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, 'input[aria-label="Search"]'), "the search box")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text, Keys.ENTER)


def _assert_real_png(path: Path, min_colours: int = 8) -> None:
    from PIL import Image

    assert path.stat().st_size > 20_000, f"{path} is {path.stat().st_size} bytes"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.width >= 800 and image.height >= 600
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) >= min_colours, f"{path} is nearly blank ({len(colours)} colours)"


def test_search_in_a_real_browser_shows_citations_rtl_arabic_and_paragraph_links(browser, server, screenshots):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    _search(browser, "Freitagsgebet Moschee Barakat")
    _wait(browser, lambda d: JUDGMENT_CITATION in d.find_element(By.TAG_NAME, "body").text, "the judgment's pinpoint citation")
    time.sleep(0.5)  # let the facets in the sidebar finish drawing
    shot = screenshots / "search.png"
    assert browser.save_screenshot(str(shot))
    _assert_real_png(shot)
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "div.passage mark")]
    assert "Freitagsgebet" in marks and "Barakat" in marks

    # A facet is a button with its count; clicking it filters.
    facet = _wait(browser, lambda d: next((b for b in d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebar"] button')
                                           if b.text.startswith("1 StE 3/21 · ")), None), "the case facet")
    facet.click()
    _wait(browser, lambda d: "✕ Case number: 1 StE 3/21" in d.find_element(By.TAG_NAME, "body").text, "the active case filter")
    _wait(browser, lambda d: JUDGMENT_CITATION not in d.find_element(By.TAG_NAME, "body").text, "the other case's results to go")
    browser.find_element(By.XPATH, '//button[contains(., "✕ Case number: 1 StE 3/21")]').click()
    _wait(browser, lambda d: JUDGMENT_CITATION in d.find_element(By.TAG_NAME, "body").text, "the judgment's citation again")

    # "Open at Rn. 21" is a link with the passage in its URL; it lands on that paragraph.
    link = _wait(browser, lambda d: next((a for a in d.find_elements(By.TAG_NAME, "a") if "Open at Rn. 21, p. 6" in a.text), None), "the paragraph link")
    params = parse_qs(urlparse(link.get_attribute("href")).query)
    assert set(params) == {"doc", "passage"}
    link.click()
    _wait(browser, lambda d: "Linked passage: Rn. 21, page 6" in d.find_element(By.TAG_NAME, "body").text, "the linked paragraph")
    assert "passage=" in browser.current_url
    anchor = "p-" + params["passage"][0].replace(":", "-")
    assert browser.find_element(By.ID, anchor).find_element(By.TAG_NAME, "mark").text.startswith("Rn. 21 Der Zeuge Yusuf Barakat")

    # A shared link opens the same paragraph in a fresh page load.
    browser.get(f"{server}/document?doc={params['doc'][0]}&passage={params['passage'][0]}")
    _wait(browser, lambda d: "Linked passage: Rn. 21, page 6" in d.find_element(By.TAG_NAME, "body").text, "the shared link's paragraph")

    # Arabic passages are laid out right to left.
    browser.get(server + "/")
    _search(browser, "جائحة كورونا")
    _wait(browser, lambda d: ARABIC_CITATION in d.find_element(By.TAG_NAME, "body").text, "the Arabic hearing notes' citation")
    arabic = [p for p in browser.find_elements(By.CSS_SELECTOR, 'div.passage[dir="rtl"]') if "كورونا" in p.text]
    assert arabic, "an Arabic passage with dir=rtl"
    assert arabic[0].get_attribute("lang") == "ar" and arabic[0].value_of_css_property("direction") == "rtl"
    shot = screenshots / "search-arabic.png"
    assert browser.save_screenshot(str(shot))
    _assert_real_png(shot)


def test_entity_page_in_a_real_browser_draws_the_graph(browser, server, screenshots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/entities")
    box = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, 'input[aria-label="Name in any script, or entity id"]'), "the name box")
    box.send_keys("أنور رسلان", Keys.ENTER)
    _wait(browser, lambda d: "Anwar Raslan" in d.find_element(By.TAG_NAME, "h3").text, "the entity page")
    charts = _wait(browser, lambda d: [c for c in d.find_elements(By.CSS_SELECTOR, ".vega-embed canvas, .vega-embed svg.marks") if c.size["height"] > 200],
                   "the co-occurrence graph")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", charts[0])
    time.sleep(1.0)  # Vega draws asynchronously
    shot = screenshots / "entity.png"
    assert browser.save_screenshot(str(shot))
    _assert_real_png(shot, min_colours=16)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Named together with" in body and "Timeline" in body

    # Hover names a node; a click on a node opens that entity.
    from selenium.webdriver.common.action_chains import ActionChains

    graph = charts[0].find_element(By.XPATH, "./ancestor::div[contains(@class, 'vega-embed')]")
    labels = [t.text for t in graph.find_elements(By.CSS_SELECTOR, "g.mark-text.role-mark text")]
    nodes = graph.find_elements(By.CSS_SELECTOR, "g.mark-symbol.role-mark path")
    assert len(nodes) == len(labels) and "Branch 251 (al-Khatib)" in labels and "1 StE 9/19" in labels
    ActionChains(browser).move_to_element(nodes[labels.index("Eyad al-Gharib")]).pause(0.3).click().perform()
    _wait(browser, lambda d: "Eyad al-Gharib" in d.find_element(By.TAG_NAME, "h3").text, "the clicked entity's page")
