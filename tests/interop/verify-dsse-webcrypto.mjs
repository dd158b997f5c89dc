#!/usr/bin/env node
// A second independent check of a DSSE envelope: Node's WebCrypto (crypto.subtle), not @sigstore/verify.
// It exists because @sigstore/verify 3.1.1 verifies every ECDSA signature over SHA-256 and so rejects ecdsa-p384
// envelopes, which sign over SHA-384 (sigstore's PKIX_ECDSA_P384_SHA_384). Here the hash follows the curve.
//
// Usage: node verify-dsse-webcrypto.mjs <envelope.json> <public-key.pem|.der> [--quiet]
//   Builds the PAE ("DSSEv1" SP len(type) SP type SP len(body) SP body) itself, converts the DER signature to
//   WebCrypto's r||s, and verifies: ECDSA P-256/SHA-256, P-384/SHA-384, RSASSA-PKCS1-v1_5/SHA-256, Ed25519.
// Exit: 0 verified, 1 verification failed (reason on stderr), 2 usage or unreadable input.

import { readFileSync } from 'node:fs';
import { createPublicKey, webcrypto } from 'node:crypto';

const { subtle } = webcrypto;
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const positional = args.filter(a => a !== '--quiet');
if (positional.length !== 2 || positional.some(a => a.startsWith('--'))) {
  console.error('usage: node verify-dsse-webcrypto.mjs <envelope.json> <public-key.pem|.der> [--quiet]');
  process.exit(2);
}
const [envelopePath, keyPath] = positional;

let envelope, keyObject;
try {
  envelope = JSON.parse(readFileSync(envelopePath, 'utf8'));
  const raw = readFileSync(keyPath);
  keyObject = raw.toString('latin1').includes('-----BEGIN')
    ? createPublicKey(raw.toString('utf8'))
    : createPublicKey({ key: raw, format: 'der', type: 'spki' });
} catch (e) {
  console.error(`error: ${e.message}`);
  process.exit(2);
}

const fromB64 = s => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
const payload = fromB64(envelope.payload ?? '');
const type = Buffer.from(envelope.payloadType ?? '', 'utf8');
const pae = Buffer.concat([
  Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type,
  Buffer.from(` ${payload.length} `, 'ascii'), payload,
]);
const sig = fromB64(envelope.signatures?.[0]?.sig ?? '');

// ASN.1 DER SEQUENCE { INTEGER r, INTEGER s } -> fixed-width r||s, as WebCrypto wants.
function derToRaw(der, size) {
  let i = 0;
  if (der[i++] !== 0x30) throw new Error('ECDSA signature is not a DER sequence');
  if (der[i] & 0x80) i += 1 + (der[i] & 0x7f); else i++;
  const ints = [];
  for (let k = 0; k < 2; k++) {
    if (der[i++] !== 0x02) throw new Error('ECDSA signature: expected an INTEGER');
    const len = der[i++];
    let v = der.subarray(i, i + len);
    i += len;
    while (v.length > size && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new Error('ECDSA signature: integer too long');
    ints.push(Buffer.concat([Buffer.alloc(size - v.length), v]));
  }
  return Buffer.concat(ints);
}

const spki = keyObject.export({ format: 'der', type: 'spki' });
const kind = keyObject.asymmetricKeyType;
let importAlg, verifyAlg, signature = sig, label;
if (kind === 'ec') {
  const curve = keyObject.asymmetricKeyDetails.namedCurve;
  const [named, hash, size] = curve === 'prime256v1' ? ['P-256', 'SHA-256', 32] : curve === 'secp384r1' ? ['P-384', 'SHA-384', 48] : [null];
  if (!named) { console.error(`error: unsupported curve ${curve}`); process.exit(2); }
  importAlg = { name: 'ECDSA', namedCurve: named };
  verifyAlg = { name: 'ECDSA', hash };
  label = `ECDSA ${named}/${hash}`;
  try { signature = derToRaw(sig, size); } catch (e) { console.error(`verification failed: ${e.message}`); process.exit(1); }
} else if (kind === 'rsa') {
  importAlg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  verifyAlg = { name: 'RSASSA-PKCS1-v1_5' };
  label = 'RSASSA-PKCS1-v1_5/SHA-256';
} else if (kind === 'ed25519') {
  importAlg = { name: 'Ed25519' };
  verifyAlg = { name: 'Ed25519' };
  label = 'Ed25519';
} else {
  console.error(`error: unsupported key type ${kind}`);
  process.exit(2);
}

const key = await subtle.importKey('spki', spki, importAlg, false, ['verify']);
const ok = await subtle.verify(verifyAlg, key, signature, pae);
if (!ok) {
  console.error(`verification failed: ${label} signature does not verify over the PAE`);
  process.exit(1);
}
if (!quiet) console.log(`verified: ${envelopePath} (${label})`);
process.exit(0);
