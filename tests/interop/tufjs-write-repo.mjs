// Writes a TUF repository with @tufjs/models (not the project's model), for the .NET client to consume:
// root v1 → v2 (the root key rotated, signed by both), timestamp, snapshot, targets delegating "deleg/*" to the
// role "delegated", consistent snapshots, hash-prefixed target files. ed25519 and ECDSA P-256 keys.
//   node tufjs-write-repo.mjs <out-dir>
// Prints { "targets": { "<path>": "<content>" } }.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import models from '@tufjs/models';
import canonical from '@tufjs/canonical-json';

const { Metadata, Root, Timestamp, Snapshot, Targets, Key, MetaFile, TargetFile, Signature, MetadataKind } = models;
const out = process.argv[2];
const metaDir = path.join(out, 'metadata');
const targetDir = path.join(out, 'targets');
fs.mkdirSync(metaDir, { recursive: true });
fs.mkdirSync(targetDir, { recursive: true });
const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const canonicalize = canonical.canonicalize ?? canonical;

function newKey(kind) {
  const { privateKey, publicKey } = kind === 'ed25519'
    ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const meta = kind === 'ed25519'
    ? { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex') } }
    : { keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: { public: publicKey.export({ format: 'pem', type: 'spki' }).toString() } };
  const keyID = crypto.createHash('sha256').update(canonicalize(meta)).digest('hex');
  const key = new Key({ keyID, keyType: meta.keytype, scheme: meta.scheme, keyVal: meta.keyval });
  const sign = (data) => new Signature({
    keyID,
    sig: (kind === 'ed25519' ? crypto.sign(null, data, privateKey) : crypto.sign('sha256', data, privateKey)).toString('hex'),
  });
  return { key, keyID, sign };
}

function write(name, md) {
  const bytes = Buffer.from(JSON.stringify(md.toJSON()));
  fs.writeFileSync(path.join(metaDir, name), bytes);
  return bytes;
}

function describe(version, bytes) {
  return new MetaFile({ version, length: bytes.length, hashes: { sha256: crypto.createHash('sha256').update(bytes).digest('hex') } });
}

function addTarget(targets, targetPath, content) {
  const data = Buffer.from(content);
  const hash = crypto.createHash('sha256').update(data).digest('hex');
  targets.addTarget(new TargetFile({ path: targetPath, length: data.length, hashes: { sha256: hash } }));
  const dir = path.dirname(targetPath);
  const file = path.join(targetDir, dir === '.' ? '' : dir, `${hash}.${path.basename(targetPath)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

const root1Key = newKey('ecdsa');
const root2Key = newKey('ed25519');
const timestampKey = newKey('ecdsa');
const snapshotKey = newKey('ed25519');
const targetsKey = newKey('ed25519');
const delegatedKey = newKey('ecdsa');

function rootMetadata(version, rootKey) {
  const root = new Metadata(new Root({ version, specVersion: '1.0.31', expires, consistentSnapshot: true }));
  root.signed.addKey(rootKey.key, 'root');
  root.signed.addKey(timestampKey.key, 'timestamp');
  root.signed.addKey(snapshotKey.key, 'snapshot');
  root.signed.addKey(targetsKey.key, 'targets');
  return root;
}
const root1 = rootMetadata(1, root1Key);
root1.sign(root1Key.sign);
write('1.root.json', root1);
const root2 = rootMetadata(2, root2Key);
root2.sign(root1Key.sign);
root2.sign(root2Key.sign);
write('2.root.json', root2);

const contents = { 'top.txt': 'top-level target, written by @tufjs/models', 'deleg/x.txt': 'delegated target' };
const delegatedJson = {
  signed: { _type: 'targets', spec_version: '1.0.31', version: 1, expires, targets: {} },
  signatures: [],
};
const delegated = Metadata.fromJSON(MetadataKind.Targets, delegatedJson);
addTarget(delegated.signed, 'deleg/x.txt', contents['deleg/x.txt']);
delegated.sign(delegatedKey.sign);
const delegatedBytes = write('1.delegated.json', delegated);

const targets = Metadata.fromJSON(MetadataKind.Targets, {
  signed: {
    _type: 'targets', spec_version: '1.0.31', version: 1, expires, targets: {},
    delegations: {
      keys: { [delegatedKey.keyID]: delegatedKey.key.toJSON() },
      roles: [{ name: 'delegated', keyids: [delegatedKey.keyID], threshold: 1, terminating: true, paths: ['deleg/*'] }],
    },
  },
  signatures: [],
});
addTarget(targets.signed, 'top.txt', contents['top.txt']);
targets.sign(targetsKey.sign);
const targetsBytes = write('1.targets.json', targets);

const snapshot = new Metadata(new Snapshot({
  version: 1, specVersion: '1.0.31', expires,
  meta: { 'targets.json': describe(1, targetsBytes), 'delegated.json': describe(1, delegatedBytes) },
}));
snapshot.sign(snapshotKey.sign);
const snapshotBytes = write('1.snapshot.json', snapshot);

const timestamp = new Metadata(new Timestamp({ version: 1, specVersion: '1.0.31', expires, snapshotMeta: describe(1, snapshotBytes) }));
timestamp.sign(timestampKey.sign);
write('timestamp.json', timestamp);

console.log(JSON.stringify({ targets: contents }));
