import {Args} from '@oclif/core'

import NectarHelp from '../entry/help.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {unknownCommandError} from '../lib/cli/suggestions.js'

export default class HelpCommand extends BaseCommand<typeof HelpCommand> {
  static args = {command: Args.string({description: 'A topic or a command, in words: compute, compute offers'})}
  static description = '`nectar COMMAND --help` and `nectar COMMAND -h` show the same.'
  static enableJsonFlag = false
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> compute', '<%= config.bin %> <%= command.id %> compute offers']
  static strict = false
  static summary = 'Show help for nectar, a topic or a command.'

  public async run(): Promise<void> {
    const words = this.positionals
    const id = words.join(':')
    if (id && !this.config.findCommand(id) && !this.config.findTopic(id)) throw unknownCommandError(id, this.config.commandIDs, this.config.bin)
    await new NectarHelp(this.config, this.config.pjson.oclif.helpOptions).showHelp(words)
  }
}
