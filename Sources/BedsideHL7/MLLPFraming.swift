/// MLLP release 1 framing (HL7 v2 over TCP): `VT` message `FS CR`.
public enum MLLP {
    public static let startBlock: UInt8 = 0x0B
    public static let endBlock: UInt8 = 0x1C
    public static let carriageReturn: UInt8 = 0x0D

    /// `message` framed for the wire.
    public static func frame(_ message: String) -> [UInt8] {
        [startBlock] + Array(message.utf8) + [endBlock, carriageReturn]
    }
}

/// Finds MLLP frames in a TCP byte stream: bytes may arrive in any split, several frames at
/// once, with noise between frames (discarded). A peer that omits the CR after FS is tolerated.
public struct MLLPFrameDecoder: Sendable {
    /// Largest message accepted; a longer one is a protocol error (the connection should close).
    public var maxFrameBytes: Int
    private var buffer: [UInt8] = []
    private var inFrame = false

    public enum Failure: Error, Hashable, Sendable { case frameTooLarge(Int) }

    public init(maxFrameBytes: Int = 1 << 20) { self.maxFrameBytes = maxFrameBytes }

    /// Feeds bytes; returns the complete messages they finish (without framing bytes).
    public mutating func feed<C: Collection>(_ bytes: C) throws(Failure) -> [[UInt8]] where C.Element == UInt8 {
        var frames: [[UInt8]] = []
        for b in bytes {
            if !inFrame {
                if b == MLLP.startBlock { inFrame = true; buffer.removeAll(keepingCapacity: true) }
                continue  // noise or the CR after FS
            }
            if b == MLLP.endBlock {
                frames.append(buffer)
                buffer.removeAll(keepingCapacity: true)
                inFrame = false
                continue
            }
            if b == MLLP.startBlock {  // a new frame before the end of the last: the last was broken
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            buffer.append(b)
            if buffer.count > maxFrameBytes { throw .frameTooLarge(buffer.count) }
        }
        return frames
    }
}
