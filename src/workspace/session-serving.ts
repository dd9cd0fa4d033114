/**
 * Serving sessions to every AWS tool (process mode): `session start` writes `[profile P]` into terrace's managed
 * block of the AWS config file (AWS_CONFIG_FILE or ~/.aws/config; every byte outside the block kept) with
 * `credential_process = terrace credential-process --session <id>` and the session's region, records the profile
 * in terrace's profile registry (so `aws configure sso`'s clean-up knows it), and marks the session active,
 * stopping the session that served P before. `session stop` takes the profile out again. Nothing secret is
 * written: credentials stay in the vault.
 *
 * Before anything is written the session's credentials are obtained (deps.obtain: the terminal may be asked for an
 * MFA code there, so credential_process, which never prompts, finds them cached). Start and stop of every session
 * take one lock (TERRACE_HOME/sessions-serve.lock), so the block, the registry and the workspace agree: each
 * profile is served by at most one session.
 *
 * File mode (`--mode file`, for tools that read only the credentials file): the credentials just obtained are
 * written as `[P]` (aws_access_key_id, aws_secret_access_key, aws_session_token) into terrace's managed block of the
 * AWS credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials; every byte outside the block kept), and
 * the config block's `[profile P]` holds the region only. The registry records the credentials file, so stop (and
 * the agent's rotation, file-delivery.ts) find it. Temporary keys are then in a plain file: commands say so.
 *
 * Killed at any point (kill -9; TERRACE_TEST_DIE_AT crash points in tests): the workspace is the truth and start and
 * stop are idempotent repairs of their profile. Start stops the sessions it replaces in the workspace first, writes the
 * registry (the intent) before the AWS files and marks the session active last; stop clears a profile the registry
 * gives to this session or to one not active. So the same command again (or a stop after a killed start) leaves the
 * files serving exactly the active sessions; temp files and locks of dead runs are removed on the way.
 */
import {join} from 'node:path'

import type {AwsCredentials} from '../auth/credentials/types.js'
import type {SessionRef} from '../lib/role-refs.js'
import type {Session, SessionMode, Workspace} from './session.js'

import {profileRegistryPath, readProfileRegistry, updateProfileRegistry} from '../auth/credentials/profile-registry.js'
import {editAwsConfigFile, readAwsConfigBytes, resolveAwsConfigFile} from '../awsfiles/config-file.js'
import {quoteArg} from '../awsfiles/credential-process-line.js'
import {credentialsFileProfiles, credentialsSection, editAwsCredentialsFile} from '../awsfiles/credentials-file.js'
import {removeLeftovers} from '../awsfiles/leftovers.js'
import {userProfiles} from '../awsfiles/managed-block.js'
import {ConfigError} from '../lib/errors.js'
import {withLock} from '../lib/lock.js'
import {dieHereInTests} from '../lib/test-death.js'
import {withRecords} from './listed-session.js'
import {sessionRef} from './session-ref.js'
import {findSession} from './session-service.js'
import {readWorkspace, updateWorkspace, type WorkspaceStore} from './workspace-file.js'

export interface ServeDeps {
  /** TERRACE_HOME/config: the profile registry */
  configDir: string
  /** the AWS config file (awsConfigFile(env)) */
  configFile: string
  /** the AWS credentials file: a section there named like the profile would shadow it */
  credentialsFile: string
  /** absolute path of terrace's entry point (bin/run.js) */
  entry: string
  /** absolute path of node */
  node: string
  now(): number
  /** the session's credentials now (forced: fresh ones); may prompt for an MFA code */
  obtain(ref: SessionRef, options: {force: boolean}): Promise<AwsCredentials>
  workspace: WorkspaceStore
}

/** `node /…/bin/run.js credential-process --session <id>`: absolute paths, so it works without terrace on PATH. */
export function sessionCredentialProcessLine(options: {entry: string; node: string; session: string}): string {
  return [
    quoteArg(options.node),
    quoteArg(options.entry),
    'credential-process',
    '--session',
    quoteArg(options.session),
  ].join(' ')
}

export const serveLock = (store: WorkspaceStore): string => join(store.files.root, 'sessions-serve.lock')

/** The region written into the profile: the session's own, else the workspace default, else none. */
const regionOf = (session: Session, workspace: Workspace): null | string => session.region ?? workspace.defaultRegion

function setStatus(workspace: Workspace, changes: Map<string, Partial<Session>>): Workspace {
  return {
    ...workspace,
    sessions: workspace.sessions.map((s) => (changes.has(s.id) ? ({...s, ...changes.get(s.id)} as Session) : s)),
  }
}

export interface StartResult {
  configFile: string
  /** file mode: the credentials file holding the session's temporary keys; null in process mode */
  credentialsFile: null | string
  /** until when the credentials just obtained are handed out (ISO) */
  expiresAt: string
  mode: SessionMode
  profile: string
  region: null | string
  session: Session
  /** sessions that served the same profile and were stopped */
  stopped: string[]
  /** their ids */
  stoppedIds: string[]
}

export async function startSession(
  deps: ServeDeps & {expirationOf(creds: AwsCredentials): number},
  nameOrId: string,
  requested?: SessionMode,
): Promise<StartResult> {
  const first = await readWorkspace(deps.workspace)
  const target = findSession(first, nameOrId)
  // a stopped session keeps its mode: started again without one, it is served as it was last time
  const mode = requested ?? target.mode ?? 'process'
  const previous = target.status
  await updateWorkspace(deps.workspace, (workspace) => ({
    result: undefined,
    workspace: setStatus(workspace, new Map([[target.id, {status: 'pending'}]])),
  }))
  dieHereInTests('session-start:pending-written')
  let creds: AwsCredentials
  try {
    creds = await deps.obtain(sessionRef(first, target), {force: false})
  } catch (error) {
    await restoreStatus(deps.workspace, target.id, previous)
    throw error
  }

  try {
    return await withLock(serveLock(deps.workspace), async () => {
      await removeServeLeftovers(deps)
      const workspace = await readWorkspace(deps.workspace)
      const session = findSession(workspace, target.id)
      const ref = sessionRef(workspace, session)
      const region = regionOf(session, workspace)
      const others = workspace.sessions.filter(
        (s) => s.id !== session.id && s.profile === session.profile && s.status !== 'inactive',
      )
      const file = mode === 'file'
      const settings: Array<[string, string]> = file
        ? []
        : [['credential_process', sessionCredentialProcessLine({...deps, session: session.id})]]
      if (region) settings.push(['region', region])
      const credentials = await credentialsFileProfiles(deps.credentialsFile)
      const reserved = new Map([...credentials].map(([name, line]) => [name, `${deps.credentialsFile}:${line}`]))
      // a profile the user defines is refused before anything changes
      const user = userProfiles((await readAwsConfigBytes(deps.configFile)).toString('latin1'), deps.configFile)
      const defined = user.has(session.profile)
        ? `${deps.configFile}:${user.get(session.profile)}`
        : reserved.get(session.profile)
      if (defined !== undefined) throw profileDefinedError(session, defined)
      // Crash-safe order (the workspace is the truth; start and stop repair their profile): the sessions it replaces
      // are stopped in the workspace before the files stop serving them, the registry (the intent) is written before
      // the AWS files, and the session becomes active only when they serve it.
      if (others.length > 0) {
        await updateWorkspace(deps.workspace, (current) => ({
          result: undefined,
          workspace: setStatus(current, new Map(others.map((other) => [other.id, {status: 'inactive'}]))),
        }))
      }

      const before = (await readProfileRegistry(deps.configDir))[session.profile]
      // the keys a file-mode session before wrote under this profile go (also from another credentials file)
      const previousKeys = before?.credentialsFile
      if (previousKeys && (!file || previousKeys !== deps.credentialsFile))
        await editAwsCredentialsFile(previousKeys, {remove: [session.profile]})
      // the registry first (the intent): a profile in the block is never unknown to it (sso logout's clean-up)
      const entry = {configFile: deps.configFile, ...(file ? {credentialsFile: deps.credentialsFile} : {}), ref, region}
      await updateProfileRegistry(deps.configDir, {set: {[session.profile]: entry}})
      dieHereInTests('session-start:registry-written')
      const edit = await editAwsConfigFile(deps.configFile, {reserved, set: [{name: session.profile, settings}]})
      dieHereInTests('session-start:config-written')
      if (edit.clashes.length === 0 && file) {
        const written = await editAwsCredentialsFile(deps.credentialsFile, {
          set: [credentialsSection(session.profile, creds)],
        })
        edit.clashes.push(...written.clashes)
      }

      if (edit.clashes.length > 0) {
        // the user defined the profile meanwhile: it leaves terrace's files (the sessions it served are stopped)
        await editAwsConfigFile(deps.configFile, {remove: [session.profile]})
        if (file) await editAwsCredentialsFile(deps.credentialsFile, {remove: [session.profile]})
        await updateProfileRegistry(deps.configDir, {remove: [session.profile]})
        throw profileDefinedError(session, edit.clashes[0].where)
      }

      dieHereInTests('session-start:files-written')
      const startedAt = new Date(deps.now()).toISOString()
      const changes = new Map<string, Partial<Session>>([[session.id, {mode, startedAt, status: 'active'}]])
      for (const other of others) changes.set(other.id, {status: 'inactive'})
      const started = await updateWorkspace(deps.workspace, (current) => {
        const next = setStatus(current, changes)
        return {result: findSession(next, session.id), workspace: next}
      })
      return {
        configFile: deps.configFile,
        credentialsFile: file ? deps.credentialsFile : null,
        // keys in the credentials file are good until AWS's expiry; credential_process hands them out for the TTL
        expiresAt: new Date(file ? creds.expiration : deps.expirationOf(creds)).toISOString(),
        mode,
        profile: session.profile,
        region,
        session: started,
        stopped: others.map((s) => s.name),
        stoppedIds: others.map((s) => s.id),
      }
    })
  } catch (error) {
    await restoreStatus(deps.workspace, target.id, previous)
    throw error
  }
}

function profileDefinedError(session: Session, where: string): InstanceType<typeof ConfigError> {
  return new ConfigError(
    `Your AWS files already define the profile ${session.profile} (${where}) outside terrace's managed block: session ${session.name} was not started.`,
    {
      suggestion: `Serve the session under another profile (\`terrace session edit ${session.name} --profile NAME\`), or rename that profile where it is defined.`,
    },
  )
}

/** A failed start puts back the status it found, unless another start or stop changed it meanwhile. */
async function restoreStatus(store: WorkspaceStore, id: string, status: Session['status']): Promise<void> {
  await updateWorkspace(store, (workspace) => ({
    result: undefined,
    workspace: workspace.sessions.some((s) => s.id === id && s.status === 'pending')
      ? setStatus(workspace, new Map([[id, {status}]]))
      : null,
  }))
}

/** What a killed start or stop left beside the files it writes (temp files, locks): removed when its process is dead. */
async function removeServeLeftovers(
  deps: Pick<ServeDeps, 'configDir' | 'configFile' | 'workspace'> & {credentialsFile?: string},
) {
  const files = [deps.configFile, ...(deps.credentialsFile ? [deps.credentialsFile] : [])]
  await removeLeftovers([
    ...(await Promise.all(files.map((file) => resolveAwsConfigFile(file)))),
    profileRegistryPath(deps.configDir),
    deps.workspace.files.file,
  ])
}

/**
 * Stops the session: its profile leaves the managed block (when the block's profile is this session's) and the
 * registry, and in file mode its keys leave the credentials file's block; the session becomes inactive and keeps its
 * mode (the next start without --mode reuses it). Also a repair: the profile leaves the files too when the registry
 * names a session that is not active (what a start killed half-way left), and an inactive session is stopped again.
 * Reports stopped: false when it was inactive already.
 */
export async function stopSession(
  deps: Pick<ServeDeps, 'configDir' | 'configFile' | 'workspace'> & {credentialsFile?: string},
  nameOrId: string,
): Promise<{profile: string; session: Session; stopped: boolean}> {
  return withLock(serveLock(deps.workspace), async () => {
    await removeServeLeftovers(deps)
    const workspace = await readWorkspace(deps.workspace)
    const session = findSession(workspace, nameOrId)
    const registry = await readProfileRegistry(deps.configDir)
    const served = Object.hasOwn(registry, session.profile) ? registry[session.profile] : undefined
    const owner = served?.ref.kind === 'session' ? served.ref.session : undefined
    const ownerActive = workspace.sessions.some((s) => s.id === owner && s.status === 'active')
    if (served && owner !== undefined && (owner === session.id || !ownerActive)) {
      const configFile = served.configFile ?? deps.configFile
      if (served.credentialsFile) await editAwsCredentialsFile(served.credentialsFile, {remove: [session.profile]})
      dieHereInTests('session-stop:credentials-removed')
      await editAwsConfigFile(configFile, {remove: [session.profile]})
      dieHereInTests('session-stop:config-removed')
      await updateProfileRegistry(deps.configDir, {remove: [session.profile]})
      dieHereInTests('session-stop:registry-removed')
    }

    if (session.status === 'inactive') return {profile: session.profile, session, stopped: false}
    const stopped = await updateWorkspace(deps.workspace, (current) => {
      const next = setStatus(current, new Map([[session.id, {status: 'inactive'}]]))
      return {result: findSession(next, session.id), workspace: next}
    })
    return {profile: session.profile, session: stopped, stopped: true}
  })
}

export interface CurrentSession {
  /** when its current credentials expire (ISO), when known (listed-session.ts) */
  expiresAt: null | string
  id: string
  name: string
  profile: string
  region: null | string
  /** why terrace's agent cannot renew its file-mode keys; null when it can */
  renewal: null | string
  startedAt: null | string
  type: Session['type']
}

/** The active sessions (on `profile` only, when given), by profile. */
export async function currentSessions(store: WorkspaceStore, profile?: string): Promise<CurrentSession[]> {
  const workspace = await readWorkspace(store)
  const active = workspace.sessions
    .filter((s) => s.status === 'active' && (profile === undefined || s.profile === profile))
    .sort((a, b) => a.profile.localeCompare(b.profile))
  return withRecords(store.files.root, active).map((s) => ({
    expiresAt: s.expiresAt,
    id: s.id,
    name: s.name,
    profile: s.profile,
    region: regionOf(s, workspace),
    renewal: s.renewal,
    startedAt: s.startedAt,
    type: s.type,
  }))
}

/** Fresh credentials now (the cached ones dropped); an active session's tools get them on their next ask. */
export async function rotateSession(
  deps: Pick<ServeDeps, 'obtain' | 'workspace'> & {expirationOf(creds: AwsCredentials): number},
  nameOrId: string,
): Promise<{expiresAt: string; session: Session}> {
  const workspace = await readWorkspace(deps.workspace)
  const session = findSession(workspace, nameOrId)
  const creds = await deps.obtain(sessionRef(workspace, session), {force: true})
  return {expiresAt: new Date(deps.expirationOf(creds)).toISOString(), session}
}
