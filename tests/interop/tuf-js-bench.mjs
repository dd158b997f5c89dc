// The tuf-js side of tests/bench/tuf.bench.ps1 (run by tests/StellaOps.Ops.TufBench):
//   node tuf-js-bench.mjs <root.json> <metadata-url> <work-dir> <noop rounds> <full rounds> <probes file>
// noop: a new Updater over a warm cache refreshing (timestamp unchanged); full: a new client refreshing and looking
// up every probe target (one per hash bin). Prints { "noop": [ms…], "full": [ms…] }, measured inside this process.
import fs from 'node:fs';
import path from 'node:path';
import tufjs from 'tuf-js';

const { Updater } = tufjs;
const [rootFile, metadataBaseUrl, work, noopRounds, fullRounds, probesFile] = process.argv.slice(2);
const probes = fs.readFileSync(probesFile, 'utf8').split('\n').filter(Boolean);
const config = { fetchRetries: 0 };

function init(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(rootFile, path.join(dir, 'root.json'));
}

const warm = path.join(work, 'noop');
init(warm);
for (let i = 0; i < 5; i++) await new Updater({ metadataDir: warm, metadataBaseUrl, config }).refresh();
const noop = [];
for (let r = 0; r < Number(noopRounds); r++) {
  const t = process.hrtime.bigint();
  await new Updater({ metadataDir: warm, metadataBaseUrl, config }).refresh();
  noop.push(Number(process.hrtime.bigint() - t) / 1e6);
}

async function full(round) {
  const dir = path.join(work, `full-${round}`);
  init(dir);
  const t = process.hrtime.bigint();
  const updater = new Updater({ metadataDir: dir, metadataBaseUrl, config });
  await updater.refresh();
  for (const p of probes) if (!(await updater.getTargetInfo(p))) throw new Error(`not found: ${p}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}
await full(-1);
const fullTimes = [];
for (let r = 0; r < Number(fullRounds); r++) fullTimes.push(await full(r));
console.log(JSON.stringify({ noop, full: fullTimes }));
