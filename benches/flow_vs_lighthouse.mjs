// One Lighthouse user-flow timespan on fixtures/vitals/site/flows/slow-click.html,
// driven by benches/flow_vs_lighthouse.sh (which installs lighthouse and
// puppeteer-core and runs this file from that install folder's copy).
//
//   node flow_vs_lighthouse.mjs URL OUT.json
//
// Starts its own Chromium (puppeteer-core, no browser download: CHROME_PATH,
// default /usr/bin/chromium), loads URL outside the timespan, then records a
// timespan around the same two clicks as fixtures/vitals/site/flows/slow-click.json
// (`#plus`, then `#add`, whose handler blocks 220 ms), waits WAIT_MS (default
// 500) for the last paint, and writes the INP audit and the
// work-during-interaction details to OUT.json. Exit 0 on success, 1 otherwise
// (OUT.json then carries `error`).
import fs from 'node:fs';
import puppeteer from 'puppeteer-core';
import {startFlow} from 'lighthouse';

const [url, outPath] = process.argv.slice(2);
if (!url || !outPath) {
  console.error('usage: node flow_vs_lighthouse.mjs URL OUT.json');
  process.exit(2);
}
const WAIT_MS = Number(process.env.WAIT_MS || 500);
const CHROME_FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-sync',
];
const CONFIG = {
  extends: 'lighthouse:default',
  settings: {
    formFactor: 'desktop',
    screenEmulation: {mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false},
    throttlingMethod: 'devtools',
    throttling: {
      rttMs: 0, throughputKbps: 0, cpuSlowdownMultiplier: 1,
      requestLatencyMs: 0, downloadThroughputKbps: 0, uploadThroughputKbps: 0,
    },
  },
};
// The INP audit's id in Lighthouse 12 (older releases called it
// experimental-interaction-to-next-paint); both are looked up.
const INP_AUDITS = ['interaction-to-next-paint', 'experimental-interaction-to-next-paint'];

const record = {url, chrome_path: process.env.CHROME_PATH || '/usr/bin/chromium', wait_ms: WAIT_MS};
let browser;
try {
  const started = performance.now();
  browser = await puppeteer.launch({
    executablePath: record.chrome_path,
    headless: true,
    args: CHROME_FLAGS,
    defaultViewport: null,
  });
  record.browser_version = await browser.version();
  const page = await browser.newPage();
  const flow = await startFlow(page, {config: CONFIG});
  await page.goto(url, {waitUntil: 'load'});
  await flow.startTimespan({name: 'Add to cart'});
  await page.click('#plus');
  await page.click('#add');
  await new Promise(resolve => setTimeout(resolve, WAIT_MS));
  await flow.endTimespan();
  const result = await flow.createFlowResult();
  record.wall_s = (performance.now() - started) / 1000;
  const lhr = result.steps[0].lhr;
  record.lighthouse_version = lhr.lighthouseVersion;
  record.gather_mode = lhr.gatherMode;
  const settings = lhr.configSettings || {};
  record.settings = {
    formFactor: settings.formFactor,
    throttlingMethod: settings.throttlingMethod,
    throttling: settings.throttling,
    screenEmulation: settings.screenEmulation,
  };
  record.runtime_error = lhr.runtimeError || null;
  record.audits = {};
  for (const id of INP_AUDITS) {
    const audit = lhr.audits[id];
    if (!audit) continue;
    record.audits[id] = {
      numericValue: audit.numericValue ?? null,
      displayValue: audit.displayValue ?? null,
      scoreDisplayMode: audit.scoreDisplayMode,
      errorMessage: audit.errorMessage ?? null,
    };
    if (record.inp_ms === undefined) {
      record.inp_audit = id;
      record.inp_ms = typeof audit.numericValue === 'number' ? audit.numericValue : null;
    }
  }
  if (record.inp_ms === undefined) record.inp_ms = null;
  const wdi = lhr.audits['work-during-interaction'];
  if (wdi) {
    record.work_during_interaction = {
      displayValue: wdi.displayValue ?? null,
      scoreDisplayMode: wdi.scoreDisplayMode,
      // Its details: the interaction's target node, then the input delay /
      // processing / presentation delay phases, then the scripts that ran.
      phases: null,
      details: wdi.details ?? null,
    };
    for (const item of wdi.details?.items || []) {
      if (item.type === 'table' && (item.items || []).some(row => row.phase)) {
        record.work_during_interaction.phases = item.items.map(row => ({
          phase: typeof row.phase === 'object' ? row.phase.formattedDefault ?? row.phase : row.phase,
          total_ms: row.total ?? null,
        }));
      }
      if (item.type === 'table' && (item.items || []).some(row => row.node)) {
        record.work_during_interaction.target =
          item.items.map(row => row.node?.selector || row.node?.snippet).find(Boolean) || null;
      }
    }
  }
  fs.writeFileSync(outPath, JSON.stringify(record, null, 2) + '\n');
  await browser.close();
  browser = null;
  process.exit(record.inp_ms === null || record.runtime_error ? 1 : 0);
} catch (e) {
  record.error = String(e && e.stack || e);
  fs.writeFileSync(outPath, JSON.stringify(record, null, 2) + '\n');
  console.error(record.error);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
