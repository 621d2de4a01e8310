// The error a function throws, for asserting on its code, message and details; fails the test when
// nothing is thrown.
import {type NectarError} from '../../src/lib/core/errors.js'

export function failure(fn: () => unknown): NectarError {
  try {
    fn()
  } catch (error) {
    return error as NectarError
  }
  throw new Error('expected an error')
}
