// Lua scripts run atomically by Redis: joining a run, taking, renewing and settling window leases,
// and the manifest lock. Each does its check and its write in one step, so two workers never both win.

/**
 * KEYS: run. ARGV: plan, windows, budget, ttlMs, new run id, started-at.
 * Returns {'created'|'joined', runId} or {'mismatch', plan, budget, pttl}.
 */
export const JOIN = `
local cur = redis.call('HMGET', KEYS[1], 'plan', 'budget', 'runId')
if cur[1] then
  if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[3] then
    return {'mismatch', cur[1], cur[2], tostring(redis.call('PTTL', KEYS[1]))}
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'joined', cur[3]}
end
redis.call('HSET', KEYS[1], 'plan', ARGV[1], 'windows', ARGV[2], 'budget', ARGV[3],
  'runId', ARGV[5], 'startedAt', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {'created', ARGV[5]}
`;

/** KEYS: run. ARGV: budget. Returns the run's budget when it differs from ARGV[1], else ''. */
export const CHECK_BUDGET = `
local b = redis.call('HGET', KEYS[1], 'budget')
if b and b ~= ARGV[1] then return b end
return ''
`;

/** KEYS: settled, lease. ARGV: worker, ttlMs, window. Returns 'taken', 'leased' or 'settled'. */
export const TAKE = `
if redis.call('SISMEMBER', KEYS[1], ARGV[3]) == 1 then return 'settled' end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'taken' end
if redis.call('GET', KEYS[2]) == ARGV[1] then return 'taken' end
return 'leased'
`;

/**
 * KEYS: run, member, lease… ARGV: worker, lease ttlMs, member JSON, run ttlMs. Extends the run, the
 * heartbeat and every lease still held; returns the indexes (1-based, among the leases) of leases lost.
 */
export const RENEW = `
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2])
local lost = {}
for i = 3, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  else
    table.insert(lost, i - 2)
  end
end
return lost
`;

/**
 * KEYS: settled, landed, lease, fetched-twice. ARGV: worker, window, how ('landed', 'fetched-twice' or
 * 'other'). Marks the window settled, counts a second complete fetch, frees the lease.
 */
export const SETTLE = `
redis.call('SADD', KEYS[1], ARGV[2])
if ARGV[3] == 'landed' then redis.call('SADD', KEYS[2], ARGV[2]) end
if ARGV[3] == 'fetched-twice' then redis.call('INCR', KEYS[4]) end
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
return 1
`;

/** KEYS: key. ARGV: token. Deletes the key only if this worker holds it (lease or lock). */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS: member, run, settled, landed, fetched-twice, manifest lock. ARGV: member pattern. This
 * worker leaves; when it was the last one and every window is settled, the run's record goes, so a
 * later run of the same plan (say into another --out) starts afresh instead of joining a finished one.
 */
export const LEAVE = `
redis.call('DEL', KEYS[1])
local windows = tonumber(redis.call('HGET', KEYS[2], 'windows') or '-1')
if windows < 0 or #redis.call('KEYS', ARGV[1]) > 0 or redis.call('SCARD', KEYS[3]) < windows then return 0 end
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return 1
`;
