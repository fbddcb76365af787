// @vitest-environment jsdom
// useEnhancedUpload rendered for real (react-dom in jsdom): progress, isUploading, uploadId and error follow an
// upload through the fake server. The file is a Node Blob with a name, since the fake reads bodies with Node's Response.
/// <reference types="node" />

import { Blob as NodeBlob } from 'node:buffer';
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import type { UploadableFile } from '../src/client.js';
import { useEnhancedUpload, type EnhancedUploadState } from '../src/react.js';
import { makeRig, smallChunk } from './helpers.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function namedBlob(size: number, name: string): UploadableFile {
  return Object.assign(new NodeBlob([new Uint8Array(size).fill(3)]), { name, lastModified: 1 }) as unknown as UploadableFile;
}

function renderHook(client: Parameters<typeof useEnhancedUpload>[0]): { current: () => EnhancedUploadState; unmount: () => void } {
  let latest: EnhancedUploadState | undefined;
  const Probe = () => {
    latest = useEnhancedUpload(client);
    return null;
  };
  const root = createRoot(document.createElement('div'));
  act(() => root.render(createElement(Probe)));
  return { current: () => latest!, unmount: () => act(() => root.unmount()) };
}

describe('useEnhancedUpload', () => {
  it('tracks progress to 100, the upload id, and isUploading', async () => {
    const rig = makeRig({ enableHashValidation: false });
    const hook = renderHook(rig.client);
    expect(hook.current()).toMatchObject({ progress: null, isUploading: false, error: null, uploadId: null });
    const seen: number[] = [];

    let uploadId = '';
    await act(async () => {
      uploadId = await hook.current().uploadFile(namedBlob(smallChunk * 2, 'hook.mp4'), undefined, (progress) => seen.push(progress.progressPercentage));
    });

    expect(hook.current()).toMatchObject({ isUploading: false, error: null, uploadId });
    expect(hook.current().progress).toMatchObject({ progressPercentage: 100, completedChunks: 2, totalChunks: 2, status: 'completed' });
    expect(seen.at(-1)).toBe(100);
    hook.unmount();
  });

  it('exposes the error of a failed upload', async () => {
    const rig = makeRig({ enableHashValidation: false });
    rig.server.maxFileSize = 10;
    const hook = renderHook(rig.client);

    await act(async () => {
      await hook.current().uploadFile(namedBlob(smallChunk, 'big.mp4')).catch(() => undefined);
    });

    expect(hook.current().error?.message).toContain('File too large');
    expect(hook.current().isUploading).toBe(false);
    hook.unmount();
  });
});
