import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderKeyValues} from '../../lib/cli/render.js'
import {type DevnetUpResult} from '../../lib/devnet/lifecycle.js'

export default class DevnetReset extends BaseCommand<typeof DevnetReset> {
  static summary = 'Start a fresh devnet with new contracts.'
  static description = 'Stop the devnet, delete its state, and start a fresh one with newly deployed and seeded contracts.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --port 8546 --json']
  static flags = {
    port: Flags.integer({description: 'Port to listen on (127.0.0.1). Default: the port it last used, else 8545.', max: 65_535, min: 1}),
  }

  public async run(): Promise<DevnetUpResult> {
    const {devnetReset} = await import('../../lib/devnet/lifecycle.js')
    const {devnetInfoLines} = await import('../../lib/devnet/describe.js')
    const result = await devnetReset({
      configDir: this.configDir,
      dataDir: this.dataDir,
      onProgress: (message) => this.note(message),
      port: this.flags.port,
    })
    this.note(`Fresh devnet: deployed and seeded in ${result.deploySeconds} s.`)
    this.log(renderKeyValues(devnetInfoLines(result)))
    return result
  }
}
