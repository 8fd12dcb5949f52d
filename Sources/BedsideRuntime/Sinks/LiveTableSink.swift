import BedsidePlatform
import BedsideModel

/// Shows the feed as a table that updates in place.
///
/// Records are folded into a ``LiveTableModel`` as they arrive; the screen is redrawn on a fixed
/// cadence (a display refresh, not a data path: records never wait for it). On a terminal the
/// table is redrawn in place with ANSI cursor controls; on anything else (a pipe, a file, a CI
/// log) a plain snapshot is printed every `snapshotInterval`, and always once at the end.
public final class LiveTableSink: Sendable {
    public enum Mode: Sendable {
        /// Redraw in place with ANSI escapes.
        case terminal
        /// Print plain snapshots.
        case plain
    }

    private let model = Locked(LiveTableModel())
    private let writer: BlockingFileWriter
    private let mode: Mode
    private let renderer: LiveTableRenderer
    private let clock: BridgeClock
    private let windowSize: (@Sendable () -> (rows: Int, columns: Int)?)?

    /// - Parameter windowSize: the terminal's size, read before each frame; in terminal mode the
    ///   frame is cut to fit, so that redrawing in place never scrolls.
    public init(writer: BlockingFileWriter, mode: Mode, clock: BridgeClock, renderer: LiveTableRenderer = .init(),
                windowSize: (@Sendable () -> (rows: Int, columns: Int)?)? = nil) {
        self.writer = writer
        self.mode = mode
        self.clock = clock
        self.renderer = renderer
        self.windowSize = windowSize
    }

    /// Folds every event of `subscription` into the table until it ends.
    public func consume(_ subscription: FeedSubscription) async {
        for await event in subscription {
            model.withLock { $0.apply(event) }
        }
    }

    /// The current table as text lines (also used by tests).
    public func snapshot() -> [String] {
        let m = model.withLock { $0 }
        return renderer.lines(for: m, now: clock.now())
    }

    /// Redraws until the task is cancelled, then draws a final frame.
    /// - Parameter refresh: time between frames on a terminal; plain output uses `snapshotInterval`.
    public func display(refresh: Duration = .milliseconds(250), snapshotInterval: Duration = .seconds(5)) async {
        var drawn = false
        if mode == .terminal { try? await writer.write(Array("\u{1B}[?25l\u{1B}[H\u{1B}[2J".utf8)) }
        while !Task.isCancelled {
            if mode == .terminal { await draw(separated: false) }
            do {
                try await Task.sleep(for: mode == .terminal ? refresh : snapshotInterval)
            } catch { break }
            // A plain log gets a snapshot at the end of each interval (not an empty one at start).
            if mode == .plain {
                await draw(separated: drawn)
                drawn = true
            }
        }
        await draw(separated: drawn)
        if mode == .terminal { try? await writer.write(Array("\u{1B}[?25h".utf8)) }
        await writer.flush()
    }

    private func draw(separated: Bool) async {
        let lines = snapshot()
        var text = ""
        switch mode {
        case .terminal:
            text = "\u{1B}[H"
            for line in Self.fit(lines, into: windowSize?()) { text += line + "\u{1B}[K\n" }
            text += "\u{1B}[J"
        case .plain:
            if separated { text = "\n" }
            for line in lines { text += line + "\n" }
        }
        try? await writer.write(Array(text.utf8))
    }

    /// Cuts lines to the window: each to its width, and the frame to its height, with a last line
    /// saying how much is not shown.
    static func fit(_ lines: [String], into size: (rows: Int, columns: Int)?) -> [String] {
        guard let size, size.rows > 2, size.columns > 10 else { return lines }
        var out = lines
        if out.count > size.rows - 1 {
            let hidden = out.count - (size.rows - 2)
            out = Array(out.prefix(size.rows - 2))
            out.append("… \(hidden) more lines: enlarge the window, or use --format ndjson")
        }
        return out.map { $0.count > size.columns ? String($0.prefix(size.columns - 1)) + "…" : $0 }
    }
}
