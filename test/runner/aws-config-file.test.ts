import {expect} from 'chai'

import {commandWord, credentialProcessLine, renderAwsConfig} from '../../src/runner/credentials/aws-config-file.js'

describe('runner/credentials/aws-config-file', () => {
  const command = {helper: '/opt/terrace/bin/credential-helper.mjs', node: '/usr/bin/node'}

  it('one profile per name, each with credential_process and region, no [default]', () => {
    const text = renderAwsConfig(
      [
        {name: 'bb-apps-devstg-devops', region: 'us-east-1'},
        {name: 'bb-shared-devops', region: null},
        {name: 'bb-apps-devstg-devops', region: 'us-east-1'},
      ],
      command,
    )
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).to.deep.equal([
      '[profile bb-apps-devstg-devops]',
      'credential_process = /usr/bin/node /opt/terrace/bin/credential-helper.mjs bb-apps-devstg-devops',
      'region = us-east-1',
      '[profile bb-shared-devops]',
      'credential_process = /usr/bin/node /opt/terrace/bin/credential-helper.mjs bb-shared-devops',
    ])
    expect(text).not.to.include('[default]')
  })

  it('quotes paths with spaces, refuses characters a shell would expand', () => {
    expect(commandWord('/a b/node')).to.equal('"/a b/node"')
    expect(credentialProcessLine({helper: '/x y/h.mjs', node: '/n'}, 'p')).to.equal('/n "/x y/h.mjs" p')
    for (const bad of ['/a"b', '/a$b', '/a`b', String.raw`/a\b`])
      expect(() => commandWord(bad)).to.throw(/credential_process/)
  })

  it('refuses a profile name AWS tools cannot read back', () => {
    expect(() => renderAwsConfig([{name: 'bad name]', region: null}], command)).to.throw(/characters/)
  })

  it('empty when the run names no profile', () => {
    expect(renderAwsConfig([], command)).not.to.include('[profile')
  })
})
