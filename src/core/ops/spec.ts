import type { FieldMap, ValueOf } from './fields.ts';

/**
 * One op entry: everything the app needs to know about an op except its rule code. The action
 * type, the scenario schema, the form, the replay's reference fields and the flag tables are all
 * derived from it; the handler is joined to it by name in `engine.ts`.
 */
export interface OpSpec<F extends FieldMap = FieldMap> {
  /** The uAPI call it mirrors: the ioctl name, or the syscall or sysfs read (the form's title). */
  readonly call: string;
  /** One line saying what the op does, for people choosing an op. */
  readonly doc: string;
  /** The action's fields with the uAPI's own names, in the order the form shows them. */
  readonly fields: F;
}

/** Declares an op entry, keeping its field kinds precise for the derived action type. */
export function defineOp<const F extends FieldMap>(spec: OpSpec<F>): OpSpec<F> {
  return spec;
}

/** A table of op entries by op name (`model.op`). */
export type SpecMap = Readonly<Record<`${string}.${string}`, OpSpec>>;

type OptionalKeys<F> = {
  [K in keyof F]: F[K] extends { readonly optional: true } ? K : never;
}[keyof F];
type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;

/** Flattens an intersection so editors and error messages show one object type. */
type Flat<T> = { readonly [K in keyof T]: T[K] } & {};

/** The action an entry describes: `op` plus each field's value, optional where the field is. */
export type SpecAction<N extends string, S extends OpSpec> = Flat<
  { readonly op: N } & { readonly [K in RequiredKeys<S['fields']>]: ValueOf<S['fields'][K]> } & {
    readonly [K in OptionalKeys<S['fields']>]?: ValueOf<S['fields'][K]>;
  }
>;

/** Every action a table of entries describes, as a union discriminated by `op`. */
export type SpecActions<M extends { readonly [N in keyof M]: OpSpec }> = {
  [N in keyof M & string]: SpecAction<N, M[N]>;
}[keyof M & string];
