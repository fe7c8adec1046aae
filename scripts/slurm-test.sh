#!/usr/bin/env bash
# Integration test on a real Slurm cluster of one node (docs/scale-out.md): installs Debian's
# slurmctld, slurmd and munge if missing, starts munge and a single-node cluster whose
# configuration and state live in a temporary folder, submits deploy/slurm/shard.sbatch as a job
# array with `sbatch --wait`, runs deploy/slurm/merge.sbatch after it (afterok), and compares the
# merged report byte for byte with the unsharded command, for run, compare and sweep; then
# compare --precision in waves through deploy/slurm/submit.sh. Stops the daemons it started.
#
#   scripts/slurm-test.sh            (as root, on Debian; CCCM=path/to/cccm to test a given binary)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
say() { echo "slurm-test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root: it installs packages and starts munged, slurmctld and slurmd"

# --- cccm ---------------------------------------------------------------------------------------
if [ -z "${CCCM:-}" ]; then
  say "building cccm (release; up to date after scripts/check-install.sh)"
  swift build -c release --disable-local-rpath --product cccm >/dev/null || fail "swift build failed"
  CCCM="$(swift build -c release --disable-local-rpath --show-bin-path)/cccm"
fi
[ -x "$CCCM" ] || fail "no cccm binary at $CCCM"
export CCCM

# --- packages -----------------------------------------------------------------------------------
missing=()
for tool in munged:munge slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]}"
fi

# --- a cluster of one node, in a temporary folder -----------------------------------------------
work=$(mktemp -d /tmp/cccm-slurm-XXXXXX)
chmod 755 "$work"
mkdir -p "$work/state" "$work/spool" "$work/munge" "$work/out"
pids=()
cleanup() {
  local status=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ]; then timeout 10 scancel --quiet --user=root >/dev/null 2>&1 || true; fi
  # The daemons run in the foreground as this script's children: stop them (slurmd, slurmctld,
  # munged) by their process ids and reap them.
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in slurmctld.log slurmd.log munged.log; do
      [ -f "$work/$log" ] && { say "last lines of $log:"; tail -n 15 "$work/$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# munge: its own key and socket, so a munged already running is left alone.
key="$work/munge/munge.key"
dd if=/dev/urandom of="$key" bs=1 count=1024 2>/dev/null
chmod 400 "$key"
socket="$work/munge/munge.socket"
munged --force --foreground --key-file="$key" --socket="$socket" --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" \
  --seed-file="$work/munge/munge.seed" 2>>"$work/munged.log" &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || fail "munged's socket $socket did not appear within 5 s"

host=$(hostname)
cpus=$(nproc)
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=cccmtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
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
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=cccm Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

say "starting slurmctld and slurmd on $host ($cpus CPUs)"
slurmctld -D -f "$SLURM_CONF" 2>>"$work/slurmctld.log" &
pids+=($!)
up=no
for _ in $(seq 1 100); do scontrol ping 2>/dev/null | grep -q UP && { up=yes; break; }; sleep 0.2; done
[ "$up" = yes ] || fail "slurmctld does not answer after 20 s (port ${SLURMCTLD_PORT:-6817} taken? set SLURMCTLD_PORT and SLURMD_PORT)"
slurmd -D -f "$SLURM_CONF" 2>>"$work/slurmd.log" &
pids+=($!)
state=""
for _ in $(seq 1 120); do
  state=$(sinfo -h -n "$host" -o %t 2>/dev/null | head -n 1)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node is '$state', not idle, after 60 s"
sinfo >&2

# --- the tests ----------------------------------------------------------------------------------
base=scenarios/bench/r1.yaml
variant=Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml

# compare OUT N COMMAND ARGS...: the array (sbatch --wait), the merge after it, then byte for byte.
check() {
  local name=$1 count=$2
  shift 2
  local out="$work/out/$name"
  mkdir -p "$out"
  "$CCCM" "$@" --quiet > "$out/unsharded.txt" || fail "$name: the unsharded command failed"
  local array
  array=$(timeout 600 sbatch --parsable --wait --array="1-$count" --export="ALL,SHARDS=$count" --output="$out/shard-%a.log" \
    deploy/slurm/shard.sbatch "$out" "$@") || { cat "$out"/shard-*.log >&2; fail "$name: the job array failed"; }
  timeout 300 sbatch --parsable --wait --dependency="afterok:${array%%;*}" --output="$out/merge.log" deploy/slurm/merge.sbatch "$out" >/dev/null \
    || { cat "$out/merge.log" >&2; fail "$name: the merge job failed"; }
  cmp "$out/unsharded.txt" "$out/report.txt" || fail "$name: the merged report differs from the unsharded output"
  say "$name: $count shards (array job ${array%%;*}) merged byte-identical to the unsharded output ($(wc -c < "$out/report.txt") bytes)"
}

check run 3 run "$root/$base" -r 12 --by quarter --target 'bookings>=95M'
check compare 4 compare "$base" "$variant" -r 10 --teams
check sweep 5 sweep "$base" --vary presales.P.experts=10..12 -r 4

# compare --precision through submit.sh: waves of sharded replications until the merge stops.
out="$work/out/precision"
precision=(compare "$base" "$variant" -r 4 --precision 3.5% --max-replications 40)
"$CCCM" "${precision[@]}" --quiet > "$work/out/precision-unsharded.txt" || fail "precision: the unsharded command failed"
timeout 900 deploy/slurm/submit.sh -n 2 -o "$out" "${precision[@]}" || fail "precision: submit.sh failed"
cmp "$work/out/precision-unsharded.txt" "$out/report.txt" || fail "precision: the merged report differs from the unsharded output"
waves=$(ls "$out"/wave-*-shard-1.json | wc -l)
say "precision: $waves waves of 2 shards merged byte-identical to the unsharded output ($(tail -n 1 "$out/report.txt"))"
say "all Slurm checks passed"
