"""simctl.py - helpers for the firmware-sim tests written in Python: start
minifab-sim on unique paths and a free port, talk to its control socket, and
always stop it. Run by Debian's /usr/bin/python3 (pymodbus 3.0 lives there)."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time


class Sim:
    def __init__(self, *extra):
        bindir = os.environ.get("MINIFAB_BIN_DIR", os.path.join(os.getcwd(), "build", "bin"))
        self.dir = tempfile.mkdtemp(prefix="minifab-sim-test-")
        self.io = os.path.join(self.dir, "io")
        self.engraver = os.path.join(self.dir, "engraver")
        self.scanner = os.path.join(self.dir, "scanner")
        self.control = os.path.join(self.dir, "ctl")
        args = [os.path.join(bindir, "minifab-sim"), "--plc-port", "0",
                "--io-pty", self.io, "--engraver-pty", self.engraver,
                "--scanner-pty", self.scanner, "--control", self.control,
                "--log-level", "warn"] + list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"ready plc=([\d.]+):(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("minifab-sim did not start: %r" % line)
        self.host, self.port = m.group(1), int(m.group(2))
        self.ctl = socket.socket(socket.AF_UNIX)
        self.ctl.connect(self.control)
        self.ctl_buf = b""

    def cmd(self, line):
        """Sends one control command; returns its data lines; raises on error."""
        self.ctl.sendall((line + "\n").encode())
        lines = []
        while True:
            while b"\n" not in self.ctl_buf:
                d = self.ctl.recv(65536)
                if not d:
                    raise RuntimeError("control socket closed")
                self.ctl_buf += d
            l, self.ctl_buf = self.ctl_buf.split(b"\n", 1)
            l = l.decode()
            if l == "ok":
                return lines
            if l.startswith("error:"):
                raise RuntimeError("%s -> %s" % (line, l))
            lines.append(l)

    def status(self):
        out = {}
        for l in self.cmd("status"):
            k, _, v = l.partition(" ")
            out[k] = v
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for p in ("io", "engraver", "scanner"):
            if os.path.lexists(getattr(self, p, "")):
                raise AssertionError("link %s left behind" % p)
        try:
            os.rmdir(self.dir)
        except OSError:
            pass
        # 0 after SIGTERM; anything else is a crash or a sanitizer report.
        if self.proc.returncode != 0:
            raise AssertionError("minifab-sim exited with status %d" % self.proc.returncode)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.stop()
        else:
            try:
                self.stop()
            except AssertionError as e:
                print("also:", e)
        return False
