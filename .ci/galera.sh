# shellcheck shell=bash
# A throwaway 3-node MariaDB Galera cluster for tests/galera/.
#
#   source .ci/galera.sh
#   galera_start     # starts 3 nodes, exports TEST_GALERA_URLS (three URLs, comma separated)
#   pytest tests/galera
#   galera_stop      # stops the nodes, removes their data directories
#
# All nodes listen on 127.0.0.1 only. With CHANGESET_GALERA_PORT_BASE=B (default 34300)
# node N (1..3) uses: client port B+N, group communication B+10+N, IST B+20+N and rsync
# SST B+30+N. Node 1 bootstraps the cluster (--wsrep-new-cluster); nodes 2 and 3 join it
# by SST (rsync). Each node gets its own --defaults-file (the SST scripts read it; with
# --no-defaults they would read /etc/mysql/*.cnf). Tuned for a small machine, not for
# durability. As root, the nodes drop to the `mysql` user.
# Needs: mariadb-server, galera-4, rsync (Debian packages); no python.
#
# This file is sourced: it never calls `exit` and does not change shell options.
# tests/galera/conftest.py runs galera_start/galera_stop itself when TEST_GALERA=1.

CHANGESET_GALERA_PORT_BASE="${CHANGESET_GALERA_PORT_BASE:-34300}"
CHANGESET_GALERA_PROVIDER="${CHANGESET_GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
CHANGESET_GALERA_USER="${CHANGESET_GALERA_USER:-changeset}"
CHANGESET_GALERA_PASSWORD="${CHANGESET_GALERA_PASSWORD:-changeset}"
CHANGESET_GALERA_DB="${CHANGESET_GALERA_DB:-changeset_galera}"
CHANGESET_GALERA_TIMEOUT="${CHANGESET_GALERA_TIMEOUT:-90}"

_galera_log() { echo "galera: $*" >&2; }

_galera_port() { echo $((CHANGESET_GALERA_PORT_BASE + $1 * 10 + $2)); }

# _dbs_port_open and _dbs_find: the same helpers as the single-server script
# shellcheck source=.ci/dbs.sh
source "$(dirname "${BASH_SOURCE[0]}")/dbs.sh"

_galera_client() {
    local dir="$1" node="$2"
    shift 2
    "$_GALERA_CLIENT" --no-defaults --protocol=socket --socket="$dir/node$node/mysqld.sock" \
        -uroot "$@"
}

_galera_state() {
    _galera_client "$1" "$2" -N -B -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" \
        2>/dev/null | cut -f2
}

_galera_wait_synced() {
    local dir="$1" node="$2" deadline=$((SECONDS + CHANGESET_GALERA_TIMEOUT)) state=""
    while :; do
        state="$(_galera_state "$dir" "$node")"
        [ "$state" = "Synced" ] && return 0
        if [ "$SECONDS" -ge "$deadline" ]; then
            _galera_log "ERROR: node $node is not Synced after ${CHANGESET_GALERA_TIMEOUT}s" \
                "(state: ${state:-no answer}); last lines of $dir/node$node/error.log:"
            tail -n 40 "$dir/node$node/error.log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.25
    done
}

_galera_write_cnf() {
    local dir="$1" node="$2" user="$3" n addresses=""
    for n in 1 2 3; do
        addresses="${addresses:+$addresses,}127.0.0.1:$(_galera_port 1 "$n")"
    done
    local d="$dir/node$node"
    cat >"$d/my.cnf" <<EOF
[mysqld]
${user:+user=$user}
datadir=$d/data
port=$(_galera_port 0 "$node")
bind-address=127.0.0.1
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max-connections=100
performance-schema=OFF
innodb-buffer-pool-size=64M
innodb-log-file-size=32M
innodb-flush-log-at-trx-commit=0
innodb-doublewrite=0
sync-binlog=0
default-storage-engine=InnoDB
binlog-format=ROW
innodb-autoinc-lock-mode=2
wsrep-on=ON
wsrep-provider=$CHANGESET_GALERA_PROVIDER
wsrep-cluster-name=changeset_galera
wsrep-cluster-address=gcomm://$addresses
wsrep-node-name=node$node
wsrep-node-address=127.0.0.1
wsrep-node-incoming-address=127.0.0.1:$(_galera_port 0 "$node")
wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(_galera_port 1 "$node");ist.recv_addr=127.0.0.1:$(_galera_port 2 "$node");gcache.size=32M;gcache.page_size=32M"
wsrep-sst-method=rsync
wsrep-sst-receive-address=127.0.0.1:$(_galera_port 3 "$node")
wsrep-slave-threads=2

[sst]
sst-syslog=-1
EOF
}

_galera_launch() {
    local dir="$1" node="$2"
    shift 2
    setsid "$_GALERA_MARIADBD" --defaults-file="$dir/node$node/my.cnf" "$@" \
        </dev/null >"$dir/node$node/stdout.log" 2>&1 &
    echo "$!" >"$dir/node$node/launch.pid"
}

galera_urls() {
    local n urls=""
    for n in 1 2 3; do
        urls="${urls:+$urls,}mysql+pymysql://${CHANGESET_GALERA_USER}:${CHANGESET_GALERA_PASSWORD}@127.0.0.1:$(_galera_port 0 "$n")/${CHANGESET_GALERA_DB}?charset=utf8mb4"
    done
    echo "$urls"
}

galera_start() {
    if [ -n "${CHANGESET_GALERA_DIR:-}" ] && [ -d "$CHANGESET_GALERA_DIR" ] &&
        _dbs_port_open "$(_galera_port 0 1)"; then
        _galera_log "already running from this shell (data in $CHANGESET_GALERA_DIR); galera_stop first"
        TEST_GALERA_URLS="$(galera_urls)"
        export TEST_GALERA_URLS
        return 0
    fi
    local install
    if ! install="$(_dbs_find mariadb-install-db mysql_install_db)" ||
        ! _GALERA_MARIADBD="$(_dbs_find mariadbd mysqld)" ||
        ! _GALERA_CLIENT="$(_dbs_find mariadb mysql)"; then
        _galera_log "ERROR: no MariaDB server found (need mariadb-install-db, mariadbd and mariadb)"
        return 1
    fi
    if [ ! -r "$CHANGESET_GALERA_PROVIDER" ]; then
        _galera_log "ERROR: no Galera provider at $CHANGESET_GALERA_PROVIDER (Debian: apt-get install galera-4 rsync)"
        return 1
    fi
    if ! command -v rsync >/dev/null 2>&1; then
        _galera_log "ERROR: rsync is needed for SST (Debian: apt-get install rsync)"
        return 1
    fi
    local node kind port
    for node in 1 2 3; do
        for kind in 0 1 2 3; do
            port="$(_galera_port "$kind" "$node")"
            if _dbs_port_open "$port"; then
                _galera_log "ERROR: 127.0.0.1:$port is already in use (another cluster?" \
                    "galera_stop it, or set CHANGESET_GALERA_PORT_BASE)"
                return 1
            fi
        done
    done
    local dir start=$SECONDS user=""
    dir="$(mktemp -d "${TMPDIR:-/tmp}/changeset-galera.XXXXXX")" || return 1
    chmod 755 "$dir"
    export CHANGESET_GALERA_DIR="$dir"
    [ "$(id -u)" -eq 0 ] && user=mysql
    for node in 1 2 3; do
        mkdir -p "$dir/node$node/data"
        _galera_write_cnf "$dir" "$node" "$user"
        [ -n "$user" ] && chown -R "$user:" "$dir/node$node"
    done
    _galera_log "3 nodes, data in $dir"
    if ! "$install" --defaults-file="$dir/node1/my.cnf" --wsrep-on=OFF \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$dir/install.log" 2>&1; then
        _galera_log "ERROR: mariadb-install-db failed:"
        tail -n 30 "$dir/install.log" >&2
        galera_stop
        return 1
    fi
    _galera_launch "$dir" 1 --wsrep-new-cluster
    if ! _galera_wait_synced "$dir" 1; then
        galera_stop
        return 1
    fi
    # Created before the joiners arrive: the SST copies the users and the database.
    if ! _galera_client "$dir" 1 -e "
        CREATE USER '$CHANGESET_GALERA_USER'@'127.0.0.1' IDENTIFIED BY '$CHANGESET_GALERA_PASSWORD';
        CREATE USER '$CHANGESET_GALERA_USER'@'localhost' IDENTIFIED BY '$CHANGESET_GALERA_PASSWORD';
        GRANT ALL PRIVILEGES ON *.* TO '$CHANGESET_GALERA_USER'@'127.0.0.1' WITH GRANT OPTION;
        GRANT ALL PRIVILEGES ON *.* TO '$CHANGESET_GALERA_USER'@'localhost' WITH GRANT OPTION;
        CREATE DATABASE \`$CHANGESET_GALERA_DB\` CHARACTER SET utf8mb4;" >&2; then
        galera_stop
        return 1
    fi
    # One joiner at a time: node 1 is the only donor at first.
    for node in 2 3; do
        _galera_launch "$dir" "$node"
        if ! _galera_wait_synced "$dir" "$node"; then
            galera_stop
            return 1
        fi
    done
    local size
    size="$(_galera_client "$dir" 1 -N -B -e "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'" | cut -f2)"
    if [ "$size" != 3 ]; then
        _galera_log "ERROR: wsrep_cluster_size is ${size:-unknown}, expected 3"
        galera_stop
        return 1
    fi
    TEST_GALERA_URLS="$(galera_urls)"
    export TEST_GALERA_URLS
    _galera_log "3 nodes Synced in $((SECONDS - start))s (ports $(_galera_port 0 1)-$(_galera_port 0 3))"
    _galera_log "TEST_GALERA_URLS=$TEST_GALERA_URLS"
}

galera_stop() {
    local dir="${CHANGESET_GALERA_DIR:-}"
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
        _galera_log "nothing to stop (no galera_start in this shell)"
        unset CHANGESET_GALERA_DIR
        return 0
    fi
    local node pid pids=() i
    # Joiners first, then the bootstrap node; all SIGTERMed at once, then waited for.
    for node in 3 2 1; do
        pid=""
        [ -f "$dir/node$node/mysqld.pid" ] && pid="$(cat "$dir/node$node/mysqld.pid" 2>/dev/null)"
        [ -z "$pid" ] && [ -f "$dir/node$node/launch.pid" ] && pid="$(cat "$dir/node$node/launch.pid")"
        if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
            pids+=("$pid")
        fi
    done
    for pid in "${pids[@]}"; do
        for i in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            _galera_log "WARNING: node (pid $pid) ignored SIGTERM for 30s; killing it"
            kill -9 "$pid" 2>/dev/null
        fi
    done
    rm -rf "$dir"
    unset CHANGESET_GALERA_DIR TEST_GALERA_URLS
    _galera_log "stopped, removed $dir"
}
