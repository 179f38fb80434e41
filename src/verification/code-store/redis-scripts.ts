/**
 * Lua scripts for the Redis code store. Redis runs each script alone, which is what makes the
 * attempt count, the approval and the resend atomic (no race gives an extra guess or a second
 * approval). Times come from the caller's clock; Redis TTLs only purge.
 *
 * Layout: KEYS[1] the verification hash, KEYS[2] the code hash string (its TTL is the code's
 * life), KEYS[3] the "pending for app + purpose + phone HMAC" index where a script needs it.
 */

/** Shared prologue: read the record into `f`, or answer not_found. */
const READ_RECORD = `
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {'not_found'} end
local f = {}
for i = 1, #flat, 2 do f[flat[i]] = flat[i + 1] end
local now = tonumber(ARGV[1])
local open = f.status == 'pending' and tonumber(f.expires_at) > now
  and tonumber(f.attempts) < tonumber(f.max_attempts)
`;

/**
 * ARGV: record TTL ms, code TTL ms, record key prefix of the app, code key prefix of the app, code
 * hash, id, field/value pairs... Answers the id of the pending verification it cancelled, or ''
 * (the caller audits that cancellation).
 */
export const CREATE = `
local previous = redis.call('GET', KEYS[3])
local superseded = ''
if previous and previous ~= ARGV[6] then
  local previousRecord = ARGV[3] .. previous
  if redis.call('HGET', previousRecord, 'status') == 'pending' then
    redis.call('HSET', previousRecord, 'status', 'canceled')
    redis.call('DEL', ARGV[4] .. previous)
    superseded = previous
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[2])
redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[2])
return superseded
`;

/**
 * KEYS[1] the pending index only. ARGV: record key prefix of the app. The id CREATE would cancel
 * right now, or '': the same test as CREATE's, so that a prediction agrees with it.
 */
export const PENDING = `
local id = redis.call('GET', KEYS[1])
if id and redis.call('HGET', ARGV[1] .. id, 'status') == 'pending' then return id end
return ''
`;

/**
 * ARGV: now, check token ('' for none). The attempt is counted before the caller compares
 * anything, and recorded under the token (field `check:<token>` = the code version) so that
 * WITHDRAW_CHECK gives back exactly this one. A token already withdrawn counts nothing: its caller
 * gave up before Redis ran this.
 */
export const BEGIN_CHECK = `${READ_RECORD}
local checkField = ARGV[2] ~= '' and ('check:' .. ARGV[2]) or nil
if checkField and redis.call('HEXISTS', KEYS[1], checkField) == 1 then return {'closed', flat} end
if not open then return {'closed', flat} end
local codeHash = redis.call('GET', KEYS[2])
if not codeHash then return {'closed', flat} end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if checkField then redis.call('HSET', KEYS[1], checkField, f.code_version) end
return {'evaluate', redis.call('HGETALL', KEYS[1]), codeHash}
`;

/** ARGV: now, code version. Only the code that was checked, still pending and unexpired, approves. */
export const APPROVE = `${READ_RECORD}
if f.status == 'pending' and f.code_version == ARGV[2] and tonumber(f.expires_at) > now
  and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[1], 'status', 'approved', 'approved_at', ARGV[1])
  redis.call('DEL', KEYS[2])
  return {'approved', redis.call('HGETALL', KEYS[1])}
end
return {'refused', flat}
`;

/** ARGV: now, new code hash, cooldown ms, retention ms, pending key prefix of the app. */
export const REPLACE_CODE = `${READ_RECORD}
if not open then return {'closed', flat} end
if tonumber(f.send_count) >= tonumber(f.max_sends) then return {'max_sends', flat} end
local readyAt = tonumber(f.last_sent_at) + tonumber(ARGV[3])
if now < readyAt then return {'cooldown', flat, string.format('%d', readyAt - now)} end
local ttl = tonumber(f.ttl_ms)
redis.call('HINCRBY', KEYS[1], 'code_version', 1)
redis.call('HINCRBY', KEYS[1], 'send_count', 1)
redis.call('HSET', KEYS[1], 'last_sent_at', ARGV[1], 'expires_at', string.format('%d', now + ttl),
  'delivery_status', 'queued', 'delivery_route', '')
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl + tonumber(ARGV[4])))
redis.call('SET', KEYS[2], ARGV[2], 'PX', string.format('%d', ttl))
redis.call('PEXPIRE', ARGV[5] .. f.purpose .. ':' .. f.phone_hmac, string.format('%d', ttl))
return {'replaced', redis.call('HGETALL', KEYS[1])}
`;

/** ARGV: now. Cancelling a verification that is no longer open changes nothing. */
export const CANCEL = `${READ_RECORD}
if f.status == 'pending' and tonumber(f.expires_at) > now then
  redis.call('HSET', KEYS[1], 'status', 'canceled')
  redis.call('DEL', KEYS[2])
  return {'canceled', redis.call('HGETALL', KEYS[1])}
end
return {'unchanged', flat}
`;

/** ARGV: delivery status, route. HSET on a purged key would recreate it without a TTL; never do that. */
export const SET_DELIVERY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'delivery_status', ARGV[1], 'delivery_route', ARGV[2])
return 1
`;

/** ARGV: now, code version, code hash. Only the approval made at `now` for that version is undone. */
export const REVERT_APPROVAL = `${READ_RECORD}
if f.status ~= 'approved' or f.code_version ~= ARGV[2] or f.approved_at ~= ARGV[1] then return {'unchanged'} end
local ttl = tonumber(f.expires_at) - now
if ttl <= 0 then return {'unchanged'} end
redis.call('HSET', KEYS[1], 'status', 'pending', 'approved_at', '')
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
redis.call('SET', KEYS[2], ARGV[3], 'PX', string.format('%d', ttl))
return {'reverted'}
`;

/**
 * ARGV: check token. Gives back the attempt BEGIN_CHECK counted under the token, once, if the code
 * it was counted for is still the current one. A token not seen yet is marked withdrawn, so that a
 * check that reaches Redis later counts nothing. Safe whatever became of the check.
 */
export const WITHDRAW_CHECK = `
local checkField = 'check:' .. ARGV[1]
local counted = redis.call('HGET', KEYS[1], checkField)
if counted == 'withdrawn' then return 0 end
if not counted then
  if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], checkField, 'withdrawn') end
  return 0
end
redis.call('HSET', KEYS[1], checkField, 'withdrawn')
local flat = redis.call('HMGET', KEYS[1], 'code_version', 'attempts')
if flat[1] ~= counted or not flat[2] or tonumber(flat[2]) <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
return 1
`;

/** ARGV: code version. */
export const REFUND_ATTEMPT = `
local flat = redis.call('HMGET', KEYS[1], 'code_version', 'attempts')
if flat[1] ~= ARGV[1] or not flat[2] or tonumber(flat[2]) <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
return 1
`;
