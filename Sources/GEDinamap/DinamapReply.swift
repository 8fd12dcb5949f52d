/// A read reply of the DINAMAP host protocol, checked and split into its fixed-width fields
/// (vital-signs-monitors.md §2.6). Offsets count from the unit id at 0.
public enum DinamapReply: Equatable, Sendable {
    /// `uNAabcddddeeefffggg` (also `NF`, same layout): NIBP status and last determination.
    case nibp(NIBP)
    /// `uOAabbbcdd`: pulse-oximetry channel.
    case oximetry(Oximetry)
    /// `uRAabbb` (also `RC`): heart/pulse rate and its source.
    case rate(Rate)
    /// `uTCabcdddddeeeef`: temperature.
    case temperature(Temperature)

    public struct NIBP: Equatable, Sendable {
        public var command: String
        /// a: determination status character.
        public var status: UInt8
        /// b: patient type (0 unknown, 1 adult, 2 neonate).
        public var patientType: UInt8
        /// c: determination type (0 normal, 1 STAT).
        public var determinationType: UInt8
        /// dddd: seconds since the last determination (9999: none recent).
        public var secondsSince: Int
        public var systolic: Int, diastolic: Int, mean: Int
    }

    public struct Oximetry: Equatable, Sendable {
        public var status: UInt8
        public var spo2: Int
        public var signalStrength: Int
        public var averaging: Int
    }

    public struct Rate: Equatable, Sendable {
        public var command: String
        /// a: the rate's source (2 pulse oximeter, 3 NIBP).
        public var source: UInt8
        /// bbb; `nil` for `-99` ("no data" per one driver).
        public var rate: Int?
    }

    public struct Temperature: Equatable, Sendable {
        public var status: UInt8
        public var mode: UInt8
        /// c: new-determination counter, one printable character.
        public var counter: UInt8
        /// ddddd: seconds since the last determination (99999: none).
        public var secondsSince: Int
        /// eeee: tenths of °F.
        public var tenthsFahrenheit: Int
        /// f: unit the bedside display shows (0 °F, 1 °C).
        public var displayUnit: UInt8
    }

    /// Why a line is not a reply the driver can use.
    public enum Rejection: Error, Equatable, Sendable {
        case checksum
        /// Too short or too long for its command, or a field is not digits.
        case layout
        /// The unit id is not printable or the command letters are not a read reply we know.
        case unknownCommand

        public var counter: String {
            switch self {
            case .checksum: "frames.checksum-error"
            case .layout: "replies.bad-layout"
            case .unknownCommand: "replies.unknown-command"
            }
        }
    }

    /// The two command letters of the reply.
    public var command: String {
        switch self {
        case .nibp(let n): n.command
        case .oximetry: "OA"
        case .rate(let r): r.command
        case .temperature: "TC"
        }
    }

    /// Lengths of the replies before their checksum (§2.6).
    static let bodyLength: [String: Int] = ["NA": 19, "NF": 19, "OA": 10, "RA": 7, "RC": 7, "TC": 16]

    /// Parses one line (without its CR): checksum first, then layout.
    public static func parse(_ line: [UInt8]) throws(Rejection) -> DinamapReply {
        guard line.count >= 5, line.allSatisfy({ (0x20...0x7E).contains($0) }) else { throw .layout }
        let body = line[..<(line.count - 2)]
        let (k1, k2) = DinamapWire.checksum(body)
        guard line[line.count - 2] == k1, line[line.count - 1] == k2 else { throw .checksum }
        let command = String(decoding: line[1..<3], as: UTF8.self)
        guard let length = bodyLength[command] else { throw .unknownCommand }
        guard body.count == length else { throw .layout }
        func number(_ from: Int, _ count: Int) throws(Rejection) -> Int {
            var v = 0
            for i in from..<(from + count) {
                let c = line[i]
                guard (48...57).contains(c) else { throw .layout }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        func digit(_ at: Int) throws(Rejection) -> UInt8 {
            guard (48...57).contains(line[at]) else { throw .layout }
            return line[at]
        }
        switch command {
        case "NA", "NF":
            return .nibp(NIBP(command: command, status: try digit(3), patientType: try digit(4),
                              determinationType: try digit(5), secondsSince: try number(6, 4),
                              systolic: try number(10, 3), diastolic: try number(13, 3), mean: try number(16, 3)))
        case "OA":
            return .oximetry(Oximetry(status: try digit(3), spo2: try number(4, 3), signalStrength: try number(7, 1),
                                      averaging: try number(8, 2)))
        case "RA", "RC":
            let rate: Int?
            if line[4] == UInt8(ascii: "-"), line[5] == UInt8(ascii: "9"), line[6] == UInt8(ascii: "9") {
                rate = nil
            } else {
                rate = try number(4, 3)
            }
            return .rate(Rate(command: command, source: try digit(3), rate: rate))
        default:  // TC
            return .temperature(Temperature(status: try digit(3), mode: try digit(4), counter: line[5],
                                            secondsSince: try number(6, 5), tenthsFahrenheit: try number(11, 4),
                                            displayUnit: try digit(15)))
        }
    }
}
