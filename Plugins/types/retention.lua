---@meta
-- LuaLS definitions for RetentionKit plugins: point your editor's Lua language server at this
-- folder (for example `"workspace.library": ["Plugins/types"]` in .luarc.json) for completion
-- and type checks. Amounts are integers of the currency's minor unit (cents for USD), never
-- floats. Dates come as ISO strings ("2025-03-01") with day numbers beside them (`*_day`: days
-- since 1970-01-01) for arithmetic. Every table a hook receives is fresh for that call and
-- protected: adding a field raises an error, and nothing a script writes reaches the engine.
-- Documentation/LuaPlugins.md describes the contract; Sources/RetentionLua/Plugins/HookArguments.swift
-- builds these tables.

---One line of an order.
---@class OrderLine
---@field sku string
---@field category? string
---@field quantity integer
---@field unit_price integer  price of one unit
---@field amount integer      quantity * unit_price
---@field eligible integer    what the line earns on: its amount less its share of discounts, as the program's earning base decides

---An order, on `order_placed`.
---@class Order
---@field id string
---@field customer_id string
---@field currency string      ISO 4217 code, e.g. "USD"
---@field decimals integer     digits of the currency's minor unit (2 for USD, 0 for JPY)
---@field channel? string
---@field lines OrderLine[]
---@field subtotal integer
---@field shipping integer
---@field tax integer
---@field discount integer
---@field gift_card integer
---@field points_redeemed integer
---@field points_discount integer
---@field total integer
---@field eligible integer     the lines' eligible amounts added up

---@class LineQuantity
---@field sku string
---@field quantity integer

---@class Profile
---@field id string
---@field email? string
---@field name? string
---@field birthday? string
---@field referred_by? string
---@field tags? string[]
---@field attributes? table<string, string|integer|number|boolean>

---@class Review
---@field id string
---@field sku string
---@field rating integer    1 to 5
---@field has_media boolean

---@class Referral
---@field referrer_id string
---@field referee_id string
---@field order_id string

---@class Redemption
---@field id string
---@field points integer
---@field reward string

---@class Adjustment
---@field points integer   positive or negative
---@field reason string

---@class Refund
---@field amount integer
---@field currency string
---@field lines? LineQuantity[]

---@class TierChangeInfo
---@field from? string    nil for no tier
---@field to? string      nil for no tier
---@field upgrade boolean

---An event the engine applies (or makes: `birthday`, `tier_changed`). The fields beyond the
---first six depend on `type`.
---@class Event
---@field id string          unique; the idempotency key (and math.random's seed for this call)
---@field type string        "order_placed", "review_posted", "birthday", "tier_changed", ...
---@field at string          ISO 8601 time
---@field date string        the day of `at`, "YYYY-MM-DD"
---@field day integer        the day of `at` as a day number
---@field customer_id? string
---@field profile? Profile               customer_created, customer_updated
---@field merge? { survivor_id: string, merged_id: string }   customers_merged
---@field order? Order                   order_placed
---@field order_id? string               order_paid, order_fulfilled, order_cancelled, order_refunded, order_returned
---@field refund? Refund                 order_refunded
---@field returned? { lines: LineQuantity[] }   order_returned, when given lines
---@field review? Review                 review_posted
---@field review_id? string              review_removed
---@field referral? Referral             referral_completed
---@field redemption? Redemption         points_redeemed
---@field adjustment? Adjustment         points_adjusted
---@field name? string                   custom: the event's name ("social_follow")
---@field attributes? table<string, string|integer|number|boolean>   custom
---@field year? integer                  birthday
---@field tier_change? TierChangeInfo    tier_changed
---@field subscription_id? string        subscription_* events
---@field until? string                  subscription_paused, when it has an end day
---@field until_day? integer             subscription_paused, the end day as a day number
---@field reason? string                 subscription_cancelled
---@field voluntary? boolean             subscription_cancelled: false for involuntary churn
---@field feedback? { kind: string, score: integer, touchpoint: string, order_id?: string, sku?: string }   feedback_received
---@field ticket? { id: string, resolved: boolean, contacts: integer, first_response_minutes?: integer }   support_ticket_closed
---@field delay_days? integer            delivery_delayed (with order_id)

---One of a customer's subscriptions.
---@class SubscriptionInfo
---@field id string
---@field plan string
---@field status string                 "active", "paused", "past_due" or "cancelled"
---@field interval_count integer
---@field interval_unit string          "day", "week" or "month"
---@field started_on string
---@field started_day integer
---@field next_renewal_on string
---@field renewals integer
---@field consecutive_renewals integer  renewals since the last skip, pause or cancellation
---@field cycle_price integer           the items less the bundle discount, in minor units
---@field currency string
---@field items { sku: string, quantity: integer, unit_price: integer }[]

---@class TierProgressInfo
---@field current integer        the customer's figure in the qualification window
---@field next_tier? string
---@field to_next_tier? integer
---@field to_keep_tier? integer

---What the rules see of a customer: before the event for `earn`, after it for `tier`,
---`segments` and `triggers`.
---@class Customer
---@field id string
---@field email? string
---@field created_on string
---@field created_day integer
---@field birthday? string
---@field tags string[]
---@field attributes table<string, string|integer|number|boolean>
---@field order_count integer                 orders placed (cancelled ones included)
---@field total_spent table<string, integer>  paid, net of refunds, by currency code: total_spent.USD
---@field qualification string                the qualification window in words: "in the last 365 days"
---@field qualifying_spend table<string, integer>   paid on orders in the window, by currency
---@field qualifying_order_count integer
---@field qualifying_points integer
---@field first_order_on? string
---@field first_order_day? integer
---@field last_order_on? string
---@field last_order_day? integer
---@field days_since_last_order? integer
---@field average_days_between_orders? number
---@field points_available integer
---@field points_pending integer
---@field lifetime_points integer
---@field tier? string
---@field tier_since? string
---@field tier_since_day? integer
---@field tier_downgrade_on? string
---@field tier_progress? TierProgressInfo
---@field segments string[]                   sorted
---@field referral_count integer
---@field review_count integer
---@field rewarded_review_skus table<string, boolean>
---@field active_subscription_count integer  subscriptions active or past due on the event's day
---@field subscription_tenure_days? integer  days since the earliest live subscription started
---@field consecutive_renewals integer       the longest streak among live subscriptions (a renewal event's view includes it)
---@field subscription_skips integer         skips in the last cycles (the program's window, 6 by default)
---@field subscription_status? string        "active", "past_due", "paused" or "cancelled": the most engaged
---@field subscriptions SubscriptionInfo[]   every subscription, cancelled ones included, by start
---@field satisfaction_score? number         0–100: the latest cycle's weighted mean of the customer's signals
---@field satisfaction_flags string[]        sorted: "delivery_delayed", "detractor", "satisfaction_declining"

---One award `earn` makes.
---@class Award
---@field points integer           1 to 100,000,000
---@field reason string            a customer reads it
---@field pending_days? integer    0 to 3650; by default the program's return window for orders, 0 otherwise
---@field lines? integer[]         on order_placed: the points each order line earned, adding up to `points`
---@field campaign? string         the campaign whose budget pays for it

---What `tier` may return instead of a bare tier name.
---@class TierResult
---@field tier? string             one of the plugin's `tiers`, or nil for none
---@field reason? string
---@field progress? { measure: "spend"|"points"|"orders", currency?: string, current: integer, next_tier?: string, to_next_tier?: integer, to_keep_tier?: integer }

---A campaign `triggers` asks for.
---@class CampaignRequest
---@field campaign string
---@field reason string
---@field cause? string                 what it answers ("order:1001"); the campaign starts once per cause (default: the event)
---@field compensation_points? integer  points awarded when the action is sent (not held out or refused)

---What a plugin file returns.
---@class Plugin
---@field name string                     unique among loaded plugins
---@field api integer                     the plugin API version (1)
---@field version? string|integer         recorded on ledger entries (default: a hash of the source)
---@field priority? integer               higher earns first; 0 by default
---@field description? string
---@field earn? fun(event: Event, customer: Customer): Award[]|string|nil   awards, nil, or a note saying why nothing is earned
---@field earn_on? string[]               the event types `earn` answers; the engine skips the call for others
---@field tiers? string[]                 lowest first; required with `tier`
---@field earn_multipliers? table<string, integer>   percent by tier, on order lines
---@field tier? fun(customer: Customer): string|TierResult|nil
---@field segments? table<string, fun(customer: Customer): boolean>
---@field triggers? fun(event: Event, customer: Customer): CampaignRequest[]?
---@field triggers_on? string[]           the event types `triggers` answers; the engine skips the call for others
---@field triggers_on_clock? boolean     also ask `triggers` about every customer on each clock event
---@field tests? table[]                  test cases for retention-host check

---The host library.
retention = {}

---The day number of an ISO date ("2025-03-01") or timestamp.
---@param date string|integer
---@return integer
function retention.day(date) end

---The ISO date of a day number.
---@param day integer
---@return string
function retention.date(day) end

---`b - a` in days; ISO dates or day numbers.
---@param a string|integer
---@param b string|integer
---@return integer
function retention.days_between(a, b) end

---`total` split in proportion to `weights` (integers of 0 or more), exactly: the shares add up to
---`total` (largest remainder, ties to the earlier weight).
---@param total integer
---@param weights integer[]
---@return integer[]
function retention.share(total, weights) end

---`amount * percent // 100`, rounded down.
---@param amount integer
---@param percent integer
---@return integer
function retention.percent(amount, percent) end

---`x` rounded half away from zero, as an integer.
---@param x number
---@return integer
function retention.round(x) end

---Minor units as money: retention.money(1250, "USD") is "12.50 USD".
---@param amount integer
---@param currency string
---@return string
function retention.money(amount, currency) end

---The configuration's value at a dotted key ("purchase_points.per_unit"), or `default`. Keys
---under "program." read the program: program.return_window_days, program.currencies,
---program.qualification, program.qualification_days.
---@generic T
---@param key string
---@param default? T
---@return T
function retention.config(key, default) end

---Writes a line to the host's logger.
---@param ... any
function retention.log(...) end
