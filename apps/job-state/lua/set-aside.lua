--[[
  Sets aside one JOBS event the projector could not apply (a script failed on it at every
  try: say something else wrote a string where the job's hash belongs), so the events after
  it go on. Called fenced (fencedSetAside) by the lease holder only.

  A lifecycle event is kept in the set-aside hash, for the projector's sweeper to apply later.
  A command event (judged) is refused instead: it did not take effect, and a refused command
  stays refused. Its refusal is kept like any other (jobs:refused:{event id}, NX); a purge
  plan's deletion refused for the first time moves from the plan's deleted count to skipped
  (as count-refused-deletion-1.lua).

    Input (variable key count):
      KEYS[1] set-aside events         jobs:set-aside
      KEYS[2] refusal (a command)      jobs:refused:{event id}
      KEYS[3] purge plan (a deletion of a plan)  purge:{plan id}

      ARGV[1] stream sequence of the event
      ARGV[2] a lifecycle event: its set-aside entry (JSON); '' for a command
      ARGV[3] a command: its refusal (JSON)
      ARGV[4] a command: how long its refusal is kept, in seconds

    Output: 1 set aside (or refused) now, 0 already (a retry)
]]
if ARGV[2] ~= '' then
  return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', ARGV[4]) then
  return 0
end
if KEYS[3] and redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HINCRBY', KEYS[3], 'deleted', -1)
  redis.call('HINCRBY', KEYS[3], 'skipped', 1)
end
return 1
