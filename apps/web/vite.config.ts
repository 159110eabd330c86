// Builds the browser app into apps/web/dist (the server serves that folder at `/`). In development
// `vite` serves the app and forwards the API to a server started with `npm start`.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiServer = process.env['CONCLAVE_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      // The workspace packages are pure (no work at import time), but their package.json files
      // don't say so; without this the engine's zod scenario schema rides along unused.
      treeshake: {
        moduleSideEffects: (id) =>
          !/[\\/]packages[\\/](policy|protocol)[\\/]|[\\/]node_modules[\\/]zod[\\/]/.test(id),
      },
    },
  },
  server: {
    proxy: { '/api': apiServer, '/healthz': apiServer, '/openapi.json': apiServer },
  },
});
