/**
 * The environment step of a child run, as a hook: the credential broker (credentials/factory.ts) implements it to
 * start its loopback endpoint, add AWS_CONTAINER_CREDENTIALS_* and friends, remove static keys and TERRACE_*
 * secrets, and shut the endpoint down once the child has exited.
 */
import type {LayerContext} from '../layers/types.js'
import type {WrapKind} from './wrapper-options.js'

export interface ChildEnvironment {
  /** Called once the child has exited (or failed to start). */
  dispose(): Promise<void>
  /** The environment the child gets, built from terrace's own. */
  prepare(base: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv>
}

/** What the child is about to run for: enough for a broker to decide which credentials to serve. */
export interface ChildTarget {
  /** the child's own arguments (`aws s3 ls --profile x`: it names its profile itself) */
  args?: readonly string[]
  /** null outside a project and for terraform commands that need none (`version`, `fmt`) */
  context: LayerContext | null
  /** `--credentials`, `--profile` */
  credentialOptions: {
    /** `--chain`: the child's default credentials are this role chain's final role */
    chain?: null | string
    /** `--mfa-code` (MFA projects): used by terrace only, never passed to the child */
    mfaCode?: null | string
    mode: 'endpoint' | 'env'
    profile: null | string
    /** `--session`: the child's default credentials are this workspace session's */
    session?: null | string
  }
  cwd: string
  kind: WrapKind
  /** false for commands that never talk to AWS (`terraform version|fmt|validate|providers`, `-help`) */
  needsCredentials: boolean
}

export type ChildEnvironmentFactory = (target: ChildTarget) => ChildEnvironment | Promise<ChildEnvironment>

/** TERRACE_* variables that hold a secret (or could): never passed to any child, with or without credentials. */
const TERRACE_SECRET = /^TERRACE_.*(PASSPHRASE|PASSWORD|SECRET|TOKEN|MFA|KEY)/

export const isTerraceSecret = (name: string): boolean => TERRACE_SECRET.test(name)

/** The child inherits terrace's environment, minus terrace's own secrets (TERRACE_VAULT_PASSPHRASE, TERRACE_MFA_CODE). */
export const passThroughEnvironment: ChildEnvironment = {
  async dispose() {},
  async prepare(base) {
    return Object.fromEntries(Object.entries(base).filter(([name]) => !isTerraceSecret(name)))
  },
}

export const passThroughFactory: ChildEnvironmentFactory = () => passThroughEnvironment
