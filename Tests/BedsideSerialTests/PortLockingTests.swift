import BedsideModel
@testable import BedsideSerial
import BedsideTestSupport
import Glibc
import NIOCore
import Testing

/// Exclusive opens lock the port against every other opener, root included, and give every lock
/// back on every close path. Tests that look at lock files use a private lock directory.
@Suite struct PortLockingTests {
    let settings = SerialSettings(baudRate: 115200)

    func options(exclusive: Bool = true) -> SerialPortOptions {
        SerialPortOptions(settings: settings, exclusive: exclusive)
    }

    /// The issue's first case: after a session through SwiftNIO ends, TIOCEXCL stayed set on the
    /// pseudo-terminal (which outlives our descriptor) and every later non-root open was "busy".
    @Test(.enabled(if: canOpenAsNobody, "needs root, /usr/bin/setpriv and /usr/bin/python3 to open the port as another user"),
          .timeLimit(.minutes(1)))
    func closingTheChannelLeavesThePortFreeForOthers() async throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let path = pty.devicePath
        try #require(chmod(path, 0o666) == 0)

        let port = try SerialPort.open(path: path, options: options(), lockDirectories: [locks.path])
        let channel = try await port.makeAsyncChannel()
        // Exclusive while the channel runs ...
        #expect(try openAsNobody(path) == "\(EBUSY)")
        try await channel.executeThenClose { _, _ in }
        // ... and free as soon as its close returns: for another user,
        #expect(try openAsNobody(path) == "opened")
        // for a non-exclusive opener, which finds no flag left on the tty,
        let shared = try SerialPort.open(path: path, options: options(exclusive: false), lockDirectories: [locks.path])
        defer { shared.close() }
        #expect(exclusiveFlag(shared.fileDescriptor) == 0)
        // and for this process claiming it again at once (no flock or lock file left behind).
        #expect(SmallFile.entries(of: locks.path).isEmpty)
        let again = try SerialPort.open(path: path, options: options(), lockDirectories: [locks.path])
        again.close()
    }

    /// A close SwiftNIO starts itself (the device hangs up) gives the locks back too, before the
    /// inbound stream ends.
    @Test(.timeLimit(.minutes(1))) func hangUpGivesTheLocksBackBeforeTheStreamEnds() async throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let lockFile = locks.path + "/" + UUCPLockFile.lockName(forResolvedPath: pty.devicePath)
        let port = try SerialPort.open(path: pty.devicePath, options: options(), lockDirectories: [locks.path])
        #expect(UUCPLockFile.pid(inLockAt: lockFile) == getpid())
        let channel = try await port.makeAsyncChannel()
        try await channel.executeThenClose { inbound, _ in
            // Closing the controller side hangs up the device side: its reads return end-of-file.
            pty.releaseDeviceSide()
            pty.close()
            for try await _ in inbound {}
            #expect(access(lockFile, F_OK) != 0, "lock file left after the hang-up")
        }
    }

    /// Root gets past TIOCEXCL, so two root bridges used to share a port, each getting half the
    /// frames. The lock file, and without it the flock, refuse the second open, naming this process.
    @Test func secondExclusiveOpenIsBusyEvenForRootAndNamesThisProcess() throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let path = pty.devicePath
        let first = try SerialPort.open(path: path, options: options(), lockDirectories: [locks.path])
        defer { first.close() }
        let me = PortHolder.process(getpid())
        #expect(me.command != nil)

        // The lock file refuses it before the device is even opened.
        #expect(throws: SerialPortError.busy(path, holder: me)) {
            _ = try SerialPort.open(path: path, options: options(), lockDirectories: [locks.path])
        }
        // Without a usable lock directory the flock refuses it (another open file description).
        #expect(throws: SerialPortError.busy(path, holder: me)) {
            _ = try SerialPort.open(path: path, options: options(), lockDirectories: [])
        }
        let text = SerialPortError.busy(path, holder: me).description
        #expect(text.contains("PID \(getpid()) (\(me.command ?? "?"))") && text.contains("already has it open"))
        // The refused opens left the first one's locks in place.
        #expect(exclusiveFlag(first.fileDescriptor) == 1)
        #expect(UUCPLockFile.pid(inLockAt: locks.path + "/" + UUCPLockFile.lockName(forResolvedPath: path)) == getpid())
    }

    /// Another process holding a flock on the device (another bridge, picocom): busy, naming it.
    @Test(.enabled(if: ChildProcess.isExecutable("/usr/bin/python3"), "needs /usr/bin/python3 to hold the lock"))
    func flockHeldByAnotherProcessIsBusyNamingIt() throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let path = pty.devicePath
        let holder = try RunningChild("/usr/bin/python3", ["-c", """
            import fcntl, os, sys
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print('locked', flush=True)
            sys.stdin.read()
            """, path])
        defer { holder.finish() }
        try #require(holder.readLine() == "locked")

        let error = #expect(throws: SerialPortError.self) {
            _ = try SerialPort.open(path: path, options: options(), lockDirectories: [locks.path])
        }
        guard case .busy(path, let found?) = error else {
            Issue.record("expected busy naming the holder, got \(String(describing: error))")
            return
        }
        #expect(found == PortHolder.process(holder.pid))
        #expect(found.command?.hasPrefix("python") == true)
        #expect(error?.description.contains("in use by PID \(holder.pid) (python") == true)
        // The refused open took nothing with it: no lock file, no flag on the tty.
        #expect(SmallFile.entries(of: locks.path).isEmpty)
        let shared = try SerialPort.open(path: path, options: options(exclusive: false), lockDirectories: [locks.path])
        defer { shared.close() }
        #expect(exclusiveFlag(shared.fileDescriptor) == 0)
    }

    /// A UUCP lock file of a live process (minicom, cu): busy, naming it, and its lock stays.
    @Test(.enabled(if: ChildProcess.isExecutable("/usr/bin/python3"), "needs /usr/bin/python3 as the lock's owner"))
    func lockFileOfALiveProcessIsBusyNamingIt() throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let owner = try RunningChild("/usr/bin/python3", ["-c", "import sys\nprint('ready', flush=True)\nsys.stdin.read()"])
        defer { owner.finish() }
        try #require(owner.readLine() == "ready")
        let lockFile = locks.path + "/" + UUCPLockFile.lockName(forResolvedPath: pty.devicePath)
        try writeFile(lockFile, UUCPLockFile.contents(pid: owner.pid))

        #expect(throws: SerialPortError.busy(pty.devicePath, holder: .process(owner.pid))) {
            _ = try SerialPort.open(path: pty.devicePath, options: options(), lockDirectories: [locks.path])
        }
        #expect(UUCPLockFile.pid(inLockAt: lockFile) == owner.pid)
    }

    /// `--no-exclusive`: no TIOCEXCL, no flock, no lock file, also after an exclusive session
    /// through SwiftNIO ended (whose flag used to stay on the tty).
    @Test(.timeLimit(.minutes(1))) func nonExclusiveOpenSetsNoFlagAndTakesNoLock() async throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let path = pty.devicePath
        let earlier = try SerialPort.open(path: path, options: options(), lockDirectories: [locks.path])
        try await earlier.makeAsyncChannel().executeThenClose { _, _ in }

        let shared = try SerialPort.open(path: path, options: options(exclusive: false), lockDirectories: [locks.path])
        defer { shared.close() }
        #expect(exclusiveFlag(shared.fileDescriptor) == 0)
        #expect(SmallFile.entries(of: locks.path).isEmpty)
        let second = try SerialPort.open(path: path, options: options(exclusive: false), lockDirectories: [locks.path])
        defer { second.close() }
        #expect(exclusiveFlag(second.fileDescriptor) == 0)
        // Another open file description can take the flock: the shared opens hold none.
        let other = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        try #require(other >= 0)
        defer { close(other) }
        #expect(flock(other, LOCK_EX | LOCK_NB) == 0)
    }

    /// A lock file whose process is gone (or that holds no pid) is stale: removed, and the open
    /// succeeds with a lock file of its own, removed again on close.
    @Test func staleLockFileIsReplaced() throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let lockFile = locks.path + "/" + UUCPLockFile.lockName(forResolvedPath: pty.devicePath)
        // Pids run below pid_max, so no process can have pid_max itself.
        let pidMax = try #require(SmallFile.text(at: "/proc/sys/kernel/pid_max").flatMap { pid_t($0.filter(\.isNumber)) })
        try #require(kill(pidMax, 0) != 0 && errno == ESRCH)

        for stale in [UUCPLockFile.contents(pid: pidMax), "garbage\n"] {
            try writeFile(lockFile, stale)
            let port = try SerialPort.open(path: pty.devicePath, options: options(), lockDirectories: [locks.path])
            #expect(SmallFile.text(at: lockFile) == UUCPLockFile.contents(pid: getpid()))
            port.close()
            #expect(access(lockFile, F_OK) != 0)
        }
    }

    /// A port dropped without ``SerialPort/close()`` gives its locks back too.
    @Test func droppedPortGivesTheLocksBack() throws {
        let locks = try TemporaryDirectory()
        defer { locks.remove() }
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let lockFile = locks.path + "/" + UUCPLockFile.lockName(forResolvedPath: pty.devicePath)
        func openAndDrop() throws {
            let port = try SerialPort.open(path: pty.devicePath, options: options(), lockDirectories: [locks.path])
            #expect(access(lockFile, F_OK) == 0 && exclusiveFlag(port.fileDescriptor) == 1)
        }
        try openAndDrop()
        #expect(access(lockFile, F_OK) != 0)
        let port = try SerialPort.open(path: pty.devicePath, options: options(exclusive: false))
        defer { port.close() }
        #expect(exclusiveFlag(port.fileDescriptor) == 0)
    }

    /// A program that holds the port with TIOCEXCL alone takes no flock; it is found through
    /// /proc/*/fd instead, in preference to this process (which has the device open too).
    @Test(.enabled(if: ChildProcess.isExecutable("/usr/bin/python3"), "needs /usr/bin/python3 to hold the device"))
    func holderWithoutALockIsFoundByItsOpenDescriptor() throws {
        let pty = try PseudoTerminal.open()
        defer { pty.close() }
        let holder = try RunningChild("/usr/bin/python3", ["-c", """
            import os, sys
            fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            print('open', flush=True)
            sys.stdin.read()
            """, pty.devicePath])
        defer { holder.finish() }
        try #require(holder.readLine() == "open")
        #expect(PortHolderLookup.holder(of: pty.devicePath) == .process(holder.pid))
        holder.finish()
        // Only this process is left (the pair's own descriptor on the device side).
        #expect(PortHolderLookup.holder(of: pty.devicePath)?.pid == getpid())
    }

    @Test func lockFilesFollowTheUUCPConvention() {
        #expect(UUCPLockFile.lockName(forResolvedPath: "/dev/ttyUSB0") == "LCK..ttyUSB0")
        #expect(UUCPLockFile.lockName(forResolvedPath: "/dev/pts/3") == "LCK..pts_3")
        #expect(UUCPLockFile.contents(pid: 1234) == "      1234\n")
        #expect(UUCPLockFile.contents(pid: 4_194_304) == "   4194304\n")
    }

    @Test func busyErrorsSayWhoAndWhatToDo() {
        let other = SerialPortError.busy("/dev/ttyUSB0", holder: PortHolder(pid: 1234, command: "bedside")).description
        #expect(other.contains("in use by PID 1234 (bedside)") && other.contains("kill 1234"))
        let unnamed = SerialPortError.busy("/dev/ttyUSB0", holder: PortHolder(pid: 1234)).description
        #expect(unnamed.contains("in use by PID 1234;"))
    }
}

private func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SerialPortError.system(operation: "open \(path)", errno: errno) }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    guard write(fd, bytes, bytes.count) == bytes.count else { throw SerialPortError.system(operation: "write \(path)", errno: errno) }
}
