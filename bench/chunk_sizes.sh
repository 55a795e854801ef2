#!/usr/bin/env bash
# What chunking costs: pushes the same generated image with `layerpush push --chunk-size C` for
# each C in CHUNKS (0 = one request per blob), and with skopeo as the reference, several runs
# each on fresh registry storage, and prints median wall and CPU seconds per setting with the
# ratio to skopeo. The default --chunk-size is chosen from this table.
#
#   bench/chunk_sizes.sh [RUNS=3]   (LAYERS, LAYER_SIZE, CHUNKS="0 4M 16M 64M" env vars adjust it)
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
source "$top/bench/lib.sh"
runs=${1:-3}
layers=${LAYERS:-8}
layer_size=${LAYER_SIZE:-64M}
chunks=${CHUNKS:-0 4M 16M 64M}
bin="$top/build/tools"
[ -x "$bin/layerpush" ] || "$top/tools/build"

work="$(mktemp -d /tmp/layerpush-bench.XXXXXX)"
trap 'bench_registry_stop; rm -rf "$work"' EXIT

# push_runs OUT CMD...: RUNS pushes of CMD (with REGISTRY set) on fresh storage each.
push_runs() {
  local out=$1 run
  shift
  : >"$out"
  for run in $(seq "$runs"); do
    bench_registry_start "$work/registry"
    export REGISTRY
    bench_forget_skopeo_cache
    bench_time "$out" "$@"
    bench_registry_stop
    rm -rf "$work/registry"
  done
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); image: $layers x $layer_size OCI; runs: $runs (medians)"
"$bin/layerpush-mkimage" --format oci --out "$work/image" --layers "$layers" --layer-size "$layer_size" \
  --gzip-layers --name bench/image:bench >/dev/null
# The registry's address is only known once it runs: each command reads it from REGISTRY.
push_runs "$work/skopeo" sh -c 'skopeo copy --dest-tls-verify=false --preserve-digests "oci:$0:bench" "docker://$REGISTRY/bench/image:1"' "$work/image"
skopeo_wall=$(bench_median "$work/skopeo" 1)
printf "%-22s %7.2fs %7.2f CPU-s\n" "skopeo" "$skopeo_wall" "$(bench_median "$work/skopeo" 2)"
for chunk in $chunks; do
  push_runs "$work/chunk-$chunk" sh -c '"$0" push -q --chunk-size "$1" "oci:$2:bench" "$REGISTRY/bench/image:1"' \
    "$bin/layerpush" "$chunk" "$work/image"
  wall=$(bench_median "$work/chunk-$chunk" 1)
  printf "%-22s %7.2fs %7.2f CPU-s  wall %.2fx skopeo\n" "layerpush --chunk-size $chunk" "$wall" \
    "$(bench_median "$work/chunk-$chunk" 2)" "$(awk -v a="$wall" -v b="$skopeo_wall" 'BEGIN {print a / b}')"
done
