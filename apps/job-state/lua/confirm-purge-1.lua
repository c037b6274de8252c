--[[
  Moves a purge plan from planned to running, once: two confirms racing (two gateways, two
  job-state replicas) cannot both start it. The token was checked before (constant time).

    Input:
      KEYS[1] plan hash                purge:{plan_id}

      ARGV[1] now in ms
      ARGV[2] the confirming actor (JSON)

    Output:
       1  confirmed: the plan is running
      -1  not planned any more (already confirmed)
      -2  expired
      -3  no such plan
]]
local state = redis.call('HMGET', KEYS[1], 'status', 'expires_ms')
if not state[1] then
  return -3
end
if state[1] ~= 'planned' then
  return -1
end
if (tonumber(state[2]) or 0) <= tonumber(ARGV[1]) then
  return -2
end
redis.call('HSET', KEYS[1], 'status', 'running', 'confirmed_by', ARGV[2])
return 1
