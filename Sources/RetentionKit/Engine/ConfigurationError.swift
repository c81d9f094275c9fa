/// A program or rule configured in a way that cannot work: thrown when it is built, before any
/// event is applied.
///
/// ```swift
/// do {
///     _ = try SpendTiers(measure: .spend(.usd), tiers: [Tier("gold", from: 500_00), Tier("silver", from: 250_00)])
/// } catch {
///     print(error)   // "tiers: 'silver' (from 250.00 USD) is listed above 'gold' (from 500.00 USD); list tiers lowest first"
/// }
/// ```
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The setting at fault ("tiers", "limits.perOrder").
    public var setting: String
    /// What is wrong and how to fix it.
    public var message: String

    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting): \(message)" }
}
