/// The SPpdu + ROapdus + ROIV/RORS/ROLRS/ROER headers of a data-export message, with the offset
/// of the command body. Parsed in place; the message is not copied.
struct RemoteOperationHeader: Hashable, Sendable {
    var presentationContext: UInt16
    var roType: UInt16
    var invokeID: UInt16
    /// For ROIV/RORS/ROLRS.
    var commandType: UInt16
    /// For ROLRS: FIRST (1), NOT_FIRST_NOT_LAST (2), LAST (3); 0 otherwise.
    var linkedState: UInt8
    var linkedCount: UInt8
    /// For ROER.
    var errorValue: UInt16
    /// Offset and length of the command body (or the error data).
    var bodyOffset: Int
    var bodyLength: Int

    /// Parses the headers and checks that every declared length ends exactly at the message end.
    init(parsing message: UnsafeRawBufferPointer) throws(IntelliVuePDUError) {
        var r = PDUReader(message)
        let session = try r.u16()
        guard session == 0xe100 else { throw .unknownMessage("session id 0x\(hex(session))") }
        presentationContext = try r.u16()
        roType = try r.u16()
        let roLength = Int(try r.u16())
        guard roLength == r.remaining else { throw .inconsistentLength(what: "ROapdus", at: 6) }
        linkedState = 0; linkedCount = 0; errorValue = 0; commandType = 0
        switch roType {
        case Nomenclature.ROType.invoke, Nomenclature.ROType.result:
            invokeID = try r.u16()
            commandType = try r.u16()
        case Nomenclature.ROType.linkedResult:
            linkedState = try r.u8()
            linkedCount = try r.u8()
            invokeID = try r.u16()
            commandType = try r.u16()
        case Nomenclature.ROType.error:
            invokeID = try r.u16()
            errorValue = try r.u16()
        default:
            throw .unknownMessage("remote operation type \(roType)")
        }
        let length = Int(try r.u16())
        guard length == r.remaining else { throw .inconsistentLength(what: "command", at: r.offset - 2) }
        bodyOffset = r.offset
        bodyLength = length
    }

    func body(_ message: UnsafeRawBufferPointer) -> PDUReader {
        PDUReader(message, from: bodyOffset, end: bodyOffset + bodyLength)
    }

    /// Words for a ROER error value.
    static func errorName(_ value: UInt16) -> String {
        switch value {
        case 0: "NO_SUCH_OBJECT_CLASS"
        case 1: "NO_SUCH_OBJECT_INSTANCE"
        case 2: "ACCESS_DENIED"
        case 7: "GET_LIST_ERROR"
        case 8: "SET_LIST_ERROR"
        case 9: "NO_SUCH_ACTION"
        case 10: "PROCESSING_FAILURE"
        case 15: "INVALID_ARGUMENT_VALUE"
        case 16: "INVALID_SCOPE"
        case 17: "INVALID_OBJECT_INSTANCE"
        default: "error \(value)"
        }
    }
}

/// The fixed part of a poll result (PollMdibDataReply / PollMdibDataReplyExt inside an ActionResult).
struct PollReplyHeader {
    var actionType: UInt16
    var pollNumber: UInt16
    /// Extended polls only; 0 is the immediate reply to a request.
    var sequenceNumber: UInt16?
    var relativeTime: UInt32
    var objectClass: UInt16
    var attributeGroup: UInt16
    /// Number of SingleContextPoll entries and their bytes.
    var contextCount: Int
    var contexts: PDUReader

    /// Parses an ActionResult body: `mobj(6) · action_type · length · reply`.
    init(parsing body: PDUReader) throws(IntelliVuePDUError) {
        var r = body
        try r.skip(6)
        actionType = try r.u16()
        var reply = try r.sub(Int(try r.u16()))
        guard r.isAtEnd else { throw .inconsistentLength(what: "action result", at: r.offset) }
        guard actionType == Nomenclature.Action.pollMDIBData || actionType == Nomenclature.Action.pollMDIBDataExtended else {
            throw .unknownMessage("action result 0x\(hex(actionType))")
        }
        pollNumber = try reply.u16()
        sequenceNumber = actionType == Nomenclature.Action.pollMDIBDataExtended ? try reply.u16() : nil
        relativeTime = try reply.u32()
        try reply.skip(8)                               // abs_time_stamp: always invalid in poll results
        try reply.skip(2)                               // partition
        objectClass = try reply.u16()
        attributeGroup = try reply.u16()
        let list = try reply.list()
        guard reply.isAtEnd else { throw .inconsistentLength(what: "poll info list", at: reply.offset) }
        contextCount = list.count
        contexts = list.body
    }
}
