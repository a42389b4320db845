#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests.
#   scripts/postgres.sh start DIR   installs Debian's postgresql package if it is missing, creates a cluster
#                                    in DIR, runs it as a non-root user on a free loopback port, and prints
#                                    its connection string as the last line of output.
#   scripts/postgres.sh stop DIR    stops it (DIR can then be deleted).
set -euo pipefail
command=${1:?usage: postgres.sh start|stop DIR}
dir=${2:?usage: postgres.sh start|stop DIR}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
  # PostgreSQL refuses to run as root; when we are root, run it as the 'postgres' user the package creates.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$command" = stop ]; then
  bin=$(find_bin)
  [ -n "$bin" ] && [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  exit 0
fi

bin=$(find_bin)
if [ -z "$bin" ]; then
  bash "$(dirname "$0")/apt-install.sh" "PostgreSQL for the tests" postgresql
  bin=$(find_bin)
  [ -n "$bin" ] || { echo "Installing postgresql did not provide /usr/lib/postgresql/*/bin." >&2; exit 1; }
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown -R postgres "$dir"
  chmod 700 "$dir"
fi

# A free port: try random ones until nothing answers on it.
for _ in $(seq 1 50); do
  port=$(( (RANDOM % 20000) + 30000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
done

as_owner "$bin/initdb" -D "$dir/data" -U workflows --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = on
CONF
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U workflows workflows
echo "Host=127.0.0.1;Port=$port;Username=workflows;Database=workflows"
