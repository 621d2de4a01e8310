import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type AdvanceResult} from '../../lib/devnet/lifecycle.js'

export default class DevnetAdvance extends BaseCommand<typeof DevnetAdvance> {
  static description = 'Move devnet time forward (issuance windows are 30 days) and mine a block.'
  static examples = ['<%= config.bin %> <%= command.id %> --days 30', '<%= config.bin %> <%= command.id %> --days 0.5 --json']
  static flags = {
    days: Flags.string({description: 'Days to move forward: a positive number up to 36500 (decimals allowed).', required: true}),
  }

  public async run(): Promise<AdvanceResult> {
    const {devnetAdvance, parseDays} = await import('../../lib/devnet/lifecycle.js')
    const days = parseDays(this.flags.days)
    const result = await devnetAdvance({dataDir: this.dataDir, days})
    const lines: Array<[string, string]> = [
      ['advanced', `${days} day(s) (${result.seconds} s)`],
      ['block', result.blockNumber],
      ['chain time', result.chainTime],
    ]
    if (result.window !== null) lines.push(['window', String(result.window)])
    this.log(renderKeyValues(lines))
    return result
  }
}
