/** What the inspector shows. Kept as keys, resolved against the current state when drawn. */
export type Selection =
  | { readonly kind: 'mapping'; readonly laneId: string; readonly start: bigint }
  | {
      readonly kind: 'span';
      readonly laneId: string;
      readonly start: bigint;
      readonly last: bigint;
      readonly label: string;
    }
  | { readonly kind: 'device'; readonly bdf: string }
  | { readonly kind: 'group'; readonly group: number };
