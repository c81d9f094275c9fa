/// The points an award earned on each order line, as the engine keeps them for reversals: a
/// short list of (line index, points) in line order, rather than a dictionary per award.
/// Lines that earned nothing are left out.
struct LineShares: Sendable {
    private(set) var shares: [Share] = []

    struct Share: Sendable, Codable {
        var line: Int
        var points: Int64
    }

    init(_ byLine: [Int: Int64]) {
        shares = byLine.keys.sorted().compactMap { line in byLine[line].flatMap { $0 == 0 ? nil : Share(line: line, points: $0) } }
    }

    init(shares: [Share]) { self.shares = shares }

    var isEmpty: Bool { shares.isEmpty }

    /// The points earned on `line`; 0 for a line that earned none.
    subscript(line: Int) -> Int64 {
        for share in shares where share.line == line { return share.points }
        return 0
    }
}

extension LineShares: Codable {
    /// Stored as the list of shares. States written before hold a dictionary from line index
    /// to points, which decodes too.
    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var shares: [Share] = []
            while !list.isAtEnd { shares.append(try list.decode(Share.self)) }
            self.init(shares: shares)
        } else {
            self.init(try [Int: Int64](from: decoder))
        }
    }

    func encode(to encoder: any Encoder) throws { try shares.encode(to: encoder) }
}
