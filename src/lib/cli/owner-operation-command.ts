// The six owner commands (whitelist enable/disable, whitelist admins add/remove, makers
// authorise/deauthorise) differ only in their operation: each states it, this runs it.
import {type Command} from '@oclif/core'

import {type OwnerOperationResult} from '../nectar/run-owner-operation.js'
import {type OwnerOperation} from '../nectar/whitelist-admin.js'
import {BaseCommand} from './base-command.js'
import {rpcFlags, signerFlags, txFlags} from './flags.js'

export abstract class OwnerOperationCommand<T extends typeof Command> extends BaseCommand<T> {
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  /** The operation, from the parsed arguments. */
  protected abstract operation(): OwnerOperation | Promise<OwnerOperation>

  public async run(): Promise<OwnerOperationResult> {
    const op = await this.operation()
    const client = await this.client()
    const controller = await this.tokenController()
    const send = await this.sendOptions()
    const {runOwnerOperation} = await import('../nectar/run-owner-operation.js')
    const result = await runOwnerOperation(client, {controller, op}, send)
    this.log(result.message)
    return result
  }
}
