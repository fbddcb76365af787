#!/usr/bin/env node
// Uploads one file to a tus 1.0.0 endpoint with the real tus-js-client (its Node build), for the end-to-end tests.
//
//   [TUS_HEADERS=JSON] node upload.mjs --endpoint URL --file PATH --mode whole|chunked|parallel|resume
//                                     [--chunk-size N] [--parallel N] [--abort-after-bytes N] [--upload-url URL] [--filename NAME]
//                                     [--terminate-after-success] [--protocol tus-v1|ietf-draft-03|ietf-draft-05]
//
// whole     one POST, then the whole file in one PATCH (tus-js-client's default chunkSize, Infinity)
// chunked   one POST, then PATCHes of --chunk-size bytes (5 MiB unless given)
// parallel  --parallel partial uploads (4 unless given) side by side, then a final upload that concatenates them
// resume    no POST: HEAD --upload-url for its offset, then PATCH the rest from there
//
// TUS_HEADERS (environment variable, optional): a JSON object of request headers, string values only, added to every
// request the client sends (tus-js-client's `headers` option), e.g. TUS_HEADERS='{"Authorization":"Bearer <key>"}' or
// '{"X-Upload-Token":"<token>"}'. Credentials travel in the environment, never in argv: a command line is visible to
// every user of the machine (ps, /proc/<pid>/cmdline), a process's environment only to its owner. Not valid JSON, or not
// an object of strings: exit code 2, naming no value.
//
// --abort-after-bytes N calls upload.abort() in onChunkComplete once the server has acknowledged at least N bytes:
// no further request goes out, and the upload URL is printed with aborted: true, to be resumed with --mode resume.
//
// --protocol picks tus-js-client's protocol: tus 1.0 (tus-v1, the default), or the IETF resumable-upload draft at
// interop version 5 (ietf-draft-03) or 6 (ietf-draft-05): Upload-Draft-Interop-Version and Upload-Complete instead
// of Tus-Resumable, PATCH bodies as application/partial-upload (6) or untyped (5). parallel needs tus-v1.
//
// --terminate-after-success calls upload.abort(true) once the upload has finished: tus-js-client DELETEs the upload URL
// (retrying what it deems retryable, 409 among them); how long that took is printed as terminateMilliseconds.
//
// Prints exactly one JSON line on stdout:
//   { "url", "bytesUploaded", "aborted", "firstPatchOffset", "requests": { "POST", "HEAD", "PATCH", ... }, "retries",
//     "terminateMilliseconds", "uploadMilliseconds" }
// bytesUploaded is what the server acknowledged (Upload-Offset of the last PATCH answer; the whole size once the
// client reports success). firstPatchOffset is the Upload-Offset of the first PATCH sent (null if none was).
// uploadMilliseconds is the wall time from the first request to success (what the bench measures; node's start-up
// and module loading are not in it).
// On failure: a message on stderr and exit code 1 (2 for bad arguments).

import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Upload, defaultOptions } from 'tus-js-client';

const MiB = 1024 * 1024;
const modes = ['whole', 'chunked', 'parallel', 'resume'];
const protocols = ['tus-v1', 'ietf-draft-03', 'ietf-draft-05'];

function fail(message, code = 1) {
  process.stderr.write(`upload.mjs: ${message}\n`);
  process.exit(code);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      file: { type: 'string' },
      mode: { type: 'string' },
      'chunk-size': { type: 'string' },
      parallel: { type: 'string' },
      'abort-after-bytes': { type: 'string' },
      'upload-url': { type: 'string' },
      filename: { type: 'string' },
      'terminate-after-success': { type: 'boolean' },
      protocol: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(err.message, 2);
}

function positiveInteger(name, fallback) {
  const text = args[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) fail(`--${name} must be a positive integer, got '${text}'`, 2);
  return value;
}

const mode = args.mode;
if (!modes.includes(mode)) fail(`--mode must be one of ${modes.join(', ')}`, 2);
if (!args.file) fail('--file is required', 2);
if (mode === 'resume' ? !args['upload-url'] : !args.endpoint) {
  fail(mode === 'resume' ? '--upload-url is required with --mode resume' : '--endpoint is required', 2);
}
if (mode !== 'resume' && args['upload-url']) fail('--upload-url only goes with --mode resume', 2);
if (mode === 'whole' && args['chunk-size']) fail('--mode whole sends the file in one PATCH: no --chunk-size', 2);
if (mode !== 'parallel' && args.parallel) fail('--parallel only goes with --mode parallel', 2);
const protocol = args.protocol ?? 'tus-v1';
if (!protocols.includes(protocol)) fail(`--protocol must be one of ${protocols.join(', ')}`, 2);
if (mode === 'parallel' && protocol !== 'tus-v1') fail('--mode parallel needs --protocol tus-v1 (concatenation is tus only)', 2);

let size;
try {
  size = statSync(args.file).size;
} catch (err) {
  fail(`cannot read --file: ${err.message}`, 2);
}

// Never echoes the variable's content: it holds credentials.
function requestHeaders() {
  const text = process.env.TUS_HEADERS;
  if (text === undefined || text === '') return {};
  let headers;
  try {
    headers = JSON.parse(text);
  } catch {
    fail('TUS_HEADERS is not valid JSON', 2);
  }
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) fail('TUS_HEADERS must be a JSON object', 2);
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') fail(`TUS_HEADERS: the value of '${name}' must be a string`, 2);
  }
  return headers;
}

const headers = requestHeaders();
const abortAfter = positiveInteger('abort-after-bytes', null);
const chunkSize = mode === 'chunked' ? positiveInteger('chunk-size', 5 * MiB) : positiveInteger('chunk-size', Number.POSITIVE_INFINITY);
const filename = args.filename ?? basename(args.file);

// The input is an fs.ReadStream of the file, never a Buffer of it: tus-js-client's Node FileReader sees a ReadStream
// with a path and makes it a FileSource, which knows the size from stat() (so no `uploadSize` is needed) and serves
// every slice it is asked for as a new ReadStream over that byte range. PATCH bodies are piped from disk, so memory
// stays small even with chunkSize Infinity, and a slice can start anywhere: that is what lets `resume` begin at the
// server's offset and `parallel` cut the file into ranges (each part's slice is again a ReadStream with start/end,
// itself a FileSource). A plain Readable (no path) would become a StreamSource instead, which needs a finite
// chunkSize plus uploadSize and cannot seek, so neither resuming at an offset nor parallelUploads would work with it.
const input = createReadStream(args.file);

const requests = {};
let firstPatchOffset = null;
let firstRequestAt = null;
let succeededAt = null;
let retries = 0;
let acknowledged = 0;
let upload;

const finished = new Promise((resolve, reject) => {
  const options = {
    endpoint: mode === 'resume' ? null : args.endpoint,
    // Without an endpoint, a HEAD that fails cannot quietly turn into a new upload: resume means resume.
    uploadUrl: mode === 'resume' ? args['upload-url'] : null,
    chunkSize,
    headers,
    protocol,
    retryDelays: [0, 200, 500],
    metadata: { filename, filetype: 'video/mp4' },
    // No URL storage: the caller keeps the upload URL and hands it back with --upload-url.
    storeFingerprintForResuming: false,
    onBeforeRequest(req) {
      firstRequestAt ??= performance.now();
      const method = req.getMethod();
      requests[method] = (requests[method] ?? 0) + 1;
      if (method === 'PATCH' && firstPatchOffset === null) firstPatchOffset = Number(req.getHeader('Upload-Offset'));
    },
    onShouldRetry(err, attempt, opts) {
      const retry = defaultOptions.onShouldRetry(err, attempt, opts);
      if (retry) {
        retries++;
        process.stderr.write(`upload.mjs: retry ${attempt + 1} after: ${err.message}\n`);
      }
      return retry;
    },
    onChunkComplete(_chunk, bytesAccepted) {
      acknowledged = bytesAccepted;
      if (abortAfter !== null && bytesAccepted >= abortAfter && bytesAccepted < size) {
        // In onChunkComplete no request is in flight: the next PATCH is not sent, so the server holds exactly
        // bytesAccepted bytes. abort() settles no promise of ours, so resolve here.
        upload.abort().then(() => resolve({ aborted: true }), reject);
      }
    },
    onSuccess() {
      succeededAt = performance.now();
      acknowledged = size;
      resolve({ aborted: false });
    },
    onError: reject,
  };
  if (mode === 'parallel') {
    options.parallelUploads = positiveInteger('parallel', 4);
  }

  upload = new Upload(input, options);
  upload.start();
});

let result;
try {
  result = await finished;
} catch (err) {
  input.destroy();
  fail(err?.message ?? String(err));
}

let terminateMilliseconds = null;
if (args['terminate-after-success'] && !result.aborted) {
  const started = performance.now();
  try {
    await upload.abort(true);
  } catch (err) {
    input.destroy();
    fail(`abort(true) after the finished upload failed: ${err?.message ?? String(err)}`);
  }
  terminateMilliseconds = Math.round(performance.now() - started);
}

input.destroy();
const line = JSON.stringify({
  url: upload.url,
  bytesUploaded: acknowledged,
  aborted: result.aborted,
  firstPatchOffset,
  requests,
  retries,
  terminateMilliseconds,
  uploadMilliseconds: firstRequestAt === null || succeededAt === null ? null : Math.round(succeededAt - firstRequestAt),
});
process.stdout.write(`${line}\n`, () => process.exit(0));
