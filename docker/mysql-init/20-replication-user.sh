# shellcheck shell=bash
# Run once by the mysql image's entrypoint, after 10-app-user.sh, on an empty data directory:
# creates the account read replicas connect as (Compose profile "replicas"), allowed to
# replicate and nothing else, when REPLICATION_PASSWORD is set; nothing otherwise. Sourced,
# not executed (see 10-app-user.sh).
#
# Input (environment): REPLICATION_PASSWORD (optional), REPLICATION_USER (replication).

if [ -n "${REPLICATION_PASSWORD:-}" ]; then
  replication_user=${REPLICATION_USER:-replication}
  case "$replication_user" in
    *[!A-Za-z0-9_]*) echo "REPLICATION_USER may hold only letters, digits and _" >&2; exit 1 ;;
  esac
  replication_password=${REPLICATION_PASSWORD//\\/\\\\}
  replication_password=${replication_password//\'/\\\'}
  docker_process_sql --database=mysql <<SQL
CREATE USER IF NOT EXISTS '${replication_user}'@'%' IDENTIFIED BY '${replication_password}';
GRANT REPLICATION SLAVE ON *.* TO '${replication_user}'@'%';
SQL
fi
