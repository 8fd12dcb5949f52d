import Testing
@testable import GEDatex

@Suite("NIBP: one reading per cuff measurement")
struct NIBPTrackerTests {
    static let adultAuto: UInt16 = 0x3 | 0x8
    static let measuring: UInt16 = 0x20
    static let old: UInt16 = 0x100

    func step(_ t: inout GEDatexNIBPTracker, label: UInt16, sys: Int16 = 12000, status: UInt32 = 3) -> Bool {
        t.shouldForward(header: GEDatexGroupHeader(status: status, label: label), sys: sys, dia: 8000, mean: 9333, rate: 70)
    }

    @Test("repeats are suppressed; a new cycle with identical numbers is still forwarded")
    func identicalNewCycle() {
        var t = GEDatexNIBPTracker()
        #expect(step(&t, label: Self.adultAuto))                    // first result seen
        #expect(!step(&t, label: Self.adultAuto))                   // repeated in the next record
        #expect(!step(&t, label: Self.adultAuto | Self.old))        // ages past 60 s: not a new measurement
        #expect(!step(&t, label: Self.adultAuto | Self.measuring))  // cuff inflating
        #expect(step(&t, label: Self.adultAuto))                    // cycle done, same numbers: forwarded
        #expect(!step(&t, label: Self.adultAuto))
    }

    @Test("the result on screen at connection is reported even while the cuff inflates")
    func onScreenWhileMeasuring() {
        var t = GEDatexNIBPTracker()
        #expect(t.step(header: GEDatexGroupHeader(status: 3, label: Self.adultAuto | Self.measuring),
                       sys: 12000, dia: 8000, mean: 9333, rate: 70) == .alreadyOnScreen)
        #expect(!step(&t, label: Self.adultAuto | Self.measuring))
        #expect(step(&t, label: Self.adultAuto))  // that measurement ended with the same numbers
    }

    @Test("numbers that appear while the measuring bit is still set are reported at once, and not again when it clears")
    func earlyNumbers() {
        var t = GEDatexNIBPTracker()
        #expect(step(&t, label: Self.adultAuto))
        #expect(!step(&t, label: Self.adultAuto | Self.measuring))
        #expect(step(&t, label: Self.adultAuto | Self.measuring, sys: 13000))
        #expect(!step(&t, label: Self.adultAuto | Self.measuring, sys: 13000))
        #expect(!step(&t, label: Self.adultAuto, sys: 13000))
    }

    @Test("cuff mode and cuff from the label")
    func modeAndCuff() {
        #expect(GEDatexPHDBDecoder.nibpMode(0x3) == "manual")
        #expect(GEDatexPHDBDecoder.nibpMode(0x3 | 0x8) == "auto")
        #expect(GEDatexPHDBDecoder.nibpMode(0x3 | 0x10) == "stat")
        #expect(GEDatexPHDBDecoder.nibpCuff(0x1) == "infant cuff")
        #expect(GEDatexPHDBDecoder.nibpCuff(0xB) == "adult cuff")
        #expect(GEDatexPHDBDecoder.nibpCuff(0x8) == nil)
    }

    @Test("a missed measuring bit: the old-data bit clearing marks a fresh result")
    func freshWithoutMeasuringBit() {
        var t = GEDatexNIBPTracker()
        #expect(step(&t, label: Self.adultAuto | Self.old))
        #expect(!step(&t, label: Self.adultAuto | Self.old))
        #expect(step(&t, label: Self.adultAuto))
    }

    @Test("a changed value without any bit change is forwarded; module removal is forwarded once")
    func changes() {
        var t = GEDatexNIBPTracker()
        #expect(step(&t, label: Self.adultAuto, sys: 12000))
        #expect(step(&t, label: Self.adultAuto, sys: 12500))
        #expect(step(&t, label: 0, sys: -32767, status: 0))
        #expect(!step(&t, label: 0, sys: -32767, status: 0))
    }
}
