#!/usr/bin/env bash
# The performance targets of the issue, measured side by side with skopeo on this machine in one
# go, and judged: every section starts its own throw-away docker-registry (and fault proxy) on
# loopback, runs each client RUNS times through the same setup, and adds rows of medians to one
# final table (target, layerpush, skopeo, ratio layerpush/skopeo, goal, PASS/MISS).
#
#   bench/perf_targets.sh [RUNS]       (RUNS also from the environment; default 3)
#
#   ONLY=2,5        run only these sections (default 1,2,3,4,5,6)
#   SMALL=1         reduced sizes everywhere, to check that the script works (numbers mean little)
#   BUILD=DIR       build folder holding tools/layerpush* (default build; relative to the repo)
#   ARCHIVE_MB=N    uncompressed size of the section 2 archive (default 1024; SMALL: 96)
#   KEEP=1          keep the work folder (images, logs) instead of removing it at exit
#
# Sections (what each measures exactly is in the comment above its function):
#   1 cold push of a ~0.5 GB OCI layout: wall, client CPU per GB, peak RSS
#   2 cold push of a ~1 GB docker-archive of /usr files: wall and stored layer bytes, gzip and zstd
#   3 re-push of an unchanged image (OCI layout and docker-archive): wall
#   4 `layerpush bench` into the embedded sink against OpenSSL's one-core SHA-256 rate
#   5 push of 20 small layers through a proxy adding 50 ms per request: wall and request counts
#   6 cost growth with the number of images in one process (`layerpush sync` / `skopeo sync`)
set -Eeuo pipefail  # -E: the ERR trap below also names failures inside the section functions
top="$(cd "$(dirname "$0")/.." && pwd)"
source "$top/bench/lib.sh"
trap 'echo "perf_targets: line $LINENO failed: $BASH_COMMAND" >&2' ERR

runs=${1:-${RUNS:-3}}
only=${ONLY:-1,2,3,4,5,6}
small=${SMALL:-0}
build=${BUILD:-build}
case $build in /*) bin="$build/tools" ;; *) bin="$top/$build/tools" ;; esac
for tool in layerpush layerpush-mkimage layerpush-faultproxy; do
  [ -x "$bin/$tool" ] || { echo "perf_targets: no $bin/$tool; build first (BUILD=$build)" >&2; exit 2; }
done
lp="$bin/layerpush"
[[ $only =~ ^[1-6](,[1-6])*$ ]] || { echo "perf_targets: ONLY=$only: want section numbers 1 to 6, comma-separated" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "perf_targets: RUNS=$runs: want a positive number" >&2; exit 2; }

work="$(mktemp -d /tmp/layerpush-perf.XXXXXX)"
cleanup() {
  bench_stop_all
  if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'echo "perf_targets: stopped by a signal" >&2; exit 130' INT TERM  # the EXIT trap runs too
# layerpush's own state (upload journal, sync checkpoints) stays in the work folder. Its cache
# folder too: cold pushes get an empty one each, a re-push the one its first push filled.
export XDG_STATE_HOME="$work/state"
export XDG_CACHE_HOME="$work/cache-none"

selected() { [[ ",$only," == *",$1,"* ]]; }
small() { [ "$small" = 1 ]; }

# A fresh cache folder for layerpush (what a first push on a new machine sees).
fresh_cache() { mktemp -d "$work/cache.XXXXXX"; }

# --- the result table ---------------------------------------------------------------------
# Counts print whole, large figures with one decimal, small ones with three.
awk_num='function num(v) { return (v == int(v)) ? sprintf("%d", v) : (v >= 100) ? sprintf("%.1f", v) : sprintf("%.3f", v) }'
# result NAME LAYERPUSH SKOPEO GOAL: one row. GOAL is "ratio<=X", "ratio>=X" (layerpush/peer)
# or "lp<=X" (layerpush's own figure); the peer is skopeo except where the row says otherwise.
result() {
  local name=$1 l=$2 s=$3 goal=$4
  awk -v n="$name" -v l="$l" -v s="$s" -v g="$goal" 'BEGIN {
    ratio = (s > 0) ? l / s : 0
    split(g, p, /<=|>=/); op = (g ~ />=/) ? ">=" : "<="; lim = p[2] + 0
    v = (p[1] == "lp") ? l : ratio
    ok = (op == "<=") ? (v <= lim) : (v >= lim)
    what = (p[1] == "lp") ? "layerpush" : "ratio"
    printf "%-44s %10s %10s %7.3f  %-17s %s\n", n, num(l), num(s), ratio, what " " op " " lim, ok ? "PASS" : "MISS"
  }
  '"$awk_num" >>"$work/results"
}
# info NAME LAYERPUSH SKOPEO: a row without a goal (request counts and the like).
info() {
  awk -v n="$1" -v l="$2" -v s="$3" 'BEGIN {
    printf "%-44s %10s %10s %7.3f  %-17s %s\n", n, num(l), num(s), (s > 0) ? l / s : 0, "-", "info" }
    '"$awk_num" >>"$work/results"
}
med() { bench_median "$1" "$2"; }
# gb FILE_OR_DIR: decimal gigabytes.
gb_of() { du -sb "$1" | awk '{printf "%.4f", $1 / 1e9}'; }

# --- the images, made once per invocation and shared by the sections that need them ---------
oci_layers=8 oci_layer_size=64M
small && oci_layer_size=4M
# 8 layers of random bytes stored gzip-compressed (incompressible: what a build cache pushes).
oci_image() {
  if [ ! -d "$work/oci" ]; then
    "$bin/layerpush-mkimage" --format oci --out "$work/oci" --layers "$oci_layers" \
      --layer-size "$oci_layer_size" --gzip-layers --seed 1 --name bench/oci:bench >/dev/null
    sync  # as for the archive: no writeback behind the timed pushes
  fi
  echo "$work/oci"
}

archive_mb=${ARCHIVE_MB:-1024}
small && archive_mb=${ARCHIVE_MB:-96}
archive_layers=8
small && archive_layers=4
# A `docker save` archive (manifest.json, config with rootfs.diff_ids, one LAYERID/layer.tar per
# layer) of real files: the first ARCHIVE_MB of /usr/bin, /usr/include, /usr/share and /usr/lib
# in fixed shares (binaries, headers, docs and data, libraries: what base images hold), cut into
# equal layers in walk order. Deterministic tars (owner 0, mtime 0) so every run sees one image.
docker_archive() {
  local file="$work/usr.tar"
  if [ ! -f "$file" ]; then
    mkdir -p "$work/layers"
    python3 - "$work/layers" "$archive_mb" "$archive_layers" <<'PY'
import os, sys
out, total, layers = sys.argv[1], int(sys.argv[2]) * 2**20, int(sys.argv[3])
shares = [("/usr/bin", 0.15), ("/usr/include", 0.20), ("/usr/share", 0.30), ("/usr/lib", 0.35)]
files, taken = [], 0
for root, share in shares:
    budget, used = total * share, 0
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not (os.path.isfile(path) or os.path.islink(path)) or not os.access(path, os.R_OK):
                continue
            size = 0 if os.path.islink(path) else st.st_size
            if used + size > budget:
                continue
            files.append((path.lstrip("/"), size))
            used += size
        if used >= budget * 0.999:
            break
    taken += used
per_layer, layer, acc = taken / layers, 0, 0
lists = [open(f"{out}/{i}.list", "w") for i in range(layers)]
for path, size in files:
    if acc >= per_layer * (layer + 1) and layer < layers - 1:
        layer += 1
    lists[layer].write(path + "\n")
    acc += size
PY
    for ((i = 0; i < archive_layers; i++)); do
      tar -C / --no-recursion --owner=0 --group=0 --numeric-owner --mtime=@0 \
        -cf "$work/layers/$i.tar" -T "$work/layers/$i.list" 2>"$work/layers/$i.err" ||
        { echo "tar of layer $i failed: $(tail -2 "$work/layers/$i.err")" >&2; return 1; }
    done
    python3 - "$work/layers" "$archive_layers" "$file" <<'PY'
import hashlib, io, json, sys, tarfile
folder, layers, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
diff_ids = []
for i in range(layers):
    h = hashlib.sha256()
    with open(f"{folder}/{i}.tar", "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    diff_ids.append(h.hexdigest())
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Env": ["PATH=/usr/bin"], "Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
    "history": [{"created_by": f"layer {i} of /usr"} for i in range(layers)],
}, separators=(",", ":")).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": ["bench/usr:1"],
                        "Layers": [f"{d}/layer.tar" for d in diff_ids]}]).encode()
repositories = json.dumps({"bench/usr": {"1": diff_ids[-1]}}).encode()
with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
    def put(name, data):
        info = tarfile.TarInfo(name); info.size = len(data); tar.addfile(info, io.BytesIO(data))
    for i, d in enumerate(diff_ids):
        tar.add(f"{folder}/{i}.tar", arcname=f"{d}/layer.tar")
    put(config_name, config)
    put("manifest.json", manifest)
    put("repositories", repositories)
PY
    rm -rf "$work/layers"
    # Written out now, not while the first timed pushes read it (that cost them up to 0.6 s).
    sync
    # layerpush's digest cache ignores files changed in the last 100 ms (engine/transfer/digest_cache.h):
    # a re-push measured straight after the archive is made would otherwise start cold.
    sleep 1
  fi
  echo "$file"
}

# skopeo reaches the plain-HTTP loopback registry with TLS verification off, as its docs say.
skopeo_copy=(skopeo copy --dest-tls-verify=false)

# --- 1: cold push of an OCI layout ----------------------------------------------------------
# Wall, CPU (user+sys) and peak RSS of `layerpush push oci:DIR` and `skopeo copy oci:DIR` into an
# empty registry (a new one per push, skopeo's blob-info cache and layerpush's cache emptied).
section1() {
  local img gb run
  img=$(oci_image)
  gb=$(gb_of "$img/blobs")
  echo "== 1: cold push, OCI layout $oci_layers x $oci_layer_size gzip-stored random ($gb GB)"
  : >"$work/s1.lp"; : >"$work/s1.sk"
  for run in $(seq "$runs"); do
    bench_registry_start "$work/reg"
    XDG_CACHE_HOME=$(fresh_cache) bench_time "$work/s1.lp" "$lp" push -q "oci:$img:bench" "$REGISTRY/s1/oci:1"
    bench_registry_stop; rm -rf "$work/reg"
    bench_registry_start "$work/reg"
    bench_forget_skopeo_cache
    bench_time "$work/s1.sk" "${skopeo_copy[@]}" --preserve-digests "oci:$img:bench" "docker://$REGISTRY/s1/oci:1"
    bench_registry_stop; rm -rf "$work/reg"
  done
  paste "$work/s1.lp" "$work/s1.sk" | awk '{printf "   run %d: layerpush %6.2fs %6.2f CPU-s %7.1f MiB | skopeo %6.2fs %6.2f CPU-s %7.1f MiB\n", NR, $1, $2, $3/1024, $4, $5, $6/1024}'
  result "1 OCI push wall (s)" "$(med "$work/s1.lp" 1)" "$(med "$work/s1.sk" 1)" "ratio<=0.8"
  result "1 OCI push client CPU (s per GB)" "$(awk -v c="$(med "$work/s1.lp" 2)" -v g="$gb" 'BEGIN {print c / g}')" \
    "$(awk -v c="$(med "$work/s1.sk" 2)" -v g="$gb" 'BEGIN {print c / g}')" "lp<=1.0"
  result "1 OCI push peak RSS (MiB)" "$(awk -v r="$(med "$work/s1.lp" 3)" 'BEGIN {print r / 1024}')" \
    "$(awk -v r="$(med "$work/s1.sk" 3)" 'BEGIN {print r / 1024}')" "ratio<=1.0"
}

# --- 2: cold push of a docker-archive of compressible files ---------------------------------
# `layerpush push docker-archive:FILE` (defaults: gzip), `layerpush push --compress zstd` and
# `skopeo copy docker-archive:FILE` (gzip, Go's default level) into an empty registry: wall time,
# and the compressed size, i.e. the sum of the layer sizes in the manifest the registry returns.
section2() {
  local archive run mode
  echo "== 2: cold push, docker-archive of /usr files (building it once: $archive_layers layers, $archive_mb MiB)"
  archive=$(docker_archive)
  echo "   archive: $(gb_of "$archive") GB uncompressed"
  for mode in gzip zstd sk; do : >"$work/s2.$mode"; : >"$work/s2.$mode.bytes"; done
  for run in $(seq "$runs"); do
    for mode in gzip zstd sk; do
      bench_registry_start "$work/reg"
      case $mode in
        gzip) XDG_CACHE_HOME=$(fresh_cache) bench_time "$work/s2.$mode" "$lp" push -q "docker-archive:$archive" "$REGISTRY/s2/usr:1" ;;
        zstd) XDG_CACHE_HOME=$(fresh_cache) bench_time "$work/s2.$mode" "$lp" push -q --compress zstd "docker-archive:$archive" "$REGISTRY/s2/usr:1" ;;
        sk) bench_forget_skopeo_cache
            bench_time "$work/s2.$mode" "${skopeo_copy[@]}" "docker-archive:$archive" "docker://$REGISTRY/s2/usr:1" ;;
      esac
      bench_layer_bytes "$REGISTRY" s2/usr 1 >>"$work/s2.$mode.bytes"
      bench_registry_stop; rm -rf "$work/reg"
    done
  done
  local raw
  raw=$(du -sb "$archive" | cut -f1)
  for mode in gzip zstd sk; do
    paste "$work/s2.$mode" "$work/s2.$mode.bytes" | awk -v m="$mode" -v raw="$raw" \
      '{printf "   run %d %-5s %6.2fs %6.2f CPU-s %7.1f MiB  layers %.1f MB (%.3f of the archive)\n", NR, m, $1, $2, $3/1024, $4/1e6, $4/raw}'
  done
  result "2 archive push gzip wall (s)" "$(med "$work/s2.gzip" 1)" "$(med "$work/s2.sk" 1)" "ratio<=0.35"
  result "2 archive push gzip layer bytes (MB)" "$(awk -v b="$(med "$work/s2.gzip.bytes" 1)" 'BEGIN {print b / 1e6}')" \
    "$(awk -v b="$(med "$work/s2.sk.bytes" 1)" 'BEGIN {print b / 1e6}')" "ratio<=1.15"
  result "2 archive push --compress zstd wall (s)" "$(med "$work/s2.zstd" 1)" "$(med "$work/s2.sk" 1)" "ratio<=0.35"
  result "2 archive push zstd layer bytes (MB)" "$(awk -v b="$(med "$work/s2.zstd.bytes" 1)" 'BEGIN {print b / 1e6}')" \
    "$(awk -v b="$(med "$work/s2.sk.bytes" 1)" 'BEGIN {print b / 1e6}')" "ratio<=0.95"
}

# --- 3: re-push of an unchanged image --------------------------------------------------------
# Into a new registry: a first push (not timed; it fills the registry and each client's caches:
# skopeo's blob-info cache, layerpush's under XDG_CACHE_HOME), then the same command again,
# timed. Default settings both; nothing has to be sent.
section3() {
  local kind src run cache sk_opts
  echo "== 3: re-push of an unchanged image"
  for kind in oci archive; do
    # As in sections 1 and 2: skopeo keeps an OCI layout's compressed layers byte for byte.
    if [ "$kind" = oci ]; then src="oci:$(oci_image):bench" sk_opts=(--preserve-digests)
    else src="docker-archive:$(docker_archive)" sk_opts=(); fi
    : >"$work/s3.$kind.lp"; : >"$work/s3.$kind.sk"
    for run in $(seq "$runs"); do
      bench_registry_start "$work/reg"
      cache=$(fresh_cache)
      XDG_CACHE_HOME=$cache "$lp" push -q "$src" "$REGISTRY/s3/$kind:1" >/dev/null 2>>"$work/s3.warm.err"
      XDG_CACHE_HOME=$cache bench_time "$work/s3.$kind.lp" "$lp" push -q "$src" "$REGISTRY/s3/$kind:1"
      bench_registry_stop; rm -rf "$work/reg"
      bench_registry_start "$work/reg"
      bench_forget_skopeo_cache
      "${skopeo_copy[@]}" "${sk_opts[@]}" "$src" "docker://$REGISTRY/s3/$kind:1" >/dev/null 2>>"$work/s3.warm.err"
      bench_time "$work/s3.$kind.sk" "${skopeo_copy[@]}" "${sk_opts[@]}" "$src" "docker://$REGISTRY/s3/$kind:1"
      bench_registry_stop; rm -rf "$work/reg"
    done
    paste "$work/s3.$kind.lp" "$work/s3.$kind.sk" | awk -v k="$kind" '{printf "   run %d %-7s re-push: layerpush %6.3fs %6.2f CPU-s | skopeo %6.3fs %6.2f CPU-s\n", NR, k, $1, $2, $4, $5}'
  done
  result "3 OCI re-push wall (s)" "$(med "$work/s3.oci.lp" 1)" "$(med "$work/s3.oci.sk" 1)" "ratio<=0.5"
  result "3 archive re-push wall (s)" "$(med "$work/s3.archive.lp" 1)" "$(med "$work/s3.archive.sk" 1)" "ratio<=0.5"
}

# --- 4: the client's ceiling against SHA-256 ---------------------------------------------------
# `layerpush bench` into its in-process sink (no disk, no registry): the best throughput over a
# jobs sweep of a few large synthetic blobs, against `openssl speed` SHA-256 on one core over
# 16 KiB buffers, taken just before in the same run (decimal MB/s both). The peer column of this
# row is OpenSSL, not skopeo.
section4() {
  local blobs=${BENCH_BLOBS:-4} size=${BENCH_BLOB_SIZE:-256M} jobs=${BENCH_JOBS:-1,2,4} run jobs_best cpu_gb sweep
  small && size=${BENCH_BLOB_SIZE:-32M}
  echo "== 4: layerpush bench --blobs $blobs --blob-size $size --jobs $jobs --json (embedded sink) vs openssl speed -evp sha256"
  : >"$work/s4.lp"; : >"$work/s4.ssl"
  for run in $(seq "$runs"); do
    openssl speed -mr -seconds 2 -bytes 16384 -evp sha256 2>/dev/null |
      awk -F: '/^\+F:/ {printf "%.1f\n", $4 / 1e6}' >>"$work/s4.ssl"
    "$lp" bench --blobs "$blobs" --blob-size "$size" --jobs "$jobs" --json >"$work/s4.json.$run" 2>"$work/s4.err"
    python3 - "$work/s4.json.$run" >>"$work/s4.lp" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip().startswith("{")]
best = max(rows, key=lambda r: r["throughput_mb_per_s"])
# best MB/s, then for the report: its jobs, the client's CPU seconds per GB, every setting's MB/s
print(best["throughput_mb_per_s"], best["jobs"], round(best["cpu_seconds"] / best["bytes"] * 1e9, 2),
      " ".join(f'j{r["jobs"]}={r["throughput_mb_per_s"]:.0f}' for r in rows))
PY
    read -r _ jobs_best cpu_gb sweep <<<"$(tail -1 "$work/s4.lp")"
    echo "   run $run: openssl sha256 $(tail -1 "$work/s4.ssl") MB/s; layerpush bench MB/s by jobs: $sweep (best: jobs $jobs_best, client $cpu_gb CPU-s/GB)"
  done
  result "4 sink throughput (MB/s; peer: openssl)" "$(med "$work/s4.lp" 1)" "$(med "$work/s4.ssl" 1)" "ratio>=0.9"
}

# --- 5: round trips -------------------------------------------------------------------------
# An image of 20 layers of 0.5 MiB pushed through layerpush-faultproxy adding 50 ms before every
# request, into a new registry per client and run: the cold push, then the same push again
# (everything there), timed; and the requests each made, from the proxy's request log.
section5() {
  local img run client rtt=${LATENCY_MS:-50}
  echo "== 5: 20 x 512K OCI layout through a proxy adding $rtt ms per request"
  if [ ! -d "$work/small20" ]; then
    "$bin/layerpush-mkimage" --format oci --out "$work/small20" --layers 20 --layer-size 512K \
      --gzip-layers --seed 5 --name bench/small:bench >/dev/null
  fi
  img="$work/small20"
  for client in lp sk; do : >"$work/s5.cold.$client"; : >"$work/s5.again.$client"; : >"$work/s5.req.$client"; done
  for run in $(seq "$runs"); do
    for client in lp sk; do
      bench_registry_start "$work/reg"
      bench_proxy_start "$bin/layerpush-faultproxy" "$REGISTRY" "$work/proxy" "$rtt"
      local cache before after phase
      cache=$(fresh_cache)
      [ "$client" = sk ] && bench_forget_skopeo_cache
      for phase in cold again; do
        before=$(wc -l <"$work/proxy/requests.log" 2>/dev/null || echo 0)
        if [ "$client" = lp ]; then
          XDG_CACHE_HOME=$cache bench_time "$work/s5.$phase.lp" "$lp" push -q "oci:$img:bench" "$PROXY/s5/small:1"
        else
          bench_time "$work/s5.$phase.sk" "${skopeo_copy[@]}" --preserve-digests "oci:$img:bench" "docker://$PROXY/s5/small:1"
        fi
        after=$(wc -l <"$work/proxy/requests.log")
        echo -n "$((after - before)) " >>"$work/s5.req.$client"
        # What each client asked, by method and status, for the report (first run only).
        if [ "$run" = 1 ]; then
          echo "   $client $phase requests: $(tail -n +$((before + 1)) "$work/proxy/requests.log" |
            jq -r '"\(.method) \(.status)"' | sort | uniq -c | awk '{printf "%s%s %s x%s", (NR > 1 ? ", " : ""), $2, $3, $1}')"
        fi
      done
      echo >>"$work/s5.req.$client"
      bench_proxy_stop
      bench_registry_stop; rm -rf "$work/reg" "$work/proxy"
    done
  done
  paste "$work/s5.cold.lp" "$work/s5.again.lp" "$work/s5.cold.sk" "$work/s5.again.sk" | awk '{printf "   run %d: layerpush cold %6.3fs re-push %6.3fs | skopeo cold %6.3fs re-push %6.3fs\n", NR, $1, $4, $7, $10}'
  paste -d' ' "$work/s5.req.lp" "$work/s5.req.sk" | awk '{printf "   run %d requests: layerpush cold %d re-push %d | skopeo cold %d re-push %d\n", NR, $1, $2, $3, $4}'
  result "5 cold push, ${rtt} ms/request proxy (s)" "$(med "$work/s5.cold.lp" 1)" "$(med "$work/s5.cold.sk" 1)" "ratio<=0.1"
  result "5 re-push, ${rtt} ms/request proxy (s)" "$(med "$work/s5.again.lp" 1)" "$(med "$work/s5.again.sk" 1)" "ratio<=0.1"
  info "5 requests per cold push" "$(med "$work/s5.req.lp" 1)" "$(med "$work/s5.req.sk" 1)"
  info "5 requests per re-push" "$(med "$work/s5.req.lp" 2)" "$(med "$work/s5.req.sk" 2)"
}

# --- 6: cost growth with the number of images ----------------------------------------------
# One process copying N = 1, 4, 16 images (4 layers of 8 MiB each, no blob shared, so the work
# is N times one image's) from a source registry into a new destination registry: `layerpush
# sync` and `skopeo sync --src yaml`, the only way either pushes many images in one process
# (`push` takes one image). Wall and peak RSS per N; growth = figure(16) / figure(1).
section6() {
  local size=8M n i run client
  small && size=1M
  echo "== 6: cost growth, sync of N images of 4 x $size (1 process each)"
  bench_registry_start "$work/source"
  local source=$REGISTRY source_pid=$REGISTRY_PID
  for i in $(seq 0 15); do
    "$bin/layerpush-mkimage" --format oci --out "$work/img6" --layers 4 --layer-size "$size" \
      --gzip-layers --seed $((600 + i)) --name "s6/app$i:1" >/dev/null
    "$lp" push -q "oci:$work/img6" "$source/s6/app$i:1" >/dev/null
    rm -rf "$work/img6"
  done
  for n in 1 4 16; do
    { echo "target: DEST/mirror"; echo "images:"
      for i in $(seq 0 $((n - 1))); do printf '  - source: %s/s6/app%s\n    tags: ["1"]\n' "$source" "$i"; done
    } >"$work/s6.$n.tmpl"
    { echo "$source:"; echo "  tls-verify: false"; echo "  images:"
      for i in $(seq 0 $((n - 1))); do echo "    s6/app$i: [\"1\"]"; done
    } >"$work/s6.$n.skopeo.yaml"
    : >"$work/s6.$n.lp"; : >"$work/s6.$n.sk"
  done
  for run in $(seq "$runs"); do
    for n in 1 4 16; do
      bench_registry_start "$work/reg"
      sed "s|DEST|$REGISTRY|" "$work/s6.$n.tmpl" >"$work/s6.$n.yaml"
      XDG_CACHE_HOME=$(fresh_cache) bench_time "$work/s6.$n.lp" "$lp" sync -q "$work/s6.$n.yaml"
      bench_registry_stop; rm -rf "$work/reg"
      bench_registry_start "$work/reg"
      bench_forget_skopeo_cache
      bench_time "$work/s6.$n.sk" skopeo sync --src yaml --dest docker --preserve-digests \
        --dest-tls-verify=false "$work/s6.$n.skopeo.yaml" "$REGISTRY/mirror"
      bench_registry_stop; rm -rf "$work/reg"
    done
  done
  bench_stop "$source_pid"
  rm -rf "$work/source"
  printf "   %3s | %-30s | %-30s\n" N "layerpush wall, s/image, RSS" "skopeo wall, s/image, RSS"
  for n in 1 4 16; do
    awk -v n="$n" -v lw="$(med "$work/s6.$n.lp" 1)" -v lr="$(med "$work/s6.$n.lp" 3)" \
      -v sw="$(med "$work/s6.$n.sk" 1)" -v sr="$(med "$work/s6.$n.sk" 3)" 'BEGIN {
      printf "   %3d | %6.2fs %6.3fs %8.1f MiB | %6.2fs %6.3fs %8.1f MiB\n", n, lw, lw / n, lr / 1024, sw, sw / n, sr / 1024 }'
  done
  growth() { awk -v a="$(med "$work/s6.16.$1" "$2")" -v b="$(med "$work/s6.1.$1" "$2")" 'BEGIN {print a / b}'; }
  result "6 growth: wall(16)/wall(1)" "$(growth lp 1)" "$(growth sk 1)" "lp<=17.6"
  result "6 growth: peak RSS(16)/RSS(1)" "$(growth lp 3)" "$(growth sk 3)" "lp<=1.5"
}

bench_machine_header "$lp"
echo "build: $bin ($(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$top" diff --quiet 2>/dev/null || echo ', tree modified')); runs: $runs (medians); sections: $only$(small && echo '; SMALL sizes')"
: >"$work/results"
for s in 1 2 3 4 5 6; do
  selected "$s" && "section$s"
done
echo
printf "%-44s %10s %10s %7s  %-17s %s\n" target layerpush skopeo ratio goal verdict
cat "$work/results"
echo "ratio is layerpush / skopeo (section 4: / openssl); medians of $runs runs"
