#!/usr/bin/env node
// player-e2e.mjs: drives examples/player in Debian's headless Chromium through a whole round: sign in as a
// fresh user, upload a video through the page's file input, wait until the page shows it READY, check its
// thumbnail, play it and watch hls.js play the master playlist's renditions, take a screenshot. Prints one
// "ok - player: ..." or "not ok - player: ..." line per check (details on "#   " lines after a failure) and
// exits 1 when any check failed. Any console error, uncaught exception or failed request (but a favicon)
// on the page fails the run too.
//
//   node tests/browser/player-e2e.mjs --page LOCAL_URL --video FILE --screenshot OUT.png [--timeout-s 120]
//       [--chromium /usr/bin/chromium]
//
// Needs `npm ci --prefix tests/browser` (playwright-core; no browser download) and Debian's chromium.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let failures = 0;
function ok(what) {
  console.log(`ok - player: ${what}`);
}
function notOk(what, ...details) {
  failures++;
  console.log(`not ok - player: ${what}`);
  for (const d of details.flat()) for (const line of String(d).split('\n')) console.log(`#   ${line}`);
}

function usage(message) {
  console.error(`player-e2e: ${message}`);
  console.error('usage: node tests/browser/player-e2e.mjs --page URL --video FILE --screenshot OUT.png [--timeout-s 120] [--chromium PATH]');
  process.exit(2);
}

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      page: { type: 'string' },
      video: { type: 'string' },
      screenshot: { type: 'string' },
      'timeout-s': { type: 'string', default: '120' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
    },
  }));
} catch (err) {
  usage(err.message);
}
if (!opts.page || !opts.video || !opts.screenshot) usage('--page, --video and --screenshot are required');
const timeoutMs = Number(opts['timeout-s']) * 1000;
if (!(timeoutMs > 0)) usage('--timeout-s must be a positive number of seconds');
const pageUrl = new URL(opts.page).href;
const videoPath = resolve(opts.video);
const screenshotPath = resolve(opts.screenshot);

// Playwright's messages carry a call log and terminal colours: the first line says it.
const plain = (text) => String(text).replace(/\x1b\[[0-9;]*m/g, '');
const firstLine = (text) => plain(text).split('\n')[0];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const since = (t0) => ((Date.now() - t0) / 1000).toFixed(1);

// Everything the page does wrong, whatever step it happens in.
const consoleErrors = [];
const failedRequests = [];
const isFavicon = (url) => /\/favicon\.ico(\?|$)/.test(url);

// A step that the rest depends on: its failure ends the round (the page checks still run).
class Stop extends Error {}
function must(cond, what, ...details) {
  if (cond) ok(what);
  else {
    notOk(what, ...details);
    throw new Stop(what);
  }
}

async function pageDetails(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent?.trim() || '';
    return [`page message: ${text('[data-testid="message"]') || '(none)'}`,
      `upload status: ${text('[data-testid="upload-status"]') || '(none)'}`,
      `player: ${document.querySelector('[data-testid="player"]')?.dataset.state} ${text('[data-testid="player-info"]')}`];
  }).catch((err) => [`(page not readable: ${err.message})`]);
}

// Polls fn (in Node) until it returns a truthy value or ms pass; returns the last value.
async function until(fn, ms, every = 250) {
  const end = Date.now() + ms;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() >= end) return v;
    await sleep(every);
  }
}

async function round(page) {
  const user = `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const size = statSync(videoPath).size;

  // ---- the page and its settings ----
  let t0 = Date.now();
  const resp = await page.goto(pageUrl, { waitUntil: 'load', timeout: 30000 }).catch((err) => err);
  must(!(resp instanceof Error) && resp?.ok(), `the page loads from ${pageUrl}`,
    resp instanceof Error ? firstLine(resp.message) : `HTTP ${resp?.status()}`);
  const ready = await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 }).then(() => true, () => false);
  must(ready, 'the page reads its config.json', await pageDetails(page));

  // ---- sign in ----
  await page.getByTestId('username').fill(user);
  await page.getByTestId('sign-in').click();
  const signedIn = await page.waitForSelector('body[data-auth="signed-in"]', { timeout: 15000 }).then(() => true, () => false);
  const shown = signedIn ? (await page.getByTestId('user-name').textContent()).trim() : '';
  must(signedIn && shown === user, `signs in as a fresh user (${user})`, `shown: '${shown}'`, await pageDetails(page));
  const token = await page.evaluate(() => sessionStorage.getItem('vidpipe.session'));
  if (token && JSON.parse(token).token) ok('keeps the token in sessionStorage');
  else notOk('keeps the token in sessionStorage', `vidpipe.session: ${token}`);

  const empty = await page.getByTestId('no-videos').waitFor({ state: 'visible', timeout: 15000 }).then(() => true, () => false);
  must(empty, "lists a fresh user's videos: none", await pageDetails(page));

  // ---- upload ----
  await page.evaluate(() => {
    const seen = (window.__e2eProgress = []);
    const bar = document.querySelector('[data-testid="upload-progress"]');
    new MutationObserver(() => seen.push(Number(bar.value))).observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
  t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(videoPath);
  await page.getByTestId('upload-button').click();
  const panel = page.getByTestId('upload-panel');
  const uploadState = await until(async () => {
    const s = await panel.getAttribute('data-state');
    return s === 'done' || s === 'error' ? s : null;
  }, Math.min(timeoutMs, 120000)) || await panel.getAttribute('data-state');
  const progress = await page.evaluate(() => window.__e2eProgress);
  const videoId = await panel.getAttribute('data-video-id');
  must(uploadState === 'done' && videoId && progress.includes(100),
    `uploads ${basename(videoPath)} (${size} bytes) through POST /upload and the presigned PUT in ${since(t0)} s, progress ${[...new Set(progress)].join(' → ')} %`,
    `upload panel state: ${uploadState}, video id: ${videoId}`, await pageDetails(page));

  // ---- processing ----
  const card = page.locator(`[data-testid="video-card"][data-video-id="${videoId}"]`);
  const states = [];
  t0 = Date.now();
  const finalState = await until(async () => {
    const s = await card.getAttribute('data-state', { timeout: 1000 }).catch(() => null);
    if (s && states[states.length - 1] !== s) states.push(s);
    return s === 'READY' || s === 'FAILED' ? s : null;
  }, timeoutMs, 200);
  const detail = finalState === 'FAILED'
    ? [`error shown: ${await card.getByTestId('video-error').textContent().catch(() => '(none)')}`]
    : [`still ${states[states.length - 1] || 'not listed'} after ${since(t0)} s`];
  const seen = states.join(' → ') || 'never listed';
  must(finalState === 'READY', finalState === 'READY' ? `the video becomes READY in ${since(t0)} s (${seen})`
    : `the video becomes READY within ${opts['timeout-s']} s (${seen})`, detail, await pageDetails(page));

  const filename = (await card.getByTestId('video-filename').textContent()).trim();
  const status = (await card.getByTestId('video-status').textContent()).trim();
  const created = await card.locator('[data-testid="video-created"]').getAttribute('datetime').catch(() => null);
  if (filename && status && created && !Number.isNaN(Date.parse(created)))
    ok(`the card shows filename '${filename}', status '${status}' and created time ${created}`);
  else notOk('the card shows filename, status and created time', `filename '${filename}', status '${status}', created ${created}`);

  // ---- thumbnail ----
  const thumb = await until(() => card.evaluate((li) => {
    const img = li.querySelector('img[data-testid="video-thumbnail"]');
    if (!img) return null;
    return img.complete && img.naturalWidth > 0 ? { w: img.naturalWidth, h: img.naturalHeight, src: img.currentSrc } : null;
  }), 15000);
  if (thumb) ok(`the card's thumbnail loaded (${thumb.w}x${thumb.h})`);
  else {
    notOk("the card's thumbnail loaded", await card.evaluate((li) => {
      const img = li.querySelector('img');
      return img ? `img ${img.src}: complete ${img.complete}, naturalWidth ${img.naturalWidth}` : 'no img in the card';
    }));
  }

  // ---- playback ----
  t0 = Date.now();
  await card.getByTestId('play-button').click();
  const player = page.getByTestId('player');
  const playing = await until(async () => {
    const s = await player.getAttribute('data-state');
    return s === 'playing' || s === 'error' ? s : null;
  }, 30000);
  must(playing === 'playing', `clicking the card starts playback in ${since(t0)} s`,
    `player state: ${await player.getAttribute('data-state')}`, await pageDetails(page));

  const levels = await page.evaluate(async () => {
    const p = window.vidpipePlayer;
    if (!p?.hls) return { native: true };
    const url = p.hls.url;
    const master = await fetch(url).then((r) => r.text());
    return {
      url,
      inMaster: master.split('\n').filter((l) => l.startsWith('#EXT-X-STREAM-INF')).length,
      levels: p.hls.levels.map((l) => ({ w: l.width, h: l.height, bitrate: l.bitrate })),
    };
  });
  if (levels.native) notOk('hls.js plays the video', 'window.vidpipePlayer.hls is null: the page used native HLS or none');
  else if (levels.levels.length >= 1 && levels.levels.length === levels.inMaster)
    ok(`hls.js reports the master playlist's ${levels.levels.length} renditions (${levels.levels.map((l) => `${l.w}x${l.h} ${Math.round(l.bitrate / 1000)} kb/s`).join(', ')})`);
  else notOk("hls.js reports the master playlist's renditions", `levels in hls.js: ${levels.levels.length}, #EXT-X-STREAM-INF in ${levels.url}: ${levels.inMaster}`);

  const sample = () => page.evaluate(() => {
    const v = window.vidpipePlayer.video;
    return { t: v.currentTime, paused: v.paused, ended: v.ended, ready: v.readyState, duration: v.duration };
  });
  const a = await sample();
  const wall0 = Date.now();
  await sleep(2500);
  const b = await sample();
  const wall = (Date.now() - wall0) / 1000;
  const advanced = b.t - a.t;
  if (advanced >= 1.0 || (b.ended && b.t > a.t))
    ok(`the video plays: currentTime ${a.t.toFixed(2)} → ${b.t.toFixed(2)} s over ${wall.toFixed(1)} s (duration ${b.duration.toFixed(1)} s)`);
  else notOk('the video plays: currentTime advances', `currentTime ${a.t} → ${b.t} over ${wall.toFixed(1)} s`,
    `paused ${b.paused}, ended ${b.ended}, readyState ${b.ready}`, await pageDetails(page));
}

// The screenshot itself: where the page shows the first card's thumbnail and the player, the pixels must
// be a picture (the test video is colour bars and moving shapes), not an empty box, a broken-image icon or
// a black frame. Decoded in the page from the PNG file through a canvas.
async function checkScreenshot(page) {
  const rects = await page.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      const b = el.getBoundingClientRect();
      return { x: b.left + window.scrollX, y: b.top + window.scrollY, w: b.width, h: b.height };
    };
    return { thumbnail: box('[data-testid=video-thumbnail]'), video: box('[data-testid=player-video]') };
  });
  const png = readFileSync(screenshotPath).toString('base64');
  const stats = await page.evaluate(async ({ png, rects }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${png}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const out = {};
    for (const [name, r] of Object.entries(rects)) {
      if (!r || r.w < 8 || r.h < 8) { out[name] = null; continue; }
      const d = ctx.getImageData(Math.round(r.x), Math.round(r.y), Math.round(r.w), Math.round(r.h)).data;
      const colours = new Set();
      let sum = 0, sq = 0, n = 0;
      for (let i = 0; i < d.length; i += 4) {
        const y = 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];
        sum += y; sq += y * y; n++;
        colours.add(((d[i] >> 4) << 8) | ((d[i + 1] >> 4) << 4) | (d[i + 2] >> 4));
      }
      const mean = sum / n;
      out[name] = { w: Math.round(r.w), h: Math.round(r.h), colours: colours.size, stddev: Math.sqrt(sq / n - mean * mean) };
    }
    return out;
  }, { png, rects });
  for (const name of ['thumbnail', 'video']) {
    const st = stats[name];
    const desc = `the screenshot shows a picture where the ${name} is`;
    if (st && st.colours >= 24 && st.stddev >= 12)
      ok(`${desc} (${st.w}x${st.h} px, ${st.colours} colours, luma stddev ${st.stddev.toFixed(1)})`);
    else notOk(desc, st ? `${st.w}x${st.h} px, ${st.colours} colours, luma stddev ${st.stddev.toFixed(1)}: blank or flat` : 'not on the page');
  }
}

async function main() {
  if (!existsSync(opts.chromium)) {
    notOk(`Chromium is at ${opts.chromium}`, "install Debian's chromium package (scripts/deps.sh does)");
    return;
  }
  if (!existsSync(videoPath)) {
    notOk(`the video file ${videoPath} exists`);
    return;
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    notOk('playwright-core is installed', 'run: npm ci --prefix tests/browser', err.message);
    return;
  }

  const profile = mkdtempSync(join(tmpdir(), 'vp-player-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: opts.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      timeout: 60000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    notOk('Chromium starts', plain(err.message).split('\n').slice(0, 12));
    return;
  }
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`console: ${msg.text()} (${msg.location().url || 'page'})`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText || 'failed';
      // net::ERR_ABORTED is a request the page itself cancelled (hls.js switching renditions, a new src).
      if (!isFavicon(req.url()) && why !== 'net::ERR_ABORTED') failedRequests.push(`${req.method()} ${req.url()}: ${why}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !isFavicon(r.url())) failedRequests.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
    });

    try {
      await round(page);
    } catch (err) {
      if (!(err instanceof Stop)) notOk('the round runs to its end', firstLine(err.message), (err.stack || '').split('\n').slice(1, 4));
    }
    try {
      await page.screenshot({ path: screenshotPath, fullPage: true });
      ok(`screenshot saved to ${screenshotPath}`);
      await checkScreenshot(page);
    } catch (err) {
      notOk(`screenshot saved to ${screenshotPath}`, err.message);
    }
    if (consoleErrors.length === 0) ok('no console errors on the page');
    else notOk('no console errors on the page', consoleErrors.slice(0, 20));
    if (failedRequests.length === 0) ok('no failed network requests');
    else notOk('no failed network requests', failedRequests.slice(0, 20));
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

// A hard bound on the whole run, whatever hangs.
const watchdog = setTimeout(() => {
  notOk(`the run ends within ${timeoutMs / 1000 + 180} s`);
  process.exit(1);
}, timeoutMs + 180000);
watchdog.unref();

await main();
process.exitCode = failures ? 1 : 0;
