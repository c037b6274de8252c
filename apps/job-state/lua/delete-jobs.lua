--[[
  Applies `deleted` events, for as many jobs as the caller passes (a run of consecutive
  deletions in the projector's batch: one call instead of one per job, which is what makes
  a purge of 100,000 jobs cheap for Redis). Per job: removes the hash and every index entry
  in one step, and leaves a tombstone so that a replayed older event (a `created`) cannot
  bring it back. Removing the index entries together with the key is what tells our own
  deletions apart from a key that vanished by other means (expiry detection looks for
  orphaned entries). Idempotent: a job already gone only has leftovers cleaned.

  A deletion that must find the job as its command saw it is refused when it does not: a
  purge or erase of a job no longer there (deleted by something else first), or a purge,
  erase or TTL expiry of a job put on legal hold since. A refused deletion changes nothing,
  and the trail does not record it.

  The key count varies with the number of jobs: the caller passes it first, as EVAL does.

    Input:
      KEYS[1] creation index           jobs:by_created
      KEYS[2] expiry index             jobs:expiry
      KEYS[3] revoke wait index        jobs:revoke_pending
      KEYS[4..8] status indexes        jobs:by_status:{status}, one per status named in ARGV[1]
      then per job j = 1..N:
      KEYS[7+2j] job hash              job:{id}
      KEYS[8+2j] tombstone             jobs:deleted:{id}

      ARGV[1] JSON array: the status that each of KEYS[4..8] indexes, in order
      ARGV[2] owner index prefix       jobs:by_owner: — the owner comes from the hash, or from
                                       the job's snapshot once the hash is gone (a single
                                       Redis, not a cluster)
      ARGV[3] seconds a tombstone is kept (the archive retention)
      then per job j = 1..N:
      ARGV[4j]   stream sequence of its `deleted` event
      ARGV[1+4j] job id
      ARGV[2+4j] owner from the event's snapshot, or '' (erased)
      ARGV[3+4j] what the deletion needs: 'live' (a purge or erase: the job is there and not
                 held), 'unheld' (a TTL expiry: if the job is there, it is not held) or ''
                 (an external deletion: nothing, it reports a key already gone)

    Output: per job, in order, the pair code, status before ('' when there was no job):
       1  deleted (or, with no key, leftovers cleaned and the tombstone set)
       0  stale: the live job is at or past this sequence (restored later), or a later
          deletion's tombstone is there
      -2  refused: a purge or erase of a job another deletion removed first (a redelivery
          of an applied deletion is stale, not refused)
      -4  failed: the key holds something other than a job hash (the pair's second value
          is Redis's error); the other jobs of the call go ahead
      -5  refused: the job is on legal hold
]]
local statusIndex = {}
local statusKeys = {}
for i, status in ipairs(cjson.decode(ARGV[1])) do
  statusIndex[status] = KEYS[3 + i]
  statusKeys[#statusKeys + 1] = KEYS[3 + i]
end
local ownerPrefix = ARGV[2]
local tombstoneTtl = ARGV[3]

-- Deletes job j; answers its code and the status it had.
local function deleteJob(j)
  local jobKey = KEYS[7 + 2 * j]
  local tombstoneKey = KEYS[8 + 2 * j]
  local seqText = ARGV[4 * j]
  local seq = tonumber(seqText)
  local jobId = ARGV[1 + 4 * j]
  local needs = ARGV[3 + 4 * j]

  local state = redis.pcall('HMGET', jobKey, 'status', 'version', 'owner', 'held')
  if state.err then
    return -4, state.err
  end
  local current = state[1]
  local owner = state[3]
  if not owner or owner == '' then
    owner = ARGV[2 + 4 * j]
  end

  if current and (tonumber(state[2] or '0') or 0) >= seq then
    return 0, current
  end
  if current and state[4] == '1' and needs ~= '' then
    return -5, current
  end
  if not current and needs == 'live' then
    -- Another deletion got there first. (No key and no tombstone is a rebuild replaying an
    -- erased or aged-out history, which has only the deletion left: that one applies.)
    local tombstone = tonumber(redis.call('GET', tombstoneKey) or '0') or 0
    if tombstone >= seq then
      return 0, ''
    end
    if tombstone > 0 then
      return -2, ''
    end
  end

  if current then
    -- The usual case: only the entries a live job of this status can have.
    redis.call('DEL', jobKey)
    redis.call('ZREM', KEYS[1], jobId)
    redis.call('ZREM', KEYS[2], jobId)
    if statusIndex[current] then
      redis.call('ZREM', statusIndex[current], jobId)
    end
    if current == 'cancelled' then
      redis.call('ZREM', KEYS[3], jobId)
    end
    if owner ~= '' then
      redis.call('ZREM', ownerPrefix .. owner, jobId)
    end
    redis.call('SET', tombstoneKey, seqText, 'EX', tombstoneTtl)
    return 1, current
  end

  -- No key: whatever entries are left over go, wherever they are.
  redis.call('ZREM', KEYS[1], jobId)
  redis.call('ZREM', KEYS[2], jobId)
  redis.call('ZREM', KEYS[3], jobId)
  for _, key in ipairs(statusKeys) do
    redis.call('ZREM', key, jobId)
  end
  if owner ~= '' then
    redis.call('ZREM', ownerPrefix .. owner, jobId)
  end
  local tombstone = tonumber(redis.call('GET', tombstoneKey) or '0') or 0
  if tombstone >= seq then
    return 0, ''
  end
  redis.call('SET', tombstoneKey, seqText, 'EX', tombstoneTtl)
  return 1, ''
end

local out = {}
for j = 1, (#KEYS - 8) / 2 do
  local code, previous = deleteJob(j)
  out[#out + 1] = code
  out[#out + 1] = previous
end
return out
