// tuf-js (the npm TUF client) refreshing from a repository and downloading targets, for the .NET interop tests.
//   node tuf-js-client.mjs --root <root.json> --metadata-dir <dir> --metadata-url <url> [--target-dir <dir> --target-url <url>] [target …]
// Prints one JSON line: { "versions": { "root": n, … }, "targets": { "<path>": "<local file>" } }; exit 1 with the error on stderr.
import fs from 'node:fs';
import path from 'node:path';
import tufjs from 'tuf-js';

const { Updater } = tufjs;
const args = process.argv.slice(2);
const opts = {};
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) opts[args[i].slice(2)] = args[++i];
  else targets.push(args[i]);
}
try {
  fs.mkdirSync(opts['metadata-dir'], { recursive: true });
  const trusted = path.join(opts['metadata-dir'], 'root.json');
  if (!fs.existsSync(trusted)) fs.copyFileSync(opts.root, trusted);
  if (opts['target-dir']) fs.mkdirSync(opts['target-dir'], { recursive: true });
  const updater = new Updater({
    metadataDir: opts['metadata-dir'],
    metadataBaseUrl: opts['metadata-url'],
    targetDir: opts['target-dir'],
    targetBaseUrl: opts['target-url'],
    config: { fetchRetries: 0 },
  });
  const rounds = Number(opts.rounds ?? 1);
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) await updater.refresh();
  const refreshNanos = process.hrtime.bigint() - started;
  const downloaded = {};
  for (const t of targets) {
    const info = await updater.getTargetInfo(t);
    if (!info) throw new Error(`target not found: ${t}`);
    downloaded[t] = (await updater.findCachedTarget(info)) ?? (await updater.downloadTarget(info));
  }
  const versions = {};
  for (const f of fs.readdirSync(opts['metadata-dir'])) {
    if (!f.endsWith('.json')) continue;
    versions[f.slice(0, -5)] = JSON.parse(fs.readFileSync(path.join(opts['metadata-dir'], f), 'utf8')).signed.version;
  }
  console.log(JSON.stringify({ versions, targets: downloaded, refreshMilliseconds: Number(refreshNanos) / 1e6 }));
} catch (e) {
  console.error(`tuf-js: ${e?.constructor?.name ?? 'Error'}: ${e?.message ?? e}`);
  process.exit(1);
}
