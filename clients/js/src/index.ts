// The package entry (dist/index.js): the client, its errors, progress and resume-store types.

export { EnhancedUploadClient, default } from './client.js';
export type { EnhancedUploadClientOptions, ProgressCallback, UploadCredentials, UploadHandle, UploadableFile } from './client.js';
export { UploadError } from './errors.js';
export type { ProblemDetails } from './errors.js';
export type { UploadProgress, UploadProgressStatus } from './progress.js';
export { LocalResumeStore, MemoryStorage, resumeEntryLifetimeMs, resumeKey } from './resume-store.js';
export type { FileIdentity, KeyValueStorage, ResumeEntry, ResumeStore } from './resume-store.js';
export type { UploadStatusResponse, VideoResponse, ServerUploadStatus } from './api-types.js';
