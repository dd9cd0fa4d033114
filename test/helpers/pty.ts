import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {CLI, cliEnv} from './cli.js'

/**
 * A python3 script (argv: answers.json prompts.json command…) that runs a command under a pseudo-terminal and
 * types the next answer each time one of the prompts shows; prints {exit, output, asked} as JSON.
 */
export const PTY_ANSWER = `import json, os, pty, select, sys, time
answers = json.load(open(sys.argv[1]))
prompts = [p.encode() for p in json.load(open(sys.argv[2]))]
command = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
output = b''
asked = 0
deadline = time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.02)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        while asked < sum(output.count(p) for p in prompts):
            if asked < len(answers):
                time.sleep(0.05)
                os.write(fd, (answers[asked] + '\\r').encode())
            asked += 1
_, status = os.waitpid(pid, 0)
print(json.dumps({'exit': os.waitstatus_to_exitcode(status), 'output': output.decode('utf8', 'replace'), 'asked': asked}))
`

export interface PtyResult {
  asked: number
  exit: number
  output: string
}

/**
 * Runs terrace (the built CLI) under a pseudo-terminal in `cwd`, typing the next of `answers` each time one of
 * `prompts` shows. CI is removed from the environment: a terminal is what these tests are about.
 */
export function runOnPty(options: {
  answers: string[]
  args: string[]
  cwd: string
  /** a folder for the script and its answers */
  dir: string
  env: NodeJS.ProcessEnv
  prompts: string[]
}): Promise<PtyResult> {
  const script = join(options.dir, 'pty-answer.py')
  writeFileSync(script, PTY_ANSWER)
  const unique = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`
  const answersFile = join(options.dir, `answers-${unique}.json`)
  writeFileSync(answersFile, JSON.stringify(options.answers))
  const promptsFile = join(options.dir, `prompts-${unique}.json`)
  writeFileSync(promptsFile, JSON.stringify(options.prompts))
  const env = cliEnv(options.env)
  delete env.CI
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [script, answersFile, promptsFile, process.execPath, CLI, ...options.args],
      {cwd: options.cwd, env, maxBuffer: 16 * 1024 * 1024},
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as PtyResult)),
    )
  })
}

/**
 * terrace on a terminal that answers its MFA prompt with `code`: it must succeed, asking exactly once (the output
 * names the prompt once). In `dir`, as the scenario's environment.
 */
export async function runAskingMfaOnce(
  scenario: {dir: string; env: NodeJS.ProcessEnv},
  args: string[],
  code: string,
): Promise<PtyResult> {
  const {dir, env} = scenario
  const result = await runOnPty({answers: [code], args, cwd: dir, dir, env, prompts: ['MFA code for']})
  expect(result.exit, result.output).to.equal(0)
  expect(result.asked).to.equal(1)
  expect(result.output.match(/MFA code for/g)).to.have.length(1)
  return result
}
