-- points.lua: points per currency unit paid, category multipliers and a first-order bonus.
--
-- Awards points on a placed order for what the customer actually paid for the goods: the lines'
-- totals less the order's discount. Shipping and tax earn nothing. Each line earns at its
-- category's multiplier; the customer's first order earns a bonus on top.
--
-- Configuration (edit the values below):
--   POINTS_PER_UNIT       points per whole currency unit paid (1: one point per dollar)
--   CATEGORY_MULTIPLIERS  category -> multiplier (a category not listed earns at 1)
--   FIRST_ORDER_BONUS     points added to a customer's first order
--
-- Reads: event.type, event.order.lines[*].{category, quantity, unit_price}, event.order.discount,
-- event.order.decimals (digits of the currency's minor unit, 2 when absent), customer.order_count
-- (orders before this one). Amounts are integers of the currency's minor unit.

local POINTS_PER_UNIT = 1
local CATEGORY_MULTIPLIERS = { coffee = 2, subscriptions = 3 }
local FIRST_ORDER_BONUS = 50

local function minor_units_per_unit(decimals)
  local scale = 1
  for _ = 1, decimals do scale = scale * 10 end
  return scale
end

---@param event Event
---@param customer Customer
---@return Award[]
local function earn(event, customer)
  if event.type ~= "order_placed" then return {} end
  local order = event.order
  local goods = 0
  local weighted = 0
  for _, line in ipairs(order.lines) do
    local amount = line.quantity * line.unit_price
    goods = goods + amount
    weighted = weighted + amount * (CATEGORY_MULTIPLIERS[line.category] or 1)
  end
  -- The discount lowers what was paid; spread it over the lines in proportion to their amounts.
  local discount = order.discount or 0
  local paid_weighted = goods > 0 and weighted * (goods - discount) // goods or 0
  local scale = minor_units_per_unit(order.decimals or 2)
  local awards = {}
  local points = paid_weighted * POINTS_PER_UNIT // scale
  if points > 0 then
    awards[#awards + 1] = { points = points, reason = "purchase" }
  end
  if customer.order_count == 0 then
    awards[#awards + 1] = { points = FIRST_ORDER_BONUS, reason = "first order bonus" }
  end
  return awards
end

return {
  name = "points",
  api = 1,
  earn = earn,
}
