"""First-search latency of the Streamlit app on the sample corpus: app start-up → first search answered.

    .venv/bin/python tests/benchmarks/ui_first_search.py [--data DIR] [--browser] [--delay 3]

Each measurement runs in a fresh Python process, so nothing is cached from a previous one. Printed:
- AppTest, query typed at once: start-up to the first page, the first search (which waits for the
  background warm-up), and the search itself as timed by the app (the "· N ms" the page shows);
- AppTest, query typed after --delay seconds (a person reading the page first): the same figures;
- with --browser: `dalil ui` in a real headless Chromium: server ready, search box shown, first search
  answered (typed at once), and the app's own figure for the search itself.
Without --data the sample corpus is ingested into a temporary folder first (about 30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ["Freitagsgebet Moschee Barakat", "جائحة كورونا", "forensic pathologist"]
SEARCH_MS = re.compile(r"passages? match .* · (\d+) ms")


def _shown_ms(markdowns) -> float | None:
    for value in markdowns:
        match = SEARCH_MS.search(value)
        if match:
            return float(match.group(1))
    return None


def apptest_run(data: str, delay: float) -> dict:
    """In this process: start the app with AppTest, wait `delay` s, search three times."""
    os.environ["DALIL_DATA"] = data
    from streamlit.testing.v1 import AppTest

    started = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=120)
    app.run()
    first_page = time.perf_counter() - started
    time.sleep(delay)
    out = {"first_page_s": round(first_page, 3), "delay_s": delay, "searches": []}
    for query in QUERIES:
        before = time.perf_counter()
        app.text_input(key="query").input(query).run()
        answered = time.perf_counter() - before
        assert not app.exception, app.exception
        out["searches"].append({"query": query, "answered_s": round(answered, 3), "search_itself_ms": _shown_ms([m.value for m in app.markdown])})
    out["start_to_first_answer_s"] = round(first_page + delay + out["searches"][0]["answered_s"], 3)
    return out


def browser_run(data: str) -> dict:
    import signal
    import socket
    import urllib.request

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    os.environ["SE_OFFLINE"] = "true"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ui", "--data", data, "--port", str(port), "--headless"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1400,1800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        server_ready = time.perf_counter() - started
        driver.get(f"http://localhost:{port}/")
        wait = WebDriverWait(driver, 120, poll_frequency=0.05)
        box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, 'input[aria-label="Search"]'))
        search_box = time.perf_counter() - started
        before = time.perf_counter()
        box.send_keys(QUERIES[0], Keys.ENTER)
        wait.until(lambda d: SEARCH_MS.search(d.find_element(By.TAG_NAME, "body").text))
        answered = time.perf_counter() - before
        shown = _shown_ms([driver.find_element(By.TAG_NAME, "body").text])
        return {"server_ready_s": round(server_ready, 3), "search_box_shown_s": round(search_box, 3),
                "first_search_answered_s": round(answered, 3), "search_itself_ms": shown,
                "start_to_first_answer_s": round(search_box + answered, 3)}
    finally:
        driver.quit()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _in_fresh_process(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="an ingested data folder (default: ingest corpora/sample into a temporary one)")
    parser.add_argument("--browser", action="store_true", help="also measure in a real headless Chromium")
    parser.add_argument("--delay", type=float, default=3.0, help="seconds a person takes to type the first query (default: %(default)s)")
    parser.add_argument("--child", choices=["apptest", "browser"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child == "apptest":
        print(json.dumps(apptest_run(args.data, args.delay)))
        return 0
    if args.child == "browser":
        print(json.dumps(browser_run(args.data)))
        return 0
    data = args.data
    if data is None:
        data = tempfile.mkdtemp(prefix="dalil-bench-ui-")
        subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(ROOT / "corpora" / "sample"), "--data", data, "-q"], cwd=ROOT, check=True)
    report = {"immediate": _in_fresh_process("--child", "apptest", "--data", data, "--delay", "0"),
              f"after_{args.delay:g}s": _in_fresh_process("--child", "apptest", "--data", data, "--delay", str(args.delay))}
    if args.browser:
        report["browser"] = _in_fresh_process("--child", "browser", "--data", data)
    for name, figures in report.items():
        print(f"{name}:")
        for key, value in figures.items():
            if key != "searches":
                print(f"  {key}: {value}")
        for search in figures.get("searches", []):
            print(f"  search {search['query']!r}: answered in {search['answered_s']} s (search itself {search['search_itself_ms']} ms)")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
