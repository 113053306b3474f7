import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from './stack.ts';
import type {} from './testing.ts';

let stack: Stack | undefined;

/** Starts the infrastructure once for the integration tests and says which one it is. */
export async function setup(project: TestProject): Promise<void> {
  stack = await startStack(process.env, (line) => console.log(`[stack] ${line}`));
  console.log(`[stack] integration tests use ${stack.description}`);
  const { stop: _stop, ...info } = stack;
  project.provide('stack', info);
}

export async function teardown(): Promise<void> {
  await stack?.stop();
}
