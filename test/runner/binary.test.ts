import {expect} from 'chai'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {awsBinary, execBinary, findExecutable, resolveBinary, terraformBinary} from '../../src/runner/binary.js'

describe('runner/binary', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-bin-'))
    for (const sub of ['a', 'b']) mkdirSync(join(dir, sub))
    writeFileSync(join(dir, 'a', 'terraform'), 'not executable')
    writeFileSync(join(dir, 'b', 'terraform'), '#!/bin/sh\n')
    chmodSync(join(dir, 'b', 'terraform'), 0o755)
    mkdirSync(join(dir, 'a', 'tofu')) // a directory is not a binary
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('searches PATH in order, skipping non-executables and directories', async () => {
    const env = {PATH: [join(dir, 'a'), join(dir, 'b')].join(':')}
    expect(await findExecutable('terraform', env, '/')).to.equal(join(dir, 'b', 'terraform'))
    expect(await findExecutable('tofu', env, '/')).to.equal(null)
    expect(await findExecutable('terraform', {PATH: ''}, dir)).to.equal(null)
  })

  it('takes a name with a slash relative to the current folder', async () => {
    expect(await findExecutable('b/terraform', {}, dir)).to.equal(join(dir, 'b', 'terraform'))
    expect(await findExecutable(join(dir, 'b', 'terraform'), {}, '/')).to.equal(join(dir, 'b', 'terraform'))
    expect(await findExecutable('a/terraform', {}, dir)).to.equal(null)
  })

  it('chooses --bin, then TERRACE_TF_BIN, then tofu/terraform', () => {
    expect(terraformBinary('terraform', '/x', {TERRACE_TF_BIN: '/y'}).name).to.equal('/x')
    expect(terraformBinary('tofu', undefined, {TERRACE_TF_BIN: '/y'}).name).to.equal('/y')
    expect(terraformBinary('tofu', undefined, {}).name).to.equal('tofu')
    expect(terraformBinary('terraform', undefined, {}).name).to.equal('terraform')
    expect(awsBinary({TERRACE_AWS_BIN: '/z'}).name).to.equal('/z')
    expect(awsBinary({}).name).to.equal('aws')
  })

  it("terrace.json's binaries come after --bin and the environment, before PATH", () => {
    const configured = {file: '/p/terrace.json', path: '/p/bin/terraform-1.5'}
    expect(terraformBinary('terraform', '/x', {TERRACE_TF_BIN: '/y'}, configured).name).to.equal('/x')
    expect(terraformBinary('terraform', undefined, {TERRACE_TF_BIN: '/y'}, configured).name).to.equal('/y')
    expect(terraformBinary('terraform', undefined, {}, configured)).to.include({
      from: '"binaries" in /p/terrace.json',
      name: '/p/bin/terraform-1.5',
    })
    expect(awsBinary({TERRACE_AWS_BIN: '/z'}, configured).name).to.equal('/z')
    expect(awsBinary({}, configured).name).to.equal('/p/bin/terraform-1.5')
    expect(execBinary('ls').name).to.equal('ls')
  })

  it('throws exit 127 naming the binary and how to set it', async () => {
    const error = await resolveBinary(terraformBinary('tofu', undefined, {}), {PATH: join(dir, 'a')}, dir).catch(
      (error_) => error_,
    )
    expect(error.exitCode).to.equal(127)
    expect(error.message).to.match(/^tofu: not found/)
    expect(error.suggestion).to.match(/TERRACE_TF_BIN/)
    const aws = await resolveBinary(awsBinary({TERRACE_AWS_BIN: '/nope/aws'}), {}, dir).catch((error_) => error_)
    expect(aws.message).to.match(/\/nope\/aws.*TERRACE_AWS_BIN/)
    expect(aws.suggestion).to.match(/TERRACE_AWS_BIN/)
  })
})
