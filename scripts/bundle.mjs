#!/usr/bin/env node
// Part of `npm run build`, after tsc: the credential-process fast path (dist/credential-process/main.js and every
// module it imports statically) as one file, dist/credential-process/fast-path.js. AWS tools run
// `terrace credential-process` many times at once and each one waits for it; ESM costs about 1 ms per module
// loaded, and one file instead of ~20 saves a tenth of the command's time.
//
// Dynamic imports are where the code base draws its lazy boundaries (the cold path that loads the AWS SDK, the vault
// chooser, keytar, the transfer encryption), so they stay separate modules, loaded on demand from their usual place
// in dist/: the plugin below rewrites each relative dynamic import to a path from the bundle's folder. Packages
// stay external. src/entry.ts loads the bundle, or main.js when it is missing (running from src/ under tsx).
import {build} from 'esbuild'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const outfile = join(dist, 'credential-process', 'fast-path.js')

/** @type {import('esbuild').Plugin} */
const dynamicImportsStayOut = {
  name: 'dynamic-imports-stay-out',
  setup(builder) {
    builder.onResolve({filter: /^\.\.?\//}, (args) => {
      if (args.kind !== 'dynamic-import') return undefined
      const target = join(args.resolveDir, args.path)
      const fromBundle = relative(dirname(outfile), target).split(sep).join('/')
      return {external: true, path: fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`}
    })
  },
}

await build({
  bundle: true,
  entryPoints: [join(dist, 'credential-process', 'main.js')],
  external: ['keytar', '@aws-sdk/*', '@smithy/*', '@oclif/*'],
  format: 'esm',
  logLevel: 'warning',
  outfile,
  platform: 'node',
  plugins: [dynamicImportsStayOut],
  target: 'node20',
})
