// Builds the UI into dist/ for the gateway to serve; `npx vite` serves it for development,
// passing Connect calls to a running gateway (BRIDGING_GATEWAY_HTTP, default the local suite's).
import { defineConfig } from "vite";

const gateway = process.env.BRIDGING_GATEWAY_HTTP ?? "http://127.0.0.1:8100";

export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Everything is a file of our own origin: the gateway's Content-Security-Policy allows
    // no inline scripts or styles and no data: fonts.
    assetsInlineLimit: 0,
    sourcemap: false,
    // A browser from the last few years; the charity's and practices' machines are managed.
    target: "es2022",
    // Compiling the design system's Sass is most of the build; that is expected, not news.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    proxy: { "^/bridging\\.": { target: gateway, changeOrigin: true } },
  },
});
