#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth for local
# connections: uses the running one, else starts (installing if needed) Debian's cluster.
set -euo pipefail

ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }

if ready; then
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "ensure-postgres: installing postgresql"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
version="$(ls /etc/postgresql | sort -V | tail -n1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
# Tests connect as postgres over TCP without a password, like the CI machines do.
if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  $sudo_cmd sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi
$sudo_cmd pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  ready && exit 0
  sleep 1
done
echo "ensure-postgres: postgresql did not come up on 127.0.0.1:5432" >&2
exit 1
