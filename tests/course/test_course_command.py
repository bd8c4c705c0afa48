"""`scripts/course`, the first command of the README, really opens the course.

It is started the way a new user starts it (as root in a container too, where JupyterLab needs
``--allow-root``), headless on a free local port; the test waits until the server answers,
fetches the course index through the contents API and stops the server.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def test_scripts_course_serves_the_index_notebook(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    log = (tmp_path / "jupyter.log").open("w")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "course"), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")})
    base = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log_text = (tmp_path / "jupyter.log").read_text()
                pytest.fail(f"scripts/course exited with {server.returncode}:\n{log_text}")
            try:
                get(f"{base}/status?token={token}")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("no answer after 60 s:\n" + (tmp_path / "jupyter.log").read_text())
                time.sleep(0.5)
        index = get(f"{base}/contents/course/index.ipynb?token={token}")
        assert index["type"] == "notebook"
        assert index["content"]["cells"][0]["id"] == "welcome"
        assert "Autograd" in "".join(index["content"]["cells"][0]["source"])
        # The widgets and chapter 9's draggable explorer (ipympl) need their lab extensions.
        extensions = {ext["name"] for ext in get(f"{base.removesuffix('/api')}/lab/api/extensions"
                                                 f"?token={token}")}
        assert {"jupyter-widgets-jupyterlab-manager", "jupyter-matplotlib"} <= extensions
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
