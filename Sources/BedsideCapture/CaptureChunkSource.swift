/// Something that hands out a recorded session chunk by chunk: a `.bbcap` reader, an IntelliVue
/// serial log, a raw dump. Streaming: memory does not grow with the input.
public protocol CaptureChunkSource: AnyObject {
    /// What is known about the session (for imports, synthesized by the importer).
    var header: CaptureHeader { get }
    /// The next chunk, or `nil` at the end (check ``warnings`` then).
    func next() throws(CaptureError) -> CaptureChunk?
    /// Byte ranges skipped so far, in input order.
    var warnings: [CaptureWarning] { get }
}
