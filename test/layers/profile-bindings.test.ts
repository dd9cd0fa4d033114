import {expect} from 'chai'

import type {Project} from '../../src/layers/project.js'
import type {LayerContext} from '../../src/layers/types.js'
import type {ProfileBinding} from '../../src/lib/role-refs.js'

import {
  iamRoleFor,
  layerBindings,
  projectBindings,
  projectRoleBindings,
  projectSso,
  usesIamUser,
} from '../../src/layers/profile-bindings.js'
import {ExitCode} from '../../src/lib/errors.js'
import {
  DEVSTG,
  exitCodeOf,
  layerContext,
  MFA,
  MGMT,
  project,
  SECURITY_NO_ROLE,
  SSO,
  ssoDevstg,
  ssoMgmt,
  START_URL,
  UNKNOWN,
} from './binding-fixtures.js'

const iamDevstg: ProfileBinding = {
  name: 'bb-apps-devstg-devops',
  ref: {
    account: 'apps-devstg',
    accountId: '555555555555',
    kind: 'iam',
    project: 'bb',
    role: 'DevOps',
    source: '/p/apps-devstg/config/account.tfvars',
    userType: 'security',
  },
}
const iamMgmt: ProfileBinding = {
  name: 'bb-management-administrator',
  ref: {
    account: 'management',
    accountId: '111111111111',
    kind: 'iam',
    project: 'bb',
    role: 'Administrator',
    source: '/p/management/config/account.tfvars',
    userType: 'security',
  },
}

describe('layers/profile-bindings (pure)', () => {
  describe('layerBindings: a layer context to its profile bindings', () => {
    const cases: Array<{
      context: LayerContext
      expected: {bindings: ProfileBinding[]; own: null | ProfileBinding}
      project: Project
      title: string
    }> = [
      {
        context: layerContext(),
        expected: {bindings: [ssoDevstg, ssoMgmt], own: ssoDevstg},
        project: project(),
        title: 'SSO: every profile the layer names, its backend profile as its own',
      },
      {
        context: layerContext({backendProfile: 'bb-management-administrator'}),
        expected: {bindings: [ssoDevstg, ssoMgmt], own: ssoMgmt},
        project: project(),
        title: 'SSO: the backend profile picks the own binding, wherever it is in the list',
      },
      {
        context: layerContext({backendProfile: null, profiles: [MGMT, DEVSTG]}),
        expected: {bindings: [ssoMgmt, ssoDevstg], own: ssoMgmt},
        project: project(),
        title: 'SSO: no backend profile: the first profile named is the own one',
      },
      {
        context: layerContext({profiles: [UNKNOWN, SECURITY_NO_ROLE, DEVSTG]}),
        expected: {bindings: [ssoDevstg], own: ssoDevstg},
        project: project(),
        title: 'SSO: a profile of no known account, and one whose account has no role, get no binding',
      },
      {
        context: layerContext({profiles: [UNKNOWN]}),
        expected: {
          bindings: [
            {
              name: 'bb-apps-devstg-devops',
              ref: {
                account: 'apps-devstg',
                accountId: '555555555555',
                kind: 'sso',
                role: 'DevOps',
                source: '/p/apps-devstg',
                ...SSO,
              },
            },
          ],
          own: {
            name: 'bb-apps-devstg-devops',
            ref: {
              account: 'apps-devstg',
              accountId: '555555555555',
              kind: 'sso',
              role: 'DevOps',
              source: '/p/apps-devstg',
              ...SSO,
            },
          },
        },
        project: project(),
        title: "SSO: a layer naming no bindable profile falls back to its account's conventional profile",
      },
      {
        context: layerContext({account: 'security', accountId: '222222222222', profiles: [], role: null}),
        expected: {bindings: [], own: null},
        project: project(),
        title: 'SSO: missing role: no profiles and an account without sso_role give nothing',
      },
      {
        context: layerContext({account: null, accountId: null, location: 'root', profiles: [], role: null}),
        expected: {bindings: [], own: null},
        project: project(),
        title: 'SSO: outside an account: nothing',
      },
      {
        context: layerContext(),
        expected: {bindings: [iamDevstg, iamMgmt], own: iamDevstg},
        project: project(MFA),
        title: "MFA (sso_enabled = false): the same profiles, as roles assumed from the project's IAM user",
      },
      {
        context: layerContext({profiles: [SECURITY_NO_ROLE, UNKNOWN]}),
        expected: {
          bindings: [
            {
              name: 'bb-security-x',
              ref: {
                account: 'security',
                accountId: '222222222222',
                kind: 'iam',
                project: 'bb',
                role: 'DevOps',
                source: '/p/config/common.tfvars',
                userType: 'security',
              },
            },
          ],
          own: {
            name: 'bb-security-x',
            ref: {
              account: 'security',
              accountId: '222222222222',
              kind: 'iam',
              project: 'bb',
              role: 'DevOps',
              source: '/p/config/common.tfvars',
              userType: 'security',
            },
          },
        },
        project: project(MFA),
        title: 'MFA: an account without sso_role assumes DevOps, named from common.tfvars (no account folder)',
      },
      {
        context: layerContext({profiles: [MGMT]}),
        expected: {
          bindings: [
            {
              name: 'bb-management-administrator',
              ref: {
                account: 'management',
                accountId: '111111111111',
                kind: 'iam',
                project: 'bb',
                role: 'OrgAdmin',
                source: '/p/terrace.json',
                userType: 'management',
              },
            },
          ],
          own: {
            name: 'bb-management-administrator',
            ref: {
              account: 'management',
              accountId: '111111111111',
              kind: 'iam',
              project: 'bb',
              role: 'OrgAdmin',
              source: '/p/terrace.json',
              userType: 'management',
            },
          },
        },
        project: project({
          settings: {file: '/p/terrace.json', iamUser: 'management', mfa: 'on', roles: {management: 'OrgAdmin'}},
        }),
        title: 'MFA (terrace.json mfa on): its roles and iamUser win over sso_role',
      },
      {
        context: layerContext({profiles: []}),
        expected: {
          bindings: [{...iamDevstg}],
          own: {...iamDevstg},
        },
        project: project({settings: {buildEnvMfa: true}}),
        title: "MFA (build.env MFA_ENABLED=true): no profiles: the account's conventional profile",
      },
    ]

    it('binds every layer context of the table as expected', () => {
      for (const {context: ctx, expected, project: proj, title} of cases) {
        expect(layerBindings(ctx, proj), title).to.deep.equal(expected)
      }
    })

    it('SSO project without sso_start_url: ConfigError (exit 4); an MFA project needs no portal', () => {
      expect(exitCodeOf(() => layerBindings(layerContext(), project({common: {ssoStartUrl: null}})))).to.equal(
        ExitCode.Config,
      )
      expect(exitCodeOf(() => layerBindings(layerContext(), project(MFA)))).to.equal(null)
    })
  })

  describe('project-wide bindings and the SSO portal', () => {
    it('projectBindings: every account with an id and an sso_role, sorted, conventionally named', () => {
      expect(projectBindings(project())).to.deep.equal([ssoDevstg, ssoMgmt])
    })

    it('projectRoleBindings: SSO projects through SSO; MFA projects every account with an id, from the IAM user', () => {
      expect(projectRoleBindings(project())).to.deep.equal([ssoDevstg, ssoMgmt])
      expect(projectRoleBindings(project(MFA))).to.deep.equal([
        iamDevstg,
        iamMgmt,
        {
          name: 'bb-security-devops',
          ref: {
            account: 'security',
            accountId: '222222222222',
            kind: 'iam',
            project: 'bb',
            role: 'DevOps',
            source: '/p/config/common.tfvars',
            userType: 'security',
          },
        },
      ])
    })

    const ssoCases: Array<{common: Partial<Project['common']>; expected: number | typeof SSO}> = [
      {common: {}, expected: SSO},
      {common: {regionPrimary: 'us-west-2', ssoRegion: null}, expected: {ssoRegion: 'us-west-2', startUrl: START_URL}},
      {common: {ssoRegion: null}, expected: {ssoRegion: 'us-east-1', startUrl: START_URL}},
      {common: {region: null, ssoRegion: null}, expected: ExitCode.Config},
      {common: {ssoStartUrl: null}, expected: ExitCode.Config},
    ]

    it('projectSso: sso_region, else region_primary, else region; exit 4 without a start URL or a region', () => {
      for (const {common, expected} of ssoCases) {
        const proj = project({common})
        const title = JSON.stringify(common)
        if (typeof expected === 'number')
          expect(
            exitCodeOf(() => projectSso(proj)),
            title,
          ).to.equal(expected)
        else expect(projectSso(proj), title).to.deep.equal(expected)
      }
    })

    const mfaCases: Array<{patch: Parameters<typeof project>[0]; usesIam: boolean}> = [
      {patch: {}, usesIam: false},
      {patch: MFA, usesIam: true},
      {patch: {settings: {buildEnvMfa: true}}, usesIam: true},
      {patch: {settings: {mfa: 'on'}}, usesIam: true},
      {patch: {common: {ssoEnabled: false}, settings: {mfa: 'off'}}, usesIam: false},
    ]

    it('usesIamUser: terrace.json mfa on/off wins; auto: sso_enabled = false or build.env MFA_ENABLED=true', () => {
      for (const {patch, usesIam} of mfaCases)
        expect(usesIamUser(project(patch)), JSON.stringify(patch)).to.equal(usesIam)
    })

    it('iamRoleFor: terrace.json roles, else sso_role, else DevOps', () => {
      const proj = project({settings: {roles: {management: 'OrgAdmin'}}})
      expect([
        iamRoleFor(proj, 'management'),
        iamRoleFor(proj, 'apps-devstg'),
        iamRoleFor(proj, 'security'),
        iamRoleFor(proj, 'unknown'),
        iamRoleFor(proj, null),
      ]).to.deep.equal(['OrgAdmin', 'DevOps', 'DevOps', 'DevOps', 'DevOps'])
    })
  })
})
