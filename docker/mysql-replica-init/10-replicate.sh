# shellcheck shell=bash
# Run once by the mysql image's entrypoint on the replica's empty data directory (Compose
# profile "replicas"): points it at the primary by GTID auto-position. The replication threads
# start with the real server after this init (the init server has no network), and copy the
# primary's whole history, the service's database, its user and its migrations included.
# Sourced, not executed, so docker_process_sql is available.
#
# Input (environment): SOURCE_HOST, REPLICATION_PASSWORD.

: "${SOURCE_HOST:?SOURCE_HOST is required}" "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD is required}"

replica_literal() { # the body of a MySQL '...' string literal: backslashes and quotes escaped
  local value=${1//\\/\\\\}
  printf '%s' "${value//\'/\\\'}"
}

# GET_SOURCE_PUBLIC_KEY: the replication account uses caching_sha2_password over a plain link.
docker_process_sql --database=mysql <<SQL
CHANGE REPLICATION SOURCE TO
  SOURCE_HOST = '$(replica_literal "$SOURCE_HOST")',
  SOURCE_PORT = 3306,
  SOURCE_USER = 'replication',
  SOURCE_PASSWORD = '$(replica_literal "$REPLICATION_PASSWORD")',
  SOURCE_AUTO_POSITION = 1,
  GET_SOURCE_PUBLIC_KEY = 1;
SQL
