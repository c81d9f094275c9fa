-- spend-tiers: VIP tiers (bronze, silver, gold) on what a customer spent in the qualification window.
--
-- A customer's tier is the highest whose threshold their spend reaches: money paid, net of
-- refunds, on orders placed in the program's qualification window (by default the last 365
-- days), in one currency. Keeping a tier takes less than entering it (`keep_at`), so a customer
-- on the edge does not flicker. Higher tiers earn more on order lines (`earn_multipliers`). The
-- engine applies the program's downgrade policy (at once, at the end of the period, after a
-- grace) to what this plugin says.
--
-- The same program as RetentionKit's built-in SpendTiers policy, reasons included.
--
-- Configuration (retention.config):
--   spend_tiers.currency  the currency spend is counted in (default "USD")
--   spend_tiers.levels    lowest first: { name, from, keep_at?, earn_multiplier? } with amounts in
--                         minor units and the multiplier in percent (default: bronze from 0;
--                         silver from 250.00, kept from 200.00, 125%; gold from 750.00, kept
--                         from 600.00, 150%)

local CURRENCY = retention.config("spend_tiers.currency", "USD")
local LEVELS = retention.config("spend_tiers.levels", {
  { name = "bronze", from = 0 },
  { name = "silver", from = 25000, keep_at = 20000, earn_multiplier = 125 },
  { name = "gold", from = 75000, keep_at = 60000, earn_multiplier = 150 },
})

local function keep_at(level) return level.keep_at or level.from end

-- The thresholds in words, written once here rather than on every call.
local names, multipliers, rank, from_text, keep_text = {}, {}, {}, {}, {}
for i, level in ipairs(LEVELS) do
  names[i] = level.name
  rank[level.name] = i
  if level.earn_multiplier then multipliers[level.name] = level.earn_multiplier end
  from_text[i] = retention.money(level.from, CURRENCY)
  keep_text[i] = retention.money(keep_at(level), CURRENCY)
end

---@param customer Customer
---@return TierResult
local function tier(customer)
  local spend = customer.qualifying_spend[CURRENCY] or 0
  local held = customer.tier and rank[customer.tier] or 0
  local reached = nil
  for i = #LEVELS, 1, -1 do
    local threshold = i <= held and keep_at(LEVELS[i]) or LEVELS[i].from
    if spend >= threshold then
      reached = i
      break
    end
  end
  local next_level = LEVELS[(reached or 0) + 1]
  local progress = {
    measure = "spend", currency = CURRENCY, current = spend,
    next_tier = next_level and next_level.name,
    to_next_tier = next_level and next_level.from - spend,
    to_keep_tier = reached and math.max(0, keep_at(LEVELS[reached]) - spend),
  }
  -- The engine reads `reason` only when the tier changes or a downgrade waits; putting it into
  -- words costs a host call and a few concatenations on every event, so it is left out otherwise.
  if (reached or 0) == held and customer.tier_downgrade_on == nil then
    return { tier = reached and LEVELS[reached].name, progress = progress }
  end
  local figure = retention.money(spend, CURRENCY) .. " " .. customer.qualification
  if not reached then
    local first = LEVELS[1]
    return { tier = nil, progress = progress, reason = figure .. "; " .. first.name .. " starts at " .. from_text[1] }
  end
  local level = LEVELS[reached]
  local keeping = reached <= held and spend < level.from
  local rule = keeping and " is kept from " or " starts at "
  local threshold = keeping and keep_text[reached] or from_text[reached]
  return { tier = level.name, progress = progress, reason = figure .. "; " .. level.name .. rule .. threshold }
end

return {
  name = "spend-tiers",
  api = 1,
  version = "1",
  description = "VIP tiers on spend in the qualification window, with keep thresholds and earn multipliers.",
  tiers = names,
  earn_multipliers = multipliers,
  tier = tier,
  tests = {
    {
      name = "spend of 260.00 in the window reaches silver",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        { id = "o1", type = "order_placed", at = "2025-03-01T10:00:00Z", order = {
          id = "1", customer_id = "ana", currency = "USD", total = "260.00",
          lines = { { sku = "GRINDER", category = "kitchen", quantity = 1, unit_price = "260.00" } } } },
      },
      expect = { ana = { tier = "silver" } },
    },
  },
}
