import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src/**); integration and end-to-end tests live under test/.
// Real-gateway tests are heavy (~1 GB, ~12 s each): test/e2e runs files one at a time.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration', include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000, hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000,
          fileParallelism: false, retry: 1,
        },
      },
    ],
  },
});
