/**
 * The environment step of a child run, as a hook: the credential broker (a later issue) implements it to start
 * its loopback endpoint, add AWS_CONTAINER_CREDENTIALS_* and friends, remove static keys and TERRACE_* secrets,
 * and shut the endpoint down once the child has exited.
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
  /** null for `aws`/`exec` and for projectless terraform commands (`version`, `fmt`) */
  context: LayerContext | null
  cwd: string
  kind: WrapKind
}

export type ChildEnvironmentFactory = (target: ChildTarget) => ChildEnvironment | Promise<ChildEnvironment>

/** The child inherits terrace's environment unchanged. */
export const passThroughEnvironment: ChildEnvironment = {
  async dispose() {},
  async prepare(base) {
    return {...base}
  },
}

export const passThroughFactory: ChildEnvironmentFactory = () => passThroughEnvironment
