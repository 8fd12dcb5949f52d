import BedsideSerial
import NIOCore
import NIOPosix

/// A device reached over TCP instead of a serial line: a port argument `tcp://host:port`, for
/// devices whose interface is also on the LAN (a B. Braun SpaceStation's BCC port, 4001 by default).
///
/// The driver is the same sans-IO core; only the bytes travel over a socket. Line settings do not
/// apply, and a driver's line-control requests (DTR/RTS, BREAK, baud) are not carried out.
public struct TCPEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let scheme = "tcp://"

    /// Parses `tcp://host:port` (IPv6 literals in brackets: `tcp://[fe80::1]:4001`); `nil` for a
    /// device path or anything else. Port 0 ("any free port") only for a server, `allowingPortZero`.
    public init?(portArgument: String, allowingPortZero: Bool = false) {
        guard portArgument.hasPrefix(Self.scheme) else { return nil }
        let rest = portArgument.dropFirst(Self.scheme.count)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), ((allowingPortZero ? 0 : 1)...65535).contains(port)
        else { return nil }
        var host = rest[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        self.host = String(host)
        self.port = port
    }

    public var description: String { host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)" }
}

/// Connects to a device's TCP port; the channel reads and writes bytes as a serial port's does, and
/// its inbound stream ends when the device closes the connection.
///
/// - Throws: ``CommandFailure`` saying what to check when the connection is refused or times out.
public func openTCPChannel(_ endpoint: TCPEndpoint, connectTimeoutSeconds: Int64 = 5,
                           group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> NIOAsyncChannelOfBytes {
    do {
        return try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(connectTimeoutSeconds))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture { try PortChannel.wrapSynchronously(channel) }
            }
    } catch {
        throw CommandFailure("cannot connect to \(endpoint): \(error); check the address, that the device's interface is " +
                             "switched to TCP/IP and listens on that port, and that no other client holds it")
    }
}
