# `stack.sh deps`: the Debian packages and Python modules the build, the stack and the tests
# need. Sourced by scripts/stack.sh. Installs what is missing when run as root (CI runs as root
# on a bare image); otherwise names what is missing and fails, because sudo is the user's call.

# Packages checked by name with dpkg. nginx is special: any Debian nginx flavour will do.
DEPS_PACKAGES=(
    mariadb-server       # mariadbd + mariadb-install-db: the shard servers
    mariadb-client       # mariadb: readiness checks and manual inspection
    libfcgi-dev          # FastCGI library the pool links (CFastCGI)
    libmariadb-dev       # MariaDB Connector/C (CMariaDB)
    libssl-dev           # OpenSSL 3 (COpenSSL)
    libcurl4-openssl-dev # curl library (FoundationNetworking, outbound HTTP)
    zlib1g-dev           # zlib: the channels' statement archives (CZlib behind FileFormats)
    redis-server         # the risk counters' server (scripts/stack-redis.sh); starts no service here
    libhiredis-dev       # hiredis 0.14, the Redis client library (CHiredis behind Redis)
    pkg-config           # SwiftPM finds the three C libraries' flags through it
    openssl              # the CLI that makes the local CA and certificates
    wrk                  # the load generator of `make bench`
    curl                 # health checks here and in the tests
    ca-certificates      # so curl and openssl have a sane default trust store
    make                 # the Makefile is the entry point
    procps               # ps: stack.sh finds stray pool workers by process group
    python3-venv         # the venv of the end-to-end suite's Python tools (cmd_contract_deps below)
    util-linux           # setpriv: the stack's processes as their own users when started as root
    systemd              # systemd-analyze verify on deploy/'s units (make test)
)
DEPS_NGINX_FLAVOURS=(nginx-light nginx nginx-core nginx-full nginx-extras)

deps_package_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# deps_python_packages: the Debian packages that provide pytest, requests and cryptography (the
# end-to-end suite signs channel callbacks itself) for a Debian python3.
deps_python_is_debian() {
    local prefix
    prefix=$(python3 -c 'import sys; print(sys.prefix)' 2>/dev/null) || return 1
    [[ $prefix == /usr ]]
}

deps_python_modules_present() {
    python3 -c 'import pytest, requests, cryptography' >/dev/null 2>&1
}

# deps_users (as root): the users the stack's parts run as when it is started as root
# (scripts/stack-users.sh). System users, no home, no shell, each in a group of its own name.
# mysql comes with the mariadb-server package.
deps_users() {
    local user
    ((EUID == 0)) || return 0
    for user in paygate paygate-nginx paygate-sandbox; do
        id -u "$user" >/dev/null 2>&1 && continue
        note "creating the system user $user"
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user" ||
            die "useradd $user failed"
    done
}

cmd_deps() {
    local missing=() package flavour nginx_present=0
    for package in "${DEPS_PACKAGES[@]}"; do
        deps_package_installed "$package" || missing+=("$package")
    done
    for flavour in "${DEPS_NGINX_FLAVOURS[@]}"; do
        deps_package_installed "$flavour" && nginx_present=1
    done
    ((nginx_present)) || missing+=(nginx-light)
    command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pytest python3-requests python3-cryptography)

    if ((${#missing[@]} > 0)); then
        if ((EUID != 0)); then
            die "missing Debian packages: ${missing[*]}
  install them with: sudo apt-get install -y ${missing[*]}"
        fi
        note "installing missing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi

    if ! deps_python_modules_present; then
        if deps_python_is_debian; then
            # Debian's python3 is "externally managed" (PEP 668): pip refuses, apt is the way.
            if ((EUID != 0)); then
                die "python3 cannot import pytest, requests and cryptography
  install them with: sudo apt-get install -y python3-pytest python3-requests python3-cryptography"
            fi
            note "installing python3-pytest, python3-requests and python3-cryptography"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -q
            apt-get install -y -q --no-install-recommends python3-pytest python3-requests python3-cryptography
        else
            # A user-managed python (pyenv, venv): pip installs into it without root.
            note "installing pytest, requests and cryptography with pip into $(command -v python3)"
            python3 -m pip install -q pytest requests cryptography
        fi
        deps_python_modules_present || die "python3 still cannot import pytest, requests and cryptography"
    fi

    deps_users
    command -v swift >/dev/null 2>&1 ||
        die "swift is not on PATH: install the Swift 6 toolchain (https://www.swift.org/install/linux/)"
    note "dependencies present"
}

# `stack.sh contract-deps VENV`: the end-to-end suite's Python tools, at the versions pinned in
# every Tests/e2e/*requirements*.txt (contract-requirements.txt: schemathesis and
# openapi-spec-validator for Tests/e2e/test_contract.py; sdk-requirements.txt: the channels' own
# SDKs for Tests/e2e/test_sdk_conformance.py), in one venv of their own (VENV, under the build
# folder): they are not Debian packages, and Debian's python3 refuses pip installs into itself
# (PEP 668). One pip run, so a package two files need is resolved once. Nothing to do when VENV
# already holds exactly those files' versions. Needs python3-venv (cmd_deps).
cmd_contract_deps() {
    local venv=$1 stamp="$1/paygate-requirements.txt" file
    local files=("$REPO"/Tests/e2e/*requirements*.txt) arguments=()
    if [[ -x $venv/bin/python && -f $stamp ]] && cmp -s <(cat "${files[@]}") "$stamp"; then
        return 0
    fi
    note "installing the end-to-end suite's Python tools into $venv (Tests/e2e/*requirements*.txt)"
    python3 -m venv "$venv" || die "python3 -m venv $venv failed (is python3-venv installed? scripts/stack.sh deps)"
    for file in "${files[@]}"; do arguments+=(-r "$file"); done
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${arguments[@]}" ||
        die "pip could not install Tests/e2e/*requirements*.txt into $venv"
    cat "${files[@]}" >"$stamp"
}
