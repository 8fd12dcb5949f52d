#!/usr/bin/python3
"""Plugs and unplugs fake USB-serial adapters (umockdev testbed) under a running bridge.

Run under umockdev-wrapper with Debian's python3 (which has the GObject bindings):

    umockdev-wrapper /usr/bin/python3 testbed.py SCENARIO REPORT.json -- bedside run --config F --format ndjson

The bridge is started inside the testbed (it inherits umockdev's preload and UMOCKDEV_DIR), so it
sees only the adapters plugged in here, and udev add/remove events reach its netlink monitor.

Scenarios:
  replug   add ftdi-ft232r (a GE simulator answers behind it), wait for `connected`; unplug,
           wait for `disconnected`; plug ftdi-ft232r-replacement (another serial number, the
           same hub socket), wait for `connected`; then SIGTERM.
  cycles:N plug and unplug ftdi-ft232r N times with no device behind it; count the bridge's open
           file descriptors and threads after the first and after the last cycle; then SIGTERM.

REPORT.json gets the bridge's exit status, its feed lines and log lines, and the counts.
Waits are bounded (60 s each) only so a broken bridge fails the test instead of hanging it.
"""
import json, os, queue, re, select, signal, subprocess, sys, threading, time, tty

import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev

HERE = os.path.dirname(os.path.abspath(__file__))
USB = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
WAIT = 60.0


class Bridge:
    def __init__(self, argv, root):
        env = dict(os.environ, UMOCKDEV_DIR=root)
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.feed, self.log = [], []
        # One queue per stream, so waiting on one never discards lines of the other.
        self.queues = {"feed": queue.Queue(), "log": queue.Queue()}
        threading.Thread(target=self._read, args=(self.proc.stdout, self.feed, "feed"), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.log, "log"), daemon=True).start()

    def _read(self, stream, store, kind):
        for line in stream:
            line = line.rstrip("\n")
            store.append(line)
            self.queues[kind].put(line)
        self.queues[kind].put(None)

    def wait_for(self, kind, predicate, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.queues[kind].get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise RuntimeError(f"the bridge closed its {kind} while waiting for {what} (exit {self.proc.wait()})")
            if predicate(line):
                return line
        raise RuntimeError(f"timed out waiting for {what}")

    def wait_log(self, pattern):
        rx = re.compile(pattern)
        return self.wait_for("log", lambda l: rx.search(l) is not None, f"log /{pattern}/")

    def wait_link(self, event, location):
        def match(line):
            try:
                r = json.loads(line)
            except ValueError:
                return False
            return r.get("kind") == "link" and r.get("event") == event and r.get("device", {}).get("location") == location
        return self.wait_for("feed", match, f"link {event} at {location}")

    def counts(self):
        pid = self.proc.pid
        return {"fds": len(os.listdir(f"/proc/{pid}/fd")), "threads": len(os.listdir(f"/proc/{pid}/task"))}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.2)  # let the reader threads take the last lines
        return self.proc.returncode


class Relay:
    """Copies bytes between the fake adapter's pty and a simulator's pty: the device behind the adapter."""

    def __init__(self, simulator_tty):
        self.sim = os.open(simulator_tty, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.sim)
        self.master = None
        self.stopping = threading.Event()
        self.thread = None

    def attach(self, master):
        self.detach()
        self.master = master
        self.stopping.clear()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def detach(self):
        if self.thread:
            self.stopping.set()
            self.thread.join()
            self.thread = None

    def _run(self):
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.master, self.sim], [], [], 0.05)
            for fd in ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    # EIO on the adapter's side while the bridge has the port closed (a pty master
                    # without its slave): wait for the next open.
                    time.sleep(0.02)
                    continue
                if data:
                    os.write(self.sim if fd == self.master else self.master, data)


class Socket:
    """Hub socket 1-2, where adapters are plugged in and pulled out.

    umockdev 0.17 cannot create a device node whose name it handed out before in the same
    testbed (nor clean up a removed device's bus links), so every plug gets the next free
    ttyUSB number, as the kernel does while the previous node is still held open, and an unplug
    removes the dangling bus links itself.
    """

    def __init__(self, tb):
        self.tb = tb
        self.plugs = 0
        self.node = None

    def plug(self, name):
        self.node = f"ttyUSB{self.plugs}"
        self.plugs += 1
        with open(os.path.join(HERE, name + ".umockdev")) as f:
            assert self.tb.add_from_string(f.read().replace("ttyUSB0", self.node))
        return "/dev/" + self.node

    def unplug(self):
        chain = [f"{USB}/1-2:1.0/{self.node}/tty/{self.node}", f"{USB}/1-2:1.0/{self.node}", f"{USB}/1-2:1.0", USB]
        for path in chain:
            self.tb.uevent(path, "remove")
        for path in chain:
            self.tb.remove_device(path)
        # remove_device leaves the links to the removed devices behind (/sys/bus/*/devices,
        # /sys/dev/char, /sys/class, /dev/serial); adding them again would fail on the existing links.
        for folder, dirs, files in os.walk(self.tb.get_root_dir()):
            for name in dirs + files:
                link = os.path.join(folder, name)
                if os.path.islink(link) and not os.path.exists(link):
                    os.unlink(link)


def main():
    scenario, report_path = sys.argv[1], sys.argv[2]
    argv = sys.argv[sys.argv.index("--") + 1:]
    tb = UMockdev.Testbed.new()
    socket = Socket(tb)
    bridge = Bridge(argv, tb.get_root_dir())
    report = {"scenario": scenario}
    simulator = None
    try:
        bridge.wait_log(r"listening for serial ports through udev")
        if scenario == "replug":
            bedside = argv[0]
            simulator = subprocess.Popen([bedside, "simulate", "ge-datex"], stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True)
            relay = Relay(simulator.stdout.readline().strip())
            node = socket.plug("ftdi-ft232r")
            relay.attach(tb.get_dev_fd(node))
            bridge.wait_link("connected", "chair-1")
            relay.detach()
            socket.unplug()
            bridge.wait_link("disconnected", "chair-1")
            bridge.wait_log(r"chair-1: session on /dev/ttyUSB0 ended \(sessions running: 0\)")
            node = socket.plug("ftdi-ft232r-replacement")
            relay.attach(tb.get_dev_fd(node))
            bridge.wait_link("connected", "chair-1")
            relay.detach()
        elif scenario.startswith("cycles:"):
            n = int(scenario.split(":")[1])
            for i in range(n):
                node = socket.plug("ftdi-ft232r")
                bridge.wait_link("requesting", "chair-1")
                socket.unplug()
                bridge.wait_log(r"chair-1: session on " + node + r" ended \(sessions running: 0\)")
                if i == 0:
                    report["afterFirst"] = bridge.counts()
            report["afterLast"] = bridge.counts()
            report["cycles"] = n
        report["error"] = None
    except Exception as e:  # reported to the test, which fails with it
        report["error"] = str(e)
    report["exit"] = bridge.stop()
    if simulator:
        simulator.terminate()
        simulator.wait()
    report["feed"] = bridge.feed
    report["log"] = bridge.log
    with open(report_path, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
