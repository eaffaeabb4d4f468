// A server type as it crosses HTTP as JSON, for the web app to import instead of copying (docs/architecture.md, web).
// The server keeps Dates and, in a few places, epoch milliseconds; the wire has ISO 8601 strings for both. Naming the
// difference here keeps one definition of each reply: the server's, seen through this lens.

/** The JSON form of `T`: a Date becomes its ISO string, functions vanish; `EpochKeys` name the top-level keys the
 *  route turns from epoch milliseconds into ISO strings (null stays null). */
export type Wire<T, EpochKeys extends PropertyKey = never> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: K extends EpochKeys ? Iso<T[K]> : Wire<T[K]> }
      : T;

type Iso<V> = V extends number ? string : V;
