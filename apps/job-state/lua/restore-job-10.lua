--[[
  Applies a `restored` event: the archived snapshot becomes the live job again, with its
  indexes and the TTL of its status counted afresh (none while held). Lifts the tombstone.

    Input:
      KEYS[1] job hash                 job:{id}
      KEYS[2] creation index           jobs:by_created
      KEYS[3] owner index              jobs:by_owner:{owner of the snapshot}
      KEYS[4] expiry index             jobs:expiry
      KEYS[5] tombstone                jobs:deleted:{id}
      KEYS[6..10] status indexes       jobs:by_status:{status}, one per status named in ARGV[3]

      ARGV[1] stream sequence of the event; becomes the hash's version
      ARGV[2] job id
      ARGV[3] JSON array: the status that each of KEYS[6..10] indexes, in order
      ARGV[4] the snapshot's status
      ARGV[5] TTL in seconds for that status
      ARGV[6] grace in seconds added to Redis's own TTL
      ARGV[7] creation time in ms (index score)
      ARGV[8] '1' when the snapshot was held
      ARGV[9 ..] field, value pairs of the snapshot (every field but version)

    Output: { code, status before or '' }:
       1  restored
       0  stale: the job is at or past this sequence, or a later deletion's tombstone is there
      -1  rejected: the job is live; a restore never overwrites a live job
]]
local jobKey = KEYS[1]
local seq = tonumber(ARGV[1])
local jobId = ARGV[2]

local state = redis.call('HMGET', jobKey, 'status', 'version')
if state[1] then
  if (tonumber(state[2] or '0') or 0) >= seq then
    return { 0, state[1] }
  end
  return { -1, state[1] }
end
local tombstone = tonumber(redis.call('GET', KEYS[5]) or '0') or 0
if tombstone > seq then
  return { 0, '' }
end

local fields = { 'version', ARGV[1] }
for i = 9, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
redis.call('HSET', jobKey, unpack(fields))

local statusIndex = nil
for i, status in ipairs(cjson.decode(ARGV[3])) do
  if status == ARGV[4] then
    statusIndex = KEYS[5 + i]
  end
end
redis.call('ZADD', KEYS[2], ARGV[7], jobId)
redis.call('ZADD', KEYS[3], ARGV[7], jobId)
redis.call('ZADD', statusIndex, ARGV[7], jobId)

if ARGV[8] ~= '1' then
  local time = redis.call('TIME')
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('EXPIRE', jobKey, tonumber(ARGV[5]) + tonumber(ARGV[6]))
  redis.call('ZADD', KEYS[4], nowMs + tonumber(ARGV[5]) * 1000, jobId)
end
redis.call('DEL', KEYS[5])
return { 1, '' }
