// nectar's help (package.json oclif.helpClass): oclif's layout, fitted to the terminal. oclif wraps by
// cutting words at the width and leaves some lines (a command's first line, long list entries) past
// it; here every line breaks between words and none passes the width (80 columns when not a terminal).
import {CommandHelp, Help} from '@oclif/core'

import {renderColumns, wrapText} from '../lib/cli/wrap-text.js'

type Rows = Parameters<Help['renderList']>[0]

/** COLUMNS when set, else the terminal's width, else 80 (a pipe or a file). */
function helpWidth(): number {
  const columns = Number.parseInt(process.env.COLUMNS ?? '', 10) || (process.stdout.isTTY ? process.stdout.columns : 80)
  return Math.max(40, columns || 80)
}

// Joins the words of one usage group (`[-r <value>]`) so that a line never breaks inside it; log()
// turns it back into a space.
const GLUE = '\u00A0'

class NectarCommandHelp extends CommandHelp {
  protected defaultUsage(): string {
    return super.defaultUsage().replaceAll(/\[[^\]]*\]/g, (group) => group.replaceAll(' ', GLUE))
  }

  // Only the description (the summary is the first line of the help), reflowed to the width: line
  // breaks inside a paragraph were made for a wider screen. An indented line (a command to type) stays
  // a line of its own.
  protected description(): string | undefined {
    const text = this.command.description
    if (!text) return undefined
    const lines: string[] = []
    for (const line of text.split('\n')) {
      const last = lines.length - 1
      if (line.trim() && !/^\s/.test(line) && last >= 0 && lines[last].trim() && !/^\s/.test(lines[last])) lines[last] += ` ${line.trim()}`
      else lines.push(line.trimEnd())
    }
    return this.wrap(lines.join('\n'))
  }

  renderList(input: Rows, opts: {indentation: number}): string {
    return renderColumns(input, this.opts.maxWidth - opts.indentation)
  }

  wrap(body: string, spacing = this.indentSpacing): string {
    return wrapText(this.render(body), this.opts.maxWidth - spacing, {breakWords: false})
  }
}

export default class NectarHelp extends Help {
  CommandHelpClass = NectarCommandHelp

  constructor(...[config, opts]: ConstructorParameters<typeof Help>) {
    super(config, {...opts, maxWidth: helpWidth()})
  }

  renderList(input: Rows, opts: {indentation: number}): string {
    return renderColumns(input, this.opts.maxWidth - opts.indentation)
  }

  wrap(body: string, spacing = this.indentSpacing): string {
    return wrapText(this.render(body), this.opts.maxWidth - spacing, {breakWords: false})
  }

  // Whatever oclif lays out itself (the first line, the usage line) is wrapped here as a last step.
  protected log(...args: string[]): void {
    super.log(...args.map((text) => wrapText(text, this.opts.maxWidth, {breakWords: false, columns: true}).replaceAll(GLUE, ' ')))
  }
}
