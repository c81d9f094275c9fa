-- purchase-points: points per currency unit paid, with category multipliers and a first-order bonus.
--
-- On order_placed, each line earns on what it is eligible for (event.order.lines[i].eligible:
-- the line's amount less its share of the discount, as the program's earning base decides;
-- shipping and tax earn nothing by default), at its category's multiplier. The total is
-- rounded down to whole points and split back over the lines (`lines`), so refunding or
-- returning one line takes back exactly what it earned, and VIP tier multipliers apply. A
-- customer's first order earns a bonus on top.
--
-- The same program as RetentionKit's built-in PurchasePoints rule, to the point.
--
-- Configuration (retention.config):
--   purchase_points.per_unit              points per whole currency unit (default 1)
--   purchase_points.category_multipliers  category -> integer multiplier (default { coffee = 2 })
--   purchase_points.first_order_bonus     points for a first order (default 50; 0 for none)

local PER_UNIT = retention.config("purchase_points.per_unit", 1)
local MULTIPLIERS = retention.config("purchase_points.category_multipliers", { coffee = 2 })
local FIRST_ORDER_BONUS = retention.config("purchase_points.first_order_bonus", 50)

local function unit(decimals)
  local scale = 1
  for _ = 1, decimals do scale = scale * 10 end
  return scale
end

---@param event Event
---@param customer Customer
---@return Award[]|string
local function earn(event, customer)
  if event.type ~= "order_placed" then return nil end
  local order = event.order
  local weights, weighted = {}, 0
  for i, line in ipairs(order.lines) do
    local weight = line.eligible * (MULTIPLIERS[line.category] or 1)
    weights[i] = weight
    weighted = weighted + weight
  end
  local awards = {}
  local points = weighted * PER_UNIT // unit(order.decimals)
  if points > 0 then
    awards[#awards + 1] = { points = points, reason = "purchase", lines = retention.share(points, weights) }
  end
  if FIRST_ORDER_BONUS > 0 and customer.order_count == 0 then
    awards[#awards + 1] = { points = FIRST_ORDER_BONUS, reason = "first order bonus" }
  end
  if #awards == 0 then
    return "order " .. order.id .. " has too little to earn on after discounts, gift cards and points (" .. weighted .. " minor units weighted)"
  end
  return awards
end

return {
  name = "purchase-points",
  api = 1,
  version = "1",
  description = "Points per currency unit paid, with category multipliers and a first-order bonus.",
  earn = earn,
  earn_on = { "order_placed" },  -- the engine asks `earn` about these events only
  tests = {
    {
      name = "a first order earns on the goods paid for, coffee doubled, plus the bonus",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        { id = "o1", type = "order_placed", at = "2025-03-01T10:00:00Z", order = {
          id = "1001", customer_id = "ana", currency = "USD", total = "35.00",
          lines = { { sku = "BEANS", category = "coffee", quantity = 1, unit_price = "20.00" },
                    { sku = "MUG", category = "kitchen", quantity = 1, unit_price = "15.00" } } } },
      },
      expect = { ana = { lifetime = 105 } },
    },
    {
      name = "a discount lowers what each line earns; a repeat order earns no bonus",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ben", email = "ben@example.com" } },
        { id = "o1", type = "order_placed", at = "2025-03-01T10:00:00Z", order = {
          id = "1", customer_id = "ben", currency = "USD", total = "10.00",
          lines = { { sku = "MUG", category = "kitchen", quantity = 1, unit_price = "10.00" } } } },
        { id = "o2", type = "order_placed", at = "2025-03-02T10:00:00Z", order = {
          id = "2", customer_id = "ben", currency = "USD", discount = "5.00", total = "15.00",
          lines = { { sku = "MUG", category = "kitchen", quantity = 2, unit_price = "10.00" } } } },
      },
      expect = { ben = { lifetime = 75 } },
    },
  },
}
