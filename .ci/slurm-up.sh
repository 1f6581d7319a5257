#!/usr/bin/env bash
# Start a one-node Slurm (slurmctld + slurmd + munge) on this machine for the cluster tests; idempotent.
# Needs root and Debian's slurm-wlm and munge (installed here when missing). No systemd: the daemons run detached.
set -euo pipefail

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

host=$(hostname -s)
if sinfo -h -N -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
  exit 0 # already up
fi

mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /etc/slurm
chown slurm: /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
chown munge: /run/munge
[[ -f /etc/munge/munge.key ]] || { /usr/sbin/mungekey --create >/dev/null 2>&1 || /usr/sbin/create-munge-key; }
chown munge: /etc/munge/munge.key
pgrep -x munged >/dev/null || su -s /bin/sh munge -c munged

memory_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 - 1024 }' /proc/meminfo)
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=neurosbi-ci
SlurmctldHost=${host}(127.0.0.1)
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SlurmUser=slurm
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
MinJobAge=3600
NodeName=${host} NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=${memory_mb} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF

pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd -N "$host"

for _ in $(seq 1 30); do
  state=$(sinfo -h -N -o '%t' 2>/dev/null || true)
  if grep -qE '^(idle|mix|alloc)' <<<"$state"; then exit 0; fi
  # A node left down or drained by an earlier run comes back once told to.
  if grep -qE '^(down|drain|drng)' <<<"$state"; then scontrol update NodeName="$host" State=RESUME || true; fi
  sleep 1
done
echo "slurm-up: the node did not come up; see /var/log/slurm/" >&2
exit 1
