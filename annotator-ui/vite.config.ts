import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The Go server serves dist/ at "/" with an HTML5 fallback, so asset paths are absolute.
// In development Vite proxies the API to a locally running `goldset serve`.
const backend = process.env.GOLDSET_DEV_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/readyz': backend,
    },
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Every test starts with the real globals: mockApi, mockXhr and the fake EventSource stub them.
    unstubGlobals: true,
  },
});
