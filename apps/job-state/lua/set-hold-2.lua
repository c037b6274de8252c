--[[
  Applies `held` or `released`. Held: the key loses its TTL and leaves the expiry index, so
  neither the sweep nor Redis expires it. Released: the TTL of its current status is put
  back, counted afresh from the release.

    Input:
      KEYS[1] job hash                 job:{id}
      KEYS[2] expiry index             jobs:expiry

      ARGV[1] stream sequence of the event; becomes the hash's version
      ARGV[2] job id
      ARGV[3] '1' to hold, '0' to release
      ARGV[4] JSON object: TTL in seconds per status
      ARGV[5] grace in seconds added to Redis's own TTL

    Output: { code, status or '' }:
       1  applied
       0  stale: the hash's version is already >= the sequence
      -2  no job
      -6  refused: the job is already held (a hold) or not held (a release); changes nothing
]]
local jobKey = KEYS[1]
local seq = tonumber(ARGV[1])

local state = redis.call('HMGET', jobKey, 'status', 'version', 'held')
local current = state[1]
if not current then
  return { -2, '' }
end
if (tonumber(state[2] or '0') or 0) >= seq then
  return { 0, current }
end
-- Two holds that raced past their checks: the second is refused, not recorded twice.
if (state[3] == '1') == (ARGV[3] == '1') then
  return { -6, current }
end

if ARGV[3] == '1' then
  redis.call('HSET', jobKey, 'held', '1', 'version', ARGV[1])
  redis.call('PERSIST', jobKey)
  redis.call('ZREM', KEYS[2], ARGV[2])
else
  local ttl = tonumber(cjson.decode(ARGV[4])[current])
  local time = redis.call('TIME')
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('HSET', jobKey, 'held', '', 'version', ARGV[1])
  redis.call('EXPIRE', jobKey, ttl + tonumber(ARGV[5]))
  redis.call('ZADD', KEYS[2], nowMs + ttl * 1000, ARGV[2])
end
return { 1, current }
