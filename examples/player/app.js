// app.js: the vidpipe player page. Reads config.json (api_url, issuer, client_id) from its own folder, signs
// in against the issuer's token endpoint, lists the caller's videos (GET /videos, polled while any is being
// processed), uploads through POST /upload and a presigned PUT, and plays READY videos' HLS playlists with
// hls.js (loaded by index.html from node_modules) or the browser's own HLS support.
//
// For tests: window.vidpipePlayer = {hls, video, videoId, levels, state}; cards carry data-video-id and
// data-state (the video's status); the upload panel and the player carry data-state too.

const SESSION_KEY = 'vidpipe.session';
const POLL_MS = 2500;
const PAGE_SIZE = 20;
const TYPES_BY_EXTENSION = {
  mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska',
  avi: 'video/x-msvideo', mpg: 'video/mpeg', mpeg: 'video/mpeg',
};
const STATUS_TEXT = {
  UPLOADING: 'Uploading',
  UPLOADED: 'Uploaded, waiting to be processed',
  PROCESSING: 'Processing…',
  READY: 'Ready',
  FAILED: 'Failed',
};

const $ = (selector) => document.querySelector(selector);
const el = {
  signInForm: $('#sign-in'),
  username: $('#username'),
  userName: $('[data-testid="user-name"]'),
  signOut: $('#sign-out'),
  message: $('#message'),
  uploadPanel: $('[data-testid="upload-panel"]'),
  uploadForm: $('#upload-form'),
  fileInput: $('#file-input'),
  uploadButton: $('[data-testid="upload-button"]'),
  progressBox: $('.progress'),
  progress: $('#upload-progress'),
  uploadStatus: $('#upload-status'),
  playerSection: $('[data-testid="player"]'),
  playerTitle: $('#player-title'),
  playerInfo: $('[data-testid="player-info"]'),
  video: $('#video'),
  list: $('#video-list'),
  noVideos: $('[data-testid="no-videos"]'),
  loadMore: $('#load-more'),
};

const app = {
  config: null,
  session: null,
  videos: new Map(),       // video_id -> the API's video object
  pending: new Map(),      // video_id -> {video_id, filename, status: UPLOADING|UPLOADED, created_at, percent}
  next: null,              // the last loaded page's "next" token
  pages: 0,
  pollTimer: null,
  refreshing: false,       // a GET /videos is on its way; it schedules the next poll when it ends
  generation: 0,           // bumped at sign-out so answers to a signed-out session are dropped
};

// The player's state, for people poking around in devtools and for tests.
const player = { hls: null, video: el.video, videoId: null, levels: [], state: 'idle' };
window.vidpipePlayer = player;

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// ---- messages ----

function showMessage(text, kind = 'error') {
  el.message.textContent = text;
  el.message.dataset.kind = kind;
  el.message.hidden = false;
}

function clearMessage() {
  el.message.hidden = true;
  el.message.textContent = '';
}

// ---- config and session ----

async function loadConfig() {
  const resp = await fetch('config.json', { cache: 'no-store' });
  if (!resp.ok) throw new Error(`config.json answered HTTP ${resp.status}`);
  const config = await resp.json();
  for (const key of ['api_url', 'issuer']) {
    if (typeof config[key] !== 'string' || !/^https?:\/\//.test(config[key]))
      throw new Error(`config.json: "${key}" must be an http(s) URL`);
  }
  return {
    apiUrl: config.api_url.replace(/\/+$/, ''),
    issuer: config.issuer.replace(/\/+$/, ''),
    clientId: config.client_id || 'vidpipe-app',
  };
}

function readSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY));
    if (s && typeof s.token === 'string' && typeof s.username === 'string' && s.expiresAt > Date.now()) return s;
  } catch {
    // an unreadable session is no session
  }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

async function signIn(username) {
  const body = new URLSearchParams({
    grant_type: 'password', username, password: 'x', client_id: app.config.clientId,
  });
  let resp;
  try {
    resp = await fetch(`${app.config.issuer}/token`, { method: 'POST', body });
  } catch (err) {
    throw new Error(`Cannot reach the sign-in service at ${app.config.issuer} (${err.message})`);
  }
  const answer = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const why = answer.error_description || answer.error || `HTTP ${resp.status}`;
    throw new Error(`Sign-in refused: ${why}`);
  }
  // The API's JWT authorizer checks the token's issuer and audience; the access token is the one meant for APIs.
  const token = answer.access_token || answer.id_token;
  if (!token) throw new Error('Sign-in answer has no token');
  const expiresIn = Number(answer.expires_in) > 0 ? Number(answer.expires_in) : 3600;
  return { username, token, expiresAt: Date.now() + expiresIn * 1000 };
}

function setSignedIn(session) {
  app.session = session;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  document.body.dataset.auth = 'signed-in';
  el.userName.textContent = session.username;
  refreshVideos();
}

function signOut(message) {
  app.generation++;
  app.session = null;
  app.refreshing = false;
  sessionStorage.removeItem(SESSION_KEY);
  stopPolling();
  stopPlayback();
  el.playerSection.hidden = true;
  app.videos.clear();
  app.pending.clear();
  app.next = null;
  app.pages = 0;
  el.list.replaceChildren();
  el.noVideos.hidden = true;
  el.loadMore.hidden = true;
  resetUpload();
  document.body.dataset.auth = 'signed-out';
  el.userName.textContent = '';
  if (message) showMessage(message);
  else clearMessage();
  el.username.focus();
}

// ---- the API ----

// The message of an error answer: the handlers' {"error": {"code", "message"}}, API Gateway's {"message"}.
function errorText(body, status) {
  const message = body?.error?.message || body?.message || (typeof body?.error === 'string' ? body.error : '');
  return message ? `${message} (HTTP ${status})` : `HTTP ${status}`;
}

async function api(method, path, body) {
  if (!app.session || app.session.expiresAt <= Date.now()) {
    signOut('Your sign-in has expired: sign in again.');
    throw new ApiError(401, 'signed out');
  }
  const generation = app.generation;
  const headers = { Authorization: `Bearer ${app.session.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(`${app.config.apiUrl}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, `Cannot reach the API at ${app.config.apiUrl} (${err.message})`);
  }
  const answer = await resp.json().catch(() => null);
  if (generation !== app.generation) throw new ApiError(401, 'signed out');
  if (resp.status === 401) {
    signOut(`The API refused your sign-in: ${errorText(answer, resp.status)}. Sign in again.`);
    throw new ApiError(401, 'signed out');
  }
  if (!resp.ok) throw new ApiError(resp.status, errorText(answer, resp.status));
  if (!answer || typeof answer !== 'object') throw new ApiError(resp.status, `${method} ${path}: the answer is not JSON`);
  return answer;
}

// ---- the list ----

function httpUrl(text) {
  try {
    const url = new URL(text, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function mergePage(answer) {
  for (const v of Array.isArray(answer.videos) ? answer.videos : []) {
    if (!v || typeof v.video_id !== 'string') continue;
    app.videos.set(v.video_id, v);
    app.pending.delete(v.video_id);
  }
}

async function refreshVideos() {
  const generation = app.generation;
  stopPolling();
  app.refreshing = true;
  try {
    const answer = await api('GET', `/videos?limit=${PAGE_SIZE}`);
    if (generation !== app.generation) return;
    mergePage(answer);
    if (app.pages <= 1) {
      app.next = typeof answer.next === 'string' ? answer.next : null;
      app.pages = 1;
    }
    render();
  } catch (err) {
    if (err.status === 401 || generation !== app.generation) return;
    showMessage(`Cannot list your videos: ${err.message}`);
  } finally {
    if (generation === app.generation) app.refreshing = false;
  }
  if (generation === app.generation && app.session && needsPolling()) {
    app.pollTimer = setTimeout(refreshVideos, POLL_MS);
  }
}

async function loadMore() {
  if (!app.next) return;
  el.loadMore.disabled = true;
  try {
    const answer = await api('GET', `/videos?limit=${PAGE_SIZE}&next=${encodeURIComponent(app.next)}`);
    mergePage(answer);
    app.next = typeof answer.next === 'string' ? answer.next : null;
    app.pages++;
    render();
  } catch (err) {
    if (err.status !== 401) showMessage(`Cannot load more videos: ${err.message}`);
  } finally {
    el.loadMore.disabled = false;
  }
}

function needsPolling() {
  for (const p of app.pending.values()) if (p.status === 'UPLOADED') return true;
  for (const v of app.videos.values()) if (v.status === 'PROCESSING') return true;
  return false;
}

function stopPolling() {
  clearTimeout(app.pollTimer);
  app.pollTimer = null;
}

function pollSoon() {
  if (!app.pollTimer && !app.refreshing && app.session) app.pollTimer = setTimeout(refreshVideos, POLL_MS);
}

// created_at is RFC 3339 text or epoch seconds.
function createdDate(value) {
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return null;
}

function render() {
  const items = [...app.pending.values(), ...app.videos.values()];
  // Video ids are ULIDs: their order is their creation order. Newest first.
  items.sort((a, b) => (a.video_id < b.video_id ? 1 : a.video_id > b.video_id ? -1 : 0));
  const existing = new Map([...el.list.children].map((li) => [li.dataset.videoId, li]));
  const cards = items.map((v) => {
    const signature = JSON.stringify(v);
    let li = existing.get(v.video_id);
    if (!li || li.dataset.signature !== signature) {
      li = li || document.createElement('li');
      fillCard(li, v);
      li.dataset.signature = signature;
    }
    return li;
  });
  el.list.replaceChildren(...cards);
  el.noVideos.hidden = items.length > 0;
  el.loadMore.hidden = !app.next;
}

function fillCard(li, v) {
  const status = typeof v.status === 'string' ? v.status : 'UNKNOWN';
  const name = v.filename || v.video_id;
  li.className = 'card';
  li.dataset.testid = 'video-card';
  li.dataset.videoId = v.video_id;
  li.dataset.state = status;

  const playUrl = status === 'READY' ? httpUrl(v.playback_url) : null;
  const thumbUrl = status === 'READY' && Array.isArray(v.thumbnail_urls) ? httpUrl(v.thumbnail_urls[0]) : null;

  const thumb = document.createElement('button');
  thumb.type = 'button';
  thumb.className = 'thumb';
  thumb.dataset.testid = 'play-button';
  thumb.disabled = !playUrl;
  thumb.setAttribute('aria-label', playUrl ? `Play ${name}` : `${name}: not playable yet`);
  if (playUrl) thumb.addEventListener('click', () => play(v.video_id, name, playUrl));
  if (thumbUrl) {
    const img = document.createElement('img');
    img.dataset.testid = 'video-thumbnail';
    img.alt = '';
    img.decoding = 'async';
    img.src = thumbUrl;
    img.addEventListener('error', () => img.replaceWith(placeholder('No thumbnail')));
    thumb.append(img);
  } else {
    thumb.append(placeholder(status === 'FAILED' ? '✕' : status === 'READY' ? '▶' : '…'));
  }

  const meta = document.createElement('div');
  meta.className = 'meta';
  const title = document.createElement('span');
  title.className = 'filename';
  title.dataset.testid = 'video-filename';
  title.textContent = name;
  title.title = name;
  const badge = document.createElement('span');
  badge.className = `status status-${status.toLowerCase()}`;
  badge.dataset.testid = 'video-status';
  badge.textContent = status === 'UPLOADING' ? `Uploading ${v.percent ?? 0}%` : STATUS_TEXT[status] || status;
  meta.append(title, badge);

  const created = createdDate(v.created_at);
  if (created) {
    const time = document.createElement('time');
    time.dataset.testid = 'video-created';
    time.dateTime = created.toISOString();
    time.textContent = created.toLocaleString();
    meta.append(time);
  }
  if (status === 'FAILED') {
    const error = document.createElement('p');
    error.className = 'error';
    error.dataset.testid = 'video-error';
    error.textContent = v.error_message || v.error || 'Processing failed';
    meta.append(error);
  }
  li.replaceChildren(thumb, meta);
}

function placeholder(text) {
  const span = document.createElement('span');
  span.className = text.length > 2 ? 'placeholder placeholder-text' : 'placeholder';
  span.setAttribute('aria-hidden', 'true');
  span.textContent = text;
  return span;
}

// ---- upload ----

function contentType(file) {
  if (file.type && file.type.startsWith('video/')) return file.type;
  const ext = file.name.includes('.') ? file.name.split('.').pop().toLowerCase() : '';
  return TYPES_BY_EXTENSION[ext] || file.type || null;
}

function setUpload(state, text, percent) {
  el.uploadPanel.dataset.state = state;
  el.progressBox.hidden = state === 'idle';
  el.uploadStatus.textContent = text;
  if (percent !== undefined) el.progress.value = percent;
  el.uploadButton.disabled = state === 'requesting' || state === 'uploading';
  el.fileInput.disabled = el.uploadButton.disabled;
}

function resetUpload() {
  setUpload('idle', '', 0);
  el.uploadForm.reset();
  delete el.uploadPanel.dataset.videoId;
}

// The S3 error in an XML body: "Code: Message".
function s3ErrorText(xhr) {
  const text = xhr.responseText || '';
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  const detail = [code, message].filter(Boolean).join(': ');
  return `storage answered HTTP ${xhr.status}${detail ? ` (${detail})` : ''}`;
}

// PUT the file to the presigned URL with exactly the headers the API named (the browser sets Content-Length).
function put(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method || 'PUT', upload.upload_url);
    for (const [name, value] of Object.entries(upload.headers || {})) {
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(Math.floor((e.loaded / e.total) * 100));
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(s3ErrorText(xhr)));
    });
    xhr.addEventListener('error', () => reject(new Error('the upload did not reach storage (network or CORS error)')));
    xhr.addEventListener('abort', () => reject(new Error('the upload was cancelled')));
    xhr.send(file);
  });
}

async function upload(file) {
  clearMessage();
  const type = contentType(file);
  if (file.size === 0) return uploadFailed('The file is empty.');
  if (!type) return uploadFailed(`Cannot tell what kind of video "${file.name}" is: choose an .mp4, .mov, .webm, .mkv, .avi or .mpeg file.`);

  setUpload('requesting', `Preparing the upload of ${file.name}…`, 0);
  let answer;
  try {
    answer = await api('POST', '/upload', { filename: file.name, content_type: type, size_bytes: file.size });
  } catch (err) {
    if (err.status === 401) return undefined;
    return uploadFailed(`The upload was refused: ${err.message}`);
  }
  if (typeof answer.upload_url !== 'string' || typeof answer.video_id !== 'string')
    return uploadFailed('The upload answer has no upload_url or video_id.');

  const generation = app.generation;
  const entry = { video_id: answer.video_id, filename: file.name, status: 'UPLOADING', created_at: new Date().toISOString(), percent: 0 };
  el.uploadPanel.dataset.videoId = answer.video_id;
  app.pending.set(entry.video_id, entry);
  render();
  setUpload('uploading', `Uploading ${file.name}: 0%`, 0);
  let shown = -1;
  try {
    await put(answer, file, (percent) => {
      if (generation !== app.generation || percent === shown) return;
      shown = percent;
      setUpload('uploading', `Uploading ${file.name}: ${percent}%`, percent);
      app.pending.set(entry.video_id, { ...entry, percent });
      render();
    });
  } catch (err) {
    if (generation !== app.generation) return undefined;
    app.pending.delete(entry.video_id);
    render();
    return uploadFailed(`The upload of ${file.name} failed: ${err.message}`);
  }
  if (generation !== app.generation) return undefined;
  setUpload('done', `Uploaded ${file.name}.`, 100);
  el.fileInput.value = '';
  if (app.pending.has(entry.video_id)) app.pending.set(entry.video_id, { ...entry, status: 'UPLOADED', percent: 100 });
  render();
  pollSoon();
  return undefined;
}

// Upload errors are shown beside the upload form (an aria-live region), not in the page's alert.
function uploadFailed(text) {
  setUpload('error', text);
}

// ---- playback ----

function setPlayerState(state, info) {
  player.state = state;
  el.playerSection.dataset.state = state;
  if (info !== undefined) el.playerInfo.textContent = info;
}

function stopPlayback() {
  if (player.hls) {
    player.hls.destroy();
    player.hls = null;
  }
  el.video.pause();
  el.video.removeAttribute('src');
  el.video.load();
  player.videoId = null;
  player.levels = [];
  setPlayerState('idle', '');
}

function describeLevels(levels) {
  const names = levels.map((l) => (l.height ? `${l.height}p` : `${Math.round((l.bitrate || 0) / 1000)} kb/s`));
  return `${levels.length} rendition${levels.length === 1 ? '' : 's'}: ${names.join(', ')}`;
}

function startPlaying() {
  el.video.play().catch((err) => {
    // AbortError: another video was chosen meanwhile; NotAllowedError: autoplay refused, the controls remain.
    if (err.name === 'NotAllowedError') setPlayerState('paused', 'Press play to start.');
  });
}

function play(videoId, name, url) {
  stopPlayback();
  clearMessage();
  player.videoId = videoId;
  el.playerSection.hidden = false;
  el.playerTitle.textContent = `Now playing: ${name}`;
  setPlayerState('loading', 'Loading…');
  el.playerSection.scrollIntoView({ block: 'nearest' });

  const Hls = window.Hls;
  if (Hls && Hls.isSupported()) {
    const hls = new Hls();
    player.hls = hls;
    let recovered = false;
    hls.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
      player.levels = data.levels.map((l) => ({ width: l.width, height: l.height, bitrate: l.bitrate }));
      setPlayerState('loading', describeLevels(player.levels));
      startPlaying();
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal || hls !== player.hls) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
        recovered = true;
        hls.recoverMediaError();
        return;
      }
      const status = data.response?.code ? ` (HTTP ${data.response.code})` : '';
      setPlayerState('error', `Playback failed: ${data.details}${status}`);
      hls.destroy();
      player.hls = null;
    });
    hls.loadSource(url);
    hls.attachMedia(el.video);
  } else if (el.video.canPlayType('application/vnd.apple.mpegurl')) {
    el.video.src = url;
    startPlaying();
  } else {
    setPlayerState('error', 'This browser cannot play HLS and hls.js is not loaded (run npm ci --prefix examples/player).');
  }
}

el.video.addEventListener('playing', () => {
  if (player.videoId) setPlayerState('playing', player.levels.length ? describeLevels(player.levels) : 'Playing');
});
el.video.addEventListener('pause', () => {
  if (player.videoId && player.state === 'playing') setPlayerState('paused');
});
el.video.addEventListener('ended', () => {
  if (player.videoId) setPlayerState('ended');
});
el.video.addEventListener('error', () => {
  if (player.videoId && !player.hls) setPlayerState('error', `Playback failed: ${el.video.error?.message || 'media error'}`);
});

// ---- wiring ----

el.signInForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const username = el.username.value.trim();
  if (!username) return;
  const button = el.signInForm.querySelector('button');
  button.disabled = true;
  clearMessage();
  try {
    setSignedIn(await signIn(username));
  } catch (err) {
    showMessage(err.message);
  } finally {
    button.disabled = false;
  }
});

el.signOut.addEventListener('click', () => signOut());
el.loadMore.addEventListener('click', loadMore);
el.uploadForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const file = el.fileInput.files[0];
  if (file) upload(file);
});

async function start() {
  try {
    app.config = await loadConfig();
  } catch (err) {
    showMessage(`Cannot load the page's settings: ${err.message}`);
    el.signInForm.querySelector('button').disabled = true;
    return;
  }
  const session = readSession();
  if (session) setSignedIn(session);
  document.body.dataset.ready = 'true';
}

start();
