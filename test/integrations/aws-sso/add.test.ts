import {expect} from 'chai'

import {buildAwsSsoIntegration} from '../../../src/integrations/aws-sso/add.js'
import {usageProblem} from '../../helpers/errors.js'

const FLAGS = {alias: 'corp', region: 'us-east-1', startUrl: 'https://corp.awsapps.com/start'}

describe('integrations/aws-sso/add', () => {
  it('builds the integration from its flags', () => {
    expect(buildAwsSsoIntegration({...FLAGS, defaultRegion: 'eu-west-1'})).to.deep.equal({
      ...FLAGS,
      defaultRegion: 'eu-west-1',
      lastSync: null,
      type: 'aws-sso',
    })
  })

  it('names every missing flag at once (exit 2), one bad flag by its name', () => {
    for (const [flags, message] of [
      [{}, 'Missing --alias, --start-url, --region: an aws-sso integration needs them.'],
      [
        {...FLAGS, alias: undefined, region: undefined},
        'Missing --alias, --region: an aws-sso integration needs them.',
      ],
      [{...FLAGS, startUrl: undefined}, 'Missing --start-url: an aws-sso integration needs it.'],
      [{...FLAGS, startUrl: 'http://corp.awsapps.com/start'}, '--start-url "http://corp.awsapps.com/start" is not'],
      [{...FLAGS, region: 'mars'}, '--region "mars" is not'],
    ] as const) {
      expect(
        usageProblem(() => buildAwsSsoIntegration(flags)),
        JSON.stringify(flags),
      ).to.contain(message)
    }
  })
})
