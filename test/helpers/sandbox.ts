/**
 * Start and stop an in-process sandbox from a test:
 *
 *   const sb = await startTestSandbox({autoApprove: true})   // template config + overrides
 *   env: {...process.env, ...sb.env}                         // AWS_ENDPOINT_URL* for a child process
 *   await sb.control.approve(code); await sb.stop()
 */
import {
  loadSandboxConfigFile,
  type Sandbox,
  type SandboxConfigInput,
  type SandboxControl,
  type SandboxEnv,
  type SandboxOptions,
  startSandbox,
} from '../../src/sandbox/index.js'

export {totp} from '../../src/sandbox/index.js'

/** The demo user's fixed values from templates/sandbox.json. */
export const TEMPLATE = {
  accessKeyId: 'AKIASANDBOXALICE0001',
  accounts: {
    'apps-devstg': '555555555555',
    'apps-prd': '666666666666',
    management: '111111111111',
    network: '444444444444',
    security: '222222222222',
    shared: '333333333333',
  },
  mfaSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  mfaSerial: 'arn:aws:iam::222222222222:mfa/alice',
  secretAccessKey: 'sandbox/alice/secret/key/000000000000000',
  user: 'alice',
} as const

export interface TestSandbox {
  control: SandboxControl
  /** AWS_ENDPOINT_URL* plus a region and the warning switch, ready to spread into a child's env */
  env: SandboxEnv & {AWS_REGION: string; AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: string}
  sandbox: Sandbox
  stop(): Promise<void>
  url: string
}

export function templateConfig(): SandboxConfigInput {
  return loadSandboxConfigFile()
}

/**
 * Starts a sandbox with the template config merged with `overrides` (top-level keys replace; `sso` is merged),
 * or with exactly `config` when a function is given (it receives the template).
 */
export async function startTestSandbox(
  overrides: ((template: SandboxConfigInput) => SandboxConfigInput) | SandboxConfigInput = {},
  options: Omit<SandboxOptions, 'config'> = {},
): Promise<TestSandbox> {
  const template = templateConfig()
  const config =
    typeof overrides === 'function'
      ? overrides(template)
      : {...template, ...overrides, sso: {...template.sso, ...overrides.sso}}
  const sandbox = await startSandbox({...options, config})
  return {
    control: sandbox.control,
    env: {...sandbox.env(), AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
    sandbox,
    stop: () => sandbox.stop(),
    url: sandbox.url,
  }
}
