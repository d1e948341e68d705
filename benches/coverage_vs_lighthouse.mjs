// One Lighthouse navigation of URL with only the unused-javascript audit,
// driven by benches/coverage_vs_lighthouse.sh (which installs lighthouse and
// runs this file from that install folder's copy).
//
//   node coverage_vs_lighthouse.mjs URL OUT.json
//
// Starts its own Chromium (chrome-launcher, no browser download: CHROME_PATH,
// default /usr/bin/chromium, the flags of shared/reference/machine.md), runs
// Lighthouse's desktop navigation with throttlingMethod "provided" (what
// perfscope's desktop profile applies: nothing) and the audit's thresholds
// at 0 (every script and every source file is listed, not only those over
// 20 KiB and 512 B), and writes each item (url, totalBytes, wastedBytes,
// wastedPercent, and per source file sourceBytes and sourceWastedBytes, the
// top 5 Lighthouse lists) to OUT.json. Exit 0 on success, 1 otherwise
// (OUT.json then carries `error`).
import fs from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const [url, outPath] = process.argv.slice(2);
if (!url || !outPath) {
  console.error('usage: node coverage_vs_lighthouse.mjs URL OUT.json');
  process.exit(2);
}
const CHROME_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-sync',
];
const CONFIG = {
  extends: 'lighthouse:default',
  settings: {
    onlyAudits: ['unused-javascript'],
    formFactor: 'desktop',
    screenEmulation: {mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false},
    throttlingMethod: 'provided',
  },
  audits: [
    {path: 'byte-efficiency/unused-javascript', options: {unusedThreshold: 0, bundleSourceUnusedThreshold: 0}},
  ],
};

const record = {url, chrome_path: process.env.CHROME_PATH || '/usr/bin/chromium'};
let chrome;
let code = 0;
try {
  const started = performance.now();
  chrome = await chromeLauncher.launch({chromePath: record.chrome_path, chromeFlags: CHROME_FLAGS});
  const result = await lighthouse(url, {port: chrome.port, output: 'json', logLevel: 'error'}, CONFIG);
  const lhr = result.lhr;
  record.wall_s = (performance.now() - started) / 1000;
  record.lighthouse_version = lhr.lighthouseVersion;
  record.browser_version = lhr.environment?.hostUserAgent;
  record.runtime_error = lhr.runtimeError?.code;
  const audit = lhr.audits['unused-javascript'];
  record.audit_error = audit?.errorMessage;
  record.items = (audit?.details?.items || []).map((item) => ({
    url: item.url,
    totalBytes: item.totalBytes,
    wastedBytes: item.wastedBytes,
    wastedPercent: item.wastedPercent,
    sources: (item.subItems?.items || []).map((s) => ({
      source: s.source,
      sourceBytes: s.sourceBytes,
      sourceWastedBytes: s.sourceWastedBytes,
    })),
  }));
} catch (e) {
  record.error = String(e && e.stack || e);
  code = 1;
} finally {
  if (chrome) {
    try {
      await chrome.kill();
    } catch {
      // already gone
    }
  }
}
fs.writeFileSync(outPath, JSON.stringify(record, null, 2) + '\n');
process.exit(code);
