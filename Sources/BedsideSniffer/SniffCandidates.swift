import BedsideDriver
import GEDatex
import GEDinamap
import IntelliVue
import MasimoASCII
import Nonin

/// The protocols the sniffer knows and the evidence each needs.
public enum SniffCandidates {
    /// The listen-only protocols (a device that talks without being asked, or a capture of one):
    /// Masimo ASCII 1, Nonin formats 2, 7 and 8, GE DRI and IntelliVue, plus the replies of the GE
    /// DINAMAP host protocol (a recording of another host's session).
    ///
    /// Evidence (frames that must pass): Masimo 3 lines (each a time stamp and a field grammar);
    /// Nonin 2 and 7: 2 packets (25 frames with an 8-bit sum each); Nonin 8: 10 packets (no
    /// checksum: only the position of bit 7 and the packet length); GE DRI: 2 records (8-bit sum,
    /// length and structure checks); IntelliVue: 3 frames (FCS-16); DINAMAP: 4 replies (12-bit sum
    /// and exact layout).
    public static let all: [SniffCandidate] = [
        SniffCandidate(driver: MasimoASCIIDriver.self, framesNeeded: 3),
        SniffCandidate(driver: NoninDriver.self, options: ["format": "2"], framesNeeded: 2),
        SniffCandidate(driver: NoninDriver.self, options: ["format": "7"], framesNeeded: 2),
        SniffCandidate(driver: NoninDriver.self, options: ["format": "8"], framesNeeded: 10),
        SniffCandidate(driver: GEDatexDriver.self, framesNeeded: 2),
        SniffCandidate(driver: IntelliVueDriver.self, framesNeeded: 3),
        SniffCandidate(driver: GEDinamapDriver.self, framesNeeded: 4),
    ]
}
