# Shared helpers for the side-by-side benchmark scripts: a throw-away docker-registry on a free
# loopback port, and timing a command's wall time, CPU time and peak RSS with GNU time.

bench_free_port() {
  local port
  for _ in $(seq 50); do
    port=$(shuf -i 20000-60000 -n 1)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "no free port found" >&2
  return 1
}

# Every registry and proxy started here, for bench_stop_all in a script's exit trap.
BENCH_PIDS=()

# bench_registry_start DIR: starts a registry storing into DIR/data; sets REGISTRY_PID, REGISTRY.
# Tries a few ports: another process may take the one we picked before the registry binds it.
bench_registry_start() {
  local dir=$1 port attempt
  mkdir -p "$dir"
  for attempt in 1 2 3 4 5; do
    port=$(bench_free_port)
    cat >"$dir/registry.yml" <<YAML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $dir/data}
  delete: {enabled: true}
  maintenance: {uploadpurging: {enabled: false}}
http: {addr: 127.0.0.1:$port, secret: bench}
YAML
    docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
    REGISTRY_PID=$!
    REGISTRY=127.0.0.1:$port
    for _ in $(seq 100); do
      kill -0 "$REGISTRY_PID" 2>/dev/null || break
      if curl -fs "http://$REGISTRY/v2/" >/dev/null; then
        BENCH_PIDS+=("$REGISTRY_PID")
        return 0
      fi
      sleep 0.05
    done
    kill "$REGISTRY_PID" 2>/dev/null || true  # it may have died already (port taken)
    wait "$REGISTRY_PID" 2>/dev/null || true
  done
  echo "registry did not start: $(tail -5 "$dir/registry.log")" >&2
  return 1
}

# bench_stop PID: stops a server started here and waits for it; one already stopped is fine.
bench_stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

bench_registry_stop() { bench_stop "$REGISTRY_PID"; }

# skopeo remembers where it has seen blobs and would mount them from earlier runs instead of
# uploading: the figures would lie.
bench_forget_skopeo_cache() {
  rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb \
        "${HOME:-/root}/.local/share/containers/cache/blob-info-cache-v1.boltdb"
}

# bench_time OUT CMD...: runs CMD, appends "wall_seconds cpu_seconds peak_rss_kib" to OUT.
bench_time() {
  local out=$1 start
  shift
  # Wall time from the shell's microsecond clock: GNU time's %e has 10 ms steps, too coarse for
  # re-pushes that take a few tens of milliseconds.
  start=$EPOCHREALTIME
  /usr/bin/time -f "%e %U %S %M" -o "$out.one" "$@" >/dev/null 2>"$out.err" || {
    # GNU time writes "Command terminated by signal 11" (or the exit status) above the figures.
    echo "failed: $* ($(grep -m1 '^Command' "$out.one"); $(tail -3 "$out.err"))" >&2
    return 1
  }
  awk -v w="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')" \
    '{printf "%.3f %.2f %s\n", w, $2 + $3, $4}' "$out.one" >>"$out"
}

# bench_median FILE COLUMN
bench_median() {
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

# bench_stop_all: stops every registry and proxy the bench_*_start helpers started (for an exit
# trap: a failed run must not leave servers behind). Stopped ones are skipped quietly.
bench_stop_all() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do bench_stop "$pid"; done
}

# bench_proxy_start FAULTPROXY UPSTREAM DIR LATENCY_MS: starts layerpush-faultproxy on a free
# loopback port in front of UPSTREAM, with no fault rules, LATENCY_MS before every request and
# its request log (one JSON line per request) in DIR/requests.log; sets PROXY_PID, PROXY.
bench_proxy_start() {
  local faultproxy=$1 upstream=$2 dir=$3 latency=$4
  mkdir -p "$dir"
  echo '[]' >"$dir/rules.json"
  rm -f "$dir/port"
  "$faultproxy" --upstream "$upstream" --listen 127.0.0.1:0 --rules "$dir/rules.json" \
    --log "$dir/requests.log" --port-file "$dir/port" --latency-ms "$latency" >"$dir/proxy.out" 2>&1 &
  PROXY_PID=$!
  BENCH_PIDS+=("$PROXY_PID")
  for _ in $(seq 100); do
    if [ -s "$dir/port" ]; then
      PROXY=127.0.0.1:$(cut -d' ' -f1 "$dir/port")
      return 0
    fi
    kill -0 "$PROXY_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "proxy did not start: $(tail -5 "$dir/proxy.out")" >&2
  return 1
}

bench_proxy_stop() { bench_stop "$PROXY_PID"; }

# bench_layer_bytes REGISTRY REPO TAG: the sum of the layer blob sizes the pushed manifest lists
# (what the registry stores for the image's layers), Docker schema 2 or OCI.
bench_layer_bytes() {
  curl -fs "http://$1/v2/$2/manifests/$3" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' |
    python3 -c 'import json, sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))'
}

# bench_machine_header LAYERPUSH: one line naming the machine, one naming the versions.
bench_machine_header() {
  echo "machine: $(hostname), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "versions: $("$1" --version), $(skopeo --version), registry $(docker-registry --version | cut -d' ' -f3-), $(openssl version | cut -d' ' -f1-2)"
}
