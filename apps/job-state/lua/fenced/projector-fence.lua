--[[
  The fence in front of every script the projector writes with (apply-events, delete-jobs,
  restore-job, set-hold). commands.ts registers, beside each of them, a `fenced…` variant:
  this prologue, then the script's own body run with the KEYS and ARGV that follow the
  fence's. The check and the writes are one script, so Redis performs them atomically: a
  leader that froze (GC pause, SIGSTOP, a slow network) past its lease while another replica
  took over cannot land a batch after the takeover, however late its EXEC arrives.

    Input:
      KEYS[1] epoch                    job-state:projector:epoch
      KEYS[2 ..] the wrapped script's KEYS, as its header lists them

      ARGV[1] the epoch the writer leads in (from hold-projector-lease-2.lua)
      ARGV[2 ..] the wrapped script's ARGV, as its header lists them

    Output: the wrapped script's output, or the error `FENCED …` when the epoch is another
    (nothing written)

  A missing epoch lets the write through: Redis lost it together with everything else
  (FLUSHALL, a restart without persistence), so there is no newer term's work to overtake; an
  emptied Redis only takes what a rebuild from JOBS would write too (a `created`, a
  `restored`, a tombstone), and the leader's next renewal sets the epoch again
  (hold-projector-lease-2.lua).
]]
local epoch = redis.call('GET', KEYS[1])
if epoch and epoch ~= ARGV[1] then
  return redis.error_reply('FENCED the projector epoch is ' .. epoch .. ', not ' .. ARGV[1] .. ': another replica took the projector lease over')
end
local keys, args = {}, {}
for i = 2, #KEYS do
  keys[i - 1] = KEYS[i]
end
for i = 2, #ARGV do
  args[i - 1] = ARGV[i]
end
return (function(KEYS, ARGV)
-- the wrapped script's body goes here
end)(keys, args)
