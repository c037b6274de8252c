--[[
  Removes a job from the listing indexes once its hash is gone (expired, deleted), and only
  then: checked in the same atomic step, so a job restored a moment ago keeps its entries.
  The expiry index is left alone: it is the record that expiry detection works from.

    Input:
      KEYS[1] job hash                 job:{id}
      KEYS[2] the index being listed   e.g. jobs:by_owner:{owner}
      KEYS[3] creation index           jobs:by_created
      KEYS[4..8] status indexes        jobs:by_status:{status}, every status

      ARGV[1] job id

    Output: 1 when the entries were removed, 0 when the job exists after all
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
for i = 2, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[1])
end
return 1
