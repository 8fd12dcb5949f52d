/// An HL7 acknowledgement (`ACK`) as the bridge reads it: MSA-1 and MSA-2, and the error text.
public struct HL7Acknowledgement: Sendable, Hashable {
    public enum Code: String, Sendable, Hashable {
        case applicationAccept = "AA", applicationError = "AE", applicationReject = "AR"
        case commitAccept = "CA", commitError = "CE", commitReject = "CR"

        /// AA and CA both mean the message was taken (PCD asks for an accept ACK; many answer AA).
        public var accepted: Bool { self == .applicationAccept || self == .commitAccept }
        /// AE/CE: the receiver found the message wrong — resending the same bytes will not help.
        public var error: Bool { self == .applicationError || self == .commitError }
        /// AR/CR: rejected for a reason not in the message (receiver unable, unsupported type).
        public var reject: Bool { self == .applicationReject || self == .commitReject }
    }

    public var code: Code
    /// MSA-2: the control id (MSH-10) of the message it answers.
    public var controlID: String
    /// MSA-3 and ERR text, for the log and a parked message's reason.
    public var text: String?

    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case notHL7
        case noMSA
        case unknownCode(String)

        public var description: String {
            switch self {
            case .notHL7: "the reply is not an HL7 message (no MSH segment)"
            case .noMSA: "the reply has no MSA segment"
            case .unknownCode(let c): "the reply's MSA-1 '\(c)' is not an acknowledgement code"
            }
        }
    }

    /// Reads an ACK (segments separated by CR; LF tolerated).
    public init(parsing message: [UInt8]) throws(ParseError) {
        let text = String(decoding: message, as: UTF8.self)
        let segments = text.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).map(String.init)
        guard let msh = segments.first, msh.hasPrefix("MSH"), msh.count >= 4 else { throw .notHL7 }
        let separator = msh[msh.index(msh.startIndex, offsetBy: 3)]
        guard let msa = segments.first(where: { $0.hasPrefix("MSA" + String(separator)) }) else { throw .noMSA }
        let fields = msa.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        let codeText = fields.count > 1 ? fields[1] : ""
        guard let code = Code(rawValue: codeText) else { throw .unknownCode(codeText) }
        self.code = code
        controlID = fields.count > 2 ? fields[2] : ""
        var notes: [String] = []
        if fields.count > 3, !fields[3].isEmpty { notes.append(fields[3]) }
        for err in segments where err.hasPrefix("ERR" + String(separator)) {
            notes.append(String(err.dropFirst(4)))
        }
        self.text = notes.isEmpty ? nil : notes.joined(separator: "; ")
    }
}
