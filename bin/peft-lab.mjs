#!/usr/bin/env node
// Runs the CLI compiled to dist/ by `npm ci` (bin/build.mjs) when it is up to date with the sources,
// which starts in a fraction of the time; otherwise the TypeScript sources through tsx, with
// esmResolve.mjs letting Node load tfjs' ESM-only gradient registrations (the build bundles those).
// PEFT_CLI_SOURCES=1 runs the sources regardless (vitest sets it: tests run the TypeScript);
// PEFT_DEBUG=1 says which on stderr.
import { register as registerHook } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledEntry } from './compiledCli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = process.env.PEFT_CLI_SOURCES === '1' ? { reason: 'PEFT_CLI_SOURCES=1' } : compiledEntry(root);
if ('entry' in compiled) {
  if (process.env.PEFT_DEBUG) process.stderr.write(`peft-lab: running the compiled ${path.relative(root, compiled.entry)}\n`);
  await import(pathToFileURL(compiled.entry).href);
} else {
  if (process.env.PEFT_DEBUG) process.stderr.write(`peft-lab: running the TypeScript sources (${compiled.reason})\n`);
  registerHook('../src/engine/esmResolve.mjs', import.meta.url);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
