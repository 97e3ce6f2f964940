# Secrets and TLS material of a stack root. Sourced by scripts/stack.sh.
# Everything is generated only when missing, so `up` never rotates a key under running data
# (the master key seals every merchant secret in the directory database).

TLS_CA_DAYS=3650
# 825 days is the longest leaf lifetime that browsers and Apple's TLS stack still accept.
TLS_SERVER_DAYS=825
MASTER_KEY_BYTES=32

secrets_ensure() {
    local dir=$ROOT/secrets
    mkdir -p "$dir"
    chmod 0700 "$dir"
    [[ -s $dir/master.key ]] && return 0
    note "generating $dir/master.key"
    (
        umask 077
        openssl rand -out "$dir/master.key.tmp" "$MASTER_KEY_BYTES"
    )
    mv "$dir/master.key.tmp" "$dir/master.key"
    chmod 0600 "$dir/master.key"
}

# tls_new_key FILE: an EC P-256 private key readable only by its owner.
tls_new_key() {
    (
        umask 077
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
    )
}

tls_ca_ensure() {
    local dir=$ROOT/tls config
    [[ -s $dir/ca.pem && -s $dir/ca.key ]] && return 0
    note "generating a local CA in $dir"
    tls_new_key "$dir/ca.key"
    # Our own minimal config, so the distribution's openssl.cnf cannot add or clash with extensions.
    config=$dir/ca.cnf.tmp
    cat >"$config" <<'EOF'
[req]
distinguished_name = dn
x509_extensions = ca_ext
prompt = no
[dn]
CN = paygate local development CA
[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
    openssl req -x509 -new -config "$config" -key "$dir/ca.key" -sha256 \
        -days "$TLS_CA_DAYS" -out "$dir/ca.pem"
    rm -f "$config"
    # A new CA invalidates any server certificate signed by an older one.
    rm -f "$dir/server.pem"
}

tls_server_ensure() {
    local dir=$ROOT/tls extensions
    [[ -s $dir/server.pem && -s $dir/server.key ]] && return 0
    note "generating the server certificate for 127.0.0.1 and localhost"
    tls_new_key "$dir/server.key"
    openssl req -new -key "$dir/server.key" -subj "/CN=localhost" -out "$dir/server.csr.tmp"
    extensions=$dir/server.ext.tmp
    cat >"$extensions" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    openssl x509 -req -in "$dir/server.csr.tmp" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -sha256 -days "$TLS_SERVER_DAYS" \
        -extfile "$extensions" -out "$dir/server.pem" 2>/dev/null
    rm -f "$dir/server.csr.tmp" "$extensions"
}

tls_ensure() {
    mkdir -p "$ROOT/tls"
    # The directory stays listable so tools and tests can read ca.pem; the keys are 0600.
    chmod 0755 "$ROOT/tls"
    tls_ca_ensure
    tls_server_ensure
    chmod 0600 "$ROOT/tls/ca.key" "$ROOT/tls/server.key"
    chmod 0644 "$ROOT/tls/ca.pem" "$ROOT/tls/server.pem"
}
