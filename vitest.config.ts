import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        // Seeded property and fuzz runs are CPU-bound: seconds each on two loaded cores.
        test: {
          name: 'core',
          include: [
            'test/core/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'test/conformance-extra/**/*.test.ts',
            'test/bench/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { name: 'ui', include: ['test/ui/**/*.test.{ts,tsx}'], environment: 'jsdom' },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
