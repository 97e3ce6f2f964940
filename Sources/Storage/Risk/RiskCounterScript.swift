/// The one Lua script behind every risk call (`RiskCounterLayout` has the design). Redis runs a
/// script atomically, so a create's writes and reads are one step: the values it reads include
/// it. ARGV, built by `RiskCounterCall`:
///
///     mode "device": devices key, device digest, devices ttl ms, devices max (the whole call);
///     mode ("observe" | "decline"), [observe only:] amount, order key or "", order ttl ms,
///     W, then W x (width ms, bucket, ttl ms),
///     S, then S x (subject key prefix, [user digest or "" if observe]),
///     [observe only:] devices key or "", device digest, devices ttl ms, devices max,
///     R, then R x (subject index 1-based, measure code, width ms, first bucket, last bucket)
///
/// It answers 0 for a decline and a device, and for an observe an array: the device's newness
/// (-1 unknown, 0 known, 1 new; read only), then one integer per read, in order. An observe whose
/// order key exists already (the order was counted) writes nothing and only reads. Keys are built inside the script from
/// the prefixes (a single server, not a cluster: the keys need not be declared up front).
enum RiskCounterScript {
    static let source = """
        local at = 1
        local function take() local value = ARGV[at]; at = at + 1; return value end
        local mode = take()
        if mode == 'device' then
          local devices, device, devicesTtl, devicesMax = take(), take(), take(), tonumber(take())
          if redis.call('SADD', devices, device) == 1 and redis.call('SCARD', devices) > devicesMax then
            redis.call('SREM', devices, device)
          end
          redis.call('PEXPIRE', devices, devicesTtl)
          return 0
        end
        local amount = nil
        local counted = true
        if mode == 'observe' then
          amount = take()
          local order, orderTtl = take(), take()
          if order ~= '' then counted = redis.call('SET', order, '1', 'NX', 'PX', orderTtl) ~= false end
        end
        local widths = {}
        for w = 1, tonumber(take()) do widths[w] = { take(), take(), take() } end
        local function fresh(key, result, first, ttl)
          if result == first then redis.call('PEXPIRE', key, ttl) end
        end
        local prefixes = {}
        for s = 1, tonumber(take()) do
          local prefix = take()
          local user = ''
          if mode == 'observe' then user = take() end
          prefixes[s] = prefix
          for _, w in ipairs(widths) do
            local suffix = ':' .. w[1] .. ':' .. w[2]
            if mode == 'decline' then
              local d = prefix .. ':d' .. suffix
              fresh(d, redis.call('INCR', d), 1, w[3])
            elseif counted then
              local c = prefix .. ':c' .. suffix
              fresh(c, redis.call('INCR', c), 1, w[3])
              local s = prefix .. ':s' .. suffix
              fresh(s, redis.call('INCRBY', s, amount), tonumber(amount), w[3])
              if user ~= '' then
                local u = prefix .. ':u' .. suffix
                fresh(u, redis.call('PFADD', u, user), 1, w[3])
              end
            end
          end
        end
        if mode == 'decline' then return 0 end
        local devices, device, devicesTtl, devicesMax = take(), take(), take(), tonumber(take())
        local deviceNew = -1
        if devices ~= '' then deviceNew = 1 - redis.call('SISMEMBER', devices, device) end
        local out = { deviceNew }
        for r = 1, tonumber(take()) do
          local prefix, measure, width = prefixes[tonumber(take())], take(), take()
          local first, last = tonumber(take()), tonumber(take())
          local keys = {}
          for b = first, last do keys[#keys + 1] = prefix .. ':' .. measure .. ':' .. width .. ':' .. string.format('%d', b) end
          if measure == 'u' then
            out[#out + 1] = redis.call('PFCOUNT', unpack(keys))
          else
            local total = 0
            for _, value in ipairs(redis.call('MGET', unpack(keys))) do
              if value then total = total + tonumber(value) end
            end
            out[#out + 1] = total
          end
        end
        return out
        """
}
