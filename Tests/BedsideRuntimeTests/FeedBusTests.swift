import BedsideModel
import Testing
@testable import BedsideRuntime

@Suite("Feed bus")
struct FeedBusTests {
    let identityA = DeviceIdentity(driver: "toy", vendor: "Toy", port: "/dev/ttyA", location: "chair-1")
    let identityB = DeviceIdentity(driver: "toy", vendor: "Toy", port: "/dev/ttyB", location: "chair-2")

    @Test("seq is strictly increasing from 1 across ports and concurrent publishers")
    func seqAcrossConcurrentPublishers() async throws {
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "test", bufferSize: 100_000)
        let sources = (0..<8).map { i in
            bus.addSource(identity: DeviceIdentity(driver: "toy", vendor: "Toy", port: "/dev/tty\(i)"))
        }
        let perPublisher = 500
        await withTaskGroup(of: Void.self) { group in
            for source in sources {
                group.addTask {
                    for n in 0..<perPublisher {
                        // Mix single records and batches.
                        if n % 2 == 0 { source.publish(numeric(Int64(n))) } else { source.publish([numeric(Int64(n))]) }
                    }
                }
            }
        }
        bus.finish()
        var seqs: [UInt64] = []
        var perPort: [String: [Int64]] = [:]
        for await event in subscription {
            let record = try #require(event.record)
            seqs.append(record.seq)
            perPort[record.device.port!, default: []].append(record.observation.numericValue!.mantissa)
        }
        #expect(seqs == Array(1...UInt64(sources.count * perPublisher)))
        #expect(bus.lastSeq == UInt64(sources.count * perPublisher))
        // Each port's records keep their publishing order.
        for (_, values) in perPort { #expect(values == Array(0..<Int64(perPublisher))) }
        #expect(subscription.droppedRecords == 0)
    }

    @Test("records carry the port's identity, merged with what the driver learned")
    func identityStamping() async throws {
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "test")
        let a = bus.addSource(identity: identityA)
        let b = bus.addSource(identity: identityB)
        a.publish(numeric(1))
        a.apply(DeviceIdentityUpdate(model: "S/5", serialNumber: "123"))
        a.publish(numeric(2))
        b.publish(numeric(3))
        a.apply(DeviceIdentityUpdate(softwareVersion: "4.1"))  // fields left nil keep their value
        a.publish(numeric(4))
        bus.finish()
        var records: [FeedRecord] = []
        for await event in subscription { records.append(try #require(event.record)) }
        try #require(records.count == 4)
        // Until the serial number is known, the id derives from the port binding.
        var portBoundA = identityA
        portBoundA.id = DeviceIdentifier.eui64(namespace: "port", parts: ["toy", "chair-1", ""])
        var portBoundB = identityB
        portBoundB.assignID()
        #expect(records[0].device == portBoundA)
        #expect(records[1].device.id == DeviceIdentifier.eui64(namespace: "device", parts: ["Toy", "S/5", "123"]))
        #expect(records[1].device.model == "S/5")
        #expect(records[1].device.serialNumber == "123")
        #expect(records[1].device.location == "chair-1")
        #expect(records[2].device == portBoundB)
        #expect(records[0].device.id != records[2].device.id)
        #expect(records[3].device.model == "S/5")
        #expect(records[3].device.serialNumber == "123")
        #expect(records[3].device.softwareVersion == "4.1")
        #expect(records[3].device.port == "/dev/ttyA")
        #expect(a.identity.softwareVersion == "4.1")
    }

    @Test("a slow subscriber loses records to a reported gap; others get everything")
    func slowSubscriberGap() async throws {
        let bus = FeedBus()
        let slow = bus.subscribe(name: "slow", bufferSize: 4)
        let fast = bus.subscribe(name: "fast", bufferSize: 1000)
        let source = bus.addSource(identity: identityA)
        for n in 1...10 { source.publish(numeric(Int64(n))) }
        #expect(slow.droppedRecords == 6)

        var slowIterator = slow.makeAsyncIterator()
        for expected in 1...4 {
            let record = try #require(await slowIterator.next()?.record)
            #expect(record.seq == UInt64(expected))
        }
        // Room again: the gap marker comes first, in place of the lost records.
        source.publish(numeric(11))
        let gap = try #require(await slowIterator.next()?.gap)
        #expect(gap == FeedGap(droppedRecords: 6, firstSeq: 5, lastSeq: 10))
        let after = try #require(await slowIterator.next()?.record)
        #expect(after.seq == 11)
        #expect(slow.droppedRecords == 6)

        bus.finish()
        var fastSeqs: [UInt64] = []
        for await event in fast { fastSeqs.append(try #require(event.record).seq) }
        #expect(fastSeqs == Array(1...11))
        #expect(fast.droppedRecords == 0)
    }

    @Test("a gap that cannot be delivered yet keeps growing instead of being lost")
    func gapGrowsWhileStillFull() async throws {
        let bus = FeedBus()
        let slow = bus.subscribe(name: "slow", bufferSize: 2)
        let source = bus.addSource(identity: identityA)
        for n in 1...5 { source.publish(numeric(Int64(n))) }  // buffer [1, 2]; 3…5 dropped
        var it = slow.makeAsyncIterator()
        #expect(try #require(await it.next()?.record).seq == 1)
        // One free slot: the pending gap takes it, so 6 is dropped and starts a new gap; 7 joins it.
        source.publish(numeric(6))
        source.publish(numeric(7))
        #expect(try #require(await it.next()?.record).seq == 2)
        #expect(try #require(await it.next()?.gap) == FeedGap(droppedRecords: 3, firstSeq: 3, lastSeq: 5))
        source.publish(numeric(8))
        bus.finish()
        #expect(try #require(await it.next()?.gap) == FeedGap(droppedRecords: 2, firstSeq: 6, lastSeq: 7))
        #expect(try #require(await it.next()?.record).seq == 8)
        #expect(await it.next() == nil)
        #expect(slow.droppedRecords == 5)
    }

    @Test("a cancelled subscriber is removed and costs publishers nothing")
    func cancelledSubscriber() async throws {
        let bus = FeedBus()
        let source = bus.addSource(identity: identityA)
        let subscription = bus.subscribe(name: "short-lived", bufferSize: 8)
        #expect(bus.subscriberCount == 1)
        let reader = Task { () -> Int in
            var n = 0
            for await _ in subscription { n += 1 }
            return n
        }
        reader.cancel()
        _ = await reader.value
        #expect(bus.subscriberCount == 0)
        for n in 1...100 { source.publish(numeric(Int64(n))) }
        #expect(bus.lastSeq == 100)
    }

    @Test("every record carries the bus's bridge id; a new bus mints a new 64-bit hex id")
    func bridgeId() async throws {
        let fixed = FeedBus(bridgeId: "00000000000000aa")
        let subscription = fixed.subscribe(name: "test")
        fixed.addSource(identity: identityA).publish([numeric(1), numeric(2)])
        fixed.finish()
        var ids: [String] = []
        for await e in subscription { ids.append(try #require(e.record).bridgeId) }
        #expect(ids == ["00000000000000aa", "00000000000000aa"])
        let a = FeedBus().bridgeId, b = FeedBus().bridgeId
        #expect(a != b)
        for id in [a, b] {
            #expect(id.count == 16 && id.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) })
        }
    }

    @Test("simulated and replayed origins are stamped on every record; a live port is neither")
    func origins() async throws {
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "test")
        var zoned = identityA
        zoned.timeZone = "Europe/Berlin"
        bus.addSource(identity: zoned).publish(numeric(1))
        bus.addSource(identity: identityB, origin: .simulated).publish(numeric(2))
        bus.addSource(identity: identityB, origin: .replay).publish(numeric(3))
        bus.finish()
        var records: [FeedRecord] = []
        for await e in subscription { records.append(try #require(e.record)) }
        #expect(records.map(\.simulated) == [false, true, false])
        #expect(records.map(\.replayed) == [false, false, true])
        #expect(records[0].device.timeZone == "Europe/Berlin")
    }

    @Test("devices behind one port get their own identity; facts once learned never turn back to null")
    func subdeviceIdentities() async throws {
        let bus = FeedBus()
        let subscription = bus.subscribe(name: "test")
        let source = bus.addSource(identity: identityA, origin: .simulated)
        func value(_ v: Int64, _ sub: String?) -> Observation {
            .numeric(NumericReading(metric: .unmapped("x:rate"), value: DecimalValue(mantissa: v), unit: "mL/h",
                                    state: .valid, deviceTime: nil, hostTime: Timestamp(nanosecondsSinceEpoch: 0),
                                    subdevice: sub))
        }
        source.publish(value(1, "slot1"))
        source.apply(identity: DeviceIdentityUpdate(model: "Rack"),
                     subdevices: ["slot1": DeviceIdentityUpdate(model: "Pump P", serialNumber: "S-1")])
        source.publish([value(2, "slot1"), value(3, "slot2"), value(4, nil)])
        source.apply(identity: nil, subdevices: ["slot1": DeviceIdentityUpdate(softwareVersion: "2.1")])
        source.publish(value(5, "slot1"))
        bus.finish()
        var devices: [DeviceIdentity] = []
        for await e in subscription { devices.append(try #require(e.record).device) }
        try #require(devices.count == 5)
        #expect(devices[0].subdevice == "slot1" && devices[0].serialNumber == nil)
        #expect(devices[0].id == DeviceIdentifier.eui64(namespace: "port", parts: ["toy", "chair-1", "slot1"]))
        #expect(devices[1].model == "Pump P" && devices[1].serialNumber == "S-1")
        #expect(devices[1].id == DeviceIdentifier.eui64(namespace: "device", parts: ["Toy", "Pump P", "S-1"]))
        #expect(devices[2].subdevice == "slot2" && devices[2].model == nil)  // not the rack's model
        #expect(devices[3].subdevice == nil && devices[3].model == "Rack")
        #expect(devices[4].model == "Pump P" && devices[4].serialNumber == "S-1" && devices[4].softwareVersion == "2.1")
        // A simulated port's devices behind it are simulated too; the port binding carries over.
        #expect(devices.allSatisfy { $0.simulated && $0.location == "chair-1" && $0.port == "/dev/ttyA" })
    }
}
