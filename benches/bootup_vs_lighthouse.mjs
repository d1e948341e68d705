// One Lighthouse navigation of URL with only the bootup-time audit, driven
// by benches/bootup_vs_lighthouse.sh (which installs lighthouse and runs
// this file from that install folder's copy).
//
//   node bootup_vs_lighthouse.mjs URL OUT.json
//
// Starts its own Chromium (chrome-launcher, no browser download: CHROME_PATH,
// default /usr/bin/chromium, the flags of shared/reference/machine.md), runs
// Lighthouse's desktop navigation with throttlingMethod "provided" (no CPU
// multiplier: bootup-time scales by one only under simulated throttling)
// and the audit's threshold at 0 ms (every URL is listed, not only those of
// 50 ms or more), and writes the audit's value and items (url, total,
// scripting, scriptParseCompile, ms) to OUT.json. Exit 0 on success, 1
// otherwise (OUT.json then carries `error`).
import fs from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const [url, outPath] = process.argv.slice(2);
if (!url || !outPath) {
  console.error('usage: node bootup_vs_lighthouse.mjs URL OUT.json');
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
    onlyAudits: ['bootup-time'],
    formFactor: 'desktop',
    screenEmulation: {mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false},
    throttlingMethod: 'provided',
  },
  audits: [{path: 'bootup-time', options: {thresholdInMs: 0}}],
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
  const audit = lhr.audits['bootup-time'];
  record.audit_error = audit?.errorMessage;
  record.numeric_value = audit?.numericValue;
  record.items = (audit?.details?.items || []).map((item) => ({
    url: item.url,
    total: item.total,
    scripting: item.scripting,
    scriptParseCompile: item.scriptParseCompile,
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
process.exit(code || (record.runtime_error || record.audit_error ? 1 : 0));
