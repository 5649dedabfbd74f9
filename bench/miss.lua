-- Cache-miss load for bench/run.py: every request its own URL.
-- wrk -s bench/miss.lua URL -- PATHS_FILE START THREADS
-- Thread k sends paths START+k, START+k+THREADS, START+k+2*THREADS, ... (wrapping around the
-- file), so the threads together walk the file in order and a URL comes back only after every
-- other URL of the file has been sent once.
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[3])
  index = tonumber(args[2]) + id
end

function request()
  local path = paths[(index % #paths) + 1]
  index = index + step
  return wrk.format(nil, path)
end
