import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {PassThrough} from 'node:stream'

import {ExitCode, InterruptedError, TerraceError, VaultError} from '../../src/lib/errors.js'
import {isInteractive, promptLine, promptSecret, secretReader} from '../../src/lib/prompt.js'
import {rejection} from '../helpers/errors.js'

/** A stand-in for a terminal's stdin: a stream that says it is a TTY and records raw-mode switches. */
function fakeTty() {
  const stream = new PassThrough() as PassThrough & {isTTY: boolean; rawModes: boolean[]; setRawMode(m: boolean): void}
  stream.isTTY = true
  stream.rawModes = []
  stream.setRawMode = (mode: boolean) => {
    stream.rawModes.push(mode)
  }

  return stream
}

function sink() {
  const out = new PassThrough()
  let text = ''
  out.on('data', (c) => {
    text += c
  })
  return {out, text: () => text}
}

describe('lib/prompt', () => {
  describe('isInteractive', () => {
    const tty = {isTTY: true}
    const cases: Array<[string, NodeJS.ProcessEnv, {isTTY?: boolean}, boolean]> = [
      ['a terminal, no CI', {}, tty, true],
      ['stdin not a TTY', {}, {isTTY: false}, false],
      ['stdin TTY unknown', {}, {}, false],
      ['CI=true', {CI: 'true'}, tty, false],
      ['CI=1', {CI: '1'}, tty, false],
      ['CI=false', {CI: 'false'}, tty, true],
      ['CI empty', {CI: ''}, tty, true],
      ['TERRACE_NO_INPUT=1', {TERRACE_NO_INPUT: '1'}, tty, false],
      ['TERRACE_NO_INPUT=0', {TERRACE_NO_INPUT: '0'}, tty, true],
    ]
    for (const [name, env, stdin, expected] of cases) {
      it(`${name} -> ${expected}`, () => {
        expect(isInteractive(env, stdin)).to.equal(expected)
      })
    }
  })

  describe('secretReader', () => {
    const cases: Array<[string, string[], ReturnType<ReturnType<typeof secretReader>>]> = [
      ['plain line', ['abc\r'], {value: 'abc'}],
      ['split chunks', ['ab', 'c', '\n'], {value: 'abc'}],
      ['backspace (DEL)', ['abx\u007Fc\r'], {value: 'abc'}],
      ['backspace (BS) past the start', ['\u0008\u0008a\r'], {value: 'a'}],
      ['Ctrl-U clears', ['wrong\u0015right\r'], {value: 'right'}],
      ['arrow keys ignored', ['a\u001B[Db\u001B[3~c\r'], {value: 'abc'}],
      ['unicode kept whole', ['pä🔑ss\u007F\r'], {value: 'pä🔑s'}],
      ['Ctrl-C interrupts', ['ab\u0003cd\r'], 'interrupt'],
      ['no newline yet', ['abc'], 'pending'],
      ['stops at the first newline', ['one\rtwo\r'], {value: 'one'}],
    ]
    for (const [name, chunks, expected] of cases) {
      it(name, () => {
        const feed = secretReader()
        let outcome: ReturnType<typeof feed> = 'pending'
        for (const c of chunks) outcome = feed(c)
        expect(outcome).to.deep.equal(expected)
      })
    }
  })

  describe('promptSecret (fake TTY)', () => {
    it('reads without echo, restores raw mode, ends with a newline', async () => {
      const input = fakeTty()
      const {out, text} = sink()
      const answer = promptSecret('Passphrase: ', {input, output: out})
      input.write('s3cr')
      input.write('et\r')
      expect(await answer).to.equal('s3cret')
      expect(input.rawModes).to.deep.equal([true, false])
      expect(text()).to.equal('Passphrase: \n')
    })

    it('Ctrl-C throws InterruptedError (exit 130) and restores the terminal', async () => {
      const input = fakeTty()
      const answer = promptSecret('Passphrase: ', {input, output: sink().out})
      input.write('abc\u0003')
      const error = await rejection(answer)
      expect(error).to.be.instanceOf(InterruptedError)
      expect((error as TerraceError).exitCode).to.equal(130)
      expect(input.rawModes).to.deep.equal([true, false])
    })

    it('throws the caller-supplied error when not interactive, before writing anything', async () => {
      const input = fakeTty()
      const {out, text} = sink()
      const error = await rejection(
        promptSecret('Passphrase: ', {
          env: {CI: 'true'},
          input,
          nonInteractiveError: () => new VaultError('no passphrase'),
          output: out,
        }),
      )
      expect(error).to.be.instanceOf(VaultError)
      expect((error as TerraceError).exitCode).to.equal(ExitCode.VaultUnavailable)
      expect(text()).to.equal('')
      expect(input.rawModes).to.deep.equal([])
    })

    it('refuses a non-TTY input even without env (it could not hide the echo)', async () => {
      const input = new PassThrough()
      const error = await rejection(
        promptSecret('Passphrase: ', {input, nonInteractiveError: () => new VaultError('x'), output: sink().out}),
      )
      expect(error).to.be.instanceOf(VaultError)
    })
  })

  describe('promptLine', () => {
    it('reads one line', async () => {
      const input = new PassThrough()
      const {out, text} = sink()
      const answer = promptLine('Region? ', {input, output: out})
      input.write('eu-west-1\n')
      expect(await answer).to.equal('eu-west-1')
      expect(text()).to.include('Region? ')
    })

    it('end of input throws InterruptedError', async () => {
      const input = new PassThrough()
      const answer = promptLine('Region? ', {input, output: sink().out})
      input.end()
      expect(await rejection(answer)).to.be.instanceOf(InterruptedError)
    })

    it('non-interactive env throws the caller error', async () => {
      const error = await rejection(
        promptLine('Region? ', {
          env: {TERRACE_NO_INPUT: '1'},
          input: fakeTty(),
          nonInteractiveError: () => new TerraceError('need --region', {exitCode: 2}),
          output: sink().out,
        }),
      )
      expect((error as TerraceError).exitCode).to.equal(2)
    })
  })

  describe('under a real pseudo-terminal', () => {
    let dir: string

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'terrace-prompt-'))
    })

    after(async () => {
      await rm(dir, {force: true, recursive: true})
    })

    /** Runs a node child on a pty (python3's pty module), types `keys` after the question shows, returns all it printed. */
    async function onPty(keys: string): Promise<{code: number; result: string; screen: string}> {
      const child = join(dir, 'child.mjs')
      const resultFile = join(dir, `result-${Math.random()}`)
      await writeFile(
        child,
        `import {writeFileSync} from 'node:fs'
import {promptSecret} from ${JSON.stringify(resolve('src/lib/prompt.ts'))}
try {
  const v = await promptSecret('Passphrase: ', {env: process.env, input: process.stdin, output: process.stdout})
  writeFileSync(process.argv[2], v)
} catch (error) { process.exit(error.exitCode ?? 1) }
`,
      )
      const driver = `
import os, pty, sys, select, time, base64, json
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
screen = b''
keys = base64.b64decode(os.environ['KEYS'])
sent = False
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            data = os.read(fd, 1024)
        except OSError:
            break
        if not data:
            break
        screen += data
    if not sent and b'Passphrase: ' in screen:
        os.write(fd, keys)
        sent = True
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'screen': screen.decode('utf8', 'replace')}))
`
      const env: NodeJS.ProcessEnv = {...process.env, KEYS: Buffer.from(keys).toString('base64')}
      delete env.CI
      delete env.TERRACE_NO_INPUT
      const out = await new Promise<string>((resolvePromise, reject) => {
        const p = spawn('python3', ['-c', driver, process.execPath, '--import', 'tsx', child, resultFile], {env})
        let stdout = ''
        let stderr = ''
        p.stdout.on('data', (c) => {
          stdout += c
        })
        p.stderr.on('data', (c) => {
          stderr += c
        })
        p.on('error', reject)
        p.on('close', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(stderr))))
      })
      const {code, screen} = JSON.parse(out) as {code: number; screen: string}
      const result = await readFile(resultFile, 'utf8').catch(() => '')
      return {code, result, screen}
    }

    it('reads a secret with backspace and never shows it on the terminal', async () => {
      const {code, result, screen} = await onPty('hunter\u007F\u007F42x\u007F\r')
      expect(code).to.equal(0)
      expect(result).to.equal('hunt42')
      expect(screen).to.include('Passphrase: ')
      expect(screen).not.to.include('hunt')
      expect(screen).not.to.include('42')
    })

    it('Ctrl-C ends with exit code 130', async () => {
      const {code, result} = await onPty('abc\u0003')
      expect(code).to.equal(130)
      expect(result).to.equal('')
    })
  })
})
