-- wrk script of the load benchmark: the method and body come from the arguments after
-- `--`; `done` prints one machine-readable line.
init = function(args)
   wrk.method = args[1]
   if args[2] ~= nil and args[2] ~= "" then
      wrk.body = args[2]
      wrk.headers["Content-Type"] = "application/json"
   end
end

done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT rps=%.0f p50_us=%d p99_us=%d p999_us=%d max_us=%d requests=%d non2xx=%d timeouts=%d socket_errors=%d\n",
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
      summary.requests, e.status, e.timeout, e.connect + e.read + e.write))
end
