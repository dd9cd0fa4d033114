#!/usr/bin/env node
// Part of `npm run build`, after tsc: the two hot paths as single files. ESM costs about 1 ms per module loaded,
// and these commands load dozens; src/entry.ts loads each bundle, or its modules when it is missing (running from
// src/ under tsx). Packages (the AWS SDK, keytar, hcl2-parser, oclif) always stay outside.
//
// dist/runner/fast-path.js: `terrace tf|tofu|exec|aws …` (runner/run-wrapped-argv.js and everything it reaches,
// lazily imported parts included: esbuild keeps those lazy inside the bundle, so every module exists once).
//
// dist/credential-process/fast-path.js: `terrace credential-process` (credential-process/main.js and its static
// imports only). Its budget is tighter (~25 ms over node itself), so the bundle holds just the warm path: each
// dynamic import (the cold path that loads the AWS SDK, the vault chooser, the transfer encryption) stays a
// separate module loaded on demand from its usual place in dist/, the plugin rewriting the specifier to a path from
// the bundle's folder. Those modules then bring their own copy of what they share with the bundle, which is why
// lib/errors.ts recognises its errors by a brand, not by class identity.
import {build} from 'esbuild'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const common = {
  bundle: true,
  external: ['keytar', 'hcl2-parser', '@aws-sdk/*', '@smithy/*', '@oclif/*'],
  format: 'esm',
  logLevel: 'warning',
  platform: 'node',
  target: 'node20',
}

/** @returns {import('esbuild').Plugin} */
function dynamicImportsStayOut(outfile) {
  return {
    name: 'dynamic-imports-stay-out',
    setup(builder) {
      builder.onResolve({filter: /^\.\.?\//}, (args) => {
        if (args.kind !== 'dynamic-import') return
        const target = join(args.resolveDir, args.path)
        const fromBundle = relative(dirname(outfile), target).split(sep).join('/')
        return {external: true, path: fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`}
      })
    },
  }
}

const credentialProcess = join(dist, 'credential-process', 'fast-path.js')
const credentialProcessCjs = join(dist, 'credential-process', 'fast-path.cjs')
await Promise.all([
  build({
    ...common,
    entryPoints: [join(dist, 'runner', 'run-wrapped-argv.js')],
    outfile: join(dist, 'runner', 'fast-path.js'),
  }),
  build({
    ...common,
    entryPoints: [join(dist, 'credential-process', 'main.js')],
    outfile: credentialProcess,
    plugins: [dynamicImportsStayOut(credentialProcess)],
  }),
  // the same warm path as CommonJS, for bin/run.js (credential-process/bin.ts says why)
  build({
    ...common,
    entryPoints: [join(dist, 'credential-process', 'bin.js')],
    format: 'cjs',
    outfile: credentialProcessCjs,
    plugins: [dynamicImportsStayOut(credentialProcessCjs)],
  }),
])
