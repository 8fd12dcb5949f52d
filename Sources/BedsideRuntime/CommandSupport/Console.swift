import Glibc

/// Direct, unbuffered writes to the standard streams (the feed itself goes through
/// `BlockingFileWriter`; this is for the few lines a command prints itself).
public enum Console {
    /// Writes `line` and a newline to stdout immediately (scripts read these lines as they come).
    /// Returns false when stdout is gone (its reader closed the pipe).
    @discardableResult
    public static func out(_ line: String) -> Bool { write(fd: 1, line + "\n") }

    /// One clear line on stderr, prefixed with the program name.
    public static func error(_ line: String) { write(fd: 2, "bedside: " + line + "\n") }

    /// A note for the person at the terminal (stderr, so stdout stays machine-readable).
    public static func note(_ line: String) { write(fd: 2, line + "\n") }

    public static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    public static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Rows and columns of the terminal on stdout, if it is one.
    @Sendable public static func windowSize() -> (rows: Int, columns: Int)? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_row), Int(size.ws_col))
    }

    @discardableResult
    private static func write(fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue } else { return false } }
                offset += n
            }
            return true
        }
    }
}
