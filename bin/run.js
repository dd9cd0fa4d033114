#!/usr/bin/env node
// CommonJS (bin/package.json): node starts a CommonJS entry about 9 ms sooner than an ES module one, which matters
// to `terrace credential-process` (run by AWS tools, often many at once): it goes to its CommonJS bundle from here.
// Everything else goes to the ES module entry, dist/entry.js.
const argv = process.argv.slice(2)

function credentialProcessHandled() {
  if (argv[0] !== 'credential-process') return false
  try {
    return require('../dist/credential-process/fast-path.cjs').runCredentialProcessFromBin(argv)
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error
    return false // not built as a bundle: the entry below answers the same
  }
}

if (!credentialProcessHandled()) {
  const {join} = require('node:path')
  const {pathToFileURL} = require('node:url')
  // oclif finds terrace's package.json from here (bin/package.json only makes this folder CommonJS)
  const dir = pathToFileURL(join(__dirname, '..', 'package.json')).href
  import('../dist/entry.js').then(({main}) => main(argv, {dir}))
}
