"""lifecycle.py - sim.lifecycle: minifab-sim as a process: options, the
scanner, devices dropping off the bus and coming back, the engraver's reset
on open, alarms injected through the control socket, and a clean stop on
SIGTERM that removes every link and the control socket."""
import os
import select
import signal
import socket
import subprocess
import sys
import time
import tty

sys.path.insert(0, os.path.dirname(__file__))
from simctl import Sim  # noqa: E402

BIN = os.path.join(os.environ.get("MINIFAB_BIN_DIR", "build/bin"), "minifab-sim")


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


def read_until(fd, needle, timeout=2.0):
    buf = b""
    end = time.monotonic() + timeout
    while needle not in buf and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            buf += os.read(fd, 4096)
    return buf


def modbus_read(host, port, timeout=0.5):
    """One FC04 read of IR 0 by hand: returns the value, 'refused' or 'timeout'."""
    try:
        s = socket.create_connection((host, port), timeout=timeout)
    except ConnectionRefusedError:
        return "refused"
    s.settimeout(timeout)
    try:
        s.sendall(bytes([0, 1, 0, 0, 0, 6, 1, 4, 0, 0, 0, 1]))
        data = s.recv(64)
        return (data[9] << 8) | data[10] if len(data) >= 11 else "closed"
    except socket.timeout:
        return "timeout"
    finally:
        s.close()


def main():
    p = subprocess.run([BIN, "--help"], capture_output=True, text=True)
    check(p.returncode == 0 and "drop plc|io|engraver|scanner" in p.stdout, "--help lists control commands")
    p = subprocess.run([BIN, "--speed", "0"], capture_output=True, text=True)
    check(p.returncode == 2, "--speed 0 refused with exit status 2")

    with Sim() as sim:
        # A second simulator on the same PLC port fails to start, cleanly.
        p = subprocess.run([BIN, "--plc-port", str(sim.port), "--io-pty", "none", "--engraver-pty", "none",
                            "--scanner-pty", "none", "--control", "none"], capture_output=True, text=True,
                           timeout=10)
        check(p.returncode != 0 and "cannot listen" in p.stderr, "port in use: exits non-zero with a reason")
        p = subprocess.run([BIN, "--plc-port", "0", "--io-pty", "none", "--engraver-pty", "none",
                            "--scanner-pty", "none", "--control", sim.control], capture_output=True, text=True,
                           timeout=10)
        check(p.returncode != 0 and "in use" in p.stderr, "control socket in use: exits non-zero, socket kept")
        check(sim.cmd("help") != [], "the first simulator's control socket still answers")

        # Scanner.
        try:
            sim.cmd("scan T-0001")
            check(False, "scan without a reader must fail")
        except RuntimeError as e:
            check("nobody has the scanner port open" in str(e), "scan with nobody on the port is an error")
        fd = os.open(sim.scanner, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        sim.cmd("scan T-0001")
        sim.cmd("scan T-0002")
        check(read_until(fd, b"T-0002\r\n") == b"T-0001\r\nT-0002\r\n", "scans arrive as CODE CR LF lines")
        sim.cmd("drop scanner 1")
        check(sim.cmd("scan T-0003") == ["scanner is off the bus: code lost"], "dropped scanner loses a scan")
        os.close(fd)

        # PLC off the bus: closed, then muted.
        check(modbus_read(sim.host, sim.port) == 1, "PLC answers IR 0 = 1")
        sim.cmd("drop plc 1 close")
        time.sleep(0.1)
        check(modbus_read(sim.host, sim.port) == "refused", "drop plc close: connection refused")
        time.sleep(1.0)
        check(modbus_read(sim.host, sim.port) == 1, "PLC back after 1 s")
        sim.cmd("drop plc 1 mute")
        check(modbus_read(sim.host, sim.port, 0.3) == "timeout", "drop plc mute: no answer")
        time.sleep(0.8)
        check(modbus_read(sim.host, sim.port) == 1, "PLC answers again")

        # Engraver: banner on every open, alarm injection, muted engraver.
        fd = os.open(sim.engraver, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        check(b"Grbl 1.1h" in read_until(fd, b"help]\r\n"), "banner on open")
        os.close(fd)
        time.sleep(0.1)
        fd = os.open(sim.engraver, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        check(b"Grbl 1.1h" in read_until(fd, b"help]\r\n"), "banner again on re-open (DTR reset)")
        sim.cmd("fault engraver 1")
        check(b"ALARM:1\r\n[MSG:Reset to continue]\r\n" in read_until(fd, b"continue]\r\n"), "fault engraver 1 -> ALARM:1")
        os.write(fd, b"\x18")
        check(b"'$X' to unlock" in read_until(fd, b"unlock]\r\n"), "soft reset after the alarm")
        os.write(fd, b"$X\n")
        check(b"ok\r\n" in read_until(fd, b"ok\r\n"), "$X unlocks")
        sim.cmd("drop engraver 1")
        os.write(fd, b"?")
        check(read_until(fd, b">", 0.4) == b"", "muted engraver does not answer")
        time.sleep(0.7)
        os.write(fd, b"?")
        check(read_until(fd, b">").startswith(b"<Idle"), "engraver answers again")
        os.close(fd)

        # Unplugged serial devices: pty closed and link gone, then back.
        fd = os.open(sim.engraver, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        read_until(fd, b"help]\r\n")
        sim.cmd("drop engraver 1 close")
        time.sleep(0.2)
        check(not os.path.lexists(sim.engraver), "drop engraver close: link removed")
        r, _, _ = select.select([fd], [], [], 0.5)
        hung_up = False
        if r:
            try:
                hung_up = os.read(fd, 100) == b""
            except OSError:
                hung_up = True
        check(hung_up, "the open port hangs up (EIO or EOF)")
        os.close(fd)
        time.sleep(1.0)
        check(os.path.lexists(sim.engraver), "engraver link back after 1 s")
        fd = os.open(sim.engraver, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        check(b"Grbl 1.1h" in read_until(fd, b"help]\r\n"), "banner from the plugged-back engraver")
        os.close(fd)
        sim.cmd("drop scanner 1 close")
        check(not os.path.lexists(sim.scanner), "drop scanner close: link removed")
        check(sim.cmd("scan T-0004") == ["scanner is unplugged: code lost"], "scan while unplugged is lost")
        time.sleep(1.2)
        fd = os.open(sim.scanner, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        sim.cmd("scan T-0005")
        check(read_until(fd, b"\r\n") == b"T-0005\r\n", "scanner plugged back in works")
        os.close(fd)
        sim.cmd("drop io 1 close")
        time.sleep(0.2)
        check(not os.path.lexists(sim.io), "drop io close: link removed")
        time.sleep(1.0)
        check(os.path.lexists(sim.io), "io link back after 1 s")

        # Control commands and their refusals.
        check(sim.cmd("order red engrave") == ["order 1"], "order red engrave -> order 1")
        check(sim.cmd("order 2") == ["order 2"], "order by colour number -> order 2")
        for bad, why in (("order purple", "colour"), ("plc start", "bad state"), ("speed 0", "speed"),
                         ("fault jam 9", "station"), ("drop laser 1", "device"), ("nonsense", "unknown"),
                         ("engrave-done 1", "no such order"), ("delay plc x", "milliseconds")):
            try:
                sim.cmd(bad)
                check(False, "%s must be refused" % bad)
            except RuntimeError as e:
                check(why in str(e), "%r refused: %s" % (bad, str(e).split("-> ")[1]))
        sim.cmd("fault magazine blue")
        st = sim.status()
        check(st["plc.magazine"] == "20 0 20 20 20 20", "fault magazine blue empties it")
        sim.cmd("refill")
        sim.cmd("plc mode maintenance")
        sim.cmd("speed 4")
        st = sim.status()
        check(st["plc.mode"] == "maintenance" and st["plc.speed"] == "4.00" and
              st["plc.magazine"] == "20 " * 5 + "20", "refill, mode, speed show in status")
        sim.cmd("plc mode auto")
        sim.cmd("speed 1")
        sim.cmd("button press")
        check(sim.status()["io.start_button"] == "1", "button press holds input 0")
        sim.cmd("button release")

        # e-stop and reset through the control socket, as staff training does.
        sim.cmd("plc reset")
        sim.cmd("estop press")
        time.sleep(0.7)  # Aborting lasts 0.5 line s
        check(sim.status()["plc.state"] == "Aborted", "estop press -> Aborted")
        sim.cmd("estop release")
        sim.cmd("plc reset")
        time.sleep(3.2)
        check(sim.status()["plc.state"] == "Idle", "release + reset -> Idle")

        links = [sim.io, sim.engraver, sim.scanner, sim.control]
        sim.proc.send_signal(signal.SIGTERM)
        rc = sim.proc.wait(5)
        check(rc == 0, "SIGTERM: exit status 0")
        check(not any(os.path.lexists(p) for p in links), "links and control socket removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
