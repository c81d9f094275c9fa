-- referral-points: points for the referrer when a referred friend's first order completes.
--
-- On referral_completed (which the engine has already checked: no self-referral, the
-- referee's first order, the program's maximum per period), the referrer earns. The engine
-- keeps the points pending until the referee's order is paid and its return window has passed,
-- and takes them back if that order is cancelled, refunded or returned.
--
-- The same program as RetentionKit's built-in ReferralPoints rule.
--
-- Configuration (retention.config):
--   referral_points.points  points per accepted referral (default 500)

local POINTS = retention.config("referral_points.points", 500)

---@param event Event
---@return Award[]?
local function earn(event, _)
  if event.type ~= "referral_completed" or POINTS <= 0 then return nil end
  return { { points = POINTS, reason = "referred " .. event.referral.referee_id } }
end

return {
  name = "referral-points",
  api = 1,
  version = "1",
  description = "Points for the referrer of a friend whose first order completes.",
  earn = earn,
  earn_on = { "referral_completed" },  -- the engine asks `earn` about these events only
}
