/// Identifiers of the Data Export protocol used by this implementation (IEEE 11073 / Philips
/// nomenclature). Values from the Data Export Interface Programming Guide as restated in our notes.
enum Nomenclature {
    // Session (SPDU) message types: first byte of an association-control message.
    enum SPDU {
        static let connect: UInt8 = 0x0d          // AARQ
        static let accept: UInt8 = 0x0e           // AARE
        static let refuse: UInt8 = 0x0c
        static let finish: UInt8 = 0x09           // release request
        static let disconnect: UInt8 = 0x0a       // release response
        static let abort: UInt8 = 0x19
        static let dataExport: UInt8 = 0xe1       // session id 0xe100
    }

    enum ROType {
        static let invoke: UInt16 = 1
        static let result: UInt16 = 2
        static let error: UInt16 = 3
        static let linkedResult: UInt16 = 5
    }

    enum Command {
        static let eventReport: UInt16 = 0
        static let confirmedEventReport: UInt16 = 1
        static let get: UInt16 = 3
        static let set: UInt16 = 4
        static let confirmedSet: UInt16 = 5
        static let confirmedAction: UInt16 = 7
    }

    enum LinkedState {
        static let first: UInt8 = 1
        static let notFirstNotLast: UInt8 = 2
        static let last: UInt8 = 3
    }

    enum Action {
        static let pollMDIBData: UInt16 = 0x0c16
        static let pollMDIBDataExtended: UInt16 = 0xf13b
    }

    enum Event {
        static let mdsCreate: UInt16 = 0x0d06
    }

    /// Object classes (partition 1, NOM_PART_OBJ).
    enum ObjectClass {
        static let enumeration: UInt16 = 0x0005
        static let numeric: UInt16 = 0x0006
        static let sampleArray: UInt16 = 0x0009
        static let mds: UInt16 = 0x0021
        static let patientDemographics: UInt16 = 0x002a
        static let alertMonitor: UInt16 = 0x0036
    }

    static let partitionObject: UInt16 = 1
    static let partitionSCADA: UInt16 = 2
    static let partitionDimension: UInt16 = 4

    enum AttributeGroup {
        static let all: UInt16 = 0
        static let alertMonitor: UInt16 = 0x0801
        static let metricObservedValue: UInt16 = 0x0803
        static let vmoStatic: UInt16 = 0x0811
    }

    enum Attribute {
        static let alarmListPatient: UInt16 = 0x0902
        static let alarmListTechnical: UInt16 = 0x0904
        static let deviceAlertCondition: UInt16 = 0x0916
        static let idHandle: UInt16 = 0x0921
        static let idLabel: UInt16 = 0x0924
        static let idLabelString: UInt16 = 0x0927
        static let idModel: UInt16 = 0x0928
        static let idProductSpec: UInt16 = 0x092d
        static let idType: UInt16 = 0x092f
        static let modeOperation: UInt16 = 0x0946
        static let numericCompoundObserved: UInt16 = 0x094b
        static let numericObserved: UInt16 = 0x0950
        static let sampleArraySpec: UInt16 = 0x096d
        static let sampleArrayObserved: UInt16 = 0x096e
        static let sampleArrayCompoundObserved: UInt16 = 0x0967
        static let scaleSpecI16: UInt16 = 0x096f
        static let systemID: UInt16 = 0x0984
        static let timeAbsolute: UInt16 = 0x0987
        static let timeRelative: UInt16 = 0x098f
        static let timePeriodSample: UInt16 = 0x098d
        static let timeStampAbsolute: UInt16 = 0x0990
        static let timeStampRelative: UInt16 = 0x0991
        static let unitCode: UInt16 = 0x0996
        static let sampleArrayFixedValues: UInt16 = 0x0a16
        static let metricModality: UInt16 = 0xf294
        static let pollProfileSupport: UInt16 = 0x0001
        static let pollProfileExtension: UInt16 = 0xf001
        static let timePeriodPoll: UInt16 = 0xf13e
        static let pollRTSAPriorityList: UInt16 = 0xf23a
    }

    /// ID_PROD_SPECN component ids and spec types (identity).
    enum ProductSpec {
        static let typeSerialNumber: UInt16 = 1
        static let typeSoftwareRevision: UInt16 = 4
        static let componentApplicationSoftware: UInt16 = 0x0058
    }

    /// PollProfileExt option bits.
    enum PollExtension {
        static let realtimeNumerics: UInt32 = 0x8000_0000
        static let average12s: UInt32 = 0x4000_0000
        static let average60s: UInt32 = 0x2000_0000
        static let average300s: UInt32 = 0x1000_0000
        static let realtimeSampleArrays: UInt32 = 0x0800_0000
        static let enumerations: UInt32 = 0x0400_0000
    }

    /// Alert info ids.
    static let stringAlertInfo: UInt16 = 516
    static let genericAlertInfo: UInt16 = 513

    /// Mode of operation values (MDS attribute 0x0946).
    enum OperatingMode {
        static let demo: UInt16 = 0x2000
        static let monitoring: UInt16 = 0x4000
    }
}
