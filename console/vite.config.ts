import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { packageAliases } from '../scripts/package-aliases.js'

// The admin console: built into dist/console and served by Gatehouse itself at /console
// (src/http/console-routes.ts) under a CSP that allows no inline script or style.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  resolve: { alias: packageAliases },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // No inline module-preload polyfill or data: scripts: everything is a file the CSP allows.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:4455' } },
})
