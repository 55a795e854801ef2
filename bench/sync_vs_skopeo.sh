#!/usr/bin/env bash
# Copies between two local registries with layerpush and with skopeo, side by side, several runs
# each, every run into a fresh destination registry with skopeo's blob-info cache removed, and
# prints wall seconds, client CPU seconds and peak RSS with ratios:
#   copy:    one image of 8 layers of COPY_LAYER_SIZE, registry to registry (layerpush copy /
#            skopeo copy --preserve-digests)
#   sync:    an estate of REPOS repositories x 2 images (plus a `latest` tag each), each image a
#            base layer they all share and 2 layers of its own, all of LAYER_SIZE (layerpush sync
#            / skopeo sync --src yaml --preserve-digests)
#   re-sync: the same sync again into the now full destination (nothing to send)
#
#   bench/sync_vs_skopeo.sh [RUNS=3]     (REPOS=10, LAYER_SIZE=4M, COPY_LAYER_SIZE=16M)
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
source "$top/bench/lib.sh"
trap 'echo "bench: line $LINENO failed: $BASH_COMMAND" >&2' ERR
runs=${1:-3}
repos=${REPOS:-10}
copy_layer_size=${COPY_LAYER_SIZE:-16M}
layer_size=${LAYER_SIZE:-4M}
bin="$top/build/tools"
[ -x "$bin/layerpush" ] || "$top/tools/build"

work="$(mktemp -d /tmp/layerpush-bench.XXXXXX)"
trap 'bench_stop_all; rm -rf "$work"' EXIT  # both registries

# The source registry lives for the whole script; each run gets a fresh destination.
bench_registry_start "$work/source"
SOURCE=$REGISTRY
export XDG_STATE_HOME="$work/state"  # layerpush's checkpoints and upload journal

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "clients: $("$bin/layerpush" --version), $(skopeo --version); registry: $(docker-registry --version | cut -d' ' -f2-); runs: $runs (medians)"

# The estate: images built FROM one base, as most estates are.
for r in $(seq 0 $((repos - 1))); do
  for v in 1 2; do
    "$bin/layerpush-mkimage" --format oci --out "$work/img" --layers 3 --layer-size "$layer_size" \
      --seed $((100 + 10 * r + v)) --base-seed 7 --gzip-layers --name "estate/app$r:v$v" >/dev/null
    "$bin/layerpush" push -q "oci:$work/img" "$SOURCE/estate/app$r:v$v" >/dev/null
  done
  "$bin/layerpush" tag "$SOURCE/estate/app$r:v2" latest >/dev/null
done
rm -rf "$work/img"
"$bin/layerpush-mkimage" --format oci --out "$work/one" --layers 8 --layer-size "$copy_layer_size" \
  --gzip-layers --name bench/one:1 >/dev/null
"$bin/layerpush" push -q "oci:$work/one" "$SOURCE/bench/one:1" >/dev/null
rm -rf "$work/one"
bytes_one=$(curl -s "http://$SOURCE/v2/bench/one/manifests/1" -H 'Accept: application/vnd.oci.image.manifest.v1+json' |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(l["size"] for l in m["layers"]) + m["config"]["size"])')

{
  echo "target: DEST/mirror"
  echo "images:"
  for r in $(seq 0 $((repos - 1))); do printf '  - source: %s/estate/app%s\n    all-tags: true\n' "$SOURCE" "$r"; done
} >"$work/layerpush.tmpl"
{
  echo "$SOURCE:"
  echo "  tls-verify: false"
  echo "  images:"
  for r in $(seq 0 $((repos - 1))); do echo "    estate/app$r: []"; done
} >"$work/skopeo.yaml"

for scenario in copy sync resync; do for client in layerpush skopeo; do : >"$work/$scenario.$client"; done; done
for run in $(seq "$runs"); do
  for client in layerpush skopeo; do
    bench_registry_start "$work/dest-$client-$run"
    bench_forget_skopeo_cache
    if [ "$client" = layerpush ]; then
      sed "s|DEST|$REGISTRY|" "$work/layerpush.tmpl" >"$work/layerpush.yaml"
      bench_time "$work/copy.$client" "$bin/layerpush" copy -q "docker://$SOURCE/bench/one:1" "docker://$REGISTRY/bench/one:1"
      bench_time "$work/sync.$client" "$bin/layerpush" sync -q "$work/layerpush.yaml"
      bench_time "$work/resync.$client" "$bin/layerpush" sync -q "$work/layerpush.yaml"
    else
      bench_time "$work/copy.$client" skopeo copy --preserve-digests --src-tls-verify=false --dest-tls-verify=false \
        "docker://$SOURCE/bench/one:1" "docker://$REGISTRY/bench/one:1"
      bench_time "$work/sync.$client" skopeo sync --src yaml --dest docker --preserve-digests --dest-tls-verify=false \
        "$work/skopeo.yaml" "$REGISTRY/mirror"
      bench_time "$work/resync.$client" skopeo sync --src yaml --dest docker --preserve-digests --dest-tls-verify=false \
        "$work/skopeo.yaml" "$REGISTRY/mirror"
    fi
    bench_registry_stop
    rm -rf "$work/dest-$client-$run"
  done
done

row() {
  local name=$1 what=$2 lw lc lr sw sc sr
  lw=$(bench_median "$work/$name.layerpush" 1); lc=$(bench_median "$work/$name.layerpush" 2)
  lr=$(bench_median "$work/$name.layerpush" 3)
  sw=$(bench_median "$work/$name.skopeo" 1); sc=$(bench_median "$work/$name.skopeo" 2)
  sr=$(bench_median "$work/$name.skopeo" 3)
  awk -v n="$name" -v w="$what" -v lw="$lw" -v lc="$lc" -v lr="$lr" -v sw="$sw" -v sc="$sc" -v sr="$sr" 'BEGIN {
    printf "%-7s %-34s | layerpush %6.2fs %6.2f CPU-s %7.1f MiB | skopeo %6.2fs %6.2f CPU-s %7.1f MiB | wall %.2fx  cpu %.2fx  rss %.2fx\n",
      n, w, lw, lc, lr / 1024, sw, sc, sr / 1024, lw / sw, lc / sc, lr / sr }'
}
row copy "1 image, $(awk -v b="$bytes_one" 'BEGIN {printf "%.2f GB", b / 1e9}')"
row sync "$((repos * 3)) tags, $((repos * 2)) images, shared base"
row resync "the same, nothing to send"
echo "ratios are layerpush / skopeo: below 1 is better"
