/// The one Lua script behind every risk call (`RiskCounterLayout` has the design). Redis runs a
/// script atomically, so a create's writes and reads are one step: the values it reads include
/// it. Every key, number and bound is computed by `RiskCounterCall`; the script only carries them
/// out. ARGV:
///
///     "device", devices key, device digest, devices ttl ms, devices max
///     "decline", now ms, member, kept ms, max, D, D x set key
///     "observe", now ms, order key or "", order ttl ms, devices key or "", device digest,
///         user digest or "",
///         G, G x (rings key, ttl ms, slots, R, R x (offset, slots, current bucket, amount added)),
///         U, U x (users key, kept ms, max),
///         K, K x ("r", group 1-based, offset, slots, first bucket, last bucket)
///                or ("z", set key, oldest ms counted)
///
/// "device" and "decline" answer 0. "observe" answers an array: the device's newness (-1
/// unknown, 0 known, 1 new; read only), then one integer per read, in order. An observe whose
/// order key exists already (the order was counted) writes nothing and only reads. A rings key
/// whose length is not its slots x 16 bytes is read as empty (its name fixes its layout).
enum RiskCounterScript {
    static let source = """
        local at = 1
        local function take() local value = ARGV[at]; at = at + 1; return value end
        -- A member added to a capped set: past the cap the oldest leave (entries older than every
        -- window stay until then: ZCOUNT reads by time, and the key expires when idle).
        local function add(key, score, member, kept, max)
          if redis.call('ZADD', key, score, member) == 1 then
            local excess = redis.call('ZCARD', key) - max
            if excess > 0 then redis.call('ZREMRANGEBYRANK', key, 0, excess - 1) end
          end
          redis.call('PEXPIRE', key, kept)
        end
        local function doubles(count) return '<' .. string.rep('d', count) end
        local mode = take()
        if mode == 'device' then
          local devices, device, devicesTtl, devicesMax = take(), take(), take(), tonumber(take())
          if redis.call('SADD', devices, device) == 1 and redis.call('SCARD', devices) > devicesMax then
            redis.call('SREM', devices, device)
          end
          redis.call('PEXPIRE', devices, devicesTtl)
          return 0
        end
        local now = take()
        if mode == 'decline' then
          local member, kept, max = take(), take(), tonumber(take())
          for d = 1, tonumber(take()) do add(take(), now, member, kept, max) end
          return 0
        end
        local order, orderTtl = take(), take()
        local counted = true
        if order ~= '' then counted = redis.call('SET', order, '1', 'NX', 'PX', orderTtl) ~= false end
        local devices, device = take(), take()
        local deviceNew = -1
        if devices ~= '' then deviceNew = 1 - redis.call('SISMEMBER', devices, device) end
        local user = take()
        local groups = {}
        for g = 1, tonumber(take()) do
          local key, ttl, slots = take(), take(), tonumber(take())
          local raw = redis.call('GET', key)
          local values
          if raw and #raw == 16 * slots then
            values = { struct.unpack(doubles(2 * slots), raw) }
          else
            values = {}
            for i = 1, 2 * slots do values[i] = 0 end
          end
          for r = 1, tonumber(take()) do
            local offset, size, bucket, added = tonumber(take()), tonumber(take()), tonumber(take()), tonumber(take())
            if counted then
              local slot = 2 * (offset + bucket % size) + 1
              if values[slot] == bucket then
                values[slot + 1] = values[slot + 1] + added
              else
                values[slot], values[slot + 1] = bucket, added
              end
            end
          end
          if counted then redis.call('SET', key, struct.pack(doubles(2 * slots), unpack(values, 1, 2 * slots)), 'PX', ttl) end
          groups[g] = values
        end
        for u = 1, tonumber(take()) do
          local key, kept, max = take(), take(), tonumber(take())
          if counted then add(key, now, user, kept, max) end
        end
        local out = { deviceNew }
        for k = 1, tonumber(take()) do
          if take() == 'r' then
            local values = groups[tonumber(take())]
            local offset, size, first, last = tonumber(take()), tonumber(take()), tonumber(take()), tonumber(take())
            local total = 0
            for i = 2 * offset + 1, 2 * (offset + size), 2 do
              local bucket = values[i]
              if bucket >= first and bucket <= last then total = total + values[i + 1] end
            end
            out[#out + 1] = total
          else
            out[#out + 1] = redis.call('ZCOUNT', take(), take(), '+inf')
          end
        end
        return out
        """
}
