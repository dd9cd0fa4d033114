/**
 * The credential broker as the runner's ChildEnvironmentFactory. Light to import: a command that needs no
 * credentials (`terrace tf version`, `terrace exec` outside a project) never loads the auth services, the vault or
 * the AWS SDK; they are imported on the first child that needs credentials, once per terrace process.
 *
 * Before each such child: the login is checked (renewed through the refresh grant when close to its end; exit 5
 * naming `terrace aws sso login`, and the layer, when it cannot be), then a broker of its own is started.
 */
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {AwsCredentials, CredentialSource} from '../../auth/credentials/types.js'
import type {SsoLogin} from '../../auth/sso/sso-login.js'
import type {ProjectWithSettings} from '../../layers/profile-bindings.js'
import type {Project} from '../../layers/project.js'
import type {ProjectSettings} from '../../layers/settings.js'
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

/** What the factory needs from the auth services (createAuthServices + createSsoCredentialSource in production). */
export interface CredentialServices {
  configDir: string
  expirationOf(creds: AwsCredentials): number
  renewLeadMs: number
  /** a child owns the terminal (true) or not: credential sources must not prompt while it does */
  setChildRunning?(running: boolean): void
  source: CredentialSource
  ssoLogin: Pick<SsoLogin, 'accessToken'>
}

export interface CredentialFactoryDeps {
  env: NodeJS.ProcessEnv
  helper?: HelperCommand
  now?(): number
  /** opens the auth services (the vault); called at most once */
  openServices?(env: NodeJS.ProcessEnv, iam?: IamSourceOptions): Promise<CredentialServices>
  /** the invocation's loaded project at a root (layers/project-cache.ts); loads it when not given */
  projectAt?(root: string): Promise<Project>
  /** a background renewal failed: say so (the next request retries) */
  warn?(message: string): void
}

/** What the IAM-user source needs from this invocation (MFA projects), read when first needed. */
export interface IamSourceOptions {
  /** `--mfa-code` */
  mfaCode(): null | string
  /** terrace.json's mfaSessionDurationSeconds */
  settingsSessionSeconds(): null | number
}

export async function openCredentialServices(
  env: NodeJS.ProcessEnv,
  iam?: IamSourceOptions,
): Promise<CredentialServices> {
  const [{createAuthServices}, {createSsoCredentialSource}, ttl, {dispatchingSource, lazySource}] = await Promise.all([
    import('../../auth/services.js'),
    import('../../auth/credentials/sso-source.js'),
    import('../../auth/credentials/ttl.js'),
    import('../../auth/credentials/dispatch-source.js'),
  ])
  const ttlMs = ttl.credentialTtlMs(env)
  const services = await createAuthServices({env})
  const sso = createSsoCredentialSource({
    clock: services.clock,
    env,
    lockDir: services.lockDir,
    portal: services.portal,
    ssoLogin: services.ssoLogin,
    store: services.store,
    ttlMs,
  })
  let childRunning = false
  // chains and IAM-user roles load their modules only when a ref of their kind is asked for
  const chain = lazySource(async () => {
    const {openChainSource} = await import('../../auth/chains/open-chain-source.js')
    return openChainSource({
      clock: services.clock,
      configDir: services.paths.config,
      env,
      interactive: services.interactive,
      isChildRunning: () => childRunning,
      lockDir: services.lockDir,
      sso,
      stderr: process.stderr,
      store: services.store,
      ttlMs,
    })
  })
  // MFA projects: roles assumed from the project's IAM user; the MFA code is asked (stderr, no echo) only before a
  // child starts, never while one owns the terminal
  const iamSource = lazySource(async () => {
    const {openIamSource} = await import('../../auth/iam/open-iam-source.js')
    return openIamSource({
      clock: services.clock,
      env,
      interactive: () => services.interactive && !childRunning,
      lockDir: services.lockDir,
      mfaCode: iam?.mfaCode,
      settingsSessionSeconds: iam?.settingsSessionSeconds,
      stderr: process.stderr,
      store: services.store,
      ttlMs,
    })
  })
  const source = dispatchingSource({chain, iam: iamSource, sso})
  return {
    configDir: services.paths.config,
    expirationOf: (creds) => ttl.handedOutExpiration(creds, ttlMs),
    // renewed half a stale-margin after the source would call them stale, well before they are handed out as expired
    renewLeadMs: Math.max(1000, Math.floor(ttl.renewMarginMs(ttlMs) / 2)),
    setChildRunning(running) {
      childRunning = running
    },
    source,
    ssoLogin: services.ssoLogin,
  }
}

async function planFor(
  target: ChildTarget,
  deps: CredentialFactoryDeps,
  services: () => Promise<CredentialServices>,
  onSettings?: (settings: ProjectSettings) => void,
) {
  const {env} = deps
  const [{planDelivery}, registry] = await Promise.all([
    import('./plan.js'),
    import('../../auth/credentials/profile-registry.js'),
  ])
  const {context} = target
  let project = null
  if (context) {
    const projectAt =
      deps.projectAt ?? (async (root: string) => (await import('../../layers/project.js')).loadProjectAt(root, {env}))
    // terrace.json and build.env (loaded with the project) decide whether the project's roles come from SSO or
    // from its IAM user (MFA)
    const loaded: ProjectWithSettings = await projectAt(context.root)
    project = loaded
    onSettings?.(loaded.settings)
  }

  const {mode, profile} = target.credentialOptions
  // `--chain` and terrace.json's `chains` (chain-plan.ts)
  const chainName = target.credentialOptions.chain ?? null
  const {chainPlanInput} = await import('./chain-plan.js')
  const chains = await chainPlanInput({chain: chainName, env, project})
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

/** A login that cannot be renewed stops a --layers run: say which layer it stopped at. */
function namingLayer(error: unknown, target: ChildTarget): unknown {
  const layer = target.context?.layer
  if (layer && error instanceof Error && (error as {exitCode?: number}).exitCode === 5) {
    error.message = `${error.message.replace(/\.$/, '')} (needed for layer ${layer}).`
  }

  return error
}

async function checkLogin(plan: DeliveryPlan, target: ChildTarget, services: CredentialServices): Promise<void> {
  const urls = new Set<string>()
  // a --chain run needs only its chain (walked before the child starts); the project's SSO profiles are extras
  if (plan.defaultBinding?.ref.kind === 'chain' && plan.defaultBinding.ref.source === '--chain') return
  for (const binding of [...plan.bindings, plan.defaultBinding])
    if (binding?.ref.kind === 'sso') urls.add(binding.ref.startUrl)
  for (const url of urls) {
    try {
      await services.ssoLogin.accessToken(url)
    } catch (error) {
      throw namingLayer(error, target)
    }
  }
}

export function credentialEnvironmentFactory(deps: CredentialFactoryDeps): ChildEnvironmentFactory {
  let opening: Promise<CredentialServices> | undefined
  // this invocation's `--mfa-code` and terrace.json's MFA session lifetime, for the IAM-user source
  let mfaCode: null | string = null
  let settingsSessionSeconds: null | number = null
  const iam: IamSourceOptions = {mfaCode: () => mfaCode, settingsSessionSeconds: () => settingsSessionSeconds}
  const services = () => {
    opening ??= (deps.openServices ?? openCredentialServices)(deps.env, iam)
    return opening
  }

  return async (target: ChildTarget): Promise<ChildEnvironment> => {
    if (!target.needsCredentials) return passThroughEnvironment
    // In a project the vault and the delivery code are needed: load them while the plan is worked out.
    const early = target.context ? [services(), import('./delivery-environment.js')] : []
    for (const loading of early) loading.catch(() => {})
    mfaCode = target.credentialOptions.mfaCode ?? mfaCode
    const plan = await planFor(target, deps, services, (settings) => {
      settingsSessionSeconds = settings.mfaSessionDurationSeconds
    })
    if (!plan) return passThroughEnvironment
    if (plan.defaultBinding === null) await noDefaultRole(plan, target, deps)
    const [opened, {credentialDelivery}] = await Promise.all([services(), import('./delivery-environment.js')])
    const delivery = credentialDelivery(plan, {
      expirationOf: opened.expirationOf,
      helper: deps.helper ?? {helper: helperScript(), node: process.execPath},
      now: deps.now ?? Date.now,
      onRenewError: (error, profile) =>
        deps.warn?.(`terrace: could not renew credentials for ${profile} (${(error as Error).message}); retrying`),
      renewLeadMs: opened.renewLeadMs,
      source: opened.source,
    })
    // The login is checked before any child starts (and before its endpoint does).
    const login = checkLogin(plan, target, opened)
    login.catch(() => {})
    await login
    return {
      dispose() {
        opened.setChildRunning?.(false)
        return delivery.dispose()
      },
      async prepare(base) {
        try {
          const prepared = await delivery.prepare(base)
          opened.setChildRunning?.(true) // renewals from now on must not prompt: the child owns the terminal
          return prepared
        } catch (error) {
          throw namingLayer(error, target)
        }
      },
    }
  }
}
