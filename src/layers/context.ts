import {stat} from 'node:fs/promises'
import {basename, join} from 'node:path'

import type {LayerContext, ProfileRef} from './types.js'

import {ConfigError} from '../lib/errors.js'
import {optionalString} from './config-values.js'
import {BACKEND_TFVARS, layerTfFiles, locate} from './discover.js'
import {localValues, mapProfile, type ProfileExpression, profileExpressions, substitute} from './profiles.js'
import {type AccountInfo, type LoadOptions, loadProjectAt, type Project, withAccountDir} from './project.js'
import {parseTfvarsFile, tfvarsCacheDir} from './tfvars/index.js'
import {varFilesFor} from './var-files.js'

export type ResolveOptions = LoadOptions & {
  /** the invocation's loaded projects (project-cache.ts), so the context does not load the project again */
  projectAt?: (root: string) => Promise<Project>
}

const exists = (path: string) =>
  stat(path).then(
    (info) => info.isFile(),
    () => false,
  )

/** <account>/config/backend.tfvars: its path and `profile`, nulls when there is no account or no such file. */
async function readBackend(accountDir: null | string, options: ResolveOptions) {
  const file = accountDir ? join(accountDir, BACKEND_TFVARS) : null
  if (!file || !(await exists(file))) return {backendConfig: null, backendProfile: null}
  const backend = await parseTfvarsFile(file, {cacheDir: tfvarsCacheDir(options.env), loadParser: options.loadParser})
  return {backendConfig: file, backendProfile: await optionalString(backend, 'profile', file)}
}

/** Reads the profile expressions and locals of a layer's .tf files; a file the parser rejects becomes a warning. */
async function scanLayer(dir: string, options: ResolveOptions, warnings: string[]) {
  const expressions: ProfileExpression[] = []
  const locals: Record<string, unknown> = {}
  for (const file of await layerTfFiles(dir)) {
    try {
      const parsed = await parseTfvarsFile(file, {
        cacheDir: tfvarsCacheDir(options.env ?? process.env),
        kind: 'tf',
        loadParser: options.loadParser,
        pick: ['data', 'locals', 'provider', 'terraform'],
      })
      expressions.push(...profileExpressions(parsed, file))
      Object.assign(locals, localValues(parsed))
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      warnings.push(`profiles in ${basename(file)} not read: ${error.message}`)
    }
  }

  return {expressions, locals}
}

/** Values terraform would see as `var.*`: every var file in order, then `profile` = the backend profile. */
async function knownVars(varFiles: string[], backendProfile: null | string, options: ResolveOptions) {
  const vars: Record<string, unknown> = {}
  for (const file of varFiles) {
    Object.assign(
      vars,
      await parseTfvarsFile(file, {cacheDir: tfvarsCacheDir(options.env), loadParser: options.loadParser}),
    )
  }

  if (backendProfile !== null) vars.profile = backendProfile
  return vars
}

function profileList(
  names: Array<{name: string; source?: string}>,
  project: Project,
  warnings: string[],
): ProfileRef[] {
  const profiles: ProfileRef[] = []
  for (const {name} of names) {
    if (profiles.some((profile) => profile.name === name)) continue
    const mapped = mapProfile(name, project.common.project, project.accounts)
    profiles.push(mapped.profile)
    for (const warning of mapped.warnings) if (!warnings.includes(warning)) warnings.push(warning)
  }

  return profiles
}

/**
 * Everything terrace knows about the folder `cwd`: project root, account, layer, region, role, backend profile,
 * the AWS profiles the layer's code names (each mapped to account id and role), var files and backend config.
 * Throws NotInProjectError (exit 3) outside a project and ConfigError (exit 4) for broken tfvars or missing keys.
 */
export async function resolveContext(cwd: string, options: ResolveOptions = {}): Promise<LayerContext> {
  const env = options.env ?? process.env
  const opts = {...options, env}
  const place = await locate(cwd)
  const project = await (opts.projectAt ?? ((root: string) => loadProjectAt(root, opts)))(place.root)
  const warnings = [...project.warnings]

  const accountName = place.accountDir ? basename(place.accountDir) : null
  let account: AccountInfo | null = null
  if (place.accountDir && accountName) {
    account = await withAccountDir(project, accountName, place.accountDir, opts)
    if (account.id === null) warnings.push(`account ${accountName} has no id in ${project.commonFile}`)
  }

  const {backendConfig, backendProfile} = await readBackend(place.accountDir, opts)

  const varFiles = await varFilesFor(place.root, place.accountDir)
  const names: Array<{name: string}> = backendProfile ? [{name: backendProfile}] : []
  if (place.location === 'layer') {
    const {expressions, locals} = await scanLayer(join(place.root, place.layer!), opts, warnings)
    const vars = expressions.length > 0 ? await knownVars(varFiles, backendProfile, opts) : {}
    for (const found of expressions) {
      const name = substitute(found.expression, vars, locals)
      if (name === null)
        warnings.push(`cannot work out the AWS profile "${found.expression}" in ${basename(found.file)}`)
      else names.push({name})
    }
  }

  return {
    account: accountName,
    accountDir: place.accountDir,
    accountId: account?.id ?? null,
    backendConfig,
    backendProfile,
    disabled: place.disabled,
    layer: place.layer,
    location: place.location,
    profiles: profileList(names, project, warnings),
    project: project.common.project,
    region: account?.region ?? project.common.regionPrimary ?? project.common.region ?? null,
    role: account?.ssoRole ?? null,
    root: place.root,
    varFiles,
    warnings,
  }
}
