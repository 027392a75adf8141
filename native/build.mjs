#!/usr/bin/env node
// Builds the optional native kernels (native/build/peft_native.node) during `npm ci`.
//
// It calls the C++ compiler directly with Node's own headers (no node-gyp download, which needs the
// network), compiles each instruction set's file with its flags, links, and loads the result once to
// prove it works. It never fails the install: whatever goes wrong is written to
// native/build/status.json, which `peft-lab doctor` shows, and the project runs on tfjs-wasm instead.
//
// Environment: CXX (compiler, default c++/g++/clang++), PEFT_NATIVE_BUILD=0 (skip), CXXFLAGS (extra).
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, 'src');
const outDir = path.join(here, 'build');
const objDir = path.join(outDir, 'obj');
const target = path.join(outDir, 'peft_native.node');
const statusFile = path.join(outDir, 'status.json');

/** A hash of the sources, so the loader can tell a build made from older sources. */
export function sourceHash() {
  const h = createHash('sha256');
  for (const f of readdirSync(srcDir).sort()) h.update(f).update(readFileSync(path.join(srcDir, f)));
  return h.digest('hex').slice(0, 16);
}

function writeStatus(status) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    statusFile,
    JSON.stringify(
      { ...status, node: process.version, napi: process.versions.napi, platform: `${process.platform}-${process.arch}`, at: new Date().toISOString() },
      null,
      2,
    ) + '\n',
  );
}

function fail(reason, extra = {}) {
  rmSync(target, { force: true });
  writeStatus({ ok: false, reason, sourceHash: sourceHash(), ...extra });
  console.warn(`peft-lab: native kernels not built (${reason}); using tfjs-wasm. Details: native/build/status.json`);
}

function tryCompiler(cxx) {
  const r = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

function findCompiler() {
  const candidates = process.env.CXX ? [process.env.CXX] : ['c++', 'g++', 'clang++'];
  for (const c of candidates) {
    const v = tryCompiler(c);
    if (v) return { cxx: c, version: v };
  }
  return { tried: candidates };
}

function findNodeHeaders() {
  const v = process.version.slice(1);
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    path.join(os.homedir(), '.cache', 'node-gyp', v, 'include', 'node'),
    path.join(os.homedir(), 'Library', 'Caches', 'node-gyp', v, 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter(Boolean);
  return { dir: candidates.find((d) => existsSync(path.join(d, 'node_api.h'))), tried: candidates };
}

function accepts(cxx, flags) {
  const r = spawnSync(cxx, [...flags, '-x', 'c++', '-c', '-o', os.devNull, '-'], { input: 'int main(){return 0;}', encoding: 'utf8' });
  return r.status === 0;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', (e) => resolve({ code: -1, out: String(e) }));
    p.on('close', (code) => resolve({ code, out }));
  });
}

async function main() {
  if (process.env.PEFT_NATIVE_BUILD === '0') return fail('skipped: PEFT_NATIVE_BUILD=0');
  if (process.platform === 'win32') return fail('building on Windows is not supported yet (use WSL)');
  const compiler = findCompiler();
  if (!compiler.cxx) return fail(`no working C++ compiler (tried ${compiler.tried.join(', ')}; set CXX)`);
  const headers = findNodeHeaders();
  if (!headers.dir) return fail(`Node headers (node_api.h) not found in ${headers.tried.join(', ')}`);

  const x64 = process.arch === 'x64';
  const base = [
    '-O3',
    '-std=gnu++17',
    '-fPIC',
    '-fvisibility=hidden',
    '-ffp-contract=fast',
    '-pthread',
    '-Wall',
    '-DNODE_GYP_MODULE_NAME=peft_native',
    `-I${headers.dir}`,
    ...(process.env.CXXFLAGS ?? '').split(/\s+/).filter(Boolean),
  ];
  const isaFlags = {
    'isa_avx2.cc': ['-mavx2', '-mfma'],
    'isa_avx512.cc': ['-mavx512f', '-mavx2', '-mfma'],
  };
  const notes = [];
  const units = readdirSync(srcDir)
    .filter((f) => f.endsWith('.cc'))
    .map((f) => {
      const flags = [...base];
      if (isaFlags[f]) {
        const extra = isaFlags[f];
        if (x64 && accepts(compiler.cxx, extra)) flags.push(...extra);
        else {
          flags.push(f === 'isa_avx2.cc' ? '-DPEFT_NO_AVX2' : '-DPEFT_NO_AVX512');
          if (x64) notes.push(`${compiler.cxx} does not accept ${extra.join(' ')}: ${f} left out`);
        }
      }
      return { src: path.join(srcDir, f), obj: path.join(objDir, f.replace(/\.cc$/, '.o')), flags };
    });

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  // Two compilations at a time: the machines this runs on have two cores.
  const queue = [...units];
  const errors = [];
  await Promise.all(
    Array.from({ length: Math.min(2, os.cpus().length || 1) }, async () => {
      for (let u = queue.shift(); u; u = queue.shift()) {
        const r = await run(compiler.cxx, [...u.flags, '-c', u.src, '-o', u.obj]);
        if (r.code !== 0) errors.push(`${path.basename(u.src)}: ${r.out.trim().split('\n').slice(0, 20).join('\n')}`);
      }
    }),
  );
  if (errors.length) return fail('compilation failed', { compiler: compiler.version, log: errors.join('\n\n') });

  const linkFlags = ['-shared', '-pthread', ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [])];
  const link = await run(compiler.cxx, [...linkFlags, '-o', target, ...units.map((u) => u.obj)]);
  if (link.code !== 0) return fail('linking failed', { compiler: compiler.version, log: link.out.trim() });
  rmSync(objDir, { recursive: true, force: true });

  // Load it in a fresh process: a crash there must not take the install down.
  const probe = spawnSync(process.execPath, ['-e', `const m=require(${JSON.stringify(target)});console.log(JSON.stringify(m.info()))`], { encoding: 'utf8' });
  if (probe.status !== 0) return fail('built but does not load', { compiler: compiler.version, log: (probe.stderr || probe.stdout).trim() });
  const info = JSON.parse(probe.stdout.trim());
  writeStatus({
    ok: true,
    compiler: compiler.version,
    cxx: compiler.cxx,
    headers: headers.dir,
    sourceHash: sourceHash(),
    isa: info.isa,
    compiled: info.compiled,
    notes,
  });
  console.log(`peft-lab: native kernels built (${info.isa}, ${info.threads} threads)`);
}

main().catch((e) => fail(`build script error: ${e?.message ?? e}`));
