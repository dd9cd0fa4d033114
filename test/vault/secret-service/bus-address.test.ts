import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {parseBusAddress, sessionBusSocket} from '../../../src/vault/secret-service/bus-address.js'

describe('vault/secret-service/bus-address', () => {
  describe('parseBusAddress', () => {
    const cases: Array<[string, string | undefined]> = [
      ['unix:path=/run/user/1000/bus', '/run/user/1000/bus'],
      ['unix:path=/tmp/dbus-45Qewd5Ekk,guid=992c3f2409e9f99626c5dbf26b021d31', '/tmp/dbus-45Qewd5Ekk'],
      ['unix:guid=123,path=/run/user/1000/bus', '/run/user/1000/bus'],
      ['unix:abstract=/tmp/dbus-abc,guid=123', '\0/tmp/dbus-abc'],
      ['unix:path=/tmp/a%20b', '/tmp/a b'],
      ['unix:path=/tmp/%c3%a9t%C3%A9%2Cx%3Dy', '/tmp/été,x=y'],
      ['unix:path=/tmp/100%', '/tmp/100%'], // a stray % is kept as it is
      ['unix:abstract=/tmp/dbus%2dabc', '\0/tmp/dbus-abc'],
      ['tcp:host=x;unix:path=/p', '/p'],
      ['tcp:host=x,port=1;launchd:env=X;unix:abstract=a;unix:path=/second', '\0a'],
      ['unix:path=;unix:path=/second', '/second'],
      ['unix:tmpdir=/tmp;unix:path=/p', '/p'],
      ['tcp:host=localhost,port=1234', undefined],
      ['unix:tmpdir=/tmp', undefined],
      ['unix:runtime=yes', undefined],
      ['path=/p', undefined],
      ['unixx:path=/p', undefined],
      ['', undefined],
    ]
    for (const [address, socket] of cases) {
      it(`${JSON.stringify(address)} → ${JSON.stringify(socket)}`, () => {
        expect(parseBusAddress(address)).to.equal(socket)
      })
    }
  })

  describe('sessionBusSocket', () => {
    let dir: string

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'terrace-bus-address-'))
    })

    afterEach(() => {
      rmSync(dir, {force: true, recursive: true})
    })

    it('uses DBUS_SESSION_BUS_ADDRESS (trimmed) when set', () => {
      writeFileSync(join(dir, 'bus'), '')
      const env = {DBUS_SESSION_BUS_ADDRESS: '  unix:path=/run/user/1000/bus\n', XDG_RUNTIME_DIR: dir}
      expect(sessionBusSocket(env)).to.equal('/run/user/1000/bus')
    })

    it('falls back to $XDG_RUNTIME_DIR/bus when DBUS_SESSION_BUS_ADDRESS is unset and the file exists', () => {
      writeFileSync(join(dir, 'bus'), '')
      expect(sessionBusSocket({XDG_RUNTIME_DIR: dir})).to.equal(join(dir, 'bus'))
      expect(sessionBusSocket({DBUS_SESSION_BUS_ADDRESS: '', XDG_RUNTIME_DIR: dir})).to.equal(join(dir, 'bus'))
      expect(sessionBusSocket({DBUS_SESSION_BUS_ADDRESS: '   ', XDG_RUNTIME_DIR: dir})).to.equal(join(dir, 'bus'))
    })

    it('is undefined when DBUS_SESSION_BUS_ADDRESS is unset and $XDG_RUNTIME_DIR has no bus', () => {
      expect(sessionBusSocket({XDG_RUNTIME_DIR: dir})).to.equal(undefined)
      writeFileSync(join(dir, 'not-bus'), '')
      expect(sessionBusSocket({XDG_RUNTIME_DIR: dir})).to.equal(undefined)
    })

    it('is undefined when neither variable is set', () => {
      expect(sessionBusSocket({})).to.equal(undefined)
      expect(sessionBusSocket({XDG_RUNTIME_DIR: ''})).to.equal(undefined)
    })

    it('is undefined for an address without a unix entry (no fallback to $XDG_RUNTIME_DIR)', () => {
      writeFileSync(join(dir, 'bus'), '')
      expect(sessionBusSocket({DBUS_SESSION_BUS_ADDRESS: 'tcp:host=x,port=1', XDG_RUNTIME_DIR: dir})).to.equal(
        undefined,
      )
    })
  })
})
