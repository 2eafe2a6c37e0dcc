-- wrk script for every HTTP measurement of bench/run.sh:
--   wrk -t T -c C -d S -s bench/wrk.lua URL -- METHOD T TOKENS PATH [PATH ...]
-- METHOD get: GET the paths in turn, with no Authorization header when TOKENS is "-"
--   (anonymous: answered from the response cache after the first hit) or with the first
--   token of the file TOKENS (a signed-in reader: the cache is bypassed).
-- METHOD pdf: as get, asking for Accept: application/pdf.
-- METHOD post: an observation to the paths in turn, each request with the next token of
--   the file TOKENS, so every citizen posts a few times only and stays under the hourly
--   limit. Thread i of T takes tokens i, i+T, i+2T, …: no token repeats before all are used.
-- At the end one line "WRK {json}" gives requests, duration, errors and latency percentiles.

local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("tid", counter)
	table.insert(threads, thread)
end

local method, paths, tokens, reqs
local n, t, nthreads = 0, 0, 1

local function read_lines(file)
	local out = {}
	for line in io.lines(file) do
		if #line > 0 then
			table.insert(out, line)
		end
	end
	return out
end

function init(args)
	method = args[1]
	nthreads = tonumber(args[2])
	paths = {}
	for i = 4, #args do
		table.insert(paths, args[i])
	end
	tokens = args[3] ~= "-" and read_lines(args[3]) or {}
	t = (tid or 1) - nthreads
	reqs = {}
	if method == "get" or method == "pdf" then
		local headers = {}
		if method == "pdf" then
			headers["Accept"] = "application/pdf"
		end
		if #tokens > 0 then
			headers["Authorization"] = "Bearer " .. tokens[1]
		end
		for i, p in ipairs(paths) do
			reqs[i] = wrk.format("GET", p, headers)
		end
	end
end

function request()
	n = n + 1
	local i = (n - 1) % #paths + 1
	if method ~= "post" then
		return reqs[i]
	end
	t = t + nthreads
	local token = tokens[(t - 1) % #tokens + 1]
	local body = string.format(
		'{"kind":"observation","body":"Observación de carga desde wrk, hilo %d, envío %d"}',
		tid or 1, n)
	return wrk.format("POST", paths[i], {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
	}, body)
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'WRK {"requests":%d,"duration_us":%d,"errors":%d,"non2xx":%d,' ..
		'"p50_us":%d,"p99_us":%d,"mean_us":%.1f}\n',
		summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
		e.status, math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
		latency.mean))
end
