import BedsideModel

extension OfflineReplay {
    /// Feeds every chunk of `source` in order, then finishes: the streaming replay of a file of
    /// any size. `afterEachChunk` runs after each chunk (a feed writer flushes there, so the
    /// replay waits for a slow reader instead of buffering). The report carries the ranges the
    /// source skipped.
    public mutating func runToEnd(
        _ source: any CaptureChunkSource, observe: (Observation) -> Void,
        afterEachChunk: () async throws -> Void
    ) async throws -> OfflineReplayReport {
        while let chunk = try source.next() {
            chunk.bytes.withUnsafeBytes { feed(chunk.direction, time: chunk.time, bytes: $0, observe: observe) }
            try await afterEachChunk()
        }
        var report = finish(observe: observe)
        report.readerWarnings += source.warnings
        return report
    }
}
