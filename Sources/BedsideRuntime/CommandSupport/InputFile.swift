import Glibc

/// The checks every command that reads a recording applies to it first, so they agree on what an
/// unusable input is.
public enum InputFile {
    /// Refuses an empty file: a recording with nothing in it is a wrong path or a copy that did not
    /// finish, and a command that quietly produced nothing from it would hide that.
    ///
    /// - Throws: ``CommandFailure`` (exit status 1) naming the file.
    public static func requireNonEmpty(_ path: String) throws(CommandFailure) {
        var info = stat()
        // Missing or unreadable files are reported by the reader, with its own advice.
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        if info.st_size == 0 {
            throw CommandFailure("\(path) is empty: there is nothing to read; check the path, or record the session again")
        }
    }
}
