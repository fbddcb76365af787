// Retries and errors: 503 and network failures retried with exponential backoff, 429's Retry-After honoured, and the
// UploadError messages the seed's callers test for. Fake timers drive the backoff sleeps; Date is faked with them,
// so the fake server's request times show exactly how long the client waited.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { UploadError } from '../src/errors.js';
import { backoffDelay, retryAfterMs } from '../src/retry.js';
import { makeFile, makeRig, settle, smallChunk, useFakeClock } from './helpers.js';

const chunkOne = /\/chunks\/1$/;

function gapsBetween(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - times[index]!);
}

describe('retries', () => {
  beforeEach(useFakeClock);
  afterEach(() => vi.useRealTimers());

  it('retries a 503 with exponential backoff, then succeeds', async () => {
    const rig = makeRig({ maxConcurrentChunks: 1 });
    const failure = { kind: 'status', status: 503, code: 'service_unavailable', detail: 'busy' } as const;
    rig.server.failNext('PUT', chunkOne, failure, failure, failure);

    const uploadId = await settle(rig.client.uploadFile(makeFile(smallChunk * 3)));

    const attempts = rig.server.chunkRequests().filter((request) => chunkOne.test(request.path));
    expect(attempts).toHaveLength(4);
    // random() is pinned to 0, so each wait is half its ceiling: 500/2, 1000/2, 2000/2 ms.
    expect(gapsBetween(attempts.map((attempt) => attempt.at))).toEqual([250, 500, 1000]);
    expect(rig.server.uploads.get(uploadId)!.status).toBe('completed');
  });

  it('retries a network error with backoff, then succeeds', async () => {
    const rig = makeRig({ maxConcurrentChunks: 1 });
    rig.server.failNext('PUT', chunkOne, { kind: 'network' }, { kind: 'network' });

    const uploadId = await settle(rig.client.uploadFile(makeFile(smallChunk * 2)));

    const attempts = rig.server.chunkRequests().filter((request) => chunkOne.test(request.path));
    expect(gapsBetween(attempts.map((attempt) => attempt.at))).toEqual([250, 500]);
    expect(rig.server.uploads.get(uploadId)!.status).toBe('completed');
  });

  it('waits as long as Retry-After says on a 429', async () => {
    const rig = makeRig({ maxConcurrentChunks: 1 });
    rig.server.failNext('PUT', chunkOne, { kind: 'status', status: 429, code: 'rate_limited', detail: 'slow down', retryAfter: '7' });

    await settle(rig.client.uploadFile(makeFile(smallChunk * 2)));

    const attempts = rig.server.chunkRequests().filter((request) => chunkOne.test(request.path));
    expect(gapsBetween(attempts.map((attempt) => attempt.at))).toEqual([7000]);
  });

  it('fails with "Network error" once the retries are spent', async () => {
    const rig = makeRig({ maxRetries: 2 });
    rig.server.failNext('POST', /initiate$/, { kind: 'network' }, { kind: 'network' }, { kind: 'network' });

    const error = await settle(rig.client.uploadFile(makeFile(smallChunk))).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).message).toContain('Network error');
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
    expect(rig.server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries 503s with the server detail, marking the upload failed', async () => {
    const rig = makeRig({ maxRetries: 1, maxConcurrentChunks: 1 });
    const failure = { kind: 'status', status: 503, code: 'cluster_unavailable', detail: 'the cluster is restarting' } as const;
    rig.server.failNext('PUT', /\/chunks\/0$/, failure, failure);

    const error = await settle(rig.client.uploadFile(makeFile(smallChunk * 2), undefined, rig.onProgress)).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'cluster_unavailable', status: 503, detail: 'the cluster is restarting' });
    expect((error as Error).message).toContain('the cluster is restarting');
    expect(rig.progress.at(-1)!.status).toBe('failed');
  });
});

describe('errors that are not retried', () => {
  it('says "File too large" for 413 file_too_large, with the server detail', async () => {
    const rig = makeRig();
    rig.server.maxFileSize = smallChunk;

    const error = await rig.client.uploadFile(makeFile(smallChunk + 1)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).message).toContain('File too large');
    expect((error as UploadError).message).toContain(`the limit is ${smallChunk}`);
    expect(error).toMatchObject({ code: 'file_too_large', status: 413 });
    expect(rig.server.requests).toHaveLength(1);
  });

  it('puts the server detail of any other problem in the message', async () => {
    const rig = makeRig();
    rig.server.failNext('POST', /initiate$/, { kind: 'status', status: 415, code: 'unsupported_file_type', detail: '.txt files are not accepted' });

    const error = await rig.client.uploadFile(makeFile(smallChunk, 'notes.txt')).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'unsupported_file_type', status: 415, message: '.txt files are not accepted' });
  });
});

describe('backoff arithmetic', () => {
  it('doubles the ceiling per attempt up to the cap, with jitter in its upper half', () => {
    const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 };
    expect([0, 1, 2, 3, 4].map((attempt) => Math.round(backoffDelay(attempt, policy)))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(2, { ...policy, random: () => 0 })).toBe(200);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
