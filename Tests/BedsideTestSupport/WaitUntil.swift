/// Polls `condition` every `interval` until it holds or `seconds` have passed, for state a test
/// can only read (a store's table, a file), not await. Returns whether it held; the caller's
/// assertion says what was expected.
@discardableResult
public func waitUntil(seconds: Double, interval: Duration = .milliseconds(100),
                      _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}
