import {expect} from 'chai'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ExitCode} from '../../src/lib/errors.js'
import {assertBuilt, runCli} from '../helpers/cli.js'

describe('e2e: an unusable TERRACE_HOME is exit 4 or 8 naming the path, never exit 1', function () {
  this.timeout(60_000)
  let dir: string

  before(async () => {
    assertBuilt()
    dir = await mkdtemp(join(tmpdir(), 'terrace-fs-errors-'))
    await writeFile(join(dir, 'a-file'), '')
  })

  after(() => rm(dir, {force: true, recursive: true}))

  const cases: Array<{args: string[]; exit: number}> = [
    {args: ['agent', 'start'], exit: ExitCode.Config},
    {args: ['agent', 'status'], exit: ExitCode.Config},
    {args: ['chain', 'list'], exit: ExitCode.Config},
    {args: ['credential-process', '--profile', 'x'], exit: ExitCode.Config},
    {args: ['vault', 'reset', '--yes'], exit: ExitCode.VaultUnavailable},
  ]
  for (const {args, exit} of cases) {
    it(`terrace ${args.join(' ')} with TERRACE_HOME below a regular file: exit ${exit}`, async () => {
      const home = join(dir, 'a-file', 'home')
      const result = await runCli(args, {env: {TERRACE_HOME: home}})
      expect(result.code, result.stderr).to.equal(exit)
      expect(result.stderr).to.contain(join(dir, 'a-file')).and.not.contain('stack trace')
    })
  }
})
