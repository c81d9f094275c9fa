-- social-follow: points for following the store on a social network or signing up for the newsletter.
--
-- On a `custom` event named "social_follow" (attribute `network`, such as "instagram") or
-- "newsletter_signup", the customer earns. A plugin keeps no memory between events, so the
-- host must send each follow or sign-up once (the event id is the idempotency key: the same
-- event applied twice earns once). Points are available at once.
--
-- Configuration (retention.config):
--   social_follow.points      points per follow (default 25)
--   social_follow.networks    networks that earn (default: instagram, tiktok, facebook)
--   social_follow.newsletter  points for a newsletter sign-up (default 50; 0 for none)

local POINTS = retention.config("social_follow.points", 25)
local NETWORKS = retention.config("social_follow.networks", { "instagram", "tiktok", "facebook" })
local NEWSLETTER = retention.config("social_follow.newsletter", 50)

local earning = {}
for _, network in ipairs(NETWORKS) do earning[network] = true end

---@param event Event
---@return Award[]?
local function earn(event, _)
  if event.type ~= "custom" then return nil end
  if event.name == "social_follow" then
    local network = event.attributes.network
    if POINTS > 0 and earning[network] then
      return { { points = POINTS, reason = "followed us on " .. network, pending_days = 0 } }
    end
  elseif event.name == "newsletter_signup" and NEWSLETTER > 0 then
    return { { points = NEWSLETTER, reason = "newsletter sign-up", pending_days = 0 } }
  end
  return nil
end

return {
  name = "social-follow",
  api = 1,
  version = "1",
  description = "Points for a social follow or a newsletter sign-up.",
  earn = earn,
  earn_on = { "custom" },  -- the engine asks `earn` about these events only
  tests = {
    {
      name = "a follow on a listed network and a newsletter sign-up earn; another network does not",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        { id = "f1", type = "custom", at = "2025-03-01T10:00:00Z", name = "social_follow", customer_id = "ana", attributes = { network = "instagram" } },
        { id = "f2", type = "custom", at = "2025-03-01T10:05:00Z", name = "social_follow", customer_id = "ana", attributes = { network = "myspace" } },
        { id = "n1", type = "custom", at = "2025-03-01T10:10:00Z", name = "newsletter_signup", customer_id = "ana" },
      },
      expect = { ana = { available = 75 } },
    },
  },
}
