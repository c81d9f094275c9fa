-- subscription-rewards: points for each subscription renewal, and a bonus for a streak.
--
-- On subscription_renewed the customer earns for the renewal, and every STREAK renewals in a
-- row (customer.consecutive_renewals already counts this one; a skip, pause or cancellation
-- starts the count again) a bonus on top. Starting a subscription earns a welcome award.
--
-- The same program as RetentionKit's built-in SubscriptionPoints rule.
--
-- Configuration (retention.config):
--   subscription_rewards.per_renewal   points per renewal (default 50)
--   subscription_rewards.streak        renewals in a row that earn the bonus (default 6)
--   subscription_rewards.streak_bonus  the bonus (default 300)
--   subscription_rewards.on_start      points for starting a subscription (default 0)

local PER_RENEWAL = retention.config("subscription_rewards.per_renewal", 50)
local STREAK = retention.config("subscription_rewards.streak", 6)
local STREAK_BONUS = retention.config("subscription_rewards.streak_bonus", 300)
local ON_START = retention.config("subscription_rewards.on_start", 0)

---@param event Event
---@param customer Customer
---@return Award[]?
local function earn(event, customer)
  if event.type == "subscription_started" then
    if ON_START <= 0 then return nil end
    return { { points = ON_START, reason = "subscription started", pending_days = 0 } }
  end
  if event.type ~= "subscription_renewed" then return nil end
  local streak = 0
  for _, subscription in ipairs(customer.subscriptions) do
    if subscription.id == event.subscription_id then streak = subscription.consecutive_renewals end
  end
  local awards = {}
  if PER_RENEWAL > 0 then
    awards[#awards + 1] = { points = PER_RENEWAL, reason = "subscription renewal", pending_days = 0 }
  end
  if STREAK > 0 and STREAK_BONUS > 0 and streak > 0 and streak % STREAK == 0 then
    awards[#awards + 1] = { points = STREAK_BONUS, reason = streak .. " renewals in a row", pending_days = 0 }
  end
  return awards
end

local function started(id, at)
  return {
    id = id, type = "subscription_started", at = at,
    subscription = {
      id = "box", customer_id = "ana", plan = "coffee", interval = { count = 1, unit = "month" }, currency = "USD",
      items = { { sku = "BEANS", quantity = 2, unit_price = "12.00" } },
    },
  }
end

local function change(id, type, at, extra)
  local event = { id = id, type = type, at = at, subscription_id = "box", customer_id = "ana" }
  for key, value in pairs(extra or {}) do event[key] = value end
  return event
end

return {
  name = "subscription-rewards",
  api = 1,
  version = "1",
  description = "Points per subscription renewal, and a bonus every few renewals in a row.",
  earn = earn,
  earn_on = { "subscription_started", "subscription_renewed" },  -- the engine asks `earn` about these events only
  tests = {
    {
      name = "six renewals in a row earn the bonus on the sixth; a skip starts the count again",
      events = {
        { id = "c1", type = "customer_created", at = "2025-01-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        started("s0", "2025-01-02T09:00:00Z"),
        change("s1", "subscription_renewed", "2025-02-02T09:00:00Z", { order_id = "o1" }),
        change("s2", "subscription_renewed", "2025-03-02T09:00:00Z", { order_id = "o2" }),
        change("s3", "subscription_renewed", "2025-04-02T09:00:00Z", { order_id = "o3" }),
        change("s4", "subscription_renewed", "2025-05-02T09:00:00Z", { order_id = "o4" }),
        change("s5", "subscription_renewed", "2025-06-02T09:00:00Z", { order_id = "o5" }),
        change("s6", "subscription_renewed", "2025-07-02T09:00:00Z", { order_id = "o6" }),
        change("k1", "subscription_skipped", "2025-07-20T09:00:00Z"),
        change("s7", "subscription_renewed", "2025-09-02T09:00:00Z", { order_id = "o7" }),
      },
      expect = { ana = { available = 7 * 50 + 300 } },
    },
  },
}
