import {Args} from '@oclif/core'

import {BaseCommand} from '../lib/cli/base-command.js'
import {completionScript, type Shell} from '../lib/cli/completion.js'

export default class Autocomplete extends BaseCommand<typeof Autocomplete> {
  static args = {shell: Args.string({default: 'bash', description: 'The shell', options: ['bash', 'zsh']})}
  static description = `Prints a script that completes commands, topics, flags and flag values on <TAB>. It is made from the installed commands, so print it again after an upgrade.

bash: add \`source <(nectar autocomplete bash)\` to ~/.bashrc, or save it once:
  nectar autocomplete bash > ~/.local/share/bash-completion/completions/nectar

zsh: add \`source <(nectar autocomplete zsh)\` to ~/.zshrc after \`compinit\`, or save it as _nectar in a directory of your $fpath:
  nectar autocomplete zsh > "\${fpath[1]}/_nectar"

Then open a new shell.`
  static examples = [
    '<%= config.bin %> <%= command.id %> bash > ~/.local/share/bash-completion/completions/<%= config.bin %>',
    '<%= config.bin %> <%= command.id %> zsh > "${fpath[1]}/_<%= config.bin %>"',
    `echo 'source <(<%= config.bin %> <%= command.id %> bash)' >> ~/.bashrc`,
  ]
  static summary = 'Print a shell completion script for bash or zsh.'

  public async run(): Promise<{script: string; shell: Shell}> {
    const shell = this.args.shell as Shell
    const commands = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({
        flags: Object.entries(c.flags)
          .filter(([, f]) => !f.hidden)
          .map(([name, f]) => ({description: f.summary ?? f.description, name, options: f.type === 'option' ? f.options : undefined})),
        id: c.id,
        summary: c.summary ?? c.description?.split('\n')[0],
      }))
    const script = completionScript(shell, commands, this.config.topics, this.config.bin)
    this.log(script.trimEnd())
    return {script, shell}
  }
}
