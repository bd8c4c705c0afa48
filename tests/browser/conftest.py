"""Fixtures for the real-browser widget tests: one JupyterLab server and one Chromium per worker.

JupyterLab listens on a free port on 127.0.0.1 behind a random token and serves a temporary
copy of ``tests/browser/notebooks``. Chromium is Debian's (``/usr/bin/chromium``); Playwright
never downloads a browser. Without Chromium or Playwright every test here is skipped with the
reason. All browser tests share the xdist group "browser", so ``pytest -n 2 --dist loadgroup``
runs them in one worker with one server; under plain ``-n`` each worker starts its own.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(__file__).parent / "notebooks"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("AK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: its base ``url``, ``token`` and the served folder ``root``."""

    def __init__(self, url: str, token: str, root: Path):
        self.url, self.token, self.root = url, token, root

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed")
    root = tmp_path_factory.mktemp("lab")
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No news or update prompts over the notebook.
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    port, token = _free_port(), secrets.token_hex(16)
    # The kernel imports autograd_kit from this checkout, installed or not.
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": pythonpath, "JUPYTER_RUNTIME_DIR": str(root / ".runtime")}
    log = open(root / "jupyterlab.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={root / '.settings'}",
            f"--LabApp.workspaces_dir={root / '.workspaces'}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if hasattr(os, "getuid") and os.getuid() == 0 else []),
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("JupyterLab did not start:\n" + (root / "jupyterlab.log").read_text())
            time.sleep(0.3)
    try:
        yield Lab(url, token, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def open_notebook(browser, lab):
    """``open_notebook(name, ready_selector)``: a page with the notebook opened and run."""
    pages = []

    def open_(name: str, ready_selector: str):
        page = _open_and_run(browser, lab, name, ready_selector)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def _open_and_run(browser, lab, name: str, ready_selector: str, timeout_ms: int = 90_000):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(timeout_ms)
    page.goto(lab.notebook_url(name))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook")
    _wait_for_kernel(page, timeout_ms)
    page.click(".lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    page.wait_for_selector(ready_selector)
    return page


def _wait_for_kernel(page, timeout_ms: int) -> None:
    """Wait until the status bar says the kernel is idle, accepting a kernel dialog if one opens."""
    deadline = time.monotonic() + timeout_ms / 1000
    status = page.locator(".jp-StatusBar-TextItem", has_text="| Idle")
    dialog_accept = page.locator(".jp-Dialog .jp-mod-accept")
    while time.monotonic() < deadline:
        if dialog_accept.count():
            dialog_accept.first.click()
        elif status.count():
            return
        page.wait_for_timeout(200)
    raise TimeoutError("the notebook's kernel did not become idle")
