#!/usr/bin/env node
// Independent, offline check of a Sigstore bundle's transparency-log inclusion alone, with @sigstore/verify's own
// tlog code: for each tlogEntry, the signed checkpoint (tlog/checkpoint.js verifyCheckpoint: a signature by a log
// of the trusted root, matched by key hint and name) and the RFC 6962 inclusion proof of the entry's body up to that
// checkpoint's root (tlog/merkle.js verifyMerkleInclusion), as tlog/index.js verifyTLogInclusion calls them for an
// entry with an inclusion proof. Nothing else: no SET, no body, no signature. It exists for Rekor v2 bundles, whose
// hashedrekord 0.0.2 body over the DSSE PAE digest @sigstore/verify 3.1.1's body check rejects (it hashes the
// payload; see tests/interop/README.md), so verify-bundle.mjs cannot reach a verdict on their inclusion.
//
// Usage: node verify-tlog-inclusion.mjs <bundle.json> <trusted_root.json> [--quiet]
//   Every entry must carry an inclusion proof with a checkpoint, and there must be at least one entry.
// Exit: 0 every entry's inclusion verified, 1 one did not (code and reason on stderr), 2 usage or unreadable input.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';

// Not part of the package's index; the package has no "exports" map, so its files are reachable by path.
const require = createRequire(import.meta.url);
const { verifyCheckpoint } = require('@sigstore/verify/dist/tlog/checkpoint');
const { verifyMerkleInclusion } = require('@sigstore/verify/dist/tlog/merkle');

const USAGE = 'usage: node verify-tlog-inclusion.mjs <bundle.json> <trusted_root.json> [--quiet]';

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

const argv = process.argv.slice(2);
const quiet = argv.includes('--quiet');
const positional = argv.filter((a) => a !== '--quiet');
if (positional.some((a) => a.startsWith('--'))) usage(`unknown option ${positional.find((a) => a.startsWith('--'))}`);
if (positional.length !== 2) usage('need exactly a bundle file and a trusted root file');
const [bundlePath, rootPath] = positional;

let bundle;
let tlogs;
try {
  bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
} catch (e) {
  usage(`cannot read bundle ${bundlePath}: ${e.message}`);
}
try {
  tlogs = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(readFileSync(rootPath, 'utf8'))), {}).tlogs;
} catch (e) {
  usage(`cannot read trusted root ${rootPath}: ${e.message}`);
}

const entries = bundle.verificationMaterial.tlogEntries;
if (entries.length === 0) {
  console.error('verification failed: TLOG_MISSING_INCLUSION_ERROR: the bundle has no tlogEntries');
  process.exit(1);
}
try {
  for (const entry of entries) {
    if (!entry.inclusionProof?.checkpoint) {
      throw Object.assign(new Error(`entry ${entry.logIndex} has no inclusion proof with a checkpoint`), { code: 'TLOG_MISSING_INCLUSION_ERROR' });
    }
    const checkpoint = verifyCheckpoint(entry, tlogs);
    verifyMerkleInclusion(entry, checkpoint);
    if (!quiet) console.log(`verified: entry ${entry.logIndex} included in '${checkpoint.origin}' at size ${checkpoint.logSize}`);
  }
  process.exit(0);
} catch (e) {
  const code = e && e.code ? `${e.code}: ` : '';
  console.error(`verification failed: ${code}${e && e.message ? e.message : e}`);
  process.exit(1);
}
