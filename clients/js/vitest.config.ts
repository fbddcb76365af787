// Vitest settings: unit tests only, in Node (the client needs fetch, Blob, File and crypto.subtle, all global in Node 20).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
