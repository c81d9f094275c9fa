/// The customer profiles after duplicate profiles are merged: which id each profile is known by
/// (its survivor's), and what the survivor has (segments and membership of all its profiles).
struct ProfileDirectory: Sendable {
    /// Survivor id by the id of every folded profile (survivors are not listed).
    private(set) var survivorOf: [String: String] = [:]
    /// The merged profile by survivor id.
    private(set) var profiles: [String: CustomerDetails] = [:]
    private(set) var mergedCount = 0

    init(_ given: [CustomerDetails], merge: Bool) {
        for profile in given {
            if var known = profiles[profile.id] {
                known.segments.formUnion(profile.segments)
                known.isLoyaltyMember = known.isLoyaltyMember || profile.isLoyaltyMember
                known.email = known.email ?? profile.email
                known.createdOn = [known.createdOn, profile.createdOn].compactMap { $0 }.min()
                profiles[profile.id] = known
            } else {
                profiles[profile.id] = profile
            }
        }
        guard merge else { return }
        var byEmail: [String: [CustomerDetails]] = [:]
        for profile in profiles.values {
            guard let email = profile.email.map(Self.normalised), !email.isEmpty else { continue }
            byEmail[email, default: []].append(profile)
        }
        for group in byEmail.values where group.count > 1 {
            // The earliest profile survives; profiles without a creation day come last, and the
            // id breaks ties so the choice never depends on the input's order.
            let ordered = group.sorted { lhs, rhs in
                switch (lhs.createdOn, rhs.createdOn) {
                case let (l?, r?) where l != r: return l < r
                case (_?, nil): return true
                case (nil, _?): return false
                default: return lhs.id < rhs.id
                }
            }
            var survivor = ordered[0]
            for folded in ordered.dropFirst() {
                survivor.segments.formUnion(folded.segments)
                survivor.isLoyaltyMember = survivor.isLoyaltyMember || folded.isLoyaltyMember
                survivorOf[folded.id] = survivor.id
                profiles[folded.id] = nil
                mergedCount += 1
            }
            profiles[survivor.id] = survivor
        }
    }

    /// The id a customer is counted under.
    func survivor(of id: String) -> String { survivorOf.isEmpty ? id : (survivorOf[id] ?? id) }

    /// Trimmed and lower-cased: "  Ada@Example.COM " and "ada@example.com" are one person.
    static func normalised(_ email: String) -> String {
        email.trimmingWhitespace().lowercased()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
