import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { connectSrcFor, contentSecurityPolicy } from './electron/main/security';

/**
 * The built renderer carries the desktop app's Content-Security-Policy in a meta tag, so
 * every browser test runs under the same policy as the installed app.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'cohort-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      // frame-ancestors is ignored in a meta tag (it only works as a header, which main sends).
      const csp = contentSecurityPolicy({ connectSrc: connectSrcFor(null), dev: false })
        .split('; ')
        .filter((d) => !d.startsWith('frame-ancestors'))
        .join('; ');
      return html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`,
      );
    },
  };
}

// The renderer is the Vite root. `base: './'` keeps asset URLs relative, so the same build
// loads from the desktop app's own scheme and from any web server.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
