import {expect} from 'chai'

import {csvFields, parseCredentialsCsv} from '../../../src/auth/iam/credentials-csv.js'

const ID = 'AKIASANDBOXALICE0001'
const SECRET = 'sandbox/alice/secret/key/000000000000000'

describe('auth/iam/credentials-csv: the console access key CSV', () => {
  it('the two-column format (CRLF, BOM)', () => {
    const text = `\uFEFFAccess key ID,Secret access key\r\n${ID},${SECRET}\r\n`
    expect(parseCredentialsCsv(text, 'k.csv')).to.deep.equal({accessKeyId: ID, secretAccessKey: SECRET})
  })

  it('the five-column format with a password and console link', () => {
    const text = `User name,Password,Access key ID,Secret access key,Console login link\nalice,"p,w""d",${ID},${SECRET},https://222222222222.signin.aws.amazon.com/console\n`
    expect(parseCredentialsCsv(text, 'k.csv')).to.deep.equal({accessKeyId: ID, secretAccessKey: SECRET})
  })

  it('quoted fields', () => {
    expect(csvFields('"a,b","c""d", e')).to.deep.equal(['a,b', 'c"d', 'e'])
  })

  for (const [name, text] of [
    ['no data line', 'Access key ID,Secret access key\n'],
    ['no key columns', 'a,b\n1,2\n'],
    ['a malformed key id', `Access key ID,Secret access key\nnot-a-key,${SECRET}\n`],
    ['a short secret', `Access key ID,Secret access key\n${ID},short\n`],
  ]) {
    it(`${name} → exit 2 naming the file, never echoing the secret`, () => {
      let error: (Error & {exitCode?: number}) | undefined
      try {
        parseCredentialsCsv(text, '/dl/k.csv')
      } catch (error_) {
        error = error_ as Error & {exitCode?: number}
      }

      expect(error?.exitCode).to.equal(2)
      expect(error?.message).to.include('/dl/k.csv').and.not.include(SECRET)
    })
  }
})
