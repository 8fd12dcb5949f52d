import BedsideSerial
import BedsidePlatform
import BedsideModel
import NIOCore

/// Everything that can wake a port's state machine, merged into one ordered stream so the state
/// machine is only ever touched by the task that consumes it.
enum PortEvent: Sendable {
    /// Bytes read from the port, stamped with the host time they were read.
    case received(ByteBuffer, Timestamp)
    /// The read side ended: `nil` for end of file (hang-up), or the error the port reported.
    case inboundEnded((any Error)?)
    /// The timer armed with this generation fired.
    case deadline(UInt64)
    /// A write to the port failed.
    case writeFailed(any Error)
    /// `stop()` was called.
    case stop
}

/// Reads a channel's inbound stream and forwards every chunk as a ``PortEvent``, stamping each with
/// the time it was read (as close to the kernel's read as the runtime gets).
func forwardInbound(
    _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
    to events: AsyncStream<PortEvent>.Continuation,
    clock: BridgeClock
) async {
    do {
        for try await chunk in inbound {
            events.yield(.received(chunk, clock.now()))
        }
        events.yield(.inboundEnded(nil))
    } catch {
        events.yield(.inboundEnded(error))
    }
}

/// Has the channel's ``PortReadHandler`` (when it has one, and nothing went past it yet) put the
/// port's reads into `events` on the event loop; `false` when the inbound stream must be read.
func attachReads(of channel: any Channel, to events: AsyncStream<PortEvent>.Continuation,
                 clock: BridgeClock) async -> Bool {
    let attached = channel.pipeline.handler(type: PortReadHandler.self).map { handler in
        handler.attach { event in
            switch event {
            case .bytes(let bytes, let monotonic):
                events.yield(.received(bytes, clock.time(atMonotonicNanoseconds: monotonic)))
            case .ended(let error):
                events.yield(.inboundEnded(error))
            }
        }
    }
    return (try? await attached.get()) ?? false
}

/// Runs `loop` on `channel` while the port's bytes go into `events` (from the event loop through
/// ``PortReadHandler``, else by a child task reading the inbound stream), then closes the channel.
/// Shared by the bridge's pipelines and the simulator host: both consume one ordered `PortEvent`
/// stream.
func runForwardingInbound<Result: Sendable>(
    _ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
    into events: AsyncStream<PortEvent>.Continuation,
    clock: BridgeClock,
    loop: (any Channel) async -> Result
) async throws -> Result {
    let nioChannel = channel.channel
    let direct = await attachReads(of: nioChannel, to: events, clock: clock)
    return try await channel.executeThenClose { inbound, _ in
        await withTaskGroup(of: Void.self) { group in
            if !direct { group.addTask { await forwardInbound(inbound, to: events, clock: clock) } }
            let result = await loop(nioChannel)
            nioChannel.close(promise: nil)
            group.cancelAll()
            return result
        }
    }
}
