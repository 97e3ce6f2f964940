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
///         K, K x (ring 1-based in the order listed, first bucket),
///         Z, Z x (set key, oldest ms counted)
///
/// "device" and "decline" answer 0. "observe" answers an array: the device's newness (-1
/// unknown, 0 known, 1 new; read only), then one integer per read, the K ring reads (each ring's
/// window ends at its current bucket) before the Z set reads. An observe whose
/// order key exists already (the order was counted) writes nothing and only reads. A rings key
/// whose length is not its slots x 16 bytes is read as empty (its name fixes its layout).
enum RiskCounterScript {
    static let source = """
        local a = ARGV
        -- A member added to a capped set: past the cap the oldest leave (entries older than every
        -- window stay until then: ZCOUNT reads by time, and the key expires when idle).
        local function add(key, score, member, kept, max)
          if redis.call('ZADD', key, score, member) == 1 then
            local excess = redis.call('ZCARD', key) - max
            if excess > 0 then redis.call('ZREMRANGEBYRANK', key, 0, excess - 1) end
          end
          redis.call('PEXPIRE', key, kept)
        end
        local mode = a[1]
        if mode == 'device' then
          if redis.call('SADD', a[2], a[3]) == 1 and redis.call('SCARD', a[2]) > tonumber(a[5]) then
            redis.call('SREM', a[2], a[3])
          end
          redis.call('PEXPIRE', a[2], a[4])
          return 0
        end
        local now = a[2]
        if mode == 'decline' then
          local member, kept, max = a[3], a[4], tonumber(a[5])
          for d = 7, 6 + tonumber(a[6]) do add(a[d], now, member, kept, max) end
          return 0
        end
        local counted = true
        if a[3] ~= '' then counted = redis.call('SET', a[3], '1', 'NX', 'PX', a[4]) ~= false end
        local deviceNew = -1
        if a[5] ~= '' then deviceNew = 1 - redis.call('SISMEMBER', a[5], a[6]) end
        local user = a[7]
        -- Each subject's rings: read whole, this create added to its slot of each, written whole.
        local rings = {}
        local at = 9
        for g = 1, tonumber(a[8]) do
          local key, ttl, slots = a[at], a[at + 1], tonumber(a[at + 2])
          local count = tonumber(a[at + 3])
          at = at + 4
          local format = '<' .. string.rep('d', 2 * slots)
          local raw = redis.call('GET', key)
          local values
          if raw and #raw == 16 * slots then
            values = { struct.unpack(format, raw) }
          else
            values = {}
            for i = 1, 2 * slots do values[i] = 0 end
          end
          for r = 1, count do
            local offset, size, bucket = tonumber(a[at]), tonumber(a[at + 1]), tonumber(a[at + 2])
            if counted then
              local slot = 2 * (offset + bucket % size) + 1
              if values[slot] == bucket then
                values[slot + 1] = values[slot + 1] + tonumber(a[at + 3])
              else
                values[slot], values[slot + 1] = bucket, tonumber(a[at + 3])
              end
            end
            rings[#rings + 1] = { values, 2 * offset + 1, 2 * (offset + size), bucket }
            at = at + 4
          end
          if counted then redis.call('SET', key, struct.pack(format, unpack(values, 1, 2 * slots)), 'PX', ttl) end
        end
        local users = tonumber(a[at])
        at = at + 1
        if counted then
          for u = at, at + 3 * (users - 1), 3 do add(a[u], now, user, a[u + 1], tonumber(a[u + 2])) end
        end
        at = at + 3 * users
        local out = { deviceNew }
        local ringReads = tonumber(a[at])
        at = at + 1
        for k = at, at + 2 * (ringReads - 1), 2 do
          local ring, first = rings[tonumber(a[k])], tonumber(a[k + 1])
          local values, last, total = ring[1], ring[4], 0
          for i = ring[2], ring[3], 2 do
            local bucket = values[i]
            if bucket >= first and bucket <= last then total = total + values[i + 1] end
          end
          out[#out + 1] = total
        end
        at = at + 2 * ringReads
        for k = at + 1, at + 2 * tonumber(a[at]), 2 do
          out[#out + 1] = redis.call('ZCOUNT', a[k], a[k + 1], '+inf')
        end
        return out
        """
}
