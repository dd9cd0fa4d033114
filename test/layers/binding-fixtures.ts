/** A small SSO project and layer contexts for the pure role-resolution tests (profile-bindings, chain-bindings). */
import type {Project} from '../../src/layers/project.js'
import type {ProjectSettings} from '../../src/layers/settings.js'
import type {LayerContext, ProfileRef} from '../../src/layers/types.js'
import type {ProfileBinding} from '../../src/lib/role-refs.js'

import {DEFAULT_SETTINGS} from '../../src/layers/settings.js'
import {TerraceError} from '../../src/lib/errors.js'

export const START_URL = 'https://bb.awsapps.com/start'
export const SSO = {ssoRegion: 'eu-west-1', startUrl: START_URL}

export function project(
  patch: {common?: Partial<Project['common']>; settings?: Partial<ProjectSettings>} = {},
): Project {
  return {
    accounts: {
      'apps-devstg': {dir: '/p/apps-devstg', id: '555555555555', region: 'us-east-1', ssoRole: 'DevOps'},
      management: {dir: '/p/management', id: '111111111111', region: null, ssoRole: 'Administrator'},
      nameless: {dir: null, id: null, region: null, ssoRole: 'DevOps'},
      security: {dir: null, id: '222222222222', region: null, ssoRole: null},
    },
    common: {
      project: 'bb',
      projectLong: null,
      region: 'us-east-1',
      regionPrimary: null,
      regionSecondary: null,
      ssoEnabled: true,
      ssoRegion: 'eu-west-1',
      ssoStartUrl: START_URL,
      ...patch.common,
    },
    commonFile: '/p/config/common.tfvars',
    root: '/p',
    settings: {...DEFAULT_SETTINGS, ...patch.settings},
    values: {},
    warnings: [],
  }
}

export const MFA = {common: {ssoEnabled: false, ssoRegion: null, ssoStartUrl: null}}

export const DEVSTG: ProfileRef = {
  account: 'apps-devstg',
  accountId: '555555555555',
  name: 'bb-apps-devstg-devops',
  role: 'DevOps',
}
export const MGMT: ProfileRef = {
  account: 'management',
  accountId: '111111111111',
  name: 'bb-management-administrator',
  role: 'Administrator',
}
export const SECURITY_NO_ROLE: ProfileRef = {
  account: 'security',
  accountId: '222222222222',
  name: 'bb-security-x',
  role: null,
}
export const UNKNOWN: ProfileRef = {account: null, accountId: null, name: 'somewhere-else', role: null}

export function layerContext(patch: Partial<LayerContext> = {}): LayerContext {
  return {
    account: 'apps-devstg',
    accountDir: '/p/apps-devstg',
    accountId: '555555555555',
    backendConfig: null,
    backendProfile: 'bb-apps-devstg-devops',
    disabled: false,
    layer: 'apps-devstg/us-east-1/base',
    location: 'layer',
    profiles: [DEVSTG, MGMT],
    project: 'bb',
    region: 'us-east-1',
    role: 'DevOps',
    root: '/p',
    varFiles: [],
    warnings: [],
    ...patch,
  }
}

export const ssoDevstg: ProfileBinding = {
  name: 'bb-apps-devstg-devops',
  ref: {
    account: 'apps-devstg',
    accountId: '555555555555',
    kind: 'sso',
    role: 'DevOps',
    source: '/p/apps-devstg/config/account.tfvars',
    ...SSO,
  },
}
export const ssoMgmt: ProfileBinding = {
  name: 'bb-management-administrator',
  ref: {
    account: 'management',
    accountId: '111111111111',
    kind: 'sso',
    role: 'Administrator',
    source: '/p/management/config/account.tfvars',
    ...SSO,
  },
}

export function exitCodeOf(run: () => unknown): null | number {
  try {
    run()
    return null
  } catch (error) {
    if (error instanceof TerraceError) return error.exitCode
    throw error
  }
}
