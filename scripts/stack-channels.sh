#!/usr/bin/env bash
# Channel accounts of a stack root: both sides of every account, because the local
# sandbox plays the channels. Sourced by scripts/stack.sh; also runs on its own:
#
#   scripts/stack-channels.sh ensure ROOT          generate whatever is missing
#   scripts/stack-channels.sh rotate ROOT CHANNEL  new platform key; the old one becomes "previous"
#   scripts/stack-channels.sh section ROOT PORT    print the "channels" section of paygate.json
#
# Layout (directories 0700, files 0600; RSA 2048, PKCS#8 PEM; certificates self-signed):
#   ROOT/channels/alipay/     merchant.key merchant.pub   our app key (paygate signs)
#                             platform.key platform.pub   "Alipay" (the sandbox signs)
#   ROOT/channels/wechatpay/  merchant.key merchant.pem   our key; the certificate serial is serial_no
#                             platform.key platform.pem   platform key; its serial is Wechatpay-Serial
#                             apiv3.key                   32 printable ASCII characters, no newline
#   ROOT/channels/unionpay/   merchant.key merchant.pem   our key; certId = decimal serial
#                             platform.key platform.pem   UnionPay's signing key and certificate
# After a rotation each channel also has platform-previous.{key,pub|pem} and
# platform-previous.retired-at (RFC 3339, UTC): paygate accepts that key for
# verification_key_grace_seconds after it, and the sandbox can still sign with it to test that.
#
# Everything is generated only when missing: `up` never replaces a key. Key text is never
# printed; openssl writes it straight to files created under umask 077.
#
# Environment: PAYGATE_SANDBOX_PORT (default 9443), PAYGATE_CHANNEL_KEY_GRACE_SECONDS,
# PAYGATE_CHANNEL_CONNECT_TIMEOUT_MS, PAYGATE_CHANNEL_TOTAL_TIMEOUT_MS (defaults below).

CHANNELS=(alipay wechatpay unionpay)
CHANNEL_RSA_BITS=2048
# Two years, as the channels issue merchant certificates.
CHANNEL_CERTIFICATE_DAYS=730
# WeChat Pay APIv3 keys are 32 characters, used as the 32 bytes of an AES-256 key.
CHANNEL_APIV3_KEY_CHARACTERS=32
# WeChat Pay serials are long hex strings; UnionPay certIds are decimal numbers of up to ~20 digits.
CHANNEL_SERIAL_BYTES_WECHATPAY=16
CHANNEL_SERIAL_BYTES_UNIONPAY=8
CHANNEL_SANDBOX_PORT_DEFAULT=9443
# One day: long enough for every callback signed before a rotation to arrive.
CHANNEL_KEY_GRACE_SECONDS_DEFAULT=86400
# The connect includes the TLS handshake: under a burst of 1,024 creates on two shared cores a new
# connection's handshake through the local nginx took over a second (make bench (g)); 3 s is what
# the client defaults to for real channels too.
CHANNEL_CONNECT_TIMEOUT_MS_DEFAULT=3000
CHANNEL_TOTAL_TIMEOUT_MS_DEFAULT=5000
# The account ids of the local stack: shaped like real ones, owned by nobody.
CHANNEL_ALIPAY_APP_ID=2021000000000001
CHANNEL_WECHATPAY_MERCHANT_ID=1900000001
CHANNEL_WECHATPAY_APP_ID=wx8888888888888888
CHANNEL_UNIONPAY_MERCHANT_ID=777290058110048

# The nginx port callbacks reach us on; set by channels_ensure, read by channels_config_json.
CHANNELS_CALLBACK_PORT=""

# channel_has_certificates CHANNEL: true for channels whose keys come with certificates.
channel_has_certificates() { [[ $1 != alipay ]]; }

channel_public_suffix() { if channel_has_certificates "$1"; then echo pem; else echo pub; fi; }

# channel_serial BYTES: BYTES random bytes as hex, first byte 0x10..0x7F so the serial has a
# fixed length, is positive and is never zero.
channel_serial() {
    printf '%02X%s' $((0x10 + RANDOM % 0x70)) "$(openssl rand -hex $(($1 - 1)) | tr a-f A-F)"
}

# channel_new_key FILE: an RSA private key readable only by its owner.
channel_new_key() {
    (
        umask 077
        openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$CHANNEL_RSA_BITS" -out "$1" 2>/dev/null
    ) || die "openssl could not generate $1"
}

# channel_public_write CHANNEL ROLE KEY OUT: the public half of KEY (ROLE merchant or platform)
# as a certificate or a bare public key.
channel_public_write() {
    local channel=$1 role=$2 key=$3 out=$4 config bytes
    if ! channel_has_certificates "$channel"; then
        (umask 077 && openssl pkey -in "$key" -pubout -out "$out" 2>/dev/null) || die "openssl could not write $out"
        return 0
    fi
    bytes=$CHANNEL_SERIAL_BYTES_UNIONPAY
    [[ $channel == wechatpay ]] && bytes=$CHANNEL_SERIAL_BYTES_WECHATPAY
    # Our own minimal config, so the distribution's openssl.cnf cannot add extensions.
    config=$out.cnf.tmp
    cat >"$config" <<EOF
[req]
distinguished_name = dn
x509_extensions = leaf
prompt = no
[dn]
CN = paygate local $channel $role
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
EOF
    (umask 077 && openssl req -x509 -new -config "$config" -key "$key" -sha256 \
        -days "$CHANNEL_CERTIFICATE_DAYS" -set_serial "0x$(channel_serial "$bytes")" -out "$out" 2>/dev/null) ||
        die "openssl could not write $out"
    rm -f "$config"
}

# channel_pair_ensure CHANNEL NAME: NAME.key and its public half, each only when missing.
channel_pair_ensure() {
    local channel=$1 dir=$ROOT/channels/$1 suffix
    suffix=$(channel_public_suffix "$channel")
    if [[ ! -s $dir/$2.key ]]; then
        note "generating the $channel $2 key"
        channel_new_key "$dir/$2.key.tmp"
        mv "$dir/$2.key.tmp" "$dir/$2.key"
        # A public half made for another key would verify nothing.
        rm -f "$dir/$2.$suffix"
    fi
    if [[ ! -s $dir/$2.$suffix ]]; then
        channel_public_write "$channel" "$2" "$dir/$2.key" "$dir/$2.$suffix.tmp"
        mv "$dir/$2.$suffix.tmp" "$dir/$2.$suffix"
    fi
}

channel_apiv3_key_ensure() {
    local file=$ROOT/channels/wechatpay/apiv3.key key=""
    [[ -s $file ]] && return 0
    note "generating the wechatpay APIv3 key"
    # Letters and digits, as WeChat Pay issues them; 48 random bytes leave ~60 after filtering.
    while ((${#key} < CHANNEL_APIV3_KEY_CHARACTERS)); do
        key+=$(openssl rand -base64 48 | tr -dc 'A-Za-z0-9')
    done
    (umask 077 && printf '%s' "${key:0:$CHANNEL_APIV3_KEY_CHARACTERS}" >"$file.tmp")
    mv "$file.tmp" "$file"
}

channels_ensure() {
    local port=${1:-} channel
    [[ -n $port ]] && CHANNELS_CALLBACK_PORT=$port
    mkdir -p "$ROOT/channels"
    chmod 0700 "$ROOT/channels"
    for channel in "${CHANNELS[@]}"; do
        mkdir -p "$ROOT/channels/$channel"
        chmod 0700 "$ROOT/channels/$channel"
        channel_pair_ensure "$channel" merchant
        channel_pair_ensure "$channel" platform
    done
    channel_apiv3_key_ensure
    # Public halves too: nothing here is meant for anyone but the stack's owner.
    find "$ROOT/channels" -type f -exec chmod 0600 {} +
}

channel_require_name() {
    local channel
    for channel in "${CHANNELS[@]}"; do [[ $1 == "$channel" ]] && return 0; done
    die "CHANNEL must be one of ${CHANNELS[*]}, got '$1'"
}

# channels_rotate CHANNEL: a new platform key becomes current; the current one becomes
# "previous" (replacing an older previous) with the moment it was retired.
channels_rotate() {
    local channel=$1 dir=$ROOT/channels/$1 suffix
    channel_require_name "$channel"
    suffix=$(channel_public_suffix "$channel")
    [[ -s $dir/platform.key && -s $dir/platform.$suffix ]] || die "no $channel platform key in $dir: run up first"
    note "rotating the $channel platform key"
    # Everything new is made first, so a failure leaves the current key in place.
    channel_new_key "$dir/platform-next.key"
    channel_public_write "$channel" platform "$dir/platform-next.key" "$dir/platform-next.$suffix"
    (umask 077 && date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/platform-previous.retired-at.tmp")
    mv "$dir/platform.key" "$dir/platform-previous.key"
    mv "$dir/platform.$suffix" "$dir/platform-previous.$suffix"
    mv "$dir/platform-previous.retired-at.tmp" "$dir/platform-previous.retired-at"
    mv "$dir/platform-next.key" "$dir/platform.key"
    mv "$dir/platform-next.$suffix" "$dir/platform.$suffix"
    chmod 0600 "$dir"/platform*
}

# channel_verification_keys_json CHANNEL: the current key and, after a rotation, the previous one.
channel_verification_keys_json() {
    local dir=$ROOT/channels/$1 suffix retired
    suffix=$(channel_public_suffix "$1")
    printf '[{"file": "%s"}' "$dir/platform.$suffix"
    if [[ -s $dir/platform-previous.$suffix && -s $dir/platform-previous.retired-at ]]; then
        read -r retired <"$dir/platform-previous.retired-at"
        printf ',\n                              {"file": "%s", "retired_at": "%s"}' "$dir/platform-previous.$suffix" "$retired"
    fi
    printf ']'
}

# channels_config_json: the "channels" section of paygate.json. File paths only, never key text.
channels_config_json() {
    local dir=$ROOT/channels sandbox="https://127.0.0.1:${PAYGATE_SANDBOX_PORT:-$CHANNEL_SANDBOX_PORT_DEFAULT}" knob
    [[ -n $CHANNELS_CALLBACK_PORT ]] || die "channels_config_json: the callback port is not known"
    require_port "${PAYGATE_SANDBOX_PORT:-$CHANNEL_SANDBOX_PORT_DEFAULT}"
    # Numbers go into the JSON unquoted: anything else would break the whole file.
    for knob in PAYGATE_CHANNEL_CONNECT_TIMEOUT_MS PAYGATE_CHANNEL_TOTAL_TIMEOUT_MS PAYGATE_CHANNEL_KEY_GRACE_SECONDS; do
        [[ ${!knob:-0} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, got '${!knob}'"
    done
    cat <<EOF
{
    "ca_file": "$ROOT/tls/ca.pem",
    "callback_base_url": "https://127.0.0.1:$CHANNELS_CALLBACK_PORT/callbacks",
    "connect_timeout_milliseconds": ${PAYGATE_CHANNEL_CONNECT_TIMEOUT_MS:-$CHANNEL_CONNECT_TIMEOUT_MS_DEFAULT},
    "total_timeout_milliseconds": ${PAYGATE_CHANNEL_TOTAL_TIMEOUT_MS:-$CHANNEL_TOTAL_TIMEOUT_MS_DEFAULT},
    "verification_key_grace_seconds": ${PAYGATE_CHANNEL_KEY_GRACE_SECONDS:-$CHANNEL_KEY_GRACE_SECONDS_DEFAULT},
    "alipay": {"base_url": "$sandbox/alipay/gateway.do", "app_id": "$CHANNEL_ALIPAY_APP_ID",
               "private_key_file": "$dir/alipay/merchant.key",
               "verification_keys": $(channel_verification_keys_json alipay)},
    "wechatpay": {"base_url": "$sandbox/wechatpay", "merchant_id": "$CHANNEL_WECHATPAY_MERCHANT_ID",
                  "app_id": "$CHANNEL_WECHATPAY_APP_ID", "private_key_file": "$dir/wechatpay/merchant.key",
                  "certificate_file": "$dir/wechatpay/merchant.pem", "api_v3_key_file": "$dir/wechatpay/apiv3.key",
                  "verification_keys": $(channel_verification_keys_json wechatpay)},
    "unionpay": {"base_url": "$sandbox/unionpay/gateway/api", "merchant_id": "$CHANNEL_UNIONPAY_MERCHANT_ID",
                 "private_key_file": "$dir/unionpay/merchant.key", "certificate_file": "$dir/unionpay/merchant.pem",
                 "verification_keys": $(channel_verification_keys_json unionpay)}
  }
EOF
}

# channels_rotate_command CHANNEL (stack.sh channel-rotate): rotates, then rewrites paygate.json
# with the port it already names, so the next reload of the pool and the sandbox sees both keys.
channels_rotate_command() {
    local sandbox_port
    channels_rotate "$1"
    [[ -s $ROOT/paygate.json ]] || return 0
    CHANNELS_CALLBACK_PORT=$(python3 -c 'import json, sys, urllib.parse
print(urllib.parse.urlsplit(json.load(open(sys.argv[1]))["channels"]["callback_base_url"]).port)' \
        "$ROOT/paygate.json") || die "cannot read channels.callback_base_url from $ROOT/paygate.json"
    # The sandbox port too (the stack may run on another than the default): from the same file.
    sandbox_port=$(python3 -c 'import json, sys, urllib.parse
print(urllib.parse.urlsplit(json.load(open(sys.argv[1]))["channels"]["alipay"]["base_url"]).port)' \
        "$ROOT/paygate.json") || die "cannot read channels.alipay.base_url from $ROOT/paygate.json"
    PAYGATE_SANDBOX_PORT=$sandbox_port config_write
    note "rotated $1; apply it with: scripts/stack.sh reload $ROOT && scripts/stack.sh sandbox-restart $ROOT"
}

# Run on its own: the subcommands in the header (the unit tests use ensure and section).
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    # shellcheck source=scripts/stack-common.sh
    source "$REPO/scripts/stack-common.sh"
    usage_channels() {
        sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
    }
    # Arguments are checked first, so the work itself runs with `set -e` in force.
    case ${1:-}:$# in
        ensure:2 | rotate:3 | section:3) ;;
        *) usage_channels ;;
    esac
    require_root_dir "$2"
    ROOT=$(realpath -m "$2")
    case $1 in
        ensure) channels_ensure "" ;;
        rotate) channels_rotate "$3" ;;
        section) require_port "$3" && CHANNELS_CALLBACK_PORT=$3 && channels_config_json ;;
    esac
fi
