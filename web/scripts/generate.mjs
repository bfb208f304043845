// Generates the typed protobuf and Connect definitions (src/gen/) from ../protos with the
// Debian protoc and protoc-gen-es, and copies the NHS design system's images to public/.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const protos = join(web, "..", "protos");
const out = join(web, "src", "gen");

function protoFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return protoFiles(path);
    return entry.endsWith(".proto") ? [relative(protos, path)] : [];
  });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  "protoc",
  [
    `-I${protos}`,
    `--plugin=protoc-gen-es=${join(web, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${out}`,
    "--es_opt=target=ts",
    ...protoFiles(join(protos, "bridging")),
  ],
  { stdio: "inherit" },
);

// nhsuk-frontend's CSS refers to its icons under /nhsuk/images/ (see src/styles/app.scss).
const images = join(web, "public", "nhsuk", "images");
rmSync(images, { recursive: true, force: true });
mkdirSync(images, { recursive: true });
cpSync(join(web, "node_modules", "nhsuk-frontend", "dist", "nhsuk", "assets", "images"), images, {
  recursive: true,
});
console.log(`generated ${out} and ${images}`);
