// useEnhancedUpload: the seed's React hook (dist/react.js, React kept external as a peer dependency). It wraps one
// client and exposes the latest progress, whether an upload is running, its error and its id.

import { useCallback, useMemo, useRef, useState } from 'react';
import { EnhancedUploadClient, type ProgressCallback, type UploadableFile } from './client.js';
import type { UploadProgress } from './progress.js';

export interface EnhancedUploadState {
  uploadFile: (file: UploadableFile, projectId?: string, onProgress?: ProgressCallback) => Promise<string>;
  cancelUpload: (uploadId?: string) => Promise<boolean>;
  progress: UploadProgress | null;
  isUploading: boolean;
  error: Error | null;
  uploadId: string | null;
}

export function useEnhancedUpload(client?: EnhancedUploadClient): EnhancedUploadState {
  // One default client per component instance, so its resume store and in-flight uploads persist across renders.
  const ownClient = useMemo(() => client ?? new EnhancedUploadClient(), [client]);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [isUploading, setIsUploading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [uploadId, setUploadId] = useState<string | null>(null);
  const currentId = useRef<string | null>(null);

  const uploadFile = useCallback(async (file: UploadableFile, projectId?: string, onProgress?: ProgressCallback) => {
    setIsUploading(true);
    setError(null);
    setProgress(null);
    try {
      const id = await ownClient.uploadFile(file, projectId, (update) => {
        currentId.current = update.uploadId;
        setUploadId(update.uploadId);
        setProgress(update);
        onProgress?.(update);
      });
      return id;
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      throw caught;
    } finally {
      setIsUploading(false);
    }
  }, [ownClient]);

  const cancelUpload = useCallback(async (id?: string) => {
    const target = id ?? currentId.current;
    return target ? ownClient.cancelUpload(target) : false;
  }, [ownClient]);

  return { uploadFile, cancelUpload, progress, isUploading, error, uploadId };
}

export type { UploadProgress } from './progress.js';
