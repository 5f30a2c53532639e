import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer is the Vite root. `base: './'` keeps asset URLs relative, so the same build
// loads from the desktop app's own scheme and from any web server.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
