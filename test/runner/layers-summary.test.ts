import {expect} from 'chai'

import {formatSummaryJson, formatSummaryTable, type LayersSummary} from '../../src/runner/layers-summary.js'

const summary: LayersSummary = {
  exitCode: 2,
  layers: [
    {durationMs: 1234, exitCode: 0, layer: 'us-east-1/base-network', status: 'ok'},
    {durationMs: 50, exitCode: 2, layer: 'us-east-1/k8s', status: 'failed'},
    {durationMs: null, exitCode: null, layer: 'global/iam', status: 'skipped'},
  ],
}

describe('runner/layers-summary', () => {
  it('formats an aligned table with a totals line', () => {
    expect(formatSummaryTable(summary).split('\n')).to.deep.equal([
      'LAYER                   STATUS   EXIT  DURATION',
      'us-east-1/base-network  ok       0     1.2s',
      'us-east-1/k8s           failed   2     0.1s',
      'global/iam              skipped  -     -',
      '1 ok, 1 failed, 1 skipped; exit code 2',
      '',
    ])
  })

  it('formats JSON with nulls for skipped layers', () => {
    expect(JSON.parse(formatSummaryJson(summary))).to.deep.equal(summary)
  })
})
