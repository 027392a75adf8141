#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader so that `npx peft-lab` works right after `npm ci`
// with no build step; esmResolve.mjs lets Node load tfjs' ESM-only gradient registrations.
import { register as registerHook } from 'node:module';
import { register } from 'tsx/esm/api';

registerHook('../src/engine/esmResolve.mjs', import.meta.url);
register();
await import('../src/cli/main.ts');
