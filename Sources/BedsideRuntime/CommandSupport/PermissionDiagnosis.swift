import Glibc

/// Says why a device may not be opened, from its real owner, group and mode, rather than
/// assuming the usual `dialout` set-up (a device only root may open needs a different fix).
public enum PermissionDiagnosis {
    /// Who may open a device, as `stat(2)` and the process's groups show it.
    public struct Facts: Equatable, Sendable {
        public var mode: UInt32
        public var owner: String
        public var group: String
        public var userInGroup: Bool

        public init(mode: UInt32, owner: String, group: String, userInGroup: Bool) {
            self.mode = mode
            self.owner = owner
            self.group = group
            self.userInGroup = userInGroup
        }
    }

    /// The message for a refused open of `path`, from the device's current facts.
    public static func explain(path: String) -> String {
        guard let facts = facts(of: path) else {
            return "permission denied opening \(path) (its owner and mode cannot be read either): "
                + "check the path and the permissions of the folders above it"
        }
        return explain(path: path, facts: facts)
    }

    /// The message for a refused open, given the facts (pure, for tests).
    public static func explain(path: String, facts: Facts) -> String {
        let mode = "0" + String(facts.mode & 0o777, radix: 8)
        let what = "permission denied opening \(path) (owner \(facts.owner), group \(facts.group), mode \(mode))"
        let groupMayOpen = facts.mode & 0o060 == 0o060
        if groupMayOpen && !facts.userInGroup {
            return "\(what): members of \(facts.group) may open it; add the user to it, e.g. "
                + "`sudo usermod -aG \(facts.group) $USER`, then log in again"
        }
        if groupMayOpen && facts.userInGroup {
            return "\(what): this process is in \(facts.group) and the mode lets the group open it, so something "
                + "else refuses it (an ACL, SELinux or AppArmor, a container without the device); "
                + "if the user was added to \(facts.group) recently, log in again"
        }
        return "\(what): only \(facts.owner) may open it; run the bridge as \(facts.owner), or give the device "
            + "a group that may read and write it with a udev rule (docs/commissioning.md)"
    }

    static func facts(of path: String) -> Facts? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Facts(mode: info.st_mode, owner: userName(info.st_uid), group: groupName(info.st_gid),
                     userInGroup: processGroups().contains(info.st_gid))
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    private static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return "gid \(gid)" }
        return String(cString: name)
    }

    private static func processGroups() -> Set<gid_t> {
        let count = getgroups(0, nil)
        guard count > 0 else { return [getegid()] }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let n = getgroups(count, &groups)
        return Set(groups.prefix(Int(max(n, 0)))).union([getegid()])
    }
}
