import BedsidePlatform
import BedsideModel
import NIOCore

/// The single wake-up a sans-IO state machine asked for, as one task scheduled on an event loop.
///
/// Drivers restate their deadline after every call. Re-arming with the same deadline costs
/// nothing; a different one cancels the scheduled task and schedules a new one (a NIO scheduled
/// task, not a Swift `Task`). When it fires, `fire` is called with the generation it was armed
/// with, so a wake-up that was replaced while in flight is recognised and ignored.
struct DeadlineTimer {
    private let eventLoop: any EventLoop
    private let clock: BridgeClock
    private let fire: @Sendable (UInt64) -> Void
    private var scheduled: Scheduled<Void>?
    private(set) var deadline: Timestamp?
    private(set) var generation: UInt64 = 0

    init(eventLoop: any EventLoop, clock: BridgeClock, fire: @escaping @Sendable (UInt64) -> Void) {
        self.eventLoop = eventLoop
        self.clock = clock
        self.fire = fire
    }

    /// Makes `deadline` the only pending wake-up (`nil` cancels it).
    mutating func arm(_ newDeadline: Timestamp?) {
        guard newDeadline != deadline else { return }
        scheduled?.cancel()
        scheduled = nil
        deadline = newDeadline
        generation &+= 1
        guard let newDeadline else { return }
        let delay = max(0, clock.nanoseconds(until: newDeadline))
        let generation = self.generation
        let fire = self.fire
        scheduled = eventLoop.scheduleTask(in: .nanoseconds(delay)) { fire(generation) }
    }

    /// Called when the wake-up of `firedGeneration` arrives; true if it is still the current one
    /// (the timer is then disarmed, so the next `arm` schedules again even for the same time).
    mutating func accept(_ firedGeneration: UInt64) -> Bool {
        guard firedGeneration == generation, deadline != nil else { return false }
        scheduled = nil
        deadline = nil
        return true
    }

    mutating func cancel() { arm(nil) }
}
