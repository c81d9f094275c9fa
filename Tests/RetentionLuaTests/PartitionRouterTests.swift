import RetentionFixtures
import RetentionKit
import RetentionLua
import Testing

@Suite("Routing events to an engine per core")
struct PartitionRouterTests {
    @Test("Split over two engines, a store with referrals decides as one engine does")
    func twoEnginesAgreeWithOne() throws {
        let events = SyntheticStore(customers: 3_000, seed: 9).events()
        let rules = try ReferenceProgram.builtInRules()
        var whole = Engine(program: ReferenceProgram.program, rules: rules)
        var parts = [Engine(program: ReferenceProgram.program, rules: rules), Engine(program: ReferenceProgram.program, rules: rules)]
        var router = PartitionRouter(count: 2)
        var crossing = 0
        var rejected = (whole: 0, parts: 0)
        for event in events {
            if case .rejected = whole.apply(event) { rejected.whole += 1 }
            if case .referralCompleted(let referral) = event.payload,
               Partition.index(forKey: referral.referrerID, count: 2) != Partition.index(forKey: referral.refereeID, count: 2) {
                crossing += 1
            }
            for worker in router.workers(for: event) {
                if case .rejected = parts[worker].apply(event) { rejected.parts += 1 }
            }
        }
        // Split by their own ids alone, these referrals would have found one of their customers missing.
        #expect(crossing > 10)
        #expect(rejected.parts == rejected.whole)
        for id in whole.customerIDs {
            let worker = router.worker(of: id)
            #expect(parts[worker].account(of: id) == whole.account(of: id), "customer \(id)")
            #expect(parts[1 - worker].account(of: id) == nil, "customer \(id) is in both engines")
        }
    }

    @Test("A referee goes where their referrer is; clock events go everywhere")
    func placement() throws {
        var router = PartitionRouter(count: 4)
        let referrer = "ana"
        // A referee whose own hash would put them elsewhere.
        let referee = try #require((0..<100).map { "c\($0)" }.first {
            Partition.index(forKey: $0, count: 4) != Partition.index(forKey: referrer, count: 4)
        })
        let created = try EventParser.parse(
            #"{"id": "e1", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "\#(referee)", "referred_by": "ana"}}"#)
        #expect(router.workers(for: created) == router.worker(of: referrer)..<(router.worker(of: referrer) + 1))
        #expect(router.worker(of: referee) == router.worker(of: referrer))
        #expect(router.workers(for: try EventParser.parse(#"{"id": "k1", "type": "clock", "at": "2025-02-01T00:00:00Z"}"#)) == 0..<4)
    }
}
