// tuf-js as an independent TUF client: refreshes from a repository served on 127.0.0.1 and downloads targets.
// usage: node tuf-js-refresh.mjs METADATA_URL TARGETS_URL METADATA_DIR TARGET_DIR TARGET_NAME...
// METADATA_DIR must hold the trusted root.json (tuf-js keeps its cache there). Prints one JSON object:
// { "root": N, "timestamp": N, "snapshot": N, "targets": N, "files": { name: path } }; exits 1 with the error on refusal.
import { Updater } from 'tuf-js';
import fs from 'node:fs';
import path from 'node:path';

const [metadataBaseUrl, targetBaseUrl, metadataDir, targetDir, ...names] = process.argv.slice(2);
try {
  const updater = new Updater({ metadataBaseUrl, targetBaseUrl, metadataDir, targetDir });
  await updater.refresh();
  const files = {};
  for (const name of names) {
    const info = await updater.getTargetInfo(name);
    if (!info) throw new Error(`target ${name} not found`);
    fs.mkdirSync(targetDir, { recursive: true });
    files[name] = await updater.downloadTarget(info, path.join(targetDir, name.replaceAll('/', '_')));
  }
  const version = (role) => JSON.parse(fs.readFileSync(path.join(metadataDir, `${role}.json`), 'utf8')).signed.version;
  console.log(JSON.stringify({ root: version('root'), timestamp: version('timestamp'), snapshot: version('snapshot'), targets: version('targets'), files }));
} catch (e) {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
}
