import {expect} from 'chai'

import {
  AwsProfileSection,
  BLOCK_BEGIN,
  BLOCK_END,
  editManagedBlock,
  userProfiles,
} from '../../src/awsfiles/managed-block.js'

const CREDS = '/home/u/.aws/credentials'
const USER_CREDS = '[default]\r\naws_access_key_id = AKIAUSER\r\naws_secret_access_key = user-secret\r\n'
const keys = (name: string, id: string): AwsProfileSection => ({
  name,
  settings: [
    ['aws_access_key_id', id],
    ['aws_secret_access_key', 'k/+='],
    ['aws_session_token', 'T+/='],
  ],
})

describe('awsfiles: managed block in the credentials style ([name] sections)', () => {
  it('writes [name] sections (also for default) after the user bytes, replaces them, and removing restores the bytes', () => {
    const added = editManagedBlock(USER_CREDS, {set: [keys('ops', 'ASIA1')], style: 'credentials'}, CREDS)
    expect(added.text).to.equal(
      USER_CREDS +
        [
          BLOCK_BEGIN,
          '[ops]',
          'aws_access_key_id = ASIA1',
          'aws_secret_access_key = k/+=',
          'aws_session_token = T+/=',
          BLOCK_END,
        ].join('\r\n') +
        '\r\n',
    )
    const rotated = editManagedBlock(added.text, {set: [keys('ops', 'ASIA2')], style: 'credentials'}, CREDS)
    expect(rotated.changed).to.deep.equal(['ops'])
    expect(rotated.text).to.include('aws_access_key_id = ASIA2').and.not.include('ASIA1')
    expect(editManagedBlock(rotated.text, {remove: ['ops'], style: 'credentials'}, CREDS).text).to.equal(USER_CREDS)
  })

  it('a name the user defines outside the block is a clash, not written; the user sections are their profiles', () => {
    const result = editManagedBlock(USER_CREDS, {set: [keys('default', 'ASIA1')], style: 'credentials'}, CREDS)
    expect(result.clashes).to.deep.equal([{name: 'default', where: `${CREDS}:1`}])
    expect(result.text).to.equal(USER_CREDS)
    const withBlock = editManagedBlock(USER_CREDS, {set: [keys('ops', 'ASIA1')], style: 'credentials'}, CREDS).text
    expect([...userProfiles(withBlock, CREDS, 'credentials').keys()]).to.deep.equal(['default'])
  })
})
