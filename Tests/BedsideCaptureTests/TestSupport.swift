import BedsideModel
@testable import BedsideCapture
import Glibc

/// The shared folder with real captures: `$BEDSIDE_SHARED`, else `<package root>/../shared`.
enum SharedData {
    static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }  // …/Tests/BedsideCaptureTests/file
        return path
    }()

    static let root: String = {
        if let env = getenv("BEDSIDE_SHARED") { return String(cString: env) }
        return packageRoot + "/../shared"
    }()

    static var available: Bool { access(root + "/captures/ge-datex-s5", R_OK) == 0 }

    static func path(_ relative: String) -> String { root + "/captures/" + relative }

    /// `<package root>/HardwareFixtures/...`
    static func fixture(_ relative: String) -> String { packageRoot + "/HardwareFixtures/" + relative }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/bedside-capture-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        guard let dir = opendir(path) else { return }
        var names: [String] = []
        while let entry = readdir(dir) {
            var nameTuple = entry.pointee.d_name
            let name = withUnsafeBytes(of: &nameTuple) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names { unlink(file(name)) }
        rmdir(path)
    }
}


func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0, "cannot create \(path)")
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

func readFile(_ path: String) throws -> [UInt8] { try FileBytes.read(path) }

let t0 = Timestamp(secondsSinceEpoch: 1_764_064_337, nanoseconds: 123_456_789)

func sampleHeader() -> CaptureHeader {
    CaptureHeader(
        driver: "ge-datex", serialSettings: SerialSettings(baudRate: 19200, parity: .even), port: "/dev/ttyUSB0",
        device: DeviceIdentity(driver: "ge-datex", vendor: "GE Healthcare", model: "S/5 = AM\\x", serialNumber: "SN 42",
                               portID: "pci-0000:00:14.0-usb-0:2:1.0", location: "chair-3"),
        startTime: t0, note: "line one\nline two\twith tab, \\ backslash, \u{1} control, ünïcode")
}
