# shellcheck shell=bash
# Throwaway PostgreSQL and MariaDB servers for the database tests (tests/test_database*.py).
#
# Sourced by .ci/run (and usable by hand: `. .ci/databases.sh && ccc_db_start`, then
# `ccc_db_stop`). ccc_db_start installs the Debian packages when the binaries are absent
# (as root), starts both servers on loopback, on free ports, in a temporary data
# directory, creates a role `ccc` with a random password in each, and exports:
#
#   CCC_TEST_POSTGRES_URI  postgresql://ccc:PASSWORD@127.0.0.1:PORT/postgres
#   CCC_TEST_MARIADB_URI   mysql://ccc:PASSWORD@127.0.0.1:PORT/mysql
#   CCC_REQUIRE_DB=1       the database tests fail instead of skipping without a server
#
# ccc_db_stop stops both and removes the directory. PostgreSQL refuses to run as root:
# it runs as the `postgres` user (created when absent); MariaDB as `mysql` (or root).

ccc_db_dir=""
ccc_db_pg_bin=""
ccc_db_maria_pid=""

ccc_db_log() { echo "databases: $*" >&2; }

ccc_db_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ccc_db_as() {  # ccc_db_as USER COMMAND...: run as USER when we are root, else as ourselves
    local user=$1
    shift
    if [ "$(id -u)" = 0 ] && [ "$user" != root ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

ccc_db_apt_install() {
    if [ "$(id -u)" != 0 ]; then
        ccc_db_log "cannot install $* (not root)"
        return 1
    fi
    ccc_db_log "installing $*"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

ccc_db_find_pg() {
    local dir
    for dir in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
            ccc_db_pg_bin=$dir
            return 0
        fi
    done
    return 1
}

ccc_db_start_postgres() {
    if ! ccc_db_find_pg; then
        ccc_db_apt_install postgresql postgresql-client
        ccc_db_find_pg || { ccc_db_log "no PostgreSQL binaries after installing"; return 1; }
    fi
    command -v psql >/dev/null || ccc_db_apt_install postgresql-client
    local user
    user=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        user=postgres
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh postgres
    fi
    local data=$ccc_db_dir/pg port password
    port=$(ccc_db_free_port)
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    mkdir -p "$data" "$ccc_db_dir/pg-run"
    [ "$user" = "$(id -un)" ] || chown "$user" "$data" "$ccc_db_dir/pg-run"
    # Passwords over TCP (so a wrong one is refused), trust on the private socket.
    ccc_db_as "$user" "$ccc_db_pg_bin/initdb" -D "$data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >"$ccc_db_dir/pg-initdb.log" 2>&1 \
        || { cat "$ccc_db_dir/pg-initdb.log" >&2; return 1; }
    ccc_db_as "$user" "$ccc_db_pg_bin/pg_ctl" -D "$data" -l "$ccc_db_dir/pg-run/pg.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$ccc_db_dir/pg-run -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || { cat "$ccc_db_dir/pg-run/pg.log" >&2; return 1; }
    psql -X -q -v ON_ERROR_STOP=1 -h "$ccc_db_dir/pg-run" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE ccc LOGIN CREATEDB PASSWORD '$password'" >&2
    export CCC_TEST_POSTGRES_URI="postgresql://ccc:$password@127.0.0.1:$port/postgres"
    ccc_db_log "PostgreSQL $("$ccc_db_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

ccc_db_find_maria() {
    local name
    for name in mariadbd mysqld /usr/sbin/mariadbd /usr/sbin/mysqld; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

ccc_db_start_mariadb() {
    local server
    if ! server=$(ccc_db_find_maria) || ! command -v mariadb-install-db >/dev/null; then
        ccc_db_apt_install mariadb-server mariadb-client
        server=$(ccc_db_find_maria) || { ccc_db_log "no MariaDB server after installing"; return 1; }
    fi
    local user
    user=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        user=root
        id mysql >/dev/null 2>&1 && user=mysql
    fi
    local data=$ccc_db_dir/mariadb run=$ccc_db_dir/mariadb-run port password
    local sock=$run/mariadb.sock
    port=$(ccc_db_free_port)
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    mkdir -p "$data" "$run"
    [ "$user" = "$(id -un)" ] || chown "$user" "$data" "$run"
    mariadb-install-db --no-defaults --datadir="$data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db \
        >"$ccc_db_dir/mariadb-install.log" 2>&1 \
        || { cat "$ccc_db_dir/mariadb-install.log" >&2; return 1; }
    "$server" --no-defaults --datadir="$data" --user="$user" --socket="$sock" \
        --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
        --pid-file="$run/mariadb.pid" --log-error="$run/mariadb.log" \
        --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M &
    ccc_db_maria_pid=$!
    local i
    for i in $(seq 1 120); do
        if mariadb-admin --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1; then
            break
        fi
        if ! kill -0 "$ccc_db_maria_pid" 2>/dev/null; then
            cat "$run/mariadb.log" >&2
            return 1
        fi
        sleep 0.5
    done
    mariadb --no-defaults --socket="$sock" -uroot -e "
        CREATE USER 'ccc'@'127.0.0.1' IDENTIFIED BY '$password';
        GRANT ALL PRIVILEGES ON *.* TO 'ccc'@'127.0.0.1';" >&2
    export CCC_TEST_MARIADB_URI="mysql://ccc:$password@127.0.0.1:$port/mysql"
    ccc_db_log "MariaDB $("$server" --version | awk '{print $3}') on 127.0.0.1:$port"
}

ccc_db_start() {
    ccc_db_dir=$(mktemp -d /tmp/ccc-db.XXXXXX)
    chmod 755 "$ccc_db_dir"
    ccc_db_start_postgres || return 1
    ccc_db_start_mariadb || return 1
    export CCC_REQUIRE_DB=1
}

ccc_db_stop() {
    [ -n "$ccc_db_dir" ] || return 0
    if [ -n "$ccc_db_pg_bin" ] && [ -f "$ccc_db_dir/pg/postmaster.pid" ]; then
        ccc_db_as "$(stat -c %U "$ccc_db_dir/pg")" "$ccc_db_pg_bin/pg_ctl" -D "$ccc_db_dir/pg" \
            -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [ -n "$ccc_db_maria_pid" ] && kill -0 "$ccc_db_maria_pid" 2>/dev/null; then
        kill "$ccc_db_maria_pid" 2>/dev/null || true
        wait "$ccc_db_maria_pid" 2>/dev/null || true
    fi
    rm -rf "$ccc_db_dir"
    ccc_db_dir=""
    unset CCC_TEST_POSTGRES_URI CCC_TEST_MARIADB_URI CCC_REQUIRE_DB
}
