import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { packageAliases } from '../scripts/package-aliases.js'

// The account pages (sign-in, sign-up, recovery, security settings): built into dist/pages and
// served by Gatehouse itself (src/http/pages-routes.ts) at the paths its mails link to, under a CSP
// that allows no inline script or style. Written against React's API and built with Preact's
// compatibility layer, so that the sign-in route stays within its 60 kB (gzipped) budget.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/pages/',
  resolve: {
    alias: [
      ...packageAliases,
      { find: 'react-dom/client', replacement: 'preact/compat/client' },
      { find: 'react-dom', replacement: 'preact/compat' },
      { find: 'react/jsx-runtime', replacement: 'preact/jsx-runtime' },
      { find: 'react', replacement: 'preact/compat' },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/pages', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // .vite/manifest.json: which files each screen loads (test/pages/bundle.test.ts budgets them).
    manifest: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:4455' } },
})
