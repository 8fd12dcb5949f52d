/// Who sends, to whom, and for which place: the parts of MSH, PID and PV1 that come from the
/// site's configuration rather than from the devices.
public struct HL7Sender: Sendable, Hashable {
    /// MSH-3.1 and the namespace of every EI the bridge mints (OBR-2/3): at most 20 characters.
    public var application: String
    /// The bridge's EUI-64 (16 hex digits): MSH-3.2, EI-3 of OBR-2/3.
    public var eui64: String
    /// MSH-4, the organisation operating the bridge; PV1-3.4 facility.
    public var facility: String?
    /// MSH-5 / MSH-6, when the receiver routes on them.
    public var receivingApplication: String?
    public var receivingFacility: String?
    /// PV1-3.1 point of care (the clinic's unit); the chair goes in PV1-3.2 (room).
    public var pointOfCare: String
    /// PV1-2 patient class (HL7 table 0004): `O` outpatient for an infusion clinic.
    public var patientClass: String

    public init(application: String = "BEDSIDE_BRIDGE", eui64: String, facility: String? = nil,
                receivingApplication: String? = nil, receivingFacility: String? = nil,
                pointOfCare: String = "INFUSION", patientClass: String = "O") {
        self.application = application
        self.eui64 = eui64
        self.facility = facility
        self.receivingApplication = receivingApplication
        self.receivingFacility = receivingFacility
        self.pointOfCare = pointOfCare
        self.patientClass = patientClass
    }

    /// What is wrong with the values, if anything (the configuration check calls this).
    public var problems: [String] {
        var problems: [String] = []
        if application.isEmpty || application.count > 20 { problems.append("application name '\(application)': use 1–20 characters (PCD limits EI namespaces)") }
        if eui64.count != 16 || !eui64.allSatisfy(\.isHexDigit) { problems.append("EUI-64 '\(eui64)': use 16 hex digits") }
        if patientClass.isEmpty { problems.append("patient class is empty: use O (outpatient) or another HL7 table 0004 value") }
        return problems
    }

    /// `BEDSIDE_BRIDGE^<EUI-64>^EUI-64` (MSH-3).
    var applicationHD: String { ER7Writer.components([ER7Writer.escaped(application), eui64, "EUI-64"]) }

    /// An EI minted by the bridge (`<id>^BEDSIDE_BRIDGE^<EUI-64>^EUI-64`).
    func entity(_ id: String) -> String {
        ER7Writer.components([id, ER7Writer.escaped(application), eui64, "EUI-64"])
    }
}

/// The patient a message is about. The bridge does not know patients: every message carries the
/// IHE placeholder for an unbound patient (TF-2 B.5) — a temporary id per device session,
/// name type `U`, identity-unknown `Y` — and the chair as the location.
public struct UnboundPatient: Sendable, Hashable {
    /// The temporary id (`UNBOUND-…`), one per device session, never per chair.
    public var temporaryID: String
    /// The chair (PV1-3.2), when the port is bound to one.
    public var location: String?

    public init(temporaryID: String, location: String?) {
        self.temporaryID = temporaryID
        self.location = location
    }
}
