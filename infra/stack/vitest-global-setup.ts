import type { TestProject } from 'vitest/node';
import type {} from 'vitest';
import { startStack, type Stack, type StackInfo } from './stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

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
