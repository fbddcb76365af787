// The happy path and its contracts: progress with the seed's field names up to 100, X-Chunk-Hash, the upload token,
// /complete after the last chunk, at most maxConcurrentChunks in flight, and cancel.

import { describe, expect, it } from 'vitest';
import { UploadError } from '../src/errors.js';
import { sha256 } from './fake-upload-server.js';
import { makeFile, makeRig, smallChunk } from './helpers.js';

describe('uploadFile', () => {

  it('reports progress with the seed field names, reaching 100 once /complete succeeded', async () => {
    const rig = makeRig();
    const file = makeFile(smallChunk * 3 + 1000);

    const uploadId = await rig.client.uploadFile(file, undefined, rig.onProgress);

    const last = rig.progress.at(-1)!;
    expect(Object.keys(last).sort()).toEqual([
      'completedChunks', 'estimatedTimeRemaining', 'progressPercentage', 'status', 'totalChunks', 'uploadId', 'uploadSpeed', 'uploadedBytes',
    ]);
    expect(last).toMatchObject({ uploadId, progressPercentage: 100, completedChunks: 4, totalChunks: 4, uploadedBytes: file.size, status: 'completed', estimatedTimeRemaining: 0 });
    const percentages = rig.progress.map((update) => update.progressPercentage);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(rig.progress[0]).toMatchObject({ progressPercentage: 0, completedChunks: 0, status: 'uploading' });
    expect(rig.server.uploads.get(uploadId)!.status).toBe('completed');
  });

  it('calls /complete even though the last chunk already answered "completed"', async () => {
    const rig = makeRig();
    const uploadId = await rig.client.uploadFile(makeFile(smallChunk * 2), undefined, rig.onProgress);

    const paths = rig.server.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths.at(-1)).toBe(`POST /api/uploads/${uploadId}/complete`);
    expect(rig.progress.filter((update) => update.status === 'completed')).toHaveLength(1);
  });

  it('sends X-Chunk-Hash equal to the sha256 of each chunk, and the upload token', async () => {
    const rig = makeRig();
    const file = makeFile(smallChunk * 2 + 10);
    const uploadId = await rig.client.uploadFile(file);
    const upload = rig.server.uploads.get(uploadId)!;
    const bytes = new Uint8Array(await file.arrayBuffer());

    const puts = rig.server.chunkRequests();
    expect(puts).toHaveLength(3);
    for (const put of puts) {
      const chunk = Number(put.path.split('/').at(-1));
      const expected = sha256(bytes.subarray(chunk * smallChunk, Math.min(file.size, (chunk + 1) * smallChunk)));
      expect(put.headers['x-chunk-hash']).toBe(expected);
      expect(put.headers['x-upload-token']).toBe(upload.token);
    }
    expect(rig.server.requests[0]!.headers['x-upload-token']).toBeUndefined();
  });

  it('sends no X-Chunk-Hash when hash validation is off, and an API key as a bearer instead of the token', async () => {
    const rig = makeRig({ enableHashValidation: false, credentials: { apiKey: 'k'.repeat(40) } });
    // The fake accepts only upload tokens, so the API key run is judged by the headers of initiate alone.
    await expect(rig.client.uploadFile(makeFile(smallChunk))).rejects.toThrow(UploadError);
    const initiate = rig.server.requests[0]!;
    expect(initiate.headers['authorization']).toBe(`Bearer ${'k'.repeat(40)}`);
    const put = rig.server.chunkRequests()[0]!;
    expect(put.headers['x-chunk-hash']).toBeUndefined();
    expect(put.headers['x-upload-token']).toBeUndefined();
  });

  it('keeps at most maxConcurrentChunks chunk requests in flight, and uses them all', async () => {
    const rig = makeRig({ maxConcurrentChunks: 3, enableHashValidation: false });
    // Long enough that every worker's request is in before the first answer; short enough to keep the test quick.
    rig.server.chunkDelayMs = 30;
    await rig.client.uploadFile(makeFile(smallChunk * 12));

    expect(rig.server.chunkRequests()).toHaveLength(12);
    expect(rig.server.maxInFlightChunks).toBe(3);
  });

  it('cancel stops sending, cancels on the server, forgets the resume entry and rejects the upload', async () => {
    const rig = makeRig({ maxConcurrentChunks: 2 });
    rig.server.chunkDelayMs = 20;
    const file = makeFile(smallChunk * 10);
    let cancelled: Promise<boolean> | undefined;
    rig.server.onChunkStarted((chunk) => {
      if (chunk === 0) cancelled = rig.client.cancelUpload([...rig.server.uploads.keys()][0]!);
    });

    const upload = rig.client.uploadFile(file, undefined, rig.onProgress);

    await expect(upload).rejects.toMatchObject({ code: 'cancelled' });
    expect(await cancelled).toBe(true);
    const [serverUpload] = rig.server.uploads.values();
    expect(serverUpload!.status).toBe('cancelled');
    expect(rig.server.chunkRequests().length).toBeLessThanOrEqual(2);
    expect(rig.server.requests.some((request) => request.method === 'DELETE')).toBe(true);
    expect(rig.store.get({ name: file.name, size: file.size, lastModified: file.lastModified })).toBeUndefined();
    expect(rig.progress.at(-1)!.status).toBe('cancelled');
  });
});
