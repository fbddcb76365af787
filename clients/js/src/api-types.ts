// The seed API's JSON bodies as the gateway sends them (camelCase, enum values in lowercase), only the fields this
// client reads. The gateway is the source of truth: src/Gateway/Uploads/UploadResponses.cs.

export type ServerUploadStatus = 'initiated' | 'uploading' | 'completed' | 'failed' | 'cancelled' | 'expired';

export interface InitiateResponse {
  uploadId: string;
  uploadToken: string;
  chunkSize: number;
  totalChunks: number;
  status: ServerUploadStatus;
  expiresAt: string;
}

export interface ChunkResponse {
  uploadId: string;
  chunkNumber: number;
  completedChunks: number;
  totalChunks: number;
  uploadedBytes: number;
  progressPercentage: number;
  status: ServerUploadStatus;
  alreadyStored: boolean;
}

/** GET /api/uploads/{id}, and the `data` of every WebSocket status_update. */
export interface UploadStatusResponse {
  uploadId: string;
  filename: string;
  projectId?: string | null;
  totalSize?: number | null;
  chunkSize: number;
  totalChunks: number;
  completedChunks: number;
  missingChunks: number[];
  uploadedBytes: number;
  progressPercentage: number;
  status: ServerUploadStatus;
  fileHash?: string | null;
  failureReason?: string | null;
}

/** POST /api/uploads/{id}/complete answers the finished video. */
export interface VideoResponse {
  id: string;
  filename: string;
  size: number;
  fileHash?: string | null;
}

export function acceptsBytes(status: ServerUploadStatus): boolean {
  return status === 'initiated' || status === 'uploading';
}
