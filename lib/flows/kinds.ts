/** The density estimators, apart from their code so the CLI can list them without loading tfjs. */
export const FLOW_KINDS = ["maf", "nsf"] as const;
export type FlowKind = typeof FLOW_KINDS[number];
