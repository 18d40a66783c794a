-- wrk's done() hook for tvc-loadgen-http: prints wrk's own totals and
-- latency distribution as one JSON line tagged TVC_WRK, which the wrapper
-- turns into the record.  wrk measures in microseconds; this converts to
-- nanoseconds so every record uses one unit.

local function ns(us)
   return math.floor(us * 1000 + 0.5)
end

done = function(summary, latency, requests)
   local e = summary.errors
   local errors = e.connect + e.read + e.write + e.status + e.timeout
   local parts = {
      string.format('"requests":%d', summary.requests),
      string.format('"bytes":%d', summary.bytes),
      string.format('"duration_ns":%d', ns(summary.duration)),
      string.format('"errors":%d', errors),
      string.format('"errors_connect":%d', e.connect),
      string.format('"errors_read":%d', e.read),
      string.format('"errors_write":%d', e.write),
      string.format('"errors_status":%d', e.status),
      string.format('"errors_timeout":%d', e.timeout),
   }
   local lat = {
      string.format('"count":%d', summary.requests),
      string.format('"mean":%d', ns(latency.mean)),
      string.format('"min":%d', ns(latency.min)),
      string.format('"max":%d', ns(latency.max)),
   }
   for _, p in ipairs({{"p50", 50}, {"p90", 90}, {"p99", 99},
                       {"p999", 99.9}, {"p9999", 99.99}}) do
      lat[#lat + 1] = string.format('"%s":%d', p[1],
                                    ns(latency:percentile(p[2])))
   end
   io.write(string.format('TVC_WRK {%s,"latency":{%s}}\n',
                          table.concat(parts, ","), table.concat(lat, ",")))
end
