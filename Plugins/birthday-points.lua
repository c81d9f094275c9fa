-- birthday-points: points on the customer's birthday, once a year.
--
-- The engine makes a `birthday` event on each customer's birthday (29 February counts on
-- 28 February in other years), when a clock event or the customer's own next event passes
-- it; this plugin answers it. The points are available at once.
--
-- The same program as RetentionKit's built-in BirthdayPoints rule.
--
-- Configuration (retention.config):
--   birthday_points.points  points per birthday (default 200)

local POINTS = retention.config("birthday_points.points", 200)

---@param event Event
---@return Award[]?
local function earn(event, _)
  if event.type ~= "birthday" or POINTS <= 0 then return nil end
  return { { points = POINTS, reason = "birthday " .. event.year, pending_days = 0 } }
end

return {
  name = "birthday-points",
  api = 1,
  version = "1",
  description = "Points on the customer's birthday, once a year.",
  earn = earn,
  earn_on = { "birthday" },  -- the engine asks `earn` about these events only
  tests = {
    {
      name = "a clock event past the birthday awards it once",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com", birthday = "1990-03-05" } },
        { id = "t1", type = "clock", at = "2025-03-06T00:00:00Z" },
        { id = "t2", type = "clock", at = "2025-03-09T00:00:00Z" },
      },
      expect = { ana = { available = 200 } },
    },
  },
}
