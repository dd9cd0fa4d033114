#!/usr/bin/env node
// The README's main job: the whole terrace flow on the built-in sandbox (a local AWS emulator), offline.
// A temp copy of templates/sample-project, a sandbox with auto-approve, then layer info, SSO login, a wrapped
// terraform run and the AWS CLI with live credentials, and logout. Nothing outside a temp dir is touched.
import {spawn} from 'node:child_process'
import {accessSync, constants, cpSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const {loadSandboxConfigFile, startSandbox} = await import(join(repo, 'dist', 'sandbox', 'index.js'))

const work = mkdtempSync(join(tmpdir(), 'terrace-demo-'))
const project = join(work, 'project')
cpSync(join(repo, 'templates', 'sample-project'), project, {recursive: true})
const sandbox = await startSandbox({config: {...loadSandboxConfigFile(), autoApprove: true}})
/** The AWS CLI on PATH, or null: the demo needs only Node and npm, and skips the AWS CLI steps without it. */
function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not here
    }
  }

  return null
}

const awsCli = findOnPath('aws')

const env = {
  ...process.env,
  ...sandbox.env(),
  AWS_CONFIG_FILE: join(work, 'home', '.aws', 'config'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'home', '.aws', 'credentials'),
  DEMO_PROFILES: 'bb-shared-devops',
  HOME: join(work, 'home'),
  TERRACE_HOME: join(work, 'terrace-home'),
  TERRACE_TF_BIN: join(repo, 'scripts', 'demo-terraform.js'),
  // the demo uses terrace's encrypted file vault so it runs on machines without a desktop keyring
  TERRACE_VAULT: 'file',
  TERRACE_VAULT_PASSPHRASE: 'terrace demo passphrase',
}
for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) delete env[key]

const layer = join(project, 'apps-devstg', 'us-east-1', 'base-network')
const failures = []
// The sandbox runs in this process: children must be awaited, never run synchronously.
async function step(title, args, cwd = layer) {
  const bold = (text) => (process.stdout.isTTY ? `\u001B[1m${text}\u001B[0m` : text)
  console.log(`\n${bold(`== ${title}`)}\n$ terrace ${args.join(' ')}    (in ${cwd.replace(work, '<demo>')})`)
  const child = spawn(process.execPath, [join(repo, 'bin', 'run.js'), ...args], {cwd, env, stdio: 'inherit'})
  const code = await new Promise((resolvePromise) => {
    child.on('close', resolvePromise)
  })
  if (code !== 0) failures.push(`${title}: exit ${code}`)
}

console.log(`Sandbox AWS on ${sandbox.url}; demo files in ${work}`)
try {
  await step('What terrace finds in a layer', ['layer', 'info'])
  await step('Log in through IAM Identity Center (the sandbox approves automatically)', ['login', '--no-browser'])
  await step('Login status', ['status'])
  await step('terraform plan in the layer: var files injected, credentials for both accounts it names', ['tf', 'plan'])
  if (awsCli) {
    await step('The real AWS CLI with the layer credentials', [
      'aws',
      'sts',
      'get-caller-identity',
      '--endpoint-url',
      sandbox.url,
    ])
    await step(
      "The same from another account's layer",
      ['exec', '--', 'aws', 'sts', 'get-caller-identity', '--endpoint-url', sandbox.url],
      join(project, 'shared', 'us-east-1', 'base-network'),
    )
  } else {
    console.log('\n== The real AWS CLI with the layer credentials: skipped, no aws command on PATH')
    console.log('   (install the AWS CLI v2 to see terrace aws and terrace exec run it with live credentials)')
  }

  await step('Log out: revoke the token and wipe every credential', ['logout'])
} finally {
  // the credential steps started terrace's agent on demand (TERRACE_AGENT=auto): stop it with the demo
  await new Promise((resolvePromise) => {
    spawn(process.execPath, [join(repo, 'bin', 'run.js'), 'agent', 'stop'], {cwd: work, env, stdio: 'ignore'}).on(
      'close',
      resolvePromise,
    )
  })
  await sandbox.stop()
  rmSync(work, {force: true, recursive: true})
}

if (failures.length > 0) {
  console.error(`\nDemo finished with failures:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}

console.log('\nDemo finished: every step succeeded.')
console.log(`
Next: put terrace on your PATH, from this folder (${repo}):
  npm install -g .     # or: npm link   (a link to this checkout: rebuilds show up at once)
then, in any folder:
  terrace --help
  cd <your project>/<account>/<region>/<layer> && terrace login && terrace layer info`)
