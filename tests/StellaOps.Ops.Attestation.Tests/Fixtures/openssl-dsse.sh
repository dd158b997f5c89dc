#!/usr/bin/env bash
# Makes DSSE envelopes and Sigstore bundles outside the project: keys and signatures come from the openssl CLI over
# the DSSE pre-authentication encoding, JSON from jq. The verification tests run it so that what they verify was
# not written by the code under test.
#
#   openssl-dsse.sh keygen <out-prefix> p256|p384|ed25519|p521   -> <prefix>.key, <prefix>.pub.pem; prints the key id
#   openssl-dsse.sh sign <key.pem> <payload-file> <keyid|-> <out-envelope.json> [payload-type]
#   openssl-dsse.sh bundle <envelope.json> <v0.1|v0.2|v0.3> <out-bundle.json> hint <keyid>
#   openssl-dsse.sh bundle <envelope.json> <v0.1|v0.2|v0.3> <out-bundle.json> certs <leaf.pem> [chain.pem ...]
#     (with TIMESTAMP=<token.der> in the environment the bundle carries that RFC 3161 timestamp)
#   openssl-dsse.sh tsa <out-prefix>                     -> <prefix>-root.pem (CA), <prefix>.pem (TSA, timeStamping), <prefix>.key
#   openssl-dsse.sh timestamp <tsa-prefix> <data-file> <out.tsr>   RFC 3161 TimeStampResp over the file's SHA-256
set -euo pipefail

keyid() { openssl pkey -pubin -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }

case "$1" in
keygen)
  prefix=$2
  case "$3" in
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$prefix.key" ;;
    p384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$prefix.key" ;;
    p521) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$prefix.key" ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$prefix.key" ;;
    *) echo "unknown algorithm $3" >&2; exit 2 ;;
  esac
  openssl pkey -in "$prefix.key" -pubout -out "$prefix.pub.pem"
  keyid "$prefix.pub.pem"
  ;;
sign)
  key=$2 payload=$3 id=$4 out=$5 type=${6:-application/vnd.in-toto+json}
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # PAE: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
  printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(stat -c %s "$payload")" > "$tmp/pae"
  cat "$payload" >> "$tmp/pae"
  if openssl pkey -in "$key" -noout -text 2>/dev/null | grep -q ED25519; then
    openssl pkeyutl -sign -rawin -inkey "$key" -in "$tmp/pae" -out "$tmp/sig"
  elif openssl pkey -in "$key" -noout -text 2>/dev/null | grep -q "NIST CURVE: P-384"; then
    openssl dgst -sha384 -sign "$key" -out "$tmp/sig" "$tmp/pae"
  else
    openssl dgst -sha256 -sign "$key" -out "$tmp/sig" "$tmp/pae"
  fi
  jq -n --arg payload "$(base64 -w0 "$payload")" --arg type "$type" --arg sig "$(base64 -w0 "$tmp/sig")" --arg keyid "$id" \
    '{payload: $payload, payloadType: $type, signatures: [ (if $keyid == "-" then {sig: $sig} else {keyid: $keyid, sig: $sig} end) ]}' > "$out"
  ;;
bundle)
  envelope=$2 version=$3 out=$4 kind=$5
  shift 5
  case "$version" in
    v0.1) media='application/vnd.dev.sigstore.bundle+json;version=0.1' ;;
    v0.2) media='application/vnd.dev.sigstore.bundle+json;version=0.2' ;;
    v0.3) media='application/vnd.dev.sigstore.bundle.v0.3+json' ;;
    *) echo "unknown bundle version $version" >&2; exit 2 ;;
  esac
  if [ "$kind" = hint ]; then
    material=$(jq -n --arg hint "$1" '{publicKey: {hint: $hint}, tlogEntries: []}')
  else
    ders=()
    for pem in "$@"; do ders+=("$(openssl x509 -in "$pem" -outform DER | base64 -w0)"); done
    if [ "$version" = v0.3 ]; then
      material=$(jq -n --arg leaf "${ders[0]}" '{certificate: {rawBytes: $leaf}, tlogEntries: []}')
    else
      material=$(printf '%s\n' "${ders[@]}" | jq -R . | jq -s '{x509CertificateChain: {certificates: map({rawBytes: .})}, tlogEntries: []}')
    fi
  fi
  if [ -n "${TIMESTAMP:-}" ]; then
    material=$(jq --arg ts "$(base64 -w0 "$TIMESTAMP")" '. + {timestampVerificationData: {rfc3161Timestamps: [{signedTimestamp: $ts}]}}' <<< "$material")
  fi
  jq -n --arg media "$media" --argjson material "$material" --slurpfile env "$envelope" \
    '{mediaType: $media, verificationMaterial: $material, dsseEnvelope: {payload: $env[0].payload, payloadType: $env[0].payloadType, signatures: [ $env[0].signatures[0] | {sig: .sig} + (if .keyid then {keyid: .keyid} else {} end) ]}}' > "$out"
  ;;
tsa)
  prefix=$2
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$prefix-root.key" -out "$prefix-root.pem" -days 3650 \
    -subj "/CN=Test TSA Root" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$prefix.key" -out "$prefix.csr" -subj "/CN=Test TSA" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' > "$prefix.ext"
  openssl x509 -req -in "$prefix.csr" -CA "$prefix-root.pem" -CAkey "$prefix-root.key" -CAcreateserial -days 365 -extfile "$prefix.ext" -out "$prefix.pem" 2>/dev/null
  dir=$(dirname "$prefix")
  echo 01 > "$prefix.serial"
  cat > "$prefix.cnf" <<CNF
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = $prefix.serial
crypto_device = builtin
signer_cert = $prefix.pem
signer_key = $prefix.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
  ;;
timestamp)
  prefix=$2 data=$3 out=$4
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  openssl ts -query -data "$data" -sha256 -cert -out "$tmp/q.tsq"
  # Sigstore bundles carry the whole DER TimeStampResp (status and token), as a TSA answers.
  openssl ts -reply -config "$prefix.cnf" -queryfile "$tmp/q.tsq" -out "$out" 2>/dev/null
  ;;
*)
  echo "usage: $0 keygen|sign|bundle|tsa|timestamp ..." >&2
  exit 2
  ;;
esac
