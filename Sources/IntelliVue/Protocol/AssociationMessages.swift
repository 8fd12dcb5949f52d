/// The poll profile one side proposes or grants in an association request/response
/// (MDSEUserInfoStd with NOM_POLL_PROFILE_SUPPORT and NOM_ATTR_POLL_PROFILE_EXT).
public struct IntelliVuePollProfile: Hashable, Sendable {
    /// RelativeTime ticks (125 µs); sets the monitor's association timeout.
    public var minimumPollPeriodTicks: UInt32
    public var maximumMTUReceive: UInt32
    public var maximumMTUTransmit: UInt32
    /// PollProfileExt option bits (real-time numerics, RTSA, …).
    public var extensionOptions: UInt32
    /// `true` for the monitor side (SYST_SERVER), `false` for a client (SYST_CLIENT).
    public var isServer: Bool

    public init(minimumPollPeriodTicks: UInt32 = 800_000, maximumMTUReceive: UInt32 = 1000, maximumMTUTransmit: UInt32 = 1000,
                extensionOptions: UInt32 = 0x8c00_0000, isServer: Bool = false) {
        self.minimumPollPeriodTicks = minimumPollPeriodTicks
        self.maximumMTUReceive = maximumMTUReceive
        self.maximumMTUTransmit = maximumMTUTransmit
        self.extensionOptions = extensionOptions
        self.isServer = isServer
    }

    /// Whether the extended poll package was granted with real-time sample arrays.
    public var grantsWaves: Bool { extensionOptions & Nomenclature.PollExtension.realtimeSampleArrays != 0 }

    /// The monitor's association timeout for this minimum poll period (guide: < 3.3 s → 10 s,
    /// 3.3–43 s → 3 × period, longer → 130 s).
    public var associationTimeoutNanoseconds: Int64 {
        let period = Int64(minimumPollPeriodTicks) * IntelliVueTime.nanosecondsPerTick
        if period < 3_300_000_000 { return 10_000_000_000 }
        if period <= 43_000_000_000 { return 3 * period }
        return 130_000_000_000
    }

    /// The 72-byte MDSEUserInfoStd.
    var userInfo: [UInt8] {
        var w = PDUWriter(capacity: 72)
        w.u32(0x8000_0000)                               // protocol version MDDL_VERSION1
        w.u32(0x4000_0000)                               // nomenclature version
        w.u32(0)                                         // functional units
        w.u32(isServer ? 0x0080_0000 : 0x8000_0000)      // SYST_SERVER / SYST_CLIENT
        w.u32(isServer ? 0x8000_0000 : 0x2000_0000)      // startup mode: hot (server) / cold (client)
        w.u16(0); w.u16(0)                               // option list
        w.u16(1); w.u16(44)                              // supported aprofiles: one AVA of 44 bytes
        w.u16(Nomenclature.Attribute.pollProfileSupport); w.u16(40)
        w.u32(0x8000_0000)                               // POLL_PROFILE_REV_0
        w.u32(minimumPollPeriodTicks)
        w.u32(maximumMTUReceive)
        w.u32(maximumMTUTransmit)
        w.u32(0xffff_ffff)                               // max bandwidth: unknown
        w.u32(0x6000_0000)                               // dynamic create/delete objects
        w.u16(1); w.u16(12)                              // optional packages: one AVA of 12 bytes
        w.u16(Nomenclature.Attribute.pollProfileExtension); w.u16(8)
        w.u32(extensionOptions)
        w.u16(0); w.u16(0)                               // ext attributes
        return w.bytes
    }

    /// Parses an MDSEUserInfoStd; unknown attributes are skipped by length.
    init(parsing r: inout PDUReader) throws(IntelliVuePDUError) {
        try r.skip(12)
        let systemType = try r.u32()
        try r.skip(4)
        var options = try r.list()
        try options.body.skip(options.body.remaining)
        var profiles = try r.list()
        var minPeriod: UInt32?, mtuRx: UInt32 = 0, mtuTx: UInt32 = 0, ext: UInt32 = 0
        for _ in 0..<profiles.count {
            let id = try profiles.body.u16()
            var v = try profiles.body.sub(Int(try profiles.body.u16()))
            guard id == Nomenclature.Attribute.pollProfileSupport else { continue }
            try v.skip(4)                                    // revision
            minPeriod = try v.u32(); mtuRx = try v.u32(); mtuTx = try v.u32()
            try v.skip(8)                                    // max bandwidth, options
            // The optional packages (PollProfileExt) sit inside the poll profile.
            guard v.remaining >= 4 else { continue }
            var packages = try v.list()
            for _ in 0..<packages.count {
                let pid = try packages.body.u16()
                var pv = try packages.body.sub(Int(try packages.body.u16()))
                if pid == Nomenclature.Attribute.pollProfileExtension { ext = try pv.u32() }
            }
        }
        guard let minPeriod else { throw .unknownMessage("association user data without a poll profile") }
        self.init(minimumPollPeriodTicks: minPeriod, maximumMTUReceive: mtuRx, maximumMTUTransmit: mtuTx,
                  extensionOptions: ext, isServer: systemType & 0x0080_0000 != 0)
    }
}

/// Association-control messages (session layer): fixed byte layouts from the programming guide.
enum AssociationMessages {
    static let sessionData: [UInt8] = [0x05, 0x08, 0x13, 0x01, 0x00, 0x16, 0x01, 0x02, 0x80, 0x00, 0x14, 0x02, 0x00, 0x02]

    /// ACSE/presentation block of the association request (ends with tag 0x81 before the user data length).
    static let requestPresentation: [UInt8] = [
        0x31, 0x80, 0xa0, 0x80, 0x80, 0x01, 0x01, 0x00, 0x00, 0xa2, 0x80, 0xa0, 0x03, 0x00, 0x00, 0x01, 0xa4, 0x80, 0x30, 0x80,
        0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01, 0x30, 0x80, 0x06, 0x02, 0x51, 0x01, 0x00, 0x00, 0x00, 0x00, 0x30,
        0x80, 0x02, 0x01, 0x02, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x30, 0x80,
        0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0, 0x80, 0x60, 0x80, 0xa1, 0x80, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14,
        0x02, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0xbe, 0x80, 0x28, 0x80, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14,
        0x02, 0x01, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x01, 0x02, 0x81,
    ]

    /// ACSE/presentation block of the association response (guide "AssocRespPresentationHeader").
    static let responsePresentation: [UInt8] = [
        0x31, 0x80, 0xa0, 0x80, 0x80, 0x01, 0x01, 0x00, 0x00, 0xa2, 0x80, 0xa0, 0x03, 0x00, 0x00, 0x01, 0xa5, 0x80, 0x30, 0x80,
        0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01, 0x00, 0x00, 0x30, 0x80, 0x80, 0x01, 0x00, 0x81, 0x0c, 0x2a, 0x86, 0x48, 0xce,
        0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0,
        0x80, 0x61, 0x80, 0xa1, 0x80, 0x06, 0x0c, 0x2a, 0x86, 0x48, 0xce, 0x14, 0x02, 0x01, 0x00, 0x00, 0x00, 0x03, 0x01, 0x00,
        0x00, 0xa2, 0x03, 0x02, 0x01, 0x00, 0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00, 0xbe, 0x80, 0x28, 0x80, 0x02, 0x01, 0x02,
        0x81,
    ]

    static let refuse: [UInt8] = [0x0c, 0x03, 0x32, 0x01, 0x00]

    static let releaseRequest: [UInt8] = [
        0x09, 0x18, 0xc1, 0x16, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0, 0x80, 0x62, 0x80, 0x80, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    static let releaseResponse: [UInt8] = [
        0x0a, 0x18, 0xc1, 0x16, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0, 0x80, 0x63, 0x80, 0x80, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    static let abort: [UInt8] = [
        0x19, 0x2e, 0x11, 0x01, 0x03, 0xc1, 0x29, 0xa0, 0x80, 0xa0, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0x06, 0x02, 0x51,
        0x01, 0x00, 0x00, 0x00, 0x00, 0x61, 0x80, 0x30, 0x80, 0x02, 0x01, 0x01, 0xa0, 0x80, 0x64, 0x80, 0x80, 0x01, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// An association request (client) or response (monitor) carrying `profile`.
    static func association(type: UInt8, presentation: [UInt8], profile: IntelliVuePollProfile) -> [UInt8] {
        let info = profile.userInfo
        var asnLength: [UInt8] = info.count <= 127 ? [UInt8(info.count)] : [0x82, UInt8(info.count >> 8), UInt8(info.count & 0xff)]
        if info.count > 127 && info.count <= 255 { asnLength = [0x81, UInt8(info.count)] }
        let presentationBody = presentation + asnLength + info + [UInt8](repeating: 0, count: 16)
        let presentationPart = [0xc1] + lengthIndicator(presentationBody.count) + presentationBody
        let sessionBody = sessionData + presentationPart
        return [type] + lengthIndicator(sessionBody.count) + sessionBody
    }

    static func associationRequest(_ profile: IntelliVuePollProfile) -> [UInt8] {
        association(type: Nomenclature.SPDU.connect, presentation: requestPresentation, profile: profile)
    }

    static func associationResponse(_ profile: IntelliVuePollProfile) -> [UInt8] {
        association(type: Nomenclature.SPDU.accept, presentation: responsePresentation, profile: profile)
    }

    /// Session/presentation length indicator: one byte up to 254, else `ff` + u16.
    static func lengthIndicator(_ n: Int) -> [UInt8] {
        n <= 254 ? [UInt8(n)] : [0xff, UInt8(n >> 8), UInt8(n & 0xff)]
    }

    /// Finds and parses the MDSEUserInfoStd of an AARQ/AARE: it follows the presentation block's
    /// final tag `0x81` and a BER length. The search anchors on the `be 80 28 80` user-information tag.
    static func parsePollProfile(_ message: UnsafeRawBufferPointer) throws(IntelliVuePDUError) -> IntelliVuePollProfile {
        let n = message.count
        var i = 0
        while i + 4 < n {
            if message[i] == 0xbe, message[i + 1] == 0x80, message[i + 2] == 0x28, message[i + 3] == 0x80 { break }
            i += 1
        }
        guard i + 4 < n else { throw .unknownMessage("association message without user information") }
        var j = i + 4
        while j < n, message[j] != 0x81 { j += 1 }  // skip the optional direct-reference (02 01 02 …)
        j += 1
        guard j < n else { throw .truncated(at: j, need: 1, have: 0) }
        var length = Int(message[j]); j += 1
        if length & 0x80 != 0 {
            let k = length & 0x7f
            guard k <= 2, j + k <= n else { throw .inconsistentLength(what: "ASN.1 user data", at: j) }
            length = 0
            for _ in 0..<k { length = length << 8 | Int(message[j]); j += 1 }
        }
        var r = PDUReader(message, from: j)
        var body = try r.sub(length)
        return try IntelliVuePollProfile(parsing: &body)
    }
}
