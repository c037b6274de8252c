--[[
  Takes, renews or gives up the projector lease, and keeps the projector's fencing epoch.
  The lease says who may project now; the epoch says in which term a write was planned. The
  epoch changes only when a term begins (a replica takes the lease over, or comes back to it
  after another held it), never on a renewal, so the leader's own renewals never fence its
  batches out; every projector write checks it (fenced/projector-fence.lua).

    Input:
      KEYS[1] lease                    job-state:projector:lease (holder id, TTL ARGV[2])
      KEYS[2] epoch                    job-state:projector:epoch (`<n>:<holder>:<tag>`, no TTL)

      ARGV[1] holder (a replica id)
      ARGV[2] lease length in ms (1 gives the lease up: it lapses at once, the epoch stays)
      ARGV[3] the epoch the caller leads in now, or '' when it does not lead
      ARGV[4] a fresh random tag, used only when this call begins a new term

    Output: the epoch ARGV[1] leads in now, or '' when another replica holds the lease
]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return ''
end
local epoch = redis.call('GET', KEYS[2])
local mine = ARGV[3]
if mine == '' or (epoch and epoch ~= mine) then
  -- A new term: the caller was not leading, or another replica led since (its epoch replaced ours).
  local n = tonumber(string.match(epoch or '', '^(%d+):') or '0') + 1
  epoch = n .. ':' .. ARGV[1] .. ':' .. ARGV[4]
  redis.call('SET', KEYS[2], epoch)
elseif not epoch then
  -- Redis lost the key (FLUSHALL, a restart): a replica taking over since would have set it
  -- again. The term goes on; the rebuild that follows restarts the projector from its ack floor.
  epoch = mine
  redis.call('SET', KEYS[2], epoch)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return epoch
