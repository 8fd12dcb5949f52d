/// Lower-case hex, zero-padded to the type's width.
@inline(__always)
func hex<T: FixedWidthInteger>(_ value: T) -> String {
    let s = String(value, radix: 16)
    let width = T.bitWidth / 4
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
