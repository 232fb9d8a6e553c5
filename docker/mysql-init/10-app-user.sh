# shellcheck shell=bash
# Run once by the mysql image's entrypoint (mounted into /docker-entrypoint-initdb.d), when the
# data directory is still empty: creates the service's database and the application user the
# service connects as, with only what it uses: rows (SELECT, INSERT, UPDATE, DELETE) and its
# migrations (CREATE, ALTER, DROP, INDEX, REFERENCES), on that one database. Root stays for
# the operator. Keep this file NOT executable: the entrypoint then sources it, which gives it
# docker_process_sql (the mysql client as root on the init server's socket).
#
# Input (environment): APP_DB_NAME, APP_DB_USER, APP_DB_PASSWORD.

app_db_literal() { # the body of a MySQL '...' string literal: backslashes and quotes escaped
  local value=${1//\\/\\\\}
  printf '%s' "${value//\'/\\\'}"
}

: "${APP_DB_NAME:?APP_DB_NAME is required}" "${APP_DB_USER:?APP_DB_USER is required}" \
  "${APP_DB_PASSWORD:?APP_DB_PASSWORD is required}"
case "$APP_DB_NAME" in
  *[!A-Za-z0-9_\$]*) echo "APP_DB_NAME may hold only letters, digits, _ and \$" >&2; exit 1 ;;
esac

# In GRANT an unescaped _ in a database name is a wildcard: escape it, as the image does.
docker_process_sql --database=mysql <<SQL
CREATE DATABASE IF NOT EXISTS \`${APP_DB_NAME}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$(app_db_literal "$APP_DB_USER")'@'%'
  IDENTIFIED BY '$(app_db_literal "$APP_DB_PASSWORD")';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES
  ON \`${APP_DB_NAME//_/\\_}\`.* TO '$(app_db_literal "$APP_DB_USER")'@'%';
SQL
