extension Array {
    /// Appends `element`, growing a full buffer by a quarter (at least one element) instead of
    /// doubling it.
    ///
    /// For the lists the engine keeps for good: a customer's ledger entries, lots, orders and
    /// order days, of which there are as many as customers and most hold a handful of
    /// elements, and the list of customers itself. Doubling leaves about a third of their
    /// memory unused on average; growing slowly costs a few more moves of each list (a move is
    /// a copy of its bytes). Appending stays amortised constant time.
    mutating func appendCompactly(_ element: Element) {
        if count == capacity { reserveCapacity(count + Swift.max(1, count / 4)) }
        append(element)
    }
}
