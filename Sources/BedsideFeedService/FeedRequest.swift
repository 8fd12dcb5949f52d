import BedsideStore
import Foundation

/// What a feed client asks for, in the one JSON line it sends after connecting (an empty line or
/// `{}` means: live from now, everything).
public struct FeedRequest: Sendable, Hashable, Codable {
    /// Resume: send every stored record after this `seq`, then live.
    public var resumeAfter: UInt64?
    /// The bridge id the client's `seq` belongs to; when it is not this bridge's, resume starts
    /// at the oldest stored record.
    public var bridgeId: String?
    public var chair: [String]?
    public var device: [String]?
    public var kind: [String]?
    public var metric: [String]?
    public var token: String?

    public init(resumeAfter: UInt64? = nil, bridgeId: String? = nil, chair: [String]? = nil, device: [String]? = nil,
                kind: [String]? = nil, metric: [String]? = nil, token: String? = nil) {
        self.resumeAfter = resumeAfter
        self.bridgeId = bridgeId
        self.chair = chair
        self.device = device
        self.kind = kind
        self.metric = metric
        self.token = token
    }

    public var filter: RecordFilter {
        RecordFilter(locations: Set(chair ?? []), deviceIDs: Set(device ?? []), kinds: Set(kind ?? []),
                     metrics: Set(metric ?? []))
    }

    /// Parses a request line; empty means the defaults.
    public static func parse(_ line: [UInt8]) throws -> FeedRequest {
        let trimmed = line.filter { $0 != 0x0D && $0 != 0x20 }
        if trimmed.isEmpty { return FeedRequest() }
        return try JSONDecoder().decode(FeedRequest.self, from: Data(line))
    }

    public func line() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}

/// Control lines the service sends besides records. Records start with `{"schemaVersion"`;
/// these start with `{"feed"`, so a reader tells them apart by the first key.
enum FeedNotice {
    static func hello(bridgeId: String, lastSeq: UInt64, firstRetained: UInt64?, resumingAfter: UInt64?, bridgeChanged: Bool) -> String {
        var s = #"{"feed":"hello","schemaVersion":"2.0","bridgeId":"\#(bridgeId)","lastSeq":\#(lastSeq)"#
        if let f = firstRetained { s += #","firstRetainedSeq":\#(f)"# }
        if let r = resumingAfter { s += #","resumingAfter":\#(r)"# }
        if bridgeChanged { s += #","bridgeChanged":true"# }
        return s + "}"
    }

    static func gap(first: UInt64, last: UInt64) -> String {
        #"{"feed":"gap","firstSeq":\#(first),"lastSeq":\#(last),"reason":"no longer retained in the store"}"#
    }

    static func overflow(missedFrom: UInt64, lastSent: UInt64, behind: UInt64) -> String {
        #"{"feed":"overflow","lastSentSeq":\#(lastSent),"missedFromSeq":\#(missedFrom),"behindRecords":\#(behind),"#
            + #""detail":"this client read too slowly and is disconnected; reconnect with resumeAfter \#(lastSent)"}"#
    }

    static func refused(_ reason: String) -> String {
        #"{"feed":"refused","reason":"\#(reason)"}"#
    }
}
