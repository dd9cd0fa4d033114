import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {ConfigError} from '../../src/lib/errors.js'
import {isDebug, terraceEnv} from '../../src/lib/terrace-env.js'

const SRC = join(import.meta.dirname, '..', '..', 'src')
const OWNER = join('lib', 'terrace-env.ts')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  )
}

/** `env.TERRACE_X`, `env?.TERRACE_X`, `env['TERRACE_X']`: a read (or write) of one of terrace's variables. */
const ACCESS = /\benv\??\.\s*TERRACE_[A-Z_]+|\benv\s*\[\s*['"`]TERRACE_/g

describe('lib/terrace-env: the one module that parses TERRACE_* variables', () => {
  it('no other module under src/ reads or writes a TERRACE_* variable', () => {
    const offenders: string[] = []
    for (const file of sourceFiles(SRC)) {
      if (relative(SRC, file) === OWNER) continue
      const lines = readFileSync(file, 'utf8').split('\n')
      for (const [index, line] of lines.entries()) {
        if (/^\s*(\*|\/\/)/.test(line)) continue // comments name the variables for the reader
        for (const match of line.matchAll(ACCESS)) offenders.push(`${relative(SRC, file)}:${index + 1}: ${match[0]}`)
      }
    }

    expect(offenders).to.deep.equal([])
  })

  const table: Array<{
    env: NodeJS.ProcessEnv
    name: string
    read: (e: ReturnType<typeof terraceEnv>) => unknown
    want: unknown
  }> = [
    {env: {}, name: 'TTL unset: 1800 s', read: (e) => e.credentialTtlSeconds(), want: 1800},
    {env: {TERRACE_CREDENTIAL_TTL: ' 900 '}, name: 'TTL 900', read: (e) => e.credentialTtlSeconds(), want: 900},
    {
      env: {TERRACE_CREDENTIAL_TTL: '7200'},
      name: 'TTL above the limit is capped',
      read: (e) => e.credentialTtlSeconds(),
      want: 1800,
    },
    {
      env: {TERRACE_MFA_SESSION_DURATION: '900'},
      name: 'MFA session at its minimum',
      read: (e) => e.mfaSessionSeconds(),
      want: 900,
    },
    {env: {}, name: 'MFA session unset', read: (e) => e.mfaSessionSeconds(), want: null},
    {env: {TERRACE_VAULT: ' File '}, name: 'vault mode, any case', read: (e) => e.vault(), want: 'file'},
    {env: {TERRACE_VAULT: ''}, name: 'vault mode empty', read: (e) => e.vault(), want: null},
    {env: {}, name: 'agent: auto by default', read: (e) => e.agent(), want: 'auto'},
    {env: {CI: 'true'}, name: 'agent: off by default with CI=true', read: (e) => e.agent(), want: 'off'},
    {
      env: {CI: 'true', TERRACE_AGENT: 'Auto'},
      name: 'agent: auto asked for in CI',
      read: (e) => e.agent(),
      want: 'auto',
    },
    {env: {TERRACE_AGENT: ' off '}, name: 'agent: off', read: (e) => e.agent(), want: 'off'},
    {
      env: {TERRACE_VAULT_PASSPHRASE: ''},
      name: 'an empty passphrase is none',
      read: (e) => e.vaultPassphrase,
      want: null,
    },
    {env: {TERRACE_MFA_CODE: ' 123456 '}, name: 'MFA code trimmed', read: (e) => e.mfaCode, want: '123456'},
    {env: {TERRACE_MFA_CODE: '  '}, name: 'a blank MFA code is none', read: (e) => e.mfaCode, want: null},
    {env: {TERRACE_NO_INPUT: 'false'}, name: 'TERRACE_NO_INPUT=false is off', read: (e) => e.noInput, want: false},
    {env: {TERRACE_NO_INPUT: '1'}, name: 'TERRACE_NO_INPUT=1 is on', read: (e) => e.noInput, want: true},
    {env: {TERRACE_DEBUG: '0'}, name: 'TERRACE_DEBUG=0 is off', read: (e) => e.debug, want: false},
  ]
  for (const {env, name, read, want} of table) {
    it(name, () => expect(read(terraceEnv(env))).to.equal(want))
  }

  const invalid: Array<{env: NodeJS.ProcessEnv; names: string; read: (e: ReturnType<typeof terraceEnv>) => unknown}> = [
    {env: {TERRACE_CREDENTIAL_TTL: '30m'}, names: 'TERRACE_CREDENTIAL_TTL', read: (e) => e.credentialTtlSeconds()},
    {env: {TERRACE_CREDENTIAL_TTL: '0'}, names: 'TERRACE_CREDENTIAL_TTL', read: (e) => e.credentialTtlSeconds()},
    {
      env: {TERRACE_MFA_SESSION_DURATION: '899'},
      names: 'TERRACE_MFA_SESSION_DURATION',
      read: (e) => e.mfaSessionSeconds(),
    },
    {
      env: {TERRACE_MFA_SESSION_DURATION: '129601'},
      names: 'TERRACE_MFA_SESSION_DURATION',
      read: (e) => e.mfaSessionSeconds(),
    },
    {env: {TERRACE_VAULT: 'disk'}, names: 'TERRACE_VAULT', read: (e) => e.vault()},
    {env: {TERRACE_AGENT: 'on'}, names: 'TERRACE_AGENT', read: (e) => e.agent()},
  ]
  for (const {env, names, read} of invalid) {
    it(`${JSON.stringify(env)} is exit 4 naming ${names}, and only when it is read`, () => {
      const settings = terraceEnv(env) // building the object never throws: `terrace --help` must still work
      expect(() => read(settings))
        .to.throw(ConfigError)
        .with.property('message')
        .that.contains(names)
    })
  }

  it('isDebug: --debug anywhere in the arguments, or TERRACE_DEBUG', () => {
    expect(isDebug(['layer', 'info', '--debug'], {})).to.equal(true)
    expect(isDebug(['layer', 'info'], {TERRACE_DEBUG: '1'})).to.equal(true)
    expect(isDebug(['layer', 'info'], {})).to.equal(false)
  })
})
