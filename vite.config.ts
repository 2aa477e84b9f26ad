import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The production build carries a strict Content-Security-Policy: no network requests at all, no
 * inline scripts, no eval. The dev server does not (its inline refresh script would be blocked).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'iova-explorer-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<meta charset="UTF-8" />',
        `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
      );
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  // zod with its eval probe turned off before any schema is defined (src/ui/zod-csp.ts).
  resolve: {
    alias: [
      {
        find: /^zod$/,
        replacement: fileURLToPath(new URL('./src/ui/zod-csp.ts', import.meta.url)),
      },
    ],
  },
  server: { port: 5173, strictPort: false },
  build: { target: 'es2022', sourcemap: false },
  // The import worker is a module worker (new Worker(url, { type: 'module' })), loaded from the
  // app's own origin, which the CSP's worker-src 'self' allows.
  worker: { format: 'es' },
});
