"""Sesame server processes on loopback: start, wait until loaded, kill -9, peak RSS."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """One `sesame serve` on 127.0.0.1; its output goes to ``log``."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.peak_rss_mb = 0.0
        self._log_file: IO[bytes] | None = None
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180) -> None:
        self._log_file = self.log.open("ab")
        command = [sys.executable, "-m", "sesame", "serve", "--no-demo", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            if self._loaded():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not finish loading in {timeout} s; see {self.log}")

    def _loaded(self) -> bool:
        try:
            body = httpx.get(f"{self.url}/readyz", timeout=1).json()
        except (httpx.TransportError, ValueError):
            return False
        return all(part["state"] != "loading" for part in body["components"].values())

    def sample_rss(self) -> None:
        """Keep the process's peak resident size (VmHWM) while it runs."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_rss_mb = max(self.peak_rss_mb, int(line.split()[1]) / 1024)

    def kill(self) -> None:
        """kill -9: no shutdown, no flush; what was acknowledged must still be there."""
        self.sample_rss()
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        self.sample_rss()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
