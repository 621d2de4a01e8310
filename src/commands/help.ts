import {Args} from '@oclif/core'

import NectarHelp from '../entry/help.js'
import {BaseCommand} from '../lib/cli/base-command.js'
import {unknownCommandError} from '../lib/cli/suggestions.js'

/** What `help --json` gives: one command's interface, or a topic's (or the root's) commands. */
type HelpJson =
  | {args: Array<{description?: string; name: string; required: boolean}>; command: string; description?: string; examples: string[]; flags: Array<{char?: string; description?: string; name: string; type: string}>; summary?: string}
  | {commands: Array<{command: string; summary?: string}>; description?: string; topic: null | string}

export default class HelpCommand extends BaseCommand<typeof HelpCommand> {
  static args = {command: Args.string({description: 'A topic or a command, in words: compute, compute offers'})}
  static description = '`nectar COMMAND --help` and `nectar COMMAND -h` show the same. With --json, the command\'s arguments, flags and examples, or the commands of a topic, for tools that build on nectar.'
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> compute', '<%= config.bin %> <%= command.id %> compute offers', '<%= config.bin %> <%= command.id %> compute offers --json']
  static strict = false
  static summary = 'Show help for nectar, a topic or a command.'

  public async run(): Promise<HelpJson | undefined> {
    const words = this.positionals
    const id = words.join(':')
    const command = id ? this.config.findCommand(id) : undefined
    const topic = id ? this.config.findTopic(id) : undefined
    if (id && !command && !topic) throw unknownCommandError(id, this.config.commandIDs, this.config.bin)
    if (!this.jsonEnabled()) {
      await new NectarHelp(this.config, this.config.pjson.oclif.helpOptions).showHelp(words)
      return undefined
    }
    const spaced = (commandId: string) => commandId.replaceAll(':', ' ')
    if (command) {
      const fill = (example: string) => example.replaceAll('<%= config.bin %>', this.config.bin).replaceAll('<%= command.id %>', spaced(command.id))
      return {
        args: Object.entries(command.args).map(([name, arg]) => ({description: arg.description, name, required: Boolean(arg.required)})),
        command: spaced(command.id),
        description: command.description,
        examples: (command.examples ?? []).map((e) => fill(typeof e === 'string' ? e : e.command)),
        flags: Object.entries(command.flags).map(([name, flag]) => ({char: flag.char, description: flag.summary ?? flag.description, name, type: flag.type})),
        summary: command.summary,
      }
    }
    const prefix = id ? `${id}:` : ''
    const commands = this.config.commands.filter((c) => !c.hidden && c.id.startsWith(prefix)).sort((a, b) => a.id.localeCompare(b.id))
    return {commands: commands.map((c) => ({command: spaced(c.id), summary: c.summary})), description: topic?.description, topic: id ? spaced(id) : null}
  }
}
