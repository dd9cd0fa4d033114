import {expect} from 'chai'
import {join, resolve} from 'node:path'

import type {ManagedProfile} from '../../src/auth/credentials/profile-registry.js'

import {resolveContext} from '../../src/layers/context.js'
import {loadProject} from '../../src/layers/project.js'
import {planDelivery, type PlanInput} from '../../src/runner/credentials/plan.js'

const BB = resolve('templates/sample-project')
const at = async (path: string) => {
  const dir = join(BB, path)
  return {context: await resolveContext(dir, {env: {}}), project: await loadProject(dir, {env: {}})}
}

const managed: Record<string, ManagedProfile> = {
  'other-admin': {
    ref: {
      account: null,
      accountId: '999999999999',
      kind: 'sso',
      role: 'Admin',
      source: null,
      ssoRegion: 'eu-west-1',
      startUrl: 'https://other.awsapps.com/start',
    },
    region: 'eu-west-1',
  },
}

describe('runner/credentials/plan', () => {
  const base: Omit<PlanInput, 'context' | 'project'> = {mode: 'endpoint', profile: null, registry: {}}

  it("in a layer: the layer's own profile is the default, every profile it names is served", async () => {
    const plan = planDelivery({...base, ...(await at('apps-devstg/us-east-1/base-network'))})!
    expect(plan.defaultBinding?.name).to.equal('bb-apps-devstg-devops')
    expect(plan.defaultBinding?.ref).to.include({accountId: '555555555555', role: 'DevOps'})
    expect(plan.bindings.map((b) => b.name).sort()).to.deep.equal(['bb-apps-devstg-devops', 'bb-shared-devops'])
    expect(plan.region).to.equal('us-east-1')
  })

  it('--profile picks another project profile as the default and adds it', async () => {
    const plan = planDelivery({
      ...base,
      ...(await at('apps-devstg/us-east-1/base-network')),
      profile: 'bb-management-administrator',
    })!
    expect(plan.defaultBinding?.ref).to.include({accountId: '111111111111', role: 'Administrator'})
    expect(plan.bindings.map((b) => b.name)).to.include('bb-management-administrator')
  })

  it('an unknown --profile in a project is a ConfigError naming the profiles there are', async () => {
    const input = {...base, ...(await at('apps-devstg/us-east-1/base-network')), profile: 'nope'}
    expect(() => planDelivery(input))
      .to.throw(/no such profile/)
      .with.property('exitCode', 4)
  })

  it("at an account folder: every project profile, the account's own as default", async () => {
    const plan = planDelivery({...base, ...(await at('shared'))})!
    expect(plan.defaultBinding?.name).to.equal('bb-shared-devops')
    expect(plan.bindings).to.have.length(6)
  })

  it('outside a project: nothing, unless --profile names a managed profile', () => {
    const outside = {...base, context: null, project: null}
    expect(planDelivery(outside)).to.equal(null)
    const plan = planDelivery({...outside, profile: 'other-admin', registry: managed})!
    expect(plan.defaultBinding?.ref.accountId).to.equal('999999999999')
    expect(plan.region).to.equal('eu-west-1')
    expect(() => planDelivery({...outside, profile: 'bb-shared-devops', registry: managed})).to.throw(
      /not a profile terrace manages/,
    )
  })
})
