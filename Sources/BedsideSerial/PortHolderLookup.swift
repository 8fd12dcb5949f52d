import Glibc

/// Finds which process holds a busy device, so the error can name it instead of sending the
/// user to `lsof`. Best effort: `nil` when `/proc` does not tell.
enum PortHolderLookup {
    /// The holder of `path`: first the process owning a `flock` on the device (exactly the lock
    /// that refused us), then any other process with the device open (a program that took it with
    /// `TIOCEXCL` alone). This process is named only when no other one has the device open.
    static func holder(of path: String) -> PortHolder? {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFCHR else { return nil }
        if let pid = flockOwner(device: st.st_dev, inode: st.st_ino) { return .process(pid) }
        let openers = processes(withDeviceOpen: st.st_rdev)
        if let other = openers.first(where: { $0 != getpid() }) { return .process(other) }
        return openers.first.map(PortHolder.process)
    }

    /// The pid `/proc/locks` gives for a `flock` on the inode `device:inode` (the device node's
    /// own inode, on devtmpfs or devpts, not the tty it stands for).
    static func flockOwner(device: dev_t, inode: ino_t) -> pid_t? {
        guard let table = SmallFile.text(at: "/proc/locks") else { return nil }
        // "1: FLOCK  ADVISORY  WRITE 7958 00:1a:3 0 EOF"; waiters read "1: -> FLOCK …" and hold nothing.
        let wanted = "\(hex2(major(device))):\(hex2(minor(device))):\(inode)"
        for line in table.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 6, fields[1] == "FLOCK", fields[5] == wanted, let pid = pid_t(fields[4]), pid > 0
            else { continue }
            return pid
        }
        return nil
    }

    /// Processes with a descriptor on the character device `rdev`, found through `/proc/*/fd`
    /// (only the processes this user may inspect; root sees all).
    static func processes(withDeviceOpen rdev: dev_t) -> [pid_t] {
        var found: [pid_t] = []
        for name in SmallFile.entries(of: "/proc") {
            guard let pid = pid_t(name) else { continue }
            let fdDirectory = "/proc/\(name)/fd"
            for fd in SmallFile.entries(of: fdDirectory) {
                var st = stat()
                // stat follows the magic link to the open file itself, whatever name it was opened by.
                if stat("\(fdDirectory)/\(fd)", &st) == 0, st.st_mode & S_IFMT == S_IFCHR, st.st_rdev == rdev {
                    found.append(pid)
                    break
                }
            }
        }
        return found
    }

    // glibc's major()/minor() are macros Swift does not import.
    static func major(_ dev: dev_t) -> UInt64 { UInt64((dev >> 8) & 0xfff) | UInt64((dev >> 32) & ~0xfff) }
    static func minor(_ dev: dev_t) -> UInt64 { UInt64(dev & 0xff) | UInt64((dev >> 12) & ~0xff) }

    /// The kernel prints `/proc/locks` device numbers as `%02x`.
    private static func hex2(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }
}
