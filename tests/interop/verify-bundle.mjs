#!/usr/bin/env node
// Independent, offline check of a Sigstore bundle (v0.3, DSSE envelope, public-key hint) with
// @sigstore/verify's Verifier. No network: the trusted root is empty (no tlogs, CAs, CT logs or TSAs) and
// the tlog, ctlog and timestamp thresholds are 0, because our bundles carry no log entry yet.
//
// Usage: node verify-bundle.mjs <bundle.json> <public-key.pem|.der> [--hint <keyid>] [--quiet]
//   The key is registered under --hint, or by default under the lowercase hex SHA-256 of its SPKI DER
//   (the StellaOps key id), so a bundle whose hint is not that key's id fails with "key not found".
// Exit: 0 verified, 1 verification failed (reason on stderr), 2 usage or unreadable input.

import { readFileSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

const USAGE = 'usage: node verify-bundle.mjs <bundle.json> <public-key.pem|.der> [--hint <keyid>] [--quiet]';

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

const positional = [];
let hint;
let quiet = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--hint') {
    hint = argv[++i];
    if (!hint) usage('--hint needs a value');
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
try {
  const raw = readFileSync(keyPath);
  keyObject = raw.toString('latin1').includes('-----BEGIN')
    ? createPublicKey(raw.toString('utf8'))
    : createPublicKey({ key: raw, format: 'der', type: 'spki' });
} catch (e) {
  usage(`cannot read public key ${keyPath}: ${e.message}`);
}

const spkiDer = keyObject.export({ format: 'der', type: 'spki' });
const keyId = createHash('sha256').update(spkiDer).digest('hex');
hint ??= keyId;

try {
  const bundle = bundleFromJSON(bundleJson);
  // Empty trust root: nothing but the caller's key is trusted.
  const trustedRoot = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
  // {hint: key} material: the protobuf PublicKey form (SPKI DER in rawBytes), as a trusted root carries it.
  const keys = { [hint]: { rawBytes: spkiDer, keyDetails: 0 } };
  const trustMaterial = toTrustMaterial(trustedRoot, keys);
  const verifier = new Verifier(trustMaterial, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  if (!quiet) console.log(`verified: ${bundlePath} with key ${keyId} (${keyObject.asymmetricKeyType}) under hint ${hint}`);
  process.exit(0);
} catch (e) {
  const code = e && e.code ? `${e.code}: ` : '';
  const fields = e && Array.isArray(e.fields) ? ` [${e.fields.join(', ')}]` : '';
  console.error(`verification failed: ${code}${e && e.message ? e.message : e}${fields}`);
  process.exit(1);
}
