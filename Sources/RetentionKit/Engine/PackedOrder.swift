/// An order as a customer's state keeps it: as bytes.
///
/// The fields every customer view reads (to sum spend in the qualification window) stay as they
/// are; the rest of the record (lines, charges, payment, returns, awards) is packed into one
/// byte list of variable-length integers and strings, and unpacked only when the order changes
/// (a late refund, a return, a payment) or is exported. A placed order's record, its lines and
/// its awards are several heap blocks of a few hundred bytes; packed, it is one of well under a
/// hundred. Nothing is lost: ``record`` gives back the same record.
struct PackedOrder: Sendable {
    var day: Day
    var closed: Bool
    var currency: Currency
    var total: Int64
    var refunded: Int64
    /// Everything else, the id first, in the order ``init(_:)`` writes it.
    private var bytes: [UInt8]

    init(_ record: OrderRecord) {
        day = record.day
        closed = record.closed
        currency = record.currency
        total = record.total
        refunded = record.refunded
        var writer = ByteWriter()
        // Room for a typical order, so the list is not grown step by step.
        writer.bytes.reserveCapacity(64 + 32 * record.lines.count + 48 * record.awards.count)
        writer.string(record.id)
        writer.string(record.customerID)
        writer.optionalString(record.channel)
        writer.integer(Int64(record.lines.count))
        for line in record.lines {
            writer.string(line.sku)
            writer.optionalString(line.category)
            writer.integer(line.quantity)
            writer.integer(line.unitPrice)
        }
        writer.integer(record.shipping)
        writer.integer(record.tax)
        writer.integer(record.discount)
        writer.integer(record.giftCard)
        writer.integer(record.pointsRedeemed)
        writer.integer(record.pointsDiscount)
        writer.integer(record.paidOn.map { Int64($0.number) + 1 } ?? 0)
        writer.integer(Int64(record.returnedQuantity.count))
        for line in record.returnedQuantity.keys.sorted() {
            writer.integer(Int64(line))
            writer.integer(record.returnedQuantity[line]!)
        }
        writer.integer(Int64(record.awards.count))
        for award in record.awards {
            writer.string(award.key)
            writer.integer(award.points)
            writer.integer(award.reversed)
            writer.integer(Int64(award.perLine.shares.count))
            for share in award.perLine.shares {
                writer.integer(Int64(share.line))
                writer.integer(share.points)
            }
        }
        // The writer has room to spare; the packed order keeps an exact copy.
        bytes = []
        bytes.reserveCapacity(writer.bytes.count)
        bytes.append(contentsOf: writer.bytes)
    }

    /// The order's id (the first of the bytes).
    var id: String {
        var reader = ByteReader(bytes)
        return reader.string()
    }

    /// Whether the order's id is `id`, read from the bytes without making a string.
    func has(id: String) -> Bool {
        var reader = ByteReader(bytes)
        return reader.nextStringEquals(id)
    }

    /// The order's record, unpacked.
    var record: OrderRecord {
        var reader = ByteReader(bytes)
        let id = reader.string()
        let customerID = reader.string()
        let channel = reader.optionalString()
        let lineCount = Int(reader.integer())
        var lines: [RecordedLine] = []
        lines.reserveCapacity(lineCount)
        for _ in 0..<lineCount {
            lines.append(RecordedLine(sku: reader.string(), category: reader.optionalString(), quantity: reader.integer(), unitPrice: reader.integer()))
        }
        var record = OrderRecord(
            id: id, customerID: customerID, currency: currency, channel: channel, lines: lines,
            shipping: reader.integer(), tax: reader.integer(), discount: reader.integer(), giftCard: reader.integer(),
            pointsRedeemed: reader.integer(), pointsDiscount: reader.integer(), total: total, day: day)
        record.refunded = refunded
        record.closed = closed
        let paid = reader.integer()
        record.paidOn = paid == 0 ? nil : Day(number: Int32(paid - 1))
        for _ in 0..<reader.integer() {
            let line = Int(reader.integer())
            record.returnedQuantity[line] = reader.integer()
        }
        let awardCount = Int(reader.integer())
        record.awards.reserveCapacity(awardCount)
        for _ in 0..<awardCount {
            let key = reader.string()
            let points = reader.integer()
            let reversed = reader.integer()
            var shares: [LineShares.Share] = []
            for _ in 0..<reader.integer() { shares.append(LineShares.Share(line: Int(reader.integer()), points: reader.integer())) }
            record.awards.append(AwardRecord(key: key, points: points, perLine: LineShares(shares: shares), reversed: reversed))
        }
        precondition(reader.isAtEnd, "a packed order has bytes left over after its last award")
        return record
    }
}

// Packed orders use the state coder's byte lists: integers as zigzag variable-length integers
// (small magnitudes in one byte), strings as their length and UTF-8 bytes.
private extension ByteWriter {
    mutating func integer(_ value: Int64) { writeVarint(zigzag(value)) }

    mutating func string(_ text: String) { writeString(text) }

    /// A string that may be missing: 0 for none, else 1 and the string.
    mutating func optionalString(_ text: String?) {
        writeVarint(text == nil ? 0 : 1)
        if let text { writeString(text) }
    }
}

/// The bytes never come from outside the process, so a short read is a bug, not an input error.
private extension ByteReader {
    init(_ bytes: [UInt8]) { self.init(bytes: bytes) }

    mutating func integer() -> Int64 {
        do { return unzigzag(try readVarint()) } catch { preconditionFailure("a packed order ends inside a number") }
    }

    mutating func string() -> String {
        do { return String(decoding: try readSlice(), as: UTF8.self) } catch { preconditionFailure("a packed order ends inside a string") }
    }

    /// Whether the next string is `text` (the reader moves past it either way).
    mutating func nextStringEquals(_ text: String) -> Bool {
        do {
            let stored = try readSlice()
            return stored.elementsEqual(text.utf8)
        } catch {
            preconditionFailure("a packed order ends inside a string")
        }
    }

    mutating func optionalString() -> String? {
        let present = bytes[offset] == 1
        offset += 1
        return present ? string() : nil
    }
}
