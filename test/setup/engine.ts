// The container engine the container tests use (scripts/ci-containers.sh sets it up: Podman, DOCKER_HOST,
// local/busybox). Probed before a suite is collected, so a suite can be skipped without one; with
// NECTAR_REQUIRE_CONTAINERS=1 (CI) a missing engine fails the suite instead.
import {connectEngine, resolveEngine} from '../../src/lib/provider/container-executor.js'

export const TEST_IMAGE = 'local/busybox'

export interface TestEngine {
  address: ReturnType<typeof resolveEngine>
  /** Why there is no usable engine, or undefined. */
  problem?: string
  required: boolean
}

/** Is there an engine with the test image? Prints why `suite` is skipped when not (and not required). */
export async function probeTestEngine(suite: string): Promise<TestEngine> {
  const address = resolveEngine()
  let problem: string | undefined
  try {
    const engine = await connectEngine(address)
    await engine.ping()
    await engine.getImage(TEST_IMAGE).inspect()
  } catch (error) {
    problem = `${address.url}: ${(error as Error).message.split('\n')[0]}`
  }
  const required = process.env.NECTAR_REQUIRE_CONTAINERS === '1'
  if (problem && !required) console.log(`[${suite}] container tests SKIPPED: no container engine with ${TEST_IMAGE} (${problem}). Run scripts/ci-containers.sh and set DOCKER_HOST; NECTAR_REQUIRE_CONTAINERS=1 makes this a failure.`)
  return {address, problem, required}
}
