--[[
  Corrects a purge plan's counts for one deletion the projection refused (the job was put on
  hold, or deleted by something else, after the executor read it): the executor counted it
  deleted when it published it; it was skipped. A plan gone from Redis is left alone.

    Input:
      KEYS[1] purge plan hash          purge:{plan id}

    Output: 1 corrected, 0 no such plan
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'deleted', -1)
redis.call('HINCRBY', KEYS[1], 'skipped', 1)
return 1
