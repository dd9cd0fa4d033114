/**
 * The credential broker as the runner's ChildEnvironmentFactory. Light to import: a command that needs no
 * credentials (`terrace tf version`, `terrace exec` outside a project) never loads the auth services, the vault or
 * the AWS SDK; they are imported on the first child that needs credentials, once per terrace process.
 *
 * Before each such child: the login is checked (renewed through the refresh grant when close to its end; exit 5
 * naming `terrace aws sso login`, and the layer, when it cannot be: auth is told what the credentials are for), then
 * a broker of its own is started.
 */
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {ComposedCredentials} from '../../auth/credential-root.js'
import type {AwsCredentials, CredentialSource} from '../../auth/credentials/types.js'
import type {MfaPolicy} from '../../auth/iam/mfa-code.js'
import type {ProjectWithSettings} from '../../layers/profile-bindings.js'
import type {Project} from '../../layers/project.js'
import type {ChildEnvironment, ChildEnvironmentFactory, ChildTarget} from '../child-environment.js'
import type {HelperCommand} from './aws-config-file.js'
import type {DeliveryPlan} from './delivery-environment.js'

import {passThroughEnvironment} from '../child-environment.js'

/**
 * bin/credential-helper.mjs: the nearest one above this module, which sits in dist/runner/credentials/, in
 * src/runner/credentials/ under tsx, or inside the runner bundle in dist/runner/ (scripts/bundle.mjs).
 */
export function helperScript(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'bin', 'credential-helper.mjs')
    if (existsSync(candidate) || dirname(dir) === dir) return candidate
  }
}

/** What the factory needs from the credential root (openCredentialServices in production). */
export interface CredentialServices {
  /**
   * the IAM Identity Center login of startUrl is usable (renewed when close to its end), or NotLoggedInError (exit 5)
   * naming the login command and what it was neededFor
   */
  checkLogin(startUrl: string, request: {neededFor?: string}): Promise<void>
  configDir: string
  expirationOf(creds: AwsCredentials): number
  renewLeadMs: number
  /** a child owns the terminal (true) or not: credential sources must not prompt while it does */
  setChildRunning?(running: boolean): void
  source: CredentialSource
}

/** This run's choices for the credential root, as data: known once the project is loaded, the same for each child. */
export interface RunCredentialOptions {
  /** how an MFA code is had: `--mfa-code`, TERRACE_MFA_CODE, the terminal (before a child starts), or never */
  mfa: MfaPolicy
  /** terrace.json's mfaSessionDurationSeconds */
  mfaSessionSeconds: null | number
}

export interface CredentialFactoryDeps {
  env: NodeJS.ProcessEnv
  helper?: HelperCommand
  now?(): number
  /** opens the auth services (the vault) and composes the run's credential source; called at most once */
  openServices?(env: NodeJS.ProcessEnv, run: RunCredentialOptions): Promise<CredentialServices>
  /** the invocation's loaded project at a root (layers/project-cache.ts); loads it when not given */
  projectAt?(root: string): Promise<Project>
  /** a background renewal failed: say so (the next request retries) */
  warn?(message: string): void
}

/**
 * terrace's agent first (started on demand with TERRACE_AGENT=auto) for credentials and the login check; the run's
 * own composition (which opens the vault) only when the agent does not answer, or from the start when no agent will
 * be asked (then it is opened while the run's plan is worked out).
 */
export async function openCredentialServices(
  env: NodeJS.ProcessEnv,
  run: RunCredentialOptions,
): Promise<CredentialServices> {
  const [{agentCredentialClient, agentFirstSource}, {credentialTtlMs, handOutTiming}, {homePaths}] = await Promise.all([
    import('../../agent/credentials-client.js'),
    import('../../auth/credentials/ttl.js'),
    import('../../lib/paths.js'),
  ])
  const paths = homePaths(env)
  let childRunning = false
  let composing: Promise<ComposedCredentials> | undefined
  const composed = () => {
    composing ??= (async () => {
      const [{createAuthServices}, {composeCredentials}] = await Promise.all([
        import('../../auth/services.js'),
        import('../../auth/credential-root.js'),
      ])
      return composeCredentials(await createAuthServices({env}), {
        ...run,
        stderr: process.stderr,
        terminalBusy: () => childRunning,
      })
    })()
    return composing
  }

  const agent = agentCredentialClient({env, home: paths.root})
  if (!agent.mayAsk()) composed().catch(() => {})
  return {
    async checkLogin(startUrl, request) {
      if (agent.mayAsk() && (await agent.loginUsable(startUrl))) return
      await (await composed()).ssoLogin.accessToken(startUrl, request)
    },
    configDir: paths.config,
    ...handOutTiming(credentialTtlMs(env)),
    setChildRunning(running) {
      childRunning = running
    },
    source: agentFirstSource(agent, {get: async (ref, options) => (await composed()).source.get(ref, options)}),
  }
}

/** The MFA policy of this invocation: `--mfa-code`, TERRACE_MFA_CODE, else the terminal when the run is interactive. */
async function runMfaPolicy(target: ChildTarget, env: NodeJS.ProcessEnv): Promise<MfaPolicy> {
  const [{mfaPolicy}, {isInteractive, promptSecret}] = await Promise.all([
    import('../../auth/iam/mfa-code.js'),
    import('../../lib/prompt.js'),
  ])
  return mfaPolicy({
    env,
    flagCode: target.credentialOptions.mfaCode,
    prompt: isInteractive(env, process.stdin)
      ? (question) => promptSecret(question, {input: process.stdin, output: process.stderr})
      : null,
  })
}

async function loadedProject(target: ChildTarget, deps: CredentialFactoryDeps): Promise<null | ProjectWithSettings> {
  const {context} = target
  if (!context) return null
  const projectAt =
    deps.projectAt ??
    (async (root: string) => (await import('../../layers/project.js')).loadProjectAt(root, {env: deps.env}))
  // terrace.json and build.env (loaded with the project) decide whether the project's roles come from SSO or
  // from its IAM user (MFA)
  return projectAt(context.root)
}

async function planFor(
  target: ChildTarget,
  deps: CredentialFactoryDeps,
  project: null | ProjectWithSettings,
  services: () => Promise<CredentialServices>,
) {
  const {env} = deps
  const [{planDelivery}, registry] = await Promise.all([
    import('./plan.js'),
    import('../../auth/credentials/profile-registry.js'),
  ])
  const {context} = target
  const {mode, profile} = target.credentialOptions
  // `--chain` and terrace.json's `chains` (chain-plan.ts)
  const chainName = target.credentialOptions.chain ?? null
  const {chainPlanInput} = await import('./chain-plan.js')
  const chains = await chainPlanInput({chain: chainName, env, project, session: target.credentialOptions.session})
  // The registry is read only for a --profile the project does not name (or outside a project).
  const needsRegistry = profile !== null
  const managed = needsRegistry ? await registry.readProfileRegistry((await services()).configDir) : {}
  return planDelivery({context, mode, profile, project, registry: managed, ...chains})
}

/**
 * aws/exec in a folder with no default role (the project root, an account without a role): `terrace aws` stops
 * here (exit 3) unless the AWS CLI's own arguments name a profile; `terrace exec` warns and runs (its command may
 * name the run's profiles itself).
 */
async function noDefaultRole(plan: DeliveryPlan, target: ChildTarget, deps: CredentialFactoryDeps): Promise<void> {
  const {context} = target
  if ((target.kind !== 'aws' && target.kind !== 'exec') || !context) return
  const {namesProfile, noDefaultRoleFix} = await import('./no-default-role.js')
  if (namesProfile(target.args ?? [])) return
  const names = plan.bindings.map((binding) => binding.name)
  const where =
    context.location === 'root'
      ? `the project root (${context.root})`
      : context.location === 'account'
        ? `account folder ${context.account}`
        : `${target.cwd}, a ${context.location === 'layer' ? 'layer' : 'folder'} of no known account and role`
  if (target.kind === 'exec') {
    deps.warn?.(
      `terrace: warning: no default role in ${where}: the command gets credentials only for the profiles it names; ${noDefaultRoleFix(names)}.`,
    )
    return
  }

  const {NotInProjectError} = await import('../../lib/errors.js')
  throw new NotInProjectError(`no default role here: terrace aws runs in ${where}, which has no role of its own.`, {
    suggestion: `${noDefaultRoleFix(names).replace(/^p/, 'P')}.`,
  })
}

/**
 * What this child's credentials are for, as auth names it when a login is missing or cannot be renewed: a login
 * that lapses stops a --layers run at the layer that needed it ("… (needed for layer apps-devstg/…).").
 */
function neededFor(target: ChildTarget): string | undefined {
  const layer = target.context?.layer
  return layer ? `layer ${layer}` : undefined
}

/** The run's source, asked on behalf of this child (CredentialRequest.neededFor). */
function sourceFor(source: CredentialSource, purpose: string | undefined): CredentialSource {
  if (!purpose) return source
  return {get: (ref, options) => source.get(ref, {...options, neededFor: purpose})}
}

async function checkLogins(plan: DeliveryPlan, target: ChildTarget, services: CredentialServices): Promise<void> {
  const urls = new Set<string>()
  // a --chain run needs only its chain (walked before the child starts); the project's SSO profiles are extras
  if (plan.defaultBinding?.ref.kind === 'chain' && plan.defaultBinding.ref.source === '--chain') return
  if (plan.defaultBinding?.ref.kind === 'session') return // --session: the same, for a workspace session
  for (const binding of [...plan.bindings, plan.defaultBinding])
    if (binding?.ref.kind === 'sso') urls.add(binding.ref.startUrl)
  for (const url of urls) await services.checkLogin(url, {neededFor: neededFor(target)})
}

export function credentialEnvironmentFactory(deps: CredentialFactoryDeps): ChildEnvironmentFactory {
  let opening: Promise<CredentialServices> | undefined
  // opened for the first child that needs credentials, with that run's options (every child shares them)
  const services = (run: RunCredentialOptions) => () => {
    opening ??= (deps.openServices ?? openCredentialServices)(deps.env, run)
    return opening
  }

  return async (target: ChildTarget): Promise<ChildEnvironment> => {
    if (!target.needsCredentials) return passThroughEnvironment
    const project = await loadedProject(target, deps)
    const open = services({
      mfa: await runMfaPolicy(target, deps.env),
      mfaSessionSeconds: project?.settings.mfaSessionDurationSeconds ?? null,
    })
    // In a project the vault and the delivery code are needed: load them while the plan is worked out.
    const early = target.context ? [open(), import('./delivery-environment.js')] : []
    for (const loading of early) loading.catch(() => {})
    const plan = await planFor(target, deps, project, open)
    if (!plan) return passThroughEnvironment
    if (plan.defaultBinding === null) await noDefaultRole(plan, target, deps)
    const [opened, {credentialDelivery}] = await Promise.all([open(), import('./delivery-environment.js')])
    const delivery = credentialDelivery(plan, {
      expirationOf: opened.expirationOf,
      helper: deps.helper ?? {helper: helperScript(), node: process.execPath},
      now: deps.now ?? Date.now,
      onRenewError: (error, profile) =>
        deps.warn?.(`terrace: could not renew credentials for ${profile} (${(error as Error).message}); retrying`),
      renewLeadMs: opened.renewLeadMs,
      source: sourceFor(opened.source, neededFor(target)),
    })
    // The login is checked before any child starts (and before its endpoint does).
    const login = checkLogins(plan, target, opened)
    login.catch(() => {})
    await login
    return {
      dispose() {
        opened.setChildRunning?.(false)
        return delivery.dispose()
      },
      async prepare(base) {
        const prepared = await delivery.prepare(base)
        opened.setChildRunning?.(true) // renewals from now on must not prompt: the child owns the terminal
        return prepared
      },
    }
  }
}
