# shellcheck shell=bash
# Throwaway PostgreSQL and MariaDB servers for the test suite.
#
#   source .ci/dbs.sh
#   dbs_start        # starts both, exports TEST_PG_URL and TEST_MYSQL_URL
#   pytest
#   dbs_stop         # stops both, removes their data directories
#
# Both servers listen on 127.0.0.1 only, on non-default ports (PostgreSQL 54329,
# MariaDB 33069; override with CHANGESET_PG_PORT / CHANGESET_MYSQL_PORT), keep their data in
# a fresh temporary directory and are tuned for speed, not durability.
# As root, PostgreSQL runs as the `postgres` user (initdb/pg_ctl refuse root) and MariaDB
# drops to `mysql`; as an ordinary user both run as you.
# Needs the server packages only (Debian: postgresql, mariadb-server); no python.
#
# This file is sourced: it never calls `exit` and does not change shell options.

CHANGESET_PG_PORT="${CHANGESET_PG_PORT:-54329}"
CHANGESET_MYSQL_PORT="${CHANGESET_MYSQL_PORT:-33069}"
CHANGESET_DB_USER="${CHANGESET_DB_USER:-changeset}"
CHANGESET_DB_PASSWORD="${CHANGESET_DB_PASSWORD:-changeset}"
CHANGESET_DB_NAME="${CHANGESET_DB_NAME:-changeset_test}"
CHANGESET_DBS_TIMEOUT="${CHANGESET_DBS_TIMEOUT:-60}"

_dbs_log() { echo "dbs: $*" >&2; }

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no tools).
_dbs_port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Run a command as the given system user when we are root, as ourselves otherwise.
_dbs_as() {
    local user="$1"
    shift
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

# A fresh directory that the server user owns (the parent temp dir must be traversable).
_dbs_mkdir_for() {
    local user="$1" dir="$2"
    mkdir -p "$dir" || return 1
    if [ "$(id -u)" -eq 0 ]; then
        chown "$user:" "$dir" || return 1
    fi
    chmod 700 "$dir"
}

_dbs_find_pg_bin() {
    local d best=""
    # Newest installed major version (version sort, so 9.6 < 10 < 15).
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V); do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best="$d"
    done
    if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1; then
        best="$(dirname "$(command -v pg_ctl)")"
    fi
    [ -n "$best" ] || return 1
    echo "$best"
}

_dbs_find() {
    local name
    for name in "$@"; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
        if [ -x "/usr/sbin/$name" ]; then
            echo "/usr/sbin/$name"
            return 0
        fi
    done
    return 1
}

_dbs_export_urls() {
    export TEST_PG_URL="postgresql+psycopg://${CHANGESET_DB_USER}@127.0.0.1:${CHANGESET_PG_PORT}/${CHANGESET_DB_NAME}"
    export TEST_MYSQL_URL="mysql+pymysql://${CHANGESET_DB_USER}:${CHANGESET_DB_PASSWORD}@127.0.0.1:${CHANGESET_MYSQL_PORT}/${CHANGESET_DB_NAME}?charset=utf8mb4"
}

# Wait until "$@" succeeds, at most CHANGESET_DBS_TIMEOUT seconds.
_dbs_wait() {
    local what="$1" logfile="$2"
    shift 2
    local deadline=$((SECONDS + CHANGESET_DBS_TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            _dbs_log "ERROR: $what did not accept connections within ${CHANGESET_DBS_TIMEOUT}s; last lines of $logfile:"
            tail -n 30 "$logfile" >&2 2>/dev/null
            return 1
        fi
        sleep 0.2
    done
}

_dbs_start_pg() {
    local dir="$1" bin
    if ! bin="$(_dbs_find_pg_bin)"; then
        _dbs_log "ERROR: no PostgreSQL server found (looked in /usr/lib/postgresql/*/bin and PATH)"
        return 1
    fi
    _dbs_mkdir_for postgres "$dir/pg" || return 1
    _dbs_log "PostgreSQL: $bin, data in $dir/pg"
    if ! _dbs_as postgres "$bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust \
        --encoding=UTF8 --no-locale --no-sync >"$dir/pg-initdb.log" 2>&1; then
        _dbs_log "ERROR: initdb failed:"
        cat "$dir/pg-initdb.log" >&2
        return 1
    fi
    # -w waits for startup; the log file lives in the postgres-owned directory.
    if ! _dbs_as postgres "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" \
        -w -t "$CHANGESET_DBS_TIMEOUT" -o "-c listen_addresses=127.0.0.1 -p $CHANGESET_PG_PORT \
        -c unix_socket_directories=$dir/pg -c fsync=off -c synchronous_commit=off \
        -c full_page_writes=off -c max_connections=200" start >"$dir/pg-ctl.log" 2>&1; then
        _dbs_log "ERROR: PostgreSQL did not start:"
        cat "$dir/pg-ctl.log" >&2
        tail -n 30 "$dir/pg/server.log" >&2 2>/dev/null
        return 1
    fi
    local psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$CHANGESET_PG_PORT" -U postgres)
    _dbs_wait PostgreSQL "$dir/pg/server.log" "${psql[@]}" -d postgres -c 'SELECT 1' || return 1
    # CREATEDB: the user may create/drop databases; owning the test database lets it drop
    # and recreate schemas (including public) between tests.
    "${psql[@]}" -d postgres \
        -c "CREATE ROLE \"$CHANGESET_DB_USER\" LOGIN CREATEDB" \
        -c "CREATE DATABASE \"$CHANGESET_DB_NAME\" OWNER \"$CHANGESET_DB_USER\"" >&2 || return 1
}

_dbs_start_mysql() {
    local dir="$1" install mariadbd client
    if ! install="$(_dbs_find mariadb-install-db mysql_install_db)" ||
        ! mariadbd="$(_dbs_find mariadbd mysqld)" ||
        ! client="$(_dbs_find mariadb mysql)"; then
        _dbs_log "ERROR: no MariaDB server found (need mariadb-install-db, mariadbd and mariadb)"
        return 1
    fi
    _dbs_mkdir_for mysql "$dir/mysql" || return 1
    _dbs_log "MariaDB: $mariadbd, data in $dir/mysql"
    local user_opt=()
    [ "$(id -u)" -eq 0 ] && user_opt=(--user=mysql)
    if ! "$install" --no-defaults "${user_opt[@]}" --datadir="$dir/mysql/data" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$dir/mysql-install.log" 2>&1; then
        _dbs_log "ERROR: mariadb-install-db failed:"
        tail -n 30 "$dir/mysql-install.log" >&2
        return 1
    fi
    # setsid + redirections: the server outlives this function and does not hold the
    # caller's terminal or pipes open.
    setsid "$mariadbd" --no-defaults "${user_opt[@]}" --datadir="$dir/mysql/data" \
        --port="$CHANGESET_MYSQL_PORT" --bind-address=127.0.0.1 \
        --socket="$dir/mysql/mysqld.sock" --pid-file="$dir/mysql/mysqld.pid" \
        --log-error="$dir/mysql/error.log" --skip-name-resolve --skip-log-bin \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-binlog=0 \
        --innodb-buffer-pool-size=128M --max-connections=200 \
        </dev/null >"$dir/mysql-stdout.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/mysqld.launch.pid"
    local mysql=("$client" --no-defaults --protocol=socket --socket="$dir/mysql/mysqld.sock" -uroot)
    _dbs_wait MariaDB "$dir/mysql/error.log" "${mysql[@]}" -e 'SELECT 1' || return 1
    _dbs_log "MariaDB pid $pid"
    "${mysql[@]}" -e "
        CREATE USER '$CHANGESET_DB_USER'@'127.0.0.1' IDENTIFIED BY '$CHANGESET_DB_PASSWORD';
        CREATE USER '$CHANGESET_DB_USER'@'localhost' IDENTIFIED BY '$CHANGESET_DB_PASSWORD';
        GRANT ALL PRIVILEGES ON *.* TO '$CHANGESET_DB_USER'@'127.0.0.1' WITH GRANT OPTION;
        GRANT ALL PRIVILEGES ON *.* TO '$CHANGESET_DB_USER'@'localhost' WITH GRANT OPTION;
        CREATE DATABASE \`$CHANGESET_DB_NAME\` CHARACTER SET utf8mb4;" >&2 || return 1
    _dbs_wait "MariaDB over TCP" "$dir/mysql/error.log" _dbs_port_open "$CHANGESET_MYSQL_PORT"
}

dbs_start() {
    if [ -n "${CHANGESET_DBS_DIR:-}" ] && [ -d "$CHANGESET_DBS_DIR" ] &&
        _dbs_port_open "$CHANGESET_PG_PORT" && _dbs_port_open "$CHANGESET_MYSQL_PORT"; then
        _dbs_log "already running from this shell (data in $CHANGESET_DBS_DIR); dbs_stop first to restart"
        _dbs_export_urls
        return 0
    fi
    local port
    for port in "$CHANGESET_PG_PORT" "$CHANGESET_MYSQL_PORT"; do
        if _dbs_port_open "$port"; then
            _dbs_log "ERROR: 127.0.0.1:$port is already served by something this shell did not start" \
                "(a dbs_start from another shell? stop it, or set CHANGESET_PG_PORT/CHANGESET_MYSQL_PORT)"
            return 1
        fi
    done
    local dir start=$SECONDS
    dir="$(mktemp -d "${TMPDIR:-/tmp}/changeset-dbs.XXXXXX")" || return 1
    chmod 755 "$dir"
    export CHANGESET_DBS_DIR="$dir"
    if ! _dbs_start_pg "$dir" || ! _dbs_start_mysql "$dir"; then
        _dbs_log "ERROR: dbs_start failed; stopping whatever did start (logs were in $dir)"
        dbs_stop
        return 1
    fi
    _dbs_export_urls
    _dbs_log "ready in $((SECONDS - start))s"
    _dbs_log "TEST_PG_URL=$TEST_PG_URL"
    _dbs_log "TEST_MYSQL_URL=$TEST_MYSQL_URL"
}

dbs_stop() {
    local dir="${CHANGESET_DBS_DIR:-}"
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
        _dbs_log "nothing to stop (no dbs_start in this shell)"
        unset CHANGESET_DBS_DIR
        return 0
    fi
    local bin
    if [ -f "$dir/pg/data/postmaster.pid" ] && bin="$(_dbs_find_pg_bin)"; then
        _dbs_as postgres "$bin/pg_ctl" -D "$dir/pg/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
            _dbs_log "WARNING: pg_ctl stop failed"
    fi
    local pid="" i
    # The pid file mariadbd writes, or the pid dbs_start launched (if it died early).
    [ -f "$dir/mysql/mysqld.pid" ] && pid="$(cat "$dir/mysql/mysqld.pid" 2>/dev/null)"
    [ -z "$pid" ] && [ -f "$dir/mysqld.launch.pid" ] && pid="$(cat "$dir/mysqld.launch.pid")"
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
        for i in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            _dbs_log "WARNING: MariaDB (pid $pid) ignored SIGTERM for 30s; killing it"
            kill -9 "$pid" 2>/dev/null
        fi
    fi
    rm -rf "$dir"
    unset CHANGESET_DBS_DIR
    _dbs_log "stopped, removed $dir"
}
