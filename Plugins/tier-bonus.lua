-- tier-bonus: a one-time bonus when a customer moves up to a tier.
--
-- The engine makes a `tier_changed` event when a customer's tier changes (its id names the
-- customer and the tier, so the bonus for a tier is paid once however often the customer
-- comes back to it). Moving down earns nothing. Points are available at once. Load it with a
-- tier plugin such as spend-tiers.
--
-- The same program as RetentionKit's built-in TierBonus rule.
--
-- Configuration (retention.config):
--   tier_bonus.points  tier -> points for reaching it (default { silver = 100, gold = 250 })

local BONUS = retention.config("tier_bonus.points", { silver = 100, gold = 250 })

---@param event Event
---@return Award[]?
local function earn(event, _)
  if event.type ~= "tier_changed" then return nil end
  local change = event.tier_change
  if not change.upgrade or change.to == nil then return nil end
  local points = BONUS[change.to]
  if not points or points <= 0 then return nil end
  return { { points = points, reason = "reached " .. change.to, pending_days = 0 } }
end

return {
  name = "tier-bonus",
  api = 1,
  version = "1",
  description = "A one-time bonus for moving up to a tier.",
  earn = earn,
  earn_on = { "tier_changed" },  -- the engine asks `earn` about these events only
}
