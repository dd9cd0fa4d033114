import {expect} from 'chai'
import {cp, mkdir, rm, symlink} from 'node:fs/promises'
import {join} from 'node:path'

import {findAccountDir, findRoot} from '../../src/layers/discover.js'
import {ExitCode, TerraceError} from '../../src/lib/errors.js'
import {rejection} from '../helpers/errors.js'
import {BB, tempDir} from './helpers.js'

/** Ways config/common.tfvars or config/account.tfvars can be there without being a readable file. */
const BROKEN: Array<{make: (path: string) => Promise<void>; name: string; says: string}> = [
  {make: (path) => mkdir(path), name: 'a directory', says: 'is a directory'},
  {
    async make(path) {
      await symlink(`${path}.other`, path)
      await symlink(path, `${path}.other`)
    },
    name: 'a symbolic link loop',
    says: 'is a symbolic link loop',
  },
  {
    make: (path) => symlink(`${path}.missing`, path),
    name: 'a symbolic link to nothing',
    says: 'symbolic link to nothing',
  },
]

describe('findRoot and findAccountDir: config files that are there but are not files', () => {
  let project: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    const temp = await tempDir('discover-broken-')
    cleanup = temp.cleanup
    project = join(temp.dir, 'p')
    await cp(BB, project, {recursive: true})
  })

  afterEach(() => cleanup())

  for (const {make, name, says} of BROKEN) {
    it(`config/common.tfvars as ${name} is exit 4 naming it, not "not in a project"`, async () => {
      const path = join(project, 'config', 'common.tfvars')
      await rm(path)
      await make(path)
      const error = await rejection<TerraceError>(findRoot(join(project, 'apps-devstg', 'us-east-1')))
      expect(error).to.be.instanceOf(TerraceError)
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.contain(path).and.contain(says)
    })

    it(`config/account.tfvars as ${name} is exit 4 naming it`, async () => {
      const path = join(project, 'apps-devstg', 'config', 'account.tfvars')
      await rm(path)
      await make(path)
      const error = await rejection<TerraceError>(findAccountDir(project, join(project, 'apps-devstg', 'us-east-1')))
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.contain(path).and.contain(says)
    })
  }

  it('a folder with no config/common.tfvars anywhere above is still exit 3', async () => {
    const temp = await tempDir('discover-none-')
    try {
      const error = await rejection<TerraceError>(findRoot(temp.dir))
      expect(error.exitCode).to.equal(ExitCode.NotInProject)
    } finally {
      await temp.cleanup()
    }
  })
})
