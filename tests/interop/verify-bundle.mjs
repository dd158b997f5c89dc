#!/usr/bin/env node
// Independent, offline check of a Sigstore bundle (v0.3, DSSE envelope, public-key hint) with
// @sigstore/verify's Verifier. No network: the trusted root is empty (no tlogs, CAs, CT logs or TSAs) and
// the tlog, ctlog and timestamp thresholds are 0, because our bundles carry no log entry yet.
//
// Usage: node verify-bundle.mjs <bundle.json> <public-key.pem|.der|-> [--hint <keyid>] [--ca <chain.pem>]
//        [--tsa <chain.pem>] [--timestamps <n>] [--tlogs-from <trusted_root.json> --tlogs <n>] [--quiet]
//   The key is registered under --hint, or by default under the lowercase hex SHA-256 of its SPKI DER
//   (the StellaOps key id), so a bundle whose hint is not that key's id fails with "key not found".
//   '-' registers no key (certificate bundles). --ca adds a certificate authority (its PEM chain: intermediates,
//   then the root), --tsa a time-stamping authority (the TSA certificate, then its root); --timestamps sets the
//   RFC 3161 timestamp threshold (default 0). Without a timestamp @sigstore/verify checks no certificate chain.
//   --tlogs-from takes the transparency logs ("tlogs") of a Sigstore trusted root file; --tlogs sets the tlog
//   threshold (default 0): the bundle's tlogEntries must then verify (SET or inclusion proof and checkpoint).
// Exit: 0 verified, 1 verification failed (reason on stderr), 2 usage or unreadable input.

import { readFileSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const USAGE = 'usage: node verify-bundle.mjs <bundle.json> <public-key.pem|.der|-> [--hint <keyid>] [--ca <chain.pem>] [--tsa <chain.pem>] [--timestamps <n>] [--tlogs-from <trusted_root.json> --tlogs <n>] [--quiet]';

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

const positional = [];
let hint;
let quiet = false;
const caFiles = [];
const tsaFiles = [];
let timestampThreshold = 0;
let tlogThreshold = 0;
let tlogsFrom;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--hint') {
    hint = argv[++i];
    if (!hint) usage('--hint needs a value');
  } else if (a === '--ca' || a === '--tsa') {
    const file = argv[++i];
    if (!file) usage(`${a} needs a value`);
    (a === '--ca' ? caFiles : tsaFiles).push(file);
  } else if (a === '--timestamps') {
    timestampThreshold = Number(argv[++i]);
    if (!Number.isInteger(timestampThreshold) || timestampThreshold < 0) usage('--timestamps needs a count');
  } else if (a === '--tlogs') {
    tlogThreshold = Number(argv[++i]);
    if (!Number.isInteger(tlogThreshold) || tlogThreshold < 0) usage('--tlogs needs a count');
  } else if (a === '--tlogs-from') {
    tlogsFrom = argv[++i];
    if (!tlogsFrom) usage('--tlogs-from needs a file');
  } else if (a === '--quiet') {
    quiet = true;
  } else if (a === '-h' || a === '--help') {
    usage();
  } else if (a.startsWith('--')) {
    usage(`unknown option ${a}`);
  } else {
    positional.push(a);
  }
}
if (positional.length !== 2) usage('need exactly a bundle file and a public key file');
const [bundlePath, keyPath] = positional;

let bundleJson;
let keyObject;
try {
  bundleJson = JSON.parse(readFileSync(bundlePath, 'utf8'));
} catch (e) {
  usage(`cannot read bundle ${bundlePath}: ${e.message}`);
}
if (keyPath !== '-') {
  try {
    const raw = readFileSync(keyPath);
    keyObject = raw.toString('latin1').includes('-----BEGIN')
      ? createPublicKey(raw.toString('utf8'))
      : createPublicKey({ key: raw, format: 'der', type: 'spki' });
  } catch (e) {
    usage(`cannot read public key ${keyPath}: ${e.message}`);
  }
}

const spkiDer = keyObject?.export({ format: 'der', type: 'spki' });
const keyId = spkiDer ? createHash('sha256').update(spkiDer).digest('hex') : '(none)';
hint ??= keyId;

// A PEM file's certificates as the trusted root's {rawBytes} entries, in file order.
function pemChain(file) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) usage(`no certificate in ${file}`);
  return blocks.map((m) => ({ rawBytes: m[1].replace(/\s+/g, '') }));
}
function authority(file) {
  return {
    subject: { organization: 'test', commonName: file },
    uri: `file://${file}`,
    certChain: { certificates: pemChain(file) },
    validFor: { start: '2000-01-01T00:00:00Z' },
  };
}

try {
  const bundle = bundleFromJSON(bundleJson);
  // Empty trust root: nothing but the caller's key is trusted.
  const trustedRoot = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: tlogsFrom ? JSON.parse(readFileSync(tlogsFrom, 'utf8')).tlogs ?? [] : [],
    certificateAuthorities: caFiles.map(authority),
    ctlogs: [],
    timestampAuthorities: tsaFiles.map(authority),
  });
  // {hint: key} material: the protobuf PublicKey form (SPKI DER in rawBytes), as a trusted root carries it.
  const keys = spkiDer ? { [hint]: { rawBytes: spkiDer, keyDetails: 0 } } : {};
  const trustMaterial = toTrustMaterial(trustedRoot, keys);
  const verifier = new Verifier(trustMaterial, { tlogThreshold, ctlogThreshold: 0, timestampThreshold });
  verifier.verify(toSignedEntity(bundle));
  if (!quiet) console.log(`verified: ${bundlePath} with key ${keyId} (${keyObject?.asymmetricKeyType ?? 'certificate'}) under hint ${hint}`);
  process.exit(0);
} catch (e) {
  const code = e && e.code ? `${e.code}: ` : '';
  const fields = e && Array.isArray(e.fields) ? ` [${e.fields.join(', ')}]` : '';
  console.error(`verification failed: ${code}${e && e.message ? e.message : e}${fields}`);
  if (process.env.VERIFY_BUNDLE_STACK) console.error(e.stack);
  process.exit(1);
}
