#!/usr/bin/env node
// Posts perfscope's Markdown report as one sticky pull-request comment: the
// comment whose body starts with the hidden marker `<!-- perfscope -->` is
// updated in place, or created when there is none. Node 18+ (global fetch),
// no dependencies.
//
//   node action/comment.mjs [--pr N] [--no-summary] BODY.md
//
// Environment (what GitHub Actions sets): GITHUB_TOKEN (needs pull-requests:
// write), GITHUB_REPOSITORY (owner/name), GITHUB_API_URL (default
// https://api.github.com), GITHUB_EVENT_PATH (the pull request number, unless
// --pr), GITHUB_EVENT_NAME, GITHUB_STEP_SUMMARY.
//
// A pull request from a fork (its token is read-only) or a token that may not
// write (403 or 404 on the POST or PATCH) is no error: the body goes to the job
// summary (unless --no-summary: the caller wrote it there already), a notice
// says why, and the exit status is 0. Anything else that fails (no token, bad
// credentials, a server error, a pull request that does not exist) exits 1.

import { appendFileSync, readFileSync } from 'node:fs';

const MARKER = '<!-- perfscope -->';
// GitHub refuses comment bodies over 65,536 characters.
const MAX_BODY = 65536;
// 100 pages of 100: a bound so a server that always answers "next" cannot loop.
const MAX_PAGES = 100;

class Fatal extends Error {}

function parseArgs(argv) {
  const opts = { pr: null, summary: true, file: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--pr') {
      opts.pr = argv[++i];
      if (opts.pr === undefined) throw new Fatal('--pr needs a pull request number');
    } else if (a.startsWith('--pr=')) {
      opts.pr = a.slice('--pr='.length);
    } else if (a === '--no-summary') {
      opts.summary = false;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node comment.mjs [--pr N] [--no-summary] BODY.md\n');
      process.exit(0);
    } else if (a.startsWith('-')) {
      throw new Fatal(`unknown option ${a}`);
    } else if (opts.file === null) {
      opts.file = a;
    } else {
      throw new Fatal(`one body file only (got ${opts.file} and ${a})`);
    }
  }
  if (opts.file === null) throw new Fatal('usage: node comment.mjs [--pr N] [--no-summary] BODY.md');
  if (opts.pr !== null && !/^[1-9][0-9]*$/.test(String(opts.pr))) {
    throw new Fatal(`--pr must be a pull request number, not "${opts.pr}"`);
  }
  return opts;
}

// The comment body: exactly one marker, first, and within GitHub's limit.
function withMarker(markdown) {
  let body = markdown.split(MARKER).join('').replace(/^\s*\n/, '');
  const head = `${MARKER}\n`;
  if (head.length + body.length > MAX_BODY) {
    const note = '\n\n… (cut to fit GitHub\'s comment limit: the full report is in the job summary and report.md)\n';
    body = body.slice(0, MAX_BODY - head.length - note.length) + note;
  }
  return head + body;
}

function readEvent() {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Fatal(`cannot read the event file GITHUB_EVENT_PATH=${path}: ${e.message}`);
  }
}

// A pull request whose head is in another repository that is a fork: GitHub
// gives its workflows a read-only token on `pull_request` events.
function isForkPullRequest(event) {
  if (process.env.GITHUB_EVENT_NAME !== 'pull_request') return false;
  const pr = event && event.pull_request;
  if (!pr || !pr.head) return false;
  const head = pr.head.repo;
  if (head === null) return true; // the fork was deleted
  if (!head || head.fork !== true) return false;
  const base = (pr.base && pr.base.repo && pr.base.repo.full_name) || process.env.GITHUB_REPOSITORY;
  return !base || head.full_name !== base;
}

function notice(message) {
  // A workflow command: shown as a notice in the run's annotations.
  process.stdout.write(`::notice title=perfscope::${message.replace(/%/g, '%25').replace(/\r?\n/g, '%0A')}\n`);
}

function fallBack(body, reason, opts) {
  const summary = process.env.GITHUB_STEP_SUMMARY;
  let where = 'the job log';
  if (opts.summary && summary) {
    appendFileSync(summary, `${body}\n`);
    where = 'the job summary';
  } else if (opts.summary) {
    process.stdout.write(`${body}\n`);
  } else {
    where = 'the job summary (written before)';
  }
  notice(`no pull-request comment: ${reason}; the report is in ${where}`);
}

class Api {
  constructor(base, token) {
    this.base = base.replace(/\/+$/, '');
    this.origin = new URL(this.base).origin;
    this.token = token;
  }

  async request(method, url, body) {
    const target = url.startsWith('http') ? url : `${this.base}${url}`;
    if (new URL(target).origin !== this.origin) {
      throw new Fatal(`refusing to send the token to ${target} (not ${this.origin})`);
    }
    let response;
    try {
      response = await fetch(target, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'perfscope-action',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const cause = e.cause && e.cause.message ? `: ${e.cause.message}` : '';
      throw new Fatal(`${method} ${target} failed: ${e.message}${cause}`);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (_) {
      // Not JSON: kept as text for the error message.
    }
    return { status: response.status, ok: response.ok, headers: response.headers, json, text };
  }
}

function apiError(method, path, res) {
  const detail = (res.json && res.json.message) || res.text.slice(0, 200) || '(empty body)';
  return new Fatal(`${method} ${path}: HTTP ${res.status}: ${detail}`);
}

function nextLink(header) {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (m) return m[1];
  }
  return null;
}

async function findMarked(api, repo, pr) {
  const first = `/repos/${repo}/issues/${pr}/comments?per_page=100&page=1`;
  let url = first;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await api.request('GET', url);
    if (res.status === 404) {
      throw new Fatal(`pull request #${pr} of ${repo} not found (GET ${first}: HTTP 404)`);
    }
    if (!res.ok) throw apiError('GET', url, res);
    if (!Array.isArray(res.json)) throw new Fatal(`GET ${url}: expected a list of comments`);
    const mine = res.json.find((c) => typeof c.body === 'string' && c.body.trimStart().startsWith(MARKER));
    if (mine) return mine;
    const next = nextLink(res.headers.get('link'));
    if (next) {
      url = next;
    } else if (!res.headers.get('link') && res.json.length === 100) {
      // No Link header at all: ask for the next page by number.
      url = `/repos/${repo}/issues/${pr}/comments?per_page=100&page=${page + 1}`;
    } else {
      return null;
    }
  }
  return null;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let markdown;
  try {
    markdown = readFileSync(opts.file, 'utf8');
  } catch (e) {
    throw new Fatal(`cannot read the comment body ${opts.file}: ${e.message}`);
  }
  const body = withMarker(markdown);

  const event = readEvent();
  if (isForkPullRequest(event)) {
    fallBack(body, 'this pull request comes from a fork, whose token cannot write comments', opts);
    return;
  }

  const token = process.env.GITHUB_TOKEN;
  const repo = process.env.GITHUB_REPOSITORY;
  if (!token) throw new Fatal('GITHUB_TOKEN is not set (pass github-token, with pull-requests: write)');
  if (!repo || !/^[^/\s]+\/[^/\s]+$/.test(repo)) {
    throw new Fatal(`GITHUB_REPOSITORY must be owner/name, not "${repo || ''}"`);
  }
  const pr = opts.pr || (event && ((event.pull_request && event.pull_request.number) || (event.issue && event.issue.pull_request && event.issue.number)));
  if (!pr) {
    throw new Fatal(
      `no pull request number: the event (${process.env.GITHUB_EVENT_NAME || 'none'}) is not a pull request; pass --pr N`,
    );
  }

  const api = new Api(process.env.GITHUB_API_URL || 'https://api.github.com', token);
  const existing = await findMarked(api, repo, pr);
  const [method, path] = existing
    ? ['PATCH', `/repos/${repo}/issues/comments/${existing.id}`]
    : ['POST', `/repos/${repo}/issues/${pr}/comments`];
  const res = await api.request(method, path, { body });
  if (res.status === 403 || res.status === 404) {
    const why = (res.json && res.json.message) || `HTTP ${res.status}`;
    fallBack(body, `the token may not write comments on #${pr} (${method}: HTTP ${res.status} ${why}; the job needs permissions: pull-requests: write)`, opts);
    return;
  }
  if (!res.ok) throw apiError(method, path, res);
  const url = (res.json && res.json.html_url) || `#${pr}`;
  process.stdout.write(`perfscope: ${existing ? 'updated' : 'created'} the pull-request comment ${url}\n`);
}

main().catch((e) => {
  if (e instanceof Fatal) {
    process.stderr.write(`perfscope comment: ${e.message}\n`);
  } else {
    process.stderr.write(`perfscope comment: unexpected error: ${e && e.stack ? e.stack : e}\n`);
  }
  process.exit(1);
});
