#!/bin/sh
# The speed of `reentry run` relative to a bare daily hazard loop doing the same citizen-days
# (examples/bare_loop.rs), measured side by side: the two run in turn, PAIRS times, and each
# pair gives a ratio (bare loop's wall time / reentry's: 1.0 means reentry does its
# citizen-days as fast as the bare loop). Alternating keeps the ratio fair on a machine whose
# speed drifts. Prints every pair and the median.
#
#   scripts/speed-ratio.sh                     # the shipped run, all cores, event engine
#   THREADS=1 scripts/speed-ratio.sh           # one thread for both
#   ENGINE=daily scripts/speed-ratio.sh        # the daily engine (the default of `run`)
#   PAIRS=9 SCENARIO=scenarios/through-care.toml scripts/speed-ratio.sh
#
# Environment: PAIRS (default 5), THREADS (0 = all cores), ENGINE (events, the default here, | daily),
# SCENARIO (default scenarios/fragmented.toml), REPS (replications, default 20), CITIZENS
# (default 2000: the cohort of the shipped scenarios, passed as --population).
set -eu
cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-5}
THREADS=${THREADS:-0}
ENGINE=${ENGINE:-events}
SCENARIO=${SCENARIO:-scenarios/fragmented.toml}
REPS=${REPS:-20}
CITIZENS=${CITIZENS:-2000}
DAYS=2190
cargo build --release --quiet --bin reentry --example bare_loop
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "$THREADS" -gt 0 ]; then RAYON_NUM_THREADS=$THREADS; export RAYON_NUM_THREADS; fi
now() { date +%s.%N; }
run_reentry() {
    target/release/reentry run "$SCENARIO" --out "$out/run" --force --threads "$THREADS" \
        --replications "$REPS" --population "$CITIZENS" --set "scenario.engine=\"$ENGINE\"" \
        >/dev/null
}
run_bare() { target/release/examples/bare_loop "$CITIZENS" "$DAYS" "$REPS" >/dev/null; }
# One warm-up of each, not counted.
run_reentry
run_bare
ratios=""
i=1
while [ "$i" -le "$PAIRS" ]; do
    t0=$(now); run_reentry; t1=$(now); run_bare; t2=$(now)
    r=$(echo "$t0 $t1 $t2" | awk '{ printf "%.3f", ($3 - $2) / ($2 - $1) }')
    echo "pair $i: reentry $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }') s, bare loop $(echo "$t1 $t2" | awk '{ printf "%.2f", $2 - $1 }') s, ratio $r"
    ratios="$ratios $r"
    i=$((i + 1))
done
median=$(echo "$ratios" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "engine $ENGINE, threads $THREADS ($(nproc) cores), load $(cut -d' ' -f1-3 /proc/loadavg): reentry at ${median}x the bare loop's citizen-days per second (median of $PAIRS pairs)"
