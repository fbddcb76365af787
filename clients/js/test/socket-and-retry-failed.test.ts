// connectWebSocket's URL and message parsing (against a stand-in for the browser's WebSocket), and
// retryFailedChunks finishing an upload whose chunk failed for good the first time.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadStatusResponse } from '../src/api-types.js';
import { EnhancedUploadClient } from '../src/client.js';
import { makeFile, makeRig, smallChunk } from './helpers.js';

/** Records the URL it was opened with and lets the test deliver messages, as a server would. */
class RecordingWebSocket extends EventTarget {
  static opened: RecordingWebSocket[] = [];
  constructor(readonly url: string) {
    super();
    RecordingWebSocket.opened.push(this);
  }
  deliver(data: string): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

describe('connectWebSocket', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    RecordingWebSocket.opened = [];
  });

  it('opens ws://…/api/uploads/{id}/ws with the upload token and passes on status_update data', async () => {
    vi.stubGlobal('WebSocket', RecordingWebSocket);
    const rig = makeRig({ maxConcurrentChunks: 1 });
    const file = makeFile(smallChunk * 2);
    const updates: UploadStatusResponse[] = [];
    let socket: RecordingWebSocket | undefined;
    rig.server.onChunkStarted((chunk) => {
      if (chunk !== 0) return;
      const [upload] = rig.server.uploads.values();
      socket = rig.client.connectWebSocket(upload!.id, (status) => updates.push(status)) as unknown as RecordingWebSocket;
    });

    await rig.client.uploadFile(file);

    const [upload] = rig.server.uploads.values();
    expect(socket!.url).toBe(`ws://uploads.test/api/uploads/${upload!.id}/ws?access_token=${encodeURIComponent(upload!.token)}`);
    socket!.deliver(JSON.stringify({ type: 'status_update', data: { uploadId: upload!.id, status: 'uploading', completedChunks: 1 } }));
    socket!.deliver(JSON.stringify({ type: 'something_else', data: {} }));
    socket!.deliver('not json');
    expect(updates).toEqual([{ uploadId: upload!.id, status: 'uploading', completedChunks: 1 }]);
  });

  it('uses wss:// for an https service', () => {
    vi.stubGlobal('WebSocket', RecordingWebSocket);
    const client = new EnhancedUploadClient('https://uploads.test/', { credentials: { uploadToken: 'tok' } });
    client.connectWebSocket('abc');
    expect(RecordingWebSocket.opened[0]!.url).toBe('wss://uploads.test/api/uploads/abc/ws?access_token=tok');
  });
});

describe('retryFailedChunks', () => {
  it('sends what the service still lacks after a failed upload, then completes it', async () => {
    const rig = makeRig({ maxRetries: 0, maxConcurrentChunks: 1 });
    rig.server.failNext('PUT', /\/chunks\/1$/, { kind: 'status', status: 500, code: 'internal_error', detail: 'boom' });
    const error = await rig.client.uploadFile(makeFile(smallChunk * 3), undefined, rig.onProgress).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'internal_error' });
    const [upload] = rig.server.uploads.values();

    expect(await rig.client.retryFailedChunks(upload!.id)).toBe(true);

    expect(upload!.status).toBe('completed');
    const sent = rig.server.chunkRequests().map((request) => Number(request.path.split('/').at(-1)));
    expect(sent).toEqual([0, 1, 1, 2]);
    expect(rig.progress.at(-1)).toMatchObject({ status: 'completed', progressPercentage: 100 });
  });

  it('answers false for an upload it is not holding', async () => {
    const rig = makeRig();
    expect(await rig.client.retryFailedChunks('unknown')).toBe(false);
  });
});
