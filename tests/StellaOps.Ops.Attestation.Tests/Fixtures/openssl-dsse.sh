#!/usr/bin/env bash
# Makes DSSE envelopes and Sigstore bundles outside the project: keys and signatures come from the openssl CLI over
# the DSSE pre-authentication encoding, JSON from jq. The verification tests run it so that what they verify was
# not written by the code under test.
#
#   openssl-dsse.sh keygen <out-prefix> p256|p384|ed25519|p521   -> <prefix>.key, <prefix>.pub.pem; prints the key id
#   openssl-dsse.sh sign <key.pem> <payload-file> <keyid|-> <out-envelope.json> [payload-type]
#   openssl-dsse.sh bundle <envelope.json> <v0.1|v0.2|v0.3> <out-bundle.json> hint <keyid>
#   openssl-dsse.sh bundle <envelope.json> <v0.1|v0.2|v0.3> <out-bundle.json> certs <leaf.pem> [chain.pem ...]
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
  jq -n --arg media "$media" --argjson material "$material" --slurpfile env "$envelope" \
    '{mediaType: $media, verificationMaterial: $material, dsseEnvelope: {payload: $env[0].payload, payloadType: $env[0].payloadType, signatures: [ $env[0].signatures[0] | {sig: .sig} + (if .keyid then {keyid: .keyid} else {} end) ]}}' > "$out"
  ;;
*)
  echo "usage: $0 keygen|sign|bundle ..." >&2
  exit 2
  ;;
esac
