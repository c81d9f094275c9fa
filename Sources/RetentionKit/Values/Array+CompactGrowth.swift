extension Array {
    /// Appends `element`, growing a full buffer by a quarter (at least one element) instead of
    /// doubling it.
    ///
    /// For the lists a customer's state keeps for good (ledger entries, orders, order days,
    /// lots): there are as many of each as customers and most hold a handful of elements, so
    /// doubling leaves about a third of the memory unused, while growing slowly costs one more
    /// move of a short list now and then. Appending stays amortised constant time.
    mutating func appendCompactly(_ element: Element) {
        if count == capacity { reserveCapacity(count + Swift.max(1, count / 4)) }
        append(element)
    }
}
