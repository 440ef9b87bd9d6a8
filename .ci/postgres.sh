#!/usr/bin/env bash
# Runs the search storage tests against a real PostgreSQL server: installs
# Debian's postgresql package if it is missing, starts a throwaway cluster
# in a temporary folder on a free local port, runs the tests that need it
# (one study with a coordinator and three worker processes, SIGKILLs and a
# restart of the server among them) and stops the server at the end.
#   bash .ci/postgres.sh
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(find_bin)
  fi
fi
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed and cannot be (apt-get install postgresql, as root)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/hypernas-pg.XXXXXX)
# The server refuses to run as root: run it as the package's postgres user.
as_server=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_server=(runuser -u postgres --)
fi
port=""
for p in $(seq 55432 55532); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port in 55432-55532" >&2; exit 1; }

pgctl=("${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60)
start() { "${pgctl[@]}" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null; }
stop() { "${pgctl[@]}" -m fast stop >/dev/null 2>&1 || true; }
cleanup() { stop; rm -rf "$dir"; }
trap cleanup EXIT

"${as_server[@]}" "$bin/initdb" -D "$dir/data" -A trust -U hypernas --no-sync >/dev/null
start
version=$("$bin/postgres" --version)
echo "== $version on 127.0.0.1:$port, a throwaway cluster in $dir"

export HYPERNAS_TEST_POSTGRES="postgres://hypernas@127.0.0.1:$port/postgres?sslmode=disable"
# The tests stop and start the server to take the database away mid-study.
export HYPERNAS_TEST_POSTGRES_STOP="${pgctl[*]} -m fast stop"
export HYPERNAS_TEST_POSTGRES_START="${pgctl[*]} -o '-p $port -k $dir -c listen_addresses=127.0.0.1' start"
go test -count=1 -p 1 -run 'Postgres|Conformance|TwoParticipants|SchemaVersion|FinishConcurrent|MultiProcess|DatabaseAway' ./hypernas/search/storage/
