--[[
  Applies lifecycle events (created, started, progress, completed, failed, cancel, revoked,
  revoke_unconfirmed), for as many events as the caller passes (a run of consecutive ones in
  the projector's batch), in order, each to its job's hash and the indexes. One call per run
  instead of one per event: Redis pays for a script call, its fence and its clock once, and
  the indexes' names and the status list travel once.

  The status rules are not here: the caller passes the statuses each event may apply from,
  taken from STATUS_TRANSITIONS (job-status.ts), the single source of truth.

  The key count varies with the number of events: the caller passes it first, as EVAL does.

    Input:
      KEYS[1] creation index           jobs:by_created
      KEYS[2] expiry index             jobs:expiry (the real deadline; Redis's TTL is the backstop)
      KEYS[3] revoke wait index        jobs:revoke_pending
      KEYS[4..3+S] status indexes      jobs:by_status:{status}, one per status named in ARGV[1]
      then per event e = 1..N, at k = 3 + S + 3(e-1):
      KEYS[k+1] job hash               job:{id}
      KEYS[k+2] tombstone              jobs:deleted:{id}
      KEYS[k+3] owner index            jobs:by_owner:{owner}; written only when the event creates
                                       the job (other events cannot know the owner and pass KEYS[k+1])

      ARGV[1] JSON array: the status that each of the S status indexes holds, in order
      ARGV[2] grace in seconds: Redis's own TTL is an event's TTL + this, the expiry index its TTL
      then per event, in order, a record of 10 + 2M + 2K values:
        seq        stream sequence of the event; becomes the hash's version
        job id     the member of every index
        from       the statuses the event may apply from, each between commas (",pending,running,");
                   an empty one (",,") means "no job yet"
        status     status after the event, or '' to keep the current one
        ttl        TTL in seconds, or '' to keep the current TTL; ignored while the job is held
        created    creation time in ms (index score), read only when the event creates the job
        revoke ms  ms to wait for the worker's revoke when a running job is cancelled, or ''
        ends wait  '1' when the event ends that wait (revoked, revoke_unconfirmed), else ''
        M, then M field, value pairs to set
        K, then K field, value pairs to set only where the hash holds nothing yet

    Output: per event, in order, the pair code, status before the event ('' when there was
    no job), code from ApplyCode (apply-code.ts):
       1  applied
       0  stale: the hash's version is already >= the sequence (redelivery, duplicate)
      -1  rejected: the job's status does not allow the event; nothing changed
      -2  no job: the event needs an existing job and there is none; nothing changed
      -3  tombstoned: the job was deleted; only a restore brings it back; nothing changed
      -4  failed: Redis refused a command of this event (the key holds something other than a
          job hash: the pair's second value is Redis's error); the other events go ahead
]]
local statusIndex = {}
local statusCount = 0
for i, status in ipairs(cjson.decode(ARGV[1])) do
  statusIndex[status] = KEYS[3 + i]
  statusCount = i
end
local grace = tonumber(ARGV[2])

local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- Applies the event whose keys start after KEYS[k] and whose record starts at ARGV[a];
-- answers its code and the status before it.
local function applyEvent(k, a)
  local jobKey = KEYS[k + 1]
  local seqText = ARGV[a]
  local seq = tonumber(seqText)
  local jobId = ARGV[a + 1]
  local newStatus = ARGV[a + 3]
  local ttl = ARGV[a + 4]

  local state = redis.call('HMGET', jobKey, 'status', 'version', 'held')
  local current = state[1]
  local version = tonumber(state[2] or '0') or 0
  local held = state[3] == '1'

  if version >= seq then
    return 0, current or ''
  end

  if ARGV[a + 7] == '1' then
    redis.call('ZREM', KEYS[3], jobId)
  end

  if not current and redis.call('EXISTS', KEYS[k + 2]) == 1 then
    return -3, ''
  end

  local from = ARGV[a + 2]
  local allowed
  if current then
    allowed = current ~= '' and string.find(from, ',' .. current .. ',', 1, true) ~= nil
  else
    allowed = string.find(from, ',,', 1, true) ~= nil
  end
  if not allowed then
    if not current then
      return -2, ''
    end
    return -1, current
  end

  local creating = not current
  local fields = { 'version', seqText }
  if newStatus ~= '' then
    fields[#fields + 1] = 'status'
    fields[#fields + 1] = newStatus
  end
  local setFrom = a + 9
  local keepAt = setFrom + 2 * tonumber(ARGV[a + 8])
  for i = setFrom, keepAt - 1, 2 do
    fields[#fields + 1] = ARGV[i]
    fields[#fields + 1] = ARGV[i + 1]
  end
  local keepEnd = keepAt + 2 * tonumber(ARGV[keepAt])
  for i = keepAt + 1, keepEnd, 2 do
    local existing = redis.call('HGET', jobKey, ARGV[i])
    if not existing or existing == '' then
      fields[#fields + 1] = ARGV[i]
      fields[#fields + 1] = ARGV[i + 1]
    end
  end
  redis.call('HSET', jobKey, unpack(fields))

  local score
  if creating then
    score = ARGV[a + 5]
    redis.call('ZADD', KEYS[1], score, jobId)
    redis.call('ZADD', KEYS[k + 3], score, jobId)
  end

  if newStatus ~= '' and newStatus ~= current then
    score = score or redis.call('ZSCORE', KEYS[1], jobId) or nowMs
    if current then
      redis.call('ZREM', statusIndex[current], jobId)
    end
    redis.call('ZADD', statusIndex[newStatus], score, jobId)
  end

  -- A held job stays persistent whatever its status says.
  if ttl ~= '' and not held then
    redis.call('EXPIRE', jobKey, tonumber(ttl) + grace)
    redis.call('ZADD', KEYS[2], nowMs + tonumber(ttl) * 1000, jobId)
  end

  if ARGV[a + 6] ~= '' and current == 'running' then
    redis.call('ZADD', KEYS[3], nowMs + tonumber(ARGV[a + 6]), jobId)
  end

  return 1, current or ''
end

local reply = {}
local a = 3
local k = 3 + statusCount
while k < #KEYS do
  local ok, code, previous = pcall(applyEvent, k, a)
  if ok then
    reply[#reply + 1] = code
    reply[#reply + 1] = previous
  else
    reply[#reply + 1] = -4
    reply[#reply + 1] = type(code) == 'table' and code.err or tostring(code)
  end
  -- The next record: past this one's fields to set and to keep.
  local keepAt = a + 9 + 2 * tonumber(ARGV[a + 8])
  a = keepAt + 1 + 2 * tonumber(ARGV[keepAt])
  k = k + 3
end
return reply
