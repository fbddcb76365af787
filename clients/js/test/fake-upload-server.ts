// An in-memory fake of the seed API, reached through an injected `fetch`: the client under test runs unchanged and
// talks HTTP-shaped requests to it. It follows the gateway's rules that the client relies on (chunk lengths, hashes,
// problem+json codes, upload tokens, cancel) and records every request so tests can assert on what was sent.
/// <reference types="node" />

import { createHash, randomUUID } from 'node:crypto';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Date.now() when the request arrived (faked when a test fakes Date). */
  at: number;
}

/** A scripted answer that replaces the real one once: an HTTP error, or a network failure. */
export type ScriptedFailure =
  | { kind: 'status'; status: number; code: string; detail: string; retryAfter?: string }
  | { kind: 'network' };

interface FakeUpload {
  id: string;
  token: string;
  filename: string;
  size: number;
  chunkSize: number;
  totalChunks: number;
  stored: Map<number, Uint8Array>;
  status: 'initiated' | 'uploading' | 'completed' | 'cancelled';
}

export class FakeUploadServer {
  readonly requests: RecordedRequest[] = [];
  readonly uploads = new Map<string, FakeUpload>();
  /** Largest file initiate accepts (the gateway answers 413 file_too_large above its limit). */
  maxFileSize = 1024 * 1024 * 1024;
  /** Milliseconds each chunk PUT takes, through setTimeout; 0 answers at once. */
  chunkDelayMs = 0;
  inFlightChunks = 0;
  maxInFlightChunks = 0;
  private readonly scripted: Array<{ method: string; pattern: RegExp; failure: ScriptedFailure }> = [];
  private readonly chunkStartedListeners: Array<(chunk: number) => void> = [];

  /** The injected fetch: bound, so it can be passed around as a plain function. */
  readonly fetch: typeof fetch = async (input, init) => this.handle(String(input), init ?? {});

  /** The next request matching method and path pattern gets `failure` instead of its real answer (queued in order). */
  failNext(method: string, pattern: RegExp, ...failures: ScriptedFailure[]): void {
    for (const failure of failures) this.scripted.push({ method, pattern, failure });
  }

  onChunkStarted(listener: (chunk: number) => void): void {
    this.chunkStartedListeners.push(listener);
  }

  chunkRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === 'PUT');
  }

  /** Creates an upload as a backend holding an API key would, for resume tests. */
  createUpload(filename: string, size: number, chunkSize: number): FakeUpload {
    const upload: FakeUpload = {
      id: randomUUID(), token: `token-${randomUUID()}`, filename, size, chunkSize,
      totalChunks: Math.ceil(size / chunkSize), stored: new Map(), status: 'initiated',
    };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  /** Stores a chunk directly, as if an earlier page load had sent it. */
  storeChunk(upload: FakeUpload, chunk: number, bytes: Uint8Array): void {
    upload.stored.set(chunk, bytes);
    upload.status = 'uploading';
  }

  private async handle(url: string, init: RequestInit): Promise<Response> {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortError();
    const method = (init.method ?? 'GET').toUpperCase();
    const path = new URL(url, 'http://fake.invalid').pathname;
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    this.requests.push({ method, path, headers, at: Date.now() });

    const scriptIndex = this.scripted.findIndex((entry) => entry.method === method && entry.pattern.test(path));
    if (scriptIndex >= 0) {
      const { failure } = this.scripted.splice(scriptIndex, 1)[0]!;
      if (failure.kind === 'network') throw new TypeError('fetch failed');
      return problem(failure.status, failure.code, failure.detail, failure.retryAfter);
    }

    const body = init.body == null ? new Uint8Array() : new Uint8Array(await new Response(init.body).arrayBuffer());
    let match: RegExpMatchArray | null;
    if (method === 'POST' && path === '/api/uploads/initiate') return this.initiate(body);
    if ((match = path.match(/^\/api\/uploads\/([^/]+)\/chunks\/(\d+)$/)) && method === 'PUT') {
      return this.putChunk(match[1]!, Number(match[2]), body, headers, signal);
    }
    if ((match = path.match(/^\/api\/uploads\/([^/]+)\/complete$/)) && method === 'POST') return this.complete(match[1]!, headers);
    if ((match = path.match(/^\/api\/uploads\/([^/]+)$/))) {
      if (method === 'GET') return this.status(match[1]!, headers);
      if (method === 'DELETE') return this.cancel(match[1]!, headers);
    }
    return problem(404, 'not_found', `no route ${method} ${path}`);
  }

  private initiate(body: Uint8Array): Response {
    const request = JSON.parse(new TextDecoder().decode(body)) as { filename: string; fileSize: number; chunkSize?: number };
    if (request.fileSize > this.maxFileSize) {
      return problem(413, 'file_too_large', `the file is ${request.fileSize} bytes; the limit is ${this.maxFileSize}`);
    }
    const upload = this.createUpload(request.filename, request.fileSize, request.chunkSize ?? 5 * 1024 * 1024);
    return json(201, {
      uploadId: upload.id, uploadToken: upload.token, chunkSize: upload.chunkSize, totalChunks: upload.totalChunks,
      status: upload.status, expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
  }

  /** The upload a request may use: its token must match (the fake runs with no API keys, only upload tokens). */
  private open(id: string, headers: Record<string, string>): FakeUpload | Response {
    const upload = this.uploads.get(id);
    if (!upload) return problem(404, 'upload_not_found', `upload ${id} was not found`);
    if (headers['x-upload-token'] === undefined) return problem(401, 'authentication_required', 'a credential is required');
    if (headers['x-upload-token'] !== upload.token) return problem(401, 'invalid_credentials', 'the upload token is not valid');
    if (upload.status === 'cancelled') return problem(410, 'upload_cancelled', `upload ${id} was cancelled`);
    return upload;
  }

  private async putChunk(id: string, chunk: number, body: Uint8Array, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const upload = this.open(id, headers);
    if (upload instanceof Response) return upload;
    if (upload.status === 'completed') return problem(409, 'upload_completed', `upload ${id} is completed`);
    const expected = Math.min(upload.size, (chunk + 1) * upload.chunkSize) - chunk * upload.chunkSize;
    if (chunk >= upload.totalChunks) return problem(400, 'chunk_out_of_range', `chunk ${chunk} is outside 0..${upload.totalChunks - 1}`);
    if (body.length !== expected) return problem(400, 'chunk_size_mismatch', `chunk ${chunk} must be ${expected} bytes; got ${body.length}`);
    const hash = headers['x-chunk-hash'];
    if (hash !== undefined && hash !== sha256(body)) return problem(422, 'chunk_hash_mismatch', `chunk ${chunk} does not match its hash`);

    this.inFlightChunks++;
    this.maxInFlightChunks = Math.max(this.maxInFlightChunks, this.inFlightChunks);
    for (const listener of this.chunkStartedListeners) listener(chunk);
    try {
      if (this.chunkDelayMs > 0) await delay(this.chunkDelayMs, signal);
    } finally {
      this.inFlightChunks--;
    }
    const alreadyStored = upload.stored.has(chunk);
    upload.stored.set(chunk, body);
    upload.status = 'uploading';
    // Like the gateway, the last chunk's answer already says "completed"; the client must still call /complete.
    const allStored = upload.stored.size === upload.totalChunks;
    return json(200, {
      uploadId: id, chunkNumber: chunk, completedChunks: upload.stored.size, totalChunks: upload.totalChunks,
      uploadedBytes: storedBytes(upload), progressPercentage: (storedBytes(upload) / upload.size) * 100,
      status: allStored ? 'completed' : 'uploading', alreadyStored,
    });
  }

  private complete(id: string, headers: Record<string, string>): Response {
    const upload = this.open(id, headers);
    if (upload instanceof Response) return upload;
    const missing = missingChunks(upload);
    if (missing.length > 0) return problem(409, 'missing_chunks', `chunks ${missing.join(', ')} are missing`);
    upload.status = 'completed';
    return json(200, { id, filename: upload.filename, size: upload.size, fileHash: null });
  }

  private status(id: string, headers: Record<string, string>): Response {
    const upload = this.open(id, headers);
    if (upload instanceof Response) return upload;
    return json(200, {
      uploadId: id, filename: upload.filename, totalSize: upload.size, chunkSize: upload.chunkSize,
      totalChunks: upload.totalChunks, completedChunks: upload.stored.size, missingChunks: missingChunks(upload),
      uploadedBytes: storedBytes(upload), progressPercentage: (storedBytes(upload) / upload.size) * 100, status: upload.status,
    });
  }

  private cancel(id: string, headers: Record<string, string>): Response {
    const upload = this.open(id, headers);
    if (upload instanceof Response) return upload;
    upload.status = 'cancelled';
    return new Response(null, { status: 204 });
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function missingChunks(upload: FakeUpload): number[] {
  return Array.from({ length: upload.totalChunks }, (_, index) => index).filter((index) => !upload.stored.has(index));
}

function storedBytes(upload: FakeUpload): number {
  let total = 0;
  for (const bytes of upload.stored.values()) total += bytes.length;
  return total;
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
}

function problem(status: number, code: string, detail: string, retryAfter?: string): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json' };
  if (retryAfter !== undefined) headers['Retry-After'] = retryAfter;
  return new Response(JSON.stringify({ type: 'about:blank', title: code, status, detail, code }), { status, headers });
}

function abortError(): Error {
  return new DOMException('The operation was aborted.', 'AbortError');
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
