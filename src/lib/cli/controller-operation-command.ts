// The controller's owner commands (burning enable/disable, top-up, evacuate, vault set, owner transfer)
// differ only in their operation: each states it, this runs it against NEC's controller, or the one
// named by --controller (the old controller after an upgrade, or a candidate before it).
import {type Command, Flags} from '@oclif/core'

import {requireContract} from '../config/settings.js'
import {parseAddress} from '../core/addresses.js'
import {type ControllerOperation} from '../nectar/controller-owner.js'
import {type OwnerOperationResult} from '../nectar/run-owner-operation.js'
import {BaseCommand} from './base-command.js'
import {rpcFlags, signerFlags, txFlags} from './flags.js'

export const controllerFlag = {
  controller: Flags.string({description: "Act on this controller instead of NEC's (the old one after an upgrade, or a candidate)"}),
}

export abstract class ControllerOperationCommand<T extends typeof Command> extends BaseCommand<T> {
  static flags = {...rpcFlags, ...signerFlags, ...txFlags}

  /** The operation, from the parsed arguments (bad input fails here, before the chain is asked). */
  protected abstract operation(): ControllerOperation | Promise<ControllerOperation>

  public async run(): Promise<OwnerOperationResult> {
    const op = await this.operation()
    const named = (this.flags as {controller?: string}).controller
    const target = named === undefined ? undefined : parseAddress(named, '--controller')
    const nec = requireContract(this.settings(), 'nec')
    const client = await this.client()
    const controller = target ?? (await this.tokenController())
    if (target) {
      const {readControllerFacts} = await import('../nectar/controller.js')
      await readControllerFacts(client, {address: target, label: '--controller', nec})
    }
    const send = await this.sendOptions()
    const {runControllerOperation} = await import('../nectar/controller-owner.js')
    const result = await runControllerOperation(client, {controller, nec, op}, send)
    this.log(result.message)
    return result
  }
}
