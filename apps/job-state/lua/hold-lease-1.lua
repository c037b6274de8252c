--[[
  Takes or renews a lease: who executes a running purge plan. A replica that stops renewing
  (crashed) loses it when it runs out, and another resumes the plan.

    Input:
      KEYS[1] lease                    purge:{plan_id}:lease

      ARGV[1] holder (a replica id)
      ARGV[2] lease length in ms

    Output: 1 when ARGV[1] holds the lease now, 0 when another replica does
]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
