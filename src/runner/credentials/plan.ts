/**
 * Which credentials a child gets (pure): its default role and every profile it may name, from the layer (or the
 * project folder) it runs in, `--profile`, and terrace's registry of managed profiles.
 */
import type {ManagedProfile} from '../../auth/credentials/profile-registry.js'
import type {Project} from '../../layers/project.js'
import type {LayerContext} from '../../layers/types.js'
import type {ChainRef, ProfileBinding, SessionRef} from '../../lib/role-refs.js'
import type {CredentialMode, DeliveryPlan} from './delivery-environment.js'

import {withAccountChains} from '../../layers/chain-bindings.js'
import {layerBindings, projectRoleBindings} from '../../layers/profile-bindings.js'
import {ConfigError} from '../../lib/errors.js'

export interface PlanInput {
  /** terrace.json `chains`: account name → the chain whose final role replaces that account's profiles */
  accountChains?: Record<string, ChainRef>
  /** `--chain` (or `--session`): a profile bound to the chain (session), which becomes the child's default credentials */
  chain?: null | ProfileBinding<ChainRef | SessionRef>
  /** null outside a project */
  context: LayerContext | null
  /** `--session`'s region: the child's region when no layer gives one */
  defaultRegion?: null | string
  mode: CredentialMode
  /** `--profile`, or null */
  profile: null | string
  /** null outside a project */
  project: null | Project
  /** terrace-managed profiles (TERRACE_HOME/config/profiles.json); consulted for `--profile` only */
  registry: Record<string, ManagedProfile>
}

function managed(
  name: string,
  registry: Record<string, ManagedProfile>,
): null | {binding: ProfileBinding; region: null | string} {
  const entry = Object.hasOwn(registry, name) ? registry[name] : undefined
  return entry ? {binding: {name, ref: entry.ref}, region: entry.region} : null
}

/**
 * null: the child runs with the caller's own environment (outside a project, no `--profile`, no `--chain`).
 * `--chain` makes the chain the default credentials; terrace.json's `chains` give mapped accounts' profiles the chain.
 */
export function planDelivery(input: PlanInput): DeliveryPlan | null {
  const chain = input.chain ?? null
  if (chain && (!input.context || !input.project)) {
    return {bindings: [chain], defaultBinding: chain, mode: input.mode, region: input.defaultRegion ?? null}
  }

  const plan = planProfiles(input)
  if (!plan) return null
  const chained = withAccountChains(plan.bindings, plan.defaultBinding, input.accountChains ?? {})
  if (!chain) return {...plan, ...chained}
  const bindings = chained.bindings.some((b) => b.name === chain.name) ? chained.bindings : [...chained.bindings, chain]
  return {...plan, bindings, defaultBinding: chain}
}

function planProfiles(input: PlanInput): DeliveryPlan | null {
  const {context, mode, profile, project, registry} = input
  if (!context || !project) {
    if (profile === null) return null
    const found = managed(profile, registry)
    if (!found) {
      throw new ConfigError(`--profile ${profile}: not a profile terrace manages, and this folder is in no project.`, {
        suggestion: 'Run `terrace aws configure sso` in your project to add its profiles, or cd into the project.',
      })
    }

    return {bindings: [found.binding], defaultBinding: found.binding, mode, region: found.region}
  }

  let bindings: ProfileBinding[]
  let defaultBinding: null | ProfileBinding
  if (context.location === 'layer') {
    const layer = layerBindings(context, project)
    bindings = layer.bindings
    defaultBinding = layer.own
  } else {
    bindings = projectRoleBindings(project)
    defaultBinding = bindings.find((b) => context.account !== null && b.ref.account === context.account) ?? null
  }

  let {region} = context
  if (profile !== null) {
    const all = projectRoleBindings(project)
    const chosen =
      bindings.find((b) => b.name === profile) ??
      all.find((b) => b.name === profile) ??
      managed(profile, registry)?.binding
    if (!chosen) {
      throw new ConfigError(`--profile ${profile}: no such profile in project ${project.common.project}.`, {
        suggestion: `Profiles of this project: ${all.map((b) => b.name).join(', ') || '(none)'}.`,
      })
    }

    if (!bindings.some((b) => b.name === chosen.name)) bindings = [...bindings, chosen]
    defaultBinding = chosen
    region ??= managed(profile, registry)?.region ?? null
  }

  return {bindings, defaultBinding, mode, region}
}
