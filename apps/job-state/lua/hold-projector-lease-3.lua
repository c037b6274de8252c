--[[
  Takes, renews or gives up the projector lease, and keeps the projector's fencing epoch.
  The lease says who may project now; the epoch says in which term a write was planned. The
  epoch changes only when a term begins (a replica takes the lease over, or comes back to it
  after another held it), never on a renewal, so the leader's own renewals never fence its
  batches out; every projector write checks it (fenced/projector-fence.lua).

  When Redis lost the lease and the epoch together (FLUSHALL, a restart without persistence),
  the leader is most likely alive: it renews within a second and goes on in its term, and its
  rebuild of the emptied Redis writes under that term. A standby that took the lease in that
  second would fence the rebuild out and have to start another. So a standby first stakes a
  claim (KEYS[3]) and takes over only once the claim is ARGV[5] ms old and the lease is still
  free: the leader's renewal meanwhile wins; a leader that died with the flush is replaced.

    Input:
      KEYS[1] lease                    job-state:projector:lease (holder id, TTL ARGV[2])
      KEYS[2] epoch                    job-state:projector:epoch (`<n>:<holder>:<tag>`, no TTL)
      KEYS[3] claim                    job-state:projector:claim (`<holder>:<ms>`, TTL 3 × ARGV[2])

      ARGV[1] holder (a replica id)
      ARGV[2] lease length in ms (1 gives the lease up: it lapses at once, the epoch stays)
      ARGV[3] the epoch the caller leads in now, or '' when it does not lead
      ARGV[4] a fresh random tag, used only when this call begins a new term
      ARGV[5] how long a standby's claim must stand before it takes over an emptied Redis (ms);
              0 for a replica that has not seen another leader (a first start takes at once)

    Output: the epoch ARGV[1] leads in now, or '' when another replica holds the lease (or
    the caller's claim has not stood long enough)
]]
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then
  return ''
end
local epoch = redis.call('GET', KEYS[2])
local mine = ARGV[3]
if not holder and not epoch and mine == '' and tonumber(ARGV[5]) > 0 then
  local now = redis.call('TIME')
  local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  local claim = redis.call('GET', KEYS[3])
  local claimer, since = string.match(claim or '', '^(.*):(%d+)$')
  if claimer ~= ARGV[1] then
    if claim then
      return ''
    end
    redis.call('SET', KEYS[3], ARGV[1] .. ':' .. now_ms, 'PX', 3 * tonumber(ARGV[2]))
    return ''
  end
  if now_ms - tonumber(since) < tonumber(ARGV[5]) then
    return ''
  end
end
if mine == '' or (epoch and epoch ~= mine) then
  -- A new term: the caller was not leading, or another replica led since (its epoch replaced ours).
  local n = tonumber(string.match(epoch or '', '^(%d+):') or '0') + 1
  epoch = n .. ':' .. ARGV[1] .. ':' .. ARGV[4]
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[3])
elseif not epoch then
  -- Redis lost the key (FLUSHALL, a restart): a replica taking over since would have set it
  -- again. The term goes on; the rebuild that follows restarts the projector from its ack floor.
  epoch = mine
  redis.call('SET', KEYS[2], epoch)
  redis.call('DEL', KEYS[3])
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return epoch
