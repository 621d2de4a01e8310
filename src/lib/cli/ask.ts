// Questions for a person at a terminal: the guided flows (rewards simulate, compute order, provider
// offer create, init) ask through this, never through inquirer directly. Inquirer is loaded on the
// first question only (it costs start-up time every other run), and draws on stderr: stdout stays the
// command's output, so `nectar … > file` still asks on the screen.
import {NectarError} from '../core/errors.js'

export interface Choice<V> {
  description?: string
  name: string
  value: V
}

export interface Ask {
  /** Several of `choices` (space toggles, Enter accepts). */
  checkbox<V>(message: string, choices: Array<Choice<V> & {checked?: boolean}>): Promise<V[]>
  confirm(message: string, initial?: boolean): Promise<boolean>
  /** A line of text; `check` returns the reason an answer is refused, or nothing when it is accepted. */
  input(message: string, options?: {check?: (answer: string) => string | undefined; initial?: string}): Promise<string>
  /** A secret (masked): a password or a private key. */
  secret(message: string): Promise<string>
  select<V>(message: string, choices: Array<Choice<V>>, initial?: V): Promise<V>
}

/** A `check` for Ask.input from a parser of the lib: the parser's own message is the reason an answer is refused. */
export function checkWith(parse: (answer: string) => unknown): (answer: string) => string | undefined {
  return (answer) => {
    try {
      parse(answer)
      return undefined
    } catch (error) {
      if (error instanceof NectarError) return error.hint ? `${error.message} ${error.hint}` : error.message
      throw error
    }
  }
}

/** The Ask of a real terminal (inquirer on stderr). */
export function terminalAsk(output: NodeJS.WritableStream = process.stderr): Ask {
  const load = () => import('@inquirer/prompts')
  const context = {output}
  return {
    async checkbox(message, choices) {
      const {checkbox} = await load()
      return checkbox({choices, message}, context)
    },
    async confirm(message, initial = true) {
      const {confirm} = await load()
      return confirm({default: initial, message}, context)
    },
    async input(message, {check, initial} = {}) {
      const {input} = await load()
      const answer = await input({default: initial, message, validate: (value) => check?.(value.trim()) ?? true}, context)
      return answer.trim()
    },
    async secret(message) {
      const {password} = await load()
      return password({mask: '*', message}, context)
    },
    async select(message, choices, initial) {
      const {select} = await load()
      return select({choices, default: initial, message, pageSize: 12}, context)
    },
  }
}

/** An argument as a shell reads it back: quoted only when it must be. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}
