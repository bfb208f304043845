// Unit tests of the UI's pure logic (src/**/*.test.ts), in Node; the pages themselves are
// tested in a real browser by e2e/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
