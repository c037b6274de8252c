--[[
  After a rebuild from JOBS: counts one job's deadlines from its own times instead of from
  the moment the rebuild replayed it (the apply scripts stamp Redis's clock). Touches the job
  only if it is still exactly as the rebuild left it (same version, or same tombstone), so
  an event applied since wins. A held job keeps no TTL and no deadline.

    Input:
      KEYS[1] job hash                 job:{id}
      KEYS[2] expiry index             jobs:expiry
      KEYS[3] revoke wait index        jobs:revoke_pending
      KEYS[4] tombstone                jobs:deleted:{id}

      ARGV[1] job id
      ARGV[2] the hash's version the rebuild left, or '' when the job ends deleted
      ARGV[3] deadline in the expiry index (ms), or '' to leave the TTL as it is
      ARGV[4] Redis's own TTL for the key (s): the time to the deadline plus the grace
      ARGV[5] when a cancelled job's wait for its revoke ends (ms), or ''
      ARGV[6] the tombstone's sequence the rebuild left, or ''
      ARGV[7] the tombstone's TTL (s)

    Output: 1 fixed, 0 changed since the rebuild left it (nothing done)
]]
local jobId = ARGV[1]

if ARGV[2] ~= '' then
  local state = redis.call('HMGET', KEYS[1], 'version', 'held')
  if state[1] ~= ARGV[2] then
    return 0
  end
  if state[2] ~= '1' and ARGV[3] ~= '' then
    redis.call('ZADD', KEYS[2], ARGV[3], jobId)
    redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
  end
  if ARGV[5] ~= '' and redis.call('ZSCORE', KEYS[3], jobId) then
    redis.call('ZADD', KEYS[3], ARGV[5], jobId)
  end
  return 1
end

if ARGV[6] ~= '' and redis.call('GET', KEYS[4]) == ARGV[6] then
  redis.call('EXPIRE', KEYS[4], tonumber(ARGV[7]))
  return 1
end
return 0
