import {expect} from 'chai'
import {mkdir, readdir, symlink, writeFile} from 'node:fs/promises'
import {join, relative} from 'node:path'

import {isLayerDir, listLayers} from '../../src/layers/discover.js'
import {BB, tempDir} from './helpers.js'

describe('listLayers', () => {
  it('lists every layer of the bb project, sorted, disabled ones flagged', async () => {
    const layers = await listLayers(BB)
    expect(layers.map((l) => [relative(BB, l.path), l.disabled])).to.deep.equal([
      ['apps-devstg/us-east-1/base-network', false],
      ['apps-devstg/us-east-1/k8s-eks/addons/monitoring', false],
      ['apps-devstg/us-east-1/k8s-eks/addons/old-ingress --', true],
      ['apps-devstg/us-east-1/k8s-eks/cluster', false],
      ['apps-devstg/us-east-1/secrets manager', false],
      ['apps-prd/us-east-1/base-network', false],
      ['management/global/base-identities', false],
      ['network/us-east-1/transit-gateway --', true],
      ['security/us-east-1/security-base', false],
      ['shared/us-east-1/base-network', false],
    ])
    expect(layers.every((l) => l.path.startsWith(BB))).to.equal(true)
  })

  it('lists from a layers-group', async () => {
    const dir = join(BB, 'apps-devstg/us-east-1/k8s-eks')
    expect((await listLayers(dir)).map((l) => relative(dir, l.path))).to.deep.equal([
      'addons/monitoring',
      'addons/old-ingress --',
      'cluster',
    ])
  })

  it('puts a parent layer before its nested layers, skips .terraform and hidden folders, disables below a ` --` group', async () => {
    const {cleanup, dir} = await tempDir('nest')
    try {
      const tf = async (path: string) => {
        await mkdir(join(dir, path), {recursive: true})
        await writeFile(join(dir, path, 'main.tf'), '')
      }

      await tf('a')
      await tf('a/b')
      await tf('a-b')
      await tf('a/.terraform/modules/m')
      await tf('.hidden')
      await tf('parked --/inner')
      await mkdir(join(dir, 'only-link'))
      await symlink('../a/main.tf', join(dir, 'only-link/linked.tf'))
      await mkdir(join(dir, 'not-a-layer'))
      await writeFile(join(dir, 'not-a-layer/readme.tf.txt'), '')
      expect((await listLayers(dir)).map((l) => [relative(dir, l.path), l.disabled])).to.deep.equal([
        ['a', false],
        ['a/b', false],
        ['a-b', false],
        ['only-link', false],
        ['parked --/inner', true],
      ])
      expect(await isLayerDir(join(dir, 'not-a-layer'))).to.equal(false)
    } finally {
      await cleanup()
    }
  })

  it('reports a folder it cannot read (and skips it) instead of passing over it without a word', async () => {
    const {cleanup, dir} = await tempDir('unreadable')
    try {
      for (const path of ['a', 'locked/inner', 'z']) {
        await mkdir(join(dir, path), {recursive: true})
        await writeFile(join(dir, path, 'main.tf'), '')
      }

      const unreadable: Array<[string, string | undefined]> = []
      const layers = await listLayers(dir, {
        onUnreadable: (path, error) => unreadable.push([relative(dir, path), error.code]),
        async readdir(path) {
          if (path === join(dir, 'locked')) {
            throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), {code: 'EACCES'})
          }

          return readdir(path, {withFileTypes: true})
        },
      })
      expect(layers.map((l) => relative(dir, l.path))).to.deep.equal(['a', 'z'])
      expect(unreadable).to.deep.equal([['locked', 'EACCES']])
    } finally {
      await cleanup()
    }
  })
})
