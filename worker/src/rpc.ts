/** Typing Durable Object stubs by the objects' own method signatures. */

/**
 * A method called over Durable Object RPC always returns a promise.
 * workers-types maps RPC results through Rpc.Serializable, which recurses
 * without end on recursive types (Json); stubs are typed with this instead
 * (the same shapes, minus the mapping).
 */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
