import BedsidePlatform
import CUdev
import Dispatch

/// Hears serial ports come and go through libudev's netlink monitor, without polling: the
/// monitor's socket is watched by a dispatch read source (epoll underneath), and each `add`,
/// `remove` or `change` of the `tty` subsystem becomes a ``HotplugEvent`` on ``events``.
///
/// Start listening before enumerating, so a port plugged in between the two is not missed (it may
/// then be reported twice; consumers treat an `add` of a known port as a no-op).
public final class UdevMonitor: Sendable {
    /// Events in the order the kernel and udevd sent them; ends after ``stop()``.
    public let events: AsyncStream<HotplugEvent>
    private let continuation: AsyncStream<HotplugEvent>.Continuation
    private let source: Locked<(any DispatchSourceRead)?>

    /// - Parameter source: `"udev"` for events after udevd processed them (links and properties
    ///   present; what a bridge wants), `"kernel"` for raw kernel events (where udevd does not run).
    /// - Throws: ``UdevError`` when the monitor cannot be created.
    public init(source netlinkSource: String = "udev") throws(UdevError) {
        guard let udev = udev_new() else { throw .unavailable("udev_new failed") }
        guard let monitor = udev_monitor_new_from_netlink(udev, netlinkSource) else {
            udev_unref(udev)
            throw .unavailable("cannot open the udev netlink monitor")
        }
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "tty", nil)
        guard udev_monitor_enable_receiving(monitor) >= 0 else {
            udev_monitor_unref(monitor)
            udev_unref(udev)
            throw .unavailable("cannot start receiving udev events")
        }
        let fd = udev_monitor_get_fd(monitor)
        (events, continuation) = AsyncStream<HotplugEvent>.makeStream(bufferingPolicy: .unbounded)
        let handle = MonitorHandle(udev: udev, monitor: monitor)
        let read = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "bedside.udev-monitor"))
        let sink = continuation
        read.setEventHandler {
            // One event per readiness: the source is level-triggered and fires again while more
            // are queued, and a single receive never blocks whatever the socket's mode.
            guard let device = udev_monitor_receive_device(handle.monitor) else { return }
            defer { udev_device_unref(device) }
            guard let action = UdevDeviceReader.string(udev_device_get_action(device)).flatMap(HotplugEvent.Action.init),
                  let info = UdevDeviceReader.read(device) else { return }
            if action != .remove, !UdevDeviceReader.isOffered(device) { return }
            sink.yield(HotplugEvent(action: action, port: info))
        }
        read.setCancelHandler {
            handle.release()
            sink.finish()
        }
        source = Locked(read)
        continuation.onTermination = { [source] _ in source.withLock { s in defer { s = nil }; return s }?.cancel() }
        read.resume()
    }

    /// Stops listening: the socket is closed and ``events`` ends. Safe to call more than once.
    public func stop() {
        source.withLock { s in defer { s = nil }; return s }?.cancel()
    }

    deinit { stop() }
}

/// The libudev objects behind a monitor, released once, on the monitor's queue.
private final class MonitorHandle: @unchecked Sendable {
    let udev: OpaquePointer
    let monitor: OpaquePointer

    init(udev: OpaquePointer, monitor: OpaquePointer) {
        self.udev = udev
        self.monitor = monitor
    }

    func release() {
        udev_monitor_unref(monitor)
        udev_unref(udev)
    }
}
