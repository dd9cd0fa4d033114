import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AgentLog} from '../../src/agent/log.js'
import {AgentNamedRefs} from '../../src/agent/named-refs.js'
import {updateProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {ssoRef} from '../helpers/role-refs.js'

describe('agent/named-refs: a managed profile named by a request, resolved from profiles.json', () => {
  let home: string
  let refs: AgentNamedRefs

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'terrace-named-refs-'))
    refs = new AgentNamedRefs(home, new AgentLog(join(home, 'logs', 'agent.log')))
  })

  afterEach(() => rmSync(home, {force: true, recursive: true}))

  it('gives the role of the profile, and sees the registry rewritten (a new inode) on the next request', async () => {
    const configDir = join(home, 'config')
    await updateProfileRegistry(configDir, {set: {dev: {ref: ssoRef('111111111111'), region: null}}})
    expect(await refs.profile('dev')).to.deep.equal(ssoRef('111111111111'))
    await updateProfileRegistry(configDir, {set: {dev: {ref: ssoRef('222222222222', {role: 'Admin'}), region: null}}})
    expect(await refs.profile('dev')).to.deep.equal(ssoRef('222222222222', {role: 'Admin'}))
    await updateProfileRegistry(configDir, {remove: ['dev']})
    const error = await refs.profile('dev').catch((error_: unknown) => error_)
    expect(error).to.have.property('exitCode', 4)
  })

  it('refuses a name the registry does not hold (and one inherited from Object), with no registry at all', async () => {
    for (const name of ['nope', 'constructor', '__proto__']) {
      const error = await refs.profile(name).catch((error_: unknown) => error_)
      expect(error, name).to.have.property('exitCode', 4)
    }
  })
})
