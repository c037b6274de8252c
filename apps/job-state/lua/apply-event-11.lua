--[[
  Applies one lifecycle event (created, started, progress, completed, failed, cancel,
  revoked, revoke_unconfirmed) to the job's hash and its indexes, atomically.

  The status rules are not here: the caller passes the statuses the event may apply from,
  taken from STATUS_TRANSITIONS (job-status.ts), the single source of truth.

    Input:
      KEYS[1] job hash                 job:{id}
      KEYS[2] creation index           jobs:by_created
      KEYS[3] owner index              jobs:by_owner:{owner}; written only when the event creates
                                       the job (other events cannot know the owner and pass KEYS[1])
      KEYS[4] expiry index             jobs:expiry (the real deadline; Redis's TTL is the backstop)
      KEYS[5] revoke wait index        jobs:revoke_pending
      KEYS[6] tombstone                jobs:deleted:{id}
      KEYS[7..11] status indexes       jobs:by_status:{status}, one per status named in ARGV[3]

      ARGV[1] stream sequence of the event; becomes the hash's version
      ARGV[2] job id (the member of every index)
      ARGV[3] JSON array: the status that each of KEYS[7..11] indexes, in order
      ARGV[4] JSON array: statuses the event may apply from; null means "no job yet"
      ARGV[5] status after the event, or '' to keep the current one
      ARGV[6] TTL in seconds, or '' to keep the current TTL; ignored while the job is held
      ARGV[7] grace in seconds: Redis's own TTL is ARGV[6] + this, the expiry index ARGV[6]
      ARGV[8] creation time in ms (index score), read only when the event creates the job
      ARGV[9] ms to wait for the worker's revoke when a running job is cancelled, or ''
      ARGV[10] '1' when the event ends that wait (revoked, revoke_unconfirmed), else ''
      ARGV[11] N, the number of field/value pairs that follow
      ARGV[12 .. 11+2N] field, value pairs to set
      ARGV[12+2N ..] field, value pairs to set only where the hash holds nothing yet

    Output: { code, status before the event or '' }, code from ApplyCode (apply-code.ts):
       1  applied
       0  stale: the hash's version is already >= the sequence (redelivery, duplicate)
      -1  rejected: the job's status does not allow the event; nothing changed
      -2  no job: the event needs an existing job and there is none; nothing changed
      -3  tombstoned: the job was deleted; only a restore brings it back; nothing changed
]]
local jobKey = KEYS[1]
local seq = tonumber(ARGV[1])
local jobId = ARGV[2]

local state = redis.call('HMGET', jobKey, 'status', 'version', 'held')
local current = state[1]
local version = tonumber(state[2] or '0') or 0
local held = state[3] == '1'

if version >= seq then
  return { 0, current or '' }
end

if ARGV[10] == '1' then
  redis.call('ZREM', KEYS[5], jobId)
end

if not current and redis.call('EXISTS', KEYS[6]) == 1 then
  return { -3, '' }
end

local allowed = false
for _, from in ipairs(cjson.decode(ARGV[4])) do
  if (from == cjson.null and not current) or from == current then
    allowed = true
    break
  end
end
if not allowed then
  if not current then
    return { -2, '' }
  end
  return { -1, current }
end

local statusIndex = {}
for i, status in ipairs(cjson.decode(ARGV[3])) do
  statusIndex[status] = KEYS[6 + i]
end

local creating = not current
local newStatus = ARGV[5]
local ttl = ARGV[6]

local fields = { 'version', ARGV[1] }
if newStatus ~= '' then
  fields[#fields + 1] = 'status'
  fields[#fields + 1] = newStatus
end
local setCount = tonumber(ARGV[11])
local keepFrom = 12 + 2 * setCount
for i = 12, keepFrom - 1, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
end
for i = keepFrom, #ARGV, 2 do
  local existing = redis.call('HGET', jobKey, ARGV[i])
  if not existing or existing == '' then
    fields[#fields + 1] = ARGV[i]
    fields[#fields + 1] = ARGV[i + 1]
  end
end
redis.call('HSET', jobKey, unpack(fields))

local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

if creating then
  redis.call('ZADD', KEYS[2], ARGV[8], jobId)
  redis.call('ZADD', KEYS[3], ARGV[8], jobId)
end

if newStatus ~= '' and newStatus ~= current then
  local score = redis.call('ZSCORE', KEYS[2], jobId) or nowMs
  if current then
    redis.call('ZREM', statusIndex[current], jobId)
  end
  redis.call('ZADD', statusIndex[newStatus], score, jobId)
end

-- A held job stays persistent whatever its status says.
if ttl ~= '' and not held then
  redis.call('EXPIRE', jobKey, tonumber(ttl) + tonumber(ARGV[7]))
  redis.call('ZADD', KEYS[4], nowMs + tonumber(ttl) * 1000, jobId)
end

if ARGV[9] ~= '' and current == 'running' then
  redis.call('ZADD', KEYS[5], nowMs + tonumber(ARGV[9]), jobId)
end

return { 1, current or '' }
