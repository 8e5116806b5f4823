"""mbpoll_check.py - sim.mbpoll and sim.mbpoll_rtu: mbpoll (a Modbus master
nobody here wrote) reads and writes the simulator's devices at the addresses
firmware-sim/REGISTERS.md documents.

  mbpoll_check.py plc   the PLC over Modbus TCP, unit 1
  mbpoll_check.py rtu   the I/O module over Modbus RTU on its pty, unit 2
"""
import os
import re
import select
import subprocess
import sys
import time
import tty

sys.path.insert(0, os.path.dirname(__file__))
from simctl import Sim  # noqa: E402


def mbpoll(args, target, *values, expect_ok=True):
    cmd = ["mbpoll", "-0", "-1", "-o", "2"] + args + [target] + [str(v) for v in values]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    if expect_ok and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s %s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    vals = [int(v, 0) for v in re.findall(r"^\[\d+\]:\s+(-?(?:0x)?[0-9A-Fa-f]+)", p.stdout, re.M)]
    return p, vals


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


def plc(sim):
    tcp = ["-m", "tcp", "-p", str(sim.port), "-a", "1"]
    host = sim.host
    _, v = mbpoll(tcp + ["-t", "3", "-r", "0", "-c", "3"], host)
    check(v == [1, 2, 1], "IR 0..2 = map version 1, line Stopped (2), mode auto (1)")
    _, v = mbpoll(tcp + ["-t", "3", "-r", "15"], host)
    check(v == [16], "IR 15 queue capacity 16")
    _, v = mbpoll(tcp + ["-t", "3", "-r", "32", "-c", "6"], host)
    check(v == [20] * 6, "IR 32..37 magazines full (20)")
    _, v = mbpoll(tcp + ["-t", "3", "-r", str(72 + 16 * 3 + 10)], host)
    check(v == [130], "IR 130 station 5 nominal cycle 13.0 s (tenths)")

    # Coil 2 = RESET, then the line is Idle (4); DI 0 running stays 0.
    mbpoll(tcp + ["-t", "0", "-r", "2"], host, 1)
    time.sleep(0.2)
    _, v = mbpoll(tcp + ["-t", "3", "-r", "1"], host)
    check(v == [4], "coil 2 (RESET) -> IR 1 line state Idle (4)")
    _, v = mbpoll(tcp + ["-t", "0", "-r", "0", "-c", "4"], host)
    check(v == [0, 0, 0, 0], "push-button coils read back 0 after the scan")

    # Claim mailbox 3 with token 0x12345678 as one FC16 write of two registers.
    mbpoll(tcp + ["-t", "4", "-r", "24"], host, 0x1234, 0x5678)
    _, v = mbpoll(tcp + ["-t", "3:int", "-B", "-r", str(296 + 3 * 8 + 4)], host)
    check(v == [0x12345678], "mailbox 3 owner, 32-bit high word first (mbpoll -B)")
    p, _ = mbpoll(tcp + ["-t", "4", "-r", "24"], host, 0x1111, 0x2222, expect_ok=False)
    check(p.returncode != 0 or "Slave device or server is busy" in (p.stdout + p.stderr),
          "a second token on mailbox 3 is refused (exception 6)")
    _, v = mbpoll(tcp + ["-t", "4", "-r", "24", "-c", "2"], host)
    check(v == [0x1234, 0x5678], "owner unchanged after the refused claim")

    # SUBMIT_ORDER: SEQ 7, colour 3 (green), engrave 1.
    mbpoll(tcp + ["-t", "4", "-r", "26"], host, 7, 1, 3, 1, 42, 0)
    _, v = mbpoll(tcp + ["-t", "3", "-r", str(296 + 24), "-c", "4"], host)
    check(v[0] == 7 and v[1] == 1 and v[2] == 0 and v[3] == 1,
          "answer: ACK_SEQ 7, RESULT ok, ORDER 1 (u32 high word first)")
    _, v = mbpoll(tcp + ["-t", "3", "-r", "168", "-c", "4"], host)
    check(v == [0, 1, 3, 1], "queue entry 0: order 1, green, engrave")
    # The same SEQ again: no second order.
    mbpoll(tcp + ["-t", "4", "-r", "26"], host, 7, 1, 3, 1, 42, 0)
    _, v = mbpoll(tcp + ["-t", "3:int", "-B", "-r", "12"], host)
    check(v == [1], "retried SEQ 7 made no second order (IR 12 submitted = 1)")
    # A request into a free mailbox is refused (exception 3).
    p, _ = mbpoll(tcp + ["-t", "4", "-r", "34"], host, 1, 1, 1, 0, 0, 0, expect_ok=False)
    check(p.returncode != 0 or "Illegal data value" in (p.stdout + p.stderr),
          "request into free mailbox 4 refused (exception 3)")
    # Out of the table: exception 2.
    p, _ = mbpoll(tcp + ["-t", "3", "-r", "359", "-c", "2"], host, expect_ok=False)
    check(p.returncode != 0 or "Illegal data address" in (p.stdout + p.stderr),
          "reading past IR 359 refused")
    sim.cmd("delay plc 500")
    p, _ = mbpoll(tcp + ["-o", "0.2", "-t", "3", "-r", "0"], host, expect_ok=False)
    check(p.returncode != 0, "delay plc 500: a 0.2 s timeout expires")
    sim.cmd("delay plc 0")
    time.sleep(0.5)
    # The e-stop through the control socket shows in DI 2 and aborts the line.
    sim.cmd("estop press")
    time.sleep(0.1)
    _, v = mbpoll(tcp + ["-t", "1", "-r", "0", "-c", "3"], host)
    check(v == [0, 1, 1], "e-stop: DI 1 alarm active, DI 2 e-stop open")
    _, v = mbpoll(tcp + ["-t", "3", "-r", "40", "-c", "4"], host)
    check(v == [1, 0, 0, 3], "alarm table entry 0: ESTOP, line, active+unacked")


def rtu(sim):
    rtu_args = ["-m", "rtu", "-b", "115200", "-P", "none", "-a", "2"]
    port = sim.io
    _, v = mbpoll(rtu_args + ["-t", "1", "-r", "0", "-c", "2"], port)
    check(v == [0, 1], "DI 0 start button released, DI 1 e-stop chain ok")
    _, v = mbpoll(rtu_args + ["-t", "3", "-r", "1", "-c", "2"], port)
    check(v == [0x4D46, 0x0100], "IR 1 module id 0x4D46, IR 2 firmware 1.0")
    mbpoll(rtu_args + ["-t", "0", "-r", "0"], port, 1)
    mbpoll(rtu_args + ["-t", "0", "-r", "3"], port, 1)
    st = sim.status()
    check(st["io.light"] == "green=1 orange=0 red=0 buzzer=1", "coils 0 and 3 -> green and buzzer on")
    _, v = mbpoll(rtu_args + ["-t", "4", "-r", "0"], port)
    check(v == [0b1001], "HR 0 mirrors the coils")
    mbpoll(rtu_args + ["-t", "4", "-r", "0"], port, 0b0100)
    _, v = mbpoll(rtu_args + ["-t", "0", "-r", "0", "-c", "4"], port)
    check(v == [0, 0, 1, 0], "writing HR 0 sets all coils (red only)")
    sim.cmd("button click")
    sim.cmd("estop press")
    _, v = mbpoll(rtu_args + ["-t", "3", "-r", "0", "-c", "5"], port)
    check(v == [0, 0x4D46, 0x0100, 1, 1], "e-stop open: inputs word 0, start count 1, e-stop count 1")
    p, _ = mbpoll(["-m", "rtu", "-b", "115200", "-P", "none", "-a", "7", "-t", "3", "-r", "0"], port,
                  expect_ok=False)
    check(p.returncode != 0 or "timed out" in (p.stdout + p.stderr).lower(),
          "another slave id gets no answer")
    _, v = mbpoll(rtu_args + ["-t", "3", "-r", "3"], port)
    check(v == [1], "slave 2 still answers after a request for slave 7")
    # A broadcast write (slave 0), by hand: applied, not answered.
    fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    frame = bytes([0, 5, 0, 1, 0xFF, 0])  # FC05 coil 1 (orange) on
    os.write(fd, frame + crc16(frame))
    r, _, _ = select.select([fd], [], [], 0.3)
    check(not r, "broadcast: no answer")
    os.close(fd)
    check(sim.status()["io.light"].startswith("green=0 orange=1"), "broadcast: orange on")
    sim.cmd("corrupt io 1")
    p, _ = mbpoll(rtu_args + ["-t", "3", "-r", "1"], port, expect_ok=False)
    check(p.returncode != 0 and "crc" in (p.stdout + p.stderr).lower(), "corrupt io 1: mbpoll sees a CRC error")
    _, v = mbpoll(rtu_args + ["-t", "3", "-r", "1"], port)
    check(v == [0x4D46], "the answer after it is good again")
    sim.cmd("delay io 600")
    p, _ = mbpoll(rtu_args + ["-o", "0.3", "-t", "3", "-r", "1"], port, expect_ok=False)
    check(p.returncode != 0, "delay io 600: a 0.3 s timeout expires")
    sim.cmd("delay io 0")
    time.sleep(0.5)
    _, v = mbpoll(rtu_args + ["-t", "3", "-r", "1"], port)
    check(v == [0x4D46], "no delay: answers again")


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "plc"
    with Sim("--speed", "10") as sim:
        if which == "plc":
            plc(sim)
        else:
            rtu(sim)
    return 0


if __name__ == "__main__":
    sys.exit(main())
