import {expect} from 'chai'

import {ConfigError, ExitCode, exitCodeOf, fileSystemError, formatError} from '../../src/lib/errors.js'

const failure = (code: string, path: string, syscall = 'open'): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), {code, path, syscall})

describe('lib/errors fileSystemError: file-system failures get the exit code of the table, naming the path', () => {
  const table: Array<{code: string; exit: number; path: string; says: string}> = [
    {code: 'ENOTDIR', exit: ExitCode.Config, path: '/h/config/profiles.json', says: 'a file stands where a folder'},
    {code: 'EACCES', exit: ExitCode.Config, path: '/home/u/.aws/config', says: 'permission denied'},
    {code: 'EPERM', exit: ExitCode.Config, path: '/home/u/.aws/config', says: 'operation not permitted'},
    {code: 'EROFS', exit: ExitCode.Config, path: '/home/u/.aws/config', says: 'read-only'},
    {code: 'ELOOP', exit: ExitCode.Config, path: '/home/u/.aws/config', says: 'symbolic link loop'},
    {code: 'EISDIR', exit: ExitCode.Config, path: '/home/u/.aws/config', says: 'directory'},
    {code: 'EACCES', exit: ExitCode.VaultUnavailable, path: '/h/vault.enc', says: 'permission denied'},
    {code: 'ENOTDIR', exit: ExitCode.VaultUnavailable, path: '/h/vault.enc.notice-shown', says: 'a file stands'},
  ]
  for (const {code, exit, path, says} of table) {
    it(`${code} on ${path} is exit ${exit}`, () => {
      const error = failure(code, path)
      expect(exitCodeOf(error)).to.equal(exit)
      const text = formatError(error)
      expect(text).to.contain(path).and.contain(says).and.not.contain('--debug for the stack trace')
    })
  }

  it('leaves other errors alone: no path, an unknown code, or already typed', () => {
    expect(fileSystemError(new Error('boom'))).to.equal(undefined)
    expect(fileSystemError(failure('ECONNRESET', '/x'))).to.equal(undefined)
    expect(fileSystemError(Object.assign(new Error('x'), {code: 'EACCES'}))).to.equal(undefined)
    expect(fileSystemError(new ConfigError('typed'))).to.equal(undefined)
    expect(exitCodeOf(new Error('boom'))).to.equal(ExitCode.Unexpected)
  })
})
