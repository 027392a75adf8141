#!/usr/bin/env node
// Compiles the CLI (src/cli/main.ts and all it imports) to JavaScript in dist/ with esbuild, so that
// `peft-lab` starts without compiling TypeScript on every run. `npm ci` runs it (the `prepare`
// script, which never fails the install: without dist/ the launcher runs the sources through tsx);
// `npm run build` runs it by hand. Commands stay separate chunks loaded on demand, so `--help` and
// `score` never load the tensor engine. dist/build.json records the sources for bin/compiledCli.mjs.
//
// Usage: node bin/build.mjs [--out DIR]   (default: dist/ beside bin/)
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, ENTRY, STAMP } from './compiledCli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// tfjs-core publishes its gradient and chained-op registrations only as ESM files with
// extensionless specifiers, which Node refuses without src/engine/esmResolve.mjs; bundled, they
// need no resolve hook (their registries are global, so the CommonJS tfjs-core sees them).
const BUNDLED_PACKAGE_FILES = /^@tensorflow\/tfjs-core\/dist\/(register_all_gradients|public\/chained_ops\/register_all_chained_ops)\.js$/;

/** Packages stay in node_modules (imported at run time), except the registrations above. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGE_FILES.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

function outDir(argv) {
  const i = argv.indexOf('--out');
  if (i < 0) return path.join(root, DIST);
  if (!argv[i + 1]) throw new Error('--out needs a folder');
  return path.resolve(argv[i + 1]);
}

async function main() {
  const out = outDir(process.argv.slice(2));
  const started = Date.now();
  const { build } = await import('esbuild');
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outbase: 'src',
    outdir: tmp,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
    plugins: [externalPackages],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.startsWith('node_modules/'))
    .sort();
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(result.metafile));
  // Written last: a folder without its stamp is never run.
  writeFileSync(path.join(tmp, STAMP), JSON.stringify({ builtAtMs: started, entry: ENTRY, inputs }, null, 1) + '\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`peft-lab: compiled the CLI to ${path.relative(root, out) || out}/ in ${seconds} s (${inputs.length} source files)`);
}

/** esbuild's first error with its place, else the error's first line. */
function why(e) {
  const first = e?.errors?.[0];
  if (first) return first.location ? `${first.location.file}:${first.location.line}: ${first.text}` : first.text;
  return String(e?.message ?? e).split('\n')[0];
}

main().catch((e) => {
  console.warn(`peft-lab: could not compile the CLI (${why(e)}); peft-lab runs the TypeScript sources instead (slower start)`);
  process.exit(1);
});
