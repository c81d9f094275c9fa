-- win-back: starts the win-back campaign for customers drifting away.
--
-- Asks for the "win_back" campaign when a customer moves down a tier or loses their tier
-- (the engine's `tier_changed` event, made when spend leaves the qualification window), and
-- when a customer who has ordered before has not ordered for a long time by their birthday.
--
-- Configuration (retention.config):
--   win_back.quiet_days  days without an order that count as drifting away (default 120)

local QUIET_DAYS = retention.config("win_back.quiet_days", 120)

---@param event Event
---@param customer Customer
---@return CampaignRequest[]?
local function triggers(event, customer)
  if event.type == "tier_changed" and not event.tier_change.upgrade then
    local from = event.tier_change.from or "no tier"
    return { { campaign = "win_back", reason = "moved down from " .. from .. " to " .. (event.tier_change.to or "no tier") } }
  end
  if event.type == "birthday" and customer.days_since_last_order and customer.days_since_last_order > QUIET_DAYS then
    return { { campaign = "win_back", reason = "no order for " .. customer.days_since_last_order .. " days by their birthday" } }
  end
  return nil
end

return {
  name = "win-back",
  api = 1,
  version = "1",
  description = "Win-back campaign on a tier downgrade, or a birthday after a long quiet spell.",
  triggers = triggers,
  triggers_on = { "tier_changed", "birthday" },  -- the engine asks `triggers` about these events only
}
