/// Builds HL7 v2 messages in ER7 (pipe-delimited) form: segments ended by CR, fields by `|`,
/// components by `^`, repetitions by `~`, sub-components by `&`, escape `\`.
///
/// Text goes in through ``escaped(_:)`` so a device's alarm text or a drug name can never break
/// the message structure; control characters that MLLP reserves (VT, FS) never reach the output.
public struct ER7Writer: Sendable {
    private(set) var segments: [String] = []

    public init() {}

    /// Appends a segment from its id and fields (field 1 first); trailing empty fields are cut.
    public mutating func segment(_ id: String, _ fields: [String]) {
        var fields = fields
        while let last = fields.last, last.isEmpty { fields.removeLast() }
        segments.append(([id] + fields).joined(separator: "|"))
    }

    /// The MSH segment: MSH-1 is the field separator itself, so its fields start at MSH-2.
    mutating func header(_ fieldsFromMSH2: [String]) {
        var fields = fieldsFromMSH2
        while let last = fields.last, last.isEmpty { fields.removeLast() }
        segments.append("MSH|" + fields.joined(separator: "|"))
    }

    /// The message: segments each terminated by a carriage return.
    public var message: String { segments.map { $0 + "\r" }.joined() }

    /// `text` with the HL7 delimiters escaped (`\F\ \S\ \T\ \R\ \E\`), line breaks as `\X0D\`/`\X0A\`,
    /// and other control characters (including MLLP's VT and FS) as `\Xhh\`.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": out += "\\F\\"
            case "^": out += "\\S\\"
            case "&": out += "\\T\\"
            case "~": out += "\\R\\"
            case "\\": out += "\\E\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\X" + (hex.count < 2 ? "0" + hex : hex) + "\\"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Components joined with `^`, trailing empty ones cut.
    static func components(_ parts: [String]) -> String {
        var parts = parts
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts.joined(separator: "^")
    }

    /// Sub-components joined with `&` (a component that is itself composite, e.g. HD inside PL).
    static func subcomponents(_ parts: [String]) -> String {
        var parts = parts
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts.joined(separator: "&")
    }
}
