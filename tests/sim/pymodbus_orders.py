"""pymodbus_orders.py - sim.pymodbus_orders: two pymodbus clients (a peer
nobody here wrote) follow the order handshake of firmware-sim/REGISTERS.md
against minifab-sim at the same instant, and every order is delivered exactly
once.

Checks, in order:
  1. a race for one mailbox: the second claim of mailbox 0 with another token
     answers exception 6 and leaves the first owner in place;
  2. two clients claim mailboxes and submit 6 orders each, released together
     by a barrier; each answer echoes the client's SEQ; a retried request
     (same SEQ) makes no second order;
  3. the line (started through the coils) makes every piece; the clients
     answer ENGRAVE_DONE for their own engraved orders; the finished ring
     shows each of the 12 order ids exactly once, delivered, and nothing else.
"""
import os
import struct
import sys
import threading
import time

from pymodbus.client import ModbusTcpClient

sys.path.insert(0, os.path.dirname(__file__))
from simctl import Sim  # noqa: E402

UNIT = 1
HR_MBOX = lambda k: 8 * k  # noqa: E731
IR_MBOX = lambda k: 296 + 8 * k  # noqa: E731
IR_LINE_STATE, IR_GOOD, IR_SUBMITTED, IR_ENGRAVE_ORDER, IR_FINISHED = 1, 8, 12, 18, 24
IR_FINISHED_LOG = 232
DI_ENGRAVE_WAITING = 3
CO_START, CO_RESET = 0, 2
CMD_SUBMIT, CMD_ENGRAVE_DONE, CMD_RELEASE = 1, 2, 9
RES_OK = 1
ORDERS_PER_CLIENT = 6


def u32(regs, i):
    return (regs[i] << 16) | regs[i + 1]


def ir(client, addr, count):
    r = client.read_input_registers(addr, count, slave=UNIT)
    assert not r.isError(), r
    return r.registers


def new_token():
    while True:
        t = struct.unpack(">I", os.urandom(4))[0]
        if t:
            return t


class Kiosk:
    def __init__(self, host, port, name):
        self.c = ModbusTcpClient(host, port=port, timeout=2)
        assert self.c.connect()
        self.name = name
        self.token = new_token()
        self.slot = None
        self.seq = 0
        self.orders = {}  # id -> engrave
        self.engraved = set()

    def claim(self):
        for k in range(8):
            owner = u32(ir(self.c, IR_MBOX(k) + 4, 2), 0)
            if owner:
                continue
            r = self.c.write_registers(HR_MBOX(k), [self.token >> 16, self.token & 0xFFFF], slave=UNIT)
            if r.isError():
                continue  # someone else was faster: exception 6
            back = u32(ir(self.c, IR_MBOX(k) + 4, 2), 0)
            assert back == self.token, "claimed mailbox %d shows %08x" % (k, back)
            self.slot = k
            return k
        raise AssertionError("no free mailbox")

    def request(self, cmd, args, retry=False):
        self.seq = self.seq % 65535 + 1
        # Token, SEQ, CMD, ARGs in one write (REGISTERS.md, step 2).
        regs = [self.token >> 16, self.token & 0xFFFF, self.seq, cmd] + list(args) + [0] * (4 - len(args))
        r = self.c.write_registers(HR_MBOX(self.slot), regs, slave=UNIT)
        assert not r.isError(), r
        before = None
        if retry:
            before = ir(self.c, IR_MBOX(self.slot), 8)
            r = self.c.write_registers(HR_MBOX(self.slot), regs, slave=UNIT)
            assert not r.isError(), r
        for _ in range(200):
            a = ir(self.c, IR_MBOX(self.slot), 8)
            if a[0] == self.seq:
                if before is not None:
                    assert a[7] == before[7], "retry handled twice"
                return a[1], u32(a, 2)
            time.sleep(0.005)
        raise AssertionError("no answer for SEQ %d" % self.seq)

    def submit(self, colour, engrave, retry=False):
        res, oid = self.request(CMD_SUBMIT, [colour, engrave, 0], retry)
        assert res == RES_OK, "submit refused: %d" % res
        assert oid not in self.orders
        self.orders[oid] = engrave
        return oid

    def serve_engraving(self):
        di = self.c.read_discrete_inputs(DI_ENGRAVE_WAITING, 1, slave=UNIT)
        if di.isError() or not di.bits[0]:
            return
        oid = u32(ir(self.c, IR_ENGRAVE_ORDER, 2), 0)
        if oid in self.orders and oid not in self.engraved:
            res, _ = self.request(CMD_ENGRAVE_DONE, [oid >> 16, oid & 0xFFFF, 1])
            assert res == RES_OK, "ENGRAVE_DONE refused: %d" % res
            self.engraved.add(oid)


def main():
    with Sim("--speed", "100", "--reject-rate", "0") as sim:
        # 1. a race for one mailbox
        a = ModbusTcpClient(sim.host, port=sim.port, timeout=2)
        b = ModbusTcpClient(sim.host, port=sim.port, timeout=2)
        assert a.connect() and b.connect()
        ta, tb = new_token(), new_token()
        ra = a.write_registers(0, [ta >> 16, ta & 0xFFFF], slave=UNIT)
        rb = b.write_registers(0, [tb >> 16, tb & 0xFFFF], slave=UNIT)
        assert not ra.isError(), ra
        assert rb.isError() and getattr(rb, "exception_code", None) == 6, rb
        assert u32(ir(a, IR_MBOX(0) + 4, 2), 0) == ta
        half = b.write_register(1, 7, slave=UNIT)
        assert half.isError() and half.exception_code == 3, half
        # b's request carrying its own token into a's mailbox: refused.
        stray = b.write_registers(0, [tb >> 16, tb & 0xFFFF, 1, CMD_SUBMIT, 1, 0, 0, 0], slave=UNIT)
        assert stray.isError() and stray.exception_code == 6, stray
        assert u32(ir(a, IR_SUBMITTED, 2), 0) == 0
        # Only the owner frees a mailbox (REGISTERS.md (a)): zeros are refused,
        # RELEASE with the token frees it.
        free = b.write_registers(0, [0, 0], slave=UNIT)
        assert free.isError() and free.exception_code == 6, free
        assert u32(ir(a, IR_MBOX(0) + 4, 2), 0) == ta
        rel = a.write_registers(0, [ta >> 16, ta & 0xFFFF, 1, CMD_RELEASE, 0, 0, 0, 0], slave=UNIT)
        assert not rel.isError(), rel
        assert u32(ir(a, IR_MBOX(0) + 4, 2), 0) == 0
        a.close()
        b.close()
        print("race for mailbox 0: second claim refused with exception 6")

        # 2. two kiosks submit at the same instant
        k1 = Kiosk(sim.host, sim.port, "kiosk-1")
        k2 = Kiosk(sim.host, sim.port, "kiosk-2")
        barrier = threading.Barrier(2)
        errors = []

        def run(k, colour):
            try:
                barrier.wait()
                k.claim()
                barrier.wait()
                for i in range(ORDERS_PER_CLIENT):
                    k.submit(colour, i % 2, retry=(i == 0))
            except Exception as e:  # reported by the main thread
                errors.append("%s: %r" % (k.name, e))

        threads = [threading.Thread(target=run, args=(k1, 1)), threading.Thread(target=run, args=(k2, 2))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert k1.slot != k2.slot
        ids = list(k1.orders) + list(k2.orders)
        assert len(set(ids)) == 2 * ORDERS_PER_CLIENT, ids
        assert u32(ir(k1.c, IR_SUBMITTED, 2), 0) == 2 * ORDERS_PER_CLIENT
        print("mailboxes %d and %d, orders %s and %s" % (k1.slot, k2.slot, sorted(k1.orders), sorted(k2.orders)))

        # 3. run the line through the coils, serve engraving, watch deliveries
        k1.c.write_coil(CO_RESET, True, slave=UNIT)
        deadline = time.monotonic() + 5
        while ir(k1.c, IR_LINE_STATE, 1)[0] != 4:  # Idle
            assert time.monotonic() < deadline, "never Idle"
            time.sleep(0.01)
        k1.c.write_coil(CO_START, True, slave=UNIT)
        seen = {}
        done = 0
        deadline = time.monotonic() + 60
        while len(seen) < 2 * ORDERS_PER_CLIENT:
            assert time.monotonic() < deadline, "pieces missing: have %s" % sorted(seen)
            k1.serve_engraving()
            k2.serve_engraving()
            finished = u32(ir(k1.c, IR_FINISHED, 2), 0)
            if finished > done:
                assert finished - done <= 16, "missed finished pieces"
                ring = ir(k1.c, IR_FINISHED_LOG, 64)
                for n in range(done + 1, finished + 1):
                    e = 4 * ((n - 1) % 16)
                    oid, outcome = u32(ring, e), ring[e + 2]
                    assert oid not in seen, "order %d finished twice" % oid
                    assert oid in ids, "unknown order %d finished" % oid
                    seen[oid] = outcome
                done = finished
            time.sleep(0.01)
        assert all(o == 1 for o in seen.values()), seen
        assert u32(ir(k1.c, IR_GOOD, 2), 0) == 2 * ORDERS_PER_CLIENT
        engraved = k1.engraved | k2.engraved
        assert engraved == {i for i in ids if (k1.orders.get(i) or k2.orders.get(i))}, engraved
        print("all %d orders delivered exactly once (%d engraved by their own kiosk)" % (len(seen), len(engraved)))
        k1.c.close()
        k2.c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
