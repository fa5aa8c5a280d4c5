#!/usr/bin/env bash
# End-to-end test of the Slurm workflow on this machine: a one-node Slurm cluster on
# localhost runs a sweep as an array job (one shard per task, examples/slurm/sweep.sbatch),
# `reentry merge` combines the parts, and the merged runs.csv / summary.csv must be
# byte-identical to the same sweep run locally in one process.
#
#   examples/slurm/test-local-cluster.sh [SHARDS]      (default 4; needs root for apt/daemons)
#
# Installs Debian's slurm-wlm and munge if missing. The cluster uses a private slurm.conf,
# state folder and ports (6917/6918) under a temporary folder, and the script stops the
# daemons it started when it exits. Environment: REENTRY (binary; default: build with cargo),
# KEEP=1 keeps the temporary folder.
set -euo pipefail

shards=${1:-4}
repo=$(cd "$(dirname "$0")/../.." && pwd)
sweep_file=$repo/sweeps/example.toml
small=(--population 200 --replications 2)

say() { printf '== %s\n' "$*" >&2; }

if [[ -z "${REENTRY:-}" ]]; then
    say "building reentry (release)"
    (cd "$repo" && cargo build --release --quiet)
    REENTRY=${CARGO_TARGET_DIR:-$repo/target}/release/reentry
fi
export REENTRY

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

work=$(mktemp -d /tmp/reentry-slurm.XXXXXX)
chmod 755 "$work"
started_pids=()
# A daemon that exited may linger as a zombie until init reaps it: that counts as gone.
alive() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
cleanup() {
    # Stop only the daemons this script started, by their pid, and wait until they are gone
    # (slurmctld saves its state on the way out).
    for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 100); do
        local running=0
        for pid in "${started_pids[@]}"; do alive "$pid" && running=1; done
        ((running)) || break
        sleep 0.1
    done
    if [[ "${KEEP:-0}" == 1 ]]; then say "kept $work"; else rm -rf "$work" || true; fi
}
trap cleanup EXIT

# --- munge: authentication between the Slurm daemons and commands ---
munge_socket=$work/munge/munge.socket
mkdir -p "$work/munge"
chown munge:munge "$work/munge"
if [[ ! -s /etc/munge/munge.key ]]; then
    say "creating a munge key"
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 600 /etc/munge/munge.key
fi
runuser -u munge -- /usr/sbin/munged --socket="$munge_socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
    --seed-file="$work/munge/munged.seed"
for _ in $(seq 50); do [[ -s $work/munge/munged.pid ]] && break; sleep 0.1; done
started_pids+=("$(cat "$work/munge/munged.pid")")

# --- Slurm: controller and one compute node, both this host ---
host=$(hostname)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=reentrytest
SlurmctldHost=$host
SlurmctldPort=6917
SlurmdPort=6918
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$munge_socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

say "starting slurmctld and slurmd ($host, $cpus CPUs)"
slurmctld -f "$SLURM_CONF"
for _ in $(seq 50); do [[ -s $work/slurmctld.pid ]] && break; sleep 0.1; done
started_pids+=("$(cat "$work/slurmctld.pid")")
slurmd -f "$SLURM_CONF"
for _ in $(seq 50); do [[ -s $work/slurmd.pid ]] && break; sleep 0.1; done
started_pids+=("$(cat "$work/slurmd.pid")")

for _ in $(seq 60); do
    state=$(sinfo -h -n "$host" -o %t 2>/dev/null || true)
    [[ $state == idle* || $state == mix* ]] && break
    sleep 1
done
if [[ $state != idle* && $state != mix* ]]; then
    say "node did not come up (state '$state'); logs:"
    tail -n 20 "$work/slurmctld.log" "$work/slurmd.log" >&2 || true
    exit 1
fi
sinfo >&2

# --- the sweep as an array job, then merge ---
out=$work/cluster
say "sbatch --wait --array=0-$((shards - 1)) examples/slurm/sweep.sbatch"
if ! sbatch --wait --array=0-$((shards - 1)) --chdir="$work" \
    "$repo/examples/slurm/sweep.sbatch" "$sweep_file" "$out" "${small[@]}" >&2; then
    say "array job failed; task logs:"
    tail -n 20 "$work"/slurm-reentry-sweep-*.out >&2 || true
    exit 1
fi
ls "$out/parts" >&2
"$REENTRY" merge "$out" >&2

# --- the same sweep in one local process, and the comparison ---
say "same sweep locally in one process"
"$REENTRY" sweep "$sweep_file" --out "$work/local" "${small[@]}" >&2
for f in points.csv runs.csv summary.csv; do
    if ! cmp "$out/$f" "$work/local/$f"; then
        say "FAIL: $f differs between the Slurm run and the local run"
        exit 1
    fi
done
rows=$(($(wc -l < "$out/runs.csv") - 1))
say "OK: $shards Slurm array tasks, merged runs.csv ($rows rows) and summary.csv byte-identical to the local run"
