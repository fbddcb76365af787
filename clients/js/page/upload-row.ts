// One row of the upload list: builds the <li> with the data-testid contract the Chromium tests read, and renders
// progress, status and errors into it. Text formats are part of that contract: "42.0%", "1.23 MB/s",
// "12s remaining", "3 / 10 chunks".

import type { UploadProgress } from '../src/progress.js';

export type RowStatus = 'uploading' | 'completed' | 'failed' | 'cancelled';

export interface UploadRow {
  element: HTMLLIElement;
  cancelButton: HTMLButtonElement;
  resumeButton: HTMLButtonElement;
  setStatus(status: RowStatus, error?: string): void;
  setUploadId(uploadId: string): void;
  showProgress(progress: UploadProgress): void;
}

function span(testId: string, className: string, text = ''): HTMLSpanElement {
  const element = document.createElement('span');
  element.dataset['testid'] = testId;
  element.className = className;
  element.textContent = text;
  return element;
}

function button(testId: string, label: string): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.dataset['testid'] = testId;
  element.textContent = label;
  return element;
}

export function createUploadRow(fileName: string): UploadRow {
  const element = document.createElement('li');
  element.className = 'upload-row';
  element.dataset['testid'] = 'upload-row';
  element.dataset['fileName'] = fileName;

  const name = span('file-name', 'upload-name', fileName);
  const state = span('state', 'upload-state');
  const bar = document.createElement('progress');
  bar.dataset['testid'] = 'progress';
  bar.max = 100;
  bar.value = 0;
  const percent = span('percent', '', '0.0%');
  const speed = span('speed', '', '0.00 MB/s');
  const eta = span('eta', '', '0s remaining');
  const chunks = span('chunks', '', '0 / 0 chunks');
  const stats = document.createElement('div');
  stats.className = 'upload-stats';
  stats.append(percent, speed, eta, chunks);
  const error = span('error', 'upload-error');
  error.setAttribute('role', 'status');
  const cancelButton = button('cancel', 'Cancel');
  const resumeButton = button('resume', 'Resume');
  const actions = document.createElement('div');
  actions.className = 'upload-actions';
  actions.append(cancelButton, resumeButton);
  element.append(name, state, bar, stats, error, actions);

  const row: UploadRow = {
    element, cancelButton, resumeButton,
    setStatus(status, message = '') {
      element.dataset['status'] = status;
      state.textContent = status;
      error.textContent = message;
      cancelButton.disabled = status !== 'uploading';
      resumeButton.disabled = status === 'uploading' || status === 'completed';
    },
    setUploadId(uploadId) {
      element.dataset['uploadId'] = uploadId;
    },
    showProgress(progress) {
      bar.value = progress.progressPercentage;
      percent.textContent = `${progress.progressPercentage.toFixed(1)}%`;
      speed.textContent = `${(progress.uploadSpeed / 1024 / 1024).toFixed(2)} MB/s`;
      eta.textContent = `${Math.round(progress.estimatedTimeRemaining)}s remaining`;
      chunks.textContent = `${progress.completedChunks} / ${progress.totalChunks} chunks`;
    },
  };
  row.setStatus('uploading');
  return row;
}
