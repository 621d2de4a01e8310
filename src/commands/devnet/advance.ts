import {BaseCommand} from '../../lib/cli/base-command.js'
import {durationMsFlag} from '../../lib/cli/flags.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {formatDuration} from '../../lib/core/durations.js'
import {type AdvanceResult, MAX_ADVANCE_SECONDS} from '../../lib/devnet/lifecycle.js'

export default class DevnetAdvance extends BaseCommand<typeof DevnetAdvance> {
  static summary = 'Move devnet time forward and mine a block.'
  static description = 'Move devnet time forward (issuance windows are 30 days) and mine a block.'
  static examples = ['<%= config.bin %> <%= command.id %> --days 30', '<%= config.bin %> <%= command.id %> --days 12h --json']
  static flags = {
    days: durationMsFlag({bareUnit: 'd', description: 'How far to move: days (30, 0.5) or a duration (12h, 1d6h); up to 36500 days.', maxMs: MAX_ADVANCE_SECONDS * 1000n, required: true}),
  }

  public async run(): Promise<AdvanceResult> {
    const {devnetAdvance} = await import('../../lib/devnet/lifecycle.js')
    // The chain's clock counts whole seconds.
    const seconds = (this.flags.days + 500n) / 1000n
    const result = await devnetAdvance({dataDir: this.dataDir, seconds})
    const lines: Array<[string, string]> = [
      ['advanced', `${formatDuration(seconds)} (${result.seconds} s)`],
      ['block', result.blockNumber],
      ['chain time', result.chainTime],
    ]
    if (result.window !== null) lines.push(['window', String(result.window)])
    this.log(renderKeyValues(lines))
    return result
  }
}
