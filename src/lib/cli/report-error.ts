// How an error reaches a person (one line, details, hint on stderr) or a script (the envelope on
// stdout), and the exit code. Shared by BaseCommand and the hooks that run before any command.
import {type NectarError} from '../core/errors.js'
import {toJsonText} from '../core/json-text.js'
import {color, terminalWidth} from './render.js'
import {wrapText} from './wrap-text.js'

export function errorEnvelope(error: NectarError, warnings: readonly string[] = []) {
  return {ok: false as const, error: error.toJSON(), ...(warnings.length > 0 ? {warnings: [...warnings]} : {})}
}

export function reportError(error: NectarError, json: boolean, warnings: readonly string[] = []): void {
  process.exitCode = error.exitCode
  if (json) {
    process.stdout.write(toJsonText(errorEnvelope(error, warnings), process.stdout.isTTY ? 2 : 0) + '\n')
    return
  }
  const lines = [`${color.red('Error:')} ${error.message}`]
  for (const detail of error.details) lines.push(`  ${detail}`)
  if (error.hint) lines.push(`${color.cyan('Hint:')} ${error.hint}`)
  const width = terminalWidth(process.stderr)
  process.stderr.write(lines.map((line) => wrapText(line, width, {hang: line.startsWith('  ') ? '    ' : '  '})).join('\n') + '\n')
}
