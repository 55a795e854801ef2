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
      curl -fs "http://$REGISTRY/v2/" >/dev/null && return 0
      sleep 0.05
    done
    kill "$REGISTRY_PID" 2>/dev/null
    wait "$REGISTRY_PID" 2>/dev/null || true
  done
  echo "registry did not start: $(tail -5 "$dir/registry.log")" >&2
  return 1
}

bench_registry_stop() {
  kill "$REGISTRY_PID" 2>/dev/null || true  # already stopped after its run
  wait "$REGISTRY_PID" 2>/dev/null || true
}

# skopeo remembers where it has seen blobs and would mount them from earlier runs instead of
# uploading: the figures would lie.
bench_forget_skopeo_cache() {
  rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb \
        "${HOME:-/root}/.local/share/containers/cache/blob-info-cache-v1.boltdb"
}

# bench_time OUT CMD...: runs CMD, appends "wall cpu_seconds peak_rss_kib" to OUT.
bench_time() {
  local out=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$out.one" "$@" >/dev/null 2>"$out.err" || {
    echo "failed: $* ($(tail -3 "$out.err"))" >&2
    return 1
  }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$out.one" >>"$out"
}

# bench_median FILE COLUMN
bench_median() {
  awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}
