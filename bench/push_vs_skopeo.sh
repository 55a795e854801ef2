#!/usr/bin/env bash
# Pushes the same generated image with `layerpush push` and with `skopeo copy` to the same kind of
# local registry, several runs each, every run on fresh registry storage with skopeo's blob-info
# cache removed, and prints wall seconds, client CPU seconds and peak RSS side by side.
#
#   bench/push_vs_skopeo.sh [RUNS=3]        (LAYERS, LAYER_SIZE, BIG_LAYER env vars adjust it)
#
# Scenarios: an OCI layout of LAYERS gzip layers of LAYER_SIZE (default 8 x 64M: about 0.5 GB),
# and, for memory, one layer of BIG_LAYER (default 2G; BIG_LAYER=0 skips it).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
source "$top/bench/lib.sh"
runs=${1:-3}
layers=${LAYERS:-8}
layer_size=${LAYER_SIZE:-64M}
big_layer=${BIG_LAYER:-2G}
bin="$top/build/tools"
[ -x "$bin/layerpush" ] || "$top/tools/build"

work="$(mktemp -d /tmp/layerpush-bench.XXXXXX)"
trap 'bench_registry_stop; rm -rf "$work"' EXIT

# run_scenario NAME IMAGE_DIR: prints one table row per client.
run_scenario() {
  local name=$1 image=$2 client
  for client in layerpush skopeo; do : >"$work/$name.$client"; done
  for run in $(seq "$runs"); do
    for client in layerpush skopeo; do
      bench_registry_start "$work/registry-$name-$client-$run"
      if [ "$client" = layerpush ]; then
        bench_time "$work/$name.$client" "$bin/layerpush" push -q "oci:$image:bench" "$REGISTRY/bench/${name,,}:1"
      else
        bench_forget_skopeo_cache
        bench_time "$work/$name.$client" skopeo copy --dest-tls-verify=false --preserve-digests \
          "oci:$image:bench" "docker://$REGISTRY/bench/${name,,}:1"
      fi
      bench_registry_stop
      rm -rf "$work/registry-$name-$client-$run"
    done
  done
  local bytes lw lc lr sw sc sr
  bytes=$(du -sb "$image/blobs" | cut -f1)
  lw=$(bench_median "$work/$name.layerpush" 1); lc=$(bench_median "$work/$name.layerpush" 2)
  lr=$(bench_median "$work/$name.layerpush" 3)
  sw=$(bench_median "$work/$name.skopeo" 1); sc=$(bench_median "$work/$name.skopeo" 2)
  sr=$(bench_median "$work/$name.skopeo" 3)
  awk -v n="$name" -v b="$bytes" -v lw="$lw" -v lc="$lc" -v lr="$lr" -v sw="$sw" -v sc="$sc" -v sr="$sr" 'BEGIN {
    gb = b / 1e9
    printf "%-10s %7.2f GB | layerpush %6.2fs %6.2f CPU-s (%4.2f s/GB) %7.1f MiB | skopeo %6.2fs %6.2f CPU-s (%4.2f s/GB) %7.1f MiB | wall %.2fx  cpu %.2fx  rss %.2fx\n",
      n, gb, lw, lc, lc / gb, lr / 1024, sw, sc, sc / gb, sr / 1024, lw / sw, lc / sc, lr / sr }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "clients: $("$bin/layerpush" --version), $(skopeo --version); registry: $(docker-registry --version | cut -d' ' -f2-); runs: $runs (medians)"
"$bin/layerpush-mkimage" --format oci --out "$work/image" --layers "$layers" --layer-size "$layer_size" \
  --gzip-layers --name bench/image:bench >/dev/null
run_scenario "oci-${layers}x$layer_size" "$work/image"
rm -rf "$work/image"
if [ "$big_layer" != 0 ]; then
  "$bin/layerpush-mkimage" --format oci --out "$work/big" --layers 1 --layer-size "$big_layer" \
    --gzip-layers --name bench/image:bench >/dev/null
  run_scenario "oci-1x$big_layer" "$work/big"
fi
echo "ratios are layerpush / skopeo: below 1 is better"
