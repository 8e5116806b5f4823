"""plc_clients.py - sim.plc_clients: minifab-sim's PLC as a server that
strangers cannot lock up (issue 14):
  - 64 idle connections held open do not lock a real client out (the one
    silent longest makes room) and are closed after --plc-idle seconds;
  - a client sending a frame one byte every 30 ms delays nobody else;
  - a busy port says "address already in use", with --quiet too;
  - a write touching a reserved coil answers exception 2 and presses nothing.
Raw sockets only, so the frames are exactly what the test says."""
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from simctl import Sim  # noqa: E402

BIN = os.path.join(os.environ.get("MINIFAB_BIN_DIR", "build/bin"), "minifab-sim")


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


def read_ir0(host, port, timeout=1.0):
    """Connects, reads IR 0 (FC04), returns (value, seconds) or (reason, seconds)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        return "connect: %s" % e, time.monotonic() - t0
    s.settimeout(timeout)
    try:
        s.sendall(bytes([0, 1, 0, 0, 0, 6, 1, 4, 0, 0, 0, 1]))
        data = b""
        while len(data) < 11:
            d = s.recv(64)
            if not d:
                return "closed", time.monotonic() - t0
            data += d
        return (data[9] << 8) | data[10], time.monotonic() - t0
    except socket.timeout:
        return "timeout", time.monotonic() - t0
    finally:
        s.close()


def main():
    with Sim("--plc-idle", "2") as sim:
        # 64 idle connections, then a real client.
        idle = [socket.create_connection((sim.host, sim.port)) for _ in range(64)]
        time.sleep(0.2)
        v, dt = read_ir0(sim.host, sim.port)
        check(v == 1, "a real client reads IR 0 with 64 idle connections open (%.0f ms)" % (dt * 1000))
        # The idle ones are closed after --plc-idle 2 s.
        time.sleep(2.6)
        closed = 0
        for s in idle:
            s.settimeout(0.5)
            try:
                closed += s.recv(1) == b""
            except ConnectionResetError:
                closed += 1
            except socket.timeout:
                pass
            s.close()
        check(closed == 64, "every idle connection closed after --plc-idle 2 (%d of 64)" % closed)

        # A slow client: one byte every 30 ms, while another reads.
        slow = socket.create_connection((sim.host, sim.port))
        frame = bytes([0, 9, 0, 0, 0, 6, 1, 4, 0, 0, 0, 10])
        stop = threading.Event()

        def dribble():
            for b in frame:
                if stop.is_set():
                    return
                slow.sendall(bytes([b]))
                time.sleep(0.03)

        t = threading.Thread(target=dribble)
        t.start()
        worst = 0.0
        for _ in range(10):
            v, dt = read_ir0(sim.host, sim.port)
            if v != 1:
                check(False, "read during a dribbled frame: %s" % v)
            worst = max(worst, dt)
            time.sleep(0.02)
        t.join()
        check(worst < 0.2, "a client dribbling a frame delays nobody (worst read %.1f ms)" % (worst * 1000))
        slow.settimeout(1.0)
        data = slow.recv(64)
        check(len(data) == 9 + 20 and data[7] == 4, "the dribbled frame is answered whole once complete")
        slow.close()

        # Reserved coils (REGISTERS.md (b)): exception 2, nothing pressed.
        sim.cmd("plc reset")
        time.sleep(2.5)
        check(sim.status()["plc.state"] == "Idle", "line Idle before the coil test")
        s = socket.create_connection((sim.host, sim.port), timeout=1)
        # FC15: coils 0..4 (START and reserved 4), all 1.
        s.sendall(bytes([0, 2, 0, 0, 0, 8, 1, 15, 0, 0, 0, 5, 1, 0x1F]))
        data = s.recv(64)
        check(data[7] == 0x8F and data[8] == 2, "a write touching reserved coil 4 answers exception 2")
        time.sleep(0.1)
        check(sim.status()["plc.state"] == "Idle", "and presses none of its buttons (START ignored)")
        s.close()

    # --scan-ms 300: a write is answered at once, its echo comes within a scan
    # (REGISTERS.md (i)).
    with Sim("--scan-ms", "300") as sim:
        s = socket.create_connection((sim.host, sim.port), timeout=1)
        t0 = time.monotonic()
        s.sendall(bytes([0, 3, 0, 0, 0, 11, 1, 16, 0, 8, 0, 2, 4, 0x12, 0x34, 0x56, 0x78]))
        data = s.recv(64)
        answered = time.monotonic() - t0
        check(data[7] == 16, "claim of mailbox 1 answered normally")
        check(answered < 0.1, "the write's answer is not delayed by the scan (%.0f ms)" % (answered * 1000))
        seen = None
        while time.monotonic() - t0 < 1.0:
            s.sendall(bytes([0, 4, 0, 0, 0, 6, 1, 4, 0x01, 0x34, 0, 2]))  # IR 308..309
            r = s.recv(64)
            if r[9:13] == bytes([0x12, 0x34, 0x56, 0x78]):
                seen = time.monotonic() - t0
                break
            time.sleep(0.01)
        check(seen is not None and seen <= 0.5,
              "the owner echo shows within a scan, under MAX_SCAN_MS (%s)" % ("%.0f ms" % (seen * 1000) if seen else "never"))
        s.close()

    # A busy port, with --quiet: the reason on stderr anyway.
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen(1)
    port = holder.getsockname()[1]
    for quiet in ([], ["--quiet"]):
        p = subprocess.run([BIN, "--plc-port", str(port), "--io-pty", "none", "--engraver-pty", "none",
                            "--scanner-pty", "none", "--control", "none"] + quiet,
                           capture_output=True, text=True, timeout=10)
        check(p.returncode != 0 and "address already in use" in p.stderr,
              "busy port%s: 'address already in use' on stderr" % (" with --quiet" if quiet else ""))
        check(p.stderr.count("address already in use") == 1, "said once")
    holder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
