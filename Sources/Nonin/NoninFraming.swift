/// The Nonin serial data formats the driver reads (monitors.md C.1).
public enum NoninFormat: Int, Sendable, CaseIterable {
    /// OEM III "Xpod": 75 frames/s of `01 STATUS PLETH FLOAT CHK`, 25 frames a packet.
    case format2 = 2
    /// Onyx II / WristOx2: 75 frames/s of `STATUS PLETH_MSB PLETH_LSB FLOAT CHK`, 25 frames a packet.
    case format7 = 7
    /// One 4-byte packet a second: `STATUS HR SPO2 STATUS2`, no checksum.
    case format8 = 8
}

/// One checked 25-frame packet of format 2 or 7: per frame its STATUS, pleth sample and FLOAT byte.
public struct NoninFramePacket: Equatable, Sendable {
    public var status: [UInt8]
    public var pleth: [Int32]
    public var float: [UInt8]
}

/// One format 8 packet.
public struct NoninFormat8Packet: Equatable, Sendable {
    public var status: UInt8
    public var hrLow: UInt8
    public var spo2: UInt8
    public var status2: UInt8
}

/// Finds packets in the byte stream, sans-IO.
///
/// Formats 2 and 7: a frame is accepted only with its checksum (sum of its first four bytes mod 256)
/// right and STATUS bit 7 set (format 2 also its leading 0x01). A packet is 25 accepted frames in a
/// row starting with the one whose STATUS has SYNC (bit 0) set, and no other with SYNC; anything
/// else — a bad checksum, a SYNC out of place, a lost byte — discards the packet under way and the
/// framer slides byte by byte until frames check again (monitors.md C.1, Pufferfish's resync).
/// Format 8: STATUS is the only byte with bit 7 set; a packet is taken only when the next
/// packet's STATUS byte follows exactly four bytes after its own, so a lost or extra byte shows.
public struct NoninFramer: Sendable {
    public enum Event: Equatable, Sendable {
        case packet(NoninFramePacket)
        case format8(NoninFormat8Packet)
        /// A frame failed its checksum (formats 2/7).
        case checksumError
        /// Frames checked but did not make a packet (SYNC missing or out of place; format 8: wrong length).
        case brokenPacket
    }

    public static let framesPerPacket = 25
    public let format: NoninFormat
    private var buffer: [UInt8] = []
    private var frames = NoninFramePacket(status: [], pleth: [], float: [])
    /// Whether the stream is aligned to frames (a frame checked at the current position).
    private var aligned = false
    public private(set) var bytesDiscarded = 0

    public init(format: NoninFormat) { self.format = format }

    private var frameLength: Int { format == .format8 ? 4 : 5 }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, into events: inout [Event]) {
        buffer.append(contentsOf: bytes)
        if format == .format8 { scanFormat8(&events) } else { scanFrames(&events) }
        if buffer.count > 4096 { buffer.removeFirst(buffer.count - 4096) }
    }

    private func frameChecks(_ b: ArraySlice<UInt8>) -> Bool {
        let i = b.startIndex
        let sum = UInt8(truncatingIfNeeded: Int(b[i]) + Int(b[i + 1]) + Int(b[i + 2]) + Int(b[i + 3]))
        guard sum == b[i + 4] else { return false }
        switch format {
        case .format2: return b[i] == 0x01 && b[i + 1] & 0x80 != 0
        case .format7: return b[i] & 0x80 != 0
        case .format8: return false
        }
    }

    private mutating func scanFrames(_ events: inout [Event]) {
        var start = 0
        while buffer.count - start >= 5 {
            let frame = buffer[start..<(start + 5)]
            guard frameChecks(frame) else {
                if aligned {
                    // The frame where one was due is damaged: its packet is lost.
                    events.append(.checksumError)
                    aligned = false
                    resetPacket()
                }
                start += 1
                bytesDiscarded += 1
                continue
            }
            aligned = true
            start += 5
            let i = frame.startIndex
            let status = format == .format2 ? frame[i + 1] : frame[i]
            let pleth = format == .format2 ? Int32(frame[i + 2]) : Int32(frame[i + 1]) << 8 | Int32(frame[i + 2])
            let float = frame[i + 3]
            let sync = status & 0x01 != 0
            if sync {
                if !frames.status.isEmpty { events.append(.brokenPacket) }
                resetPacket()
            } else if frames.status.isEmpty {
                // Frames before the first SYNC: not part of a packet we can place.
                continue
            }
            frames.status.append(status)
            frames.pleth.append(pleth)
            frames.float.append(float)
            if frames.status.count == Self.framesPerPacket {
                events.append(.packet(frames))
                resetPacket()
            }
        }
        buffer.removeFirst(start)
    }

    private mutating func resetPacket() {
        frames.status.removeAll(keepingCapacity: true)
        frames.pleth.removeAll(keepingCapacity: true)
        frames.float.removeAll(keepingCapacity: true)
    }

    private mutating func scanFormat8(_ events: inout [Event]) {
        var start = 0
        while start < buffer.count {
            guard buffer[start] & 0x80 != 0 else {
                start += 1
                bytesDiscarded += 1
                continue
            }
            // The next byte with bit 7 set must be exactly four on.
            guard let next = buffer[(start + 1)...].firstIndex(where: { $0 & 0x80 != 0 }) else { break }
            if next - start == 4 {
                events.append(.format8(NoninFormat8Packet(status: buffer[start], hrLow: buffer[start + 1],
                                                          spo2: buffer[start + 2], status2: buffer[start + 3])))
            } else {
                events.append(.brokenPacket)
                bytesDiscarded += next - start
            }
            start = next
        }
        buffer.removeFirst(start)
    }
}
