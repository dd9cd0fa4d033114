/**
 * A child run with terrace's credentials (implements ChildEnvironment): prepare() starts the loopback endpoint,
 * fetches the default role's credentials (so a refused role or an unreachable AWS fails before anything runs),
 * writes the private AWS config and the empty shared-credentials file into a private temp folder and builds the
 * scrubbed environment; dispose() closes the endpoint and deletes the folder.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {AwsCredentials, CredentialSource} from '../../auth/credentials/types.js'
import type {ProfileBinding} from '../../lib/role-refs.js'
import type {ChildEnvironment} from '../child-environment.js'

import {type HelperCommand, renderAwsConfig} from './aws-config-file.js'
import {type Broker, startCredentialBroker} from './broker.js'
import {deliveryEnvironment} from './env-scrub.js'

export type CredentialMode = 'endpoint' | 'env'

export interface DeliveryPlan {
  /** every profile the child may name (the layer's, plus --profile's) */
  bindings: ProfileBinding[]
  /** the child's default credentials; null: profiles only */
  defaultBinding: null | ProfileBinding
  mode: CredentialMode
  /** AWS_REGION/AWS_DEFAULT_REGION and each profile's region; null keeps terrace's */
  region: null | string
}

export interface DeliveryDeps {
  expirationOf(creds: AwsCredentials): number
  helper: HelperCommand
  now(): number
  onRenewError?(error: unknown, profile: string): void
  renewLeadMs: number
  source: CredentialSource
  /** where the private folder is created (default: the OS temp dir) */
  tmpRoot?: string
}

export interface DeliveryEnvironment extends ChildEnvironment {
  /** after prepare(): the endpoint and the private folder (for tests) */
  readonly state: {broker: Broker | null; dir: null | string}
}

export function credentialDelivery(plan: DeliveryPlan, deps: DeliveryDeps): DeliveryEnvironment {
  const state: {broker: Broker | null; dir: null | string} = {broker: null, dir: null}
  return {
    async dispose() {
      const {broker, dir} = state
      state.broker = null
      state.dir = null
      await broker?.close()
      if (dir) await rm(dir, {force: true, recursive: true})
    },

    async prepare(base) {
      const profiles = new Map(plan.bindings.map((b) => [b.name, b.ref]))
      state.broker = await startCredentialBroker({
        defaultRef: plan.defaultBinding?.ref ?? null,
        expirationOf: deps.expirationOf,
        now: deps.now,
        onRenewError: deps.onRenewError,
        profiles,
        renewLeadMs: deps.renewLeadMs,
        source: deps.source,
      })
      const text = renderAwsConfig(
        [...profiles.keys()].map((name) => ({name, region: plan.region})),
        deps.helper,
      )
      const writing = (async () => {
        // mkdtemp creates the folder 0700; the files inside are 0600.
        state.dir = await mkdtemp(join(deps.tmpRoot ?? tmpdir(), 'terrace-run-'))
        const files = {configFile: join(state.dir, 'config'), credentialsFile: join(state.dir, 'credentials')}
        await Promise.all([
          writeFile(files.configFile, text, {flag: 'wx', mode: 0o600}),
          writeFile(files.credentialsFile, '', {flag: 'wx', mode: 0o600}),
        ])
        return files
      })()
      // both settle before prepare() ends, so dispose() always sees the folder it must delete
      const [fetched, written] = await Promise.allSettled([state.broker.defaultCredentials(), writing])
      if (fetched.status === 'rejected') throw fetched.reason
      if (written.status === 'rejected') throw written.reason
      const creds = fetched.value
      const {configFile, credentialsFile} = written.value
      const staticCredentials =
        plan.mode === 'env' && creds
          ? {
              accessKeyId: creds.accessKeyId,
              expiration: new Date(deps.expirationOf(creds)).toISOString(),
              secretAccessKey: creds.secretAccessKey,
              sessionToken: creds.sessionToken,
            }
          : undefined
      return deliveryEnvironment(base, {
        configFile,
        credentialsFile,
        endpoint: {token: state.broker.token, url: state.broker.url},
        region: plan.region,
        staticCredentials,
      })
    },

    state,
  }
}
