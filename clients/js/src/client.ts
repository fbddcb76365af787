// EnhancedUploadClient: the browser half of the seed API. It initiates an upload (or resumes one remembered in the
// resume store, or one a backend created), sends the missing chunks read with file.slice, N at a time, retrying
// passing failures, then calls /complete. Progress is reported with the seed's field names.

import type { ChunkResponse, InitiateResponse, UploadStatusResponse, VideoResponse } from './api-types.js';
import { acceptsBytes } from './api-types.js';
import { sha256Hex } from './chunk-hash.js';
import { UploadError } from './errors.js';
import { ProgressTracker, type UploadProgress, type UploadProgressStatus } from './progress.js';
import { LocalResumeStore, type FileIdentity, type ResumeStore } from './resume-store.js';
import { defaultRetryPolicy, fetchWithRetry, type RetryPolicy } from './retry.js';

export interface UploadCredentials {
  /** Sent as `Authorization: Bearer`; only for trusted code (a backend, an internal tool), never a public page. */
  apiKey?: string;
  /** An upload token a backend handed over; sent as `X-Upload-Token`. */
  uploadToken?: string;
  /** A JWT from your identity provider; sent as `Authorization: Bearer`. */
  bearer?: string;
}

export interface EnhancedUploadClientOptions {
  /** Bytes per chunk asked of the service (65536..33554432); the service's default (5 MiB) when absent. */
  chunkSize?: number;
  maxConcurrentChunks?: number;
  /** Retries per request after the first try. */
  maxRetries?: number;
  /** Send X-Chunk-Hash (SHA-256 of each chunk) so the service rejects corrupted chunks. */
  enableHashValidation?: boolean;
  credentials?: UploadCredentials;
  fetch?: typeof fetch;
  storage?: ResumeStore;
  /** Backoff tuning; the defaults suit browsers. */
  retryDelay?: { baseDelayMs?: number; maxDelayMs?: number; random?: () => number };
}

/** A File, or any Blob given a name (as the seed's `Blob & {name}`). */
export type UploadableFile = Blob & { name: string; lastModified?: number };

/** An upload a backend created: its id and the upload token that opens it. */
export interface UploadHandle {
  uploadId: string;
  uploadToken: string;
}

export type ProgressCallback = (progress: UploadProgress) => void;

/** One upload this client is sending, kept after a failure so retryFailedChunks can finish it. */
interface ActiveUpload {
  uploadId: string;
  uploadToken: string;
  file: UploadableFile;
  identity: FileIdentity;
  chunkSize: number;
  totalChunks: number;
  controller: AbortController;
  tracker: ProgressTracker;
  onProgress: ProgressCallback | undefined;
}

/** A session ready to receive bytes, with the chunks it still lacks. */
interface OpenSession extends UploadHandle {
  chunkSize: number;
  totalChunks: number;
  missingChunks: number[];
}

export class EnhancedUploadClient {
  private readonly baseUrl: string;
  private readonly chunkSize: number | undefined;
  private readonly maxConcurrentChunks: number;
  private readonly enableHashValidation: boolean;
  private readonly credentials: UploadCredentials;
  private readonly fetchImpl: typeof fetch;
  private readonly store: ResumeStore;
  private readonly retryPolicy: RetryPolicy;
  private readonly uploads = new Map<string, ActiveUpload>();

  constructor(baseUrl = '', options: EnhancedUploadClientOptions = {}) {
    // The seed passed '/api/uploads' as its base; this client wants the service root, so accept both.
    this.baseUrl = baseUrl.replace(/\/+$/, '').replace(/\/api\/uploads$/, '');
    this.chunkSize = options.chunkSize;
    this.maxConcurrentChunks = Math.max(1, Math.floor(options.maxConcurrentChunks ?? 3));
    this.enableHashValidation = options.enableHashValidation ?? true;
    this.credentials = { ...options.credentials };
    // Bound so a caller's window.fetch is not called with another `this` (browsers throw "Illegal invocation").
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.store = options.storage ?? new LocalResumeStore();
    this.retryPolicy = {
      maxRetries: Math.max(0, Math.floor(options.maxRetries ?? 5)),
      baseDelayMs: options.retryDelay?.baseDelayMs ?? defaultRetryPolicy.baseDelayMs,
      maxDelayMs: options.retryDelay?.maxDelayMs ?? defaultRetryPolicy.maxDelayMs,
      random: options.retryDelay?.random ?? defaultRetryPolicy.random,
    };
  }

  /** Uploads a file, resuming a remembered unfinished upload of the same file; resolves with the upload id once complete. */
  async uploadFile(file: UploadableFile, projectId?: string, onProgress?: ProgressCallback): Promise<string> {
    const identity: FileIdentity = { name: file.name, size: file.size, lastModified: file.lastModified, projectId };
    const session = (await this.findResumable(identity)) ?? (await this.initiate(file, identity));
    return this.send(session, file, identity, onProgress);
  }

  /** Sends the missing chunks of an upload a backend initiated, then completes it. */
  async resumeUpload(handle: UploadHandle, file: UploadableFile, onProgress?: ProgressCallback): Promise<string> {
    const identity: FileIdentity = { name: file.name, size: file.size, lastModified: file.lastModified };
    const status = await this.getStatus(handle.uploadId, handle.uploadToken);
    if (!acceptsBytes(status.status)) {
      throw new UploadError(`Upload ${handle.uploadId} is ${status.status} and takes no more chunks`, `upload_${status.status}`, 409);
    }
    if (typeof status.totalSize === 'number' && status.totalSize !== file.size) {
      throw new UploadError(
        `This file is ${file.size} bytes but upload ${handle.uploadId} expects ${status.totalSize}: choose the file the upload was created for`,
        'file_mismatch', 0);
    }
    this.store.set(identity, {
      uploadId: handle.uploadId, uploadToken: handle.uploadToken, chunkSize: status.chunkSize,
      totalChunks: status.totalChunks, savedAt: Date.now(),
    });
    const session = { ...handle, chunkSize: status.chunkSize, totalChunks: status.totalChunks, missingChunks: status.missingChunks };
    return this.send(session, file, identity, onProgress);
  }

  /** Stops sending and cancels the upload on the service; true when the service no longer holds it open. */
  async cancelUpload(uploadId: string): Promise<boolean> {
    const upload = this.uploads.get(uploadId);
    upload?.controller.abort(UploadError.cancelled(uploadId));
    this.store.deleteUpload(uploadId);
    try {
      await this.request('DELETE', `/api/uploads/${encodeURIComponent(uploadId)}`, upload?.uploadToken);
      return true;
    } catch (error) {
      // Already cancelled (410) counts as done; anything else means the service may still hold it.
      return error instanceof UploadError && error.code === 'upload_cancelled';
    } finally {
      this.uploads.delete(uploadId);
    }
  }

  /** Sends again whatever chunks a failed upload still lacks, then completes it; true on success. */
  async retryFailedChunks(uploadId: string): Promise<boolean> {
    const upload = this.uploads.get(uploadId);
    if (!upload || !upload.controller.signal.aborted) return false;
    upload.controller = new AbortController();
    try {
      const status = await this.getStatus(uploadId, upload.uploadToken, upload.controller.signal);
      await this.sendChunks(upload, status.missingChunks);
      await this.complete(upload);
      return true;
    } catch {
      this.fail(upload, 'failed');
      return false;
    }
  }

  /** Opens the progress WebSocket; `onStatus` gets each status_update's data (the GET status shape). */
  connectWebSocket(uploadId: string, onStatus?: (status: UploadStatusResponse) => void): WebSocket {
    const url = new URL(`${this.baseUrl}/api/uploads/${encodeURIComponent(uploadId)}/ws`, this.origin());
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // Browsers cannot set headers on a WebSocket, so the token rides in the query (the gateway logs paths only).
    const token = this.uploads.get(uploadId)?.uploadToken ?? this.credentials.uploadToken;
    if (token) url.searchParams.set('access_token', token);
    const socket = new WebSocket(url.toString());
    if (onStatus) {
      socket.addEventListener('message', (event: MessageEvent) => {
        try {
          const message = JSON.parse(String(event.data)) as { type?: string; data?: UploadStatusResponse };
          if (message.type === 'status_update' && message.data) onStatus(message.data);
        } catch {
          // Not JSON: not a message of this protocol.
        }
      });
    }
    return socket;
  }

  private origin(): string {
    const location = (globalThis as { location?: { origin: string } }).location;
    return location?.origin ?? 'http://localhost';
  }

  /** The remembered upload of this file, if the service still takes its chunks; prunes entries it no longer knows. */
  private async findResumable(identity: FileIdentity): Promise<OpenSession | undefined> {
    const entry = this.store.get(identity);
    if (!entry) return undefined;
    let status: UploadStatusResponse;
    try {
      status = await this.getStatus(entry.uploadId, entry.uploadToken);
    } catch (error) {
      // 404/410: gone or expired; 401/403: the token expired or belongs elsewhere. Start afresh either way.
      if (error instanceof UploadError && [401, 403, 404, 410].includes(error.status)) {
        this.store.delete(identity);
        return undefined;
      }
      throw error;
    }
    if (!acceptsBytes(status.status) || (typeof status.totalSize === 'number' && status.totalSize !== identity.size)) {
      this.store.delete(identity);
      return undefined;
    }
    return {
      uploadId: entry.uploadId, uploadToken: entry.uploadToken, chunkSize: status.chunkSize ?? entry.chunkSize,
      totalChunks: status.totalChunks, missingChunks: status.missingChunks,
    };
  }

  private async initiate(file: UploadableFile, identity: FileIdentity): Promise<OpenSession> {
    const body = { filename: file.name, fileSize: file.size, projectId: identity.projectId, chunkSize: this.chunkSize };
    const response = await this.request('POST', '/api/uploads/initiate', null, {
      body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
    });
    const created = (await response.json()) as InitiateResponse;
    this.store.set(identity, {
      uploadId: created.uploadId, uploadToken: created.uploadToken, chunkSize: created.chunkSize,
      totalChunks: created.totalChunks, savedAt: Date.now(),
    });
    const missingChunks = Array.from({ length: created.totalChunks }, (_, index) => index);
    return { uploadId: created.uploadId, uploadToken: created.uploadToken, chunkSize: created.chunkSize, totalChunks: created.totalChunks, missingChunks };
  }

  private async send(session: OpenSession, file: UploadableFile, identity: FileIdentity, onProgress?: ProgressCallback): Promise<string> {
    const missing = new Set(session.missingChunks);
    const stored = Array.from({ length: session.totalChunks }, (_, index) => index).filter((index) => !missing.has(index));
    const chunkLength = (chunk: number) => Math.max(0, Math.min(file.size, (chunk + 1) * session.chunkSize) - chunk * session.chunkSize);
    const upload: ActiveUpload = {
      uploadId: session.uploadId, uploadToken: session.uploadToken, file, identity,
      chunkSize: session.chunkSize, totalChunks: session.totalChunks, controller: new AbortController(),
      tracker: new ProgressTracker(session.uploadId, session.totalChunks, file.size, chunkLength, stored), onProgress,
    };
    this.uploads.set(upload.uploadId, upload);
    this.emit(upload, 'uploading');
    try {
      await this.sendChunks(upload, [...missing].sort((a, b) => a - b));
      await this.complete(upload);
      return upload.uploadId;
    } catch (error) {
      const cancelled = error instanceof UploadError && error.code === 'cancelled';
      this.fail(upload, cancelled ? 'cancelled' : 'failed');
      throw error;
    }
  }

  /** Keeps up to maxConcurrentChunks chunk requests in flight; on the first failure no new chunk starts. */
  private async sendChunks(upload: ActiveUpload, chunks: number[]): Promise<void> {
    const queue = [...chunks];
    const signal = upload.controller.signal;
    let firstError: unknown;
    const worker = async () => {
      while (firstError === undefined && !signal.aborted) {
        const chunk = queue.shift();
        if (chunk === undefined) return;
        try {
          await this.sendChunk(upload, chunk, signal);
        } catch (error) {
          firstError ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxConcurrentChunks, queue.length) }, worker));
    if (signal.aborted) throw signal.reason;
    if (firstError !== undefined) throw firstError;
  }

  private async sendChunk(upload: ActiveUpload, chunk: number, signal: AbortSignal): Promise<void> {
    const start = chunk * upload.chunkSize;
    // Only this chunk is read: file.slice is lazy, so a large file is never held in memory whole.
    const slice = upload.file.slice(start, Math.min(upload.file.size, start + upload.chunkSize));
    const path = `/api/uploads/${encodeURIComponent(upload.uploadId)}/chunks/${chunk}`;
    // A hash mismatch means the bytes changed on the way: read and send them once more before giving up.
    for (let corruptRetry = 0; ; corruptRetry++) {
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      let body: BodyInit = slice;
      if (this.enableHashValidation) {
        const bytes = await slice.arrayBuffer();
        headers['X-Chunk-Hash'] = await sha256Hex(bytes);
        body = new Uint8Array(bytes);
      }
      try {
        const response = await this.request('PUT', path, upload.uploadToken, { body, headers }, signal);
        (await response.json()) as ChunkResponse;
        break;
      } catch (error) {
        if (corruptRetry === 0 && error instanceof UploadError && error.code === 'chunk_hash_mismatch') continue;
        throw error;
      }
    }
    upload.tracker.markStored(chunk);
    this.emit(upload, 'uploading');
  }

  /** /complete is called even when the last chunk's answer already said "completed": it returns the video. */
  private async complete(upload: ActiveUpload): Promise<VideoResponse> {
    const response = await this.request('POST', `/api/uploads/${encodeURIComponent(upload.uploadId)}/complete`,
      upload.uploadToken, undefined, upload.controller.signal);
    const video = (await response.json()) as VideoResponse;
    this.store.delete(upload.identity);
    this.uploads.delete(upload.uploadId);
    this.emit(upload, 'completed');
    return video;
  }

  private fail(upload: ActiveUpload, status: UploadProgressStatus): void {
    if (!upload.controller.signal.aborted) upload.controller.abort(new UploadError(`Upload ${upload.uploadId} failed`, 'failed', 0));
    this.emit(upload, status);
  }

  private async getStatus(uploadId: string, uploadToken: string | undefined, signal?: AbortSignal): Promise<UploadStatusResponse> {
    const response = await this.request('GET', `/api/uploads/${encodeURIComponent(uploadId)}`, uploadToken, undefined, signal);
    return (await response.json()) as UploadStatusResponse;
  }

  private emit(upload: ActiveUpload, status: UploadProgressStatus): void {
    try {
      upload.onProgress?.(upload.tracker.snapshot(status));
    } catch {
      // A throwing progress callback must not break the upload.
    }
  }

  private request(
    method: string, path: string, uploadToken: string | null | undefined,
    init: { body?: BodyInit; headers?: Record<string, string> } = {}, signal?: AbortSignal,
  ): Promise<Response> {
    const headers = { ...this.authHeaders(uploadToken), ...init.headers };
    return fetchWithRetry(this.fetchImpl, this.baseUrl + path, { method, headers, body: init.body }, this.retryPolicy, signal);
  }

  /**
   * A caller credential wins; without one, the upload's own token (from initiate or a backend) opens the upload.
   * `null` means a request about no upload yet (initiate), where an upload token means nothing and is not sent.
   */
  private authHeaders(uploadToken: string | null | undefined): Record<string, string> {
    const caller = this.credentials.apiKey ?? this.credentials.bearer;
    if (caller) return { Authorization: `Bearer ${caller}` };
    if (uploadToken === null) return {};
    const token = uploadToken ?? this.credentials.uploadToken;
    return token ? { 'X-Upload-Token': token } : {};
  }
}

export default EnhancedUploadClient;
