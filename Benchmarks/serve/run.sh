#!/usr/bin/env bash
# kiln serve under load: wrk on loopback, single-image /generate requests (PNG encoding included),
# CONNECTIONS connections for SECONDS seconds against the int8 default model; prints wrk's
# requests/s and errors, and the server's resident memory every 5 s (flat = no leak).
#
#   Benchmarks/serve/run.sh [--connections 64] [--seconds 60] [--threads 2] [--url-path PATH]
# Needs wrk (apt-get install wrk); builds kiln in release.
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=64 seconds=60 threads=2 path="/generate?seed=1"
while [ $# -gt 0 ]; do
  case $1 in
    --connections) connections=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --threads) threads=$2; shift ;;
    --url-path) path=$2; shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option '$1'; see --help" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
swift build -c release --product kiln 2>&1 | tail -1
log=$(mktemp)
.build/release/kiln serve --port 0 > "$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q "serving" "$log" && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" | head -1)
[ -n "$port" ] || { cat "$log"; echo "the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port$path"
curl -sf -o /dev/null "$url" || { echo "GET $url failed" >&2; exit 1; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
echo "kiln serve (pid $server) on port $port: wrk -t$threads -c$connections -d${seconds}s $path"
echo "RSS before: $(rss) kB"
( for _ in $(seq $((seconds / 5))); do sleep 5; printf "%s " "$(rss)"; done; echo ) > "$log.rss" &
wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$url"
wait $! 2>/dev/null || true
echo "RSS every 5 s (kB): $(cat "$log.rss")"
echo "RSS after: $(rss) kB"
rm -f "$log.rss"
