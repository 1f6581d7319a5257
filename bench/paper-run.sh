#!/usr/bin/env bash
# One step of the paper-size experiments (docs/paper-runs.md): resume each run folder in turn, work until the time
# budget is spent, leave every folder resumable, say what is left; optionally pack the runs and copy their results.
# Run it again for the next step. Exit status: 0 when every run is complete (or at its --until stage), 75 when steps
# remain, anything else on an error.
set -uo pipefail
usage() {
  cat <<'EOF'
usage: bench/paper-run.sh [options] [EXPERIMENT ...]     (default: erp beta)
  EXPERIMENT         a shipped experiment's name (erp, beta) or an experiment file (*.json)
  --budget S         seconds this step may take, all runs together (default 540)
  --size SIZE        the experiments' budget (default paper)
  --runs DIR         where the run folders NAME-SIZE are (default runs)
  --until STAGE      stop each run after `dataset` or `training` (two-machine runs)
  --shard-size R     rows per dataset shard, the unit of resuming (default 1000; fixed when a dataset begins)
  --pack DIR         then pack each run into DIR/NAME-SIZE: all packs together at most 8 files of at most
                     16 MiB, 64 MiB in all (what a lent GPU machine hands back)
  --results DIR      then copy each complete run's result files into DIR/NAME-SIZE (docs/RESULTS.md)
  --device           first unpack .device/ (bench/device-pack.sh) on a bare GPU machine
  -- ARGS            more options for every `experiment` (--seed, --backend, --max-epochs, ...)
EOF
}
budget=540 size=paper runs=runs until="" shard=1000 pack="" results="" device=0
experiments=() extra=()
while [ $# -gt 0 ]; do
  case "$1" in
  --budget) budget=$2 && shift ;;
  --size) size=$2 && shift ;;
  --runs) runs=$2 && shift ;;
  --until) until=$2 && shift ;;
  --shard-size) shard=$2 && shift ;;
  --pack) pack=$2 && shift ;;
  --results) results=$2 && shift ;;
  --device) device=1 ;;
  -h | --help) usage && exit 0 ;;
  --) shift && extra=("$@") && break ;;
  -*) echo "error: unknown option $1" >&2 && usage >&2 && exit 2 ;;
  *) experiments+=("$1") ;;
  esac
  shift
done
[[ "$budget" =~ ^[0-9]+$ ]] || { echo "error: --budget must be whole seconds" >&2; exit 2; }
[ ${#experiments[@]} -gt 0 ] || experiments=(erp beta)
began=$SECONDS
cd "$(dirname "$0")/.."
if [ $device = 1 ]; then
  source bench/device-env.sh
  cli=(deno task cli)
else
  cli=(node_modules/.bin/deno task cli)
fi
mkdir -p "$runs"

# The run folder of an experiment (a name or a file) and the option that selects it.
folder() { local name=${1##*/}; echo "$runs/${name%.json}-$size"; }
selector() { if [[ "$1" == *.json ]]; then echo --config; else echo --name; fi; }

status=0
for exp in "${experiments[@]}"; do
  out=$(folder "$exp")
  left=$((budget - (SECONDS - began)))
  if [ $left -lt 10 ]; then
    echo "== $out: no time left in this step"
    status=75
    continue
  fi
  echo "== $out: a step of at most $left s"
  "${cli[@]}" experiment "$(selector "$exp")" "$exp" --size "$size" --out "$out" --time-budget "$left" \
    --shard-size "$shard" ${until:+--until "$until"} "${extra[@]}"
  rc=$?
  case $rc in
  0) ;;
  75) status=75 ;;
  *) echo "error: $out: the experiment failed (exit $rc); its folder stays as it is" >&2 && exit $rc ;;
  esac
done

if [ -n "$pack" ]; then
  files=$((8 / ${#experiments[@]}))
  [ $files -ge 2 ] || { echo "error: --pack takes at most 4 experiments (8 files, 2 each at least)" >&2; exit 2; }
  # Parts share 64 MiB, pack.json files aside, at most 16 MiB each.
  part_mib=$(awk -v n=$((${#experiments[@]} * (files - 1))) 'BEGIN { m = 63 / n; print (m > 16 ? 16 : m) }')
  mkdir -p "$pack"
  for exp in "${experiments[@]}"; do
    out=$(folder "$exp")
    [ -f "$out/experiment.json" ] || continue
    rm -rf "${pack:?}/${out##*/}"
    "${cli[@]}" pack "$out" --out "$pack/${out##*/}" --max-files $files --part-mib "$part_mib" || exit $?
  done
fi
if [ -n "$results" ]; then
  for exp in "${experiments[@]}"; do
    out=$(folder "$exp")
    grep -q '"status": "complete"' "$out/experiment.json" 2>/dev/null || continue
    rm -rf "${results:?}/${out##*/}"
    "${cli[@]}" pack "$out" --results --out "$results/${out##*/}" || exit $?
  done
fi
[ $status = 75 ] && echo "steps remain: run the same command again" || echo "every run is done"
exit $status
