import {expect} from 'chai'

import {
  deleteStartUrlEntries,
  entriesForStartUrl,
  filterEntriesForStartUrl,
  normalizeStartUrl,
  parseEntry,
  roleCredentialsEntry,
  ssoClientEntry,
  ssoStartUrlsInVault,
  ssoTokenEntry,
  startUrlsIn,
} from '../../src/vault/entries.js'
import {MemoryStore} from '../../src/vault/memory-store.js'

const A = 'https://d-abc.awsapps.com/start'
const B = 'http://127.0.0.1:4567/start'

describe('vault/entries', () => {
  it('builds readable names', () => {
    expect(ssoTokenEntry(A)).to.equal('sso-token:https://d-abc.awsapps.com/start')
    expect(ssoClientEntry(A, 'us-east-1')).to.equal('sso-client:us-east-1:https://d-abc.awsapps.com/start')
    expect(roleCredentialsEntry(A, '123456789012', 'DevOps')).to.equal(
      'role-credentials:123456789012/DevOps@https://d-abc.awsapps.com/start',
    )
  })

  const urls: Array<[string, string]> = [
    [A, A],
    [`${A}/`, A],
    [`${A}#/`, A],
    [`${A}/#/`, A],
    [`  ${A}  `, A],
    [`${A}//`, A],
  ]
  for (const [input, expected] of urls) {
    it(`normalises ${JSON.stringify(input)}`, () => {
      expect(normalizeStartUrl(input)).to.equal(expected)
      expect(ssoTokenEntry(input)).to.equal(ssoTokenEntry(A))
    })
  }

  const parses: Array<[string, ReturnType<typeof parseEntry>]> = [
    [ssoTokenEntry(B), {kind: 'sso-token', startUrl: B}],
    [ssoClientEntry(B, 'eu-west-1'), {kind: 'sso-client', region: 'eu-west-1', startUrl: B}],
    [
      roleCredentialsEntry(A, '123456789012', 'Admin@Team+x=y,z.w_v-u'),
      {accountId: '123456789012', kind: 'role-credentials', role: 'Admin@Team+x=y,z.w_v-u', startUrl: A},
    ],
    ['something-else:x', undefined],
    ['sso-token', undefined],
  ]
  for (const [name, expected] of parses) {
    it(`parses ${name}`, () => {
      expect(parseEntry(name)).to.deep.equal(expected)
    })
  }

  const vault = () =>
    new MemoryStore({
      [roleCredentialsEntry(`https://evil.example/x?${A}`, '3', 'R')]: 'c3',
      [roleCredentialsEntry(A, '111111111111', 'DevOps')]: 'c1',
      [roleCredentialsEntry(B, '222222222222', 'DevOps')]: 'c2',
      [ssoClientEntry(A, 'us-east-1')]: 'client',
      [ssoTokenEntry(A)]: 'token-a',
      [ssoTokenEntry(B)]: 'token-b',
      'unrelated:entry': 'keep',
    })

  it('finds every entry derived from a start URL, and nothing that merely contains it', async () => {
    const store = vault()
    const expected = [
      roleCredentialsEntry(A, '111111111111', 'DevOps'),
      ssoClientEntry(A, 'us-east-1'),
      ssoTokenEntry(A),
    ]
    expect(await entriesForStartUrl(store, `${A}/`)).to.deep.equal(expected)
    expect(filterEntriesForStartUrl(await store.list(), A)).to.deep.equal(expected)
  })

  it('lists the start URLs the vault holds anything for', async () => {
    expect(await ssoStartUrlsInVault(vault())).to.deep.equal([B, `https://evil.example/x?${A}`, A].sort())
    expect(startUrlsIn(['unrelated:x'])).to.deep.equal([])
  })

  it('deletes only the entries of one start URL and says which', async () => {
    const store = vault()
    const deleted = await deleteStartUrlEntries(store, A)
    expect(deleted).to.have.length(3)
    expect(await store.list()).to.deep.equal(
      [
        roleCredentialsEntry(B, '222222222222', 'DevOps'),
        roleCredentialsEntry(`https://evil.example/x?${A}`, '3', 'R'),
        ssoTokenEntry(B),
        'unrelated:entry',
      ].sort(),
    )
  })
})
