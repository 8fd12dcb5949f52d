import Glibc

/// Why a message could not be decoded. Messages that fail are counted and dropped whole.
public enum IntelliVuePDUError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A length field points past the end of the message or of its enclosing structure.
    case truncated(at: Int, need: Int, have: Int)
    /// A structure's declared length disagrees with its content (count × entries, nested lengths).
    case inconsistentLength(what: String, at: Int)
    /// The message is of a kind this decoder does not know.
    case unknownMessage(String)

    public var description: String {
        switch self {
        case .truncated(let at, let need, let have):
            "message truncated at offset \(at): needs \(need) bytes, \(have) left"
        case .inconsistentLength(let what, let at): "inconsistent \(what) length at offset \(at)"
        case .unknownMessage(let what): "unknown message: \(what)"
        }
    }
}

/// A bounds-checked big-endian cursor over a window of a message. Copying it is free; nested
/// structures are read by taking a sub-reader of their declared length.
struct PDUReader {
    let bytes: UnsafeRawBufferPointer
    /// Absolute offset in `bytes` of the next byte to read.
    private(set) var offset: Int
    /// Absolute end of this window.
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
    }

    var remaining: Int { end - offset }
    /// The bytes not read yet (the reader does not move).
    var unread: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[offset..<end]) }
    var isAtEnd: Bool { offset >= end }

    @inline(__always)
    func require(_ n: Int) throws(IntelliVuePDUError) {
        if n > end - offset { throw .truncated(at: offset, need: n, have: end - offset) }
    }

    @inline(__always)
    mutating func u8() throws(IntelliVuePDUError) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    @inline(__always)
    mutating func u16() throws(IntelliVuePDUError) -> UInt16 {
        try require(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inline(__always)
    mutating func u32() throws(IntelliVuePDUError) -> UInt32 {
        try require(4)
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    mutating func skip(_ n: Int) throws(IntelliVuePDUError) {
        try require(n)
        offset += n
    }

    /// A reader over the next `n` bytes; this reader moves past them.
    mutating func sub(_ n: Int) throws(IntelliVuePDUError) -> PDUReader {
        try require(n)
        defer { offset += n }
        return PDUReader(bytes, from: offset, end: offset + n)
    }

    /// The next `n` bytes as a buffer slice; this reader moves past them.
    mutating func raw(_ n: Int) throws(IntelliVuePDUError) -> UnsafeRawBufferPointer {
        try require(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    /// Reads `u16 count · u16 length` and returns the count and a reader over the `length` bytes.
    mutating func list() throws(IntelliVuePDUError) -> (count: Int, body: PDUReader) {
        let count = Int(try u16())
        let length = Int(try u16())
        return (count, try sub(length))
    }
}

/// Big-endian writer for building messages.
struct PDUWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes.append(UInt8(v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v)) }
    mutating func u32(_ v: UInt32) {
        bytes.append(UInt8(v >> 24)); bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8)); bytes.append(UInt8(truncatingIfNeeded: v))
    }
    mutating func append(_ b: [UInt8]) { bytes.append(contentsOf: b) }

    /// Reserves a u16 length field and returns its position for ``patchLength(at:)``.
    mutating func lengthPlaceholder() -> Int { let at = bytes.count; u16(0); return at }

    /// Writes the number of bytes after the field at `at` into it.
    mutating func patchLength(at: Int) {
        let n = bytes.count - at - 2
        precondition(n <= 0xffff)
        bytes[at] = UInt8(n >> 8); bytes[at + 1] = UInt8(truncatingIfNeeded: n)
    }
}

extension UnsafeRawBufferPointer {
    /// Whether these bytes equal `other`'s, compared as memory (the generic `elementsEqual` walks
    /// them one element at a time; cached labels and alarm entries are compared every poll).
    func sameBytes(as other: [UInt8]) -> Bool {
        guard count == other.count else { return false }
        guard count > 0 else { return true }
        return other.withUnsafeBytes { memcmp(baseAddress!, $0.baseAddress!, count) == 0 }
    }
}
