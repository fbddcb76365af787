// Resuming: a remembered upload of the same file sends only the chunks the service still lacks; resumeUpload starts
// from an upload a backend created; entries older than 24 hours, or that the service answers 404/410 for, are pruned;
// the entry is deleted on completion.

import { describe, expect, it } from 'vitest';
import { LocalResumeStore, MemoryStorage, resumeEntryLifetimeMs } from '../src/resume-store.js';
import { FakeUploadServer } from './fake-upload-server.js';
import { makeFile, makeRig, smallChunk } from './helpers.js';

function chunkNumbersSent(server: FakeUploadServer): number[] {
  return server.chunkRequests().map((request) => Number(request.path.split('/').at(-1))).sort((a, b) => a - b);
}

async function chunkBytes(file: File, chunk: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(chunk * smallChunk, Math.min(file.size, (chunk + 1) * smallChunk)).arrayBuffer());
}

describe('resume', () => {
  it('re-selecting the same file after a "refresh" sends only the missing chunks', async () => {
    const server = new FakeUploadServer();
    const storage = new MemoryStorage();
    const file = makeFile(smallChunk * 5);
    // The first page load sends two chunks, then dies: a network failure on chunk 2 with no retries.
    const first = makeRig({ maxConcurrentChunks: 1, maxRetries: 0 }, server, storage);
    server.failNext('PUT', /\/chunks\/2$/, { kind: 'network' });
    await expect(first.client.uploadFile(file)).rejects.toThrow('Network error');
    expect(chunkNumbersSent(server)).toEqual([0, 1, 2]);

    // A new client (the reloaded page) over the same storage.
    server.requests.length = 0;
    const second = makeRig({}, server, storage);
    const uploadId = await second.client.uploadFile(file, undefined, second.onProgress);

    expect(chunkNumbersSent(server)).toEqual([2, 3, 4]);
    expect(server.requests.some((request) => request.path.endsWith('/initiate'))).toBe(false);
    expect(second.progress[0]).toMatchObject({ uploadId, completedChunks: 2, uploadedBytes: smallChunk * 2 });
    expect(second.progress.at(-1)).toMatchObject({ progressPercentage: 100, status: 'completed' });
    expect(second.store.get({ name: file.name, size: file.size, lastModified: file.lastModified })).toBeUndefined();
  });

  it('resumeUpload sends only the missing chunks of an upload a backend created, with its token', async () => {
    const rig = makeRig();
    const file = makeFile(smallChunk * 4 + 5);
    const upload = rig.server.createUpload(file.name, file.size, smallChunk);
    rig.server.storeChunk(upload, 0, await chunkBytes(file, 0));
    rig.server.storeChunk(upload, 3, await chunkBytes(file, 3));

    const uploadId = await rig.client.resumeUpload({ uploadId: upload.id, uploadToken: upload.token }, file, rig.onProgress);

    expect(uploadId).toBe(upload.id);
    expect(chunkNumbersSent(rig.server)).toEqual([1, 2, 4]);
    expect(rig.server.requests.every((request) => request.headers['x-upload-token'] === upload.token)).toBe(true);
    expect(upload.status).toBe('completed');
  });

  it('resumeUpload refuses a file of another size than the upload expects', async () => {
    const rig = makeRig();
    const upload = rig.server.createUpload('clip.mp4', smallChunk * 2, smallChunk);

    await expect(rig.client.resumeUpload({ uploadId: upload.id, uploadToken: upload.token }, makeFile(smallChunk)))
      .rejects.toMatchObject({ code: 'file_mismatch' });
    expect(rig.server.chunkRequests()).toHaveLength(0);
  });

  it('prunes an entry the service answers 404 for, and starts a new upload', async () => {
    const rig = makeRig();
    const file = makeFile(smallChunk * 2);
    const identity = { name: file.name, size: file.size, lastModified: file.lastModified };
    rig.store.set(identity, { uploadId: 'gone', uploadToken: 't', chunkSize: smallChunk, totalChunks: 2, savedAt: Date.now() });

    const uploadId = await rig.client.uploadFile(file);

    expect(uploadId).not.toBe('gone');
    expect(rig.server.requests.map((request) => `${request.method} ${request.path}`).slice(0, 2))
      .toEqual(['GET /api/uploads/gone', 'POST /api/uploads/initiate']);
    expect(chunkNumbersSent(rig.server)).toEqual([0, 1]);
  });

  it('prunes an entry of a cancelled upload (410) and starts a new upload', async () => {
    const rig = makeRig();
    const file = makeFile(smallChunk * 2);
    const old = rig.server.createUpload(file.name, file.size, smallChunk);
    old.status = 'cancelled';
    const identity = { name: file.name, size: file.size, lastModified: file.lastModified };
    rig.store.set(identity, { uploadId: old.id, uploadToken: old.token, chunkSize: smallChunk, totalChunks: 2, savedAt: Date.now() });

    const uploadId = await rig.client.uploadFile(file);

    expect(uploadId).not.toBe(old.id);
    expect(old.status).toBe('cancelled');
  });

  it('prunes entries older than 24 hours without asking the service', async () => {
    let now = 1_700_000_000_000;
    const storage = new MemoryStorage();
    const store = new LocalResumeStore(storage, () => now);
    const fresh = { name: 'fresh.mp4', size: 10 };
    const stale = { name: 'stale.mp4', size: 10, projectId: 'p' };
    store.set(stale, { uploadId: 'a', uploadToken: 't', chunkSize: 1, totalChunks: 10, savedAt: now });
    now += resumeEntryLifetimeMs / 2;
    store.set(fresh, { uploadId: 'b', uploadToken: 't', chunkSize: 1, totalChunks: 10, savedAt: now });
    now += resumeEntryLifetimeMs / 2 + 1;

    expect(store.prune()).toBe(1);
    expect(storage.length).toBe(1);
    expect(store.get(stale)).toBeUndefined();
    expect(store.get(fresh)?.uploadId).toBe('b');
    now += resumeEntryLifetimeMs;
    expect(store.get(fresh)).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it('a stale entry makes uploadFile start afresh with no status request', async () => {
    const rig = makeRig();
    const file = makeFile(smallChunk);
    const identity = { name: file.name, size: file.size, lastModified: file.lastModified };
    rig.store.set(identity, { uploadId: 'old', uploadToken: 't', chunkSize: smallChunk, totalChunks: 1, savedAt: Date.now() - resumeEntryLifetimeMs - 1 });

    await rig.client.uploadFile(file);

    expect(rig.server.requests[0]!.path).toBe('/api/uploads/initiate');
  });

  it('keys entries by project too, and falls back to memory when localStorage is missing', () => {
    const store = new LocalResumeStore();
    const entry = { uploadId: 'x', uploadToken: 't', chunkSize: 1, totalChunks: 1, savedAt: Date.now() };
    store.set({ name: 'a.mp4', size: 1, projectId: 'p1' }, entry);
    expect(store.get({ name: 'a.mp4', size: 1, projectId: 'p1' })).toEqual(entry);
    expect(store.get({ name: 'a.mp4', size: 1, projectId: 'p2' })).toBeUndefined();
    store.deleteUpload('x');
    expect(store.get({ name: 'a.mp4', size: 1, projectId: 'p1' })).toBeUndefined();
  });
});
