# Least privilege for a stack started as root (README "Process users"): each part runs as its own
# user, made by scripts/stack-deps.sh (deps_users). Sourced by scripts/stack.sh. Started by an
# ordinary user, everything runs as that user, as before, and nothing here changes anything.
#
#   paygate          the pool and the worker: alone able to read paygate.json, the master key, the
#                    audit checkpoint key (and write the checkpoints),
#                    the application account's password and our side of the channel keys
#   paygate-nginx    nginx's workers (the master stays root to bind the port and read the TLS key);
#                    the only member of the FastCGI socket's group
#   paygate-sandbox  the channel sandbox: the channels' side of the keys
#   mysql            the MariaDB servers (Debian's own user)

USER_POOL=paygate
USER_NGINX=paygate-nginx
USER_SANDBOX=paygate-sandbox
USER_DATABASE=mysql

users_apply() { ((EUID == 0)); }

# run_as_prefix USER: the words that run a command as USER (nothing when not root). setpriv
# changes user and group, clears the supplementary groups to USER's own and sets no_new_privs,
# so nothing the process runs can gain privileges back.
run_as_prefix() {
    users_apply || return 0
    printf '%s\n' setpriv "--reuid=$1" "--regid=$1" --init-groups --no-new-privs --
}

# users_require: every service user exists (deps_users makes them), ROOT is reachable by them.
users_require() {
    local user
    users_apply || return 0
    for user in "$USER_POOL" "$USER_NGINX" "$USER_SANDBOX" "$USER_DATABASE"; do
        id -u "$user" >/dev/null 2>&1 || deps_users
    done
    chmod go+x "$ROOT"
    setpriv --reuid="$USER_POOL" --regid="$USER_POOL" --init-groups -- test -x "$ROOT" ||
        die "user $USER_POOL cannot reach $ROOT: give its parent directories o+x, or use another root"
}

# users_binary NAME: the path a service user runs NAME from. A build folder that user cannot
# reach (a checkout under /root) is copied into ROOT/bin, root's and read-only to the others.
users_binary() {
    local name=$1
    if ! users_apply || setpriv --reuid="$USER_POOL" --regid="$USER_POOL" --init-groups -- test -x "$BIN_DIR/$name"; then
        printf '%s\n' "$BIN_DIR/$name"
        return 0
    fi
    mkdir -p "$ROOT/bin"
    chmod 0755 "$ROOT/bin"
    if ! cmp -s "$BIN_DIR/$name" "$ROOT/bin/$name"; then
        cp "$BIN_DIR/$name" "$ROOT/bin/$name.tmp"
        chmod 0755 "$ROOT/bin/$name.tmp"
        mv "$ROOT/bin/$name.tmp" "$ROOT/bin/$name"
    fi
    printf '%s\n' "$ROOT/bin/$name"
}

# users_own_files: after `paygate-admin init` (which writes as root), each file to the user that
# reads it. Modes stay as init made them (0600 for secrets): only the owner changes.
users_own_files() {
    local dir file
    users_apply || return 0
    chown "$USER_POOL:$USER_POOL" "$ROOT/paygate.json" "$ROOT/secrets" "$ROOT/secrets/database/application.password" \
        "$ROOT/secrets/audit.key"
    # The first master key, unless `paygate-admin keys rotate-master` has retired it.
    if [[ -e $ROOT/secrets/master.key ]]; then
        chown "$USER_POOL:$USER_POOL" "$ROOT/secrets/master.key"
    fi
    chown "$USER_SANDBOX:$USER_SANDBOX" "$ROOT/sandbox.json"
    # The master key ring's later keys (paygate-admin keys rotate-master gives each new key to
    # this folder's owner): the pool and the worker re-read them while they run.
    if [[ -d $ROOT/secrets/master-keys ]]; then
        chown -R "$USER_POOL:$USER_POOL" "$ROOT/secrets/master-keys"
    fi
    # Channel folders: traversable by both sides; public halves readable by both; each private
    # key owned by the side that signs with it.
    chmod 0711 "$ROOT/channels"
    for dir in "$ROOT"/channels/*/; do
        chmod 0711 "$dir"
        for file in "$dir"*; do
            case ${file##*/} in
                merchant.key | apiv3.key) chown "$USER_POOL:$USER_POOL" "$file" ;;
                platform.key | platform-previous.key | sandbox-apiv3.key) chown "$USER_SANDBOX:$USER_SANDBOX" "$file" ;;
                *.pub | *.pem | *.retired-at) chmod 0644 "$file" ;;
            esac
        done
    done
    # Downloaded statements and the audit log's checkpoints are the worker's to write (an admin
    # command run as root appends checkpoints as that same owner: AuditCheckpoints).
    mkdir -p "$ROOT/recon" "$ROOT/audit"
    chmod 0700 "$ROOT/audit"
    chown -R "$USER_POOL:$USER_POOL" "$ROOT/recon" "$ROOT/audit"
}

# users_run_dirs: ROOT/run belongs to the pool and admits nginx's group only (setgid: the pool's
# socket, created in it, takes that group; the pool makes it 0660): docs/API.md section 1 has
# nginx as the only way in. The sandbox has its own folder on the same terms.
users_run_dirs() {
    mkdir -p "$ROOT/run" "$ROOT/sandbox"
    users_apply || return 0
    chown "$USER_POOL:$USER_NGINX" "$ROOT/run"
    chown "$USER_SANDBOX:$USER_NGINX" "$ROOT/sandbox"
    chmod 2750 "$ROOT/run" "$ROOT/sandbox"
}

# users_database_dir NAME: a MariaDB server's folder belongs to mysql; its socket must be
# reachable by the pool, whose account has a password (the socket alone admits nobody).
users_database_dir() {
    users_apply || return 0
    chmod 0711 "$ROOT/mariadb"
    chown -R "$USER_DATABASE:$USER_DATABASE" "$1"
    chmod 0711 "$1"
}
