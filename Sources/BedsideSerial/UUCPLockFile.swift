import Glibc
import Logging

/// A lock file in the UUCP style: `/var/lock/LCK..ttyUSB0` holding the owner's pid as ten ASCII
/// characters and a newline.
///
/// Why a lock file as well as `flock`: minicom, picocom, cu, ModemManager and other serial tools
/// honour these files but never look at a `flock`, and a lock file can be checked before the
/// device is opened at all (opening raises DTR, which resets some devices). Why `flock` as well:
/// the lock directory may be missing or not writable by the bridge's user, in which case this
/// lock is skipped quietly, and only `flock` still keeps two bridges off one port.
struct UUCPLockFile: Sendable {
    /// Where the lock lives.
    let path: String
    /// The pid written into it (this process).
    let pid: pid_t

    /// The conventional directories, in order; the first one that exists and is writable is used.
    static let defaultDirectories = ["/var/lock", "/run/lock"]

    private static let logger = Logger(label: "bedside.serial")

    /// Takes the lock for the character device at `device`.
    ///
    /// - Returns: the lock, or `nil` when the path is not a character device or no directory is
    ///   usable (the lock is then skipped).
    /// - Throws: ``SerialPortError/busy(_:holder:)`` naming the live process (possibly this one)
    ///   whose pid the existing lock file holds. A lock whose process is gone, or which holds no
    ///   pid, is stale: it is removed and taken over.
    static func acquire(device: String, directories: [String] = defaultDirectories) throws(SerialPortError)
        -> UUCPLockFile?
    {
        guard let resolved = resolvedCharacterDevice(device),
              let directory = directories.first(where: { access($0, W_OK | X_OK) == 0 })
        else { return nil }
        let lockPath = directory + "/" + lockName(forResolvedPath: resolved)
        let me = getpid()
        // Written in full to a private file first and then linked into place: link(2) fails if the
        // lock exists, so taking it is atomic and nobody ever reads a half-written pid.
        guard let temporary = writeTemporary(contents(pid: me), in: directory) else {
            logger.debug("no UUCP lock file for \(device): cannot write in \(directory)", metadata: ["port": "\(device)"])
            return nil
        }
        defer { unlink(temporary) }
        for _ in 0..<3 {
            if link(temporary, lockPath) == 0 { return UUCPLockFile(path: lockPath, pid: me) }
            guard errno == EEXIST else {
                logger.debug("no UUCP lock file for \(device): link \(lockPath) failed, errno \(errno)",
                             metadata: ["port": "\(device)"])
                return nil
            }
            if let owner = livePID(inLockAt: lockPath) { throw .busy(device, holder: .process(owner)) }
            guard unlink(lockPath) == 0 || errno == ENOENT else {
                // Another user's stale lock in the sticky lock directory: not ours to delete. The
                // flock still keeps bridges apart; tools that honour lock files will clear it.
                logger.notice("stale lock file \(lockPath) cannot be removed (errno \(errno)); going on without one",
                              metadata: ["port": "\(device)"])
                return nil
            }
            logger.notice("removed stale lock file \(lockPath)", metadata: ["port": "\(device)"])
        }
        // Another process keeps recreating it: treat as taken, by whom we cannot say.
        throw .busy(device)
    }

    /// Removes the lock, unless it is no longer ours (a lock judged stale and taken over by
    /// another process must not be deleted under it).
    func remove() {
        guard Self.pid(inLockAt: path) == pid else { return }
        _ = unlink(path)
    }

    /// `LCK..` and the device path below /dev with `/` as `_`: `LCK..ttyUSB0`, `LCK..pts_3`
    /// (the names lockdev and minicom use).
    static func lockName(forResolvedPath path: String) -> String {
        var name = Substring(path)
        if name.hasPrefix("/dev/") { name = name.dropFirst(5) }
        while name.hasPrefix("/") { name = name.dropFirst() }
        return "LCK.." + name.replacingOccurrences(of: "/", with: "_")
    }

    /// The pid as the HDB UUCP convention writes it: right-aligned in ten characters, then a newline.
    static func contents(pid: pid_t) -> String {
        let digits = String(pid)
        return String(repeating: " ", count: max(0, 10 - digits.count)) + digits + "\n"
    }

    /// The pid a lock file holds, if it holds one.
    static func pid(inLockAt path: String) -> pid_t? {
        guard let text = SmallFile.text(at: path, limit: 128) else { return nil }
        return pid_t(text.trimmingCharacters(in: " \t\n\0"))
    }

    /// The pid in the lock when that process still runs (`EPERM`: it runs as another user).
    static func livePID(inLockAt path: String) -> pid_t? {
        guard let owner = pid(inLockAt: path), owner > 0 else { return nil }
        return kill(owner, 0) == 0 || errno == EPERM ? owner : nil
    }

    /// The device's real path, so `/dev/serial/by-id/…` and `/dev/ttyUSB0` share one lock.
    private static func resolvedCharacterDevice(_ device: String) -> String? {
        guard let real = realpath(device, nil) else { return nil }
        defer { free(real) }
        var st = stat()
        guard stat(real, &st) == 0, st.st_mode & S_IFMT == S_IFCHR else { return nil }
        return String(cString: real)
    }

    private static func writeTemporary(_ text: String, in directory: String) -> String? {
        var template = Array("\(directory)/LTMP.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        let path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let bytes = Array(text.utf8)
        // Readable by all: other users' tools read the pid to judge whether the lock is stale.
        let written = fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fchmod(fd, 0o644) == 0 && bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
        _ = Glibc.close(fd)
        guard written else {
            unlink(path)
            return nil
        }
        return path
    }
}

private extension Substring {
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let unwanted = Set(set)
        return String(drop(while: { unwanted.contains($0) }).reversed().drop(while: { unwanted.contains($0) }).reversed())
    }
}
