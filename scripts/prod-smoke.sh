#!/usr/bin/env bash
# The production start path without Docker: production dependencies only (`npm ci --omit=dev`)
# into a clean copy of the build output, then the documented `npm run start:prod` must become
# ready and, when SIGTERM reaches the npm process only (as from a supervisor), stop cleanly with
# nothing left running. Needs `npm run build` first, and MySQL + Redis on their defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f dist/main.js ] || { echo "dist/main.js is missing: run npm run build first" >&2; exit 1; }
work=$(mktemp -d)
db="taskdb_prodsmoke_$$"
port=$((20000 + RANDOM % 20000))
pid=""
cleanup() {
  # The npm process leads its own process group (set -m below); kill whatever is left of it.
  [ -n "$pid" ] && kill -9 -- "-$pid" 2>/dev/null || true
  mariadb --protocol=tcp -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$db\`" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cp -r dist package.json package-lock.json "$work/"
(cd "$work" && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
# (ts-node/typescript may stay: TypeORM, a production package, lists ts-node as an optional peer.)
if [ -d "$work/node_modules/jest" ] || [ -d "$work/node_modules/@nestjs/cli" ]; then
  echo "dev dependencies were installed into the production copy" >&2; exit 1
fi

# Job control gives the npm process its own process group, so the check below can tell whether
# anything it started outlives it.
set -m
(cd "$work" && NODE_ENV=production PORT=$port DB_NAME=$db LOG_LEVEL=warn \
  JWT_SECRET="prod-smoke-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  exec npm run --silent start:prod) &
pid=$!
set +m

ready=""
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
[ -n "$ready" ] || { echo "the production build did not become ready" >&2; exit 1; }
echo "production build ready on port $port: $(curl -fsS "http://127.0.0.1:$port/health/ready")"

kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
[ "$code" -eq 0 ] || { echo "SIGTERM exit code was $code, expected 0" >&2; exit 1; }
if kill -0 -- "-$pid" 2>/dev/null; then
  echo "a process of npm run start:prod outlived npm after SIGTERM:" >&2
  ps -o pid,pgid,args -g "$pid" >&2 || true
  exit 1
fi
pid=""
echo "npm run start:prod stopped cleanly on SIGTERM to npm (exit 0, no process left)"
