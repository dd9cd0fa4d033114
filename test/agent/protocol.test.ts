import {expect} from 'chai'

import {parseAnswer, parseRequest} from '../../src/agent/protocol.js'

const errorOf = (line: string) => {
  const parsed = parseRequest(line)
  if (parsed.ok) throw new Error(`parsed: ${line}`)
  if (parsed.answer.ok) throw new Error('an ok answer')
  return {code: parsed.answer.error.code, id: parsed.answer.id, message: parsed.answer.error.message}
}

describe('agent/protocol: parsing request lines', () => {
  it('a valid request', () => {
    expect(parseRequest('{"v":1,"id":7,"op":"status"}')).to.deep.equal({
      ok: true,
      request: {id: 7, op: 'status', v: 1},
    })
    expect(parseRequest('{"v":1,"id":"a","op":"ping","extra":true}')).to.deep.include({ok: true})
  })

  it('bad JSON, a JSON value that is not an object, a missing id: error answers without an id', () => {
    expect(errorOf('{"v":1,')).to.deep.include({code: 'bad-json', id: null})
    expect(errorOf('[1,2]')).to.deep.include({code: 'bad-request', id: null})
    expect(errorOf('null')).to.deep.include({code: 'bad-request', id: null})
    expect(errorOf('{"v":1,"op":"ping"}')).to.deep.include({code: 'bad-request', id: null})
    expect(errorOf('{"v":1,"id":{},"op":"ping"}')).to.deep.include({code: 'bad-request', id: null})
  })

  it('a wrong or missing version: unsupported-version, naming the version spoken, with the request id', () => {
    const wrong = errorOf('{"v":2,"id":3,"op":"ping"}')
    expect(wrong).to.deep.include({code: 'unsupported-version', id: 3})
    expect(wrong.message).to.contain('version 1')
    expect(errorOf('{"id":3,"op":"ping"}')).to.deep.include({code: 'unsupported-version', id: 3})
  })

  it('an unknown op: unknown-op, listing the known ones', () => {
    const unknown = errorOf('{"v":1,"id":"x","op":"give-me-the-key"}')
    expect(unknown).to.deep.include({code: 'unknown-op', id: 'x'})
    expect(unknown.message).to.contain('ping').and.contain('status')
    expect(errorOf('{"v":1,"id":"x","op":"toString"}').code).to.equal('unknown-op')
  })

  it('answers: parsed when of this version, null otherwise', () => {
    expect(parseAnswer('{"v":1,"id":1,"ok":true,"result":{}}')).to.deep.equal({id: 1, ok: true, result: {}, v: 1})
    expect(parseAnswer('{"v":2,"id":1,"ok":true}')).to.equal(null)
    expect(parseAnswer('nope')).to.equal(null)
  })
})
