// Why this exists: the end-to-end tests (tests/EndToEnd.Tests/Browser) need a real browser to use the gateway's upload
// page as a person would: pick files, watch the rows, reload mid-upload. This drives Debian's /usr/bin/chromium through
// playwright-core (pinned, no browser download) and prints ONE JSON line describing what the page and the network did;
// the C# tests assert on it and on the server. Every wait is on a DOM or network condition, never a sleep.
//
// node page.mjs --base-url http://127.0.0.1:PORT --scenario upload|reload|refused --file PATH [--file PATH]
//               [--query "chunkSize=65536&maxConcurrentChunks=1"] [--hold-after N]
// A credential (API key) comes in the PAGE_CREDENTIAL environment variable, never on the command line: it is typed
// into the page's credential field as a person would.
import { chromium } from 'playwright-core';
import { parseArgs } from 'node:util';
import { basename } from 'node:path';

const { values: options } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    scenario: { type: 'string' },
    file: { type: 'string', multiple: true },
    query: { type: 'string', default: '' },
    'hold-after': { type: 'string', default: '0' },
    timeout: { type: 'string', default: '60000' },
  },
});
const baseUrl = options['base-url'];
const files = options.file ?? [];
const timeout = Number(options.timeout);
const credential = process.env.PAGE_CREDENTIAL ?? '';
const pageUrl = new URL(options.query ? `/?${options.query}` : '/', baseUrl).toString();

const chunkPut = /\/api\/uploads\/([^/]+)\/chunks\/(\d+)$/;
const completePost = /\/api\/uploads\/([^/]+)\/complete$/;
const terminal = ['completed', 'failed', 'cancelled'];

const rowSelector = (fileName) => `li[data-testid="upload-row"][data-file-name="${fileName}"]`;

/** Network facts the tests assert on: every chunk PUT answered, and the video each completion returned. */
function watchNetwork(page, facts) {
  page.on('response', (response) => {
    const request = response.request();
    const path = new URL(response.url()).pathname;
    if (request.method() === 'PUT' && chunkPut.test(path)) {
      facts.chunkResponses.push({ chunk: Number(path.match(chunkPut)[2]), status: response.status() });
      facts.onChunkResponse();
    } else if (request.method() === 'POST' && completePost.test(path) && response.ok()) {
      facts.videos.push(response.json().then((video) => ({ uploadId: path.match(completePost)[1], videoId: video.id })));
    }
  });
  page.on('pageerror', (error) => facts.pageErrors.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') facts.consoleErrors.push(message.text()); });
}

/** Waits until the row of every file has a terminal data-status, then reads each row as the page shows it. */
async function finishedRows(page) {
  const rows = [];
  for (const file of files) {
    const selector = rowSelector(basename(file));
    await page.waitForFunction(
      ([selector, terminal]) => terminal.includes(document.querySelector(selector)?.dataset.status),
      [selector, terminal], { timeout });
    rows.push(await readRow(page, selector));
  }
  return rows;
}

async function readRow(page, selector) {
  return page.$eval(selector, (row) => {
    const text = (testId) => row.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim() ?? null;
    const progress = row.querySelector('progress[data-testid="progress"]');
    return {
      fileName: row.dataset.fileName,
      status: row.dataset.status,
      uploadId: row.dataset.uploadId ?? null,
      percent: text('percent'),
      chunks: text('chunks'),
      error: text('error'),
      progressValue: progress ? progress.value : null,
      progressMax: progress ? progress.max : null,
    };
  });
}

async function serverStatus(uploadId) {
  const headers = credential ? { Authorization: `Bearer ${credential}` } : {};
  const response = await fetch(new URL(`/api/uploads/${uploadId}`, baseUrl), { headers });
  if (!response.ok) throw new Error(`GET /api/uploads/${uploadId}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function pickFiles(page) {
  if (credential) {
    const field = page.locator('[data-testid="credential"]');
    // The page may fold the field away (a <details> disclosure): open it as a person would.
    if (!(await field.isVisible())) await page.locator('details:has([data-testid="credential"]) > summary').click();
    await field.fill(credential);
  }
  await page.locator('[data-testid="file-input"]').setInputFiles(files);
}

/** (a), (c), (d): pick the files, wait for every row to end. */
async function upload(page) {
  await page.goto(pageUrl);
  await pickFiles(page);
  const rows = await finishedRows(page);
  return { rows, notice: await readNotice(page) };
}

/** The page's notice (e.g. "this service needs a credential") when it is shown; null when hidden or empty. */
async function readNotice(page) {
  const notice = page.locator('[data-testid="notice"]');
  return (await notice.count()) > 0 && (await notice.isVisible()) ? ((await notice.textContent())?.trim() || null) : null;
}

/**
 * (b): let N chunk PUTs through, hold the next one (so the server has exactly N), reload, pick the same file again and
 * count the PUTs the page sends after the reload: only the chunks the server lacked.
 */
async function reload(page, facts) {
  const holdAfter = Number(options['hold-after']);
  let phase = 'before';
  let putsBeforeReload = 0;
  const chunksAfterReload = [];
  let heldOne;
  const held = new Promise((resolve) => { heldOne = resolve; });
  let enoughAnswered;
  const answered = new Promise((resolve) => { enoughAnswered = resolve; });
  facts.onChunkResponse = () => {
    if (facts.chunkResponses.filter((r) => r.status === 200).length >= holdAfter) enoughAnswered();
  };

  await page.route(chunkPut, async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    if (phase === 'before') {
      putsBeforeReload += 1;
      if (putsBeforeReload <= holdAfter) return route.continue();
      // Never answered: the reload cancels it in the browser, so it never reaches the server.
      heldOne();
      return undefined;
    }
    chunksAfterReload.push(Number(new URL(route.request().url()).pathname.match(chunkPut)[2]));
    return route.continue();
  });

  await page.goto(pageUrl);
  await pickFiles(page);
  await Promise.all([answered, held]);
  const selector = rowSelector(basename(files[0]));
  const before = await readRow(page, selector);
  const statusBeforeReload = await serverStatus(before.uploadId);

  phase = 'after';
  await page.reload();
  await pickFiles(page);
  const rows = await finishedRows(page);
  return {
    rows,
    uploadIdBeforeReload: before.uploadId,
    statusBeforeReload: { completedChunks: statusBeforeReload.completedChunks, totalChunks: statusBeforeReload.totalChunks, missingChunks: statusBeforeReload.missingChunks },
    putsBeforeReload,
    chunksAfterReload,
  };
}

const scenarios = { upload, refused: upload, reload };
const scenario = scenarios[options.scenario];
if (!baseUrl || !scenario || files.length === 0) {
  console.error('usage: node page.mjs --base-url URL --scenario upload|reload|refused --file PATH [--file PATH] [--query Q] [--hold-after N]');
  process.exit(2);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], headless: true });
try {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(timeout);
  const facts = { chunkResponses: [], videos: [], pageErrors: [], consoleErrors: [], onChunkResponse: () => {} };
  watchNetwork(page, facts);
  const result = await scenario(page, facts);
  console.log(JSON.stringify({
    ...result,
    chunkResponses: facts.chunkResponses,
    videos: await Promise.all(facts.videos),
    pageErrors: facts.pageErrors,
    consoleErrors: facts.consoleErrors,
  }));
} finally {
  await browser.close();
}
