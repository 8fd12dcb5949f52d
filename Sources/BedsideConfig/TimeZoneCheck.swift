import Foundation
import Yams

enum TimeZoneCheck {
    /// An IANA zone name Foundation's zone database knows, or an issue.
    static func zone(_ node: Node, into reader: inout ConfigurationReader) -> String? {
        guard let name = reader.text(node, key: "time-zone") else { return nil }
        guard TimeZone(identifier: name) != nil else {
            reader.fail(node, "'\(name)' is not a time zone this system knows",
                        fix: "use an IANA name such as Europe/Berlin or America/New_York (timedatectl list-timezones lists them)")
            return nil
        }
        return name
    }
}
