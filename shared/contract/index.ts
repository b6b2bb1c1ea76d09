import { z } from 'zod';
import { analysisOps } from './analysis.js';
import { appOps } from './app.js';
import { criticOps } from './critic.js';
import { reviewOps } from './review.js';
import { studyOps } from './studies.js';
import { taskOps } from './tasks.js';

export { op, type Operation } from './op.js';

/**
 * The whole contract between the UI and the back end. Each key is a `domain:verb` name; the IPC
 * bridge and the HTTP host are both generated from this object.
 */
export const contract = {
  ...appOps,
  ...taskOps,
  ...reviewOps,
  ...studyOps,
  ...analysisOps,
  ...criticOps,
} as const;

/** The contract's type. */
export type Contract = typeof contract;
/** Every operation name. */
export type OpName = keyof Contract;
/** The input an operation accepts (before defaults are applied). */
export type OpInput<K extends OpName> = z.input<Contract[K]['input']>;
/** The input an operation's handler receives (after parsing). */
export type OpParsedInput<K extends OpName> = z.output<Contract[K]['input']>;
/** What an operation returns. */
export type OpOutput<K extends OpName> = z.output<Contract[K]['output']>;

/** Every operation name, in a stable order. */
export const opNames: readonly OpName[] = Object.keys(contract).sort() as OpName[];

/** True when `name` is an operation of the contract. */
export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** The IPC channel that carries an operation (one channel per operation). */
export function ipcChannel(name: OpName): string {
  return `assay:${name}`;
}
