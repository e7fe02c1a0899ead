import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The page: visualizer/app/index.html and what it imports (the simulator core included), built to visualizer/dist. */
export default defineConfig({
  root: fileURLToPath(new URL('./app', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The simulator core (zod, mathjs) makes one large bundle on purpose: the page is served locally.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place; harmless, and noise in every build.
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
});
