// The upload page's behaviour: files from the picker or a drop each get a row and an upload through
// EnhancedUploadClient (which resumes a file it has seen before), with cancel and resume per row, the server's
// error messages, and a notice on 401 explaining how a browser gets an upload token.
// Query-string overrides for tests: ?chunkSize=<bytes>&maxConcurrentChunks=<n>.

import { EnhancedUploadClient, type EnhancedUploadClientOptions } from '../src/client.js';
import { UploadError } from '../src/errors.js';
import type { UploadProgress } from '../src/progress.js';
import { classifyCredential, loadCredential, saveCredential } from './credential.js';
import { createUploadRow, type UploadRow } from './upload-row.js';

const query = new URLSearchParams(location.search);

function positiveInteger(name: string): number | undefined {
  const value = Number(query.get(name));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

const tuning: EnhancedUploadClientOptions = {
  chunkSize: positiveInteger('chunkSize'),
  maxConcurrentChunks: positiveInteger('maxConcurrentChunks') ?? 3,
};

const fileInput = document.querySelector<HTMLInputElement>('[data-testid="file-input"]')!;
const dropZone = document.querySelector<HTMLElement>('[data-testid="drop-zone"]')!;
const credentialInput = document.querySelector<HTMLInputElement>('[data-testid="credential"]')!;
const notice = document.querySelector<HTMLElement>('[data-testid="notice"]')!;
const list = document.querySelector<HTMLUListElement>('.uploads')!;

credentialInput.value = loadCredential();
// The field sits in a form only so browsers treat it as a password field; Enter must not reload the page.
credentialInput.form?.addEventListener('submit', (event) => event.preventDefault());
credentialInput.addEventListener('input', () => {
  saveCredential(credentialInput.value.trim());
  if (credentialInput.value.trim()) hideNotice();
});

function hideNotice(): void {
  notice.hidden = true;
  notice.textContent = '';
}

function showAccessNotice(message: string): void {
  notice.replaceChildren(
    strong('This service needs a credential. '),
    `The server said: ${message}. `,
    'A page like this one must never hold an API key. Instead, a backend that holds the key starts the upload ',
    '(POST /api/uploads/initiate) and hands the browser the upload id and its upload token; paste that token into ',
    '"API key or upload token" below and choose the file again. See the service README, "Access control". ',
    'On your own machine, a gateway in open mode (no keys configured, listening on loopback) needs nothing.',
  );
  notice.hidden = false;
}

function strong(text: string): HTMLElement {
  const element = document.createElement('strong');
  element.textContent = text;
  return element;
}

/** One row's upload: the client that holds it (cancel must go to that client) and its id once known. */
interface RowUpload {
  row: UploadRow;
  file: File;
  client?: EnhancedUploadClient;
  uploadId?: string;
  cancelRequested: boolean;
}

function clientFor(credential: ReturnType<typeof classifyCredential>): EnhancedUploadClient {
  const credentials = credential.kind === 'bearer' ? { bearer: credential.value } : undefined;
  return new EnhancedUploadClient('', { ...tuning, credentials });
}

async function start(upload: RowUpload): Promise<void> {
  const credential = classifyCredential(credentialInput.value);
  const client = clientFor(credential);
  upload.client = client;
  upload.cancelRequested = false;
  upload.row.setStatus('uploading');
  const onProgress = (progress: UploadProgress) => {
    if (upload.uploadId !== progress.uploadId) {
      upload.uploadId = progress.uploadId;
      upload.row.setUploadId(progress.uploadId);
      // Cancel was pressed before the upload had an id: carry it out now.
      if (upload.cancelRequested) void client.cancelUpload(progress.uploadId);
    }
    upload.row.showProgress(progress);
  };
  try {
    if (credential.kind === 'upload-token') {
      await client.resumeUpload({ uploadId: credential.uploadId, uploadToken: credential.value }, upload.file, onProgress);
    } else {
      await client.uploadFile(upload.file, undefined, onProgress);
    }
    upload.row.setStatus('completed');
  } catch (error) {
    if (error instanceof UploadError && error.code === 'cancelled') {
      upload.row.setStatus('cancelled');
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    upload.row.setStatus('failed', message);
    if (error instanceof UploadError && error.status === 401) showAccessNotice(message);
  }
}

async function cancel(upload: RowUpload): Promise<void> {
  upload.cancelRequested = true;
  upload.row.cancelButton.disabled = true;
  if (upload.client && upload.uploadId) await upload.client.cancelUpload(upload.uploadId);
}

function addFiles(files: Iterable<File>): void {
  for (const file of files) {
    const row = createUploadRow(file.name);
    const upload: RowUpload = { row, file, cancelRequested: false };
    row.cancelButton.addEventListener('click', () => void cancel(upload));
    // Resume sends what the service lacks (the resume store remembers the upload); after a cancel it starts anew.
    row.resumeButton.addEventListener('click', () => void start(upload));
    list.append(row.element);
    void start(upload);
  }
}

fileInput.addEventListener('change', () => {
  if (fileInput.files) addFiles([...fileInput.files]);
  // Cleared so choosing the same file again (to resume it) fires another change event.
  fileInput.value = '';
});

dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  if (event.dataTransfer?.files) addFiles([...event.dataTransfer.files]);
});
