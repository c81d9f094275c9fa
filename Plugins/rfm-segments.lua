-- rfm-segments: customers grouped by recency, frequency and spend, for campaigns and reports.
--
-- Segments (a customer may be in none; champions, loyal, at_risk and hibernating exclude
-- each other by recency and frequency):
--   champions        5+ orders, the last within 30 days
--   loyal            3+ orders, the last within 90 days, not a champion
--   at_risk          2+ orders, the last 91 to 180 days ago
--   hibernating      1+ orders, the last more than 180 days ago
--   one_time_buyers  exactly one order
-- Membership is re-evaluated after each of the customer's events and on every clock event,
-- since days since the last order grow with time alone.
--
-- Configuration (retention.config), days and order counts:
--   rfm.champion_orders (5), rfm.champion_days (30), rfm.loyal_orders (3), rfm.loyal_days (90),
--   rfm.at_risk_orders (2), rfm.at_risk_days (180)

local CHAMPION_ORDERS = retention.config("rfm.champion_orders", 5)
local CHAMPION_DAYS = retention.config("rfm.champion_days", 30)
local LOYAL_ORDERS = retention.config("rfm.loyal_orders", 3)
local LOYAL_DAYS = retention.config("rfm.loyal_days", 90)
local AT_RISK_ORDERS = retention.config("rfm.at_risk_orders", 2)
local AT_RISK_DAYS = retention.config("rfm.at_risk_days", 180)

local function recency(customer) return customer.days_since_last_order end

local function champion(customer)
  local days = recency(customer)
  return days ~= nil and customer.order_count >= CHAMPION_ORDERS and days <= CHAMPION_DAYS
end

return {
  name = "rfm-segments",
  api = 1,
  version = "1",
  description = "RFM-style segments: champions, loyal, at risk, hibernating, one-time buyers.",
  segments = {
    champions = champion,
    loyal = function(customer)
      local days = recency(customer)
      return days ~= nil and customer.order_count >= LOYAL_ORDERS and days <= LOYAL_DAYS and not champion(customer)
    end,
    at_risk = function(customer)
      local days = recency(customer)
      return days ~= nil and customer.order_count >= AT_RISK_ORDERS and days > LOYAL_DAYS and days <= AT_RISK_DAYS
    end,
    hibernating = function(customer)
      local days = recency(customer)
      return days ~= nil and days > AT_RISK_DAYS
    end,
    one_time_buyers = function(customer) return customer.order_count == 1 end,
  },
  tests = {
    {
      name = "one order makes a one-time buyer; 200 quiet days make them hibernating",
      events = {
        { id = "c1", type = "customer_created", at = "2025-01-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        { id = "o1", type = "order_placed", at = "2025-01-02T10:00:00Z", order = {
          id = "1", customer_id = "ana", currency = "USD", total = "10.00",
          lines = { { sku = "MUG", quantity = 1, unit_price = "10.00" } } } },
        { id = "t1", type = "clock", at = "2025-07-25T00:00:00Z" },
      },
      expect = { ana = { segments = { "hibernating", "one_time_buyers" } } },
    },
  },
}
