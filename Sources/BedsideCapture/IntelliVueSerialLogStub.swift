// TODO(merge): delete this file when the IntelliVue log importer (IntelliVueSerialLog.swift) lands;
// it only keeps the sniffer compiling against that name until then.
enum IntelliVueSerialLog {
    /// Stand-in with the same question: does this prefix start with `YYYY/MM/DDThh:mm:ss,mmm`
    /// immediately followed by a 0xC0 frame start?
    static func looksLikeLog(_ prefix: [UInt8]) -> Bool {
        let pattern = Array("dddd/dd/ddTdd:dd:dd,ddd".utf8)
        guard prefix.count > pattern.count else { return false }
        for (p, b) in zip(pattern, prefix) {
            if p == UInt8(ascii: "d") { guard (0x30...0x39).contains(b) else { return false } } else if p != b { return false }
        }
        return prefix[pattern.count] == 0xC0
    }
}
