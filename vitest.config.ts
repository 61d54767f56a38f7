import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code (src/**); integration and end-to-end tests live under test/.
// Real-gateway tests are heavy (~1 GB, ~12 s each): test/e2e runs files one at a time, after the
// unit and integration files, which run two at a time (vitest's default on 2 cores would be one:
// availableParallelism - 1). CLAWPLANE_TEST_WORKERS overrides.
export default defineConfig({
  test: {
    maxWorkers: Number(process.env.CLAWPLANE_TEST_WORKERS ?? 2),
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
